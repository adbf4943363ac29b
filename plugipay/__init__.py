"""Plugipay for Python: the async-first SDK for the Plugipay payments API.

Names load on first use (``import plugipay`` stays cheap: anyio, attrs and cattrs are imported
only when a client, model or error is first touched), while type checkers see every name.
``__all__`` is derived, not kept by hand: the names in ``_CORE`` below, every error of
``_exceptions.__all__`` and every model class the model modules declare.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__

# What type checkers see: ``X as X`` and star imports of literal ``__all__`` lists are explicit
# re-exports; one star import per model family (see ``plugipay._models``).
if TYPE_CHECKING:
    from ._aiohttp import DefaultAioHttpClient as DefaultAioHttpClient
    from ._async._client import AsyncPlugipayClient as AsyncPlugipayClient
    from ._async._download import AsyncDownload as AsyncDownload
    from ._async._pagination import AsyncCursorPaginator as AsyncCursorPaginator
    from ._async._pagination import AsyncPage as AsyncPage
    from ._exceptions import *  # noqa: F403
    from ._models._base import Resource as Resource
    from ._models.billing import *  # noqa: F403
    from ._models.checkout import *  # noqa: F403
    from ._models.configuration import *  # noqa: F403
    from ._models.customers import *  # noqa: F403
    from ._models.events import *  # noqa: F403
    from ._models.gift_cards import *  # noqa: F403
    from ._models.invoices import *  # noqa: F403
    from ._models.ledger import *  # noqa: F403
    from ._models.payouts import *  # noqa: F403
    from ._models.platform import *  # noqa: F403
    from ._models.refunds import *  # noqa: F403
    from ._models.webhooks import *  # noqa: F403
    from ._models.workspaces import *  # noqa: F403
    from ._page import PageResult as PageResult
    from ._sync._client import PlugipayClient as PlugipayClient
    from ._sync._download import Download as Download
    from ._sync._pagination import CursorPaginator as CursorPaginator
    from ._sync._pagination import Page as Page
    from ._types import NOT_GIVEN as NOT_GIVEN
    from ._types import NotGiven as NotGiven
    from .webhooks import verify as _verify

    AsyncPlugipay = AsyncPlugipayClient
    Plugipay = PlugipayClient
    verify_webhook = _verify

# Public names that are neither errors nor models: name -> (module, attribute).
_CORE: dict[str, tuple[str, str]] = {
    "AsyncCursorPaginator": ("._async._pagination", "AsyncCursorPaginator"),
    "AsyncDownload": ("._async._download", "AsyncDownload"),
    "AsyncPage": ("._async._pagination", "AsyncPage"),
    "AsyncPlugipay": ("._async._client", "AsyncPlugipayClient"),
    "AsyncPlugipayClient": ("._async._client", "AsyncPlugipayClient"),
    "CursorPaginator": ("._sync._pagination", "CursorPaginator"),
    "DefaultAioHttpClient": ("._aiohttp", "DefaultAioHttpClient"),
    "Download": ("._sync._download", "Download"),
    "NOT_GIVEN": ("._types", "NOT_GIVEN"),
    "NotGiven": ("._types", "NotGiven"),
    "Page": ("._sync._pagination", "Page"),
    "PageResult": ("._page", "PageResult"),
    "Plugipay": ("._sync._client", "PlugipayClient"),
    "PlugipayClient": ("._sync._client", "PlugipayClient"),
    "verify_webhook": (".webhooks", "verify"),
}

# Public submodules, importable on attribute access too (``plugipay.webhooks.verify``).
_SUBMODULES = frozenset({"bulk", "errors", "models", "testing", "webhooks"})


if not TYPE_CHECKING:
    # Hidden from type checkers, so a misspelt name is their error rather than ``Any``.

    def _sort_key(name: str) -> tuple[int, str]:
        # Constants, then classes, then functions and modules: ruff's RUF022 order.
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    def _public_names() -> list[str]:
        """``__all__``: the core names, the errors and the model classes."""
        import importlib

        errors = importlib.import_module("._exceptions", __name__)
        models = importlib.import_module("._models", __name__)
        names = set(_CORE) | {"__version__"}
        names.update(name for name in errors.__all__ if name[0].isupper())
        names.update(["Resource", *(model.__name__ for model in models.MODELS)])
        return sorted(names, key=_sort_key)

    def __getattr__(name: str) -> Any:
        import importlib

        if name == "__all__":
            value: Any = _public_names()
        elif name in _SUBMODULES:
            return importlib.import_module(f".{name}", __name__)
        elif name in _CORE:
            module_name, attr = _CORE[name]
            value = getattr(importlib.import_module(module_name, __name__), attr)
        else:
            value = _from_declarations(name)
        globals()[name] = value
        return value

    def _from_declarations(name: str) -> Any:
        """An error or a model (or a model's type alias) by name; ``AttributeError`` otherwise."""
        import importlib

        if name[:1].isupper():
            errors = importlib.import_module("._exceptions", __name__)
            if name in errors.__all__:
                return getattr(errors, name)
            models = importlib.import_module("._models", __name__)
            if name in models.PUBLIC:
                return models.PUBLIC[name]
        raise AttributeError(f"module 'plugipay' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__getattr__("__all__")))
