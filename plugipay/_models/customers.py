"""Customers: the people who pay a workspace (SPEC §7 "Customer")."""

from datetime import datetime
from typing import Any

import attrs

from ._base import Resource, expanded

__all__ = ["Customer"]


@attrs.frozen(kw_only=True, repr=False)
class Customer(Resource):
    """Someone who can pay the workspace: the record under payments, subscriptions and invoices."""

    _repr_fields = ("id", "external_id")
    _events = ("plugipay.customer.*",)

    id: str
    """Customer id, ``cus_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name, ``arn:plugipay:<accountId>:customer/<id>``."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    external_id: str | None = None
    """The integrator's own id for this person; unique per workspace (the dedupe key)."""
    email: str | None = None
    """Primary contact email; not unique."""
    name: str | None = None
    """Display name on receipts and the dashboard."""
    phone: str | None = None
    """Free-form phone number."""
    tax_id: str | None = None
    """NPWP / VAT number shown on invoices."""
    default_payment_token_id: str | None = None
    """The stored payment token (``pt_``) charged by default."""
    default_payment_token: dict[str, Any] | None = expanded()
    """That payment token's object, present only when asked for with ``expand``."""
    metadata: dict[str, str] | None = None
    """Up to 50 string-to-string entries of the integrator's own data."""
    created_at: datetime | None = None
    """When the customer was created."""
    updated_at: datetime | None = None
    """When the customer last changed."""
