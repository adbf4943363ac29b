"""``plug.billing``: Plugipay's own tiers and plans for the merchant (SURVEY §1.16, §2
"BillingTier"); not the merchant's billing of its customers (``plug.plans``,
``plug.subscriptions``)."""

from __future__ import annotations

from ..._models.platform import BillingPlan, BillingTier
from ._base import AsyncResource

__all__ = ["AsyncBilling"]

_PATH = "/api/v1/billing"


class AsyncBilling(AsyncResource):
    """What Plugipay itself offers a merchant: its tiers (fees, limits) and plans (prices)."""

    __slots__ = ()

    async def tiers(self) -> list[BillingTier]:
        """Plugipay's tiers, with their prices, channel fee and limits."""
        return await self._call_list(BillingTier, "GET", f"{_PATH}/tiers")

    async def plans(self) -> list[BillingPlan]:
        """Plugipay's plans as its pricing page lists them."""
        return await self._call_list(BillingPlan, "GET", f"{_PATH}/plans")
