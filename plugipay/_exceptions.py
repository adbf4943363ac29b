"""The error tree and the one place where an HTTP answer becomes an exception (SPEC §3, §4).

::

    PlugipayError                  status, code (lower_snake), message, request_id, details
    ├── PlugipayNetworkError       status 0, "network_error"
    │   └── PlugipayTimeoutError   status 0, "timeout"
    ├── ClientClosedError          status 0, "client_closed": a call on (or a retry after) close
    ├── EventLoopError             status 0, "wrong_event_loop": an async client used from
    │                              another event loop than the one it was first used on
    ├── InvalidResponseError       a body that isn't the envelope ("invalid_response"),
    │                              or a 3xx ("redirect", details {"location": …}): never followed
    ├── BadRequestError 400 · AuthenticationError 401
    ├── PermissionDeniedError 403
    │   └── PersonOnlyError        403 "person_only": a person's route (API keys), called with a key
    ├── NotFoundError 404 · ConflictError 409 · GoneError 410 · UnprocessableEntityError 422
    ├── RateLimitError 429         retry_after (seconds) when the server said
    ├── InternalServerError ≥ 500
    └── PlugipaySignatureError     webhook verification failures

Codes arrive UPPER_SNAKE on the wire and are exposed lower_snake. No secret of the client is ever
part of an error: messages come from the server or from fixed SDK text (and a provider's secret a
call sent is scrubbed from its error, ``plugipay._secrets``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "EventLoopError",
    "GoneError",
    "InternalServerError",
    "InvalidResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "PersonOnlyError",
    "PlugipayError",
    "PlugipayNetworkError",
    "PlugipaySignatureError",
    "PlugipayTimeoutError",
    "RateLimitError",
    "UnprocessableEntityError",
]


class PlugipayError(Exception):
    """Base of every error the SDK raises for a call; ``except PlugipayError`` catches them all."""

    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str | None = None,
        request_id: str | None = None,
        details: Any = None,
        response: Any = None,
        idempotency_key: str | None = None,
        doc_url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code or self.default_code
        self.request_id = request_id
        self.details = details
        self.response = response
        self.idempotency_key = idempotency_key
        self.doc_url = doc_url

    def __str__(self) -> str:
        parts = [f"status={self.status}"]
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        return f"{self.code}: {self.message} ({', '.join(parts)})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._state()))

    def _state(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "code": self.code,
            "request_id": self.request_id,
            "details": self.details,
            "idempotency_key": self.idempotency_key,
            "doc_url": self.doc_url,
        }


def _rebuild(cls: type[PlugipayError], message: str, state: dict[str, Any]) -> PlugipayError:
    err = cls.__new__(cls)
    PlugipayError.__init__(err, message, **state)
    return err


class PlugipayNetworkError(PlugipayError):
    """The connection failed before a complete answer arrived (status 0)."""

    default_code = "network_error"


class PlugipayTimeoutError(PlugipayNetworkError):
    """The request timed out (status 0)."""

    default_code = "timeout"


class ClientClosedError(PlugipayError):
    """The client's connection pool was closed before this call (or its retry) could be sent.

    Never retried: no later attempt can succeed on a closed pool. A write carries its
    ``idempotency_key``; it may have committed if an earlier attempt reached the server.
    """

    default_code = "client_closed"


class EventLoopError(PlugipayError):
    """An async client was used from another event loop (a second ``asyncio.run``, another
    trio run) than the one it was first used on; its connections belong to that one. Make a
    client per loop. Never retried, and nothing was sent."""

    default_code = "wrong_event_loop"


class InvalidResponseError(PlugipayError):
    """The server answered with something that isn't the Plugipay envelope, or with a redirect
    (code ``redirect``), which the SDK never follows."""

    default_code = "invalid_response"


class BadRequestError(PlugipayError):
    """400: the request was refused as invalid (``validation_error``)."""

    default_code = "validation_error"


class AuthenticationError(PlugipayError):
    """401: the request could not be authenticated."""

    default_code = "auth_required"


class PermissionDeniedError(PlugipayError):
    """403: the key lacks a scope or role."""

    default_code = "insufficient_scope"


class PersonOnlyError(PermissionDeniedError):
    """403 ``person_only``: only a person signed in to the Plugipay dashboard may do this (API
    keys, the account); no API key may, whether HMAC-signed or a Bearer dashboard key."""

    default_code = "person_only"


PERSON_ONLY_HINT = (
    "only a person signed in to the Plugipay dashboard (a browser session) can do this: API "
    "keys and the account are managed there, and no API key may mint or revoke keys, whether "
    "HMAC-signed or a Bearer dashboard key"
)
"""What ``PersonOnlyError`` says before the server's own message."""


