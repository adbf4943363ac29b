"""Webhook endpoints and deliveries (SPEC-MONEY §4): signed, retried on business time, in order.

Every event an active endpoint subscribes to (same mode; its workspace, or every workspace for a
``fake.add_webhook`` endpoint made without ``account_id``; an empty ``events`` list means every
type) becomes one delivery whose ``body`` is the envelope serialized once: every attempt sends
exactly those bytes, signed afresh with the endpoint's secret at the business time of the attempt
(``X-Plugipay-Signature: t=…,v1=…``, ``plugipay.webhooks.sign``). After ``fake.advance`` that
time is ahead of the wall clock, so a receiver verifies with ``now=fake.now()``.

Ordering. Each endpoint has a FIFO of its pending deliveries and only the head is ever attempted,
so a delivery waiting for a retry holds back the later ones of that endpoint: an endpoint sees its
events once each, in event order, however often it fails. The outbox holds the heads whose attempt
is due now, in the order they became due. Everything above changes under the store lock; the
attempts themselves happen in ``deliver_pending``, with no store lock held, one at a time under a
re-entrant lock (a webhook handler may call the fake again), at most ``MAX_ATTEMPTS_PER_PASS`` per
call; a thread that finds another one sending hands its attempts to it rather than wait (so a
receiver may call the fake back from any thread while its delivery is in flight). Timers never send: a due retry only puts its delivery back in the outbox, and the next
``deliver_pending`` (after each request, or ``fake.advance``) sends it.

Retries. A failed attempt (a non-2xx answer, an exception, more than 10 s) is logged in
``attemptLog`` and retried after 1 min, 5 min, 30 min, 2 h, 5 h, then every 10 h, while the retry
falls within 72 h of the delivery's creation (or of its last manual ``retry``); past that the
delivery is ``failed`` and the next one of the endpoint goes out. Twenty failed attempts in a row
spanning at least 24 h disable the endpoint (``disabledAt``, ``disabledReason``, event
``plugipay.webhook_endpoint.disabled.v1``). A disabled or deleted endpoint has no pending
deliveries: turning it off fails them (``retry`` re-queues one once it is active again).
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ._events import EventLog, WebhookEndpoint, WebhookTarget, event_scope, short_type
from ._ids import IdFactory, iso_ms
from ._store import Kind, Obj, Store, wire
from ._wire import ApiError, dumps

__all__ = [
    "ATTEMPT_TIMEOUT",
    "DISABLE_AFTER_FAILURES",
    "DISABLE_AFTER_SECONDS",
    "GIVE_UP_AFTER",
    "MAX_ATTEMPTS_PER_PASS",
    "RETRY_DELAYS",
    "WEBHOOK_DELIVERIES",
    "WEBHOOK_ENDPOINTS",
    "Deliveries",
    "Endpoint",
]

WEBHOOK_ENDPOINTS = Kind("webhook_endpoints")
"""Endpoint records, scoped by ``event_scope(accountId, mode)``."""
WEBHOOK_DELIVERIES = Kind("webhook_deliveries")
"""Delivery records, scoped like their endpoint."""

RETRY_DELAYS: tuple[float, ...] = (60.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0)
"""Seconds from a failed attempt to the next; the last repeats."""
GIVE_UP_AFTER = 72 * 3600.0
"""A delivery is retried while the retry falls within this many seconds of its creation."""
DISABLE_AFTER_FAILURES = 20
DISABLE_AFTER_SECONDS = 24 * 3600.0
ATTEMPT_TIMEOUT = 10.0
"""Seconds an HTTP attempt may take before it counts as failed."""
MAX_ATTEMPTS_PER_PASS = 10_000
"""Attempts one ``deliver_pending`` call makes at most; the rest wait for the next call."""
DISABLED_REASON = (
    "Plugipay switched the endpoint off because it kept failing "
    f"({DISABLE_AFTER_FAILURES} failed attempts in a row over at least 24 hours)"
)


@dataclass(eq=False, slots=True)
class Endpoint:
    """An endpoint's record (its wire fields) and the delivery state beside it."""

    record: Obj
    scope: str
    account_id: str
    workspace_id: str
    mode: str
    secret: str = field(repr=False)
    target: WebhookTarget | None
    """A Python callable, or ``None`` to POST to the record's ``url``."""
    any_workspace: bool = False
    queue: deque[str] = field(default_factory=deque)
    """Ids of its pending deliveries, oldest first; only the head is attempted."""
    delivered: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    streak: int = 0
    failing_since: float | None = None

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def active(self) -> bool:
        return self.record["active"] is True

    def subscribes(self, event_type: str) -> bool:
        """Whether its ``events`` list takes ``event_type`` (either spelling, or ``*``)."""
        events = self.record["events"]
        assert isinstance(events, list)
        if not events or "*" in events or event_type in events:
            return True
        short = short_type(event_type)
        return any(short_type(str(name)) == short for name in events)


