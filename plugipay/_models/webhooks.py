"""Webhook endpoints and their deliveries: where Plugipay sends events, and how each sending went
(SPEC-MONEY §4, SURVEY §1.12, §2 "WebhookEndpoint", "WebhookDelivery")."""

from datetime import datetime
from typing import Any, Literal, TypeAlias

import attrs

from ._base import Resource
from .workspaces import Mode

__all__ = [
    "DeliveryStatus",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]

DeliveryStatus: TypeAlias = Literal["pending", "succeeded", "failed"] | str


@attrs.frozen(kw_only=True, repr=False)
class WebhookEndpoint(Resource):
    """A URL that receives the events it subscribes to, signed with its secret."""

    # Never the secret: a repr ends up in logs.
    _repr_fields = ("id", "url", "active")
    _events = ("webhook_endpoint.*",)

    id: str
    """Endpoint id, ``we_`` + ULID."""
    account_id: str | None = None
    """The workspace's account id (in the answer to ``create`` only)."""
    mode: Mode | None = None
    """``test`` or ``live``: it receives only that mode's events."""
    url: str | None = None
    """Where deliveries are POSTed."""
    events: list[str] | None = None
    """The event types it subscribes to; empty means every event."""
    description: str | None = None
    """The integrator's note on what it is for."""
    active: bool | None = None
    """Whether it receives deliveries; ``update(active=True)`` turns a disabled one back on."""
    consecutive_failures: int | None = None
    """Failed attempts in a row since the last success."""
    failing_since: datetime | None = None
    """When the current run of failures began."""
    disabled_at: datetime | None = None
    """When Plugipay switched it off for failing (20 failures in a row over at least 24 hours)."""
    disabled_reason: str | None = None
    """Why it was switched off."""
    secret: str | None = attrs.field(default=None, repr=False)
    """The signing secret (``whsec_…``), in the answer to ``create`` only: keep it then."""
    created_at: datetime | None = None
    """When it was created."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class WebhookAttempt(Resource):
    """One attempt at a delivery, as its ``attempt_log`` records it."""

    _repr_fields = ("attempt_number", "status", "response_code")

    attempt_number: int | None = None
    """1 for the first attempt, then 2, 3, ..."""
    status: DeliveryStatus | None = None
    """``succeeded`` or ``failed``."""
    response_code: int | None = None
    """The endpoint's HTTP status, when it answered."""
    duration_ms: float | None = None
    """How long the attempt took, in milliseconds."""
    error: str | None = None
    """What went wrong (``HTTP 503``, ``timed out after 10000ms``), when it failed."""
    next_retry_at: datetime | None = None
    """When the next attempt was scheduled, after a failure."""
    attempted_at: datetime | None = None
    """When the attempt was made."""


@attrs.frozen(kw_only=True, repr=False)
class WebhookDelivery(Resource):
    """One event sent to one endpoint, with every attempt made so far."""

    _repr_fields = ("id", "type", "status", "attempts")

    id: str
    """Delivery id, ``wd_`` + ULID."""
    endpoint_id: str | None = None
    """The endpoint it goes to."""
    event_id: str | None = None
    """The event it carries (``evt_``)."""
    type: str | None = None
    """That event's type."""
    body: Any = None
    """The exact JSON sent on every attempt."""
    status: DeliveryStatus | None = None
    """``pending``, ``succeeded`` or ``failed``."""
    attempts: int | None = None
    """Attempts made so far."""
    next_retry_at: datetime | None = None
    """When the next attempt is due, while pending."""
    last_attempt_at: datetime | None = None
    """When the latest attempt was made."""
    delivered_at: datetime | None = None
    """When an attempt succeeded."""
    response_code: int | None = None
    """The endpoint's HTTP status on the latest attempt."""
    last_error: str | None = None
    """What went wrong on the latest attempt."""
    attempt_log: list[WebhookAttempt] | None = None
    """Every attempt, oldest first (in the answer to ``get``)."""
    created_at: datetime | None = None
    """When the delivery was queued."""
    updated_at: datetime | None = None
    """When it last changed."""
