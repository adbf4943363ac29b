"""``plug.test_clocks``: move one subscription's own clock forward, with test keys only
(SPEC-MONEY §7; SURVEY §1.4)."""

from __future__ import annotations

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.billing import Subscription
from ._base import AsyncResource

__all__ = ["AsyncTestClocks"]

_PATH = "/api/v1/test/clocks/advance"
FIELDS = Fields(
    {
        "subscription_id": Field("subscriptionId", checks.text(255), required=True),
        "days": Field("days", checks.count(1), required=True),
    }
)
"""What an advance sends."""


class AsyncTestClocks(AsyncResource):
    """Play a subscription's future in a test: renewals, trials ending, cancellations due."""

    __slots__ = ()
    __test__ = False  # not a pytest test class: the blocking twin's name starts with "Test"

    async def advance(
        self, *, subscription_id: str, days: int, idempotency_key: str | None = None
    ) -> Subscription:
        """Move a subscription's clock ``days`` ahead (test keys only), running every renewal
        that falls due (``subscription.renewed`` carries ``daysAdvanced``). Returns the
        subscription as it then stands."""
        body = FIELDS.create_body(locals())
        return await self._call(
            Subscription, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )
