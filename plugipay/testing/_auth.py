"""Authentication (SPEC §2), checked in the server's order, each failure with its code.

1. ``Authorization`` missing or malformed → 401 ``AUTH_REQUIRED`` (a ``Bearer`` dashboard key
   skips 2-3 and 6);
2. ``X-Plugipay-Timestamp`` missing → ``AUTH_REQUIRED``; not an integer (or too long for
   Python's ``int``) → ``INVALID_TIMESTAMP``;
3. more than 300 s off the fake's clock → ``CLOCK_SKEW``;
4. unknown key id → ``INVALID_KEY``; 5. revoked key → ``REVOKED_KEY``;
6. signature mismatch → ``BAD_SIGNATURE``, compared in constant time over the string to sign
   built from the *canonical re-serialization* of the parsed body (``""`` for no body or ``{}``),
   so bytes that differ from ``JSON.stringify``'s fail exactly as on the real server. A body that
   parses to an empty object also passes when signed over ``{}`` (SPEC §2, "Decision (empty
   objects)"): the published SDKs send ``{}`` to cancel, finalize and pay, signed over those bytes.

A body that is not JSON (or holds values JavaScript can't parse, or is nested deeper than
Python's recursion limit) is a 400 ``VALIDATION_ERROR``, reported after the key checks and
before the signature check. A ``multipart/form-data`` body (an upload) is decoded into a
``Form`` instead, and signed over the empty string (SPEC-MONEY §6).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from .._json import MAX_SAFE_INTEGER, canonical_json
from .._signing import parse_authorization, sign_request, signatures_equal
from ._multipart import is_multipart, parse_form
from ._store import ApiKey, Store
from ._wire import ApiError

__all__ = ["MAX_SKEW_SECONDS", "authenticate", "decode_body", "parse_body"]

MAX_SKEW_SECONDS = 300
_INTEGER = re.compile(r"-?[0-9]+")


_INDEX_KEY = re.compile(rb'"(?:0|[1-9][0-9]*)"\s*:')
_dumps_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _Parse:
    """One body parse; notes numbers JavaScript would write differently from Python."""

    __slots__ = ("plain",)

    def __init__(self) -> None:
        self.plain = True

    def float_(self, text: str) -> float:
        self.plain = False
        return float(text)

    def int_(self, text: str) -> int | float:
        value = int(text)
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        # JavaScript parses every number as a double: big integers lose precision the same way.
        self.plain = False
        return float(value)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def parse_body(raw: bytes) -> tuple[object | None, bytes]:
    """The parsed JSON body (``None`` when empty) and the canonical bytes the signature covers."""
    if not raw:
        return None, b""
    parse = _Parse()
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_constant=_reject_constant,
            parse_float=parse.float_,
            parse_int=parse.int_,
        )
        if value == {}:
            return value, b""
        if parse.plain and b"\\u" not in raw and not _INDEX_KEY.search(raw):
            # Without floats, big integers, array-index keys or \u escapes (which may spell an
            # index key or a lone surrogate), Python's C encoder writes exactly what
            # JSON.stringify writes, much faster than canonical_json.
            return value, _dumps_compact(value).encode("utf-8")
        return value, canonical_json(value).encode("utf-8")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(
            400, "VALIDATION_ERROR", f"The request body is not valid JSON: {exc}"
        ) from None
    except RecursionError:
        raise ApiError(400, "VALIDATION_ERROR", "The request body is nested too deeply") from None


def decode_body(headers: Mapping[str, str], raw: bytes) -> tuple[object | None, bytes]:
    """The body as its ``Content-Type`` says (a ``Form`` for ``multipart/form-data``, else
    JSON) and the bytes its signature covers (``b""`` for a form)."""
    content_type = headers.get("content-type")
    if raw and is_multipart(content_type):
        assert content_type is not None
        return parse_form(content_type, raw), b""
    return parse_body(raw)


def _integer(text: str) -> int | None:
    """``text`` as an integer, or ``None`` (also past Python's limit on integer digits)."""
    if not _INTEGER.fullmatch(text):
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message)


def _check_key(store: Store, key: ApiKey | None) -> ApiKey:
    if key is None:
        raise _unauthorized("INVALID_KEY", "The API key is not known")
    if store.is_revoked(key):
        raise _unauthorized("REVOKED_KEY", "The API key has been revoked")
    return key


def authenticate(
    store: Store, method: str, target: str, headers: Mapping[str, str], body: bytes, now: float
) -> tuple[ApiKey, object | None, bytes]:
    """The key, the parsed body and its canonical bytes; ``ApiError`` on any failure."""
    authorization = headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        key = _check_key(store, store.bearer.get(authorization[7:].strip()))
        return (key, *decode_body(headers, body))
    parsed = parse_authorization(authorization)
    if parsed is None:
        raise _unauthorized(
            "AUTH_REQUIRED",
            "Missing or malformed Authorization header; expected "
            "'Plugipay-HMAC-SHA256 keyId=<id>, scope=*, signature=<hex>'",
        )
    timestamp = headers.get("x-plugipay-timestamp")
    if timestamp is None:
        raise _unauthorized("AUTH_REQUIRED", "Missing X-Plugipay-Timestamp header")
    sent = _integer(timestamp.strip())
    if sent is None:
        raise _unauthorized(
            "INVALID_TIMESTAMP", "X-Plugipay-Timestamp must be integer unix seconds"
        )
    skew = abs(int(now) - sent)  # whole seconds, as the header carries them
    if skew > MAX_SKEW_SECONDS:
        shown = f"{skew} s" if skew < 10**15 else "too far"
        raise _unauthorized(
            "CLOCK_SKEW",
            f"X-Plugipay-Timestamp is {shown} away from the server clock "
            f"(at most {MAX_SKEW_SECONDS} s allowed)",
        )
    key = _check_key(store, store.keys.get(parsed.key_id))
    if key.bearer:
        raise _unauthorized("INVALID_KEY", "The API key is not known")
    value, canonical = decode_body(headers, body)
    expected = sign_request(
        key.secret, method, target, timestamp, canonical, headers.get("idempotency-key")
    )
    if not signatures_equal(expected, parsed.signature) and not (
        value == {}
        and signatures_equal(
            sign_request(
                key.secret, method, target, timestamp, b"{}", headers.get("idempotency-key")
            ),
            parsed.signature,
        )
    ):
        raise _unauthorized(
            "BAD_SIGNATURE",
            "The signature does not match the request (the body is hashed in its canonical "
            "JSON.stringify form)",
        )
    return key, value, canonical
