"""The API reference, generated from the package's own declarations at every docs build.

Nothing here lists a name by hand. The public names are read from ``plugipay.__all__`` and the
``__all__`` of each public submodule ``plugipay`` declares (``bulk``, ``errors``, ``models``,
``testing``, ``webhooks``), and the resource namespaces from the clients' ``resource(...)``
declarations; a name added to any of them gets its page entry with no change to the docs.
Each object is documented once, on the page of the first module that exports it (submodules
before ``plugipay``, which re-exports the models and errors); every other public spelling of it
links there from the index. mkdocstrings renders each ``::: identifier`` from the docstrings.

``pages()`` and ``nav()`` need only plugipay (``tests/test_docs.py`` checks them without
mkdocs); ``on_config`` and ``on_files`` are the mkdocs hooks (``hooks:`` in ``mkdocs.yml``).
"""

from __future__ import annotations

import importlib
import inspect
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
    """The public submodules ``plugipay`` declares, sorted, then ``plugipay`` itself."""
    package = _module(ROOT_MODULE)
    return [f"{ROOT_MODULE}.{name}" for name in sorted(package._SUBMODULES)] + [ROOT_MODULE]


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


def _identifier(value: type) -> str:
    return f"{inspect.getmodule(value).__name__}.{value.__qualname__}"  # type: ignore[union-attr]


def _page_path(module: str) -> str:
    if module == ROOT_MODULE:
        return "reference/plugipay.md"
    return f"reference/{module.removeprefix(ROOT_MODULE + '.')}.md"


def _first_line(module: ModuleType) -> str:
    return inspect.cleandoc(module.__doc__ or "").split("\n\n")[0].replace("\n", " ")


def _model_families() -> list[ModuleType]:
    families: tuple[ModuleType, ...] = _module(f"{ROOT_MODULE}._models").FAMILIES
    return sorted(families, key=lambda family: family.__name__)


def _planned() -> list[tuple[Page, list[tuple[str, Any]]]]:
    """Each page to generate, with the ``(public name, object)`` pairs it covers (its title and
    intro set, its identifiers not yet chosen): a page per public module (the models split by
    family), then one per resource namespace."""
    planned: list[tuple[Page, list[tuple[str, Any]]]] = []
    for module_name in public_modules():
        module = _module(module_name)
        names = [(f"{module_name}.{name}", getattr(module, name)) for name in module.__all__]
        if module_name == f"{ROOT_MODULE}.models":
            # A page per model family (the modules the models are declared in), then the rest.
            for family in _model_families():
                short = family.__name__.rsplit(".", 1)[1]
                mine = [pair for pair in names if pair[0].rsplit(".", 1)[1] in family.__all__]
                names = [pair for pair in names if pair not in mine]
                title = short.replace("_", " ").capitalize()
                page = Page(f"reference/models/{short}.md", title, _first_line(family), ())
                planned.append((page, mine))
        planned.append((Page(_page_path(module_name), module_name, _first_line(module), ()), names))
    for attr, classes in resource_namespaces():
        intro = (
            f"`plug.{attr}`: the same methods and arguments on both clients; the async ones are "
            "awaited."
        )
        planned.append((Page(f"reference/resources/{attr}.md", f"plug.{attr}", intro, ()), classes))
    return planned


def _is_own_name(public: str, value: Any) -> bool:
    """Whether ``public`` spells the object by its own name (``PlugipayClient``, not the alias
    ``Plugipay``; ``webhooks.verify``, not ``verify_webhook``)."""
    return public.rsplit(".", 1)[1] == getattr(value, "__name__", None)


def _identifier_for(public: str, value: Any) -> str:
    """What mkdocstrings renders for a public name: the name itself, except for a resource
    namespace (a client attribute), rendered by its class's path."""
    if inspect.isclass(value) and public.rsplit(".", 1)[0].endswith("Client"):
        return _identifier(value)
    return public


def build() -> tuple[list[Page], list[Entry]]:
    """Every generated page and every public name's entry.

    An object exported under several names (``plugipay.Customer`` and
    ``plugipay.models.Customer``; ``Plugipay`` and ``PlugipayClient``) is rendered once: under
    the first spelling, in page order, that uses its own name (else the first spelling), and the
    other spellings link there."""
    planned = _planned()
    homes: dict[int, tuple[str, str]] = {}
    for page, names in planned:
        for public, value in names:
            if not _documentable(value):
                continue
            home = homes.get(id(value))
            if home is None or (not _is_own_name(home[0], value) and _is_own_name(public, value)):
                homes[id(value)] = (public, page.path)
    pages: list[Page] = []
    entries: list[Entry] = []
    for page, names in planned:
        rendered: list[str] = []
        for public, value in names:
            home_public, home_page = homes.get(id(value), (public, page.path))
            if _documentable(value) and home_public != public:
                home = _identifier_for(home_public, value)
                entries.append(Entry(public, home, home_page, _summary(value)))
                continue
            identifier = _identifier_for(public, value)
            entries.append(Entry(public, identifier, page.path, _summary(value)))
            rendered.append(identifier)
        if rendered:
            pages.append(Page(page.path, page.title, page.intro, tuple(rendered)))
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
    groups: dict[str, list[Entry]] = {}
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
