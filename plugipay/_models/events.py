"""Events: what happened, where, and the object it happened to (SPEC §10, SPEC-MONEY §2).

Plugipay spells an event type two ways: ``plugipay.checkout_session.completed.v1`` (what the
API sends) and ``checkout_session.completed`` (its docs). ``kind`` is the second spelling of
either, so one comparison (or one ``match``) branches on the event whatever the spelling;
``type`` stays the raw string.
"""

import re
from datetime import datetime
from typing import Any, Literal, TypeAlias

import attrs

from ._base import Resource
from .workspaces import Mode

__all__ = ["EventKind", "EventRecord", "WebhookEvent"]

EventKind: TypeAlias = (
    Literal[
        "checkout_session.completed",
        "checkout_session.expired",
        "invoice.created",
        "invoice.finalized",
        "invoice.sent",
        "invoice.paid",
        "invoice.voided",
        "invoice.pending",
        "invoice.failed",
        "refund.issued",
        "refund.failed",
        "customer.created",
        "customer.updated",
        "customer.deleted",
        "plan.created",
        "plan.updated",
        "plan.archived",
        "subscription.created",
        "subscription.updated",
        "subscription.paused",
        "subscription.resumed",
        "subscription.canceled",
        "subscription.renewed",
        "payout.created",
        "payout.in_transit",
        "payout.paid",
        "payout.failed",
        "payout.cancelled",
        "gift_card.issued",
        "gift_card.redeemed",
        "gift_card.topped_up",
        "gift_card.voided",
        "webhook_endpoint.disabled",
        "workspace.created",
        "workspace.updated",
        "workspace.archived",
        "workspace.restored",
        "workspace.member_invited",
        "workspace.member_joined",
        "workspace.member_role_changed",
        "workspace.member_removed",
        "workspace.ownership_transferred",
    ]
    | str
)
"""An event type without the ``plugipay.`` prefix and the ``.vN`` suffix
(``plugipay.webhooks.event_kind``): the known ones, and any other as its string."""

_PREFIX = "plugipay."
_VERSION = re.compile(r"\.v[0-9]+\Z")


def event_kind(event_type: str) -> EventKind:
    """An event type in its short spelling: ``plugipay.refund.issued.v1`` → ``refund.issued``
    (a type already short is returned as it is)."""
    kind = event_type.removeprefix(_PREFIX)
    return _VERSION.sub("", kind)


@attrs.frozen(kw_only=True, repr=False)
class WebhookEvent(Resource):
    """A webhook delivery: what happened, where, and the object it happened to.

    Branch on ``kind`` (``"checkout_session.completed"``, whichever spelling was sent) or on the
    type of ``data`` (``isinstance(event.data, CheckoutSession)``).
    """

    _repr_fields = ("id", "type")

    id: str
    """Event id, ``evt_`` + ULID; deliveries are at-least-once, so dedupe on it."""
    type: str | None = None
    """Event type exactly as sent, e.g. ``plugipay.checkout_session.completed.v1`` or
    ``workspace.member_role_changed``; see ``kind`` for the spelling-free form."""
    account_id: str | None = None
    """Account id of the workspace the event belongs to."""
    workspace_id: str | None = None
    """Workspace id (``ws_``) the event belongs to."""
    created_at: datetime | None = None
    """When the event happened (``createdAt``, else ``occurredAt``: either envelope)."""
    occurred_at: datetime | None = None
    """When the event happened (``occurredAt``, else ``createdAt``: either envelope)."""
    data: Resource | dict[str, Any] | None = None
    """The event's object (``data.object``): the model its type declares (``CheckoutSession`` for
    ``checkout_session.*``, ``Refund``, ``Customer``, ...), or the payload dict for types no model
    declares."""
    previous_attributes: dict[str, Any] | None = None
    """Wire names and former values of what changed (``{"role": "member"}``), when given."""
    aggregate_type: str | None = None
    """The kind of object the event is about (``data.aggregateType``, e.g. ``checkout_session``)."""
    aggregate_id: str | None = None
    """The id of that object (``data.aggregateId``)."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        # Built by hand with one timestamp: the other reads it too, as decoding does (the wire
        # view keeps only the key given).
        if self.created_at is None:
            object.__setattr__(self, "created_at", self.occurred_at)
        elif self.occurred_at is None:
            object.__setattr__(self, "occurred_at", self.created_at)

    @property
    def kind(self) -> EventKind:
        """The type without ``plugipay.`` and ``.vN``: ``"checkout_session.completed"`` for
        both spellings (``""`` when the event has no type)."""
        return event_kind(self.type or "")


@attrs.frozen(kw_only=True, repr=False)
class EventRecord(Resource):
    """An event as the events API lists it (``plug.events``): what happened and when it was
    published to the webhook endpoints."""

    _repr_fields = ("id", "type")

    id: str
    """Event id, ``evt_`` + ULID."""
    type: str | None = None
    """Event type exactly as recorded, e.g. ``plugipay.refund.issued.v1``."""
    account_id: str | None = None
    """Account id of the workspace the event belongs to."""
    mode: Mode | None = None
    """``test`` or ``live``."""
    occurred_at: datetime | None = None
    """When it happened."""
    data: dict[str, Any] | None = None
    """What the webhook delivery carries under ``data`` (``object``, ``aggregateType``, ...)."""
    metadata: dict[str, Any] | None = None
    """How it came about: ``idempotencyKey``, ``mode``, ``requestId``, ``source``, ``replayOf``."""
    created_at: datetime | None = None
    """When it was recorded."""
    published_at: datetime | None = None
    """When it was handed to the webhook endpoints, once it was."""

    @property
    def kind(self) -> EventKind:
        """The type without ``plugipay.`` and ``.vN`` (see ``WebhookEvent.kind``)."""
        return event_kind(self.type or "")
