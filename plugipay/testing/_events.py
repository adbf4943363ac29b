"""Events (SPEC §10): the log every change appends to, and signed delivery to endpoints.

An event is recorded under the store lock and queued; delivery happens after the lock is
released, on the thread (or task) that made the change. A delivery is a POST of the event's
JSON with ``X-Plugipay-Signature: t=<unix>,v1=<hex>`` (``plugipay.webhooks.sign``: HMAC-SHA256
of ``f"{t}."`` + body with the endpoint's secret, ``t`` from the fake's clock). Failed deliveries
are recorded on the endpoint, never raised. URL deliveries block the delivering thread (up to
5 s): to receive events inside an async app under test, use a callable.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ._ids import IdFactory, iso_ms
from ._wire import dumps

__all__ = ["EventLog", "WebhookEndpoint", "WebhookTarget"]

WebhookTarget = Callable[[bytes, Mapping[str, str]], object]
"""A delivery callable: ``target(raw_body, headers)``."""


@dataclass(eq=False)
class WebhookEndpoint:
    """Where events are delivered: a callable or an ``http(s)`` URL, with its signing secret."""

    target: WebhookTarget | str
    secret: str = field(repr=False)
    account_id: str | None = None
    """Only events of this workspace (``acc_…``); ``None`` for every event."""
    types: frozenset[str] | None = None
    """Only these event types; ``None`` for every type."""
    delivered: list[str] = field(default_factory=list)
    """Ids of events delivered (the callable returned, or the URL answered 2xx)."""
    failures: list[tuple[str, str]] = field(default_factory=list)
    """``(event id, what went wrong)`` for each failed delivery."""

    def wants(self, event: Mapping[str, object]) -> bool:
        """Whether this endpoint subscribes to ``event``."""
        if self.account_id is not None and event["accountId"] != self.account_id:
            return False
        return self.types is None or event["type"] in self.types


class EventLog:
    """Every event of one fake, in order, plus the endpoints they are delivered to."""

    def __init__(self, ids: IdFactory, clock: Callable[[], float]) -> None:
        self._ids = ids
        self._clock = clock
        self.events: list[dict[str, object]] = []
        self.endpoints: list[WebhookEndpoint] = []
        self._pending: deque[tuple[WebhookEndpoint, dict[str, object]]] = deque()
        # One deliverer at a time keeps deliveries in event order across threads, and a request
        # that finds another thread delivering waits until its own events are out too. Re-entrant:
        # a webhook handler may call the fake again from inside a delivery.
        self._delivering = threading.RLock()
        self._lock = threading.Lock()

    def emit(
        self,
        event_type: str,
        ws: Mapping[str, object],
        obj: dict[str, object],
        *,
        now: float,
        previous: dict[str, object] | None = None,
    ) -> dict[str, object]:
        """Record an event about ``ws`` carrying ``obj`` (and ``previousAttributes``)."""
        data: dict[str, object] = {"object": obj}
        if previous:
            data["previousAttributes"] = previous
        event: dict[str, object] = {
            "id": self._ids.new("evt_"),
            "type": event_type,
            "accountId": ws["accountId"],
            "workspaceId": ws["id"],
            "createdAt": iso_ms(now),
            "data": data,
        }
        with self._lock:
            self.events.append(event)
            for endpoint in self.endpoints:
                if endpoint.wants(event):
                    self._pending.append((endpoint, event))
        return event

    def deliver_pending(self) -> None:
        """Deliver queued events in order; called with no store lock held."""
        with self._delivering:
            while self._pending:
                endpoint, event = self._pending.popleft()
                self._deliver(endpoint, event)

    def _deliver(self, endpoint: WebhookEndpoint, event: dict[str, object]) -> None:
        from ..webhooks import sign  # the SDK's own signer, loaded on the first delivery

        body = dumps(event)
        headers = {
            "content-type": "application/json",
            "x-plugipay-signature": sign(body, endpoint.secret, int(self._clock())),
        }
        event_id = str(event["id"])
        try:
            if isinstance(endpoint.target, str):
                import httpx

                response = httpx.post(endpoint.target, content=body, headers=headers, timeout=5.0)
                if not response.is_success:
                    endpoint.failures.append((event_id, f"HTTP {response.status_code}"))
                    return
            else:
                endpoint.target(body, headers)
        except Exception as exc:
            endpoint.failures.append((event_id, f"{type(exc).__name__}: {exc}"))
            return
        endpoint.delivered.append(event_id)
