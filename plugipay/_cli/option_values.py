"""How the ``plugipay`` command takes every option's value: as typed, from a file (``@PATH``) or
from standard input (``@-``), and never repeated back in an error.

``--secret-key @/run/secrets/xendit`` reads the value from the file and ``--secret-key @-`` from
standard input (one option per command line may), each less one trailing newline (``\\n`` or
``\\r\\n``); ``@@`` starts a value with a literal ``@``. A secret given so stays out of the
process list and the shell's history, and whatever was read is hidden from error messages like
the secrets on the command line. Positional arguments (ids, paths) are taken as typed.

A value an option's type refuses is reported by the option's name and what it expects, never
with the value itself: a secret typed after the wrong option must not end up on the screen.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from .connection import parsers
from .exit_codes import FileError

__all__ = ["MAX_BYTES", "OptionValues"]

MAX_BYTES = 1024 * 1024
"""The most a value read from a file or stdin may hold: a value, not a document."""


def _strip_newline(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    return text.removesuffix("\n")


def _scrub(message: str, *values: str) -> str:
    """A converter's message without any quoted copy of the value it refused."""
    for value in values:
        message = message.replace(f", got {value!r}", "").replace(repr(value), "the value")
    return message


def _decode(data: bytes, what: str) -> str:
    if len(data) > MAX_BYTES:
        raise argparse.ArgumentTypeError(f"{what} is larger than 1 MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise argparse.ArgumentTypeError(f"{what} is not UTF-8 text") from None


class OptionValues:
    """Reads one command line's ``@`` values (stdin at most once) and keeps what it read."""

    def __init__(self) -> None:
        self.read: list[str] = []
        """Every value read from a file or stdin, to hide from what is printed."""
        self._stdin_taken = False

    def install(self, parser: argparse.ArgumentParser) -> None:
        """Wraps the type of every argument of ``parser`` and of its commands' parsers."""
        for each in parsers(parser):
            for action in each._actions:
                if action.nargs == 0 or isinstance(action, argparse._SubParsersAction):
                    continue  # flags take no value; a command name is no value either
                action.type = self._wrap(action)

    def _wrap(self, action: argparse.Action) -> Callable[[str], Any]:
        inner = action.type
        if getattr(inner, "_plugipay_option_value", False):
            return inner  # type: ignore[return-value]
        option = max(action.option_strings, key=len) if action.option_strings else ""
        name = getattr(inner, "__name__", "text") if inner is not None else "text"

        def convert(text: str) -> Any:
            value = self.expand(option, text) if option else text
            if inner is None:
                return value
            try:
                return inner(value)  # type: ignore[operator]
            except argparse.ArgumentTypeError as exc:
                raise argparse.ArgumentTypeError(_scrub(str(exc), text, value)) from None
            except (TypeError, ValueError):
                raise argparse.ArgumentTypeError(f"invalid {name} value") from None

        convert.__name__ = name
        convert._plugipay_option_value = True  # type: ignore[attr-defined]
        return convert

    def expand(self, option: str, text: str) -> str:
        """``text``, or what ``@PATH`` / ``@-`` stands for; ``@@...`` is ``@...``."""
        if not text.startswith("@"):
            return text
        if text.startswith("@@"):
            return text[1:]
        source = text[1:]
        if not source:
            raise argparse.ArgumentTypeError("@ must be followed by a file's path, or - for stdin")
        value = _strip_newline(self._stdin(option) if source == "-" else self._file(option, source))
        self.read.append(value)
        return value

    def _file(self, option: str, path: str) -> str:
        try:
            with open(path, "rb") as file:
                data = file.read(MAX_BYTES + 1)
        except OSError as exc:
            raise FileError(f"{option}: can't read {path}: {exc.strerror or exc}") from None
        return _decode(data, "the file")

    def _stdin(self, option: str) -> str:
        if self._stdin_taken:
            raise argparse.ArgumentTypeError("standard input (@-) can be read by one option only")
        self._stdin_taken = True
        stream = sys.stdin
        if stream is None:
            raise FileError(f"{option}: there is no standard input to read")
        try:
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                return _decode(buffer.read(MAX_BYTES + 1), "standard input")
            text: str = stream.read(MAX_BYTES + 1)
        except OSError as exc:
            raise FileError(f"{option}: can't read standard input: {exc.strerror or exc}") from None
        if len(text) > MAX_BYTES:
            raise argparse.ArgumentTypeError("standard input is larger than 1 MiB")
        return text
