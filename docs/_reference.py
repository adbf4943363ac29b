"""The API reference, generated from the package's own declarations at every docs build.

Nothing here lists a name by hand. The public names are read from ``plugipay.__all__`` and the
``__all__`` of each public module of the package (``bulk``, ``errors``, ``models``, ``testing``,
``webhooks``: every module without a leading underscore; a public package without ``__all__``
stands for its public modules), and the resource namespaces from the clients' ``resource(...)``
declarations; a name added to any of them, or a public module added to the package, gets its
page with no change to the docs.
Each object is rendered once, under its first spelling that uses its own name (submodules come
before ``plugipay``, which re-exports the models and errors, so ``plugipay.models.Customer``
renders and ``plugipay.Customer`` links to it; ``PlugipayClient`` renders, its alias ``Plugipay``
links). The index lists every spelling. mkdocstrings renders each ``::: identifier`` from the
docstrings.

``pages()`` and ``nav()`` need only plugipay (``tests/test_docs.py`` checks them without
mkdocs); ``on_config`` and ``on_files`` are the mkdocs hooks (``hooks:`` in ``mkdocs.yml``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from types import ModuleType
from typing import Any

ROOT_MODULE = "plugipay"


@dataclass(frozen=True)
class Entry:
    """One public name: how users spell it, where it is documented, and under what identifier."""

    public: str
    """The dotted name users import (``plugipay.errors.NotFoundError``)."""
    identifier: str
    """The ``:::`` identifier whose rendering documents the object."""
    page: str
    """The generated page holding that rendering, relative to ``docs/``."""
    summary: str
    """The first paragraph of the object's docstring, on one line ("" for a constant)."""


@dataclass(frozen=True)
class Page:
    """One generated page: its path, its title, an intro line and the identifiers it renders."""

    path: str
    title: str
    intro: str
    identifiers: tuple[str, ...]


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def public_modules() -> list[str]:
    """Every public module, sorted, then ``plugipay`` itself: each module of the package whose
    name has no leading underscore and that declares ``__all__``; a public package without one
    (a namespace of modules) stands for its public modules."""
    found: list[str] = []

    def visit(name: str) -> None:
        module = _module(name)
        if hasattr(module, "__all__"):
            found.append(name)
        elif hasattr(module, "__path__"):
            for info in pkgutil.iter_modules(module.__path__):
                if not info.name.startswith("_"):
                    visit(f"{name}.{info.name}")
        else:
            raise TypeError(f"{name} is public but has no __all__: declare its public names")

    for info in pkgutil.iter_modules(_module(ROOT_MODULE).__path__):
        if not info.name.startswith("_"):
            visit(f"{ROOT_MODULE}.{info.name}")
    return [*sorted(found), ROOT_MODULE]


def resource_namespaces() -> list[tuple[str, list[tuple[str, type]]]]:
    """Each client attribute declared with ``resource(...)``, in declaration order, with its
    public spelling and namespace class on each client (async first)."""
    package = _module(ROOT_MODULE)
    resource = _module(f"{ROOT_MODULE}._resource").resource
    found: dict[str, list[tuple[str, type]]] = {}
    for client in (package.AsyncPlugipayClient, package.PlugipayClient):
        for attr, value in vars(client).items():
            if isinstance(value, resource):
                public = f"{ROOT_MODULE}.{client.__name__}.{attr}"
                found.setdefault(attr, []).append((public, value.load()))
    return list(found.items())


def _documentable(value: Any) -> bool:
    """Classes, functions and modules are documented once; a constant or type alias (which may
    be an interned value another module shares by chance) is documented where it is exported."""
    return inspect.isclass(value) or inspect.isroutine(value) or inspect.ismodule(value)


def _class_path(value: type) -> str:
    """Where a class is defined (``plugipay._sync.resources.customers.Customers``)."""
    module = inspect.getmodule(value)
    assert module is not None, value
    return f"{module.__name__}.{value.__qualname__}"


def _page_path(module: str) -> str:
    if module == ROOT_MODULE:
        return "reference/plugipay.md"
    return f"reference/{module.removeprefix(ROOT_MODULE + '.')}.md"


def _first_line(module: ModuleType) -> str:
    """A module docstring's first paragraph, on one line: a page's introduction."""
    return " ".join(inspect.cleandoc(module.__doc__ or "").split("\n\n")[0].split())


def _model_families() -> list[ModuleType]:
    families: tuple[ModuleType, ...] = _module(f"{ROOT_MODULE}._models").FAMILIES
    return sorted(families, key=lambda family: family.__name__)


Name = tuple[str, Any, str]
"""A public name as planned: its spelling, its object, and the identifier that would render it."""


def _planned() -> list[tuple[str, str, str, list[Name]]]:
    """Each page to generate (path, title, intro) with the names it covers: a page per public
    module (the models split by the family modules they are declared in), then one per resource
    namespace, whose classes render under their own paths (a client attribute has no import
    path of its own)."""
    planned: list[tuple[str, str, str, list[Name]]] = []
    for module_name in public_modules():
        module = _module(module_name)
        names = [
            (f"{module_name}.{name}", getattr(module, name), f"{module_name}.{name}")
            for name in module.__all__
        ]
        if module_name == f"{ROOT_MODULE}.models":
            for family in _model_families():
                short = family.__name__.rsplit(".", 1)[1]
                mine = [name for name in names if name[0].rsplit(".", 1)[1] in family.__all__]
                names = [name for name in names if name not in mine]
                title = short.replace("_", " ").capitalize()
                planned.append((f"reference/models/{short}.md", title, _first_line(family), mine))
        planned.append((_page_path(module_name), module_name, _first_line(module), names))
    for attr, classes in resource_namespaces():
        intro = (
            f"`plug.{attr}`: the same methods and arguments on both clients; the async ones are "
            "awaited."
        )
        mine = [(public, cls, _class_path(cls)) for public, cls in classes]
        planned.append((f"reference/resources/{attr}.md", f"plug.{attr}", intro, mine))
    return planned


