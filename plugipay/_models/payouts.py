"""Payouts: money sent from the merchant's Plugipay balance to their bank, the balance they can
pay out, and the bank account payouts go to (SPEC-MONEY §5, SURVEY §1.8, §2 "Payout")."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource
from .checkout import Currency

__all__ = ["AvailableBalance", "BankAccount", "Payout", "PayoutMethod", "PayoutStatus"]

# ``cancelled`` with a double l: Plugipay spells it so for payouts only (``canceled`` elsewhere).
PayoutStatus: TypeAlias = Literal["pending", "in_transit", "paid", "failed", "cancelled"] | str
PayoutMethod: TypeAlias = Literal["manual", "xendit_disbursement"] | str


@attrs.frozen(kw_only=True, repr=False)
class Payout(Resource):
    """Money on its way from the Plugipay balance to a bank account: ``pending``, then
    ``in_transit`` and ``paid``; or ``cancelled`` while pending, ``failed`` before it is paid."""

    _repr_fields = ("id", "status", "amount", "currency")
    _events = ("payout.*",)

    id: str
    """Payout id, ``po_`` + ULID."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    amount: int | None = None
    """What is paid out, in the currency's minor unit (IDR: whole rupiah; USD, SGD: cents)."""
    currency: Currency | None = None
    """ISO 4217 code."""
    status: PayoutStatus | None = None
    """``pending``, ``in_transit``, ``paid``, ``failed`` or ``cancelled`` (double l)."""
    method: PayoutMethod | None = None
    """How the money moves: ``manual`` or ``xendit_disbursement``."""
    bank_code: str | None = None
    """The receiving bank's code (e.g. ``BCA``), when known."""
    bank_name: str | None = None
    """The receiving bank's name."""
    bank_account_number: str | None = None
    """The receiving account's number."""
    bank_account_holder: str | None = None
    """The name the receiving account is held in."""
    note: str | None = None
    """The merchant's own note."""
    reference: str | None = None
    """The bank's or provider's transfer reference, once in transit or paid."""
    failure_reason: str | None = None
    """Why it failed, when it did."""
    ledger_transaction_id: str | None = None
    """The ledger transaction (``tx_id`` of its entries) the paid payout posted."""
    processed_at: datetime | None = None
    """When it went in transit."""
    completed_at: datetime | None = None
    """When it was paid (or failed, or was cancelled)."""
    created_at: datetime | None = None
    """When it was requested."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class AvailableBalance(Resource):
    """What the merchant may pay out: the ledger's ``balance`` account less what pending and
    in-transit payouts hold."""

    _repr_fields = ("available", "locked", "currency")

    ledger_balance: int | None = None
    """The ``balance`` account of the ledger, in the currency's minor unit."""
    locked: int | None = None
    """Held by payouts that are pending or in transit."""
    available: int | None = None
    """``ledger_balance`` − ``locked``: what a new payout may take."""
    currency: Currency | None = None
    """ISO 4217 code, when the workspace has one."""


@attrs.frozen(kw_only=True, repr=False)
class BankAccount(Resource):
    """The bank account payouts go to unless a payout names another."""

    _repr_fields = ("bank_name", "configured")

    bank_code: str | None = None
    """The bank's code (e.g. ``BCA``)."""
    bank_name: str | None = None
    """The bank's name."""
    bank_account_number: str | None = None
    """The account's number."""
    bank_account_holder: str | None = None
    """The name the account is held in."""
    configured: bool | None = None
    """Whether an account has been saved."""
