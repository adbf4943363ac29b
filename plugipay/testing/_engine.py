"""One request through the fake, in two steps around any injected latency.

``open`` records the request and decides everything that needs no waiting: the rate limiter,
faults, authentication, routing, scope (and person-only routes), the mode (``X-Plugipay-Mode``),
on-behalf-of and the idempotency claim. The transport
then waits out any latency (``time.sleep`` or ``anyio.sleep``) while the key stays claimed, so a
twin arriving meanwhile gets ``IDEMPOTENCY_KEY_IN_USE``. ``finish`` runs the handler under the
store lock, stores the answer for replay, delivers events, and says whether the connection drops.
Any unexpected exception (an emulator bug) becomes a 500 ``INTERNAL_ERROR`` answer with the
request id, so no error escapes into a transport or the loopback server's handler threads.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from . import resources
from ._auth import authenticate, parse_body
from ._buckets import RateBuckets, route_class
from ._faults import DropBeforeCommit, Faults, RateLimit, RateLimiter, StatusFault
from ._idempotency import Claim, IdempotencyStore
from ._ids import IdFactory, iso_ms
from ._multipart import Form
from ._routing import ANONYMOUS, PERSON, PLATFORM, Call, RouteTable
from ._store import ApiKey, Obj, Store
from ._validate import problem, validation_error
from ._wire import (
    ApiError,
    Document,
    RawRequest,
    RawResponse,
    document_response,
    error_response,
    json_response,
)

__all__ = ["ROUTES", "Engine", "Pending"]

ROUTES = RouteTable(resources.ROUTES)
"""The route table of every resource module."""


@dataclass(slots=True)
class Pending:
    """A request between ``open`` and ``finish``."""

    request_id: str
    delay: float
    answer: RawResponse | None = None
    call: Call | None = None
    """The prepared call, when the request gets to run."""
    drop: str = ""
    """``"before"`` or ``"after"`` (the commit) when the connection drops, else ``""``."""
    limit_headers: list[tuple[str, str]] | None = None
    """The ``X-RateLimit-*`` headers its answer carries (``fake.rate_limits``)."""


class Engine:
    """The fake's request pipeline over one store."""

    def __init__(
        self,
        store: Store,
        ids: IdFactory,
        clock: Callable[[], float],
        faults: Faults,
        prefix: str,
        max_requests: int | None = None,
        business: Callable[[], float] | None = None,
    ) -> None:
        self.store = store
        self.ids = ids
        self.clock = clock
        """The wall clock: signatures, idempotency records and the rate limiter."""
        self.business = business if business is not None else clock
        """Business time: what handlers see as ``call.now``, and when timers fall due."""
        self.faults = faults
        self.prefix = prefix
        store.base_path = prefix
        self.idempotency = IdempotencyStore()
        self.limiter: RateLimiter | None = None
        self.buckets: RateBuckets | None = None
        """Per-workspace, per-mode, per-class buckets (``fake.rate_limits``); off when ``None``."""
        self._requests: deque[RawRequest] = deque(maxlen=max_requests)
        self._requests_lock = threading.Lock()

    def requests(self) -> list[RawRequest]:
        """A snapshot of the requests received, oldest first."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._requests_lock:
            self._requests.clear()

    def open(self, request: RawRequest) -> Pending:
        """Everything before the wait: record, limit, faults, auth, route, claim."""
        with self._requests_lock:
            self._requests.append(request)
        request_id = self.ids.new("req_")
        try:
            return self._open(request, request_id)
        except Exception as exc:  # a bug in the emulator: answer it like a server would
            return Pending(request_id, 0.0, answer=_internal_error(exc, request_id))

    def _open(self, request: RawRequest, request_id: str) -> Pending:
        limiter = self.limiter
        if limiter is not None:
            wait = limiter.take()
            if wait is not None:
                return Pending(request_id, 0.0, answer=limiter.response(wait, request_id))
        path = request.path
        delay, fault = self.faults.pick(request.method, path[len(self.prefix) :])
        pending = Pending(request_id, delay)
        if isinstance(fault, DropBeforeCommit):
            pending.drop = "before"
            return pending
        if isinstance(fault, StatusFault | RateLimit):
            pending.answer = fault.response(request_id)
            return pending
        try:
            prepared = self._prepare(request, pending)
        except ApiError as error:
            pending.answer = error_response(error, request_id)
            return pending
        if isinstance(prepared, RawResponse):
            pending.answer = prepared  # an idempotent replay
        else:
            pending.call = prepared
            if self.faults.pick_after_commit(request.method, path[len(self.prefix) :]):
                pending.drop = "after"
        return pending

    def finish(self, pending: Pending, *, deliver: bool = True) -> RawResponse | None:
        """Run the request; the answer, or ``None`` when the connection drops. ``deliver=False``
        leaves the webhook attempts it caused to the caller (``store.events.deliver_pending``)."""
        if pending.drop == "before":
            return None
        call = pending.call
        if call is None:
            answer = pending.answer
            assert answer is not None
        else:
            try:
                answer = self._run(call, pending.request_id, deliver)
            except Exception as exc:  # a bug outside the handler: still an answer
                self.abandon(pending)
                answer = _internal_error(exc, pending.request_id)
        if pending.limit_headers:
            # A copy: a stored answer is replayed to later requests with their own headers.
            answer = RawResponse(
                answer.status, [*answer.headers, *pending.limit_headers], answer.body, answer.chunks
            )
        return None if pending.drop == "after" else answer

    def abandon(self, pending: Pending) -> None:
        """Free what ``open`` claimed for a request that will never finish (cancelled)."""
        if pending.call is not None and pending.call.claim is not None:
            self.idempotency.release(pending.call.claim)

    def _prepare(self, request: RawRequest, pending: Pending) -> Call | RawResponse:
        store, headers = self.store, request.headers
        now = self.clock()
        found = ROUTES.match(request.path, self.prefix)
        public = found[0].get(request.method) if found is not None else None
        if found is not None and public is not None and public.public:
            body = parse_body(request.body)[0]
            return Call(public, store, ANONYMOUS, {}, found[1], _query(request), body, None)
        # Key lookups are single dict/set reads: no lock needed around the CPU-heavy checks.
        key, body, canonical = authenticate(
            store, request.method, request.target, headers, request.body, now
        )
        store.last_used[key.key_id] = self.business()
        if found is None:
            raise ApiError(404, "NOT_FOUND", f"No route for {request.method} {request.path}")
        routes, params = found
        route = routes.get(request.method)
        if route is None:
            allowed = ", ".join(routes)
            raise ApiError(
                405,
                "METHOD_NOT_ALLOWED",
                f"{request.method} is not allowed on {request.path}; allowed: {allowed}",
                headers=[("allow", allowed)],
            )
        if route.scope == PLATFORM:
            if not key.is_platform:
                raise ApiError(403, "INSUFFICIENT_SCOPE", "This call needs a platform-admin key")
        elif route.scope == PERSON:
            if not key.person:
                raise ApiError(
                    403,
                    "PERSON_ONLY",
                    "Only a signed-in person may call this (a dashboard session sent as "
                    "Authorization: Bearer); an API key can't list, mint or revoke API keys",
                )
        elif not key.has_scope(route.scope):
            raise ApiError(403, "INSUFFICIENT_SCOPE", f"This key lacks the {route.scope} scope")
        mode = _mode(key, headers.get("x-plugipay-mode"))
        on_behalf_of = headers.get("x-plugipay-on-behalf-of", "")
        with store.lock:
            acting = self._acting(key, on_behalf_of)
        buckets = self.buckets
        if buckets is not None:
            # Before the idempotency claim: a request over the limit claims nothing.
            klass = route_class(request.method, request.path[len(self.prefix) :])
            pending.limit_headers = buckets.take(str(acting["id"]), mode, klass)
        query = _query(request)
        claim: Claim | None = None
        idempotency_key = headers.get("idempotency-key") or None
        if route.idempotency == "required" and idempotency_key is None:
            raise validation_error(
                [problem("Idempotency-Key", "required", "The Idempotency-Key header is required")]
            )
        if idempotency_key is not None and route.idempotency != "none":
            fingerprint = (
                request.method,
                request.path,
                on_behalf_of if key.is_platform else "",
                mode,
                body.digest() if isinstance(body, Form) else hashlib.sha256(canonical).hexdigest(),
            )
            found_claim = self.idempotency.claim(key.key_id, idempotency_key, fingerprint, now)
            if isinstance(found_claim, RawResponse):
                return found_claim
            claim = found_claim
        return Call(route, store, key, acting, params, query, body, claim, mode=mode)

    def _acting(self, key: ApiKey, on_behalf_of: str) -> Obj:
        own = self.store.workspaces[key.workspace_id]
        if not key.is_platform or not on_behalf_of:
            return own
        ws, _ = self.store.find_workspace(on_behalf_of)
        if ws is None or ws["_partner"] != key.partner:
            raise ApiError(
                404,
                "NOT_FOUND",
                f"No merchant workspace {on_behalf_of!r} under partner {key.partner!r}",
            )
        return ws

    def _run(self, call: Call, request_id: str, deliver: bool = True) -> RawResponse:
        store = self.store
        now = self.clock()
        call.now = self.business()
        try:
            idempotency_key = call.claim.scope[1] if call.claim is not None else None
            with store.lock:
                store.timers.run_due(call.now)
                with store.events.request(call.key, call.mode, request_id, idempotency_key):
                    status, data, page = call.route.handler(call)
            if isinstance(data, Document):
                answer = document_response(status, data, request_id)
            else:
                meta: dict[str, object] = {"requestId": request_id, "timestamp": iso_ms(now)}
                if page is not None:
                    meta.update(page)
                envelope = {"data": data, "error": None, "meta": meta}
                answer = json_response(status, envelope, request_id)
        except ApiError as error:
            answer = error_response(error, request_id)
        except Exception as exc:  # a bug in the emulator: answer it like a server would
            answer = _internal_error(exc, request_id)
        if call.claim is not None:
            answer.read()  # a stored answer is replayed whole, so a chunked one is joined once
            self.idempotency.complete(call.claim, answer, now)
        if deliver:
            store.events.deliver_pending()
        return answer


def _mode(key: ApiKey, header: str | None) -> str:
    """The call's mode: the key's, or the one ``X-Plugipay-Mode`` names, which a platform key
    or a person's session may choose and any other key may only repeat."""
    if header is None:
        return key.mode
    if header not in ("test", "live"):
        raise validation_error(
            [problem("X-Plugipay-Mode", "invalid", "X-Plugipay-Mode must be live or test")]
        )
    if header != key.mode and not (key.is_platform or key.person):
        raise ApiError(
            403,
            "INSUFFICIENT_SCOPE",
            f"A {key.mode} key can't act in {header} mode; only platform keys and signed-in "
            "persons choose the mode with X-Plugipay-Mode",
        )
    return header


def _query(request: RawRequest) -> dict[str, str]:
    """The first value of each query parameter, form-decoded (``+`` is a space)."""
    query: dict[str, str] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        query.setdefault(name, value)
    return query


def _internal_error(exc: Exception, request_id: str) -> RawResponse:
    """The 500 ``INTERNAL_ERROR`` answer for an emulator bug."""
    bug = ApiError(500, "INTERNAL_ERROR", f"Emulator error: {type(exc).__name__}: {exc}")
    return error_response(bug, request_id)
