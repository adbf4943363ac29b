"""The ``plugipay`` command: its parser, and the one place errors become exit statuses.

``serve``, ``demo``, ``listen`` and ``trigger`` are written by hand; every other command is a
resource method, generated from the client (``plugipay._cli.methods``), with ``customers
import`` added beside the generated ``customers`` methods. Nothing is printed with a traceback:
an error is one line on stderr, with the secrets the command was given hidden, and its exit
status comes from ``plugipay._cli.exit_codes``. A usage error names the options at fault but
never repeats a value from the command line, where a secret typed after a mistyped option would
be printed back: argparse's own messages quote values (``_without_values`` takes them out), and
unrecognized arguments are listed by option name, their values only counted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn, TextIO, cast

from .._exceptions import PlugipayError
from .._sync._client import PlugipayClient
from .._version import __version__
from . import customer_import, listen, trigger
from .connection import Redactor, add_connection_options, secret_flags
from .exit_codes import (
    CONFIG,
    INTERRUPTED,
    IO_ERROR,
    PIPE_CLOSED,
    UNEXPECTED,
    USAGE,
    ConfigError,
    FileError,
    InputError,
    error_line,
    exit_code_for,
    table_text,
)
from .methods import add_resource_commands
from .option_values import OptionValues

__all__ = ["build_parser", "run"]

DESCRIPTION = """\
The Plugipay API, its emulator and webhook tools, from a shell.

  plugipay serve                          the emulator on http://127.0.0.1:8787
  plugipay customers list --limit 2       any resource method: plugipay RESOURCE METHOD --help
  plugipay trigger customer.created       a test event
  plugipay listen --forward-to URL        new events, signed, to your app

Credentials come from the options below or the client's PLUGIPAY_* variables (PLUGIPAY_KEY_ID,
PLUGIPAY_SECRET, PLUGIPAY_BASE_URL...). Any option's value may be read from a file, --secret
@PATH, or from standard input, --secret @- (@@ starts a value with a literal @). Output is JSON:
indented on a terminal, one line when piped. Errors are one line on stderr with the error code
and request id."""


class UsageError(Exception):
    """argparse refused the command line (its message, with the usage, goes to stderr)."""


_NUMBER = re.compile(r"-\d+$|-\d*\.\d+$")
"""A negative number, which argparse reads as a value, not an option."""
_TYPE_VALUE = re.compile(r"invalid (\S+) value: ")


def _named_only(extras: Sequence[str]) -> str:
    """Unrecognized arguments as the options among them; the values are only counted."""
    names: list[str] = []
    values = 0
    for token in extras:
        if len(token) > 1 and token[0] == "-" and not _NUMBER.match(token) and " " not in token:
            name, equals, _ = token.partition("=")
            names.append(name)
            values += bool(equals)
        else:
            values += 1
    text = ", ".join(names)
    if values:
        counted = f"{values} value{'s' if values > 1 else ''}"
        text = f"{text} ({counted} not shown)" if names else f"{counted} (not shown)"
    return text


def _without_values(message: str) -> str:
    """An argparse message with the command line's values it quotes taken out."""
    head, found, rest = message.partition("invalid choice: ")
    if found:
        at = rest.rfind(" (choose from ")
        return head + "invalid choice" + (rest[at:] if at >= 0 else "")
    head, found, rest = message.partition("ambiguous option: ")
    if found:
        at = rest.rfind(" could match ")
        return head + found + rest[: max(at, 0)].partition("=")[0] + (rest[at:] if at >= 0 else "")
    head, found, _ = message.partition("ignored explicit argument ")
    if found:
        return head + "takes no value"
    head, found, rest = message.partition("unknown parser ")
    if found:
        at = rest.rfind(" (choices: ")
        return head + "unknown command" + (rest[at:] if at >= 0 else "")
    match = _TYPE_VALUE.search(message)
    if match:
        return message[: match.start()] + f"invalid {match.group(1)} value"
    return message


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised, so ``run`` prints them, and never quote a
    value from the command line."""

    def parse_args(self, args: Iterable[str] | None = None, namespace: Any = None) -> Any:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {_named_only(extras)}")
        return parsed

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage()}{self.prog}: error: {_without_values(message)}")


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..testing.__main__ import serve

    return serve(args)


def _demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from . import demo

    return demo.run(args, out)


def build_parser(
    client_cls: type = PlugipayClient, values: OptionValues | None = None
) -> argparse.ArgumentParser:
    """The whole command tree; resource commands come from ``client_cls``'s declarations, and
    every option's value goes through ``values`` (``@FILE``, ``@-``; a fresh one if not given)."""
    from ..testing.__main__ import add_serve_arguments
    from .demo import add_arguments as add_demo_arguments

    parser = _Parser(
        prog="plugipay",
        description=DESCRIPTION,
        epilog=table_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"plugipay {__version__}")
    add_connection_options(parser, top=True)
    # Typed as plain parsers: the subparsers are _Parser too (argparse makes them of the parent's
    # class), but the helpers that fill them need only ArgumentParser.
    commands = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", required=True, metavar="COMMAND"),
    )
    serve = commands.add_parser(
        "serve",
        help="run the emulator on a loopback port and print its credentials",
        description="Serve the emulator until Ctrl-C; the export lines go to stdout first.",
    )
    add_serve_arguments(serve)
    serve.set_defaults(handler=_serve)
    demo = commands.add_parser(
        "demo",
        help="a platform's whole day on the built-in emulator, with a report",
        description="Provision merchants, import customers under faults, take payments.",
    )
    add_demo_arguments(demo)
    demo.set_defaults(handler=_demo)
    listen.add_command(commands)
    trigger.add_command(commands)
    add_resource_commands(
        commands, client_cls, extra={customer_import.NAMESPACE: [customer_import.add_command]}
    )
    (values if values is not None else OptionValues()).install(parser)
    return parser


