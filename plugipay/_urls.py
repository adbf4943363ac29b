"""Query strings, path segments and header values, encoded and checked before sending (SPEC §2).

What the SDK signs is exactly what goes on the wire, so it builds the request target itself:
percent-encoding with only the unreserved set ``A-Z a-z 0-9 - . _ ~`` left as is and upper-case
hex. Ids that would change the path's shape (empty, ``.``, ``..``) or are longer than
``MAX_ID_LENGTH``, paths with empty or dot segments (percent-encoded ones included), and header
values with control characters are refused with ``ValueError`` before any request exists. Which
hosts may be reached over plain http is decided here too (``is_plain_http_host``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

__all__ = [
    "MAX_ID_LENGTH",
    "check_header_value",
    "check_path",
    "encode_query",
    "format_datetime",
    "is_plain_http_host",
    "quote_segment",
]

MAX_ID_LENGTH = 255
"""The longest id the SDK puts into a path (Plugipay's ids are ``prefix_`` + a 26-character ULID)."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# ".", ".." and their percent-encoded spellings: servers decode a segment before normalizing.
_DOT_SEGMENT = re.compile(r"(?:\.|%2[eE]){1,2}")
# RFC 3986 path characters that every HTTP stack sends unchanged: unreserved, sub-delims, ":"
# and "@", plus complete percent-escapes. Anything else would be re-encoded by httpx after
# signing, and the signature would no longer match.
_PATH_SEGMENT = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*")


def quote_segment(value: object, name: str = "id") -> str:
    """Percent-encode one path segment; refuse values that are not a usable id."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{name} must be a non-empty id other than '.' or '..', got {value!r}")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{name} must be at most {MAX_ID_LENGTH} characters, got {len(value)}")
    if _CONTROL.search(value):
        raise ValueError(f"{name} must not contain control characters, got {value!r}")
    return quote(value, safe="")


def check_path(path: str, name: str = "path") -> str:
    """Return ``path`` if it goes on the wire exactly as written; raise ``ValueError`` if not.

    It must start with ``/``, hold only characters no HTTP stack re-encodes (percent-encode the
    rest, e.g. with ``quote_segment``), and have no empty, ``.`` or ``..`` segments (nor
    ``%2e%2e`` and the like, which a server decodes into one).
    """
    if not isinstance(path, str):
        raise TypeError(f"{name} must be a str, not {type(path).__name__}")
    if not path.startswith("/"):
        raise ValueError(f"{name} must start with '/', got {path!r}")
    for segment in path[1:].split("/"):
        if not segment:
            raise ValueError(
                f"{name} must not have empty segments ('//' or a trailing '/'), got {path!r}"
            )
        if _DOT_SEGMENT.fullmatch(segment):
            raise ValueError(f"{name} must not have '.' or '..' segments, got {path!r}")
        if not _PATH_SEGMENT.fullmatch(segment):
            raise ValueError(
                f"{name} must be percent-encoded (quote each id with quote_segment), got {path!r}"
            )
    return path


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


def is_plain_http_host(hostname: str) -> bool:
    """Whether ``http://`` to this host keeps credentials off the network: loopback only
    (``localhost``, ``127.0.0.0/8``, ``::1``). (A ``.test`` name is no guarantee: a hosts file or
    a resolver can point it anywhere.)"""
    host = hostname.lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    if isinstance(value, int):
        return int.__repr__(value)  # an IntEnum member's own str() is its name
    if isinstance(value, str):
        return str.__str__(value)  # likewise for a str-based Enum member
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
