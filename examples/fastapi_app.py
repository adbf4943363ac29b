"""A FastAPI app with one ``AsyncPlugipayClient`` for its whole life, and a webhook route.

Run: ``PLUGIPAY_WEBHOOK_SECRET=whsec_… uvicorn fastapi_app:app`` with the usual ``PLUGIPAY_*``
credentials in the environment (``python -m plugipay.testing serve`` prints a set to try).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request

from plugipay import AsyncPlugipayClient, PlugipaySignatureError, webhooks


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One client (one connection pool) for the app, closed on shutdown.
    async with AsyncPlugipayClient() as client:
        app.state.plugipay = client
        yield


app = FastAPI(lifespan=lifespan)


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


@app.post("/webhooks/plugipay")
async def plugipay_webhook(request: Request) -> dict[str, str]:
    """Verifies the signature over the raw body before trusting anything in it."""
    raw_body = await request.body()
    try:
        event = webhooks.verify(raw_body, request.headers, os.environ["PLUGIPAY_WEBHOOK_SECRET"])
    except PlugipaySignatureError as exc:
        raise HTTPException(status_code=400, detail=exc.code) from exc
    return {"received": event.type}
