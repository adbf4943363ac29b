"""The public model classes: what the client methods and ``webhooks.verify`` return."""

from __future__ import annotations

from ._models import (
    Customer,
    ManagedOnboardingState,
    ManagedSubAccount,
    PartnerWorkspace,
    Resource,
    WebhookEvent,
    Workspace,
    WorkspaceMember,
)

__all__ = [
    "Customer",
    "ManagedOnboardingState",
    "ManagedSubAccount",
    "PartnerWorkspace",
    "Resource",
    "WebhookEvent",
    "Workspace",
    "WorkspaceMember",
]
