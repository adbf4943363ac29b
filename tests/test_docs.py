"""The documentation site stays true: every ```python block of the guides runs against the
emulator (as README's do), and the API reference covers every public name, found here
independently of the generator (docs/_reference.py) that mkdocs runs. mkdocs itself is not
needed: ``nox -s docs`` builds the site, strict."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import plugipay
from plugipay._resource import resource
from plugipay.testing import FakePlugipay
from tests.markdown_blocks import BLOCK, ROOT, python_blocks, run_block, serve_for_snippets

DOCS = ROOT / "docs"
GUIDES = sorted(DOCS.glob("*.md"))
GUIDE_BLOCKS = [
    (f"docs/{path.name}:{line}", code)
    for path in GUIDES
    for line, code in python_blocks(path.read_text(encoding="utf-8"))
]
MKDOCS_YML = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")

# Issue 15's list of guides, by file: what the site promises to cover.
REQUIRED_GUIDES = {
    "install.md",
    "quickstart.md",
    "async-and-sync.md",
    "errors-and-retries.md",
    "pagination.md",
    "webhooks.md",
    "payments.md",
    "billing.md",
    "reconciliation.md",
    "testing.md",
    "bulk.md",
    "cli.md",
}


def _load_generator() -> ModuleType:
    """docs/_reference.py, loaded as mkdocs loads a hook: by path (docs/ is no package)."""
    name = "plugipay_docs_reference"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DOCS / "_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


reference = _load_generator()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlugipay]:
    yield from serve_for_snippets(monkeypatch)


# -- the guides ---------------------------------------------------------------------------------


def test_every_guide_the_issue_names_exists_and_is_in_the_nav() -> None:
    names = {path.name for path in GUIDES}
    assert names >= REQUIRED_GUIDES
    for name in names:
        assert re.search(rf":\s*{re.escape(name)}\s*$", MKDOCS_YML, re.MULTILINE), name


def test_the_guides_have_python_blocks() -> None:
    with_blocks = {where.split(":")[0].removeprefix("docs/") for where, _ in GUIDE_BLOCKS}
    assert REQUIRED_GUIDES - {"cli.md"} <= with_blocks
    assert len(GUIDE_BLOCKS) >= 40


def test_the_cli_guide_shows_shell_sessions_only() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    languages = [m.group(1) for m in BLOCK.finditer(text)]
    assert languages and set(languages) <= {"console", "bash"}


@pytest.mark.parametrize(("where", "code"), GUIDE_BLOCKS, ids=[w for w, _ in GUIDE_BLOCKS])
def test_python_block_runs(where: str, code: str, served: FakePlugipay) -> None:
    run_block(where, code, served)


# -- the API reference --------------------------------------------------------------------------


def _public_names() -> dict[str, Any]:
    """Every public name and its object, enumerated from the package's own declarations: the
    ``__all__`` of ``plugipay`` and of each public module (``plugipay.webhooks``, those of a
    public package without ``__all__`` too), and the namespace classes of the clients'
    ``resource(...)`` attributes."""
    names: dict[str, Any] = {}
    modules = ["plugipay"]
    packages = [plugipay]
    while packages:  # every public module: no underscore in its name, and an __all__
        package = packages.pop()
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                module = importlib.import_module(f"{package.__name__}.{info.name}")
                if hasattr(module, "__all__"):
                    modules.append(module.__name__)
                else:
                    packages.append(module)
    assert {f"plugipay.{name}" for name in plugipay._SUBMODULES} <= set(modules)
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            names[f"{module_name}.{name}"] = getattr(module, name)
    for client in (plugipay.AsyncPlugipayClient, plugipay.PlugipayClient):
        for attr, value in vars(client).items():
            if isinstance(value, resource):
                names[f"plugipay.{client.__name__}.{attr}"] = value.load()
    return names


def _resolve(identifier: str) -> Any:
    """The object a ``:::`` identifier names: the longest importable module, then attributes."""
    parts = identifier.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            value = getattr(value, attr)
        return value
    raise AssertionError(f"{identifier} names nothing importable")


def _rendered() -> dict[str, str]:
    """Each ``:::`` identifier of the generated pages, to the page that renders it."""
    found: dict[str, str] = {}
    for path, markdown in reference.pages().items():
        for identifier in re.findall(r"^::: (\S+)$", markdown, re.MULTILINE):
            assert identifier not in found, f"{identifier} rendered twice"
            found[identifier] = path
    return found


def test_every_public_name_is_rendered_in_the_reference() -> None:
    names = _public_names()
    assert len(names) >= 150
    rendered = {identifier: _resolve(identifier) for identifier in _rendered()}
    for public, value in names.items():
        if inspect.isclass(value) or inspect.isroutine(value):
            # Rendered once under one of its spellings (plugipay.Customer is plugipay.models'),
            assert any(found is value for found in rendered.values()), public
        else:
            # while a constant or a type alias is rendered where it is exported.
            assert public in rendered, public


def test_every_public_name_is_listed_in_the_index_with_a_link_to_its_rendering() -> None:
    index = reference.pages()["reference/index.md"]
    rendered = _rendered()
    listed: dict[str, str] = {}
    group = ""
    for line in index.splitlines():
        if line.startswith("## `"):
            group = line.removeprefix("## `").removesuffix("`")
        elif line.startswith("- "):
            match = re.match(r"- \[?`([^`]+)`", line)
            assert match is not None, line
            targets = re.findall(r"\]\[([^\]]+)\]", line)
            assert len(targets) == 1, line
            listed[f"{group}.{match.group(1)}"] = targets[0]
    names = _public_names()
    assert set(listed) == set(names)
    for public, target in listed.items():
        assert target in rendered, public
        value = names[public]
        if inspect.isclass(value) or inspect.isroutine(value):
            assert _resolve(target) is value, public


def test_the_nav_lists_every_generated_page_once() -> None:
    def paths(node: Any) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from paths(value)
        else:
            for item in node:
                yield from paths(item)

    listed = list(paths(reference.nav()))
    assert sorted(listed) == sorted(reference.pages())


def test_a_name_added_to_an_all_list_gets_its_entry_with_no_docs_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import plugipay.bulk

    def summarize(result: object) -> str:
        """One line about a bulk result."""
        return repr(result)

    monkeypatch.setattr(plugipay.bulk, "summarize", summarize, raising=False)
    monkeypatch.setattr(plugipay.bulk, "__all__", [*plugipay.bulk.__all__, "summarize"])
    pages = reference.pages()
    assert "::: plugipay.bulk.summarize" in pages["reference/bulk.md"].splitlines()
    assert (
        "- [`summarize`][plugipay.bulk.summarize]: One line about a bulk result."
        in pages["reference/index.md"].splitlines()
    )


def test_mkdocs_runs_the_generator_as_a_hook() -> None:
    assert re.search(r"^hooks:\n  - docs/_reference\.py$", MKDOCS_YML, re.MULTILINE)
    assert re.search(r"^exclude_docs: \|\n  /_reference\.py\n", MKDOCS_YML, re.MULTILINE)
    assert re.search(r"^strict: true$", MKDOCS_YML, re.MULTILINE)


def test_public_modules_are_found_in_the_package_and_a_namespace_package_stands_for_its_own(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "docs_probe_pkg"
    (root / "contrib").mkdir(parents=True)
    files = {
        "__init__.py": "__all__ = ['thing']\nthing = 1\n",
        "_private.py": "",
        "api.py": "__all__ = []\n",
        "contrib/__init__.py": '"""Framework helpers, one module each."""\n',
        "contrib/web.py": "__all__ = []\n",
        "contrib/_shared.py": "",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(reference, "ROOT_MODULE", "docs_probe_pkg")
    assert reference.public_modules() == [
        "docs_probe_pkg.api",
        "docs_probe_pkg.contrib.web",
        "docs_probe_pkg",
    ]
    (root / "loose.py").write_text("value = 1\n")
    importlib.invalidate_caches()  # the directory was listed before: look again
    with pytest.raises(TypeError, match=r"docs_probe_pkg\.loose is public but has no __all__"):
        reference.public_modules()
