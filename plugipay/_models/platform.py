"""What a platform provisions for its merchants: partner workspaces, managed sub-accounts and
adapter onboarding (seed 000)."""

from datetime import datetime
from typing import Any

import attrs

from ._base import Resource

__all__ = ["ManagedOnboardingState", "ManagedSubAccount", "PartnerWorkspace"]


@attrs.frozen(kw_only=True, repr=False)
class PartnerWorkspace(Resource):
    """A workspace provisioned under a platform partner's billing."""

    _repr_fields = ("account_id", "partner")

    account_id: str | None = None
    """The provisioned workspace's account id, ``acc_`` + ULID."""
    partner: str | None = None
    """The partner it is billed through (``storlaunch``, ``fulkruma``, ...)."""
    discount_rate: float | None = None
    """The partner's discount rate on the workspace's fees."""
    brand_name: str | None = None
    """Public-facing brand of the workspace."""
    business_email: str | None = None
    """Billing contact of the workspace."""
    created_at: datetime | None = None
    """When the workspace was provisioned."""


@attrs.frozen(kw_only=True, repr=False)
class ManagedSubAccount(Resource):
    """The managed sub-account made for the acting workspace."""

    _repr_fields = ("sub_account_id",)

    sub_account_id: str | None = None
    """The provider-side sub-account id."""


@attrs.frozen(kw_only=True, repr=False)
class ManagedOnboardingState(Resource):
    """Where a managed-adapter onboarding stands."""

    _repr_fields = ("state", "provider")

    state: str | None = None
    """The onboarding state, as the provider reports it."""
    provider: str | None = None
    """The payment provider onboarded with (``xendit``)."""
    details: dict[str, Any] | None = None
    """Provider-specific details (links, requirements)."""
