"""The one place a transport failure becomes a ``PlugipayError``, as httpx's
``map_httpcore_exceptions`` is for httpcore's: timeouts are ``PlugipayTimeoutError``, every other
``httpx.RequestError`` (connection failures, answers lost in transit) is
``PlugipayNetworkError``. Both are retryable, and carry the call's key. A
closed pool is ``ClientClosedError``, which is not."""

from __future__ import annotations

import httpx

from ._exceptions import (
    ClientClosedError,
    PlugipayError,
    PlugipayNetworkError,
    PlugipayTimeoutError,
)

__all__ = ["client_closed_error", "transport_error"]


def transport_error(
    exc: httpx.RequestError, method: str, path: str, idempotency_key: str | None
) -> PlugipayError:
    """The SDK error for a request that got no usable answer (``path`` without its query)."""
    if isinstance(exc, httpx.TimeoutException):
        return PlugipayTimeoutError(
            f"{method} {path} timed out ({type(exc).__name__})", idempotency_key=idempotency_key
        )
    return PlugipayNetworkError(
        f"{method} {path} failed: {type(exc).__name__}: {exc}", idempotency_key=idempotency_key
    )


def client_closed_error(method: str, path: str, idempotency_key: str | None) -> ClientClosedError:
    """The SDK error for a call (or a retry) that found the client's connection pool closed."""
    return ClientClosedError(
        f"{method} {path} was not sent: the client is closed (make a new client to go on)",
        idempotency_key=idempotency_key,
    )
