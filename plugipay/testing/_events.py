"""Events (SPEC §10, SPEC-MONEY §2): the log every change appends to, and the events API's records.

``emit`` records one event under the store lock. It keeps two views of it:

- the envelope, the union of both observed shapes (SPEC-MONEY §2): ``{"id": "evt_…", "type",
  "accountId", "workspaceId", "createdAt", "occurredAt", "data": {"object", "aggregateType",
  "aggregateId", "previousAttributes"?, …extra keys}}``. It is what ``fake.events`` lists and,
  serialized once, the body of every delivery of the event;
- the ``EventRecord`` the events API answers (SURVEY §2): ``{id, type, accountId, mode,
  occurredAt, data, metadata: {idempotencyKey, mode, requestId, source, replayOf}, createdAt,
  publishedAt}``, kept in the ``EVENTS`` collection scoped by workspace and mode (lists answer
  the key's mode only). ``data`` is the envelope's; ``publishedAt`` is ``createdAt`` (events are
  handed to the endpoints in the step that records them).

The mode of an event is, in order: ``mode=`` given to ``emit``, the mode of the request that is
running (its key's, or the one ``X-Plugipay-Mode`` chose; the engine opens ``request()`` around
every handler; an unsigned buyer-side call has none), the object's own ``mode`` field, else ``"test"``. ``source`` is ``"api"`` inside a
request, ``"system"`` outside one (timers, test hooks), or ``"trigger"`` / ``"replay"`` for the
events API's synthetic and replayed events.

Fan-out to webhook endpoints is ``_deliveries``' job; this module hands it each new event.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._ids import IdFactory, iso_ms
from ._routing import ANONYMOUS
from ._store import ApiKey, Kind, Obj, Store

if TYPE_CHECKING:
    from ._deliveries import Deliveries

__all__ = [
    "EVENTS",
    "EVENT_TYPES",
    "EventLog",
    "WebhookEndpoint",
    "WebhookTarget",
    "event_scope",
    "short_type",
]

EVENTS = Kind("events")
"""The events API's records, scoped by ``event_scope(accountId, mode)``."""

EVENT_TYPES: tuple[str, ...] = (
    "plugipay.checkout_session.completed.v1",
    "plugipay.checkout_session.expired.v1",
    "plugipay.invoice.created.v1",
    "plugipay.invoice.finalized.v1",
    "plugipay.invoice.sent.v1",
    "plugipay.invoice.paid.v1",
    "plugipay.invoice.voided.v1",
    "plugipay.invoice.pending.v1",
    "plugipay.invoice.failed.v1",
    "plugipay.refund.issued.v1",
    "plugipay.refund.failed.v1",
    "plugipay.customer.created.v1",
    "plugipay.customer.updated.v1",
    "plugipay.customer.deleted.v1",
    "plugipay.plan.created.v1",
    "plugipay.plan.updated.v1",
    "plugipay.plan.archived.v1",
    "plugipay.subscription.created.v1",
    "plugipay.subscription.updated.v1",
    "plugipay.subscription.paused.v1",
    "plugipay.subscription.resumed.v1",
    "plugipay.subscription.canceled.v1",
    "plugipay.subscription.renewed.v1",
    "plugipay.payout.created.v1",
    "plugipay.payout.in_transit.v1",
    "plugipay.payout.paid.v1",
    "plugipay.payout.failed.v1",
    "plugipay.payout.cancelled.v1",
    "plugipay.gift_card.issued.v1",
    "plugipay.gift_card.redeemed.v1",
    "plugipay.gift_card.topped_up.v1",
    "plugipay.gift_card.voided.v1",
    "plugipay.webhook_endpoint.disabled.v1",
    "workspace.created",
    "workspace.updated",
    "workspace.archived",
    "workspace.restored",
    "workspace.member_invited",
    "workspace.member_joined",
    "workspace.member_removed",
    "workspace.member_role_changed",
    "workspace.ownership_transferred",
)
"""``GET /events/types``: the Node SDK's catalogue (SURVEY §3), then the seeds' workspace events."""

_VERSIONED = re.compile(r"plugipay\.(.+)\.v[0-9]+")
_MEMBER_EVENTS = ("workspace.member_", "workspace.ownership_transferred")


