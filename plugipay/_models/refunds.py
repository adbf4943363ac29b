"""Refunds: money given back against a paid checkout session or invoice (SPEC-MONEY §4,
SURVEY §2 "Refund")."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource
from .checkout import Currency

__all__ = ["Refund", "RefundReason", "RefundStatus"]

RefundReason: TypeAlias = Literal["requested_by_customer", "duplicate", "fraudulent", "other"] | str
RefundStatus: TypeAlias = Literal["pending", "succeeded", "failed", "canceled"] | str


@attrs.frozen(kw_only=True, repr=False)
class Refund(Resource):
    """A refund of part or all of a charge; a provider's refusal keeps it with status ``failed``."""

    _repr_fields = ("id", "status", "amount", "currency")
    _events = ("refund.*",)

    id: str
    """Refund id, ``rf_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    charge_id: str | None = None
    """The charge refunded (a checkout session's ``payment_id`` or an invoice's ``charge_id``)."""
    invoice_id: str | None = None
    """The invoice refunded, when it was one."""
    amount: int | None = None
    """The amount refunded, in the currency's minor unit."""
    currency: Currency | None = None
    """ISO 4217 code of the charge."""
    reason: RefundReason | None = None
    """``requested_by_customer``, ``duplicate``, ``fraudulent`` or ``other``."""
    status: RefundStatus | None = None
    """``pending``, ``succeeded`` or ``failed``."""
    failure_code: str | None = None
    """Why the provider refused it, when it did."""
    failure_message: str | None = None
    """The provider's own words for the refusal."""
    metadata: dict[str, str] | None = None
    """Up to 50 string-to-string entries of the integrator's own data."""
    created_at: datetime | None = None
    """When the refund was made."""
    updated_at: datetime | None = None
    """When it last changed."""
