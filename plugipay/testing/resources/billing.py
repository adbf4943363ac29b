"""Plugipay's own tiers and plans (SURVEY §1.16, §2 "BillingTier", "BillingPlan"): what Plugipay
charges the merchant, a static catalogue any key may read.

The emulator's catalogue is its own (Plugipay publishes its current prices at
plugipay.com/pricing; no source gives them), fixed so tests can assert on it:
``starter`` (free), ``growth``, ``scale`` and ``enterprise`` (no fixed price: ``null`` prices,
plan ``price`` -1). ``GET /billing/tiers`` and ``GET /billing/plans`` answer bare arrays in that
order.
"""

from __future__ import annotations

import copy

from .._routing import Call, Result, Route
from .._store import Obj
from ._common import READ_WORKSPACE

__all__ = ["PLANS", "ROUTES", "TIERS"]


def _tier(
    ident: str,
    name: str,
    idr: int | None,
    usd_cents: int | None,
    fee_rate: float,
    caps: tuple[int | None, int | None, int | None],
    flags: tuple[bool, bool],
    support: tuple[str, int | None, bool],
    tagline: str,
    credits: int,
    features: list[str],
) -> Obj:
    txn_cap, endpoints, keys = caps
    branding, daily = flags
    tier, hours, sla = support
    return {
        "id": ident,
        "name": name,
        "priceMonthlyIdr": idr,
        "priceMonthlyUsdCents": usd_cents,
        "channelFeeRate": fee_rate,
        "monthlyTxnCap": txn_cap,
        "maxWebhookEndpoints": endpoints,
        "maxApiKeys": keys,
        "customBranding": branding,
        "dailyPayouts": daily,
        "support": {"tier": tier, "responseHours": hours, "sla": sla},
        "tagline": tagline,
        "agentCredits": credits,
        "features": features,
    }


TIERS: tuple[Obj, ...] = (
    _tier(
        "starter",
        "Starter",
        0,
        0,
        0.007,
        (500, 2, 2),
        (False, False),
        ("community", None, False),
        "Take your first payments",
        0,
        ["Hosted checkout", "QRIS, virtual accounts and e-wallets", "Weekly payouts"],
    ),
    _tier(
        "growth",
        "Growth",
        299_000,
        1_900,
        0.005,
        (5_000, 10, 10),
        (True, False),
        ("email", 24, False),
        "For shops that sell every day",
        100,
        ["Everything in Starter", "Custom branding", "Receipt and invoice templates"],
    ),
    _tier(
        "scale",
        "Scale",
        1_499_000,
        9_900,
        0.003,
        (None, 50, 50),
        (True, True),
        ("priority", 4, True),
        "High volume, daily payouts",
        1_000,
        ["Everything in Growth", "Daily payouts", "Priority support with an SLA"],
    ),
    _tier(
        "enterprise",
        "Enterprise",
        None,
        None,
        0.002,
        (None, None, None),
        (True, True),
        ("dedicated", 1, True),
        "Custom pricing and a dedicated team",
        10_000,
        ["Everything in Scale", "Custom rates", "A dedicated account manager"],
    ),
)
"""Every BillingTier, in the order the API answers them."""

PLANS: tuple[Obj, ...] = tuple(
    {
        "id": tier["id"],
        "name": tier["name"],
        "price": tier["priceMonthlyIdr"] if tier["priceMonthlyIdr"] is not None else -1,
    }
    for tier in TIERS
)
"""Every BillingPlan: ``price`` in IDR a month, -1 for no fixed price."""


def tiers(call: Call) -> Result:
    return 200, copy.deepcopy(list(TIERS)), None


def plans(call: Call) -> Result:
    return 200, copy.deepcopy(list(PLANS)), None


ROUTES = [
    Route("GET", "/billing/tiers", tiers, READ_WORKSPACE, "none"),
    Route("GET", "/billing/plans", plans, READ_WORKSPACE, "none"),
]
