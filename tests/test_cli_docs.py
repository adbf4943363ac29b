"""Every ``plugipay ...`` command shown in README.md and the guides (docs/*.md) parses with the
real command tree: an option renamed or a method dropped fails here, not in a reader's shell."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from plugipay._cli.app import build_parser
from plugipay._cli.option_values import OptionValues

ROOT = Path(__file__).resolve().parent.parent
_SHELL_BLOCK = re.compile(r"^```(?:console|bash|sh|shell)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def _commands() -> list[tuple[str, list[str]]]:
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for block in _SHELL_BLOCK.finditer(text):
            # Continuation lines join their command; a prompt "$ " is not part of it.
            joined = block.group(1).replace("\\\n", " ")
            for line in joined.splitlines():
                line = line.removeprefix("$ ").strip()
                if not line.startswith("plugipay "):
                    continue
                tokens = shlex.split(line, comments=True)
                for redirect in ("|", "<"):  # a pipe or an input redirect ends the command
                    if redirect in tokens:
                        tokens = tokens[: tokens.index(redirect)]
                found.append((f"{page.name}: {line}", tokens[1:]))
    return found


COMMANDS = _commands()


class _Unread(OptionValues):
    """Takes ``@PATH`` values as typed: the files a documented command names aren't here."""

    def expand(self, option: str, text: str) -> str:
        return text


def test_the_docs_show_the_commands_the_issue_names() -> None:
    shown = {" ".join(args[:2]) for _, args in COMMANDS}
    for command in ("serve", "demo", "listen --forward-to", "customers list", "customers import"):
        assert any(line.startswith(command) for line in shown), command
    assert any(args[:1] == ["trigger"] for _, args in COMMANDS)


@pytest.mark.parametrize(("where", "args"), COMMANDS, ids=[w for w, _ in COMMANDS])
def test_a_documented_command_parses(
    where: str, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    parser = build_parser(values=_Unread())
    try:
        parsed = parser.parse_args(args)
    except SystemExit as exit:
        # --help prints and exits 0; anything else is argparse refusing the line.
        assert exit.code == 0, f"{where}: refused: {capsys.readouterr().err}"
        assert "--help" in args
        return
    assert parsed.command == args[0]