@dataclass(eq=False, slots=True)
class _Delivery:
    record: Obj
    endpoint_id: str
    scope: str
    raw: bytes = field(repr=False)
    since: float
    """Start of its retry window: creation, or the last manual retry."""
    attempts: int = 0
    due: float | None = None
    """The business time of the retry it waits for, if any."""
    queued: bool = False
    """In the outbox."""
    in_flight: bool = False


@dataclass(slots=True)
class _Attempt:
    delivery: _Delivery
    endpoint: Endpoint
    headers: dict[str, str]
    url: str
    started: float
    """Business time of the attempt."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    code: int | None
    error: str | None
    duration_ms: int


class Deliveries:
    """Every webhook endpoint and delivery of one fake, and the loop that sends them."""

    def __init__(
        self, store: Store, ids: IdFactory, clock: Callable[[], float], log: EventLog
    ) -> None:
        self._store = store
        self._ids = ids
        self._clock = clock
        self._log = log
        self._endpoints: dict[str, Endpoint] = {}
        """By id, in creation order (fan-out order)."""
        self._deliveries: dict[str, _Delivery] = {}
        self._outbox: deque[_Delivery] = deque()
        self._seq = itertools.count()
        # One sender at a time keeps each endpoint's attempts in order across threads. A thread
        # that finds another sending leaves its attempts to that sender (which looks again after
        # letting go) instead of waiting: a receiver that calls the fake back from another thread
        # must not wait behind the very delivery it is answering. Re-entrant: a callable target
        # may call the fake again, on the sending thread, from inside a delivery.
        self._delivering = threading.RLock()
        self._asks = 0
        """How many times ``deliver_pending`` was asked to send; guarded by ``_asks_lock``."""
        self._asks_lock = threading.Lock()
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS
        self.give_up_after = GIVE_UP_AFTER

    # -- endpoints (store lock held) -----------------------------------------------------------

    def add_endpoint(
        self,
        ws: Obj,
        *,
        mode: str,
        url: str,
        events: Sequence[str],
        description: str | None,
        now: float,
        secret: str | None = None,
        target: WebhookTarget | None = None,
        any_workspace: bool = False,
    ) -> Endpoint:
        """A new active endpoint of ``ws`` in ``mode``."""
        stamp = iso_ms(now)
        record: Obj = {
            "id": self._ids.new("we_"),
            "mode": mode,
            "url": url,
            "events": list(events),
            "description": description,
            "active": True,
            "consecutiveFailures": 0,
            "failingSince": None,
            "disabledAt": None,
            "disabledReason": None,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        account = str(ws["accountId"])
        endpoint = Endpoint(
            record,
            event_scope(account, mode),
            account,
            str(ws["id"]),
            mode,
            secret or self._ids.token("whsec_"),
            target,
            any_workspace,
        )
        self._store[WEBHOOK_ENDPOINTS].insert(record, scope=endpoint.scope, stamp=self._order())
        self._endpoints[endpoint.id] = endpoint
        return endpoint

    def handle(
        self, endpoint: Endpoint, target: WebhookTarget | str, types: frozenset[str] | None
    ) -> WebhookEndpoint:
        """The ``fake.add_webhook`` handle on ``endpoint``."""
        return WebhookEndpoint(
            endpoint.record,
            self._store.lock,
            target,
            None if endpoint.any_workspace else endpoint.account_id,
            types,
            endpoint.secret,
            endpoint.delivered,
            endpoint.failures,
        )

    def endpoint(self, ident: str, scope: str) -> Endpoint | None:
        """The endpoint ``ident`` if it lives in ``scope``."""
        found = self._endpoints.get(ident)
        return found if found is not None and found.scope == scope else None

    def endpoints(self, scope: str) -> list[Endpoint]:
        """The endpoints of ``scope``, oldest first."""
        return [
            self._endpoints[str(r["id"])] for r in self._store[WEBHOOK_ENDPOINTS].ordered(scope)
        ]

    @staticmethod
    def endpoint_wire(endpoint: Endpoint, *, created: bool = False) -> Obj:
        """The endpoint as the API answers it; ``created`` adds ``accountId`` and ``secret``."""
        out = wire(endpoint.record)
        if not created:
            return out
        stamps = {name: out.pop(name) for name in ("createdAt", "updatedAt")}
        return {
            "id": out.pop("id"),
            "accountId": endpoint.account_id,
            **out,
            "secret": endpoint.secret,
            **stamps,
        }

    def update_endpoint(self, endpoint: Endpoint, changes: Obj, now: float) -> None:
        """Apply ``url``/``events``/``description`` changes and an ``active`` switch (a new
        ``url`` sends deliveries there, also for an endpoint made with a callable)."""
        record = endpoint.record
        active = changes.pop("active", None)
        if "url" in changes:
            endpoint.target = None  # a URL set over the API replaces an in-process callable
        for name, value in changes.items():
            record[name] = list(value) if isinstance(value, list) else value
        if active is True:
            # Re-enabling (or confirming) clears the failure streak.
            record.update(active=True, disabledAt=None, disabledReason=None)
            self._clear_streak(endpoint)
        elif active is False and endpoint.active:
            self._disable(endpoint, now, "Disabled through the API", announce=False)
        record["updatedAt"] = iso_ms(now)

    def delete_endpoint(self, endpoint: Endpoint, now: float) -> None:
        """Forget ``endpoint``; its pending deliveries fail."""
        self._fail_pending(endpoint, now, "endpoint deleted")
        endpoint.record["active"] = False  # what an add_webhook handle still reads
        self._store[WEBHOOK_ENDPOINTS].remove(endpoint.record)
        del self._endpoints[endpoint.id]

    # -- deliveries (store lock held) ----------------------------------------------------------

    def fan_out(self, envelope: Obj, mode: str) -> None:
        """One delivery of a new event per endpoint that takes it."""
        event_type = str(envelope["type"])
        account = envelope["accountId"]
        raw: bytes | None = None
        for endpoint in self._endpoints.values():
            if (
                endpoint.active
                and endpoint.mode == mode
                and (endpoint.any_workspace or endpoint.account_id == account)
                and endpoint.subscribes(event_type)
            ):
                raw = raw if raw is not None else dumps(envelope)
                self._new_delivery(endpoint, envelope, raw)

    def _new_delivery(self, endpoint: Endpoint, envelope: Obj, raw: bytes) -> None:
        now = self._clock()
        stamp = iso_ms(now)
        record: Obj = {
            "id": self._ids.new("wd_"),
            "endpointId": endpoint.id,
            "eventId": envelope["id"],
            "type": envelope["type"],
            "body": raw.decode("utf-8"),
            "status": "pending",
            "attempts": 0,
            "nextRetryAt": None,
            "lastAttemptAt": None,
            "deliveredAt": None,
            "responseCode": None,
            "lastError": None,
            "createdAt": stamp,
            "updatedAt": stamp,
            "attemptLog": [],
        }
        self._store[WEBHOOK_DELIVERIES].insert(record, scope=endpoint.scope, stamp=self._order())
        delivery = _Delivery(record, endpoint.id, endpoint.scope, raw, now)
        self._deliveries[str(record["id"])] = delivery
        self._join_queue(endpoint, delivery)

    def delivery(self, ident: str, scope: str) -> Obj | None:
        """The record of delivery ``ident`` if it lives in ``scope``."""
        found = self._deliveries.get(ident)
        return found.record if found is not None and found.scope == scope else None

    def retry(self, ident: str, now: float) -> None:
        """Re-queue a delivery that is no longer pending (a fresh 72 h window) behind its
        endpoint's pending ones; 409 ``ALREADY_QUEUED`` or ``ENDPOINT_DISABLED`` otherwise."""
        delivery = self._deliveries[ident]
        record = delivery.record
        if record["status"] == "pending":
            raise ApiError(
                409, "ALREADY_QUEUED", "This delivery is already queued; it goes out in turn"
            )
        endpoint = self._endpoints.get(delivery.endpoint_id)
        if endpoint is None or not endpoint.active:
            state = "deleted" if endpoint is None else "disabled"
            raise ApiError(
                409,
                "ENDPOINT_DISABLED",
                f"The delivery's endpoint is {state}; re-enable it (active: true) to retry",
            )
        delivery.since = now
        delivery.due = None
        record.update(status="pending", nextRetryAt=None, updatedAt=iso_ms(now))
        self._join_queue(endpoint, delivery)

    def all_deliveries(self) -> Iterable[Obj]:
        """Every delivery record, oldest first."""
        return (delivery.record for delivery in self._deliveries.values())

    # -- sending (no store lock held) ----------------------------------------------------------

    @property
    def has_outbox(self) -> bool:
        """Whether any delivery waits to be sent (due now or later)."""
        return bool(self._outbox)

    def deliver_pending(self) -> None:
        """Make every attempt that is due, in order; never with the store lock held.

        When another thread is sending, this returns at once and that sender makes these attempts
        too: it counts the asks before a pass and passes again if one came in meanwhile.
        """
        if not self._outbox:  # the common case after a request: no lock at all
            return
        with self._asks_lock:
            self._asks += 1
        while self._delivering.acquire(blocking=False):
            try:
                with self._asks_lock:
                    seen = self._asks
                self._send_due()
            finally:
                self._delivering.release()
            with self._asks_lock:
                if self._asks == seen:
                    return

    def _send_due(self) -> None:
        """One pass: the attempts due now, at most ``MAX_ATTEMPTS_PER_PASS``."""
        lock = self._store.lock
        for _ in range(MAX_ATTEMPTS_PER_PASS):
            with lock:
                attempt = self._take()
            if attempt is None:
                return
            try:
                outcome = _send(attempt)
            except BaseException as exc:  # KeyboardInterrupt, a test's own failure
                with lock:
                    self._finish(attempt, _Outcome(False, None, _describe(exc), 0))
                raise
            with lock:
                self._finish(attempt, outcome)

    def _take(self) -> _Attempt | None:
        """The next due attempt, signed now, or ``None``."""
        from ..webhooks import sign  # the SDK's own signer, loaded on the first delivery

        outbox = self._outbox
        while outbox:
            delivery = outbox.popleft()
            delivery.queued = False
            endpoint = self._endpoints.get(delivery.endpoint_id)
            if (
                endpoint is None
                or not endpoint.active
                or delivery.record["status"] != "pending"
                or delivery.in_flight
                or delivery.due is not None
                or not endpoint.queue
                or endpoint.queue[0] != delivery.record["id"]
            ):
                continue
            delivery.in_flight = True
            now = self._clock()
            headers = {
                "content-type": "application/json",
                "x-plugipay-signature": sign(delivery.raw, endpoint.secret, int(now)),
            }
            return _Attempt(delivery, endpoint, headers, str(endpoint.record["url"]), now)
        return None

    def _finish(self, attempt: _Attempt, outcome: _Outcome) -> None:
        """Log an attempt; on failure schedule the retry, give up, or disable the endpoint."""
        delivery, endpoint = attempt.delivery, attempt.endpoint
        record = delivery.record
        delivery.in_flight = False
        delivery.attempts += 1
        attempted = iso_ms(attempt.started)
        entry: Obj = {
            "attemptNumber": delivery.attempts,
            "status": "succeeded" if outcome.ok else "failed",
            "responseCode": outcome.code,
            "durationMs": outcome.duration_ms,
            "error": outcome.error,
            "nextRetryAt": None,
            "attemptedAt": attempted,
        }
        log = record["attemptLog"]
        assert isinstance(log, list)
        log.append(entry)
        record.update(
            attempts=delivery.attempts,
            lastAttemptAt=attempted,
            responseCode=outcome.code,
            lastError=outcome.error,
            updatedAt=iso_ms(self._clock()),
        )
        event_id = str(record["eventId"])
        if outcome.ok:
            record.update(status="succeeded", deliveredAt=attempted, nextRetryAt=None)
            endpoint.delivered.append(event_id)
            self._clear_streak(endpoint)
            self._leave_queue(endpoint, delivery)
            return
        endpoint.failures.append((event_id, outcome.error or "failed"))
        endpoint.streak += 1
        failing_since = endpoint.failing_since
        if failing_since is None:
            failing_since = endpoint.failing_since = attempt.started
            endpoint.record["failingSince"] = attempted
        endpoint.record["consecutiveFailures"] = endpoint.streak
        live = endpoint.id in self._endpoints and endpoint.active
        disable = (
            live
            and endpoint.streak >= DISABLE_AFTER_FAILURES
            and attempt.started - failing_since >= DISABLE_AFTER_SECONDS
        )
        retry_at = self._retry_at(delivery, attempt.started)
        if live and not disable and record["status"] == "pending" and retry_at is not None:
            delivery.due = retry_at
            entry["nextRetryAt"] = record["nextRetryAt"] = iso_ms(retry_at)
            self._store.timers.at(retry_at, functools.partial(self._retry_due, delivery))
        else:
            record.update(status="failed", nextRetryAt=None)
            self._leave_queue(endpoint, delivery)
        if disable:
            self._disable(endpoint, attempt.started, DISABLED_REASON, announce=True)

    def _retry_at(self, delivery: _Delivery, started: float) -> float | None:
        delays = self.retry_delays
        at = started + delays[min(delivery.attempts, len(delays)) - 1]
        return at if at <= delivery.since + self.give_up_after else None

    def _retry_due(self, delivery: _Delivery, due: float) -> None:
        """Timer callback: a retry fell due; the delivery goes back in the outbox (no sending)."""
        if delivery.due == due:
            delivery.due = None
            if delivery.record["status"] == "pending":
                self._enqueue(delivery)

    # -- queues --------------------------------------------------------------------------------

    def _join_queue(self, endpoint: Endpoint, delivery: _Delivery) -> None:
        endpoint.queue.append(str(delivery.record["id"]))
        if len(endpoint.queue) == 1:
            self._enqueue(delivery)

    def _leave_queue(self, endpoint: Endpoint, delivery: _Delivery) -> None:
        """Take a finished delivery off its endpoint's queue; the next one becomes due."""
        ident = str(delivery.record["id"])
        queue = endpoint.queue
        if queue and queue[0] == ident:
            queue.popleft()
            if queue and endpoint.active:
                self._enqueue(self._deliveries[queue[0]])
        elif ident in queue:
            queue.remove(ident)

    def _enqueue(self, delivery: _Delivery) -> None:
        if not delivery.queued:
            delivery.queued = True
            self._outbox.append(delivery)

    def _clear_streak(self, endpoint: Endpoint) -> None:
        endpoint.streak = 0
        endpoint.failing_since = None
        endpoint.record.update(consecutiveFailures=0, failingSince=None)

    def _disable(self, endpoint: Endpoint, now: float, reason: str, *, announce: bool) -> None:
        stamp = iso_ms(now)
        endpoint.record.update(
            active=False, disabledAt=stamp, disabledReason=reason, updatedAt=stamp
        )
        self._fail_pending(endpoint, now, "endpoint disabled")
        if announce:
            ws = self._store.workspaces[endpoint.workspace_id]
            self._log.emit(
                "plugipay.webhook_endpoint.disabled.v1",
                ws,
                self.endpoint_wire(endpoint),
                now=now,
                mode=endpoint.mode,
            )

    def _fail_pending(self, endpoint: Endpoint, now: float, why: str) -> None:
        """Every pending delivery of ``endpoint`` but one in flight (its attempt decides) fails."""
        stamp = iso_ms(now)
        keep: deque[str] = deque()
        for ident in endpoint.queue:
            delivery = self._deliveries[ident]
            if delivery.in_flight:
                keep.append(ident)
                continue
            delivery.due = None
            record = delivery.record
            record.update(status="failed", nextRetryAt=None, updatedAt=stamp)
            if record["lastError"] is None:
                record["lastError"] = why
        endpoint.queue = keep

    def _order(self) -> str:
        return f"{next(self._seq):016d}"

    # -- settings ------------------------------------------------------------------------------

    def set_schedule(self, delays: Sequence[float], give_up_after: float) -> None:
        """Replace the retry delays (seconds, the last repeating) and the 72 h window."""
        if not delays or any(not d > 0 for d in delays):
            raise ValueError("retry delays must be a non-empty list of positive seconds")
        if not give_up_after > 0:
            raise ValueError("give_up_after must be positive seconds")
        self.retry_delays = tuple(float(d) for d in delays)
        self.give_up_after = float(give_up_after)


def _send(attempt: _Attempt) -> _Outcome:
    """One attempt: POST to the URL, or call the callable."""
    body = attempt.delivery.raw
    target = attempt.endpoint.target
    started = time.perf_counter()
    code: int | None = None
    try:
        if target is None:
            import httpx

            try:
                response = httpx.post(
                    attempt.url,
                    content=body,
                    headers=attempt.headers,
                    timeout=ATTEMPT_TIMEOUT,
                    trust_env=False,
                )
            except httpx.TimeoutException:
                error: str | None = f"timed out after {int(ATTEMPT_TIMEOUT * 1000)}ms"
            else:
                code = response.status_code
                error = None if response.is_success else f"HTTP {code}"
        else:
            answer = target(body, attempt.headers)
            if isinstance(answer, int) and not isinstance(answer, bool):
                code = answer
                error = None if 200 <= answer < 300 else f"HTTP {answer}"
            else:
                error = None
    except Exception as exc:
        error = _describe(exc)
    duration = round((time.perf_counter() - started) * 1000)
    return _Outcome(error is None, code, error, duration)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
