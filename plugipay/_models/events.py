"""Webhook events: what happened, where, and the object it happened to (SPEC §10)."""

from datetime import datetime
from typing import Any

import attrs

from ._base import Resource

__all__ = ["WebhookEvent"]


@attrs.frozen(kw_only=True, repr=False)
class WebhookEvent(Resource):
    """A webhook delivery: what happened, where, and the object it happened to."""

    _repr_fields = ("id", "type")

    id: str
    """Event id, ``evt_`` + ULID; deliveries are at-least-once, so dedupe on it."""
    type: str | None = None
    """Event type, e.g. ``plugipay.customer.created.v1`` or ``workspace.member_role_changed``."""
    account_id: str | None = None
    """Account id of the workspace the event belongs to."""
    workspace_id: str | None = None
    """Workspace id (``ws_``) the event belongs to."""
    created_at: datetime | None = None
    """When the event happened."""
    data: Resource | dict[str, Any] | None = None
    """The event's object: the model its type declares (``Customer`` for ``plugipay.customer.*``, ...),
    or the payload dict for types no model declares."""
    previous_attributes: dict[str, Any] | None = None
    """Wire names and former values of what changed (``{"role": "member"}``), when given."""
