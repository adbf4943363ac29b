"""Client-side argument checks, run before any request exists (SPEC §7 limits).

Each failure is a ``ValueError`` (or ``TypeError`` for a wrong type) that names the argument, so
a bad call never reaches the network.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime

from ._fields import Check
from ._types import NotGiven
from ._urls import check_header_value

__all__ = [
    "MAX_LIMIT",
    "check_choice",
    "check_created_after",
    "check_cursor",
    "check_idempotency_key",
    "check_limit",
    "check_metadata",
    "check_str",
    "choice",
    "currency",
    "email",
    "metadata",
    "prefixed",
    "slug",
    "text",
]

MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 2048
"""The longest cursor sent or taken from a server (Plugipay's are about 100 characters)."""
METADATA_MAX_ENTRIES = 50
METADATA_MAX_KEY = 40
METADATA_MAX_VALUE = 500
EMAIL_MAX = 320
IDEMPOTENCY_KEY_MAX = 255
_KEY_CHARACTERS = re.compile(r"[\x21-\x7e]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_str(name: str, value: object, *, max_length: int | None = None) -> None:
    """A string argument (``None`` and ``NOT_GIVEN`` allowed: "leave out" or "clear")."""
    if value is None or isinstance(value, NotGiven):
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(value)}")


def check_choice(name: str, value: object, choices: Collection[str]) -> None:
    """One of a fixed set of strings (``None`` and ``NOT_GIVEN`` allowed)."""
    if value is None or isinstance(value, NotGiven):
        return
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in sorted(choices))
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def check_limit(value: object) -> None:
    """A page size: an int from 1 to 100."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"limit must be an int, not {type(value).__name__}")
    if not 1 <= value <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {value}")


def check_cursor(value: object) -> None:
    """An opaque cursor from an earlier page."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"cursor must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError("cursor must not be empty")
    if len(value) > MAX_CURSOR_LENGTH:
        raise ValueError(f"cursor must be at most {MAX_CURSOR_LENGTH} characters, got {len(value)}")
    check_header_value("cursor", value)


def check_idempotency_key(value: object) -> None:
    """A caller's idempotency key: 1 to 255 printable ASCII characters, no spaces (``None``: the
    SDK makes one)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"idempotency_key must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError("idempotency_key must not be empty")
    check_header_value("idempotency_key", value)
    if len(value) > IDEMPOTENCY_KEY_MAX:
        raise ValueError(
            f"idempotency_key must be at most {IDEMPOTENCY_KEY_MAX} characters, got {len(value)}"
        )
    if not _KEY_CHARACTERS.fullmatch(value):
        raise ValueError("idempotency_key must be printable ASCII without spaces")


def check_created_after(value: object) -> None:
    """A ``datetime`` or an ISO 8601 string."""
    if value is None or isinstance(value, datetime):
        return
    if not isinstance(value, str):
        raise TypeError(
            f"created_after must be a datetime or an ISO string, not {type(value).__name__}"
        )
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"created_after must be ISO 8601, got {value!r}") from None


def check_metadata(value: object) -> None:
    """At most 50 string → string entries, keys ≤ 40 and values ≤ 500 characters."""
    if value is None or isinstance(value, NotGiven):
        return
    if not isinstance(value, Mapping):
        raise TypeError(f"metadata must be a dict of str to str, not {type(value).__name__}")
    if len(value) > METADATA_MAX_ENTRIES:
        raise ValueError(
            f"metadata may hold at most {METADATA_MAX_ENTRIES} entries, got {len(value)}"
        )
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"metadata keys must be str, not {type(key).__name__}")
        if not key or len(key) > METADATA_MAX_KEY:
            raise ValueError(
                f"metadata keys must be 1 to {METADATA_MAX_KEY} characters, got {key[:60]!r}"
            )
        if not isinstance(item, str):
            raise TypeError(f"metadata values must be str, not {type(item).__name__} (key {key!r})")
        if len(item) > METADATA_MAX_VALUE:
            raise ValueError(
                f"metadata values must be at most {METADATA_MAX_VALUE} characters "
                f"(key {key!r} has {len(item)})"
            )


# -- checkers for field specs (``plugipay._fields``): each returns ``check(name, value)`` --------


def text(max_length: int) -> Check:
    """A non-empty string of at most ``max_length`` characters."""

    def check(name: str, value: object) -> None:
        check_str(name, value, max_length=max_length)
        if value == "":
            raise ValueError(f"{name} must not be empty")

    return check


def email() -> Check:
    """An email address: a non-empty string of at most 320 characters (the server checks its shape)."""
    return text(EMAIL_MAX)


def currency() -> Check:
    """An ISO 4217 code: three upper-case letters."""

    def check(name: str, value: object) -> None:
        check_str(name, value)
        if not _CURRENCY.fullmatch(str(value)):
            raise ValueError(
                f"{name} must be an ISO 4217 code of three upper-case letters, got {value!r}"
            )

    return check


def slug() -> Check:
    """1-63 lower-case letters and digits in runs joined by single hyphens."""

    def check(name: str, value: object) -> None:
        check_str(name, value, max_length=63)
        if not _SLUG.fullmatch(str(value)):
            raise ValueError(
                f"{name} must be lower-case letters and digits joined by single hyphens, got {value!r}"
            )

    return check


def choice(*choices: str) -> Check:
    """One of ``choices``."""

    def check(name: str, value: object) -> None:
        check_choice(name, value, choices)

    return check


def prefixed(prefix: str, max_length: int = 255) -> Check:
    """An id of another object: a non-empty string starting with ``prefix``."""

    def check(name: str, value: object) -> None:
        text(max_length)(name, value)
        if not str(value).startswith(prefix):
            raise ValueError(f"{name} must start with {prefix!r}, got {value!r}")

    return check


def metadata() -> Check:
    """Metadata: see ``check_metadata``."""

    def check(name: str, value: object) -> None:
        check_metadata(value)

    return check
