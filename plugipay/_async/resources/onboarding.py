"""``plug.onboarding``: managed sub-accounts for the acting workspace."""

from __future__ import annotations

from ..._models.platform import ManagedSubAccount
from ._base import AsyncResource

__all__ = ["AsyncOnboarding"]


class AsyncOnboarding(AsyncResource):
    """Provision a managed sub-account (new merchant plus managed adapter onboarding)."""

    __slots__ = ()

    async def provision_managed(self, *, idempotency_key: str | None = None) -> ManagedSubAccount:
        """Create the managed sub-account; returns its ``sub_account_id``."""
        return await self._call(
            ManagedSubAccount,
            "POST",
            "/api/v1/onboarding/provision-managed",
            idempotency_key=idempotency_key,
        )