def short_type(event_type: str) -> str:
    """``plugipay.invoice.paid.v1`` → ``invoice.paid``; other names unchanged."""
    found = _VERSIONED.fullmatch(event_type)
    return found.group(1) if found else event_type


def aggregate_type_of(event_type: str) -> str:
    """The kind of object an event is about: ``checkout_session`` for
    ``plugipay.checkout_session.completed.v1``, ``workspace_member`` for member events."""
    if event_type.startswith(_MEMBER_EVENTS):
        return "workspace_member"
    name = short_type(event_type)
    return name.rpartition(".")[0] or name


def event_scope(account_id: str, mode: str) -> str:
    """The collection scope of one workspace's objects in one mode."""
    return f"{account_id}/{mode}"


@dataclass(frozen=True, slots=True)
class _Context:
    """Who is causing the events being emitted now."""

    mode: str | None
    """The request's mode; ``None`` for an unsigned buyer-side call (the object's own decides)."""
    request_id: str | None
    idempotency_key: str | None


WebhookTarget = Callable[[bytes, Mapping[str, str]], object]
"""An in-process delivery target: ``target(raw_body, headers)``. Returning normally is a 2xx
answer; returning an ``int`` answers that HTTP status (``500`` fails the attempt); raising fails
it with the exception as the error."""


class WebhookEndpoint:
    """A handle on an endpoint made by ``fake.add_webhook``: its id, secret and what it got.

    The endpoint is an ordinary one of the API too (``GET /webhooks`` lists it), so it may be
    updated, disabled or deleted there; the handle reads its current state.
    """

    __slots__ = (
        "_delivered",
        "_failures",
        "_lock",
        "_record",
        "account_id",
        "id",
        "secret",
        "target",
        "types",
    )

    def __init__(
        self,
        record: Obj,
        lock: AbstractContextManager[object],
        target: WebhookTarget | str,
        account_id: str | None,
        types: frozenset[str] | None,
        secret: str,
        delivered: list[str],
        failures: list[tuple[str, str]],
    ) -> None:
        self._record = record
        self._lock = lock
        self._delivered = delivered
        self._failures = failures
        self.id = str(record["id"])
        """The endpoint's ``we_`` id."""
        self.secret = secret
        """The signing secret (``whsec_…``)."""
        self.target = target
        """The callable or URL given to ``add_webhook`` (a ``url`` set later over the API
        replaces it)."""
        self.account_id = account_id
        """Only events of this workspace (``acc_…``); ``None`` for every workspace's."""
        self.types = types
        """Only these event types; ``None`` for every type."""

    @property
    def delivered(self) -> list[str]:
        """Ids of the events delivered (the target answered 2xx), in delivery order."""
        with self._lock:
            return list(self._delivered)

    @property
    def failures(self) -> list[tuple[str, str]]:
        """``(event id, error)`` of every failed attempt, oldest first."""
        with self._lock:
            return list(self._failures)

    @property
    def active(self) -> bool:
        """Whether the endpoint still receives events (auto-disable or the API turn it off)."""
        with self._lock:
            return self._record["active"] is True

    def __repr__(self) -> str:
        return f"WebhookEndpoint(id={self.id!r}, target={self.target!r})"


