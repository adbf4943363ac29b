"""Plugipay for Python: the async-first SDK for the Plugipay payments API.

Names load on first use (``import plugipay`` stays cheap: anyio, attrs and cattrs are imported
only when a client, model or error is first touched), while type checkers see every name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._exceptions import (
        AuthenticationError,
        BadRequestError,
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
    from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "NOT_GIVEN",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "GoneError",
    "InternalServerError",
    "InvalidResponseError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "PlugipayError",
    "PlugipayNetworkError",
    "PlugipaySignatureError",
    "PlugipayTimeoutError",
    "RateLimitError",
    "UnprocessableEntityError",
    "__version__",
]

# name -> module that defines it; resolved by __getattr__ on first access.
_LAZY: dict[str, str] = {
    "NOT_GIVEN": "._types",
    "NotGiven": "._types",
    "AuthenticationError": "._exceptions",
    "BadRequestError": "._exceptions",
    "ConflictError": "._exceptions",
    "GoneError": "._exceptions",
    "InternalServerError": "._exceptions",
    "InvalidResponseError": "._exceptions",
    "NotFoundError": "._exceptions",
    "PermissionDeniedError": "._exceptions",
    "PlugipayError": "._exceptions",
    "PlugipayNetworkError": "._exceptions",
    "PlugipaySignatureError": "._exceptions",
    "PlugipayTimeoutError": "._exceptions",
    "RateLimitError": "._exceptions",
    "UnprocessableEntityError": "._exceptions",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'plugipay' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
