"""``multipart/form-data`` request bodies (RFC 7578), as the upload route reads them.

SPEC-MONEY §6: ``uploads/image`` takes one field ``file`` and is signed over the empty body, so
the parts never enter a signature; the engine decodes such a body into a ``Form`` in place of
JSON. The parser takes what the clients in use write: httpx (``Content-Disposition`` with
``name`` and ``filename``, a per-part ``Content-Type``), Node's ``fetch`` / undici
(``----formdata-undici-…`` boundaries, ``"`` in a file name as ``%22``, other backslashes
raw) and Go's ``mime/multipart`` (backslash-escaped quotes and backslashes). A preamble, an epilogue and an RFC 5987
``filename*`` are accepted; anything it can't split into parts is a 400 ``VALIDATION_ERROR``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from ._wire import ApiError

__all__ = ["Form", "Part", "is_multipart", "parse_form"]

_PARAM = re.compile(r';\s*([A-Za-z0-9_.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
# Only \" and \\ are unescaped: browsers and undici send other backslashes raw
# (C:\fakepath\logo.png), Go and httpx escape these two.
_QUOTED_PAIR = re.compile(r'\\(["\\])')
_MAX_BOUNDARY = 70  # RFC 2046 §5.1.1


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a form: its field name, file name and declared type, and its bytes."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Form:
    """A parsed ``multipart/form-data`` body: its parts in the order sent."""

    parts: tuple[Part, ...]

    def digest(self) -> str:
        """A hash of what the parts carry (not the boundary, which a client may choose afresh on
        every attempt), so a retry of the same upload is the same request for idempotency."""
        hasher = hashlib.sha256()
        for part in self.parts:
            for text in (part.name, part.filename or "", part.content_type or ""):
                raw = text.encode("utf-8", "surrogatepass")
                hasher.update(len(raw).to_bytes(8, "big") + raw)
            hasher.update(len(part.data).to_bytes(8, "big") + part.data)
        return hasher.hexdigest()


def _params(header: str) -> tuple[str, dict[str, str]]:
    """A header value's first token (lower case) and its ``; name=value`` parameters, unquoted."""
    head, _, _ = header.partition(";")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(header[len(head) :]):
        name, value = match.group(1).lower(), match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = _QUOTED_PAIR.sub(r"\1", value[1:-1])
        params.setdefault(name, value)
    return head.strip().lower(), params


def is_multipart(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header announces a ``multipart/form-data`` body."""
    return content_type is not None and _params(content_type)[0] == "multipart/form-data"


def _malformed(reason: str) -> ApiError:
    return ApiError(
        400, "VALIDATION_ERROR", f"The request body is not valid multipart/form-data: {reason}"
    )


def _part(raw: bytes) -> Part:
    if raw.startswith(b"\r\n"):
        head, data = b"", raw[2:]
    else:
        head, sep, data = raw.partition(b"\r\n\r\n")
        if not sep:
            raise _malformed("a part's headers never end")
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n") if head else ():
        name, colon, value = line.partition(":")
        if not colon:
            raise _malformed(f"bad part header line {line[:80]!r}")
        headers.setdefault(name.strip().lower(), value.strip())
    disposition = headers.get("content-disposition")
    if disposition is None:
        raise _malformed("a part has no Content-Disposition")
    kind, params = _params(disposition)
    if kind != "form-data" or "name" not in params:
        raise _malformed("a part's Content-Disposition is not form-data with a name")
    filename = params.get("filename")
    extended = params.get("filename*")
    if extended is not None and "''" in extended:  # RFC 5987: charset'language'percent-encoded
        charset, _, encoded = extended.partition("''")
        filename = unquote(encoded, encoding=charset or "utf-8", errors="replace")
    return Part(
        name=params["name"],
        filename=filename,
        content_type=headers.get("content-type"),
        data=data,
    )


def parse_form(content_type: str, body: bytes) -> Form:
    """The parts of ``body``; 400 ``VALIDATION_ERROR`` when it isn't a well-formed form."""
    boundary = _params(content_type)[1].get("boundary", "")
    if not 1 <= len(boundary) <= _MAX_BOUNDARY:
        raise _malformed("the Content-Type has no usable boundary")
    dash = b"--" + boundary.encode("latin-1", "replace")
    if body.startswith(dash):
        at = len(dash)
    else:  # a preamble before the first delimiter line
        found = body.find(b"\r\n" + dash)
        if found < 0:
            raise _malformed("no part starts with the boundary")
        at = found + 2 + len(dash)
    parts: list[Part] = []
    while True:
        if body.startswith(b"--", at):
            return Form(tuple(parts))  # the close delimiter; an epilogue is ignored
        end_of_line = body.find(b"\r\n", at)
        if end_of_line < 0 or body[at:end_of_line].strip(b" \t"):
            raise _malformed("a delimiter line is followed by junk or never ends")
        start = end_of_line + 2
        stop = body.find(b"\r\n" + dash, start)
        if stop < 0:
            raise _malformed("the body ends before the closing boundary")
        parts.append(_part(body[start:stop]))
        at = stop + 2 + len(dash)
