"""Decoding the response envelope and its pagination meta (SPEC §3).

Success is ``{"data": …, "error": null, "meta": {…}}``; lists carry the next cursor and the
has-more flag either as ``meta.page.{nextCursor,hasMore}`` (documented) or as
``meta.{cursor,hasMore}`` (observed). Both shapes are read; the documented one wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from ._exceptions import InvalidResponseError

__all__ = ["Envelope", "PageInfo", "decode_envelope", "page_info"]


class Envelope(NamedTuple):
    """The decoded parts of a success answer."""

    data: Any
    meta: Mapping[str, Any]


class PageInfo(NamedTuple):
    """Where a list continues: the next cursor and whether there is more."""

    next_cursor: str | None
    has_more: bool


_EMPTY: Mapping[str, Any] = {}


def decode_envelope(status: int, body: bytes, request_id: str | None = None) -> Envelope:
    """Decode a 2xx answer's body; a 204 or an empty body is ``Envelope(None, {})``."""
    if status == 204 or not body:
        return Envelope(None, _EMPTY)
    try:
        parsed = json.loads(body)
    except RecursionError:
        raise InvalidResponseError(
            f"HTTP {status} with JSON nested too deeply to read",
            status=status,
            request_id=request_id,
        ) from None
    except (ValueError, UnicodeDecodeError):
        snippet = body[:800].decode("utf-8", "replace")[:200]
        raise InvalidResponseError(
            f"HTTP {status} with a body that isn't JSON: {snippet!r}",
            status=status,
            request_id=request_id,
        ) from None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if isinstance(error, dict):
        # A success status carrying an error: keep what the server said, not a bare "invalid".
        wire_code, message, meta = error.get("code"), error.get("message"), parsed.get("meta")
        meta_id = meta.get("requestId") if isinstance(meta, dict) else None
        raise InvalidResponseError(
            f"HTTP {status} carrying an error: {message if isinstance(message, str) else '?'}",
            status=status,
            code=wire_code.lower() if isinstance(wire_code, str) and wire_code else None,
            request_id=meta_id if isinstance(meta_id, str) else request_id,
            details=error.get("details"),
        )
    if not isinstance(parsed, dict) or "data" not in parsed:
        raise InvalidResponseError(
            f"HTTP {status} with JSON that isn't the Plugipay envelope",
            status=status,
            request_id=request_id,
        )
    meta = parsed.get("meta")
    return Envelope(parsed["data"], meta if isinstance(meta, dict) else _EMPTY)


def page_info(meta: Mapping[str, Any]) -> PageInfo:
    """Read the next cursor and has-more from either meta shape."""
    page = meta.get("page")
    cursor: Any = None
    has_more: Any = None
    if isinstance(page, dict):
        cursor = page.get("nextCursor")
        has_more = page.get("hasMore")
    if cursor is None:
        cursor = meta.get("cursor")
    if has_more is None:
        has_more = meta.get("hasMore")
    if cursor is not None and not isinstance(cursor, str):
        raise InvalidResponseError("the next cursor in the list meta is not a string")
    return PageInfo(cursor or None, has_more is True)
