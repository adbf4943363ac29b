"""Recurring billing's resources: the exact request every method sends (method, raw path,
query, canonical body bytes, idempotency key) and the model it decodes (respx), and the
arguments refused before any request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from plugipay import (
    AsyncPlugipayClient,
    ConflictError,
    Invoice,
    InvoiceEmail,
    InvoiceLine,
    Plan,
    PortalFeatures,
    PortalSession,
    Price,
    PriceTier,
    Receipt,
    Subscription,
)
from tests._async.helpers import envelope, error, verify_signature
from tests.chunked import ChunkedStream

pytestmark = pytest.mark.anyio

T = "2026-05-12T10:42:00.123Z"
WHEN = datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
PRICE: dict[str, Any] = {
    "id": "price_1",
    "planId": "plan_1",
    "currency": "IDR",
    "model": "flat",
    "unitAmount": 99000,
    "tiers": None,
    "taxMode": "exclusive",
    "active": True,
    "createdAt": T,
}
TIERED: dict[str, Any] = {
    **PRICE,
    "id": "price_2",
    "model": "tiered",
    "unitAmount": None,
    "tiers": [
        {"upTo": 10, "unitAmount": 1000, "flatAmount": 0},
        {"upTo": "inf", "unitAmount": 800, "flatAmount": 5000},
    ],
}
FEATURES: dict[str, Any] = {
    "selfServeCancel": True,
    "selfServePause": False,
    "selfServeUpgrade": False,
    "selfServeDowngrade": False,
    "updatePaymentMethod": True,
}
PLAN: dict[str, Any] = {
    "id": "plan_1",
    "arn": "arn:plugipay:acc_1:plan/plan_1",
    "accountId": "acc_1",
    "name": "Pro",
    "description": None,
    "interval": "month",
    "intervalCount": 1,
    "trialDays": 14,
    "prices": [PRICE, TIERED],
    "usageAggregate": None,
    "meteredUnit": None,
    "portalFeatures": FEATURES,
    "dunningPolicyId": None,
    "active": True,
    "archivedAt": None,
    "metadata": {"tier": "pro"},
    "createdAt": T,
    "updatedAt": T,
}
SUB: dict[str, Any] = {
    "id": "sub_1",
    "arn": "arn:plugipay:acc_1:subscription/sub_1",
    "accountId": "acc_1",
    "customerId": "cus_1",
    "planId": "plan_1",
    "priceId": "price_1",
    "status": "trialing",
    "currentPeriodStart": T,
    "currentPeriodEnd": T,
    "trialEnd": T,
    "cancelAt": None,
    "canceledAt": None,
    "canceledReason": None,
    "pausedAt": None,
    "defaultPaymentTokenId": None,
    "discountCouponId": None,
    "collectionMethod": "charge_automatically",
    "metadata": None,
    "createdAt": T,
    "updatedAt": T,
}
LINE: dict[str, Any] = {
    "id": "il_1",
    "description": "Pro, May",
    "quantity": 2,
    "unitAmount": 99000,
    "amount": 198000,
    "priceId": "price_1",
    "metadata": None,
}
INVOICE: dict[str, Any] = {
    "id": "inv_1",
    "arn": "arn:plugipay:acc_1:invoice/inv_1",
    "accountId": "acc_1",
    "customerId": "cus_1",
    "subscriptionId": "sub_1",
    "status": "open",
    "number": "INV-000001",
    "currency": "IDR",
    "subtotal": 198000,
    "discount": 8000,
    "tax": 10000,
    "total": 200000,
    "amountPaid": 0,
    "amountDue": 200000,
    "dueAt": T,
    "issuedAt": T,
    "paidAt": None,
    "voidedAt": None,
    "hostedInvoiceUrl": "https://plugipay.com/i/inv_1",
    "chargeId": None,
    "collectionAttempts": 0,
    "lines": [LINE],
    "metadata": None,
    "createdAt": T,
    "updatedAt": T,
}
PORTAL: dict[str, Any] = {
    "id": "ps_1",
    "arn": "arn:plugipay:acc_1:portal_session/ps_1",
    "accountId": "acc_1",
    "customerId": "cus_1",
    "url": "https://plugipay.com/portal/ps_1?token=secret-token",
    "returnUrl": "https://shop.example/account",
    "expiresAt": T,
    "createdAt": T,
}
RECEIPT: dict[str, Any] = {
    "id": "rcpt_1",
    "number": "RCPT-000001",
    "sourceType": "invoice",
    "sourceId": "inv_1",
    "amount": 200000,
    "currency": "IDR",
    "issuedAt": T,
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HOSTILE = "x/../y z"
HOSTILE_SEGMENT = "x%2F..%2Fy%20z"


def only_request(server: respx.MockRouter) -> httpx.Request:
    assert server.calls.call_count == 1
    request: httpx.Request = server.calls.last.request
    assert verify_signature(request)
    return request


def requests(server: respx.MockRouter) -> list[httpx.Request]:
    found = [call.request for call in server.calls]
    assert all(verify_signature(request) for request in found)
    return found


def assert_write(
    request: httpx.Request, raw_path: str, body: bytes, method: str = "POST", key: str = ""
) -> None:
    """The write's method, raw path, body bytes and idempotency key (``key``, else one the SDK
    made)."""
    assert request.method == method
    assert request.url.raw_path == raw_path.encode()
    assert request.content == body
    sent = request.headers["idempotency-key"]
    assert sent == key if key else sent.startswith("idem_")
    if body:
        assert request.headers["content-type"] == "application/json"
    else:
        assert "content-type" not in request.headers


def assert_read(request: httpx.Request, raw_path: str) -> None:
    assert request.method == "GET"
    assert request.url.raw_path == raw_path.encode()
    assert request.content == b""
    assert "idempotency-key" not in request.headers


async def assert_key_reused_across_a_retry(
    server: respx.MockRouter, route: respx.Route, call: Any, answer: httpx.Response
) -> None:
    """The write is sent twice (a 503, then ``answer``) with one automatic idempotency key."""
    server.reset()
    route.mock(side_effect=[error(503, "SERVICE_UNAVAILABLE"), answer])
    await call()
    keys = [r.headers["idempotency-key"] for r in requests(server)]
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("idem_")


# -- plans ---------------------------------------------------------------------------------------


async def test_plan_create_with_prices_sends_every_field(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.post("/api/v1/plans").mock(return_value=envelope(PLAN, 201))
    plan = await plug.plans.create(
        name="Pro",
        interval="month",
        prices=[
            {"currency": "IDR", "unit_amount": 99000, "tax_mode": "exclusive"},
            {
                "currency": "IDR",
                "model": "tiered",
                "tiers": [
                    PriceTier(up_to=10, unit_amount=1000, flat_amount=0),
                    {"upTo": "inf", "unitAmount": 800, "flat_amount": 5000},
                ],
            },
            Price(id="price_x", currency="USD", model="usage", unit_amount=5, active=False),
        ],
        interval_count=1,
        trial_days=14,
        description="For teams",
        portal_features={"self_serve_cancel": True, "selfServePause": False},
        metadata={"tier": "pro"},
        usage_aggregate="sum",
        metered_unit="seat",
    )
    assert_write(
        only_request(server),
        "/api/v1/plans",
        b'{"name":"Pro","interval":"month","prices":['
        b'{"currency":"IDR","model":"flat","unitAmount":99000,"taxMode":"exclusive"},'
        b'{"currency":"IDR","model":"tiered","tiers":[{"upTo":10,"unitAmount":1000,"flatAmount":0},'
        b'{"upTo":"inf","unitAmount":800,"flatAmount":5000}]},'
        b'{"currency":"USD","model":"usage","unitAmount":5,"active":false}],'
        b'"intervalCount":1,"trialDays":14,"description":"For teams",'
        b'"portalFeatures":{"selfServeCancel":true,"selfServePause":false},'
        b'"metadata":{"tier":"pro"},"usageAggregate":"sum","meteredUnit":"seat"}',
    )
    assert isinstance(plan, Plan)
    assert (plan.id, plan.name, plan.interval, plan.interval_count, plan.trial_days) == (
        "plan_1",
        "Pro",
        "month",
        1,
        14,
    )
    assert plan.prices is not None and [type(p) for p in plan.prices] == [Price, Price]
    flat, tiered = plan.prices
    assert (flat.model, flat.unit_amount, flat.tax_mode, flat.created_at) == (
        "flat",
        99000,
        "exclusive",
        WHEN,
    )
    assert tiered.tiers == [
        PriceTier(up_to=10, unit_amount=1000, flat_amount=0),
        PriceTier(up_to="inf", unit_amount=800, flat_amount=5000),
    ]
    assert plan.portal_features == PortalFeatures(
        self_serve_cancel=True,
        self_serve_pause=False,
        self_serve_upgrade=False,
        self_serve_downgrade=False,
        update_payment_method=True,
    )
    assert plan.metadata == {"tier": "pro"} and plan.archived_at is None
    assert repr(plan) == "Plan(id='plan_1', name='Pro', interval='month', active=True)"
    await assert_key_reused_across_a_retry(
        server,
        route,
        lambda: plug.plans.create(name="Pro", interval="month", currency="IDR", amount=1),
        envelope(PLAN, 201),
    )


async def test_plan_create_shorthand_makes_one_flat_price(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/plans").mock(return_value=envelope(PLAN, 201))
    await plug.plans.create(
        name="Basic",
        interval="year",
        currency="USD",
        amount=0,
        portal_features=PortalFeatures(self_serve_pause=True),
        idempotency_key="plan-basic",
    )
    assert_write(
        only_request(server),
        "/api/v1/plans",
        b'{"name":"Basic","interval":"year",'
        b'"prices":[{"currency":"USD","model":"flat","unitAmount":0}],'
        b'"portalFeatures":{"selfServePause":true}}',
        key="plan-basic",
    )


async def test_plan_get_list_encode(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get(f"/api/v1/plans/{HOSTILE_SEGMENT}").mock(return_value=envelope(PLAN))
    server.get("/api/v1/plans").mock(return_value=envelope([PLAN]))
    plan = await plug.plans.get(HOSTILE)
    page = (await plug.plans.list(active=False, limit=5, cursor="cur_1", order="asc")).data
    everything = [p async for p in plug.plans.list()]
    get_request, list_request, all_request = requests(server)
    assert_read(get_request, f"/api/v1/plans/{HOSTILE_SEGMENT}")
    assert_read(list_request, "/api/v1/plans?limit=5&active=false&order=asc&cursor=cur_1")
    assert_read(all_request, "/api/v1/plans")
    assert page == [plan] == everything


async def test_plan_update_sends_only_given_fields(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.patch(f"/api/v1/plans/{HOSTILE_SEGMENT}").mock(return_value=envelope(PLAN))
    await plug.plans.update(
        HOSTILE,
        name="Pro+",
        description=None,
        trial_days=None,
        portal_features={"update_payment_method": False},
        metadata=None,
        active=True,
    )
    await plug.plans.update(HOSTILE, trial_days=7)
    first, second = requests(server)
    path = f"/api/v1/plans/{HOSTILE_SEGMENT}"
    assert_write(
        first,
        path,
        b'{"name":"Pro+","description":null,"trialDays":null,'
        b'"portalFeatures":{"updatePaymentMethod":false},"metadata":null,"active":true}',
        "PATCH",
    )
    assert_write(second, path, b'{"trialDays":7}', "PATCH")
    await assert_key_reused_across_a_retry(
        server, route, lambda: plug.plans.update(HOSTILE, name="x"), envelope(PLAN)
    )


async def test_plan_archive_sends_no_body_and_a_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    archived = {**PLAN, "active": False, "archivedAt": T}
    route = server.post(f"/api/v1/plans/{HOSTILE_SEGMENT}/archive").mock(
        side_effect=[envelope(archived), error(409, "INVALID_TRANSITION")]
    )
    plan = await plug.plans.archive(HOSTILE)
    with pytest.raises(ConflictError) as err:
        await plug.plans.archive(HOSTILE, idempotency_key="archive-1")
    first, _ = requests(server)
    assert_write(first, f"/api/v1/plans/{HOSTILE_SEGMENT}/archive", b"")
    assert (plan.active, plan.archived_at) == (False, WHEN)
    assert (err.value.code, err.value.idempotency_key) == ("invalid_transition", "archive-1")
    await assert_key_reused_across_a_retry(
        server, route, lambda: plug.plans.archive(HOSTILE), envelope(archived)
    )


async def test_plan_add_price(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    route = server.post(f"/api/v1/plans/{HOSTILE_SEGMENT}/prices").mock(
        return_value=envelope(TIERED, 201)
    )
    path = f"/api/v1/plans/{HOSTILE_SEGMENT}/prices"
    price = await plug.plans.add_price(
        HOSTILE,
        currency="IDR",
        model="volume",
        tiers=(
            {"up_to": 10, "unit_amount": 1000},
            {"up_to": 100, "flat_amount": 500},
            PriceTier(up_to="inf", unit_amount=800, flat_amount=0),
        ),
        tax_mode="inclusive",
        active=False,
    )
    await plug.plans.add_price(HOSTILE, currency="USD", unit_amount=500)
    first, second = requests(server)
    assert_write(
        first,
        path,
        b'{"currency":"IDR","model":"volume","tiers":[{"upTo":10,"unitAmount":1000},'
        b'{"upTo":100,"flatAmount":500},{"upTo":"inf","unitAmount":800,"flatAmount":0}],'
        b'"taxMode":"inclusive","active":false}',
    )
    assert_write(second, path, b'{"currency":"USD","model":"flat","unitAmount":500}')
    assert isinstance(price, Price) and price.plan_id == "plan_1"
    assert price.tiers is not None and price.tiers[-1].up_to == "inf"
    await assert_key_reused_across_a_retry(
        server,
        route,
        lambda: plug.plans.add_price(HOSTILE, currency="USD", unit_amount=1),
        envelope(PRICE, 201),
    )


_PLAN: dict[str, Any] = {"name": "Pro", "interval": "month", "currency": "IDR", "amount": 1000}


@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        ({"name": None}, ValueError, "name is required"),
        ({"name": ""}, ValueError, "name must not be empty"),
        ({"interval": 1}, TypeError, "interval must be a str"),
        ({"currency": None, "amount": None}, ValueError, "give prices, or currency and amount"),
        ({"amount": None}, ValueError, "amount is required with currency and amount"),
        ({"currency": None}, ValueError, "currency is required with currency and amount"),
        (
            {"prices": [{"currency": "IDR", "unit_amount": 1}]},
            ValueError,
            "either prices or currency and amount, not both",
        ),
        ({"amount": 10.0}, ValueError, "amount must be an int in the currency's minor unit"),
        ({"amount": -1}, ValueError, "amount must not be negative"),
        ({"currency": "idr"}, ValueError, "currency must be an ISO 4217 code"),
        ({"interval_count": 0}, ValueError, "interval_count must be 1 or more"),
        ({"trial_days": -1}, ValueError, "trial_days must be 0 or more"),
        ({"trial_days": 1.0}, TypeError, "trial_days must be an int"),
        ({"portal_features": {"cancel": True}}, ValueError, "portal_features takes"),
        ({"portal_features": {"self_serve_cancel": 1}}, TypeError, "must be a bool"),
        ({"portal_features": ["x"]}, TypeError, "portal_features must be a dict"),
        ({"metadata": {"k": 1}}, TypeError, "metadata values must be str"),
    ],
)
async def test_plan_create_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    change: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(PLAN))
    with pytest.raises(kind, match=message):
        await plug.plans.create(**{**_PLAN, **change})
    assert server.calls.call_count == 0


@pytest.mark.parametrize(
    ("prices", "kind", "message"),
    [
        ([], ValueError, "prices must not be empty"),
        ({"currency": "IDR"}, TypeError, "prices must be a list of prices"),
        ([{"unit_amount": 1}], ValueError, r"prices\[0\]\.currency is required"),
        ([{"currency": "IDR"}], ValueError, r"prices\[0\]\.unit_amount is required for a flat"),
        ([{"currency": "IDR", "amount": 1}], ValueError, "not 'amount'"),
        ([{"currency": "IDR", "unit_amount": 1.5}], ValueError, r"unit_amount must be an int"),
        (
            [{"currency": "IDR", "model": "tiered", "unit_amount": 1}],
            ValueError,
            "tiers are required for a tiered price",
        ),
        (
            [{"currency": "IDR", "model": "usage"}],
            ValueError,
            "a usage price takes unit_amount or tiers",
        ),
        (
            [{"currency": "IDR", "unit_amount": 1, "active": "yes"}],
            TypeError,
            r"prices\[0\]\.active must be a bool",
        ),
        (["price_1"], TypeError, "prices items must be dicts or Price models"),
    ],
)
async def test_plan_prices_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    prices: Any,
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(PLAN))
    with pytest.raises(kind, match=message):
        await plug.plans.create(name="Pro", interval="month", prices=prices)
    assert server.calls.call_count == 0


_INF = {"up_to": "inf", "unit_amount": 1}


@pytest.mark.parametrize(
    ("arguments", "kind", "message"),
    [
        ({}, ValueError, "unit_amount is required for a flat price"),
        ({"unit_amount": 1, "tiers": [_INF]}, ValueError, "and tiers are not"),
        ({"model": "tiered"}, ValueError, "tiers are required for a tiered price"),
        ({"model": "volume", "tiers": []}, ValueError, "tiers must not be empty"),
        (
            {"model": "volume", "tiers": [{"up_to": 10, "unit_amount": 1}]},
            ValueError,
            r'tiers\[0\]\.up_to must be "inf": the last tier has no bound',
        ),
        (
            {"model": "tiered", "tiers": [_INF, _INF]},
            ValueError,
            r'tiers\[0\]\.up_to must be an int: only the last tier is "inf"',
        ),
        (
            {"model": "tiered", "tiers": [{"up_to": 10, "unit_amount": 1}, {"up_to": 10}, _INF]},
            ValueError,
            r"tiers\[1\]\.up_to must be above 10 \(tiers ascend\), got 10",
        ),
        (
            {"model": "tiered", "tiers": [{"up_to": 0, "unit_amount": 1}, _INF]},
            ValueError,
            r"tiers\[0\]\.up_to must be above 0",
        ),
        (
            {"model": "tiered", "tiers": [{"up_to": 5.0, "unit_amount": 1}, _INF]},
            TypeError,
            r"tiers\[0\]\.up_to must be an int",
        ),
        (
            {"model": "tiered", "tiers": [{"up_to": True, "unit_amount": 1}, _INF]},
            TypeError,
            r"tiers\[0\]\.up_to must be an int",
        ),
        (
            {"model": "tiered", "tiers": [{"up_to": "inf"}]},
            ValueError,
            r"tiers\[0\] needs a unit_amount, a flat_amount or both",
        ),
        (
            {"model": "tiered", "tiers": [{"up_to": "inf", "flat_amount": -5}]},
            ValueError,
            r"tiers\[0\]\.flat_amount must not be negative",
        ),
        (
            {"model": "tiered", "tiers": [{"upto": "inf", "unit_amount": 1}]},
            ValueError,
            "tiers items take up_to, unit_amount and flat_amount, not 'upto'",
        ),
        ({"model": "tiered", "tiers": ["inf"]}, TypeError, "dicts or PriceTier models"),
        ({"model": "tiered", "tiers": "inf"}, TypeError, "tiers must be a list of tiers"),
        ({"model": "usage", "unit_amount": 1, "tiers": [_INF]}, ValueError, "one of the two"),
        ({"unit_amount": 1, "active": 1}, TypeError, "active must be a bool"),
        ({"unit_amount": 1, "tax_mode": ""}, ValueError, "tax_mode must not be empty"),
        ({"unit_amount": 1, "currency": None}, ValueError, "currency is required"),
    ],
)
async def test_add_price_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    arguments: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(PRICE))
    with pytest.raises(kind, match=message):
        await plug.plans.add_price("plan_1", **{"currency": "IDR", **arguments})
    assert server.calls.call_count == 0


async def test_plan_update_and_list_arguments_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="name can't be cleared"):
        await plug.plans.update("plan_1", name=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="active can't be cleared"):
        await plug.plans.update("plan_1", active=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="portal_features can't be cleared"):
        await plug.plans.update("plan_1", portal_features=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="active must be a bool"):
        plug.plans.list(active="true")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="order must be one of"):
        plug.plans.list(order="newest")
    with pytest.raises(ValueError, match="limit must be between 1 and 100"):
        plug.plans.list(limit=0)
    assert server.calls.call_count == 0


# -- prices --------------------------------------------------------------------------------------


async def test_price_update_and_delete(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    path = f"/api/v1/prices/{HOSTILE_SEGMENT}"
    update = server.patch(path).mock(return_value=envelope({**PRICE, "active": False}))
    delete = server.delete(path).mock(return_value=httpx.Response(204))
    price = await plug.prices.update(HOSTILE, active=False)
    assert await plug.prices.delete(HOSTILE) is None
    first, second = requests(server)
    assert_write(first, path, b'{"active":false}', "PATCH")
    assert_write(second, path, b"", "DELETE")
    assert isinstance(price, Price) and price.active is False
    with pytest.raises(ValueError, match="active is required"):
        await plug.prices.update("price_1", active=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="active must be a bool"):
        await plug.prices.update("price_1", active="no")  # type: ignore[arg-type]
    assert server.calls.call_count == 2
    await assert_key_reused_across_a_retry(
        server, update, lambda: plug.prices.update(HOSTILE, active=True), envelope(PRICE)
    )
    await assert_key_reused_across_a_retry(
        server, delete, lambda: plug.prices.delete(HOSTILE), httpx.Response(204)
    )


# -- subscriptions -------------------------------------------------------------------------------


async def test_subscription_create_sends_every_field(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.post("/api/v1/subscriptions").mock(return_value=envelope(SUB, 201))
    jakarta = timezone(timedelta(hours=7))
    subscription = await plug.subscriptions.create(
        customer_id="cus_1",
        plan_id="plan_1",
        price_id="price_1",
        trial_days=14,
        collection_method="send_invoice",
        payment_token_id="pt_1",
        coupon_id="coupon_1",
        start_at=datetime(2026, 6, 1, 7, 0, tzinfo=jakarta),
        initial_discount=5000,
        metadata={"seat": "3"},
    )
    assert_write(
        only_request(server),
        "/api/v1/subscriptions",
        b'{"customerId":"cus_1","planId":"plan_1","priceId":"price_1","trialDays":14,'
        b'"collectionMethod":"send_invoice","paymentTokenId":"pt_1","couponId":"coupon_1",'
        b'"startAt":"2026-06-01T00:00:00.000Z","initialDiscount":5000,"metadata":{"seat":"3"}}',
    )
    assert isinstance(subscription, Subscription)
    assert (subscription.id, subscription.status, subscription.collection_method) == (
        "sub_1",
        "trialing",
        "charge_automatically",
    )
    assert subscription.current_period_end == WHEN and subscription.trial_end == WHEN
    assert repr(subscription) == (
        "Subscription(id='sub_1', status='trialing', plan_id='plan_1', price_id='price_1')"
    )
    server.reset()
    await plug.subscriptions.create(
        customer_id="cus_1", plan_id="plan_1", price_id="price_1", start_at="2026-06-01"
    )
    assert only_request(server).content == (
        b'{"customerId":"cus_1","planId":"plan_1","priceId":"price_1","startAt":"2026-06-01"}'
    )
    await assert_key_reused_across_a_retry(
        server,
        route,
        lambda: plug.subscriptions.create(customer_id="cus_1", plan_id="p", price_id="p"),
        envelope(SUB, 201),
    )


async def test_subscription_get_list_update(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    path = f"/api/v1/subscriptions/{HOSTILE_SEGMENT}"
    server.get(path).mock(return_value=envelope(SUB))
    server.get("/api/v1/subscriptions").mock(return_value=envelope([SUB]))
    patch = server.patch(path).mock(return_value=envelope(SUB))
    subscription = await plug.subscriptions.get(HOSTILE)
    page = (
        await plug.subscriptions.list(
            customer_id="cus_1", plan_id="plan_1", status="past_due", limit=2, order="desc"
        )
    ).data
    await plug.subscriptions.update(
        HOSTILE, price_id="price_2", default_payment_token_id=None, metadata={"a": "b"}
    )
    await plug.subscriptions.update(HOSTILE, metadata=None)
    get_request, list_request, first, second = requests(server)
    assert_read(get_request, path)
    assert_read(
        list_request,
        "/api/v1/subscriptions?limit=2&customerId=cus_1&planId=plan_1&status=past_due&order=desc",
    )
    assert_write(
        first,
        path,
        b'{"priceId":"price_2","defaultPaymentTokenId":null,"metadata":{"a":"b"}}',
        "PATCH",
    )
    assert_write(second, path, b'{"metadata":null}', "PATCH")
    assert page == [subscription]
    with pytest.raises(ValueError, match="price_id can't be cleared"):
        await plug.subscriptions.update("sub_1", price_id=None)  # type: ignore[arg-type]
    await assert_key_reused_across_a_retry(
        server, patch, lambda: plug.subscriptions.update(HOSTILE, metadata=None), envelope(SUB)
    )


async def test_subscription_cancel_pause_resume(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    base = f"/api/v1/subscriptions/{HOSTILE_SEGMENT}"
    cancel = server.post(f"{base}/cancel").mock(
        return_value=envelope({**SUB, "status": "active", "cancelAt": T})
    )
    pause = server.post(f"{base}/pause").mock(
        return_value=envelope({**SUB, "status": "paused", "pausedAt": T})
    )
    resume = server.post(f"{base}/resume").mock(return_value=envelope({**SUB, "status": "active"}))
    at_end = await plug.subscriptions.cancel(HOSTILE)
    await plug.subscriptions.cancel(HOSTILE, at="now", reason="user_request")
    paused = await plug.subscriptions.pause(HOSTILE)
    await plug.subscriptions.pause(HOSTILE, resume_at=datetime(2026, 7, 1, tzinfo=UTC))
    resumed = await plug.subscriptions.resume(HOSTILE)
    sent = requests(server)
    assert_write(sent[0], f"{base}/cancel", b'{"at":"period_end"}')
    assert_write(sent[1], f"{base}/cancel", b'{"at":"now","reason":"user_request"}')
    assert_write(sent[2], f"{base}/pause", b"")
    assert_write(sent[3], f"{base}/pause", b'{"resumeAt":"2026-07-01T00:00:00.000Z"}')
    assert_write(sent[4], f"{base}/resume", b"")
    assert at_end.cancel_at == WHEN
    assert (paused.status, paused.paused_at, resumed.status) == ("paused", WHEN, "active")
    for route, call, answer in (
        (cancel, lambda: plug.subscriptions.cancel(HOSTILE), envelope(SUB)),
        (pause, lambda: plug.subscriptions.pause(HOSTILE), envelope(SUB)),
        (resume, lambda: plug.subscriptions.resume(HOSTILE), envelope(SUB)),
    ):
        await assert_key_reused_across_a_retry(server, route, call, answer)


_SUB: dict[str, Any] = {"customer_id": "cus_1", "plan_id": "plan_1", "price_id": "price_1"}


@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        ({"customer_id": None}, ValueError, "customer_id is required"),
        ({"customer_id": "user-1"}, ValueError, "customer_id must start with 'cus_'"),
        ({"plan_id": ""}, ValueError, "plan_id must not be empty"),
        ({"price_id": None}, ValueError, "price_id is required"),
        ({"trial_days": -1}, ValueError, "trial_days must be 0 or more"),
        ({"trial_days": True}, TypeError, "trial_days must be an int"),
        ({"collection_method": 1}, TypeError, "collection_method must be a str"),
        ({"start_at": "next monday"}, ValueError, "start_at must be ISO 8601"),
        ({"start_at": 1780000000}, TypeError, "start_at must be a datetime or an ISO string"),
        ({"initial_discount": 0.5}, ValueError, "initial_discount must be an int"),
        ({"initial_discount": -1}, ValueError, "initial_discount must not be negative"),
        ({"metadata": {"k": 1}}, TypeError, "metadata values must be str"),
    ],
)
async def test_subscription_create_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    change: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(SUB))
    with pytest.raises(kind, match=message):
        await plug.subscriptions.create(**{**_SUB, **change})
    assert server.calls.call_count == 0


async def test_subscription_action_arguments_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="at must be one of 'now', 'period_end'"):
        await plug.subscriptions.cancel("sub_1", at="later")
    with pytest.raises(ValueError, match="at is required"):
        await plug.subscriptions.cancel("sub_1", at=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="reason must be a str"):
        await plug.subscriptions.cancel("sub_1", reason=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="resume_at must be ISO 8601"):
        await plug.subscriptions.pause("sub_1", resume_at="soon")
    with pytest.raises(ValueError, match="order must be one of"):
        plug.subscriptions.list(order="up")
    with pytest.raises(TypeError, match="status must be a str"):
        plug.subscriptions.list(status=1)  # type: ignore[arg-type]
    assert server.calls.call_count == 0


# -- test clocks ---------------------------------------------------------------------------------


async def test_test_clock_advance_returns_the_subscription(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.post("/api/v1/test/clocks/advance").mock(
        return_value=envelope({**SUB, "status": "active"})
    )
    subscription = await plug.test_clocks.advance(subscription_id="sub_1", days=30)
    assert_write(
        only_request(server), "/api/v1/test/clocks/advance", b'{"subscriptionId":"sub_1","days":30}'
    )
    assert isinstance(subscription, Subscription) and subscription.status == "active"
    for days, kind, message in (
        (0, ValueError, "days must be 1 or more"),
        (-3, ValueError, "days must be 1 or more"),
        (1.5, TypeError, "days must be an int"),
        (None, ValueError, "days is required"),
    ):
        with pytest.raises(kind, match=message):
            await plug.test_clocks.advance(subscription_id="sub_1", days=days)
    with pytest.raises(ValueError, match="subscription_id must not be empty"):
        await plug.test_clocks.advance(subscription_id="", days=1)
    assert server.calls.call_count == 1
    await assert_key_reused_across_a_retry(
        server,
        route,
        lambda: plug.test_clocks.advance(subscription_id="sub_1", days=365),
        envelope(SUB),
    )


# -- invoices ------------------------------------------------------------------------------------


async def test_invoice_create_sends_every_field(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.post("/api/v1/invoices").mock(return_value=envelope(INVOICE, 201))
    invoice = await plug.invoices.create(
        customer_id="cus_1",
        currency="IDR",
        lines=[
            {"description": "Pro, May", "quantity": 2, "unit_amount": 99000, "price_id": "p_1"},
            InvoiceLine(description="Setup", quantity=1, unit_amount=0, metadata={"k": "v"}),
            {"unitAmount": 5, "quantity": 1, "description": "Tip", "priceId": None},
        ],
        discount=8000,
        tax=10000,
        due_at=datetime(2026, 6, 1, tzinfo=UTC),
        status="open",
        memo="Thanks",
        subscription_id="sub_1",
        template_id="tpl_1",
    )
    assert_write(
        only_request(server),
        "/api/v1/invoices",
        b'{"customerId":"cus_1","currency":"IDR","lines":['
        b'{"description":"Pro, May","quantity":2,"unitAmount":99000,"priceId":"p_1"},'
        b'{"description":"Setup","quantity":1,"unitAmount":0,"metadata":{"k":"v"}},'
        b'{"description":"Tip","quantity":1,"unitAmount":5}],'
        b'"discount":8000,"tax":10000,"dueAt":"2026-06-01T00:00:00.000Z","status":"open",'
        b'"memo":"Thanks","subscriptionId":"sub_1","templateId":"tpl_1"}',
    )
    assert isinstance(invoice, Invoice)
    assert (invoice.number, invoice.status, invoice.subtotal, invoice.total) == (
        "INV-000001",
        "open",
        198000,
        200000,
    )
    assert (invoice.amount_due, invoice.amount_paid, invoice.due_at) == (200000, 0, WHEN)
    assert invoice.lines == [
        InvoiceLine(
            id="il_1",
            description="Pro, May",
            quantity=2,
            unit_amount=99000,
            amount=198000,
            price_id="price_1",
            metadata=None,
        )
    ]
    assert repr(invoice) == (
        "Invoice(id='inv_1', number='INV-000001', status='open', total=200000, currency='IDR')"
    )
    await assert_key_reused_across_a_retry(
        server,
        route,
        lambda: plug.invoices.create(
            customer_id="cus_1",
            currency="USD",
            lines=[{"description": "x", "quantity": 1, "unit_amount": 1}],
        ),
        envelope(INVOICE, 201),
    )


async def test_invoice_get_and_list(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get(f"/api/v1/invoices/{HOSTILE_SEGMENT}").mock(
        return_value=envelope({**INVOICE, "chargeId": "ch_1"})
    )
    server.get("/api/v1/invoices").mock(return_value=envelope([INVOICE]))
    invoice = await plug.invoices.get(HOSTILE)
    page = (
        await plug.invoices.list(
            customer_id="cus_1",
            subscription_id="sub_1",
            status="paid",
            limit=3,
            cursor="c",
            order="asc",
        )
    ).data
    get_request, list_request = requests(server)
    assert_read(get_request, f"/api/v1/invoices/{HOSTILE_SEGMENT}")
    assert_read(
        list_request,
        "/api/v1/invoices?limit=3&customerId=cus_1&subscriptionId=sub_1&status=paid&order=asc"
        "&cursor=c",
    )
    assert invoice.charge_id == "ch_1" and [i.id for i in page] == ["inv_1"]


@pytest.mark.parametrize(
    ("action", "status"),
    [("finalize", "open"), ("pay", "paid"), ("void", "void"), ("send", "open")],
)
async def test_invoice_actions_send_no_body_and_a_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient, action: str, status: str
) -> None:
    path = f"/api/v1/invoices/{HOSTILE_SEGMENT}/{action}"
    route = server.post(path).mock(return_value=envelope({**INVOICE, "status": status}))
    invoice = await getattr(plug.invoices, action)(HOSTILE)
    assert_write(only_request(server), path, b"")
    assert isinstance(invoice, Invoice) and invoice.status == status
    server.reset()
    await getattr(plug.invoices, action)(HOSTILE, idempotency_key=f"{action}-1")
    assert only_request(server).headers["idempotency-key"] == f"{action}-1"
    await assert_key_reused_across_a_retry(
        server, route, lambda: getattr(plug.invoices, action)(HOSTILE), envelope(INVOICE)
    )


async def test_invoice_send_email(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    path = f"/api/v1/invoices/{HOSTILE_SEGMENT}/send-email"
    route = server.post(path).mock(return_value=envelope({"sent": True, "to": "ada@example.com"}))
    emailed = await plug.invoices.send_email(HOSTILE, to="ada@example.com")
    await plug.invoices.send_email(HOSTILE)
    first, second = requests(server)
    assert_write(first, path, b'{"to":"ada@example.com"}')
    assert_write(second, path, b"")
    assert isinstance(emailed, InvoiceEmail)
    assert (emailed.sent, emailed.to) == (True, "ada@example.com")
    with pytest.raises(ValueError, match="to must not be empty"):
        await plug.invoices.send_email("inv_1", to="")
    assert server.calls.call_count == 2
    await assert_key_reused_across_a_retry(
        server, route, lambda: plug.invoices.send_email(HOSTILE), envelope({"sent": True})
    )


async def test_invoice_documents(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    base = f"/api/v1/invoices/{HOSTILE_SEGMENT}"
    commands = b"\x1b@INV-000001\n\x1dV\x00"
    html = "<html><body>Faktur — INV-000001</body></html>"
    server.get(f"{base}/invoice.pdf").mock(
        return_value=httpx.Response(200, content=PDF, headers={"content-type": "application/pdf"})
    )
    server.get(f"{base}/invoice.html").mock(
        return_value=httpx.Response(
            200, content=html.encode(), headers={"content-type": "text/html; charset=utf-8"}
        )
    )
    server.get(f"{base}/invoice.escpos").mock(
        return_value=httpx.Response(
            200, content=commands, headers={"content-type": "application/octet-stream"}
        )
    )
    server.get(f"{base}/receipt").mock(return_value=envelope(RECEIPT))
    assert await plug.invoices.pdf(HOSTILE) == PDF
    assert await plug.invoices.html(HOSTILE) == html
    assert await plug.invoices.escpos(HOSTILE, width=32) == commands
    assert await plug.invoices.escpos(HOSTILE) == commands
    receipt = await plug.invoices.receipt(HOSTILE)
    pdf, page, printed, default, receipt_request = requests(server)
    assert_read(pdf, f"{base}/invoice.pdf")
    assert pdf.headers["accept"] == "application/pdf, application/json"
    assert_read(page, f"{base}/invoice.html")
    assert page.headers["accept"] == "text/html, application/json"
    assert_read(printed, f"{base}/invoice.escpos?width=32")
    assert printed.headers["accept"] == "application/octet-stream, application/json"
    assert_read(default, f"{base}/invoice.escpos")
    assert_read(receipt_request, f"{base}/receipt")
    assert isinstance(receipt, Receipt)
    assert (receipt.source_type, receipt.source_id, receipt.amount) == ("invoice", "inv_1", 200000)
    for width, kind in ((40, ValueError), (True, TypeError), ("48", TypeError)):
        with pytest.raises(kind, match="width must be"):
            await plug.invoices.escpos("inv_1", width=width)
    assert server.calls.call_count == 5


@pytest.mark.in_memory_only
async def test_invoice_pdf_streams_in_chunks(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = ChunkedStream([PDF[:10], PDF[10:]])
    server.get(f"/api/v1/invoices/{HOSTILE_SEGMENT}/invoice.pdf").mock(
        return_value=httpx.Response(200, stream=body, headers={"content-type": "application/pdf"})
    )
    download = plug.invoices.stream_pdf(HOSTILE)
    assert server.calls.call_count == 0  # nothing is sent until it is entered
    async with download as opened:
        chunks = [chunk async for chunk in opened.aiter_bytes()]
    assert chunks == [PDF[:10], PDF[10:]] and body.closed
    request = only_request(server)
    assert_read(request, f"/api/v1/invoices/{HOSTILE_SEGMENT}/invoice.pdf")
    assert request.headers["accept"] == "application/pdf, application/json"


_INVOICE: dict[str, Any] = {
    "customer_id": "cus_1",
    "currency": "IDR",
    "lines": [{"description": "x", "quantity": 1, "unit_amount": 1}],
}


@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        ({"customer_id": "user-1"}, ValueError, "customer_id must start with 'cus_'"),
        ({"currency": None}, ValueError, "currency is required"),
        ({"currency": "rupiah"}, ValueError, "currency must be an ISO 4217 code"),
        ({"lines": None}, ValueError, "lines is required"),
        ({"lines": []}, ValueError, "lines must not be empty"),
        ({"lines": {"description": "x"}}, TypeError, "lines must be a list of invoice lines"),
        ({"lines": ["x"]}, TypeError, "lines items must be dicts or InvoiceLine models"),
        (
            {"lines": [{"description": "x", "quantity": 1}]},
            ValueError,
            r"lines\[0\]\.unit_amount is required",
        ),
        (
            {"lines": [{"description": "x", "quantity": 0, "unit_amount": 1}]},
            ValueError,
            r"lines\[0\]\.quantity must be 1 or more",
        ),
        (
            {"lines": [{"description": "x", "quantity": 1, "unit_amount": 1.0}]},
            ValueError,
            r"lines\[0\]\.unit_amount must be an int",
        ),
        (
            {"lines": [{"description": "", "quantity": 1, "unit_amount": 1}]},
            ValueError,
            r"lines\[0\]\.description must not be empty",
        ),
        (
            {"lines": [{"description": "x", "quantity": 1, "unit_amount": 1, "qty": 2}]},
            ValueError,
            "lines items take description, quantity, unit_amount, price_id and metadata",
        ),
        (
            {
                "lines": [
                    {"description": "x", "quantity": 1, "unit_amount": 1, "metadata": {"k": 1}}
                ]
            },
            TypeError,
            "metadata values must be str",
        ),
        ({"discount": -1}, ValueError, "discount must not be negative"),
        ({"tax": 1.5}, ValueError, "tax must be an int"),
        ({"due_at": "tomorrow"}, ValueError, "due_at must be ISO 8601"),
        ({"memo": ""}, ValueError, "memo must not be empty"),
    ],
)
async def test_invoice_create_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    change: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(INVOICE))
    with pytest.raises(kind, match=message):
        await plug.invoices.create(**{**_INVOICE, **change})
    assert server.calls.call_count == 0


# -- portal sessions -----------------------------------------------------------------------------


async def test_portal_session_create(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    route = server.post("/api/v1/portal-sessions").mock(return_value=envelope(PORTAL, 201))
    session = await plug.portal_sessions.create(
        customer_id="cus_1", return_url="https://shop.example/account"
    )
    assert_write(
        only_request(server),
        "/api/v1/portal-sessions",
        b'{"customerId":"cus_1","returnUrl":"https://shop.example/account"}',
    )
    assert isinstance(session, PortalSession)
    assert session.url == PORTAL["url"] and session.expires_at == WHEN
    # The URL carries a token that acts as the customer: never in a repr.
    assert "secret-token" not in repr(session)
    with pytest.raises(ValueError, match="return_url is required"):
        await plug.portal_sessions.create(customer_id="cus_1", return_url=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="customer_id must start with 'cus_'"):
        await plug.portal_sessions.create(customer_id="1", return_url="https://x")
    assert server.calls.call_count == 1
    await assert_key_reused_across_a_retry(
        server,
        route,
        lambda: plug.portal_sessions.create(customer_id="cus_1", return_url="https://x"),
        envelope(PORTAL, 201),
    )
