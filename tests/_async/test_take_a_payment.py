"""Take a payment end to end (issue 11): register a webhook endpoint, create a checkout session,
pay it as the buyer, receive and verify the webhook at the endpoint, refund half, refund the rest,
see a third refund refused, and find each step once in the events list.

The same flow runs against the in-process emulator, the emulator on a loopback port, and, under
``--live`` (``nox -s live``) with test-mode keys, real Plugipay, so a user with a test account can
check the emulator's fidelity. Paying as the buyer is a step only the emulator can play: live,
the flow does what real Plugipay can without a buyer, then stops there (skipped).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdf
import pytest

from plugipay import (
    AsyncPlugipayClient,
    BadRequestError,
    CheckoutSession,
    Refund,
    WebhookEndpoint,
    webhooks,
)
from plugipay.testing import FakePlugipay
from tests.conftest import LIVE_CREDENTIALS
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.anyio

COMPLETED = "plugipay.checkout_session.completed.v1"
ISSUED = "plugipay.refund.issued.v1"
LIVE_ENDPOINT_URL = "https://example.com/plugipay-python-sdk-live-test"
"""Live, Plugipay cannot reach this machine: the endpoint is made and removed, never used."""


@dataclass
class Backend:
    """Where the flow runs: the emulator (in process or on loopback), or real Plugipay."""

    name: str
    fake: FakePlugipay | None
    options: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(params=["in_process", "loopback", "live"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    name: str = request.param
    if name == "live":
        live = request.config.stash[LIVE_CREDENTIALS]
        if live is None:
            pytest.skip("live: nox -s live with PLUGIPAY_LIVE_KEY_ID and _SECRET (test mode)")
        key_id, secret, base_url = live
        options: dict[str, Any] = {"key_id": key_id, "secret": secret}
        if base_url:
            options["base_url"] = base_url
        yield Backend(name, None, options)
        return
    fake = FakePlugipay(seed=f"take-a-payment-{name}")
    if name == "in_process":
        yield Backend(name, fake)
        return
    with fake.serve() as base_url:
        yield Backend(
            name, fake, {"key_id": fake.key_id, "secret": fake.secret, "base_url": base_url}
        )


@contextlib.asynccontextmanager
async def connect(backend: Backend) -> AsyncIterator[AsyncPlugipayClient]:
    """A client on the backend: the fake's own transport in process, else over HTTP."""
    if backend.name == "in_process" and backend.fake is not None:
        client = backend.fake.async_client()
    else:
        client = AsyncPlugipayClient(**backend.options)
    async with client:
        yield client


def buyer(backend: Backend) -> FakePlugipay:
    """The emulator, to play the buyer. Live, the flow stops here: only the emulator can pay."""
    if backend.fake is None:
        pytest.skip("paying as the buyer needs the emulator; the live flow stops before paying")
    return backend.fake


async def test_take_a_payment_end_to_end(backend: Backend) -> None:
    with WebhookReceiver() as receiver:
        async with connect(backend) as plug:
            endpoint = await plug.webhook_endpoints.create(
                url=receiver.url if backend.fake is not None else LIVE_ENDPOINT_URL,
                events=[COMPLETED, ISSUED],
                description="plugipay-python end-to-end test",
            )
            try:
                await _flow(backend, plug, receiver, endpoint)
            finally:
                await plug.webhook_endpoints.delete(endpoint.id)
            assert endpoint.id not in [e.id for e in await plug.webhook_endpoints.list()]


async def _flow(
    backend: Backend,
    plug: AsyncPlugipayClient,
    receiver: WebhookReceiver,
    endpoint: WebhookEndpoint,
) -> None:
    assert isinstance(endpoint, WebhookEndpoint) and endpoint.id.startswith("we_")
    secret = endpoint.secret
    assert secret is not None and secret not in repr(endpoint)
    assert endpoint.id in [e.id for e in await plug.webhook_endpoints.list()]

    session = await plug.checkout_sessions.create(
        amount=150_000,
        currency="IDR",
        methods=["qris", "va"],
        success_url="https://shop.example/orders/A-1/paid",
        cancel_url="https://shop.example/orders/A-1",
        line_items=[{"name": "Kopi susu", "quantity": 3, "unit_amount": 50_000}],
        metadata={"order": "A-1"},
    )
    assert isinstance(session, CheckoutSession)
    assert (session.status, session.amount, session.currency) == ("open", 150_000, "IDR")
    assert (await plug.checkout_sessions.get(session.id)).status == "open"
    assert session.id in [s.id async for s in plug.checkout_sessions.list(status="open")]
    spare = await plug.checkout_sessions.create(
        amount=10_000,
        currency="IDR",
        methods=["qris"],
        success_url="https://shop.example/orders/A-2/paid",
        cancel_url="https://shop.example/orders/A-2",
    )
    assert (await plug.checkout_sessions.cancel(spare.id)).status == "canceled"

    buyer(backend).pay_checkout_session(session.id, method="qris")  # the emulator only

    paid = await plug.checkout_sessions.get(session.id)
    assert paid.status == "completed" and paid.payment_method == "qris"
    charge = paid.payment_id
    assert charge is not None and charge.startswith("ch_")
    receipt = await plug.checkout_sessions.receipt(session.id)
    assert receipt.amount == 150_000 and (receipt.number or "").startswith("RCPT-")
    # The PDF receipt is a document a PDF library opens, carrying the number and the total.
    pdf = pypdf.PdfReader(io.BytesIO(await plug.checkout_sessions.receipt_pdf(session.id)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert receipt.number in text and "150000" in re.sub(r"[.,\s]", "", text)  # IDR 150,000

    # The endpoint got the payment, signed with its secret: verify it as a handler would.
    [delivery] = receiver.accepted
    event = webhooks.verify(delivery.body, delivery.headers, secret)
    assert (event.type, event.kind) == (COMPLETED, "checkout_session.completed")
    assert isinstance(event.data, CheckoutSession) and event.data.id == session.id
    assert event.data.status == "completed" and event.data.metadata == {"order": "A-1"}

    half = await plug.refunds.create(
        charge_id=charge, amount=75_000, reason="requested_by_customer"
    )
    rest = await plug.refunds.create(charge_id=charge)  # no amount: what is left
    assert isinstance(half, Refund) and isinstance(rest, Refund)
    assert [(r.amount, r.status) for r in (half, rest)] == [(75_000, "succeeded")] * 2
    with pytest.raises(BadRequestError) as refused:
        await plug.refunds.create(charge_id=charge, amount=1)
    assert refused.value.code == "validation_error"
    listed = [r.id async for r in plug.refunds.list(charge_id=charge)]
    assert sorted(listed) == sorted([half.id, rest.id])
    assert (await plug.refunds.get(half.id)).amount == 75_000

    # The events list shows each step once, in order; the endpoint got the same events.
    money = [
        e
        async for e in plug.events.list(order="asc")
        if e.kind.startswith(("checkout_session.", "refund."))
    ]
    assert [(e.type, _object_id(e.data)) for e in money] == [
        (COMPLETED, session.id),
        (ISSUED, half.id),
        (ISSUED, rest.id),
    ]
    delivered = [webhooks.verify(d.body, d.headers, secret) for d in receiver.accepted]
    assert [e.id for e in delivered] == [e.id for e in money]
    assert len(receiver.received) == 3  # each once: no failed attempt, no repeat


def _object_id(data: Any) -> object:
    return data.get("object", {}).get("id") if isinstance(data, dict) else None
