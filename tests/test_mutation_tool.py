"""``benchmarks/mutation.py`` (``nox -s mutation``) still matches the core it mutates: its set-aside
tables and the issue's named mutants point at lines that exist, and the mutator skips what it must.
No mutant is run here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_mutation_tool", ROOT / "benchmarks" / "mutation.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


def _sources(tool: ModuleType) -> dict[str, str]:
    names = {*tool.MODULES, *(m for m, _, _, _ in tool.NAMED)}
    return {m: (ROOT / "plugipay" / f"{m}.py").read_text("utf-8") for m in names}


def test_every_set_aside_entry_is_a_mutant_of_the_current_core() -> None:
    tool = _tool()
    sources = _sources(tool)
    keys = {mu.key for m in tool.MODULES for mu in tool.mutants_of(m, sources[m])}
    assert [k for k in tool.EQUIVALENT if k not in keys] == []
    assert [k for k in tool.MESSAGE_ONLY if k not in keys] == []


def test_every_named_mutant_is_found_and_applies() -> None:
    tool = _tool()
    sources = _sources(tool)
    named = tool.named_mutants(sources)
    assert len(named) == len(tool.NAMED)
    for mu in named:
        assert tool.apply(sources[mu.module], mu) != sources[mu.module]
    assert set(tool.KILLING_SETS) >= {mu.module for mu in named} | set(tool.MODULES)
    for tests in tool.KILLING_SETS.values():
        assert all((ROOT / "tests" / t).is_file() for t in tests)


def test_the_mutator_skips_docstrings_annotations_and_tells_messages_apart() -> None:
    tool = _tool()
    source = (
        '"""Doc."""\n'
        "def f(x: int = 1) -> bool:\n"
        '    """Doc."""\n'
        "    if x > 2:\n"
        '        raise ValueError(f"x is {x}")\n'
        "    return x == 3\n"
    )
    found = {(mu.old, mu.new, mu.message_only) for mu in tool.mutants_of("m", source)}
    assert found == {
        ("1", "2", False),
        ("1", "0", False),
        (">", ">=", False),
        ("2", "3", False),
        ("2", "1", False),
        ('f"x is {x}"', 'f"XXx is {x}"', True),
        ("==", "!=", False),
        ("3", "4", False),
        ("3", "2", False),
    }
