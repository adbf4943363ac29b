"""``plug.portal_sessions``: a link to the customer billing portal (SURVEY §1.6)."""

from __future__ import annotations

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.billing import PortalSession
from ._base import AsyncResource

__all__ = ["AsyncPortalSessions"]

_PATH = "/api/v1/portal-sessions"
FIELDS = Fields(
    {
        "customer_id": Field("customerId", checks.prefixed("cus_"), required=True),
        "return_url": Field("returnUrl", checks.text(2048), required=True),
    }
)
"""What a portal session is created with."""


class AsyncPortalSessions(AsyncResource):
    """Send customers to the billing portal to manage their subscriptions."""

    __slots__ = ()

    async def create(
        self, *, customer_id: str, return_url: str, idempotency_key: str | None = None
    ) -> PortalSession:
        """A portal session for a customer: send them to its ``url`` (a short-lived token; the
        portal brings them back to ``return_url``). Returns the session."""
        body = FIELDS.create_body(locals())
        return await self._call(
            PortalSession, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )
