"""README.md stays true: every ```python block runs against the emulator, and its test command
is the one CI runs."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from plugipay.testing import FakePlugipay

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
PYTHON_BLOCKS = [
    (README[: m.start()].count("\n") + 2, m.group(2))
    for m in _BLOCK.finditer(README)
    if m.group(1) == "python"
]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlugipay]:
    """A fresh fake on loopback, with the environment README's snippets read pointing at it
    (tests/conftest.py has already dropped every other ``PLUGIPAY_*`` variable)."""
    fake = FakePlugipay(seed=2)
    with fake.serve() as base_url:
        monkeypatch.setenv("PLUGIPAY_BASE_URL", base_url)
        monkeypatch.setenv("PLUGIPAY_KEY_ID", fake.key_id)
        monkeypatch.setenv("PLUGIPAY_SECRET", fake.secret)
        yield fake


def test_readme_has_python_blocks() -> None:
    assert len(PYTHON_BLOCKS) >= 9


@pytest.mark.parametrize(
    ("line", "code"), PYTHON_BLOCKS, ids=[f"line{line}" for line, _ in PYTHON_BLOCKS]
)
def test_python_block_runs(line: int, code: str, served: FakePlugipay) -> None:
    if "def test_" not in code:
        # A fresh interpreter, as a reader would run it: no import made by the suite can help.
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"README.md:{line}\n{done.stderr}"
        # ``print(...)  # 404 not_found``: the comment is the output the reader is promised.
        for promised in re.findall(r"^\s*print\(.*\)\s+#\s*(.+)$", code, flags=re.MULTILINE):
            assert promised.strip() in done.stdout.splitlines(), f"README.md:{line}: {promised}"
        return
    # A block that shows a pytest test: define it, then run it with the fixtures it names.
    namespace: dict[str, object] = {"__name__": f"readme_line{line}"}
    exec(compile(code, f"README.md:{line}", "exec"), namespace)
    tests = [v for k, v in namespace.items() if k.startswith("test_") and inspect.isfunction(v)]
    assert tests
    with served.client() as client:
        fixtures = {"plugipay_fake": served, "plugipay_client": client}
        for test in tests:
            test(**{name: fixtures[name] for name in inspect.signature(test).parameters})


def _first_block_commands() -> list[str]:
    first = _BLOCK.search(README)
    assert first is not None and first.group(1) == "sh"
    return [ln for ln in first.group(2).splitlines() if ln and not ln.startswith("#")]


def test_readme_opens_with_the_two_commands() -> None:
    assert README.startswith("# plugipay\n")
    assert _first_block_commands() == [
        "python -m pip install . && python -m plugipay demo",
        "python -m pip install nox && python -m nox -s lint types codegen tests",
    ]


def test_readme_test_command_is_what_ci_runs() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert _first_block_commands()[1] == ci_lines[-1]
