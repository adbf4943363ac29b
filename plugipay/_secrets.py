"""Secrets a caller hands over for Plugipay to keep (a payment provider's keys): held so no repr
shows them, and scrubbed out of any error that echoes them.

A ``Secret`` goes into a request body in place of the string; the canonical JSON encoder writes
its value and nothing else ever does (its repr, str and a traceback's locals show
``Secret(<hidden>)``). ``scrub`` removes every secret's value from an error's message, arguments
and details, for a server that quotes what it was sent back in its answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["REDACTED", "Secret", "conceal", "hide", "scrub", "scrubbed_text", "secrets_in"]

REDACTED = "<redacted>"
"""What stands in an error where a secret was."""


class Secret:
    """A secret string on its way into a request body; shown as ``Secret(<hidden>)``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a secret must be a str, not {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that writes it: the request body."""
        return self._value

    def __repr__(self) -> str:
        return "Secret(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> str:
        raise TypeError("a Secret is not picklable")


def conceal(value: object) -> object:
    """A secret argument held as a ``Secret`` from the first line of the method that takes it, so
    no frame of the SDK (a failed check's traceback locals included) holds the string; anything
    but a string is left for the check to refuse."""
    return Secret(value) if isinstance(value, str) else value


def hide(value: object) -> object:
    """A field's wire value for a secret its check accepted: held as a ``Secret``."""
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str):
        raise TypeError(f"a secret must be a str, not {type(value).__name__}")
    return Secret(value)


def secrets_in(body: Any) -> list[str]:
    """The values of every ``Secret`` in a request body (nested objects and arrays included)."""
    found: list[str] = []
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, Secret):
            found.append(value.reveal())
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return found


def _scrubbed(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return {_scrubbed(k, secrets): _scrubbed(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrubbed(item, secrets) for item in value)
    return value


def scrub(error: BaseException, secrets: Iterable[str]) -> None:
    """Replace every occurrence of each secret in ``error`` (its message, ``args`` and
    ``details``) with ``<redacted>``, in place, so re-raising it shows none of them (its
    ``response`` is the I/O tier's: ``scrubbed_response`` in ``plug.adapters``)."""
    # Longest first, so a secret that contains another is replaced whole.
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    if not values:
        return
    error.args = tuple(_scrubbed(arg, values) for arg in error.args)
    for name in ("message", "details"):
        if hasattr(error, name):
            setattr(error, name, _scrubbed(getattr(error, name), values))


def scrubbed_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by ``<redacted>``."""
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    result: str = _scrubbed(text, values)
    return result
