"""``plug.admin``: partner provisioning with a platform-admin key (seed 000, "Admin")."""

from __future__ import annotations

import math
from datetime import date, datetime

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.platform import PartnerUsage, PartnerWorkspace
from ..._urls import quote_segment
from ..._validation import check_date_or_datetime, date_or_datetime_wire
from ._base import AsyncResource

__all__ = ["AsyncAdmin"]

_PATH = "/api/v1/admin/workspaces"


def _rate(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")


FIELDS = Fields(
    {
        "account_id": Field("accountId", checks.prefixed("acc_"), required=True),
        "partner": Field("partner", checks.text(255), required=True),
        "discount_rate": Field("discountRate", _rate, required=True),
        "brand_name": Field("brandName", checks.text(255)),
        "business_email": Field("businessEmail", checks.email()),
    }
)
"""The fields of a partner workspace."""


class AsyncAdmin(AsyncResource):
    """Provision and read merchant workspaces under a partner's billing, and what the partner
    owes for them."""

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
        body = FIELDS.create_body(locals())
        return await self._call(
            PartnerWorkspace, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )

    async def get_workspace(self, account_id: str) -> PartnerWorkspace:
        """One partner workspace by its merchant account id."""
        path = f"{_PATH}/{quote_segment(account_id, 'account_id')}"
        return await self._call(PartnerWorkspace, "GET", path)

    async def partner_usage(
        self,
        *,
        partner: str,
        from_: datetime | date | str,
        to: datetime | date | str,
    ) -> PartnerUsage:
        """What ``partner`` owes for its merchants from ``from_`` to ``to`` (a ``date``, sent
        ``YYYY-MM-DD``, a ``datetime``, sent ISO 8601 UTC, or an ISO string): each merchant's
        payments, volume and fee after the partner's discount, and the total."""
        checks.text(255)("partner", partner)
        check_date_or_datetime("from_", from_, required=True)
        check_date_or_datetime("to", to, required=True)
        query = [
            ("partner", partner),
            ("from", date_or_datetime_wire(from_)),
            ("to", date_or_datetime_wire(to)),
        ]
        return await self._call(PartnerUsage, "GET", "/api/v1/admin/partner/usage", query=query)