def _os_error(exc: OSError) -> str:
    """An ``OSError`` as a line: the file and the reason, when it names them."""
    if exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return exc.strerror or str(exc) or type(exc).__name__


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else USAGE


def run(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Runs one command line; returns its exit status (never raises, never a traceback)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    values = OptionValues()
    built: list[argparse.ArgumentParser] = []

    def fail(message: str, status: int) -> int:
        known = secret_flags(built[0]) if built else set()
        redact = Redactor.from_command(arguments, os.environ, known, values.read)
        stderr.write(redact(message) + "\n")
        stderr.flush()
        return status

    try:
        parser = build_parser(values=values)
        built.append(parser)
        with contextlib.redirect_stdout(stdout):  # where argparse prints --help and --version
            args = parser.parse_args(arguments)
    except UsageError as exc:
        return fail(str(exc).rstrip("\n"), USAGE)
    except FileError as exc:  # an option's @FILE
        return fail(f"plugipay: I/O error: {exc}", IO_ERROR)
    except SystemExit as exc:  # --help and --version
        return _exit_status(exc.code)
    try:
        status: int = args.handler(args, stdout, stderr)
    except ConfigError as exc:
        return fail(f"plugipay: configuration: {exc}", CONFIG)
    except FileError as exc:
        return fail(f"plugipay: I/O error: {exc}", IO_ERROR)
    except InputError as exc:
        return fail(f"plugipay: invalid input: {exc}", USAGE)
    except PlugipayError as exc:
        return fail(error_line(exc), exit_code_for(exc))
    except ValueError as exc:  # the SDK refusing a value before sending it
        return fail(f"plugipay: invalid input: {exc}", USAGE)
    except KeyboardInterrupt:
        return fail("plugipay: interrupted", INTERRUPTED)
    except BrokenPipeError:
        # Nothing more can be written to stdout; keep Python from complaining about it at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return PIPE_CLOSED
    except OSError as exc:  # a file that can't be read or written, a port in use...
        return fail(f"plugipay: I/O error: {_os_error(exc)}", IO_ERROR)
    except Exception as exc:
        return fail(f"plugipay: unexpected error: {type(exc).__name__}: {exc}", UNEXPECTED)
    return status
