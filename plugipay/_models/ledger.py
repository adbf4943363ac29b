"""The books: double-entry ledger entries, the balance of each account, and the reports computed
from them (SPEC-MONEY §5, SURVEY §1.9, §2 "LedgerEntry", "PnLReport", "CashFlowReport")."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource
from .checkout import Currency

__all__ = [
    "CashFlowBucket",
    "CashFlowReport",
    "LedgerAccountCode",
    "LedgerBalance",
    "LedgerDirection",
    "LedgerEntry",
    "PnLLine",
    "PnLReport",
]

LedgerAccountCode: TypeAlias = (
    Literal[
        "balance", "revenue", "platform_fees", "refunds", "payouts", "gift_card_liability", "tax"
    ]
    | str
)
LedgerDirection: TypeAlias = Literal["debit", "credit"] | str


@attrs.frozen(kw_only=True, repr=False)
class LedgerEntry(Resource):
    """One side of a money movement: the entries of one ``tx_id`` balance (Σ debits = Σ
    credits)."""

    _repr_fields = ("id", "code", "direction", "amount", "currency")

    id: str
    """Ledger entry id."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    tx_id: str | None = None
    """The transaction this entry belongs to; its entries balance."""
    code: LedgerAccountCode | None = None
    """The ledger account: ``balance``, ``revenue``, ``platform_fees``, ``refunds``,
    ``payouts``, ``gift_card_liability`` or ``tax``."""
    direction: LedgerDirection | None = None
    """``debit`` or ``credit``."""
    amount: int | None = None
    """The amount, in the currency's minor unit; never negative (``direction`` gives the sign)."""
    currency: Currency | None = None
    """ISO 4217 code."""
    source_type: str | None = None
    """What moved the money (``checkout_session``, ``refund``, ``payout``, ``gift_card``, ...)."""
    source_id: str | None = None
    """The id of what moved the money."""
    memo: str | None = None
    """A short description."""
    posted_at: datetime | None = None
    """When it was posted."""


@attrs.frozen(kw_only=True, repr=False)
class LedgerBalance(Resource):
    """One ledger account's totals; the balances of all accounts sum to zero."""

    _repr_fields = ("code", "balance")

    code: LedgerAccountCode | None = None
    """The ledger account."""
    debits: int | None = None
    """The sum of its debit entries."""
    credits: int | None = None
    """The sum of its credit entries."""
    balance: int | None = None
    """``debits`` − ``credits``."""


@attrs.frozen(kw_only=True, repr=False)
class PnLLine(Resource):
    """One ledger account's amount in a profit-and-loss report."""

    _repr_fields = ("code", "amount")

    code: LedgerAccountCode | None = None
    """The ledger account."""
    amount: int | None = None
    """Its amount over the report's window, in the currency's minor unit."""


@attrs.frozen(kw_only=True, repr=False)
class PnLReport(Resource):
    """Profit and loss over a window, computed from the ledger."""

    _repr_fields = ("from_", "to", "currency", "net")

    # The server's ``from`` and ``to`` as it sends them: a date (``2026-05-01``) or an ISO 8601
    # timestamp, whichever the request gave.
    from_: str | None = None
    """The window's start (wire name ``from``), as the server echoes it."""
    to: str | None = None
    """The window's end, as the server echoes it."""
    currency: Currency | None = None
    """ISO 4217 code of every amount."""
    revenue: int | None = None
    """What buyers paid."""
    refunds: int | None = None
    """What was given back."""
    platform_fees: int | None = None
    """What Plugipay took in fees."""
    tax: int | None = None
    """Tax collected."""
    net: int | None = None
    """What the merchant kept over the window, as Plugipay computes it."""
    lines: list[PnLLine] | None = None
    """The amount of each ledger account over the window."""


@attrs.frozen(kw_only=True, repr=False)
class CashFlowBucket(Resource):
    """One day of a cash-flow report."""

    _repr_fields = ("day", "inflow", "outflow", "net")

    day: str | None = None
    """The day, ``YYYY-MM-DD`` (UTC)."""
    inflow: int | None = None
    """Money into the balance that day."""
    outflow: int | None = None
    """Money out of the balance that day."""
    net: int | None = None
    """``inflow`` − ``outflow``."""


@attrs.frozen(kw_only=True, repr=False)
class CashFlowReport(Resource):
    """Money into and out of the balance over a window, day by day, computed from the ledger."""

    _repr_fields = ("from_", "to", "currency", "net")

    from_: str | None = None
    """The window's start (wire name ``from``), as the server echoes it."""
    to: str | None = None
    """The window's end, as the server echoes it."""
    currency: Currency | None = None
    """ISO 4217 code of every amount."""
    total_inflow: int | None = None
    """Money into the balance over the window."""
    total_outflow: int | None = None
    """Money out of the balance over the window."""
    net: int | None = None
    """``total_inflow`` − ``total_outflow``."""
    buckets: list[CashFlowBucket] | None = None
    """Day by day."""
