"""``plug.gift_cards``: issue gift cards and store credit, find one by its code, and redeem, top
up or void it (SURVEY §1.11).

A redemption or a top-up happens once per ``(external_source, external_ref)``: the same pair
again returns the first one's entry, whatever its idempotency key.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.gift_cards import GiftCard, GiftCardMovement
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncGiftCards"]

_PATH = "/api/v1/gift-cards"
ORDERS = ("asc", "desc")
_NOTE = Field("note", checks.text(2000))
FIELDS = Fields(
    {
        "amount": Field("amount", checks.amount(), required=True),
        "currency": Field("currency", checks.currency()),
        "customer_id": Field("customerId", checks.prefixed("cus_")),
        "code": Field("code", checks.text(64)),
        "expires_at": Field("expiresAt", checks.timestamp(), convert=checks.timestamp_wire),
        "note": _NOTE,
        "metadata": Field("metadata", checks.metadata()),
        "kind": Field("kind", checks.text(64)),
        "issued_source": Field("issuedSource", checks.text(255)),
        "issued_ref": Field("issuedRef", checks.text(255)),
    }
)
"""What a gift card is issued with; it is never updated (top it up or void it)."""
MOVEMENT_FIELDS = Fields(
    {
        "amount": Field("amount", checks.amount(), required=True),
        "external_source": Field("externalSource", checks.text(255), required=True),
        "external_ref": Field("externalRef", checks.text(255), required=True),
        "checkout_session_id": Field("checkoutSessionId", checks.prefixed("cs_")),
        "note": _NOTE,
    },
    path_ids=frozenset({"gift_card_id"}),
)
"""What a redemption or a top-up is made with."""
VOID_FIELDS = Fields({"note": _NOTE}, path_ids=frozenset({"gift_card_id"}))


def _card_path(gift_card_id: str, *rest: str, name: str = "gift_card_id") -> str:
    return "/".join((_PATH, quote_segment(gift_card_id, name), *rest))


class AsyncGiftCards(AsyncResource):
    """Issue gift cards and store credit; list them; find one by code; redeem, top up and void
    them."""

    __slots__ = ()

    async def issue(
        self,
        *,
        amount: int,
        currency: str | None = None,
        customer_id: str | None = None,
        code: str | None = None,
        expires_at: datetime | str | None = None,
        note: str | None = None,
        metadata: Mapping[str, str] | None = None,
        kind: str | None = None,
        issued_source: str | None = None,
        issued_ref: str | None = None,
        idempotency_key: str | None = None,
    ) -> GiftCard:
        """A new gift card holding ``amount`` (an ``int`` in the currency's minor unit); with
        ``customer_id`` it is that customer's store credit. Without ``code`` Plugipay makes one.
        Returns the card."""
        body = FIELDS.create_body(locals())
        return await self._call(GiftCard, "POST", _PATH, body=body, idempotency_key=idempotency_key)

    def list(
        self,
        *,
        status: str | None = None,
        customer_id: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncCursorPaginator[GiftCard]:
        """Gift cards of the key's mode, newest first unless ``order="asc"``."""
        check_str("status", status, max_length=64)
        check_str("customer_id", customer_id, max_length=255)
        check_limit(limit)
        check_cursor(cursor)
        check_choice("order", order, ORDERS)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("status", status),
            ("customerId", customer_id),
            ("order", order),
        ]
        return self._paginate(GiftCard, _PATH, query, cursor)

    async def get(self, code: str) -> GiftCard:
        """One gift card by its redemption ``code`` (not its id): what a buyer gives at the
        till."""
        return await self._call(GiftCard, "GET", _card_path(code, name="code"))

    retrieve = get

    async def redeem(
        self,
        gift_card_id: str,
        *,
        amount: int,
        external_source: str,
        external_ref: str,
        checkout_session_id: str | None = None,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> GiftCardMovement:
        """Spend ``amount`` of the card (at most its balance), once per ``(external_source,
        external_ref)``; returns the card after it and the ``redeem`` entry."""
        body = MOVEMENT_FIELDS.create_body(locals())
        path = _card_path(gift_card_id, "redeem")
        return await self._call(
            GiftCardMovement, "POST", path, body=body, idempotency_key=idempotency_key
        )

    async def topup(
        self,
        gift_card_id: str,
        *,
        amount: int,
        external_source: str,
        external_ref: str,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> GiftCardMovement:
        """Add ``amount`` to the card, once per ``(external_source, external_ref)``; returns the
        card after it and the ``topup`` entry."""
        body = MOVEMENT_FIELDS.create_body(locals())
        path = _card_path(gift_card_id, "topup")
        return await self._call(
            GiftCardMovement, "POST", path, body=body, idempotency_key=idempotency_key
        )

    async def void(
        self, gift_card_id: str, *, note: str | None = None, idempotency_key: str | None = None
    ) -> GiftCard:
        """Void the card: its balance can no longer be spent. Returns it, ``void``."""
        body = VOID_FIELDS.create_body(locals())
        path = _card_path(gift_card_id, "void")
        return await self._call(GiftCard, "POST", path, body=body, idempotency_key=idempotency_key)
