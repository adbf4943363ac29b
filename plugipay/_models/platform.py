"""What a platform provisions for its merchants (partner workspaces, managed sub-accounts and
adapter onboarding, seed 000), what it is billed for them (partner usage), and Plugipay's own
tiers and plans for a merchant (SURVEY §1.16, §2 "BillingTier", "PartnerUsageSummary")."""

from datetime import datetime
from typing import Any, Literal, TypeAlias

import attrs

from ._base import Resource

__all__ = [
    "BillingPlan",
    "BillingSupport",
    "BillingTier",
    "KybStatus",
    "ManagedOnboardingState",
    "ManagedSubAccount",
    "PartnerUsage",
    "PartnerUsageLine",
    "PartnerWorkspace",
]

KybStatus: TypeAlias = Literal["not_started", "invited", "registered", "live", "rejected"] | str


@attrs.frozen(kw_only=True, repr=False)
class PartnerWorkspace(Resource):
    """A workspace provisioned under a platform partner's billing."""

    _repr_fields = ("account_id", "partner")

    account_id: str | None = None
    """The provisioned workspace's account id, ``acc_`` + ULID."""
    partner: str | None = None
    """The partner it is billed through (``storlaunch``, ``fulkruma``, ...)."""
    discount_rate: float | None = None
    """The partner's discount rate on the workspace's fees."""
    brand_name: str | None = None
    """Public-facing brand of the workspace."""
    business_email: str | None = None
    """Billing contact of the workspace."""
    created_at: datetime | None = None
    """When the workspace was provisioned."""


@attrs.frozen(kw_only=True, repr=False)
class ManagedSubAccount(Resource):
    """The managed sub-account made for the acting workspace."""

    _repr_fields = ("sub_account_id",)

    sub_account_id: str | None = None
    """The provider-side sub-account id."""


@attrs.frozen(kw_only=True, repr=False)
class ManagedOnboardingState(Resource):
    """Where a managed-adapter onboarding stands. Two shapes exist: ``{state, provider,
    details}`` (SPEC §7) and the provider sub-account's (``sub_account_id``, ``kyb_status``, ...);
    either's fields are read, the other's are ``None``."""

    _repr_fields = ("state", "provider", "sub_account_id", "kyb_status")

    state: str | None = None
    """The onboarding state, as the provider reports it."""
    provider: str | None = None
    """The payment provider onboarded with (``xendit``)."""
    details: dict[str, Any] | None = None
    """Provider-specific details (links, requirements)."""
    sub_account_id: str | None = None
    """The provider-side sub-account being onboarded."""
    email: str | None = None
    """Where the provider sends the onboarding invitation."""
    onboarding_url: str | None = None
    """Where the merchant completes the provider's onboarding."""
    kyb_status: KybStatus | None = None
    """The provider's business verification: ``not_started``, ``invited``, ``registered``,
    ``live`` or ``rejected``."""
    capabilities_status: str | None = None
    """Whether it may take payments: ``pending``, ``live``, ``declined`` or
    ``resubmission_required``."""
    payouts_ready: bool | None = None
    """Whether payouts to the merchant's bank can be made."""
    last_webhook_at: datetime | None = None
    """When the provider last reported on it."""
    created_at: datetime | None = None
    """When onboarding started."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class PartnerUsageLine(Resource):
    """One merchant's line of a partner's usage: its volume and the fee it owes."""

    _repr_fields = ("account_id", "transaction_count", "fee")

    account_id: str | None = None
    """The merchant's account id."""
    brand_name: str | None = None
    """The merchant's brand."""
    transaction_count: int | None = None
    """Payments the merchant took in the window."""
    gross_volume: int | None = None
    """Their total, in the summary's currency (IDR: whole rupiah)."""
    discount_rate: float | None = None
    """The partner's discount rate on this merchant's fees."""
    fee: int | None = None
    """The fee owed for the window, after the discount."""


@attrs.frozen(kw_only=True, repr=False)
class PartnerUsage(Resource):
    """A partner's monthly fee roll-up: every merchant it provisioned, and the total."""

    _repr_fields = ("partner", "from_", "to", "total")

    partner: str | None = None
    """The partner (``storlaunch``, ``fulkruma``, ...)."""
    # As the server echoes the request's window: a date or an ISO 8601 timestamp.
    from_: str | None = None
    """The window's start (wire name ``from``)."""
    to: str | None = None
    """The window's end."""
    currency: str | None = None
    """The currency of every amount (``IDR``)."""
    lines: list[PartnerUsageLine] | None = None
    """One line per merchant."""
    total: int | None = None
    """The sum of the lines' fees."""


@attrs.frozen(kw_only=True, repr=False)
class BillingSupport(Resource):
    """The support a Plugipay tier comes with."""

    _repr_fields = ("tier", "response_hours")

    tier: str | None = None
    """The support level (``community``, ``email``, ``priority``, ...)."""
    response_hours: int | None = None
    """The promised first-response time, in hours (``None``: no promise)."""
    sla: bool | None = None
    """Whether the tier has a contractual service level."""


@attrs.frozen(kw_only=True, repr=False)
class BillingTier(Resource):
    """One of Plugipay's own tiers a merchant subscribes to: its price, fees and limits."""

    _repr_fields = ("id", "name")

    id: str
    """``starter``, ``growth``, ``scale`` or ``enterprise``."""
    name: str | None = None
    """Its display name."""
    price_monthly_idr: int | None = None
    """Its monthly price in rupiah (``None``: priced on request)."""
    price_monthly_usd_cents: int | None = None
    """Its monthly price in US cents (``None``: priced on request)."""
    channel_fee_rate: float | None = None
    """The share of each payment Plugipay keeps, 0 to 1."""
    monthly_txn_cap: int | None = None
    """The most payments a month (``None``: no cap)."""
    max_webhook_endpoints: int | None = None
    """The most webhook endpoints (``None``: no limit)."""
    max_api_keys: int | None = None
    """The most API keys (``None``: no limit)."""
    custom_branding: bool | None = None
    """Whether the checkout page may carry the merchant's brand."""
    daily_payouts: bool | None = None
    """Whether payouts may be daily."""
    support: BillingSupport | None = None
    """The support it comes with."""
    tagline: str | None = None
    """A line on what it is for."""
    agent_credits: int | None = None
    """AI agent credits included each month."""
    features: list[str] | None = None
    """What it includes, one line each."""


@attrs.frozen(kw_only=True, repr=False)
class BillingPlan(Resource):
    """One of Plugipay's own plans, as the pricing page lists it."""

    _repr_fields = ("id", "name", "price")

    id: str
    """The plan's id."""
    name: str | None = None
    """Its display name."""
    price: int | None = None
    """Its monthly price in rupiah; ``-1`` when it has no fixed price."""
