"""``plug.admin``: partner provisioning with a platform-admin key (seed 000, "Admin")."""

from __future__ import annotations

import math

from ..._models import PartnerWorkspace
from ..._urls import quote_segment
from ..._validation import check_str, create_body
from ._base import AsyncResource

__all__ = ["AsyncAdmin"]

_PATH = "/api/v1/admin/workspaces"


class AsyncAdmin(AsyncResource):
    """Provision and read merchant workspaces under a partner's billing."""

    __slots__ = ()

    async def provision_workspace(
        self,
        *,
        account_id: str,
        partner: str,
        discount_rate: float,
        brand_name: str | None = None,
        business_email: str | None = None,
        idempotency_key: str | None = None,
    ) -> PartnerWorkspace:
        """Provision the merchant ``account_id`` under ``partner`` at ``discount_rate``."""
        check_str("account_id", account_id)
        check_str("partner", partner)
        if not account_id or not partner:
            raise ValueError("account_id and partner must not be empty")
        if isinstance(discount_rate, bool) or not isinstance(discount_rate, int | float):
            raise TypeError(f"discount_rate must be a number, not {type(discount_rate).__name__}")
        if not math.isfinite(discount_rate) or not 0 <= discount_rate <= 1:
            raise ValueError(f"discount_rate must be between 0 and 1, got {discount_rate!r}")
        check_str("brand_name", brand_name, max_length=255)
        check_str("business_email", business_email, max_length=320)
        body = create_body(
            {
                "accountId": account_id,
                "partner": partner,
                "discountRate": discount_rate,
                "brandName": brand_name,
                "businessEmail": business_email,
            }
        )
        return await self._call(
            PartnerWorkspace, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )

    async def get_workspace(self, account_id: str) -> PartnerWorkspace:
        """One partner workspace by its merchant account id."""
        path = f"{_PATH}/{quote_segment(account_id, 'account_id')}"
        return await self._call(PartnerWorkspace, "GET", path)
