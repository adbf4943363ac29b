"""Where the ``plugipay`` command connects, and as whom: the client's own options and variables.

Every option falls back to the environment variable the client reads (``PLUGIPAY_KEY_ID``,
``PLUGIPAY_SECRET``, ``PLUGIPAY_BASE_URL``...), so a shell that ran ``eval "$(plugipay serve)"``'s
export lines, or any configured environment, needs none. The options may come before the command
(``plugipay --base-url URL customers list``) or after it; secrets are better kept in the
environment, where other users of the machine can't read them from the process list.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence

from .._config import ENV_API_KEY, ENV_SECRET, ENV_SECRET_ALT
from .._sync._client import PlugipayClient
from .exit_codes import ConfigError

__all__ = ["Redactor", "add_connection_options", "make_client"]

_OPTIONS: tuple[tuple[str, str, type, str], ...] = (
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
)
_SECRET_OPTIONS = ("--secret", "--api-key")
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
            metavar=name.upper(),
            default=None if top else argparse.SUPPRESS,
            help=help_text if top else argparse.SUPPRESS,
        )


def make_client(args: argparse.Namespace) -> PlugipayClient:
    """A client with the options given on the command line, the rest from the environment."""
    options: dict[str, object] = {}
    for _flag, name, _kind, _help in _OPTIONS:
        value = getattr(args, f"conn_{name}", None)
        if value is not None:
            options[name] = value
    try:
        return PlugipayClient(**options)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


class Redactor:
    """Hides the secrets the command was given in any text it is about to print."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is hidden whole; a value too short to
        # be a secret would only garble the text.
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    @classmethod
    def from_command(cls, argv: Sequence[str], environ: Mapping[str, str]) -> Redactor:
        """The secrets of ``--secret`` / ``--api-key`` in ``argv`` and of the environment."""
        found = [environ.get(name, "") for name in _SECRET_VARIABLES]
        tokens = list(argv)
        for i, token in enumerate(tokens):
            for flag in _SECRET_OPTIONS:
                if token == flag and i + 1 < len(tokens):
                    found.append(tokens[i + 1])
                elif token.startswith(flag + "="):
                    found.append(token[len(flag) + 1 :])
        return cls(found)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<hidden>")
        return text
