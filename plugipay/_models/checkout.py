"""Checkout sessions: how a merchant takes a payment, and the receipt a paid one issues
(SPEC-MONEY §4, SURVEY §2 "CheckoutSession", "ReceiptSummary")."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource
from .workspaces import Mode

__all__ = [
    "CheckoutCustomer",
    "CheckoutMethod",
    "CheckoutSession",
    "CheckoutSessionStatus",
    "Currency",
    "LineItem",
    "Receipt",
    "ReceiptSourceType",
]

# Known values first, for readers and editors; ``| str`` keeps any value the API adds later.
Currency: TypeAlias = Literal["IDR", "USD", "SGD"] | str
CheckoutSessionStatus: TypeAlias = (
    Literal["open", "pending", "pending_review", "completed", "failed", "expired", "canceled"] | str
)
CheckoutMethod: TypeAlias = (
    Literal["qris", "va", "ewallet", "card", "retail", "paypal", "bank_transfer"] | str
)
ReceiptSourceType: TypeAlias = Literal["checkout_session", "invoice"] | str


@attrs.frozen(kw_only=True, repr=False)
class LineItem(Resource):
    """One line of what the buyer pays for; build one to pass as ``line_items=[...]``."""

    _repr_fields = ("name", "quantity", "unit_amount")

    name: str | None = None
    """What is sold, as the checkout page and the receipt show it."""
    quantity: int | None = None
    """How many, 1 or more."""
    unit_amount: int | None = None
    """The price of one, in the currency's minor unit (IDR: whole rupiah; USD, SGD: cents)."""


@attrs.frozen(kw_only=True, repr=False)
class CheckoutCustomer(Resource):
    """The customer a checkout session is for, as the session carries it."""

    _repr_fields = ("id", "external_id")

    id: str
    """Customer id, ``cus_`` + ULID."""
    name: str | None = None
    """Display name."""
    email: str | None = None
    """Contact email."""
    phone: str | None = None
    """Free-form phone number."""
    external_id: str | None = None
    """The integrator's own id for this person."""


@attrs.frozen(kw_only=True, repr=False)
class CheckoutSession(Resource):
    """A payment to take: the buyer pays it on ``hosted_url``; ``payment_id`` is then the charge
    a refund takes."""

    _repr_fields = ("id", "status", "amount", "currency")
    _events = ("checkout_session.*",)

    id: str
    """Checkout session id, ``cs_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    workspace_name: str | None = None
    """The workspace's display name, as the checkout page shows it."""
    customer_id: str | None = None
    """The customer (``cus_``) paying, when the session names one."""
    customer: CheckoutCustomer | None = None
    """That customer's contact details."""
    mode: Mode | None = None
    """``test`` or ``live``: the mode of the key that made it."""
    status: CheckoutSessionStatus | None = None
    """``open``, ``pending``, ``pending_review``, ``completed``, ``failed``, ``expired`` or
    ``canceled``."""
    amount: int | None = None
    """What the buyer pays, in the currency's minor unit (IDR: whole rupiah; USD, SGD: cents)."""
    currency: Currency | None = None
    """ISO 4217 code: ``IDR``, ``USD`` or ``SGD``."""
    methods: list[CheckoutMethod] | None = None
    """The payment methods offered (``qris``, ``va``, ``ewallet``, ``card``, ``retail``,
    ``paypal``)."""
    payment_method: CheckoutMethod | None = None
    """The method the buyer paid with, once paid (``qris``, ``bank_transfer``, ...)."""
    adapter: str | None = None
    """The payment provider that took the payment, once paid."""
    line_items: list[LineItem] | None = None
    """What is sold, line by line."""
    success_url: str | None = None
    """Where the buyer goes after paying."""
    cancel_url: str | None = None
    """Where the buyer goes on giving up."""
    hosted_url: str | None = None
    """The checkout page to send the buyer to."""
    expires_at: datetime | None = None
    """When an unpaid session expires (24 hours after creation by default)."""
    completed_at: datetime | None = None
    """When it was paid."""
    payment_id: str | None = None
    """The charge once paid: what ``refunds.create(charge_id=...)`` takes."""
    metadata: dict[str, str] | None = None
    """Up to 50 string-to-string entries of the integrator's own data."""
    created_at: datetime | None = None
    """When the session was created."""
    updated_at: datetime | None = None
    """When the session last changed."""


@attrs.frozen(kw_only=True, repr=False)
class Receipt(Resource):
    """The receipt issued when a checkout session (or an invoice) is paid."""

    _repr_fields = ("id", "number", "amount", "currency")

    id: str
    """Receipt id, ``rcpt_`` + ULID."""
    number: str | None = None
    """The workspace's sequential receipt number, e.g. ``RCPT-000001``."""
    source_type: ReceiptSourceType | None = None
    """What was paid: ``checkout_session`` or ``invoice``."""
    source_id: str | None = None
    """The id of what was paid."""
    customer_id: str | None = None
    """The customer who paid, when known."""
    amount: int | None = None
    """The amount paid, in the currency's minor unit."""
    currency: Currency | None = None
    """ISO 4217 code."""
    method: CheckoutMethod | None = None
    """The payment method used."""
    adapter: str | None = None
    """The payment provider that took the payment."""
    line_items: list[LineItem] | None = None
    """What was sold, line by line, when the receipt lists it."""
    issued_at: datetime | None = None
    """When the receipt was issued."""
    emailed_at: datetime | None = None
    """When it was last emailed, if ever."""
    emailed_to: str | None = None
    """The address it was last emailed to."""
