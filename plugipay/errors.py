"""The public error classes (see ``plugipay._exceptions`` for the tree)."""

from __future__ import annotations

from ._exceptions import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    GoneError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    PlugipayError,
    PlugipayNetworkError,
    PlugipaySignatureError,
    PlugipayTimeoutError,
    RateLimitError,
    UnprocessableEntityError,
)

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "GoneError",
    "InternalServerError",
    "InvalidResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlugipayError",
    "PlugipayNetworkError",
    "PlugipaySignatureError",
    "PlugipayTimeoutError",
    "RateLimitError",
    "UnprocessableEntityError",
]
