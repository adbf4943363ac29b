"""Plugipay for Python: the async-first SDK for the Plugipay payments API.

Names load on first use (``import plugipay`` stays cheap: anyio, attrs and cattrs are imported
only when a client, model or error is first touched), while type checkers see every name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._async._client import AsyncPlugipayClient
    from ._async._client import AsyncPlugipayClient as AsyncPlugipay
    from ._async._pagination import AsyncCursorPaginator, AsyncPage
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
    from ._models import (
        Customer,
        ManagedOnboardingState,
        ManagedSubAccount,
        PartnerWorkspace,
        Resource,
        WebhookEvent,
        Workspace,
        WorkspaceMember,
    )
    from ._page import PageResult
    from ._sync._client import PlugipayClient
    from ._sync._client import PlugipayClient as Plugipay
    from ._sync._pagination import CursorPaginator, Page
    from ._types import NOT_GIVEN, NotGiven
    from .webhooks import verify as verify_webhook

__all__ = [
    "NOT_GIVEN",
    "AsyncCursorPaginator",
    "AsyncPage",
    "AsyncPlugipay",
    "AsyncPlugipayClient",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "CursorPaginator",
    "Customer",
    "GoneError",
    "InternalServerError",
    "InvalidResponseError",
    "ManagedOnboardingState",
    "ManagedSubAccount",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PageResult",
    "PartnerWorkspace",
    "PermissionDeniedError",
    "Plugipay",
    "PlugipayClient",
    "PlugipayError",
    "PlugipayNetworkError",
    "PlugipaySignatureError",
    "PlugipayTimeoutError",
    "RateLimitError",
    "Resource",
    "UnprocessableEntityError",
    "WebhookEvent",
    "Workspace",
    "WorkspaceMember",
    "__version__",
    "verify_webhook",
]

# public name -> (module, attribute); resolved by __getattr__ on first access.
_LAZY: dict[str, tuple[str, str]] = {
    "AsyncCursorPaginator": ("._async._pagination", "AsyncCursorPaginator"),
    "AsyncPage": ("._async._pagination", "AsyncPage"),
    "AsyncPlugipay": ("._async._client", "AsyncPlugipayClient"),
    "AsyncPlugipayClient": ("._async._client", "AsyncPlugipayClient"),
    "AuthenticationError": ("._exceptions", "AuthenticationError"),
    "BadRequestError": ("._exceptions", "BadRequestError"),
    "ConflictError": ("._exceptions", "ConflictError"),
    "CursorPaginator": ("._sync._pagination", "CursorPaginator"),
    "Customer": ("._models", "Customer"),
    "GoneError": ("._exceptions", "GoneError"),
    "InternalServerError": ("._exceptions", "InternalServerError"),
    "InvalidResponseError": ("._exceptions", "InvalidResponseError"),
    "ManagedOnboardingState": ("._models", "ManagedOnboardingState"),
    "ManagedSubAccount": ("._models", "ManagedSubAccount"),
    "NOT_GIVEN": ("._types", "NOT_GIVEN"),
    "NotFoundError": ("._exceptions", "NotFoundError"),
    "NotGiven": ("._types", "NotGiven"),
    "Page": ("._sync._pagination", "Page"),
    "PageResult": ("._page", "PageResult"),
    "PartnerWorkspace": ("._models", "PartnerWorkspace"),
    "PermissionDeniedError": ("._exceptions", "PermissionDeniedError"),
    "Plugipay": ("._sync._client", "PlugipayClient"),
    "PlugipayClient": ("._sync._client", "PlugipayClient"),
    "PlugipayError": ("._exceptions", "PlugipayError"),
    "PlugipayNetworkError": ("._exceptions", "PlugipayNetworkError"),
    "PlugipaySignatureError": ("._exceptions", "PlugipaySignatureError"),
    "PlugipayTimeoutError": ("._exceptions", "PlugipayTimeoutError"),
    "RateLimitError": ("._exceptions", "RateLimitError"),
    "Resource": ("._models", "Resource"),
    "UnprocessableEntityError": ("._exceptions", "UnprocessableEntityError"),
    "WebhookEvent": ("._models", "WebhookEvent"),
    "Workspace": ("._models", "Workspace"),
    "WorkspaceMember": ("._models", "WorkspaceMember"),
    "verify_webhook": (".webhooks", "verify"),
}


# Public submodules, importable on attribute access too (``plugipay.webhooks.verify``).
_SUBMODULES = frozenset({"bulk", "errors", "models", "testing", "webhooks"})


def __getattr__(name: str) -> Any:
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'plugipay' has no attribute {name!r}")
    module_name, attr = target
    value = getattr(importlib.import_module(module_name, __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
