"""A year of subscription renewals in well under a second, on the built-in emulator.

A plan with a monthly price, a customer with a saved card, a subscription with a 14-day trial;
then the emulator's business clock moves 365 days ahead (``fake.advance``) and every renewal
falls due in order: an invoice, paid at once (``charge_automatically``), a signed
``invoice.paid`` webhook, a ledger posting. Run: ``python billing_year.py``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from plugipay import Invoice, webhooks
from plugipay.testing import FakeClock, FakePlugipay

START = datetime(2028, 1, 31, 9, 0, tzinfo=UTC)  # a leap year, and a month-end start


def main() -> None:
    fake = FakePlugipay(seed="billing-year", clock=FakeClock(START.timestamp(), frozen=True))
    received: list[tuple[bytes, dict[str, str]]] = []
    endpoint = fake.add_webhook(
        lambda body, headers: received.append((body, dict(headers))),
        types=["plugipay.invoice.paid.v1"],
    )
    with fake.client() as plug:
        customer = plug.customers.create(
            email="subscriber@example.com", default_payment_token_id="pt_card_4242"
        )
        plan = plug.plans.create(name="Pro", interval="month", currency="IDR", amount=99_000)
        price = (plan.prices or [])[0]
        subscription = plug.subscriptions.create(
            customer_id=customer.id,
            plan_id=plan.id,
            price_id=price.id,
            trial_days=14,
            collection_method="charge_automatically",
        )
        started = time.perf_counter()
        fake.advance(timedelta(days=365))
        elapsed = time.perf_counter() - started
        invoices = list(plug.invoices.list(subscription_id=subscription.id, order="asc"))

    for invoice in invoices:
        print(
            f"{invoice.number}  {invoice.issued_at:%Y-%m-%d}  IDR {invoice.total:,}  {invoice.status}"
        )
    # The deliveries were signed at business time, a year ahead of the wall clock.
    paid = [
        webhooks.verify(body, headers, endpoint.secret, now=fake.now())
        for body, headers in received
    ]
    assert all(isinstance(event.data, Invoice) for event in paid)
    revenue = -fake.ledger_balances()["revenue"]
    print(
        f"{len(invoices)} invoices, {len(paid)} invoice.paid webhooks verified, revenue IDR {revenue:,}"
    )
    print(f"a year of renewals took {elapsed:.3f}s")


if __name__ == "__main__":
    main()
