"""Recurring billing: plans and their prices, subscriptions to them, and the customer billing
portal (SPEC-MONEY §4, SURVEY §1.4-§1.6, §2 "Plan", "Price", "Subscription", "PortalSession")."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource
from .checkout import Currency

__all__ = [
    "CancelReason",
    "CollectionMethod",
    "Plan",
    "PlanInterval",
    "PortalFeatures",
    "PortalSession",
    "Price",
    "PriceModel",
    "PriceTier",
    "Subscription",
    "SubscriptionStatus",
    "TaxMode",
    "UsageAggregate",
]

PlanInterval: TypeAlias = Literal["day", "week", "month", "year"] | str
PriceModel: TypeAlias = Literal["flat", "tiered", "volume", "usage"] | str
TaxMode: TypeAlias = Literal["inclusive", "exclusive"] | str
UsageAggregate: TypeAlias = Literal["sum", "max", "last"] | str
SubscriptionStatus: TypeAlias = (
    Literal["trialing", "active", "past_due", "canceled", "paused", "incomplete"] | str
)
CollectionMethod: TypeAlias = Literal["charge_automatically", "send_invoice"] | str
CancelReason: TypeAlias = (
    Literal["customer_portal", "merchant", "failed_payment", "user_request"] | str
)


@attrs.frozen(kw_only=True, repr=False)
class PriceTier(Resource):
    """One tier of a ``tiered`` or ``volume`` price; build one to pass in ``tiers=[...]``."""

    _repr_fields = ("up_to", "unit_amount", "flat_amount")

    up_to: int | Literal["inf"] | None = None
    """The last unit this tier covers, or ``"inf"`` for the last tier, which has no bound."""
    unit_amount: int | None = None
    """The price of each unit in this tier, in the currency's minor unit."""
    flat_amount: int | None = None
    """A fixed amount charged once when usage reaches this tier, in the currency's minor unit."""


@attrs.frozen(kw_only=True, repr=False)
class Price(Resource):
    """What a plan costs in one currency: flat, tiered, volume or usage-based."""

    _repr_fields = ("id", "currency", "model", "unit_amount")

    id: str
    """Price id, ``price_`` + ULID."""
    plan_id: str | None = None
    """The plan it belongs to."""
    currency: Currency | None = None
    """ISO 4217 code."""
    model: PriceModel | None = None
    """``flat`` (``unit_amount`` per period), ``tiered`` (each tier's slice at its rate),
    ``volume`` (every unit at the rate of the tier the total falls in) or ``usage``."""
    unit_amount: int | None = None
    """The flat or per-unit amount, in the currency's minor unit."""
    tiers: list[PriceTier] | None = None
    """The tiers of a ``tiered`` or ``volume`` price, ascending, the last up to ``"inf"``."""
    tax_mode: TaxMode | None = None
    """``inclusive`` (tax is part of the amount) or ``exclusive`` (added on top)."""
    active: bool | None = None
    """Whether new subscriptions can use it."""
    created_at: datetime | None = None
    """When it was added."""


@attrs.frozen(kw_only=True, repr=False)
class PortalFeatures(Resource):
    """What a customer may do alone in the billing portal; pass one (or a dict) as
    ``portal_features=``."""

    _repr_fields = (
        "self_serve_cancel",
        "self_serve_pause",
        "self_serve_upgrade",
        "self_serve_downgrade",
        "update_payment_method",
    )

    self_serve_cancel: bool | None = None
    """Cancel the subscription."""
    self_serve_pause: bool | None = None
    """Pause it."""
    self_serve_upgrade: bool | None = None
    """Move to a dearer price."""
    self_serve_downgrade: bool | None = None
    """Move to a cheaper price."""
    update_payment_method: bool | None = None
    """Change the payment method renewals charge."""


@attrs.frozen(kw_only=True, repr=False)
class Plan(Resource):
    """Something sold on a schedule: its interval, trial and the prices it is sold at."""

    _repr_fields = ("id", "name", "interval", "active")
    _events = ("plan.*",)

    id: str
    """Plan id, ``plan_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    name: str | None = None
    """What is sold, as invoices and the portal show it."""
    description: str | None = None
    """A longer description."""
    interval: PlanInterval | None = None
    """The billing period's unit: ``day``, ``week``, ``month`` or ``year``."""
    interval_count: int | None = None
    """How many ``interval`` units one period lasts (1 unless set)."""
    trial_days: int | None = None
    """Free days before the first period (0 for none)."""
    prices: list[Price] | None = None
    """The prices it is sold at, one per currency and model."""
    usage_aggregate: UsageAggregate | None = None
    """How metered usage adds up over a period: ``sum``, ``max`` or ``last``."""
    metered_unit: str | None = None
    """The unit metered usage counts (``api_call``, ``GB``, ...)."""
    portal_features: PortalFeatures | None = None
    """What a customer may do alone in the billing portal."""
    dunning_policy_id: str | None = None
    """The dunning policy that retries failed renewals, if any."""
    active: bool | None = None
    """Whether new subscriptions can start on it (``False`` once archived)."""
    archived_at: datetime | None = None
    """When it was archived."""
    metadata: dict[str, str] | None = None
    """Up to 50 string-to-string entries of the integrator's own data."""
    created_at: datetime | None = None
    """When it was created."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class Subscription(Resource):
    """A customer billed for a plan's price every period until canceled."""

    _repr_fields = ("id", "status", "plan_id", "price_id")
    _events = ("subscription.*",)

    id: str
    """Subscription id, ``sub_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    customer_id: str | None = None
    """The customer billed."""
    plan_id: str | None = None
    """The plan subscribed to."""
    price_id: str | None = None
    """The plan's price each period is billed at."""
    status: SubscriptionStatus | None = None
    """``trialing``, ``active``, ``past_due``, ``canceled``, ``paused`` or ``incomplete``."""
    current_period_start: datetime | None = None
    """When the current period began."""
    current_period_end: datetime | None = None
    """When it ends, and the subscription renews (or cancels, with ``cancel_at`` set)."""
    trial_end: datetime | None = None
    """When the trial ends, during one."""
    cancel_at: datetime | None = None
    """When a cancellation at the period's end takes effect."""
    canceled_at: datetime | None = None
    """When it was canceled."""
    canceled_reason: CancelReason | None = None
    """Why: ``customer_portal``, ``merchant``, ``failed_payment`` or ``user_request``."""
    paused_at: datetime | None = None
    """When it was paused, while paused."""
    default_payment_token_id: str | None = None
    """The saved payment method renewals charge, when set on the subscription."""
    discount_coupon_id: str | None = None
    """The coupon applied to its invoices, if any."""
    collection_method: CollectionMethod | None = None
    """``charge_automatically`` (renewals are charged) or ``send_invoice`` (sent to be paid)."""
    metadata: dict[str, str] | None = None
    """Up to 50 string-to-string entries of the integrator's own data."""
    created_at: datetime | None = None
    """When it was created."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class PortalSession(Resource):
    """A link to the billing portal for one customer; send them to ``url`` before it expires."""

    # Never the URL: it carries a token that lets its holder act as the customer.
    _repr_fields = ("id", "customer_id", "expires_at")

    id: str
    """Portal session id, ``ps_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    customer_id: str | None = None
    """The customer it is for."""
    url: str | None = attrs.field(default=None, repr=False)
    """The portal page, carrying a short-lived token."""
    return_url: str | None = None
    """Where the portal sends the customer back to."""
    expires_at: datetime | None = None
    """When ``url`` stops working."""
    created_at: datetime | None = None
    """When it was made."""
