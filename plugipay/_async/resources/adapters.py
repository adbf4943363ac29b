"""``plug.adapters``: payment-provider adapters of the acting workspace."""

from __future__ import annotations

from ..._models import ManagedOnboardingState
from ..._validation import check_choice, check_str, create_body
from ._base import AsyncResource

__all__ = ["AsyncAdapters"]

KINDS = ("xendit",)


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
        check_str("email", email, max_length=320)
        check_choice("kind", kind, KINDS)
        return await self._call(
            ManagedOnboardingState,
            "POST",
            "/api/v1/adapters/managed/onboarding",
            body=create_body({"email": email}),
            idempotency_key=idempotency_key,
        )
