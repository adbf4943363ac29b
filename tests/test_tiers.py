"""The tiers of DESIGN.md hold: the sans-IO core imports no client, no event loop library and no
emulator; ``plugipay.bulk`` takes from the sync tier only the sync flavour itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugipay"
CORE = sorted(p for p in PACKAGE.glob("_*.py") if p.name not in ("__init__.py", "__main__.py"))
# The paired concurrency primitives are the one core module that wraps the event loops (anyio,
# and asyncio or trio to tell which loop runs; DESIGN.md), and
# the transport-error map reads httpx's exception classes (no client types). ``_aiohttp.py`` is not
# core but an optional transport beside the tiers (httpx's transport interface over aiohttp; the
# async client never imports it).
MAY_IMPORT = {
    "_aiohttp.py": {"asyncio", "httpx"},
    "_concurrency.py": {"anyio", "asyncio", "sniffio", "trio"},
    "_transport_errors.py": {"httpx"},
}
NEVER = ("anyio", "httpx", "trio", "asyncio", "sniffio")
NEVER_RELATIVE = ("_async", "_sync", "testing", "_cli")


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(level, module)`` of every import in a module (level 0: absolute)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_imports_no_io_tier(path: Path) -> None:
    allowed = MAY_IMPORT.get(path.name, set())
    for level, module in _imports(path):
        root = module.split(".")[0]
        if level == 0:
            assert root not in NEVER or root in allowed, f"{path.name} imports {module}"
        else:
            assert root not in NEVER_RELATIVE, f"{path.name} imports .{module}"


def test_core_modules_exist() -> None:
    names = {p.name for p in CORE}
    assert {"_json.py", "_signing.py", "_bulk_core.py", "_fields.py"} <= names
    assert "_demo.py" not in names, "the demo imports the clients: it lives in plugipay/_cli/"


def test_bulk_takes_only_the_sync_flavour_from_the_sync_tier() -> None:
    from_sync = [
        node
        for node in ast.walk(ast.parse((PACKAGE / "bulk.py").read_text()))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("_sync")
    ]
    assert [[alias.name for alias in node.names] for node in from_sync] == [["run"]]


def test_importing_the_clients_loads_no_resource_module_or_model() -> None:
    """Resources load on first use, so the client's import time does not grow with them."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from plugipay import PlugipayClient, AsyncPlugipayClient\n"
        "loaded = sorted(m for m in sys.modules if '.resources.' in m or m.startswith("
        "('plugipay._models', 'attr', 'cattrs')))\n"
        "print(','.join(loaded))\n"
        "c = PlugipayClient(key_id='k', secret='s')\n"
        "assert type(c.customers).__name__ == 'Customers'\n"
        "assert c.customers is c.customers\n"
        "print('plugipay._sync.resources.customers' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split("\n")
    assert out[:2] == ["", "True"]
