"""Subscriptions on the emulator's clocks (SPEC-MONEY §4, §7): trials, renewals, month ends,
collection, cancel, pause, resume, price changes, test clocks, forbidden transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugipay import webhooks
from plugipay.testing import FakeClock, FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of
from .test_plans import make_plan, types_of

SUBS = "/api/v1/subscriptions"
CLOCK = "/api/v1/test/clocks/advance"
SUB_KEYS = [
    "id",
    "arn",
    "accountId",
    "customerId",
    "planId",
    "priceId",
    "status",
    "currentPeriodStart",
    "currentPeriodEnd",
    "trialEnd",
    "cancelAt",
    "canceledAt",
    "canceledReason",
    "pausedAt",
    "defaultPaymentTokenId",
    "discountCouponId",
    "collectionMethod",
    "metadata",
    "createdAt",
    "updatedAt",
]
DAY = timedelta(days=1)


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def subscribe(
    raw: RawClient, plan: dict[str, Any], *, token: bool = True, price: int = 0, **fields: Any
) -> dict[str, Any]:
    customer = raw.create_customer(
        name="Ada", email="ada@example.com", defaultPaymentTokenId="pt_card" if token else None
    )
    body = {
        "customerId": customer["id"],
        "planId": plan["id"],
        "priceId": plan["prices"][price]["id"],
        **fields,
    }
    return data_of(raw.post(SUBS, json=body))  # type: ignore[no-any-return]


def invoices_of(fake: FakePlugipay, sub: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in fake.invoices if i["subscriptionId"] == sub["id"]]  # type: ignore[misc]


def sub_now(raw: RawClient, sub: dict[str, Any]) -> dict[str, Any]:
    return data_of(raw.get(f"{SUBS}/{sub['id']}"))  # type: ignore[no-any-return]


def test_a_year_after_a_14_day_trial_is_12_paid_invoices(fake: FakePlugipay) -> None:
    raw = RawClient(fake)
    got: list[tuple[bytes, dict[str, str]]] = []
    hook = fake.add_webhook(
        lambda body, headers: got.append((body, dict(headers))),
        secret="whsec_bill",
        types=["plugipay.invoice.paid.v1"],
    )
    plan = make_plan(raw)
    sub = subscribe(raw, plan, trialDays=14)
    assert list(sub) == SUB_KEYS
    assert (sub["status"], sub["trialEnd"]) == ("trialing", "2026-05-26T10:42:00.000Z")
    assert invoices_of(fake, sub) == []
    fake.advance(timedelta(days=365))
    invoices = invoices_of(fake, sub)
    assert len(invoices) == 12
    assert {(i["status"], i["total"], i["amountDue"]) for i in invoices} == {("paid", 150_000, 0)}
    assert [i["number"] for i in invoices] == [f"INV-{n:06d}" for n in range(1, 13)]
    assert [str(i["issuedAt"])[:10] for i in invoices[:3]] == [
        "2026-05-26",
        "2026-06-26",
        "2026-07-26",
    ]
    assert types_of(fake).count("plugipay.subscription.renewed.v1") == 11
    assert len(hook.delivered) == 12 and len(got) == 12
    for body, headers in got:
        stamp = int(headers["x-plugipay-signature"].split(",")[0][2:])
        assert webhooks.verify(body, headers, "whsec_bill", now=stamp).type == (
            "plugipay.invoice.paid.v1"
        )
    balances = fake.ledger_balances()
    assert sum(balances.values()) == 0
    assert -balances["revenue"] == sum(i["total"] for i in invoices) == 1_800_000
    assert balances["platform_fees"] == 12 * 3_000
    assert sub_now(raw, sub)["status"] == "active"


@pytest.mark.parametrize(
    ("start", "interval", "count", "ends"),
    [
        (
            "2028-01-31T09:00:00",
            "month",
            1,
            ["2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31", "2028-06-30"],
        ),
        ("2027-01-31T09:00:00", "month", 1, ["2027-02-28", "2027-03-31", "2027-04-30"]),
        ("2027-11-30T09:00:00", "month", 3, ["2028-02-29", "2028-05-30", "2028-08-30"]),
        (
            "2028-02-29T09:00:00",
            "year",
            1,
            ["2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"],
        ),
        ("2028-02-27T09:00:00", "week", 1, ["2028-03-05", "2028-03-12"]),
        ("2028-02-28T09:00:00", "day", 2, ["2028-03-01", "2028-03-03"]),
    ],
)
def test_period_ends_clamp_to_month_ends_across_a_leap_year(
    start: str, interval: str, count: int, ends: list[str]
) -> None:
    fake = FakePlugipay(seed=3, clock=FakeClock(at(start), frozen=True))
    raw = RawClient(fake)
    plan = make_plan(raw, interval=interval, intervalCount=count)
    sub = subscribe(raw, plan)
    seen = [sub["currentPeriodEnd"][:10]]
    for _ in ends[1:]:
        fake.advance(at(seen[-1] + "T09:00:00") - fake.now())
        seen.append(sub_now(raw, sub)["currentPeriodEnd"][:10])
    assert seen == ends
    assert {s["currentPeriodEnd"][10:] for s in [sub_now(raw, sub)]} == {"T09:00:00.000Z"}
    assert len(invoices_of(fake, sub)) == len(ends)


def test_no_trial_bills_the_first_period_at_once(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw)
    sub = subscribe(raw, plan)
    assert sub["status"] == "active"
    [invoice] = invoices_of(fake, sub)
    assert (invoice["status"], invoice["chargeId"] is not None) == ("paid", True)
    assert invoice["lines"][0]["priceId"] == plan["prices"][0]["id"]
    assert [t for t in types_of(fake) if "plan" not in t and "customer" not in t] == [
        "plugipay.subscription.created.v1",
        "plugipay.invoice.created.v1",
        "plugipay.invoice.finalized.v1",
        "plugipay.invoice.paid.v1",
    ]


def test_trial_end_activates_and_bills(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw, trialDays=7)
    sub = subscribe(raw, plan)  # the plan's trial applies
    assert sub["status"] == "trialing"
    fake.advance(7 * DAY - timedelta(seconds=1))
    assert invoices_of(fake, sub) == []
    fake.advance(1)
    now = sub_now(raw, sub)
    assert (now["status"], now["currentPeriodStart"], now["currentPeriodEnd"]) == (
        "active",
        "2026-05-19T10:42:00.000Z",
        "2026-06-19T10:42:00.000Z",
    )
    updated = [e for e in fake.events if e["type"] == "plugipay.subscription.updated.v1"][-1]
    assert updated["data"]["previousAttributes"]["status"] == "trialing"  # type: ignore[index]
    assert len(invoices_of(fake, sub)) == 1


def test_charge_automatically_without_a_token_goes_past_due(
    raw: RawClient, fake: FakePlugipay
) -> None:
    plan = make_plan(raw)
    sub = subscribe(raw, plan, token=False)
    assert sub["status"] == "past_due"
    [invoice] = invoices_of(fake, sub)
    assert (invoice["status"], invoice["collectionAttempts"], invoice["amountDue"]) == (
        "open",
        1,
        150_000,
    )
    failed = [e for e in fake.events if e["type"] == "plugipay.invoice.failed.v1"]
    assert failed[0]["data"]["reason"] == "no_payment_method"  # type: ignore[index]
    data_of(raw.post(f"/api/v1/invoices/{invoice['id']}/pay"))
    assert sub_now(raw, sub)["status"] == "active"
    # a token on the subscription itself is used from then on
    data_of(raw.patch(f"{SUBS}/{sub['id']}", json={"defaultPaymentTokenId": "pt_sub"}))
    fake.advance(31 * DAY)
    assert [i["status"] for i in invoices_of(fake, sub)] == ["paid", "paid"]


def test_send_invoice_leaves_it_open_and_sent(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw)
    sub = subscribe(raw, plan, collectionMethod="send_invoice")
    [invoice] = invoices_of(fake, sub)
    assert (invoice["status"], sub["status"]) == ("open", "active")
    sent = [e for e in fake.events if e["type"] == "plugipay.invoice.sent.v1"]
    assert sent[0]["data"]["to"] == "ada@example.com"  # type: ignore[index]
    assert invoice["dueAt"] == "2026-06-11T10:42:00.000Z"
    assert fake.ledger_balances()["revenue"] == 0


def test_cancel_at_period_end_bills_nothing_more(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw)
    sub = subscribe(raw, plan)
    fake.advance(10 * DAY)
    body = {"at": "period_end", "reason": "user_request"}
    scheduled = data_of(raw.post(f"{SUBS}/{sub['id']}/cancel", json=body))
    assert (scheduled["status"], scheduled["cancelAt"]) == ("active", sub["currentPeriodEnd"])
    assert error_of(raw.post(f"{SUBS}/{sub['id']}/cancel", json=body)) == (
        409,
        "INVALID_TRANSITION",
    )
    fake.advance(60 * DAY)
    done = sub_now(raw, sub)
    assert (done["status"], done["canceledAt"], done["canceledReason"]) == (
        "canceled",
        sub["currentPeriodEnd"],
        "user_request",
    )
    assert [i["total"] for i in invoices_of(fake, sub)] == [150_000]
    assert types_of(fake).count("plugipay.subscription.canceled.v1") == 1
    assert "plugipay.subscription.renewed.v1" not in types_of(fake)


def test_cancel_now(raw: RawClient, fake: FakePlugipay) -> None:
    sub = subscribe(raw, make_plan(raw))
    done = data_of(raw.post(f"{SUBS}/{sub['id']}/cancel", json={"at": "now"}))
    assert (done["status"], done["canceledAt"]) == ("canceled", sub["createdAt"])
    fake.advance(100 * DAY)
    assert len(invoices_of(fake, sub)) == 1


def test_pause_skips_renewals_and_resume_bills_again(raw: RawClient, fake: FakePlugipay) -> None:
    sub = subscribe(raw, make_plan(raw))
    fake.advance(5 * DAY)
    paused = data_of(raw.post(f"{SUBS}/{sub['id']}/pause"))
    assert (paused["status"], paused["pausedAt"]) == ("paused", "2026-05-17T10:42:00.000Z")
    fake.advance(60 * DAY)  # two boundaries pass: no invoice, no event
    assert len(invoices_of(fake, sub)) == 1
    assert sub_now(raw, sub)["currentPeriodEnd"] == "2026-08-12T10:42:00.000Z"
    resumed = data_of(raw.post(f"{SUBS}/{sub['id']}/resume"))
    assert (resumed["status"], resumed["pausedAt"]) == ("active", None)
    fake.advance(30 * DAY)  # 2026-08-12 renews
    assert [str(i["issuedAt"])[:10] for i in invoices_of(fake, sub)] == ["2026-05-12", "2026-08-12"]
    kinds = [t for t in types_of(fake) if t.startswith("plugipay.subscription.")]
    assert kinds == [
        "plugipay.subscription.created.v1",
        "plugipay.subscription.paused.v1",
        "plugipay.subscription.resumed.v1",
        "plugipay.subscription.renewed.v1",
    ]


def test_pause_with_resume_at(raw: RawClient, fake: FakePlugipay) -> None:
    sub = subscribe(raw, make_plan(raw))
    body = {"resumeAt": "2026-07-01T00:00:00Z"}
    data_of(raw.post(f"{SUBS}/{sub['id']}/pause", json=body))
    fake.advance(55 * DAY)
    now = sub_now(raw, sub)
    assert (now["status"], now["currentPeriodEnd"]) == ("active", "2026-07-12T10:42:00.000Z")
    assert len(invoices_of(fake, sub)) == 1
    fake.advance(7 * DAY)
    assert len(invoices_of(fake, sub)) == 2


def test_price_change_applies_from_the_next_period(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw)
    bigger = data_of(
        raw.post(
            f"/api/v1/plans/{plan['id']}/prices", json={"currency": "IDR", "unitAmount": 250_000}
        )
    )
    sub = subscribe(raw, plan)
    fake.advance(10 * DAY)
    changed = data_of(raw.patch(f"{SUBS}/{sub['id']}", json={"priceId": bigger["id"]}))
    assert changed["priceId"] == bigger["id"]
    updated = [e for e in fake.events if e["type"] == "plugipay.subscription.updated.v1"][-1]
    assert updated["data"]["previousAttributes"] == {  # type: ignore[index]
        "priceId": plan["prices"][0]["id"]
    }
    fake.advance(51 * DAY)
    assert [i["total"] for i in invoices_of(fake, sub)] == [150_000, 250_000, 250_000]
    assert -fake.ledger_balances()["revenue"] == 650_000
    other = make_plan(raw, name="Other")
    response = raw.patch(f"{SUBS}/{sub['id']}", json={"priceId": other["prices"][0]["id"]})
    assert error_of(response) == (400, "VALIDATION_ERROR")


def test_initial_discount_is_one_off(raw: RawClient, fake: FakePlugipay) -> None:
    sub = subscribe(raw, make_plan(raw), initialDiscount=50_000, couponId="SPRING")
    assert sub["discountCouponId"] == "SPRING"
    fake.advance(31 * DAY)
    assert [(i["discount"], i["total"]) for i in invoices_of(fake, sub)] == [
        (50_000, 100_000),
        (0, 150_000),
    ]


def test_usage_is_billed_from_reported_units(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(
        raw,
        prices=[
            {
                "currency": "IDR",
                "model": "usage",
                "tiers": [
                    {"upTo": 100, "unitAmount": 10, "flatAmount": 0},
                    {"upTo": "inf", "unitAmount": 5, "flatAmount": 0},
                ],
            }
        ],
        meteredUnit="calls",
    )
    sub = subscribe(raw, plan)
    fake.report_usage(sub["id"], 90)
    fake.report_usage(sub["id"], 30)
    fake.advance(31 * DAY)
    invoices = invoices_of(fake, sub)
    assert [i["total"] for i in invoices] == [0, 100 * 10 + 20 * 5]
    assert invoices[1]["lines"][0]["description"].endswith(", 120 calls)")
    with pytest.raises(KeyError):
        fake.report_usage("sub_01HXAB7K3M9N2P5QRS8TVWXY3Z", 1)


def test_forbidden_transitions_are_409_and_change_nothing(
    raw: RawClient, fake: FakePlugipay
) -> None:
    sub = subscribe(raw, make_plan(raw))
    assert error_of(raw.post(f"{SUBS}/{sub['id']}/resume")) == (409, "INVALID_TRANSITION")
    data_of(raw.post(f"{SUBS}/{sub['id']}/pause"))
    assert error_of(raw.post(f"{SUBS}/{sub['id']}/pause")) == (409, "INVALID_TRANSITION")
    data_of(raw.post(f"{SUBS}/{sub['id']}/cancel", json={"at": "now", "reason": "merchant"}))
    before, events = sub_now(raw, sub), len(fake.events)
    for path, body in [
        ("resume", {}),
        ("pause", {}),
        ("cancel", {"at": "now"}),
        ("cancel", {"at": "period_end"}),
    ]:
        assert error_of(raw.post(f"{SUBS}/{sub['id']}/{path}", json=body)) == (
            409,
            "INVALID_TRANSITION",
        )
    assert error_of(raw.patch(f"{SUBS}/{sub['id']}", json={"metadata": {"a": "b"}})) == (
        409,
        "INVALID_TRANSITION",
    )
    advance = raw.post(CLOCK, json={"subscriptionId": sub["id"], "days": 30})
    assert error_of(advance) == (409, "INVALID_TRANSITION")
    assert sub_now(raw, sub) == before and len(fake.events) == events


def test_test_clock_moves_one_subscription(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw)
    sub, other = subscribe(raw, plan), subscribe(raw, plan)
    moved = data_of(raw.post(CLOCK, json={"subscriptionId": sub["id"], "days": 62}))
    assert moved["currentPeriodStart"] == "2026-07-12T10:42:00.000Z"
    assert len(invoices_of(fake, sub)) == 3 and len(invoices_of(fake, other)) == 1
    renewed = [e for e in fake.events if e["type"] == "plugipay.subscription.renewed.v1"]
    assert [e["data"]["daysAdvanced"] for e in renewed] == [62, 62]  # type: ignore[index]
    # its own clock stays ahead: business time reaching the next boundary of its clock renews it
    fake.advance(DAY)
    assert len(invoices_of(fake, sub)) == 3
    assert error_of(raw.post(CLOCK, json={"subscriptionId": sub["id"], "days": 0})) == (
        400,
        "VALIDATION_ERROR",
    )
    missing = raw.post(CLOCK, json={"subscriptionId": "sub_01HXAB7K3M9N2P5QRS8TVWXY3Z", "days": 1})
    assert error_of(missing) == (404, "NOT_FOUND")


def test_test_clock_is_test_mode_only(fake: FakePlugipay) -> None:
    from .test_events_api import live_raw

    live = live_raw(fake)
    sub = subscribe(live, make_plan(live))
    response = live.post(CLOCK, json={"subscriptionId": sub["id"], "days": 31})
    assert error_of(response) == (403, "TEST_MODE_ONLY")
    assert len(invoices_of(fake, sub)) == 1
    # a live subscription's events are live ones
    assert {e["mode"] for e in data_of(live.get("/api/v1/events"))} == {"live"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"planId": "plan_01HXAB7K3M9N2P5QRS8TVWXY3Z"}, "planId"),
        ({"priceId": "price_01HXAB7K3M9N2P5QRS8TVWXY3Z"}, "priceId"),
        ({"collectionMethod": "cash"}, "collectionMethod"),
        ({"trialDays": -1}, "trialDays"),
        ({"startAt": "2020-01-01T00:00:00Z"}, "startAt"),
        ({"initialDiscount": 1.5}, "initialDiscount"),
        ({"status": "active"}, "status"),
    ],
)
def test_create_refuses_bad_fields(
    raw: RawClient, fake: FakePlugipay, fields: dict[str, Any], field: str
) -> None:
    plan = make_plan(raw)
    customer = raw.create_customer(name="C")
    body = {"customerId": customer["id"], "planId": plan["id"], "priceId": plan["prices"][0]["id"]}
    response = raw.post(SUBS, json={**body, **fields})
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert fake.subscriptions == []


def test_future_start_is_incomplete_until_then(raw: RawClient, fake: FakePlugipay) -> None:
    sub = subscribe(raw, make_plan(raw), startAt="2026-06-01T00:00:00Z", trialDays=3)
    assert (sub["status"], sub["currentPeriodEnd"]) == ("incomplete", "2026-06-01T00:00:00.000Z")
    fake.advance(20 * DAY)
    assert sub_now(raw, sub)["status"] == "trialing"
    fake.advance(3 * DAY)
    assert sub_now(raw, sub)["status"] == "active"
    assert len(invoices_of(fake, sub)) == 1


def test_list_filters(raw: RawClient, fake: FakePlugipay) -> None:
    plan, other = make_plan(raw), make_plan(raw, name="Other")
    first = subscribe(raw, plan)
    second = subscribe(raw, other, trialDays=3)
    assert [s["id"] for s in data_of(raw.get(SUBS))] == [second["id"], first["id"]]
    assert [s["id"] for s in data_of(raw.get(f"{SUBS}?planId={plan['id']}"))] == [first["id"]]
    assert [s["id"] for s in data_of(raw.get(f"{SUBS}?status=trialing"))] == [second["id"]]
    query = f"{SUBS}?customerId={first['customerId']}"
    assert [s["id"] for s in data_of(raw.get(query))] == [first["id"]]
    assert error_of(raw.get(f"{SUBS}?status=gone")) == (400, "VALIDATION_ERROR")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.subscriptions`` and ``plug.test_clocks`` method (issue 12's signatures)."""
    plan = plug.plans.create(name="Walk", interval="month", currency="IDR", amount=100_000)
    other = plug.plans.add_price(plan.id, currency="IDR", unit_amount=120_000)
    customer = plug.customers.create(name="Walker", default_payment_token_id="pt_walk")
    sub = plug.subscriptions.create(
        customer_id=customer.id,
        plan_id=plan.id,
        price_id=plan.prices[0].id,
        trial_days=14,
        collection_method="charge_automatically",
        metadata={"k": "v"},
    )
    assert sub.status == "trialing"
    assert plug.subscriptions.get(sub.id).id == sub.id
    assert [s.id for s in plug.subscriptions.list(customer_id=customer.id, status="trialing")] == [
        sub.id
    ]
    assert plug.subscriptions.update(sub.id, price_id=other.id).price_id == other.id
    renewed = plug.test_clocks.advance(subscription_id=sub.id, days=15)
    assert renewed.status == "active"
    assert plug.subscriptions.pause(sub.id).status == "paused"
    assert plug.subscriptions.resume(sub.id).status == "active"
    ended = plug.subscriptions.cancel(sub.id, at="now", reason="merchant")
    assert ended.status == "canceled"