def _is_own_name(public: str, value: Any) -> bool:
    """Whether ``public`` spells the object by its own name (``PlugipayClient``, not the alias
    ``Plugipay``; ``webhooks.verify``, not ``verify_webhook``)."""
    return public.rsplit(".", 1)[1] == getattr(value, "__name__", None)


def build() -> tuple[list[Page], list[Entry]]:
    """Every generated page and every public name's entry.

    An object exported under several names (``plugipay.Customer`` and
    ``plugipay.models.Customer``; ``Plugipay`` and ``PlugipayClient``) is rendered once: under
    the first spelling, in page order, that uses its own name (else the first spelling), and the
    other spellings link there."""
    planned = _planned()
    homes: dict[int, Entry] = {}
    for path, _, _, names in planned:
        for public, value, identifier in names:
            if not _documentable(value):
                continue
            home = homes.get(id(value))
            if home is None or (
                not _is_own_name(home.public, value) and _is_own_name(public, value)
            ):
                homes[id(value)] = Entry(public, identifier, path, _summary(value))
    pages: list[Page] = []
    entries: list[Entry] = []
    for path, title, intro, names in planned:
        rendered: list[str] = []
        for public, value, identifier in names:
            home = homes.get(id(value)) if _documentable(value) else None
            if home is not None and home.public != public:
                entries.append(Entry(public, home.identifier, home.page, home.summary))
                continue
            entries.append(Entry(public, identifier, path, _summary(value)))
            rendered.append(identifier)
        if rendered:
            pages.append(Page(path, title, intro, tuple(rendered)))
    return pages, entries


def _summary(value: Any) -> str:
    """The first paragraph of a documented object's docstring, on one line ("" for a value)."""
    if not _documentable(value):
        return ""
    return " ".join(inspect.cleandoc(value.__doc__ or "").split("\n\n")[0].split())


def _index(entries: list[Entry]) -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings at each build: every name in the `__all__` of `plugipay`",
        "and of its public submodules, and the resource namespaces the clients declare (what",
        "`plug.customers` and the others are). An object exported under several names is",
        "documented once; each of its names below links there.",
        "",
    ]
    groups: dict[str, list[Entry]] = {ROOT_MODULE: []}  # the package's own names first
    for entry in entries:
        groups.setdefault(entry.public.rsplit(".", 1)[0], []).append(entry)
    for group, members in groups.items():
        lines += [f"## `{group}`", ""]
        for entry in members:
            name = entry.public.rsplit(".", 1)[1]
            if entry.identifier == entry.public or entry.page.startswith("reference/resources/"):
                link = f"[`{name}`][{entry.identifier}]"
            else:
                link = f"`{name}` (the same as [`{entry.identifier}`][{entry.identifier}])"
            lines.append(f"- {link}" + (f": {entry.summary}" if entry.summary else ""))
        lines.append("")
    return "\n".join(lines)


def _render(page: Page) -> str:
    lines = [f"# `{page.title}`", "", page.intro, ""]
    lines += [f"::: {identifier}\n" for identifier in page.identifiers]
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Every generated page's markdown by its path under ``docs/``, the index first."""
    built, entries = build()
    out = {"reference/index.md": _index(entries)}
    out.update((page.path, _render(page)) for page in built)
    return out


def nav() -> list[Any]:
    """The reference's part of the navigation (mkdocs ``nav`` syntax): the index, a page per
    module (the models' families under ``plugipay.models``), then the resource namespaces."""
    built, _ = build()
    modules: list[Any] = []
    families: list[Any] = []
    resources: list[Any] = []
    for page in built:
        if page.path.startswith("reference/resources/"):
            resources.append({page.title: page.path})
        elif page.path.startswith("reference/models/"):
            families.append({page.title: page.path})
        elif page.path == _page_path(f"{ROOT_MODULE}.models"):
            modules.append({page.title: [page.path, *families]})
        else:
            modules.append({page.title: page.path})
    if families and not any(page.path == _page_path(f"{ROOT_MODULE}.models") for page in built):
        modules.append({f"{ROOT_MODULE}.models": families})
    # The package's own page first (it comes last in page order, after the submodules it
    # re-exports from, so that their spellings are the ones rendered).
    modules.sort(key=lambda item: next(iter(item)) != ROOT_MODULE)
    return [{"API reference": ["reference/index.md", *modules, {"Resource namespaces": resources}]}]


# -- mkdocs hooks -----------------------------------------------------------------------------


def on_config(config: Any) -> Any:
    """Appends the reference to the hand-written guides' navigation."""
    config["nav"] = [*config["nav"], *nav()]
    return config


def on_files(files: Any, config: Any) -> Any:
    """Adds the generated pages; none of them exists on disk."""
    from mkdocs.structure.files import File

    for path, markdown in pages().items():
        files.append(File.generated(config, path, content=markdown))
    return files
