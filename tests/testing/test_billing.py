"""Plugipay's own catalogue and a partner's usage in the emulator (SURVEY §1.16, §2
"BillingTier", "BillingPlan", "PartnerUsageSummary"): the static tiers and plans, and the usage
roll-up computed from the merchants' ledgers."""

from __future__ import annotations

from datetime import date
from typing import Any

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of

USAGE = "/api/v1/admin/partner/usage"
SESSIONS = "/api/v1/checkout-sessions"
MERCHANT_A = "acc_01HXMERCHANTA000000000000A"
MERCHANT_B = "acc_01HXMERCHANTB000000000000B"
MAY = "partner=storlaunch&from=2026-05-01&to=2026-05-31"


def test_tiers_are_a_fixed_catalogue(raw: RawClient) -> None:
    tiers = data_of(raw.get("/api/v1/billing/tiers"))
    assert [t["id"] for t in tiers] == ["starter", "growth", "scale", "enterprise"]
    assert tiers[1] == {
        "id": "growth",
        "name": "Growth",
        "priceMonthlyIdr": 299_000,
        "priceMonthlyUsdCents": 1_900,
        "channelFeeRate": 0.005,
        "monthlyTxnCap": 5_000,
        "maxWebhookEndpoints": 10,
        "maxApiKeys": 10,
        "customBranding": True,
        "dailyPayouts": False,
        "support": {"tier": "email", "responseHours": 24, "sla": False},
        "tagline": "For shops that sell every day",
        "agentCredits": 100,
        "features": ["Everything in Starter", "Custom branding", "Receipt and invoice templates"],
    }
    enterprise = tiers[3]
    assert (enterprise["priceMonthlyIdr"], enterprise["priceMonthlyUsdCents"]) == (None, None)
    assert all(0 <= t["channelFeeRate"] <= 1 for t in tiers)
    plans = data_of(raw.get("/api/v1/billing/plans"))
    assert plans == [
        {"id": "starter", "name": "Starter", "price": 0},
        {"id": "growth", "name": "Growth", "price": 299_000},
        {"id": "scale", "name": "Scale", "price": 1_499_000},
        {"id": "enterprise", "name": "Enterprise", "price": -1},
    ]


def test_any_key_reads_the_catalogue(fake: FakePlugipay) -> None:
    key = fake.add_key(role="read_only")
    reader = RawClient(fake, key_id=key.key_id, secret=key.secret)
    first = data_of(reader.get("/api/v1/billing/tiers"))
    assert first == data_of(reader.get("/api/v1/billing/tiers"))
    assert len(data_of(reader.get("/api/v1/billing/plans"))) == 4


def partner_client(fake: FakePlugipay, partner: str = "storlaunch") -> RawClient:
    key = fake.platform_key(partner)
    return RawClient(fake, key_id=key.key_id, secret=key.secret)


def provision(partner: RawClient, account: str, name: str, rate: float, who: str) -> None:
    body = {"accountId": account, "partner": who, "discountRate": rate, "brandName": name}
    response = partner.post("/api/v1/admin/workspaces", json=body, idempotency_key=account)
    assert response.status_code == 201, response.text


def paid_session(
    fake: FakePlugipay, partner: RawClient, account: str, amount: int, currency: str = "IDR"
) -> dict[str, Any]:
    body = {
        "amount": amount,
        "currency": currency,
        "methods": ["qris"],
        "successUrl": "https://shop.example/ok",
        "cancelUrl": "https://shop.example/cancel",
    }
    made = data_of(
        partner.post(
            SESSIONS, json=body, idempotency_key=f"s{amount}{currency}", on_behalf_of=account
        )
    )
    return fake.pay_checkout_session(made["id"])


