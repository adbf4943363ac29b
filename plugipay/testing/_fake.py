"""``FakePlugipay``: a stateful Plugipay emulator with test hooks (API.md, "The emulator").

One store serves the in-process transport (``fake.transport``, for ``httpx.Client`` and
``httpx.AsyncClient``), the SDK clients made by ``fake.client()`` / ``fake.async_client()``, and
the loopback HTTP server of ``fake.serve()``. Secrets never appear in a repr.

Portal-only actions are test hooks that emit their SPEC §10 events: ``restore_workspace``
emits ``workspace.restored`` (``data.object``: the workspace; ``previousAttributes``:
``{"archivedAt": <stamp>, "status": "pending_deletion"}``); ``transfer_ownership`` emits
``workspace.ownership_transferred`` (``data.object``: the new owner's member object;
``previousAttributes``: ``{"role": <its role before>, "previousOwner": <the old owner's member
object, now with role admin>}``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from . import _ledger
from ._buckets import Limit, RateBuckets
from ._clock import BusinessClock, FakeClock
from ._engine import Engine
from ._events import EventLog, WebhookEndpoint, WebhookTarget
from ._faults import Faults, RateLimiter
from ._ids import IdFactory
from ._store import ApiKey, Obj, Store, wire
from ._transport import FakeTransport
from ._wire import ApiError, RawRequest
from .resources import checkout_sessions, members, workspaces
from .resources.customers import CUSTOMERS

if TYPE_CHECKING:
    from plugipay import AsyncPlugipayClient, PlugipayClient

__all__ = ["FakePlugipay", "RequestSnapshot"]

DEFAULT_BASE_URL = "https://plugipay.test"
"""In-process only: the transport answers, nothing is resolved or connected."""
OWNER_EMAIL = "owner@example.com"


class RequestSnapshot(list[RawRequest]):
    """A list of the requests received when it was taken; ``clear()`` empties it and the
    fake's own log."""

    def __init__(self, requests: Iterable[RawRequest], clear_log: Callable[[], None]) -> None:
        super().__init__(requests)
        self._clear_log = clear_log

    def clear(self) -> None:
        """Empty this snapshot and the fake's request log."""
        super().clear()
        self._clear_log()


