"""FastAPI and Starlette: a dependency that hands a route the verified ``WebhookEvent``.

::

    from typing import Annotated

    from fastapi import Depends, FastAPI
    from plugipay import WebhookEvent
    from plugipay.contrib.fastapi import webhook_event

    app = FastAPI()
    PlugipayEvent = Annotated[WebhookEvent, Depends(webhook_event())]

    @app.post("/webhooks/plugipay")
    async def plugipay_webhook(event: PlugipayEvent) -> dict[str, str]:
        ...  # only a delivery signed with the endpoint's secret gets here

The dependency reads the raw body, checks ``X-Plugipay-Signature`` (or ``Plugipay-Signature``)
with ``plugipay.webhooks.verify`` and answers a forged, stale, unsigned or unreadable delivery
with 400 ``{"detail": "Bad Request"}``, saying no more (the reason goes to the ``plugipay``
logger as a warning). In a plain Starlette app, await it: ``event = await verified(request)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from starlette.exceptions import HTTPException
from starlette.requests import Request

from .._models.events import WebhookEvent
from ..webhooks import DEFAULT_TOLERANCE
from ._receive import Receiver

__all__ = ["webhook_event"]


def webhook_event(
    secret: str | Sequence[str] | None = None, *, tolerance: float = DEFAULT_TOLERANCE
) -> Callable[[Request], Awaitable[WebhookEvent]]:
    """A dependency giving the route the verified ``WebhookEvent``, or answering 400.

    ``secret`` is the endpoint's signing secret, or a list of them while rotating; without one,
    ``PLUGIPAY_WEBHOOK_SECRET`` is read at each delivery (unset: a ``RuntimeError``, so a 500).
    ``tolerance`` is how many seconds the signature's timestamp may be from now.
    """
    receiver = Receiver(secret, tolerance)

    async def plugipay_webhook_event(request: Request) -> WebhookEvent:
        event = receiver.receive(await request.body(), request.headers)
        if event is None:
            raise HTTPException(status_code=400)  # the status's own phrase: no reason given
        return event

    return plugipay_webhook_event
