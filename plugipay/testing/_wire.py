"""What travels between a transport and the fake: raw requests, raw responses, API errors.

The error envelope follows SPEC §3: ``{"data": null, "error": {"code", "message", "details"?},
"meta": {"requestId"}}`` with UPPER_SNAKE codes. Validation errors carry ``details``, a list of
per-field problems ``{"field": "email", "code": "invalid", "message": "…"}``; ``field`` is the
wire name, dotted for nested values (``metadata.segment``); ``code`` is one of ``required``,
``invalid`` (wrong type, format or value), ``too_short``, ``too_long``, ``too_many``,
``unknown_field``, ``read_only`` (server-assigned) or ``not_patchable``.

A handler answers JSON through the envelope, or a ``Document`` (a PDF, an HTML page, ESC/POS
bytes, a CSV export) sent as it is; a document built from an iterable goes out in chunks as it is
produced (``RawResponse.chunks``), so a large export is never held whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "ApiError",
    "Document",
    "FieldProblem",
    "RawRequest",
    "RawResponse",
    "document_response",
    "dumps",
    "error_response",
    "json_response",
]

FieldProblem = dict[str, str]
"""One entry of ``error.details``: ``{"field", "code", "message"}``."""

_JSON_HEADERS: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)


def _redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: ("<redacted>" if k == "authorization" else v) for k, v in headers.items()}


@dataclass(frozen=True, slots=True)
class RawRequest:
    """One request as it reached the fake: method, request target, lower-case headers, body."""

    method: str
    target: str
    """The raw path and query exactly as sent (percent-encoding untouched)."""
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(default=b"", repr=False)

    @property
    def path(self) -> str:
        """The raw path without the query."""
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        """The raw query string without the ``?``."""
        return self.target.partition("?")[2]

    def __repr__(self) -> str:
        shown = _redacted_headers(self.headers)
        return f"RawRequest({self.method} {self.target}, headers={shown!r}, body={len(self.body)} bytes)"


@dataclass(slots=True)
class RawResponse:
    """A response the fake gives back: status, headers (name, value) and body bytes, or a body
    produced chunk by chunk."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    chunks: Iterator[bytes] | None = field(default=None, repr=False)
    """When set, the body (``body`` is then empty): read once, in order, as it is produced."""

    def read(self) -> bytes:
        """The whole body; a chunked one is consumed and kept in ``body``."""
        if self.chunks is not None:
            self.body, self.chunks = b"".join(self.chunks), None
        return self.body

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (lower case), if present."""
        for key, value in self.headers:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Document:
    """A handler's non-JSON answer (``data`` of its result): sent as is, without an envelope."""

    content_type: str
    """The ``Content-Type`` header, e.g. ``application/pdf`` or ``text/html; charset=utf-8``."""
    content: bytes | Iterable[bytes] = field(repr=False)
    """The body, or the chunks it is made of (produced lazily, after the store lock is released,
    so a chunk generator must only read data it captured when it was made)."""
    filename: str | None = None
    """Offered as ``Content-Disposition: inline; filename="…"`` when set (ASCII)."""


class ApiError(Exception):
    """An error answer: status, UPPER_SNAKE code, message, optional per-field details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Sequence[FieldProblem] | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details) if details else None
        self.headers = list(headers)


def dumps(value: object) -> bytes:
    """Compact UTF-8 JSON, as the server writes its answers."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(
    status: int, payload: object, request_id: str, extra: Sequence[tuple[str, str]] = ()
) -> RawResponse:
    """A JSON response (or an empty 204) with the standard headers."""
    headers = [*_JSON_HEADERS, ("x-request-id", request_id), *extra]
    if status == 204:
        return RawResponse(204, [("x-request-id", request_id), *extra], b"")
    return RawResponse(status, headers, dumps(payload))


def document_response(status: int, document: Document, request_id: str) -> RawResponse:
    """A ``Document`` sent as it is: its content type, an optional filename, whole or chunked."""
    headers = [("content-type", document.content_type), ("x-request-id", request_id)]
    if document.filename is not None:
        headers.append(("content-disposition", f'inline; filename="{document.filename}"'))
    content = document.content
    if isinstance(content, bytes | bytearray):
        return RawResponse(status, headers, bytes(content))
    return RawResponse(status, headers, chunks=iter(content))


def error_response(error: ApiError, request_id: str) -> RawResponse:
    """The error envelope of SPEC §3 for ``error``."""
    body: dict[str, object] = {"code": error.code, "message": error.message}
    if error.details:
        body["details"] = error.details
    payload = {"data": None, "error": body, "meta": {"requestId": request_id}}
    return json_response(error.status, payload, request_id, error.headers)
