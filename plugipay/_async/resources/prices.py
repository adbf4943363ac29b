"""``plug.prices``: switch a plan's price on or off, or delete it (SURVEY §1.5). Prices are
added with ``plug.plans.add_price`` and read with their plan."""

from __future__ import annotations

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.billing import Price
from ..._urls import quote_segment
from ._base import AsyncResource

__all__ = ["AsyncPrices"]

_PATH = "/api/v1/prices"
FIELDS = Fields(
    {"active": Field("active", checks.boolean(), clearable=False, required=True)},
    path_ids=frozenset({"price_id"}),
)
"""The one writable price field."""


def _price_path(price_id: str) -> str:
    return f"{_PATH}/{quote_segment(price_id, 'price_id')}"


class AsyncPrices(AsyncResource):
    """Turn prices on and off, and delete them."""

    __slots__ = ()

    async def update(
        self, price_id: str, *, active: bool, idempotency_key: str | None = None
    ) -> Price:
        """Make a price available to new subscriptions (``active=True``) or not; returns it."""
        body = FIELDS.create_body(locals())
        return await self._call(
            Price, "PATCH", _price_path(price_id), body=body, idempotency_key=idempotency_key
        )

    async def delete(self, price_id: str, *, idempotency_key: str | None = None) -> None:
        """Delete a price no subscription uses."""
        await self._call_no_content(
            "DELETE", _price_path(price_id), idempotency_key=idempotency_key
        )
