"""Running the ```python blocks of a Markdown file (README.md, the guides under docs/) against
the emulator, as a reader would: shared by tests/test_readme.py and tests/test_docs.py."""

from __future__ import annotations

import ast
import inspect
import io
import os
import re
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

from plugipay.testing import FakePlugipay

ROOT = Path(__file__).resolve().parent.parent

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
"""A fenced block at the start of a line: its language and its text."""


def promised_output(code: str) -> list[str]:
    """The output lines a block promises: the comment closing each ``print(...)`` statement,
    ``print(err.code)  # not_found``, also when the call spans several lines (as the formatter
    may leave it) and the comment follows its closing parenthesis."""
    comments = {
        token.start[0]: token.string.removeprefix("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(code).readline)
        if token.type == tokenize.COMMENT
    }
    return [
        comments[node.end_lineno]
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "print"
        and node.end_lineno in comments
    ]


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Each ```python block of a Markdown text, with the line its code starts on."""
    return [
        (text[: m.start()].count("\n") + 2, m.group(2))
        for m in BLOCK.finditer(text)
        if m.group(1) == "python"
    ]


def serve_for_snippets(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlugipay]:
    """A fresh fake on loopback, with the environment the snippets read pointing at it
    (tests/conftest.py has already dropped every other ``PLUGIPAY_*`` variable)."""
    fake = FakePlugipay(seed=2)
    with fake.serve() as base_url:
        monkeypatch.setenv("PLUGIPAY_BASE_URL", base_url)
        monkeypatch.setenv("PLUGIPAY_KEY_ID", fake.key_id)
        monkeypatch.setenv("PLUGIPAY_SECRET", fake.secret)
        yield fake


def run_block(where: str, code: str, served: FakePlugipay) -> None:
    """Runs one block, ``where`` (``README.md:42``) naming it in failures.

    A script runs in a fresh interpreter, as a reader would run it (no import made by the suite
    can help), and must exit 0 and print each line a ``print(...)  # output`` comment promises. A
    block that shows pytest tests (``def test_...``) has them run with the fixtures they name.
    """
    if "def test_" not in code:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"{where}\n{done.stderr}"
        # ``print(...)  # 404 not_found``: the comment is the output the reader is promised.
        for promised in promised_output(code):
            assert promised in done.stdout.splitlines(), f"{where}: {promised}"
        return
    namespace: dict[str, object] = {"__name__": "snippet_" + re.sub(r"\W", "_", where)}
    exec(compile(code, where, "exec"), namespace)
    tests = [v for k, v in namespace.items() if k.startswith("test_") and inspect.isfunction(v)]
    assert tests, where
    with served.client() as client:
        fixtures = {"plugipay_fake": served, "plugipay_client": client}
        for test in tests:
            test(**{name: fixtures[name] for name in inspect.signature(test).parameters})
