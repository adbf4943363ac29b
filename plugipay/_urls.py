"""Query strings, path segments and header values, encoded and checked before sending (SPEC §2).

What the SDK signs is exactly what goes on the wire, so it builds the request target itself:
percent-encoding with only the unreserved set ``A-Z a-z 0-9 - . _ ~`` left as is and upper-case
hex. Ids that would change the path's shape (empty, ``.``, ``..``) and header values with control
characters are refused with ``ValueError`` before any request exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

__all__ = ["check_header_value", "encode_query", "format_datetime", "quote_segment"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def quote_segment(value: object, name: str = "id") -> str:
    """Percent-encode one path segment; refuse values that are not a usable id."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{name} must be a non-empty id other than '.' or '..', got {value!r}")
    if _CONTROL.search(value):
        raise ValueError(f"{name} must not contain control characters, got {value!r}")
    return quote(value, safe="")


def check_header_value(name: str, value: str) -> str:
    """Return ``value`` if it is a safe header value; raise ``ValueError`` naming ``name`` if not."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if _CONTROL.search(value):
        raise ValueError(f"{name} must not contain CR, LF or other control characters")
    if not value.isascii():
        # The value itself stays out of the message: it may be a credential.
        raise ValueError(f"{name} must be ASCII")
    return value


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``; a naive datetime is taken to be UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _query_value(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, int | str):
        return str(value)
    raise TypeError(f"query values must be str, int, bool or datetime, not {type(value).__name__}")


def encode_query(params: Iterable[tuple[str, object]]) -> str:
    """Encode ``(name, value)`` pairs in the given order, leaving out ``None`` values.

    Returns the query without the leading ``?`` (``""`` when nothing is left).
    """
    return "&".join(
        f"{quote(name, safe='')}={quote(_query_value(value), safe='')}"
        for name, value in params
        if value is not None
    )
