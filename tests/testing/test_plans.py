"""Plans, prices and the pricing models in the emulator (SPEC-MONEY §4; SURVEY §1.5, §2)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay.testing import FakePlugipay
from plugipay.testing._pricing import price_amount, tiered, volume

from .emulator_helpers import RawClient, data_of, error_of

PLANS = "/api/v1/plans"
PRICES = "/api/v1/prices"
PLAN_KEYS = [
    "id",
    "arn",
    "accountId",
    "name",
    "description",
    "interval",
    "intervalCount",
    "trialDays",
    "prices",
    "usageAggregate",
    "meteredUnit",
    "portalFeatures",
    "dunningPolicyId",
    "active",
    "archivedAt",
    "metadata",
    "createdAt",
    "updatedAt",
]
PRICE_KEYS = [
    "id",
    "planId",
    "currency",
    "model",
    "unitAmount",
    "tiers",
    "taxMode",
    "active",
    "createdAt",
]
TIERS = [
    {"upTo": 10, "unitAmount": 1_000, "flatAmount": 0},
    {"upTo": 20, "unitAmount": 800, "flatAmount": 500},
    {"upTo": "inf", "unitAmount": 500, "flatAmount": 0},
]


def make_plan(raw: RawClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "Pro", "interval": "month", "currency": "IDR", "amount": 150_000, **fields}
    if "prices" in fields:
        body.pop("currency")
        body.pop("amount")
    return data_of(raw.post(PLANS, json=body))  # type: ignore[no-any-return]


def types_of(fake: FakePlugipay) -> list[str]:
    return [str(e["type"]) for e in fake.events if str(e["type"]).startswith("plugipay.")]


def test_create_shape_shorthand_and_event(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw, metadata={"tier": "pro"})
    assert list(plan) == PLAN_KEYS
    assert plan["id"].startswith("plan_") and plan["arn"].endswith(f"plan/{plan['id']}")
    assert (plan["interval"], plan["intervalCount"], plan["trialDays"], plan["active"]) == (
        "month",
        1,
        0,
        True,
    )
    assert plan["portalFeatures"] == {
        "selfServeCancel": True,
        "selfServePause": False,
        "selfServeUpgrade": False,
        "selfServeDowngrade": False,
        "updatePaymentMethod": True,
    }
    [price] = plan["prices"]
    assert list(price) == PRICE_KEYS
    assert price["id"].startswith("price_")
    assert (price["planId"], price["model"], price["unitAmount"], price["tiers"]) == (
        plan["id"],
        "flat",
        150_000,
        None,
    )
    assert (price["taxMode"], price["active"]) == ("exclusive", True)
    assert types_of(fake) == ["plugipay.plan.created.v1"]
    assert fake.events[-1]["data"]["object"] == plan  # type: ignore[index]
    assert data_of(raw.get(f"{PLANS}/{plan['id']}")) == plan


def test_create_with_prices_of_every_model(raw: RawClient) -> None:
    plan = make_plan(
        raw,
        prices=[
            {"currency": "IDR", "unitAmount": 1000},
            {"currency": "USD", "model": "tiered", "tiers": TIERS, "taxMode": "inclusive"},
            {"currency": "IDR", "model": "volume", "tiers": TIERS},
            {"currency": "IDR", "model": "usage", "unitAmount": 5},
        ],
        usageAggregate="max",
        meteredUnit="calls",
    )
    assert [p["model"] for p in plan["prices"]] == ["flat", "tiered", "volume", "usage"]
    assert plan["prices"][1]["tiers"] == TIERS


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"interval": "fortnight"}, "interval"),
        ({"intervalCount": 0}, "intervalCount"),
        ({"trialDays": -1}, "trialDays"),
        ({"portalFeatures": {"teleport": True}}, "portalFeatures"),
        ({"amount": -1}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"prices": [{"currency": "IDR"}]}, "prices[0].unitAmount"),
        ({"prices": [{"currency": "IDR", "model": "tiered", "unitAmount": 1}]}, "prices[0].tiers"),
        (
            {"prices": [{"currency": "IDR", "model": "volume", "tiers": TIERS[:2]}]},
            "prices[0].tiers",
        ),
        (
            {
                "prices": [
                    {"currency": "IDR", "model": "tiered", "tiers": [TIERS[1], TIERS[0], TIERS[2]]}
                ]
            },
            "prices[0].tiers",
        ),
        ({"prices": [{"currency": "IDR", "model": "usage"}]}, "prices[0].unitAmount"),
        ({"prices": [{"unitAmount": 1}]}, "prices[0].currency"),
        ({"prices": []}, "prices"),
        ({"archivedAt": "x"}, "archivedAt"),
    ],
)
def test_create_refuses_bad_fields(
    raw: RawClient, fake: FakePlugipay, fields: dict[str, Any], field: str
) -> None:
    body = {"name": "P", "interval": "month", "currency": "IDR", "amount": 1, **fields}
    if "prices" in fields:
        body.pop("currency")
        body.pop("amount")
    response = raw.post(PLANS, json=body)
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert fake.plans == []


def test_update_archive_and_list(raw: RawClient, fake: FakePlugipay) -> None:
    first, second = make_plan(raw, name="A"), make_plan(raw, name="B")
    updated = data_of(
        raw.patch(
            f"{PLANS}/{first['id']}",
            json={"name": "A2", "portalFeatures": {"selfServePause": True}},
        )
    )
    assert updated["name"] == "A2" and updated["portalFeatures"]["selfServePause"] is True
    assert fake.events[-1]["data"]["previousAttributes"]["name"] == "A"  # type: ignore[index]
    assert error_of(raw.patch(f"{PLANS}/{first['id']}", json={"interval": "day"})) == (
        400,
        "VALIDATION_ERROR",
    )
    archived = data_of(raw.post(f"{PLANS}/{second['id']}/archive"))
    assert (archived["active"], archived["archivedAt"] is not None) == (False, True)
    assert types_of(fake)[-1] == "plugipay.plan.archived.v1"
    # forbidden on an archived plan: 409 and nothing changes
    before = data_of(raw.get(f"{PLANS}/{second['id']}"))
    assert error_of(raw.post(f"{PLANS}/{second['id']}/archive")) == (409, "INVALID_TRANSITION")
    assert error_of(raw.patch(f"{PLANS}/{second['id']}", json={"name": "x"})) == (
        409,
        "INVALID_TRANSITION",
    )
    add = raw.post(f"{PLANS}/{second['id']}/prices", json={"currency": "IDR", "unitAmount": 1})
    assert error_of(add) == (409, "INVALID_TRANSITION")
    assert data_of(raw.get(f"{PLANS}/{second['id']}")) == before
    assert [p["id"] for p in data_of(raw.get(PLANS))] == [second["id"], first["id"]]
    assert [p["id"] for p in data_of(raw.get(f"{PLANS}?active=true"))] == [first["id"]]
    assert [p["id"] for p in data_of(raw.get(f"{PLANS}?active=false"))] == [second["id"]]
    assert error_of(raw.get(f"{PLANS}?active=yes")) == (400, "VALIDATION_ERROR")
    assert error_of(raw.get(f"{PLANS}/plan_01HXAB7K3M9N2P5QRS8TVWXY3Z")) == (404, "NOT_FOUND")


def test_prices_add_deactivate_delete(raw: RawClient, fake: FakePlugipay) -> None:
    plan = make_plan(raw)
    added = raw.post(
        f"{PLANS}/{plan['id']}/prices", json={"currency": "USD", "model": "volume", "tiers": TIERS}
    )
    price = data_of(added)
    assert added.status_code == 201 and list(price) == PRICE_KEYS
    assert [p["id"] for p in data_of(raw.get(f"{PLANS}/{plan['id']}"))["prices"]][-1] == price["id"]
    off = data_of(raw.patch(f"{PRICES}/{price['id']}", json={"active": False}))
    assert off["active"] is False
    assert data_of(raw.get(f"{PLANS}/{plan['id']}"))["prices"][1]["active"] is False
    assert error_of(raw.patch(f"{PRICES}/{price['id']}", json={"currency": "IDR"})) == (
        400,
        "VALIDATION_ERROR",
    )
    assert raw.delete(f"{PRICES}/{price['id']}").status_code == 204
    assert len(data_of(raw.get(f"{PLANS}/{plan['id']}"))["prices"]) == 1
    assert error_of(raw.delete(f"{PRICES}/{price['id']}")) == (404, "NOT_FOUND")
    assert types_of(fake).count("plugipay.plan.updated.v1") == 3


def test_a_price_in_use_is_not_deleted(raw: RawClient) -> None:
    plan = make_plan(raw)
    customer = raw.create_customer(name="C")
    price = plan["prices"][0]
    body = {"customerId": customer["id"], "planId": plan["id"], "priceId": price["id"]}
    data_of(raw.post("/api/v1/subscriptions", json=body))
    assert error_of(raw.delete(f"{PRICES}/{price['id']}")) == (409, "CONFLICT")


# -- pricing models ---------------------------------------------------------------------------


def flat(unit: int) -> dict[str, Any]:
    return {"model": "flat", "unitAmount": unit, "tiers": None}


@pytest.mark.parametrize(
    ("quantity", "graduated", "by_volume"),
    [
        (0, 0, 0),
        (1, 1_000, 1_000),
        (10, 10_000, 10_000),  # the boundary itself is in the first tier (upTo inclusive)
        (11, 10_000 + 800 + 500, 11 * 800 + 500),
        (20, 10_000 + 8_000 + 500, 20 * 800 + 500),
        (21, 10_000 + 8_000 + 500 + 500, 21 * 500),
        (100, 10_000 + 8_500 + 80 * 500, 100 * 500),
    ],
)
def test_tier_boundaries(quantity: int, graduated: int, by_volume: int) -> None:
    assert price_amount({"model": "tiered", "tiers": TIERS}, quantity) == graduated
    assert price_amount({"model": "volume", "tiers": TIERS}, quantity) == by_volume
    assert price_amount({"model": "usage", "tiers": TIERS}, quantity) == graduated


def test_flat_and_usage_per_unit() -> None:
    assert price_amount(flat(150_000), 1) == 150_000
    assert price_amount(flat(150_000), 3) == 450_000
    assert price_amount({"model": "usage", "unitAmount": 7, "tiers": None}, 1_000) == 7_000
    with pytest.raises(ValueError):
        price_amount(flat(1), -1)


tiers_strategy = st.lists(
    st.tuples(st.integers(1, 30), st.integers(0, 5_000), st.integers(0, 5_000)),
    min_size=1,
    max_size=5,
).map(
    lambda rows: [
        {
            "upTo": "inf" if i == len(rows) - 1 else sum(r[0] for r in rows[: i + 1]),
            "unitAmount": unit,
            "flatAmount": flat_amount,
        }
        for i, (_, unit, flat_amount) in enumerate(rows)
    ]
)


def reference_tier_of(tiers: list[dict[str, Any]], unit: int) -> dict[str, Any]:
    """The tier unit number ``unit`` (1-based) falls in, by walking the bounds."""
    for tier in tiers:
        if tier["upTo"] == "inf" or unit <= tier["upTo"]:
            return tier
    raise AssertionError("no inf tier")


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(tiers=tiers_strategy, quantity=st.integers(0, 200))
def test_graduated_and_volume_against_a_unit_by_unit_reference(
    tiers: list[dict[str, Any]], quantity: int
) -> None:
    touched: list[int] = []
    expected = 0
    for unit in range(1, quantity + 1):
        tier = reference_tier_of(tiers, unit)
        expected += tier["unitAmount"]
        if id(tier) not in touched:
            touched.append(id(tier))
            expected += tier["flatAmount"]
    assert tiered(tiers, quantity) == expected
    if quantity:
        tier = reference_tier_of(tiers, quantity)
        assert volume(tiers, quantity) == quantity * tier["unitAmount"] + tier["flatAmount"]
    else:
        assert volume(tiers, quantity) == 0


def test_scopes(fake: FakePlugipay) -> None:
    member = fake.add_key(role="member")
    as_member = RawClient(fake, key_id=member.key_id, secret=member.secret)
    assert as_member.get(PLANS).status_code == 200
    denied = as_member.post(
        PLANS, json={"name": "P", "interval": "month", "currency": "IDR", "amount": 1}
    )
    assert error_of(denied) == (403, "INSUFFICIENT_SCOPE")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.plans`` and ``plug.prices`` method (issue 12's signatures), for the
    strict-converter walk in ``test_sdk.py``."""
    plan = plug.plans.create(name="Pro", interval="month", currency="IDR", amount=150_000)
    assert plan.prices[0].unit_amount == 150_000
    graded = plug.plans.create(
        name="Metered",
        interval="month",
        prices=[{"currency": "IDR", "model": "usage", "unit_amount": 5}],
        interval_count=1,
        trial_days=7,
        description="per call",
        metadata={"k": "v"},
    )
    assert plug.plans.get(plan.id).id == plan.id
    assert {p.id for p in plug.plans.list(active=True)} == {plan.id, graded.id}
    assert plug.plans.update(plan.id, name="Pro 2").name == "Pro 2"
    price = plug.plans.add_price(
        plan.id,
        currency="IDR",
        model="tiered",
        tiers=[
            {"up_to": 10, "unit_amount": 1_000, "flat_amount": 0},
            {"up_to": "inf", "unit_amount": 500, "flat_amount": 0},
        ],
    )
    assert price.model == "tiered"
    assert plug.prices.update(price.id, active=False).active is False
    plug.prices.delete(price.id)
    assert plug.plans.archive(graded.id).archived_at is not None
