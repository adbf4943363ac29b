"""``plug.adapters``: payment-provider adapters of the acting workspace."""

from __future__ import annotations

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.platform import ManagedOnboardingState
from ._base import AsyncResource

__all__ = ["AsyncAdapters"]

KINDS = ("xendit",)
ONBOARDING_FIELDS = Fields(
    {
        "email": Field("email", checks.email()),
        "kind": Field("kind", checks.choice(*KINDS)),
    }
)
"""The fields of a managed onboarding start."""


class AsyncAdapters(AsyncResource):
    """Start managed onboarding with a payment provider."""

    __slots__ = ()

    async def start_managed_onboarding(
        self,
        *,
        email: str | None = None,
        kind: str = "xendit",
        idempotency_key: str | None = None,
    ) -> ManagedOnboardingState:
        """Start managed onboarding (``kind`` names the provider); returns its state."""
        body = ONBOARDING_FIELDS.create_body(locals())
        return await self._call(
            ManagedOnboardingState,
            "POST",
            "/api/v1/adapters/managed/onboarding",
            body=body,
            idempotency_key=idempotency_key,
        )