class NotFoundError(PlugipayError):
    """404: no such object in the workspace the key can see."""

    default_code = "not_found"


class ConflictError(PlugipayError):
    """409: a conflict with existing state or with an earlier use of an idempotency key."""

    default_code = "conflict"


class GoneError(PlugipayError):
    """410: the object moved away for good (a workspace slug it no longer has)."""

    default_code = "gone"


class UnprocessableEntityError(PlugipayError):
    """422: understood but not allowed (``region_immutable``)."""

    default_code = "unprocessable_entity"


class RateLimitError(PlugipayError):
    """429: too many requests; ``retry_after`` is the server's wait in seconds, when given."""

    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def _state(self) -> dict[str, Any]:
        return super()._state()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_rate_limit, (self.message, self.retry_after, self._state()))


def _rebuild_rate_limit(
    message: str, retry_after: float | None, state: dict[str, Any]
) -> RateLimitError:
    return RateLimitError(message, retry_after=retry_after, **state)


class InternalServerError(PlugipayError):
    """5xx: trouble on the server's side."""

    default_code = "internal_error"


class PlugipaySignatureError(PlugipayError):
    """A webhook failed verification: ``signature_missing``, ``_malformed``, ``_stale`` or ``_invalid``."""

    default_code = "signature_invalid"


_BY_STATUS: dict[int, type[PlugipayError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_SNIPPET = 200


def error_class_for(status: int) -> type[PlugipayError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, PlugipayError)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def error_from_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    idempotency_key: str | None = None,
    response: Any = None,
    retry_after: float | None = None,
) -> PlugipayError:
    """Map an error answer (status ≥ 400, a 3xx redirect, or a success whose body isn't the
    envelope) to an error.

    ``retry_after`` overrides the numeric ``Retry-After`` header (the client passes the value it
    parsed, HTTP dates included).
    """
    header_request_id = _header(headers, "X-Request-Id")
    common: dict[str, Any] = {
        "status": status,
        "response": response,
        "idempotency_key": idempotency_key,
    }
    if 300 <= status < 400:
        location = (_header(headers, "Location") or "")[:_SNIPPET]
        return InvalidResponseError(
            f"HTTP {status} redirect to {location!r}, not followed: the SDK never follows "
            f"redirects (check base_url)",
            code="redirect",
            request_id=header_request_id,
            details={"location": location},
            **common,
        )
    try:
        envelope = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        envelope = None
        error = None
    else:
        error = envelope.get("error") if isinstance(envelope, dict) else None
    meta = envelope.get("meta") if isinstance(envelope, dict) else None
    meta_request_id = meta.get("requestId") if isinstance(meta, dict) else None
    request_id = meta_request_id if isinstance(meta_request_id, str) else header_request_id
    if not isinstance(error, dict):
        snippet = body[: _SNIPPET * 4].decode("utf-8", "replace")[:_SNIPPET]
        what = (
            "an empty body" if not body else f"a body that isn't the Plugipay envelope: {snippet!r}"
        )
        return InvalidResponseError(f"HTTP {status} with {what}", request_id=request_id, **common)
    wire_code = error.get("code")
    code = wire_code.lower() if isinstance(wire_code, str) and wire_code else None
    message = error.get("message")
    if not isinstance(message, str) or not message:
        message = f"HTTP {status}"
    cls = error_class_for(status)
    if status == 403 and code == "person_only":
        cls = PersonOnlyError
        message = f"{PERSON_ONLY_HINT} (the server said: {message})"
    kwargs: dict[str, Any] = {
        "code": code,
        "request_id": request_id,
        "details": error.get("details"),
        "doc_url": error.get("docUrl") if isinstance(error.get("docUrl"), str) else None,
        **common,
    }
    if cls is RateLimitError:
        if retry_after is None:
            from ._retry import server_retry_after

            retry_after = server_retry_after(status, _header(headers, "Retry-After"), None)
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    if cls is PlugipayError and code is None:
        kwargs["code"] = f"http_{status}"
    return cls(message, **kwargs)


# Public classes report their public home (``plugipay.NotFoundError``), as httpx's do.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = "plugipay"
del _name, _value
