"""Invoices: what a customer owes, line by line, billed once or by a subscription's renewal
(SPEC-MONEY §4, SURVEY §1.3, §2 "Invoice")."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource
from .checkout import Currency

__all__ = ["Invoice", "InvoiceEmail", "InvoiceLine", "InvoiceStatus"]

InvoiceStatus: TypeAlias = (
    Literal["draft", "open", "past_due", "paid", "void", "uncollectible"] | str
)


@attrs.frozen(kw_only=True, repr=False)
class InvoiceLine(Resource):
    """One line of an invoice; build one (or a dict) to pass in ``lines=[...]``."""

    _repr_fields = ("description", "quantity", "unit_amount", "amount")

    id: str | None = None
    """Invoice line id, ``il_`` + ULID (assigned by Plugipay)."""
    description: str | None = None
    """What is billed, as the invoice shows it."""
    quantity: int | None = None
    """How many, 1 or more."""
    unit_amount: int | None = None
    """The price of one, in the currency's minor unit."""
    amount: int | None = None
    """``quantity`` × ``unit_amount`` (computed by Plugipay)."""
    price_id: str | None = None
    """The plan price this line bills, when it bills one."""
    metadata: dict[str, str] | None = None
    """The integrator's own data on this line."""


@attrs.frozen(kw_only=True, repr=False)
class Invoice(Resource):
    """A bill: ``draft``, then ``open`` once finalized, then ``paid`` or ``void``."""

    _repr_fields = ("id", "number", "status", "total", "currency")
    _events = ("invoice.*",)

    id: str
    """Invoice id, ``inv_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    customer_id: str | None = None
    """The customer billed."""
    subscription_id: str | None = None
    """The subscription whose period it bills, if any."""
    status: InvoiceStatus | None = None
    """``draft``, ``open``, ``past_due``, ``paid``, ``void`` or ``uncollectible``."""
    number: str | None = None
    """The workspace's sequential invoice number (``INV-000001``), once finalized."""
    currency: Currency | None = None
    """ISO 4217 code."""
    subtotal: int | None = None
    """Σ quantity × unit amount of the lines, in the currency's minor unit."""
    discount: int | None = None
    """Taken off the subtotal."""
    tax: int | None = None
    """Added to it."""
    total: int | None = None
    """``subtotal`` − ``discount`` + ``tax``."""
    amount_paid: int | None = None
    """What has been paid so far."""
    amount_due: int | None = None
    """``total`` − ``amount_paid``."""
    due_at: datetime | None = None
    """When payment is due."""
    issued_at: datetime | None = None
    """When it was finalized."""
    paid_at: datetime | None = None
    """When it was paid."""
    voided_at: datetime | None = None
    """When it was voided."""
    hosted_invoice_url: str | None = None
    """The page where the customer sees and pays it, once finalized."""
    charge_id: str | None = None
    """The charge that paid it (in the answer to ``get`` only): what a refund takes."""
    collection_attempts: int | None = None
    """How many times payment was attempted."""
    lines: list[InvoiceLine] | None = None
    """What is billed, line by line."""
    metadata: dict[str, str] | None = None
    """Up to 50 string-to-string entries of the integrator's own data."""
    created_at: datetime | None = None
    """When it was created."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class InvoiceEmail(Resource):
    """The answer to emailing an invoice: whether it went, and to whom."""

    _repr_fields = ("sent",)

    sent: bool | None = None
    """Whether the email was sent."""
    to: str | None = None
    """The address it was sent to."""
