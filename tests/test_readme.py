"""README.md stays true: every ```python block runs against the emulator, and its test command
is the one CI runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plugipay.testing import FakePlugipay
from tests.markdown_blocks import BLOCK, ROOT, python_blocks, run_block, serve_for_snippets

README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = python_blocks(README)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlugipay]:
    yield from serve_for_snippets(monkeypatch)


def test_readme_has_python_blocks() -> None:
    assert len(PYTHON_BLOCKS) >= 9


@pytest.mark.parametrize(
    ("line", "code"), PYTHON_BLOCKS, ids=[f"line{line}" for line, _ in PYTHON_BLOCKS]
)
def test_python_block_runs(line: int, code: str, served: FakePlugipay) -> None:
    run_block(f"README.md:{line}", code, served)


def _first_block_commands() -> list[str]:
    first = BLOCK.search(README)
    assert first is not None and first.group(1) == "sh"
    return [ln for ln in first.group(2).splitlines() if ln and not ln.startswith("#")]


def test_readme_opens_with_the_two_commands() -> None:
    assert README.startswith("# plugipay\n")
    assert _first_block_commands() == [
        "python -m pip install . && python -m plugipay demo",
        "python -m pip install nox && python -m nox -s lint types codegen tests docs",
    ]


def test_readme_test_command_is_what_ci_runs() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert _first_block_commands()[1] == ci_lines[-1]
