"""Gift cards and store credit: a balance a buyer spends at the merchant, and the entries that
move it (SURVEY §1.11, §2 "GiftCard", "GiftCardEntry")."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource
from .checkout import Currency
from .workspaces import Mode

__all__ = [
    "GiftCard",
    "GiftCardEntry",
    "GiftCardEntryKind",
    "GiftCardKind",
    "GiftCardMovement",
    "GiftCardStatus",
]

GiftCardStatus: TypeAlias = Literal["active", "redeemed", "void", "expired"] | str
GiftCardKind: TypeAlias = Literal["store_credit", "gift_card"] | str
GiftCardEntryKind: TypeAlias = Literal["issue", "redeem", "topup", "void"] | str


@attrs.frozen(kw_only=True, repr=False)
class GiftCard(Resource):
    """A spendable balance: a gift card anyone holding its ``code`` spends, or store credit of
    one customer."""

    _repr_fields = ("id", "status", "balance", "currency")
    _events = ("gift_card.*",)

    id: str
    """Gift card id."""
    arn: str | None = None
    """Fully qualified resource name."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    mode: Mode | None = None
    """``test`` or ``live``: the mode of the key that issued it."""
    code: str | None = None
    """The redemption code a buyer gives; ``gift_cards.get(code)`` finds the card by it."""
    currency: Currency | None = None
    """ISO 4217 code."""
    initial_balance: int | None = None
    """What it was issued with, in the currency's minor unit."""
    balance: int | None = None
    """What is left to spend."""
    status: GiftCardStatus | None = None
    """``active``, ``redeemed`` (spent), ``void`` or ``expired``."""
    customer_id: str | None = None
    """The customer whose store credit it is, if any."""
    kind: GiftCardKind | None = None
    """``gift_card``, or ``store_credit`` (issued to a customer)."""
    expires_at: datetime | None = None
    """When it expires, if ever."""
    note: str | None = None
    """The merchant's own note."""
    issued_source: str | None = None
    """The system that issued it, if the issuer said."""
    issued_ref: str | None = None
    """That system's reference for the issue."""
    metadata: dict[str, str] | None = None
    """The integrator's own string-to-string data."""
    created_at: datetime | None = None
    """When it was issued."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class GiftCardEntry(Resource):
    """One change of a gift card's balance: its issue, a redemption, a top-up or its void."""

    _repr_fields = ("id", "kind", "delta", "balance_after")

    id: str
    """Gift card entry id."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    gift_card_id: str | None = None
    """The gift card it changed."""
    kind: GiftCardEntryKind | None = None
    """``issue``, ``redeem``, ``topup`` or ``void``."""
    delta: int | None = None
    """The change of balance: negative for a redemption or a void."""
    balance_after: int | None = None
    """The balance after it."""
    currency: Currency | None = None
    """ISO 4217 code."""
    external_source: str | None = None
    """The system that asked for it (a POS, a shop); with ``external_ref``, what makes a
    redemption or top-up happen once."""
    external_ref: str | None = None
    """That system's reference for it."""
    checkout_session_id: str | None = None
    """The checkout session a redemption paid towards, if any."""
    ledger_tx_id: str | None = None
    """The ledger transaction it posted."""
    note: str | None = None
    """The merchant's own note."""
    created_at: datetime | None = None
    """When it happened."""


@attrs.frozen(kw_only=True, repr=False)
class GiftCardMovement(Resource):
    """What a redemption or a top-up returns: the card after it, and the entry it made."""

    _repr_fields = ("gift_card", "entry")

    gift_card: GiftCard | None = None
    """The gift card after the change."""
    entry: GiftCardEntry | None = None
    """The entry the change made (the earlier one, when the same external reference repeats)."""
