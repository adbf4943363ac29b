"""Bill on a schedule (issue 12): a plan with a monthly price, a subscription with a 14-day trial,
and the emulator's clock moved a year ahead → exactly 12 paid invoices, 12 signed
``invoice.paid`` deliveries, and books whose revenue is the sum of the invoices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugipay import ConflictError, Invoice, webhooks
from plugipay.testing import FakeClock, FakePlugipay

pytestmark = pytest.mark.anyio

START = datetime(2027, 1, 1, 9, 0, tzinfo=UTC).timestamp()
PAID = "plugipay.invoice.paid.v1"


async def test_a_year_of_renewals() -> None:
    fake = FakePlugipay(seed="a-year-of-renewals", clock=FakeClock(START, frozen=True))
    deliveries: list[tuple[bytes, dict[str, str]]] = []
    endpoint = fake.add_webhook(
        lambda body, headers: deliveries.append((body, dict(headers))), types=[PAID]
    )
    async with fake.async_client() as plug:
        customer = await plug.customers.create(
            email="subscriber@example.com", default_payment_token_id="pt_card_1"
        )
        plan = await plug.plans.create(name="Pro", interval="month", currency="IDR", amount=99_000)
        price = (plan.prices or [])[0]
        subscription = await plug.subscriptions.create(
            customer_id=customer.id,
            plan_id=plan.id,
            price_id=price.id,
            trial_days=14,
            collection_method="charge_automatically",
        )
        assert subscription.status == "trialing"
        fake.advance(timedelta(days=365))
        invoices = [i async for i in plug.invoices.list(subscription_id=subscription.id, limit=100)]
        renewed = await plug.subscriptions.get(subscription.id)
    assert renewed.status == "active"
    assert len(invoices) == 12 and {i.status for i in invoices} == {"paid"}
    assert {i.total for i in invoices} == {99_000}
    events = [
        webhooks.verify(body, headers, endpoint.secret, now=fake.now())
        for body, headers in deliveries
    ]
    assert len(events) == 12 and {e.kind for e in events} == {"invoice.paid"}
    assert sorted(e.data.id for e in events if isinstance(e.data, Invoice)) == sorted(
        i.id for i in invoices
    )
    balances = fake.ledger_balances()
    assert sum(balances.values()) == 0
    assert -balances["revenue"] == sum(i.total or 0 for i in invoices) == 12 * 99_000


async def test_price_change_then_cancel_at_period_end_through_the_sdk() -> None:
    fake = FakePlugipay(seed="plan-change", clock=FakeClock(START, frozen=True))
    async with fake.async_client() as plug:
        customer = await plug.customers.create(default_payment_token_id="pt_card_2")
        plan = await plug.plans.create(name="Team", interval="month", currency="IDR", amount=50_000)
        bigger = await plug.plans.add_price(plan.id, currency="IDR", unit_amount=80_000)
        subscription = await plug.subscriptions.create(
            customer_id=customer.id,
            plan_id=plan.id,
            price_id=(plan.prices or [])[0].id,
            collection_method="charge_automatically",
        )
        with pytest.raises(ConflictError) as refused:  # only a paused subscription resumes
            await plug.subscriptions.resume(subscription.id)
        assert refused.value.code == "invalid_transition"
        fake.advance(timedelta(days=10))
        changed = await plug.subscriptions.update(subscription.id, price_id=bigger.id)
        assert changed.price_id == bigger.id
        ending = await plug.subscriptions.cancel(subscription.id, at="period_end")
        assert (ending.status, ending.cancel_at) == ("active", subscription.current_period_end)
        fake.advance(timedelta(days=100))
        ended = await plug.subscriptions.get(subscription.id)
        totals = [i.total async for i in plug.invoices.list(subscription_id=subscription.id)]
    # Billed at the start of each period: the first at the old price; the period after the
    # change never starts, because the cancellation lands on its boundary.
    assert totals == [50_000]
    assert ended.status == "canceled" and ended.canceled_at == subscription.current_period_end
    kinds = [e["type"] for e in fake.events if str(e["type"]).startswith("plugipay.subscription.")]
    assert kinds == [
        "plugipay.subscription.created.v1",
        "plugipay.subscription.updated.v1",
        "plugipay.subscription.updated.v1",
        "plugipay.subscription.canceled.v1",
    ]
    assert -fake.ledger_balances()["revenue"] == 50_000
