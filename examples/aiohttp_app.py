"""An aiohttp app: the client lives in a cleanup context; handlers create and verify.

Run: ``python -m aiohttp.web -P 8080 aiohttp_app:make_app`` with ``PLUGIPAY_*`` in the
environment.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

from aiohttp import web

from plugipay import AsyncPlugipayClient, PlugipayError, webhooks

PLUGIPAY = web.AppKey("plugipay", AsyncPlugipayClient)


async def plugipay_client(app: web.Application) -> AsyncIterator[None]:
    async with AsyncPlugipayClient() as client:
        app[PLUGIPAY] = client
        yield


async def signup(request: web.Request) -> web.Response:
    """Creates a customer; the order id makes a retried request safe."""
    form = await request.post()
    customer = await request.app[PLUGIPAY].customers.create(
        email=str(form["email"]), idempotency_key=f"signup-{form['order_id']}"
    )
    return web.json_response({"customer_id": customer.id}, status=201)


async def webhook(request: web.Request) -> web.Response:
    """Verifies the raw body's signature, then acts on the event."""
    try:
        event = webhooks.verify(
            await request.read(), request.headers, os.environ["PLUGIPAY_WEBHOOK_SECRET"]
        )
    except PlugipayError:  # forged, stale, unsigned, or signed but not an event
        raise web.HTTPBadRequest() from None  # and nothing more: the sender learns no reason
    return web.json_response({"received": event.type})


def make_app(argv: list[str] | None = None) -> web.Application:
    app = web.Application()
    app.cleanup_ctx.append(plugipay_client)
    app.router.add_post("/signup", signup)
    app.router.add_post("/webhooks/plugipay", webhook)
    return app