def test_partner_usage_is_computed_from_the_books(fake: FakePlugipay) -> None:
    storlaunch = partner_client(fake)
    fulkruma = partner_client(fake, "fulkruma")
    provision(storlaunch, MERCHANT_A, "Toko A", 0.2, "storlaunch")
    provision(fulkruma, "acc_01HXMERCHANTF000000000000F", "Other", 0.5, "fulkruma")
    provision(storlaunch, MERCHANT_B, "Toko B", 0.0, "storlaunch")
    first = paid_session(fake, storlaunch, MERCHANT_A, 100_000)  # fee 2,000
    paid_session(fake, storlaunch, MERCHANT_A, 12_345)  # fee 246.9 -> 247
    paid_session(fake, storlaunch, MERCHANT_A, 5_000, "USD")  # not IDR: not counted
    paid_session(fake, fulkruma, "acc_01HXMERCHANTF000000000000F", 70_000)  # another partner's
    refund = storlaunch.post(
        "/api/v1/refunds",
        json={"chargeId": first["paymentId"], "amount": 10_000},
        idempotency_key="r",
        on_behalf_of=MERCHANT_A,
    )
    assert refund.status_code == 201, refund.text  # refunds are not deducted
    fake.set_balance(MERCHANT_B, 1_000_000)  # an adjustment is no payment
    fake.advance(31 * 86_400)  # June: outside the window
    paid_session(fake, storlaunch, MERCHANT_B, 40_000)
    usage = data_of(storlaunch.get(f"{USAGE}?{MAY}"))
    assert usage == {
        "partner": "storlaunch",
        "from": "2026-05-01T00:00:00.000Z",
        "to": "2026-05-31T23:59:59.999Z",
        "currency": "IDR",
        "lines": [
            {
                "accountId": MERCHANT_A,
                "brandName": "Toko A",
                "transactionCount": 2,
                "grossVolume": 112_345,
                "discountRate": 0.2,
                "fee": 1_798,  # (2,000 + 247) x 0.8 = 1,797.6, rounded half up
            },
            {
                "accountId": MERCHANT_B,
                "brandName": "Toko B",
                "transactionCount": 0,
                "grossVolume": 0,
                "discountRate": 0.0,
                "fee": 0,
            },
        ],
        "total": 1_798,
    }
    june = data_of(storlaunch.get(f"{USAGE}?partner=storlaunch&from=2026-06-01&to=2026-06-30"))
    assert [(line["transactionCount"], line["fee"]) for line in june["lines"]] == [(0, 0), (1, 800)]
    assert june["total"] == 800
    fake.check_books()


def test_partner_usage_refusals(raw: RawClient, fake: FakePlugipay) -> None:
    storlaunch = partner_client(fake)
    for query, field in [
        ("from=2026-05-01&to=2026-05-31", "partner"),
        ("partner=storlaunch&to=2026-05-31", "from"),
        ("partner=storlaunch&from=2026-05-01", "to"),
        ("partner=storlaunch&from=2026-06-01&to=2026-05-31", "from"),
        ("partner=storlaunch&from=May&to=2026-05-31", "from"),
    ]:
        response = storlaunch.get(f"{USAGE}?{query}")
        assert error_of(response) == (400, "VALIDATION_ERROR"), query
        assert response.json()["error"]["details"][0]["field"] == field, query
    other = storlaunch.get(f"{USAGE}?partner=fulkruma&from=2026-05-01&to=2026-05-31")
    assert error_of(other) == (403, "INSUFFICIENT_SCOPE")
    assert error_of(raw.get(f"{USAGE}?{MAY}")) == (403, "INSUFFICIENT_SCOPE")
    empty = data_of(storlaunch.get(f"{USAGE}?{MAY}"))
    assert (empty["lines"], empty["total"]) == ([], 0)


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """``plug.billing`` and ``plug.admin.partner_usage`` (issue 16), for the strict-converter
    walk in ``test_sdk.py``."""
    tiers = plug.billing.tiers()
    assert [t.id for t in tiers] == ["starter", "growth", "scale", "enterprise"]
    assert tiers[2].support is not None and tiers[2].support.sla is True
    assert [p.price for p in plug.billing.plans()] == [0, 299_000, 1_499_000, -1]
    partner.admin.provision_workspace(
        account_id=MERCHANT_A, partner="storlaunch", discount_rate=0.2, brand_name="Toko A"
    )
    with fake.client(platform="storlaunch") as platform:
        session = platform.for_merchant(MERCHANT_A).checkout_sessions.create(
            amount=100_000,
            currency="IDR",
            methods=["qris"],
            success_url="https://shop.example/ok",
            cancel_url="https://shop.example/cancel",
        )
    fake.pay_checkout_session(session.id)
    usage = partner.admin.partner_usage(
        partner="storlaunch", from_=date(2026, 5, 1), to=date(2026, 5, 31)
    )
    assert (usage.from_, usage.to, usage.total) == (
        "2026-05-01T00:00:00.000Z",
        "2026-05-31T23:59:59.999Z",
        1_600,
    )
    assert usage.lines is not None
    assert [(line.account_id, line.transaction_count, line.fee) for line in usage.lines] == [
        (MERCHANT_A, 1, 1_600)
    ]
