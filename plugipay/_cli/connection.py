"""Where the ``plugipay`` command connects, and as whom: the client's own options and variables.

Every option falls back to the environment variable the client reads (``PLUGIPAY_KEY_ID``,
``PLUGIPAY_SECRET``, ``PLUGIPAY_BASE_URL``...), so a shell that ran ``eval "$(plugipay serve)"``'s
export lines, or any configured environment, needs none. The options may come before the command
(``plugipay --base-url URL customers list``) or after it; secrets are better kept in the
environment, or read from a file (``--secret @PATH``, ``plugipay._cli.option_values``), where
other users of the machine can't read them from the process list. ``--api-mode`` is the client's
``mode`` (``X-Plugipay-Mode``), spelled so that it never meets a method's own ``--mode``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

import httpx

from .._config import ENV_API_KEY, ENV_SECRET, ENV_SECRET_ALT, MODES
from .._sync._client import PlugipayClient
from .exit_codes import ConfigError

__all__ = ["Redactor", "add_connection_options", "make_client", "parsers", "secret_flags"]


def _api_mode(text: str) -> str:
    if text not in MODES:
        raise argparse.ArgumentTypeError("expected live or test")
    return text


_OPTIONS: tuple[tuple[str, str, Callable[[str], Any], str], ...] = (
    ("--key-id", "key_id", str, "the API key's id (default: $PLUGIPAY_KEY_ID)"),
    (
        "--secret",
        "secret",
        str,
        "the API key's secret (default: $PLUGIPAY_SECRET); prefer the variable: a command "
        "line is visible to every user of the machine",
    ),
    (
        "--api-key",
        "api_key",
        str,
        "a dashboard key, sent as a Bearer token instead of signing (default: "
        "$PLUGIPAY_API_KEY); prefer the variable",
    ),
    ("--base-url", "base_url", str, "the API's URL (default: $PLUGIPAY_BASE_URL, else Plugipay)"),
    (
        "--on-behalf-of",
        "on_behalf_of",
        str,
        "act for this merchant account, with a platform key (default: $PLUGIPAY_ON_BEHALF_OF)",
    ),
    ("--timeout", "timeout", float, "seconds each attempt may take (default 30)"),
    ("--max-retries", "max_retries", int, "retries of a failed call, 0 to 100 (default 2)"),
    (
        "--api-mode",
        "mode",
        _api_mode,
        "live or test: the mode a platform key's adapter and settings calls act in, sent as "
        "X-Plugipay-Mode (default: the key's own)",
    ),
)
_SECRET_WORDS = ("secret", "key", "token")
"""An option whose name holds one of these takes a value that is hidden from what is printed."""
_SECRET_VARIABLES = (ENV_SECRET, ENV_SECRET_ALT, ENV_API_KEY, "PLUGIPAY_WEBHOOK_SECRET")


def add_connection_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Adds the connection options to ``parser``, skipping any a command's own option took.

    On the top-level parser they default to ``None``; on a command's they default to nothing
    at all, so a value given before the command is not overwritten by the command's default.
    """
    taken = set(parser._option_string_actions)
    group = parser.add_argument_group("connection (default: the PLUGIPAY_* variables)")
    for flag, name, kind, help_text in _OPTIONS:
        if flag in taken:
            continue
        group.add_argument(
            flag,
            dest=f"conn_{name}",
            type=kind,
            metavar=flag[2:].replace("-", "_").upper(),
            default=None if top else argparse.SUPPRESS,
            help=help_text if top else argparse.SUPPRESS,
        )


def make_client(
    args: argparse.Namespace, http_client: httpx.Client | None = None
) -> PlugipayClient:
    """A client with the options given on the command line, the rest from the environment;
    ``http_client`` (which the caller closes) to watch the answers go by."""
    options: dict[str, Any] = {}
    for _flag, name, _kind, _help in _OPTIONS:
        value = getattr(args, f"conn_{name}", None)
        if value is not None:
            options[name] = value
    try:
        return PlugipayClient(**options, http_client=http_client)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and the parsers of all its commands, each once."""
    seen: set[int] = set()
    pending = [parser]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(action.choices.values())


def secret_flags(parser: argparse.ArgumentParser) -> set[str]:
    """Every option of the command tree whose value is hidden (its name holds secret, key or
    token), for recognising abbreviations of them (``--secr`` for ``--secret``)."""
    return {
        flag
        for each in parsers(parser)
        for flag in each._option_string_actions
        if _named_secret(flag)
    }


def _named_secret(flag: str) -> bool:
    return any(word in flag.lower() for word in _SECRET_WORDS)


def _takes_secret(flag: str, known: Collection[str]) -> bool:
    """``flag`` is an option named for a secret, or an abbreviation of one in ``known``."""
    if not flag.startswith("-") or not flag.strip("-"):
        return False
    return _named_secret(flag) or (
        flag.startswith("--") and any(other.startswith(flag) for other in known)
    )


class Redactor:
    """Hides the secrets the command was given in any text it is about to print."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is hidden whole; a value too short to
        # be a secret would only garble the text.
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    @classmethod
    def from_command(
        cls,
        argv: Sequence[str],
        environ: Mapping[str, str],
        known: Collection[str] = (),
        more: Iterable[str] = (),
    ) -> Redactor:
        """The secrets of the environment, of ``more``, and of ``argv``: the value after any
        option whose name holds secret, key or token, or abbreviates one of ``known``
        (``--secret-key V``, ``--secr=V``)."""
        found = [environ.get(name, "") for name in _SECRET_VARIABLES]
        found.extend(more)
        tokens = list(argv)
        for i, token in enumerate(tokens):
            if token == "--":
                break  # the rest are positional arguments
            flag, equals, value = token.partition("=")
            if not _takes_secret(flag, known):
                continue
            if equals:
                found.append(value)
            elif i + 1 < len(tokens):
                found.append(tokens[i + 1])
        return cls(found)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<hidden>")
        return text