class FakePlugipay:
    """A Plugipay emulator: one workspace and one owner key to start with.

    ``seed`` fixes ids, secrets and fault draws (with a frozen ``clock``, runs repeat exactly);
    ``base_url`` may carry a path prefix, which is then part of every route and signature.
    """

    def __init__(
        self,
        *,
        key_id: str | None = None,
        secret: str | None = None,
        seed: int | str | None = None,
        clock: FakeClock | None = None,
        base_url: str = DEFAULT_BASE_URL,
        max_requests: int | None = None,
    ) -> None:
        self.clock = clock if clock is not None else FakeClock()
        """The fake's wall clock (real time by default): signatures are checked against it.
        Moving it moves business time too; ``fake.advance`` moves business time alone."""
        self._business = BusinessClock(self.clock)
        rng = random.Random(seed)
        self.faults = Faults(
            random.Random(f"faults:{seed}") if seed is not None else random.Random()
        )
        """Fault injection; see ``plugipay.testing._faults``."""
        self._ids = IdFactory(rng, self._business.time)
        self._store = Store(self._ids, EventLog(self._ids, self._business.time))
        self.base_url = base_url.rstrip("/")
        """Where ``fake.client()`` sends requests (the host is never resolved)."""
        self._prefix = urlsplit(self.base_url).path
        self._engine = Engine(
            self._store,
            self._ids,
            self.clock.time,
            self.faults,
            self._prefix,
            max_requests,
            business=self._business.time,
        )
        self.transport = FakeTransport(self._engine)
        """The in-process httpx transport (sync and async)."""
        self._platform_keys: dict[str, ApiKey] = {}
        self._platform_workspaces: dict[str, Obj] = {}
        self._api_key: ApiKey | None = None
        self._session: ApiKey | None = None
        with self._store.lock:
            owner = self._store.new_identity(OWNER_EMAIL)
            self._workspace = workspaces.create_workspace(
                self._store, owner=owner, now=self._business.time(), name="Test workspace"
            )
            self._key = self._store.add_key(
                self._workspace, role="owner", key_id=key_id, secret=secret
            )

    # -- credentials ---------------------------------------------------------------------------

    @property
    def key_id(self) -> str:
        """The default owner key's id."""
        return self._key.key_id

    @property
    def secret(self) -> str:
        """The default owner key's secret."""
        return self._key.secret

    @property
    def key(self) -> ApiKey:
        """The default owner key."""
        return self._key

    @property
    def account_id(self) -> str:
        """The default workspace's ``acc_`` id."""
        return str(self._workspace["accountId"])

    @property
    def workspace_id(self) -> str:
        """The default workspace's ``ws_`` id."""
        return str(self._workspace["id"])

    @property
    def api_key(self) -> str:
        """A dashboard key (``pk_test_…``) for ``Authorization: Bearer``, owner of the default
        workspace; minted on first use."""
        with self._store.lock:
            if self._api_key is None:
                self._api_key = self._store.add_key(self._workspace, role="owner", bearer=True)
            return self._api_key.secret

    @property
    def session_token(self) -> str:
        """A signed-in person's dashboard session (``sess_…``, the default workspace's owner),
        sent as ``Authorization: Bearer``: ``fake.client(api_key=fake.session_token)``. The
        person-only routes (``/api-keys``) serve nothing else; it may choose its mode with
        ``X-Plugipay-Mode`` (default ``test``). Minted on first use."""
        with self._store.lock:
            if self._session is None:
                self._session = self._store.add_key(self._workspace, role="owner", person=True)
            return self._session.secret

    def add_key(
        self,
        *,
        role: str = "owner",
        scopes: Iterable[str] | None = None,
        workspace: str | None = None,
        platform: str | None = None,
        bearer: bool = False,
        person: bool = False,
    ) -> ApiKey:
        """Mint a key for ``workspace`` (``ws_``/``acc_``/slug; default: the fake's own) with a
        role and scopes (default: the role's usual scopes). ``platform`` makes it a
        platform-admin key of that partner (its workspace defaults to the partner's own);
        ``person`` a signed-in person's session instead of a key (its ``secret`` is the Bearer
        token, as ``session_token``)."""
        if person and (platform is not None or bearer):
            raise ValueError("a person's session is neither a platform key nor a dashboard key")
        with self._store.lock:
            if platform is not None and workspace is None:
                ws = self._partner_workspace(platform)
            else:
                ws = self._find(workspace) if workspace is not None else self._workspace
            return self._store.add_key(
                ws, role=role, scopes=scopes, partner=platform, bearer=bearer, person=person
            )

    def revoke_key(self, key: ApiKey | str) -> None:
        """Revoke a key (by ``ApiKey`` or key id); later calls with it get ``REVOKED_KEY``."""
        with self._store.lock:
            self._store.revoked.add(key.key_id if isinstance(key, ApiKey) else key)

    def platform_key(self, partner: str) -> ApiKey:
        """The platform-admin key of ``partner`` (``"storlaunch"``), minted on first use."""
        with self._store.lock:
            found = self._platform_keys.get(partner)
            if found is None:
                ws = self._partner_workspace(partner)
                found = self._store.add_key(ws, role="owner", partner=partner)
                self._platform_keys[partner] = found
            return found

    # -- clients -------------------------------------------------------------------------------

    def _client_options(
        self, platform: str | None, key: ApiKey | None, options: dict[str, Any]
    ) -> dict[str, Any]:
        if "api_key" not in options and "key_id" not in options:
            chosen = key or (self.platform_key(platform) if platform else self._key)
            options["key_id"] = chosen.key_id
            options["secret"] = chosen.secret
        options.setdefault("base_url", self.base_url)
        options.setdefault("_clock", self.clock.time)
        return options

    def client(
        self, *, platform: str | None = None, key: ApiKey | None = None, **options: Any
    ) -> PlugipayClient:
        """A ``PlugipayClient`` on the in-process transport, signed with the default owner key,
        ``key``, or the platform-admin key of ``platform``; ``options`` go to the client."""
        from plugipay import PlugipayClient

        opts = self._client_options(platform, key, options)
        opts.setdefault("http_client", httpx.Client(transport=self.transport))
        return PlugipayClient(**opts)

    def async_client(
        self, *, platform: str | None = None, key: ApiKey | None = None, **options: Any
    ) -> AsyncPlugipayClient:
        """The ``AsyncPlugipayClient`` twin of ``client()``, on the same state."""
        from plugipay import AsyncPlugipayClient

        opts = self._client_options(platform, key, options)
        opts.setdefault("http_client", httpx.AsyncClient(transport=self.transport))
        return AsyncPlugipayClient(**opts)

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve this fake on a loopback HTTP port; yields its base URL (``http://127.0.0.1:…``)."""
        from ._server import LoopbackServer

        with LoopbackServer(self._engine, host, port) as server:
            yield server.url + self._prefix

    # -- inspection ----------------------------------------------------------------------------

    @property
    def customers(self) -> list[dict[str, object]]:
        """Every customer (all workspaces) as the API returns it, oldest first."""
        with self._store.lock:
            return [wire(c) for c in self._store[CUSTOMERS]]

    # -- business time -------------------------------------------------------------------------

    def advance(self, delta: float | timedelta) -> int:
        """Move business time forward by ``delta`` (seconds or a ``timedelta``) and run what fell
        due: expiries, renewals, webhook retries, each once and in time order; how many ran.

        Request signatures are still checked against the wall clock (``fake.clock``), so a client
        keeps signing with real time however far business time has moved.
        """
        seconds = delta.total_seconds() if isinstance(delta, timedelta) else delta
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"advance() takes seconds or a timedelta, not {type(delta).__name__}")
        self._business.advance(float(seconds))
        with self._store.lock:
            ran = self._store.timers.run_due(self._business.time())
        self._store.events.deliver_pending()
        return ran

    def now(self) -> float:
        """Business time (unix seconds): the wall clock plus every ``advance`` so far."""
        return self._business.time()

    @property
    def workspaces(self) -> list[dict[str, object]]:
        """Every workspace (archived ones too) as the API returns it, oldest first."""
        with self._store.lock:
            return [wire(ws) for ws in self._store.workspaces.ordered()]

    @property
    def events(self) -> list[dict[str, object]]:
        """Every event recorded so far, oldest first."""
        return list(self._store.events.events)

    @property
    def requests(self) -> RequestSnapshot:
        """Requests received, oldest first: a snapshot list, safe to read while other threads
        send; only the last ``max_requests`` are kept when that was given. Its ``clear()``
        also clears the fake's log (as ``clear_requests()`` does)."""
        return RequestSnapshot(self._engine.requests(), self._engine.clear_requests)

    def clear_requests(self) -> None:
        """Forget the requests received so far (``fake.requests`` starts over)."""
        self._engine.clear_requests()

    @property
    def idempotency_entries(self) -> int:
        """How many idempotency keys the fake holds (running or stored, not yet expired and
        purged); expired ones go as new keys are claimed."""
        return len(self._engine.idempotency)

    def members(self, workspace: str | None = None) -> list[dict[str, object]]:
        """The members of ``workspace`` (default: the fake's own), oldest first."""
        with self._store.lock:
            ws = self._find(workspace) if workspace is not None else self._workspace
            return [wire(m) for m in self._store[members.MEMBERS].ordered(str(ws["id"]))]

    # -- state hooks ---------------------------------------------------------------------------

    def set_balance(self, workspace: str, amount: float, *, currency: str | None = None) -> None:
        """Bring a workspace's ``balance`` account (in ``currency``, default the workspace's
        ``defaultCurrency``) to ``amount`` minor units by posting one balanced ``adjustment``
        transaction against ``revenue``; archiving refuses a non-zero balance. ``ValueError``
        for an amount that isn't a whole number."""
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ValueError(f"amount must be an int, got {amount!r}")
        if isinstance(amount, float) and not amount.is_integer():
            raise ValueError(f"amount must be a whole number of minor units, got {amount!r}")
        with self._store.lock:
            ws = self._find(workspace)
            _ledger.post_adjustment(
                self._store,
                ws,
                target=int(amount),
                currency=currency or str(ws["defaultCurrency"]),
                now=self._business.time(),
            )

    def accept_invite(self, workspace: str, member: str) -> dict[str, object]:
        """Accept an invitation (member id or email), as the invitee would through SSO."""
        store = self._store
        with store.lock:
            ws = self._find(workspace)
            found = self._member(ws, member)
            members.accept(store, ws, found, self._business.time())
            answer = wire(found)
        store.events.deliver_pending()
        return answer

    def restore_workspace(self, workspace: str) -> dict[str, object]:
        """Restore an archived workspace, as the portal does within 90 days: clear
        ``archivedAt``, un-revoke the keys the archive revoked (not ones revoked directly),
        emit ``workspace.restored``. A workspace that isn't archived is left as it is."""
        store = self._store
        with store.lock:
            ws = self._find(workspace)
            if ws["archivedAt"] is not None:
                workspaces.restore(store, ws, self._business.time())
            answer = wire(ws)
        store.events.deliver_pending()
        return answer

    def transfer_ownership(self, workspace: str, member: str) -> dict[str, object]:
        """Make an active member (id or email) the owner, as the portal does; the old owner
        becomes an admin. Emits ``workspace.ownership_transferred`` with the new owner's member
        object as ``data.object`` and ``previousAttributes`` ``{"role": <its role before>,
        "previousOwner": <the old owner's member object, now admin>}``. Keys keep their roles;
        the workspace's keys now see the workspaces of the new owner's identity."""
        store = self._store
        with store.lock:
            ws = self._find(workspace)
            found = self._member(ws, member)
            if found["status"] != "active":
                raise ValueError(f"member {found['id']} hasn't accepted the invitation yet")
            if found["role"] != "owner":
                members.transfer_ownership(store, ws, found, self._business.time())
            answer = wire(found)
        store.events.deliver_pending()
        return answer

    def add_workspace(
        self,
        *,
        name: str | None = None,
        brand_name: str | None = None,
        business_email: str | None = None,
        region: str = "id-jakarta",
        partner: str | None = None,
        owner_email: str | None = None,
    ) -> dict[str, object]:
        """Create a workspace directly (a merchant of ``partner``, or of a new identity)."""
        store = self._store
        with store.lock:
            owner = store.new_identity(
                owner_email or f"owner+{self._ids.ulid().lower()}@example.com"
            )
            ws = workspaces.create_workspace(
                store,
                owner=owner,
                now=self._business.time(),
                name=name,
                brand_name=brand_name,
                business_email=business_email,
                region=region,
                partner=partner,
            )
            answer = wire(ws)
        store.events.deliver_pending()
        return answer

    def rate_limit(self, per_second: float | None, *, burst: float | None = None) -> None:
        """Answer 429 with ``Retry-After`` beyond ``per_second`` requests (token bucket on the
        fake's clock, capacity ``burst``, default ``per_second``); ``None`` turns it off."""
        if per_second is None:
            self._engine.limiter = None
        else:
            capacity = burst if burst is not None else max(per_second, 1.0)
            self._engine.limiter = RateLimiter(per_second, capacity, self.clock.time)

    @property
    def rate_limited(self) -> int:
        """How many requests the rate limiter answered 429."""
        limiter = self._engine.limiter
        return 0 if limiter is None else limiter.limited

    # -- webhooks ------------------------------------------------------------------------------

    def add_webhook(
        self,
        target: WebhookTarget | str,
        *,
        secret: str | None = None,
        account_id: str | None = None,
        types: Iterable[str] | None = None,
        mode: str | None = None,
        description: str | None = None,
    ) -> WebhookEndpoint:
        """Deliver events to ``target``: a callable ``(raw_body, headers)`` called in-process
        (returning is a 2xx answer, returning an ``int`` answers that status, raising fails the
        attempt), or an ``http(s)`` URL POSTed to. Signed with ``secret`` (default: a new
        ``whsec_…``), retried on business time like any endpoint (``plugipay.testing._deliveries``).

        The endpoint is also an API endpoint (``GET /webhooks``) of the workspace ``account_id``
        names, in ``mode`` (default: the default key's). Without ``account_id`` it lives in the
        fake's own workspace but takes every workspace's events; ``types`` limits the event types
        (default: all). Returns a handle with its ``id``, ``secret``, ``delivered`` and ``failures``.
        """
        call: WebhookTarget | None
        if isinstance(target, str):
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"target must be an http(s) URL or a callable, got {target!r}")
            url, call = target, None
        elif callable(target):
            name = getattr(target, "__qualname__", type(target).__qualname__)
            url, call = f"python:{name}", target
        else:
            raise TypeError(f"target must be a callable or a URL, not {type(target).__name__}")
        if mode not in (None, "test", "live"):
            raise ValueError(f"mode must be 'test' or 'live', got {mode!r}")
        events = list(types) if types is not None else []
        store = self._store
        with store.lock:
            ws = self._find(account_id) if account_id is not None else self._workspace
            deliveries = store.events.deliveries
            endpoint = deliveries.add_endpoint(
                ws,
                mode=mode or self._key.mode,
                url=url,
                events=events,
                description=description,
                now=self._business.time(),
                secret=secret,
                target=call,
                any_workspace=account_id is None,
            )
            return deliveries.handle(endpoint, target, None if types is None else frozenset(events))

    @property
    def webhook_deliveries(self) -> list[dict[str, object]]:
        """Every webhook delivery (all workspaces and modes) as ``GET
        /webhooks/deliveries/{id}`` answers it, with its ``attemptLog``; oldest first."""
        with self._store.lock:
            return [wire(d) for d in self._store.events.deliveries.all_deliveries()]

    def set_webhook_retry_schedule(
        self,
        delays: Iterable[float | timedelta],
        *,
        give_up_after: float | timedelta = timedelta(hours=72),
    ) -> None:
        """Replace the retry delays after a failed delivery attempt (default 1 min, 5 min,
        30 min, 2 h, 5 h, then every 10 h: the last delay repeats) and how long after its
        creation a delivery is still retried (default 72 h). Applies to retries scheduled from
        now on."""

        def seconds(value: float | timedelta) -> float:
            return value.total_seconds() if isinstance(value, timedelta) else float(value)

        with self._store.lock:
            self._store.events.deliveries.set_schedule(
                [seconds(d) for d in delays], seconds(give_up_after)
            )

    # -- internals -----------------------------------------------------------------------------

    def _find(self, ref: str) -> Obj:
        return self._store.resolve_workspace(ref)

    def _member(self, ws: Obj, ref: str) -> Obj:
        found = members.find_member(self._store, ws, ref)
        if found is None:
            raise KeyError(f"no member {ref!r} in {ws['id']}")
        return found

    def _partner_workspace(self, partner: str) -> Obj:
        store = self._store
        ws = self._platform_workspaces.get(partner)
        if ws is None:
            owner = store.new_identity(f"platform@{partner}.example.com")
            ws = workspaces.create_workspace(
                store,
                owner=owner,
                now=self._business.time(),
                name=f"{partner} platform",
                partner=partner,
            )
            self._platform_workspaces[partner] = ws
        return ws

    # -- money ---------------------------------------------------------------------------------

    @property
    def checkout_sessions(self) -> list[dict[str, object]]:
        """Every checkout session (all workspaces) as the API returns it, oldest first."""
        with self._store.lock:
            return [wire(s) for s in self._store[checkout_sessions.CHECKOUT_SESSIONS]]

    @property
    def refunds(self) -> list[dict[str, object]]:
        """Every refund (all workspaces, failed ones too) as the API returns it, oldest first."""
        from .resources.refunds import REFUNDS

        with self._store.lock:
            return [wire(r) for r in self._store[REFUNDS]]

    @property
    def plans(self) -> list[dict[str, object]]:
        """Every plan (all workspaces), with its prices, as the API returns it, oldest first."""
        from .resources.plans import PLANS

        with self._store.lock:
            return [wire(p) for p in self._store[PLANS]]

    @property
    def subscriptions(self) -> list[dict[str, object]]:
        """Every subscription (all workspaces) as the API returns it, oldest first."""
        from .resources.subscriptions import SUBSCRIPTIONS

        with self._store.lock:
            return [wire(s) for s in self._store[SUBSCRIPTIONS]]

    @property
    def invoices(self) -> list[dict[str, object]]:
        """Every invoice (all workspaces) as the API returns it, oldest first."""
        from .resources.invoices import INVOICES

        with self._store.lock:
            return [wire(i) for i in self._store[INVOICES]]

    def report_usage(self, subscription_id: str, quantity: int) -> None:
        """Report ``quantity`` units of metered usage on a subscription with a ``usage`` price:
        its next invoice bills what was reported since the previous one, aggregated by the
        plan's ``usageAggregate`` (``sum`` by default, ``max``, ``last``). ``KeyError`` for an
        unknown subscription, ``ValueError`` for a negative or non-int quantity."""
        from .resources.subscriptions import SUBSCRIPTIONS, report_usage

        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise ValueError(f"quantity must be a non-negative int, got {quantity!r}")
        with self._store.lock:
            sub = self._store[SUBSCRIPTIONS].get(subscription_id)
            if sub is None:
                raise KeyError(f"no subscription {subscription_id!r}")
            report_usage(self._store, sub, quantity)

    def pay_checkout_session(self, session_id: str, method: str = "qris") -> dict[str, object]:
        """Pay an ``open`` checkout session as the buyer would (SPEC-MONEY §7): an automatic
        method (``qris``, ``va``, ``ewallet``, ``card``, ``retail``, ``paypal``) completes it
        (``paymentId``, a receipt, the ledger, ``checkout_session.completed``); ``bank_transfer``
        puts it in ``pending_review`` for the merchant to ``confirm``. Returns the session.

        ``KeyError`` for an unknown session; ``ValueError`` for a method it does not offer or a
        session that isn't open (the message carries the API's error code)."""
        return self._buyer(
            session_id, lambda s, now: checkout_sessions.pay(self._store, s, method, now)
        )

    def fail_checkout_session(self, session_id: str) -> dict[str, object]:
        """Make the buyer's payment fail: ``open`` → ``failed``. Returns the session; errors as
        ``pay_checkout_session``."""
        return self._buyer(
            session_id, lambda s, now: checkout_sessions.fail_session(self._store, s, now)
        )

    def refuse_next_refund(
        self, reason: str = "Refused by the provider", *, count: int = 1
    ) -> None:
        """Make the payment provider refuse the next ``count`` refunds with ``reason``: each
        answers 422 ``PROVIDER_DECLINED`` and is kept with status ``failed``."""
        with self._store.lock:
            self._store.provider.refuse_refunds(reason, count)

    @property
    def fee_rate(self) -> float:
        """The share of each payment kept as fees (default 0.02), rounded half up to the minor
        unit; posted to ``platform_fees``. Settable (0 to 1); applies to later payments."""
        return self._store.provider.fee_rate

    @fee_rate.setter
    def fee_rate(self, rate: float) -> None:
        with self._store.lock:
            self._store.provider.fee_rate = rate

    def ledger_entries(self, workspace: str | None = None) -> list[dict[str, object]]:
        """The ledger entries of ``workspace`` (default: the fake's own), in posting order."""
        with self._store.lock:
            ws = self._find(workspace) if workspace is not None else self._workspace
            return [wire(e) for e in self._store[_ledger.LEDGER].ordered(str(ws["accountId"]))]

    def ledger_balances(
        self, workspace: str | None = None, *, currency: str | None = None
    ) -> dict[str, int]:
        """Account code → balance (debits − credits) of ``workspace`` (default: the fake's own),
        over every entry or those of ``currency``; every code of the chart, summing to zero."""
        with self._store.lock:
            ws = self._find(workspace) if workspace is not None else self._workspace
            rows = _ledger.balances(self._store, str(ws["accountId"]), currency)
        return {str(row["code"]): int(str(row["balance"])) for row in rows}

    @property
    def payouts(self) -> list[dict[str, object]]:
        """Every payout (all workspaces) as the API returns it, oldest first."""
        from .resources.payouts import PAYOUTS

        with self._store.lock:
            return [wire(p) for p in self._store[PAYOUTS]]

    @property
    def gift_cards(self) -> list[dict[str, object]]:
        """Every gift card (all workspaces) as the API returns it, oldest first."""
        from .resources.gift_cards import GIFT_CARDS

        with self._store.lock:
            return [wire(c) for c in self._store[GIFT_CARDS]]

    @property
    def receipts(self) -> list[dict[str, object]]:
        """Every receipt (all workspaces, from sessions and invoices), oldest first."""
        with self._store.lock:
            return [wire(r) for r in self._store[checkout_sessions.RECEIPTS]]

    def check_books(self, workspace: str | None = None) -> None:
        """Check every invariant of SPEC-MONEY §5 on the books of ``workspace`` (``ws_``/``acc_``
        id or slug; default: every workspace): each transaction balances, ``ledger/balances``
        sums to zero and equals its entries, ``payouts/balance`` (``ledgerBalance``, ``locked``,
        ``available``) agrees with the ledger and the payouts, ``reports/pnl`` and
        ``reports/cash-flow`` over all time agree with ``ledger/balances``, the CSV export has
        one row per entry, paid payouts and gift cards match their accounts. Raises
        ``AssertionError`` naming the first broken invariant; returns ``None`` when all hold."""
        from ._books import check_books

        with self._store.lock:
            chosen = (
                [self._find(workspace)]
                if workspace is not None
                else self._store.workspaces.ordered()
            )
            check_books(self._store, chosen)

    def _buyer(self, session_id: str, action: Callable[[Obj, float], None]) -> dict[str, object]:
        store = self._store
        with store.lock:
            now = self._business.time()
            store.timers.run_due(now)  # a session past its expiry has expired by now
            session = store[checkout_sessions.CHECKOUT_SESSIONS].get(session_id)
            if session is None:
                raise KeyError(f"no checkout session {session_id!r}")
            try:
                action(session, now)
            except ApiError as error:
                raise ValueError(f"{error.code}: {error.message}") from None
            answer = wire(session)
        store.events.deliver_pending()
        return answer

    # -- rate limits ---------------------------------------------------------------------------

    def rate_limits(
        self,
        *,
        reads: Limit | None = None,
        writes: Limit | None = None,
        exports: Limit | None = None,
    ) -> RateBuckets | None:
        """Limit each workspace and mode per route class as Plugipay does (SPEC-MONEY §8): a
        limit is requests per second (``writes=20``) or ``(requests, seconds)``
        (``exports=(5, 60)``); a class left ``None`` is not limited, and no limits at all turns
        them off (the default). Limited answers carry ``X-RateLimit-Limit``, ``-Remaining`` and
        ``-Reset``; over the limit, 429 ``RATE_LIMITED`` with ``Retry-After``. Returns the buckets
        (their ``allowed`` and ``limited`` counters per class), or ``None`` when off. Independent
        of ``rate_limit``, the one bucket for every request."""
        given = {"reads": reads, "writes": writes, "exports": exports}
        limits = {name: limit for name, limit in given.items() if limit is not None}
        buckets = RateBuckets(limits, self.clock.time) if limits else None
        self._engine.buckets = buckets
        return buckets

    def __repr__(self) -> str:
        return (
            f"FakePlugipay(base_url={self.base_url!r}, key_id={self.key_id!r}, "
            f"account_id={self.account_id!r}, customers={len(self._store[CUSTOMERS])})"
        )
