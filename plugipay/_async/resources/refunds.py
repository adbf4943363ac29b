"""``plug.refunds``: give money back against a paid checkout session or invoice (SPEC-MONEY §4;
SURVEY §1.2). There is no update or cancel."""

from __future__ import annotations

import builtins
from collections.abc import Mapping

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.refunds import Refund
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncRefunds"]

_PATH = "/api/v1/refunds"
ORDERS = ("asc", "desc")
FIELDS = Fields(
    {
        "charge_id": Field("chargeId", checks.text(255)),
        "source_type": Field("sourceType", checks.text(64)),
        "source_id": Field("sourceId", checks.text(255)),
        "amount": Field("amount", checks.amount()),
        "reason": Field("reason", checks.text(64)),
        "metadata": Field("metadata", checks.metadata()),
    }
)
"""What a refund is created with."""


def _check_target(charge_id: object, source_type: object, source_id: object) -> None:
    """Exactly one way to name what is refunded: ``charge_id``, or ``source_type`` with
    ``source_id``."""
    has_source = source_type is not None or source_id is not None
    if charge_id is not None and has_source:
        raise ValueError("give either charge_id or source_type and source_id, not both")
    if charge_id is None and not has_source:
        raise ValueError("give charge_id, or source_type and source_id, to say what to refund")
    if has_source and (source_type is None or source_id is None):
        missing = "source_id" if source_id is None else "source_type"
        raise ValueError(f"{missing} is required with source_type and source_id")


class AsyncRefunds(AsyncResource):
    """Refund a charge in part or in full; read and list refunds."""

    __slots__ = ()

    async def create(
        self,
        *,
        charge_id: str | None = None,
        source_type: str | None = None,
        source_id: str | None = None,
        amount: int | None = None,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Refund:
        """Refund ``amount`` (an ``int`` in the currency's minor unit; by default all that is left)
        of a charge: name it by ``charge_id`` (a session's ``payment_id``), or by
        ``source_type`` (``checkout_session`` or ``invoice``) and ``source_id``. ``reason`` is
        ``requested_by_customer``, ``duplicate``, ``fraudulent`` or ``other``. Returns the refund;
        one the provider refused raises ``UnprocessableEntityError`` (``provider_declined``)."""
        body = FIELDS.create_body(locals())
        _check_target(charge_id, source_type, source_id)
        return await self._call(Refund, "POST", _PATH, body=body, idempotency_key=idempotency_key)

    async def get(self, refund_id: str) -> Refund:
        """One refund by ``rf_`` id."""
        return await self._call(Refund, "GET", f"{_PATH}/{quote_segment(refund_id, 'refund_id')}")

    retrieve = get

    def list(
        self,
        *,
        charge_id: str | None = None,
        status: str | None = None,
        order: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncCursorPaginator[Refund]:
        """Refunds of the key's mode, newest first unless ``order="asc"``."""
        check_str("charge_id", charge_id, max_length=255)
        check_str("status", status, max_length=64)
        check_choice("order", order, ORDERS)
        check_limit(limit)
        check_cursor(cursor)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("chargeId", charge_id),
            ("status", status),
            ("order", order),
        ]
        return self._paginate(Refund, _PATH, query, cursor)
