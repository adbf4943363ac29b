"""A FastAPI app with one ``AsyncPlugipayClient`` for its whole life: sign-up, a checkout flow
(start a payment for an order, learn it was paid from the webhook, refund it), and the webhook route.

Run: ``PLUGIPAY_WEBHOOK_SECRET=whsec_… uvicorn fastapi_app:app`` with the usual ``PLUGIPAY_*``
credentials in the environment (``python -m plugipay.testing serve`` prints a set to try).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request

from plugipay import AsyncPlugipayClient, CheckoutSession, WebhookEvent
from plugipay.contrib.fastapi import webhook_event


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One client (one connection pool) for the app, closed on shutdown.
    async with AsyncPlugipayClient() as client:
        app.state.plugipay = client
        yield


app = FastAPI(lifespan=lifespan)

PAID: dict[str, str] = {}
"""Order id → checkout session id, filled by the webhook (a database table in a real shop)."""

PlugipayEvent = Annotated[WebhookEvent, Depends(webhook_event())]
"""A delivery verified with ``PLUGIPAY_WEBHOOK_SECRET``; anything else is answered 400 before the
route runs."""


def _client(request: Request) -> AsyncPlugipayClient:
    client: AsyncPlugipayClient = request.app.state.plugipay
    return client


@app.post("/signup", status_code=201)
async def signup(request: Request, email: str, order_id: str) -> dict[str, str]:
    """Creates the customer once, however often the browser retries this order."""
    customer = await _client(request).customers.create(
        email=email, idempotency_key=f"signup-{order_id}"
    )
    return {"customer_id": customer.id}


@app.post("/orders/{order_id}/checkout", status_code=201)
async def start_checkout(request: Request, order_id: str, amount: int) -> dict[str, str]:
    """Starts the payment of an order: one session per order, however often the buyer clicks."""
    session = await _client(request).checkout_sessions.create(
        amount=amount,
        currency="IDR",
        methods=["qris", "va", "ewallet"],
        success_url=f"https://shop.example/orders/{order_id}/thanks",
        cancel_url=f"https://shop.example/orders/{order_id}",
        metadata={"order_id": order_id},
        idempotency_key=f"checkout-{order_id}",
    )
    # Send the buyer to session.hosted_url; the webhook says when they have paid.
    return {"session_id": session.id, "pay_at": session.hosted_url or ""}


@app.post("/orders/{order_id}/refund")
async def refund_order(request: Request, order_id: str) -> dict[str, object]:
    """Refunds what is left of a paid order (once: the key names the order)."""
    if order_id not in PAID:
        raise HTTPException(status_code=409, detail="order not paid")
    refund = await _client(request).refunds.create(
        source_type="checkout_session",
        source_id=PAID[order_id],
        reason="requested_by_customer",
        idempotency_key=f"refund-{order_id}",
    )
    return {"refund_id": refund.id, "amount": refund.amount, "status": refund.status}


@app.post("/webhooks/plugipay")
async def plugipay_webhook(event: PlugipayEvent) -> dict[str, str]:
    """Records a paid order; only a delivery signed with the endpoint's secret gets here."""
    session = event.data
    if event.kind == "checkout_session.completed" and isinstance(session, CheckoutSession):
        # Deliveries are at least once: recording the same payment twice must change nothing.
        PAID[(session.metadata or {}).get("order_id", "")] = session.id
    return {"received": event.type or ""}