class EventLog:
    """Every event of one fake, in order; hands each to the deliveries of its endpoints."""

    def __init__(self, ids: IdFactory, clock: Callable[[], float]) -> None:
        self._ids = ids
        self._clock = clock
        """Business time: delivery signatures and retries run on it."""
        self.events: list[dict[str, object]] = []
        """Every envelope, oldest first (``fake.events``)."""
        self._context: _Context | None = None
        self._seq = itertools.count()
        self._store: Store | None = None
        self._deliveries: Deliveries | None = None

    def attach(self, store: Store) -> None:
        """Bind to the store whose lock guards this log (called once, by ``Store``)."""
        from ._deliveries import Deliveries

        self._store = store
        self._deliveries = Deliveries(store, self._ids, self._clock, self)

    @property
    def store(self) -> Store:
        """The store this log belongs to."""
        if self._store is None:
            raise RuntimeError("EventLog is not attached to a store")
        return self._store

    @property
    def deliveries(self) -> Deliveries:
        """The webhook endpoints and deliveries of this fake."""
        if self._deliveries is None:
            raise RuntimeError("EventLog is not attached to a store")
        return self._deliveries

    @contextmanager
    def request(
        self, key: ApiKey, mode: str, request_id: str, idempotency_key: str | None
    ) -> Iterator[None]:
        """Events emitted inside carry this request's mode, request id and idempotency key
        (the engine wraps each handler, store lock held)."""
        previous = self._context
        mode_or_none = None if key is ANONYMOUS else mode
        self._context = _Context(mode_or_none, request_id, idempotency_key)
        try:
            yield
        finally:
            self._context = previous

    def emit(
        self,
        event_type: str,
        ws: Mapping[str, object],
        obj: dict[str, object],
        *,
        now: float,
        previous: dict[str, object] | None = None,
        extra: Mapping[str, object] | None = None,
        mode: str | None = None,
        aggregate_type: str | None = None,
        aggregate_id: str | None = None,
    ) -> dict[str, object]:
        """Record an event about ``ws`` carrying ``obj`` (and ``previousAttributes``, and the
        ``extra`` data keys such as ``to``, ``reason``, ``entry``); the envelope.

        ``now`` is when it happened (``occurredAt`` and ``createdAt``); ``aggregate_type``
        defaults from the event name, ``aggregate_id`` to ``obj["id"]``.
        """
        data: dict[str, object] = {
            "object": obj,
            "aggregateType": aggregate_type or aggregate_type_of(event_type),
            "aggregateId": aggregate_id if aggregate_id is not None else obj.get("id"),
        }
        if previous:
            data["previousAttributes"] = previous
        if extra:
            for name, value in extra.items():
                if name in data:
                    raise ValueError(f"extra data key {name!r} would replace the envelope's own")
                data[name] = value
        with self.store.lock:
            return self.publish(
                event_type,
                str(ws["accountId"]),
                str(ws["id"]),
                data,
                occurred=iso_ms(now),
                now=now,
                mode=mode or self._mode_for(obj),
            )

    def publish(
        self,
        event_type: str,
        account_id: str,
        workspace_id: str,
        data: dict[str, object],
        *,
        occurred: str,
        now: float,
        mode: str,
        source: str | None = None,
        replay_of: str | None = None,
    ) -> dict[str, object]:
        """Record one envelope and its EventRecord and queue its deliveries; store lock held."""
        store = self.store
        stamp = iso_ms(now)
        event_id = self._ids.new("evt_")
        envelope: dict[str, object] = {
            "id": event_id,
            "type": event_type,
            "accountId": account_id,
            "workspaceId": workspace_id,
            "createdAt": stamp,
            "occurredAt": occurred,
            "data": data,
        }
        context = self._context
        record: Obj = {
            "id": event_id,
            "type": event_type,
            "accountId": account_id,
            "mode": mode,
            "occurredAt": occurred,
            "data": data,
            "metadata": {
                "idempotencyKey": context.idempotency_key if context else None,
                "mode": mode,
                "requestId": context.request_id if context else None,
                "source": source or ("api" if context else "system"),
                "replayOf": replay_of,
            },
            "createdAt": stamp,
            "publishedAt": stamp,
            "_workspaceId": workspace_id,
        }
        # Inserted in emission order: a timer's event may carry an earlier occurredAt.
        order = f"{next(self._seq):016d}"
        store[EVENTS].insert(record, scope=event_scope(account_id, mode), stamp=order)
        self.events.append(envelope)
        self.deliveries.fan_out(envelope, mode)
        return envelope

    def _mode_for(self, obj: Mapping[str, object]) -> str:
        if self._context is not None and self._context.mode is not None:
            return self._context.mode
        own = obj.get("mode")
        return own if own in ("test", "live") and isinstance(own, str) else "test"

    def deliver_pending(self) -> None:
        """Send every delivery attempt that is due; called with no store lock held."""
        self.deliveries.deliver_pending()

    @property
    def has_outbox(self) -> bool:
        """Whether a delivery attempt waits to be sent."""
        return self.deliveries.has_outbox
