"""Django: a view decorator that hands the view the verified ``WebhookEvent``.

::

    from django.http import JsonResponse
    from plugipay.contrib.django import webhook_view

    @webhook_view
    def plugipay_webhook(request, event):
        ...  # only a delivery signed with the endpoint's secret gets here
        return JsonResponse({"received": event.id})

The decorated view answers POST only (405 otherwise), is exempt from CSRF (Plugipay can't send a
token; the signature proves where the delivery comes from), reads ``request.body`` as received, checks
``X-Plugipay-Signature`` (or ``Plugipay-Signature``) with ``plugipay.webhooks.verify`` and answers
a forged, stale, unsigned or unreadable delivery with an empty 400, saying no more (the reason
goes to the ``plugipay`` logger as a warning). Async views (``async def``) work the same way.
URL arguments follow the event: ``view(request, event, *args, **kwargs)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, overload

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseNotAllowed

from .._models.events import WebhookEvent
from ..webhooks import DEFAULT_TOLERANCE
from ._receive import Receiver

__all__ = ["webhook_view"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _Decorator(Protocol):
    def __call__(
        self, view: Callable[Concatenate[Any, WebhookEvent, _P], _R], /
    ) -> Callable[Concatenate[Any, _P], _R]: ...


@overload
def webhook_view(
    view: Callable[Concatenate[Any, WebhookEvent, _P], _R], /
) -> Callable[Concatenate[Any, _P], _R]: ...
@overload
def webhook_view(
    view: None = None,
    /,
    *,
    secret: str | Sequence[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> _Decorator: ...
def webhook_view(
    view: Callable[..., Any] | None = None,
    /,
    *,
    secret: str | Sequence[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Any:
    """Decorate a view ``(request, event, ...)`` to receive verified Plugipay deliveries.

    ``@webhook_view`` reads the secret from ``PLUGIPAY_WEBHOOK_SECRET`` at each delivery (unset:
    a ``RuntimeError``, so a 500); ``@webhook_view(secret=...)`` takes it, or a list of them while
    rotating. ``tolerance`` is how many seconds the signature's timestamp may be from now.
    """
    receiver = Receiver(secret, tolerance)
    if view is None:
        return functools.partial(_decorate, receiver=receiver)
    return _decorate(view, receiver=receiver)


def _decorate(view: Callable[..., Any], *, receiver: Receiver) -> Any:
    if not callable(view):
        raise TypeError(
            "webhook_view decorates a view; give the secret as a keyword: @webhook_view(secret=...)"
        )
    wrapper: Any  # a function: the CSRF flag below is an attribute mypy doesn't know
    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            checked = _check(request, receiver)
            if not isinstance(checked, WebhookEvent):
                return checked
            return await view(request, checked, *args, **kwargs)

        wrapper = async_wrapper
    else:

        @functools.wraps(view)
        def sync_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            checked = _check(request, receiver)
            if not isinstance(checked, WebhookEvent):
                return checked
            return view(request, checked, *args, **kwargs)

        wrapper = sync_wrapper
    # What django.views.decorators.csrf.csrf_exempt sets, set here directly: before Django 5.0
    # csrf_exempt wraps an async view in a sync function, which Django then calls as sync.
    wrapper.csrf_exempt = True
    return wrapper


def _check(request: HttpRequest, receiver: Receiver) -> Any:
    """The verified event, or the response that refuses the request."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    event = receiver.receive(request.body, request.headers)
    return HttpResponseBadRequest() if event is None else event
