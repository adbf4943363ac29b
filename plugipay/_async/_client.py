"""``AsyncPlugipayClient``: configuration, the connection pool, and the send loop.

The send loop is the one place a call turns into attempts: prepare once (body bytes and the
idempotency key are fixed), then per attempt wait at the client-wide 429 gate, sign afresh,
send, classify, and either decode or wait and retry with the same key.
"""

from __future__ import annotations

import json
import random
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import aclosing
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .._concurrency import AsyncDeadline, AsyncLoopGuard, AsyncRateLimitGate, asleep
from .._config import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ClientConfig,
    attempt_seconds,
    resolve_config,
)
from .._envelope import Envelope, decode_envelope
from .._exceptions import (
    EventLoopError,
    InvalidResponseError,
    PlugipayError,
    PlugipayTimeoutError,
    RateLimitError,
    error_from_response,
)
from .._logging import logger, setup_from_env
from .._pacing import Pacing, bucket_key, route_class
from .._request import PreparedRequest, attempt_headers, prepare
from .._resource import resource
from .._retry import next_delay, server_retry_after
from .._transport_errors import client_closed_error, transport_error
from .._types import NOT_GIVEN, AsyncSleep, NotGiven
from ._download import AsyncDownload

if TYPE_CHECKING:
    from .resources.adapters import AsyncAdapters
    from .resources.admin import AsyncAdmin
    from .resources.api_keys import AsyncApiKeys
    from .resources.billing import AsyncBilling
    from .resources.checkout_sessions import AsyncCheckoutSessions
    from .resources.checkout_settings import AsyncCheckoutSettings
    from .resources.customers import AsyncCustomers
    from .resources.events import AsyncEvents
    from .resources.gift_cards import AsyncGiftCards
    from .resources.invoices import AsyncInvoices
    from .resources.ledger import AsyncLedger
    from .resources.onboarding import AsyncOnboarding
    from .resources.payouts import AsyncPayouts
    from .resources.plans import AsyncPlans
    from .resources.portal_sessions import AsyncPortalSessions
    from .resources.prices import AsyncPrices
    from .resources.receipts import AsyncReceipts
    from .resources.refunds import AsyncRefunds
    from .resources.reports import AsyncReports
    from .resources.subscriptions import AsyncSubscriptions
    from .resources.templates import AsyncTemplates
    from .resources.test_clocks import AsyncTestClocks
    from .resources.uploads import AsyncUploads
    from .resources.webhook_deliveries import AsyncWebhookDeliveries
    from .resources.webhook_endpoints import AsyncWebhookEndpoints
    from .resources.workspaces import AsyncWorkspaces

__all__ = ["AsyncPlugipayClient"]

T = TypeVar("T")

_DEBUG = 10
_INFO = 20


class _SharedState:
    """What a client and its clones (``for_merchant``, ``with_options``) share: pool and gate."""

    __slots__ = ("gate", "http", "loop", "now", "owns_http", "pacing")

    def __init__(
        self,
        http: httpx.AsyncClient,
        owns_http: bool,
        gate: AsyncRateLimitGate,
        now: Callable[[], float],
        pacing: Pacing | None = None,
    ) -> None:
        self.http = http
        self.owns_http = owns_http
        self.gate = gate
        self.pacing = pacing if pacing is not None else Pacing(now, time.time)
        """The X-RateLimit-* buckets last seen, per route class (``plugipay._pacing``)."""
        self.now = now
        """The clock of waits and deadlines: monotonic, unless a test injects one."""
        self.loop = AsyncLoopGuard()
        """The event loop the pool belongs to (its first use decides)."""


class AsyncPlugipayClient:
    """The Plugipay API client: signs, retries and decodes every call."""

    def __init__(
        self,
        *,
        key_id: str | None = None,
        secret: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        on_behalf_of: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        total_timeout: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        mode: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        _clock: Callable[[], float] | None = None,
        _sleep: AsyncSleep | None = None,
        _rng: random.Random | None = None,
    ) -> None:
        setup_from_env()
        config = resolve_config(
            key_id=key_id,
            secret=secret,
            api_key=api_key,
            base_url=base_url,
            on_behalf_of=on_behalf_of,
            timeout=timeout,
            max_retries=max_retries,
            total_timeout=total_timeout,
            max_response_bytes=max_response_bytes,
            mode=mode,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}"
            )
        clock = _clock or time.time
        sleep_fn = _sleep or asleep
        now = _clock or time.monotonic
        gate = AsyncRateLimitGate(clock=now, sleep=sleep_fn)
        # A DefaultAioHttpClient is made for the one client it is passed to, which closes it.
        owns = http_client is None or getattr(http_client, "_closed_by_plugipay", False)
        http = http_client if http_client is not None else httpx.AsyncClient()
        shared = _SharedState(http, owns, gate, now, Pacing(now, clock))
        self._setup(config, shared, clock, sleep_fn, _rng or random.Random())

    def _setup(
        self,
        config: ClientConfig,
        shared: _SharedState,
        clock: Callable[[], float],
        sleep: AsyncSleep,
        rng: random.Random,
    ) -> None:
        self._config = config
        self._shared = shared
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        self._owner = shared.owns_http
        self._timeout = _timeout_extension(config.timeout)

    # -- resources ---------------------------------------------------------------------------

    workspaces: resource[AsyncWorkspaces] = resource("workspaces", "AsyncWorkspaces")
    """Workspaces and their members."""
    customers: resource[AsyncCustomers] = resource("customers", "AsyncCustomers")
    """Customers of the acting workspace."""
    admin: resource[AsyncAdmin] = resource("admin", "AsyncAdmin")
    """Partner provisioning (platform-admin keys)."""
    onboarding: resource[AsyncOnboarding] = resource("onboarding", "AsyncOnboarding")
    """Managed sub-account provisioning."""
    adapters: resource[AsyncAdapters] = resource("adapters", "AsyncAdapters")
    """Payment-provider adapters."""
    checkout_sessions: resource[AsyncCheckoutSessions] = resource(
        "checkout_sessions", "AsyncCheckoutSessions"
    )
    """Checkout sessions: taking a payment, and its receipt."""
    refunds: resource[AsyncRefunds] = resource("refunds", "AsyncRefunds")
    """Refunds of paid checkout sessions and invoices."""
    events: resource[AsyncEvents] = resource("events", "AsyncEvents")
    """The events API: list, read, replay and trigger events."""
    webhook_endpoints: resource[AsyncWebhookEndpoints] = resource(
        "webhook_endpoints", "AsyncWebhookEndpoints"
    )
    """Webhook endpoints (the ``/webhooks`` routes)."""
    webhook_deliveries: resource[AsyncWebhookDeliveries] = resource(
        "webhook_deliveries", "AsyncWebhookDeliveries"
    )
    """Webhook deliveries and their attempts."""
    plans: resource[AsyncPlans] = resource("plans", "AsyncPlans")
    """Plans: what is sold on a schedule, and their prices."""
    prices: resource[AsyncPrices] = resource("prices", "AsyncPrices")
    """A plan's prices: turn them on and off, delete them."""
    subscriptions: resource[AsyncSubscriptions] = resource("subscriptions", "AsyncSubscriptions")
    """Subscriptions: customers billed for a plan every period."""
    test_clocks: resource[AsyncTestClocks] = resource("test_clocks", "AsyncTestClocks")
    """Test clocks: move a subscription's clock ahead (test keys only)."""
    invoices: resource[AsyncInvoices] = resource("invoices", "AsyncInvoices")
    """Invoices: bills, their collection and their documents."""
    portal_sessions: resource[AsyncPortalSessions] = resource(
        "portal_sessions", "AsyncPortalSessions"
    )
    """Customer billing portal sessions."""
    payouts: resource[AsyncPayouts] = resource("payouts", "AsyncPayouts")
    """Payouts to the bank, the balance they come from, and the bank account they go to."""
    ledger: resource[AsyncLedger] = resource("ledger", "AsyncLedger")
    """The double-entry ledger: its entries and every account's balance."""
    reports: resource[AsyncReports] = resource("reports", "AsyncReports")
    """Profit and loss, cash flow, and the ledger as a streamed CSV."""
    receipts: resource[AsyncReceipts] = resource("receipts", "AsyncReceipts")
    """Receipts of paid sessions and invoices, and their documents."""
    gift_cards: resource[AsyncGiftCards] = resource("gift_cards", "AsyncGiftCards")
    """Gift cards and store credit."""
    checkout_settings: resource[AsyncCheckoutSettings] = resource(
        "checkout_settings", "AsyncCheckoutSettings"
    )
    """The checkout page: payment methods, their order and adapters, and the brand."""
    templates: resource[AsyncTemplates] = resource("templates", "AsyncTemplates")
    """Receipt, invoice and checkout templates, and their HTML preview."""
    uploads: resource[AsyncUploads] = resource("uploads", "AsyncUploads")
    """Image uploads (a logo, a static QR code)."""
    api_keys: resource[AsyncApiKeys] = resource("api_keys", "AsyncApiKeys")
    """API keys (person-only: a key gets ``PersonOnlyError``)."""
    billing: resource[AsyncBilling] = resource("billing", "AsyncBilling")
    """Plugipay's own tiers and plans for the merchant."""

    # -- clones ------------------------------------------------------------------------------

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        on_behalf_of: str | NotGiven | None = NOT_GIVEN,
        total_timeout: float | NotGiven | None = NOT_GIVEN,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
        mode: str | NotGiven | None = NOT_GIVEN,
    ) -> AsyncPlugipayClient:
        """A new client with some settings changed, sharing this one's connection pool
        (``mode=None`` goes back to the key's own mode, as ``on_behalf_of=None`` to its own
        workspace)."""
        changes: dict[str, Any] = {}
        if not isinstance(timeout, NotGiven):
            changes["timeout"] = timeout
        if not isinstance(total_timeout, NotGiven):
            changes["total_timeout"] = total_timeout
        if not isinstance(max_response_bytes, NotGiven):
            changes["max_response_bytes"] = max_response_bytes
        if not isinstance(max_retries, NotGiven):
            changes["max_retries"] = max_retries
        if not isinstance(on_behalf_of, NotGiven):
            changes["on_behalf_of"] = on_behalf_of
        if not isinstance(mode, NotGiven):
            changes["mode"] = mode
        clone = object.__new__(type(self))
        clone._setup(
            self._config.replace(**changes), self._shared, self._clock, self._sleep, self._rng
        )
        clone._owner = False
        return clone

    def for_merchant(self, account_id: str) -> AsyncPlugipayClient:
        """A new client acting on behalf of the merchant ``account_id``, sharing the pool."""
        if not isinstance(account_id, str) or not account_id:
            raise ValueError(f"account_id must be a non-empty str, got {account_id!r}")
        return self.with_options(on_behalf_of=account_id)

    @property
    def on_behalf_of(self) -> str | None:
        """The merchant account this client acts for, if any."""
        return self._config.on_behalf_of

    @property
    def mode(self) -> str | None:
        """The mode sent as ``X-Plugipay-Mode`` (``"live"`` or ``"test"``), or ``None`` for the
        key's own."""
        return self._config.mode

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._config.base_url

    @property
    def max_retries(self) -> int:
        """How many times a retryable failure is retried."""
        return self._config.max_retries

    @property
    def timeout(self) -> float | httpx.Timeout:
        """The per-request timeout."""
        timeout: float | httpx.Timeout = self._config.timeout
        return timeout

    # -- lifecycle ---------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connection pool if this client created it (clones never close it)."""
        if self._owner and self._shared.owns_http:
            await self._shared.http.aclose()

    async def __aenter__(self) -> AsyncPlugipayClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        config = self._config
        auth = "api_key=<hidden>" if config.key_id is None else f"key_id={config.key_id!r}"
        mode = "" if config.mode is None else f", mode={config.mode!r}"
        return (
            f"{type(self).__name__}({auth}, base_url={config.base_url!r}, "
            f"on_behalf_of={config.on_behalf_of!r}{mode})"
        )

    # -- calls -------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, object] | None = None,
        query: Mapping[str, object] | Iterable[tuple[str, object]] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Send any API call, signed and retried like the rest; returns the envelope's ``data``.

        ``path`` is the route with ids already in it, e.g. ``/api/v1/customers/cus_…``.
        """
        pairs = list(query.items()) if isinstance(query, Mapping) else query
        return await self._request(
            method, path, _envelope_data, query=pairs, body=body, idempotency_key=idempotency_key
        )

    async def download(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | Iterable[tuple[str, object]] | None = None,
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
        accept: str = "*/*",
    ) -> bytes:
        """Send any API call whose answer is a document (a PDF, a CSV, ...), signed and retried
        like ``request()``; returns its body, at most ``max_response_bytes``. An error answer
        raises its ``PlugipayError``."""
        pairs = list(query.items()) if isinstance(query, Mapping) else query
        prepared = prepare(
            self._config,
            method,
            path,
            query=pairs,
            body=body,
            idempotency_key=idempotency_key,
            accept=accept,
        )
        _, content = await self._send_download(prepared)
        return content

    def stream(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | Iterable[tuple[str, object]] | None = None,
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
        accept: str = "*/*",
    ) -> AsyncDownload:
        """Any API call whose answer is read as it arrives, never held whole: use it as
        ``async with plug.stream("GET", path) as download`` and iterate
        ``download.aiter_bytes()``. It is signed and retried like ``request()`` until the answer
        starts; an error answer raises its ``PlugipayError`` on entering."""
        pairs = list(query.items()) if isinstance(query, Mapping) else query
        prepared = prepare(
            self._config,
            method,
            path,
            query=pairs,
            body=body,
            idempotency_key=idempotency_key,
            accept=accept,
        )
        return AsyncDownload(self, prepared)

    async def _request(
        self,
        method: str,
        path: str,
        decode: Callable[[Envelope], T],
        *,
        query: Iterable[tuple[str, object]] | None = None,
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
    ) -> T:
        """Prepare a call and send it; ``decode`` turns the success envelope into the result."""
        prepared = prepare(
            self._config, method, path, query=query, body=body, idempotency_key=idempotency_key
        )
        return await self._send(prepared, decode)

    async def _send(self, prepared: PreparedRequest, decode: Callable[[Envelope], T]) -> T:
        """Send a JSON call; ``decode`` turns the success envelope into the result."""
        response, body = await self._attempts(prepared, stream=False)
        status = response.status_code
        try:
            return decode(decode_envelope(status, body, _request_id(response)))
        except InvalidResponseError as exc:
            # The write may have committed: the caller needs its key to retry safely; and an
            # answer was had, so its status and request id are kept (status 0 means no answer,
            # SPEC §4).
            exc.idempotency_key = prepared.idempotency_key
            exc.response = response
            exc.status = status
            exc.request_id = exc.request_id or _request_id(response)
            raise

    async def _send_download(self, prepared: PreparedRequest) -> tuple[httpx.Response, bytes]:
        """Send a call whose answer is a document, not the envelope; returns the answer (closed)
        and its whole body (at most ``max_response_bytes``)."""
        response, body = await self._attempts(prepared, stream=False)
        _refuse_error_envelope(response, body, prepared.idempotency_key)
        return response, body

    async def _open_stream(self, prepared: PreparedRequest) -> httpx.Response:
        """Send a call and return its success answer with the body not yet read (the caller
        closes it). Retries happen only before a success answer starts."""
        response, _ = await self._attempts(prepared, stream=True)
        return response

    async def _attempts(
        self, prepared: PreparedRequest, *, stream: bool
    ) -> tuple[httpx.Response, bytes]:
        """Attempt a call until a success answer, retrying what may be retried: the answer and
        its body, or with ``stream`` the answer with its body left unread (and ``b""``)."""
        config = self._config
        shared = self._shared
        url = httpx.URL(config.origin + prepared.target)
        log_path = prepared.target.partition("?")[0]
        key = prepared.idempotency_key
        # The server's buckets are per workspace: a merchant's calls pace apart from the rest.
        klass = bucket_key(route_class(prepared.method, log_path), config.on_behalf_of, config.mode)
        if not shared.loop.same_loop():
            raise EventLoopError(
                f"{prepared.method} {log_path} not sent: this client was first used on another "
                "event loop, which its connections belong to; make one client per event loop "
                "(for example inside the function that asyncio.run runs)",
                idempotency_key=key,
            )
        per_attempt = attempt_seconds(config.timeout)
        call_ends = None if config.total_timeout is None else shared.now() + config.total_timeout
        attempt = 0
        while True:
            attempt += 1
            # A wait at the 429 gate may last as long as the call has (its total_timeout); the
            # attempt after it, no longer than its timeout nor what is left of that total.
            reopens = shared.gate.reopens_at
            if reopens is not None:
                left = None if call_ends is None else call_ends - shared.now()
                if left is not None and reopens - shared.now() >= left:
                    raise _gate_outlasts(
                        prepared.method, log_path, reopens - shared.now(), left, key
                    )
                waited = await shared.gate.wait(left)
                still = shared.gate.reopens_at
                if left is not None and still is not None:
                    # Another call's 429 kept the gate closed past what this one has.
                    raise _gate_outlasts(prepared.method, log_path, still - shared.now(), 0.0, key)
                if waited and logger.isEnabledFor(_INFO):
                    logger.info(
                        "rate limited: waited %.3fs before %s %s", waited, prepared.method, log_path
                    )
            # Spread out over the time to reset while the class's bucket runs low (never
            # without the headers), as long as the call has time for it.
            pause = shared.pacing.delay(klass)
            if pause > 0:
                left = None if call_ends is None else call_ends - shared.now()
                if left is not None and pause >= left:
                    raise _gate_outlasts(prepared.method, log_path, pause, left, key)
                await self._sleep(pause)
                if logger.isEnabledFor(_DEBUG):
                    logger.debug(
                        "paced: waited %.3fs before %s %s", pause, prepared.method, log_path
                    )
            budget = _budget(per_attempt, call_ends, shared.now())
            if budget is not None and budget <= 0:
                raise PlugipayTimeoutError(
                    f"{prepared.method} {log_path} not sent: total_timeout "
                    f"({config.total_timeout}s) used up",
                    idempotency_key=key,
                )
            request = httpx.Request(
                prepared.method,
                url,
                headers=attempt_headers(config, prepared, int(self._clock())),
                content=prepared.body,
                extensions={"timeout": _cut_timeout(self._timeout, budget)},
            )
            if shared.http.is_closed:
                # Closed before this attempt (a call after close, or a retry after the pool closed
                # under it): httpx would raise a bare RuntimeError and the caller lose the key.
                raise client_closed_error(prepared.method, log_path, key)
            shared.pacing.sent(klass)  # in flight until observe or release below
            started = time.monotonic()
            retry_after: float | None = None
            # One bound from the first byte sent to the last byte read, not one per read.
            deadline = AsyncDeadline(budget, _cut_off(shared.http, request))
            opened: httpx.Response | None = None
            try:
                async with deadline:
                    # Never follow a redirect, whatever the caller's client says: it would re-send
                    # the signature headers, the idempotency key and the body to another host.
                    response = await shared.http.send(request, stream=True, follow_redirects=False)
                    if stream and 200 <= response.status_code < 300:
                        # The body is the caller's to read; the deadline bounded the wait for
                        # the answer to start, and each read is bounded by the timeout.
                        opened = response
                        body = b""
                        if deadline.expired():
                            raise TimeoutError
                    else:
                        try:
                            body = await _read_body(response, config.max_response_bytes, deadline)
                        finally:
                            await response.aclose()
            except TimeoutError:
                shared.pacing.release(klass)
                if opened is not None:
                    await opened.aclose()
                error = _attempt_timeout(prepared.method, log_path, budget, key)
                _log_attempt(prepared.method, log_path, error.code, started, None, attempt)
            except httpx.RequestError as exc:
                shared.pacing.release(klass)
                if shared.http.is_closed:
                    # Failed because the pool closed under it: retrying can't help.
                    raise client_closed_error(prepared.method, log_path, key) from exc
                if deadline.expired():
                    # The blocking flavour's watchdog cut the connection off at the deadline.
                    error = _attempt_timeout(prepared.method, log_path, budget, key)
                else:
                    error = transport_error(exc, prepared.method, log_path, key)
                _log_attempt(prepared.method, log_path, error.code, started, None, attempt)
            except RuntimeError as exc:
                shared.pacing.release(klass)
                # httpx's "client has been closed" is a RuntimeError; only that one is ours.
                if not shared.http.is_closed:
                    raise
                raise client_closed_error(prepared.method, log_path, key) from exc
            except InvalidResponseError as exc:
                shared.pacing.release(klass)
                # Larger than max_response_bytes: not read further, and not retried.
                exc.idempotency_key = key
                raise
            except BaseException:
                shared.pacing.release(klass)
                # Cancelled (or interrupted) after a stream's answer began: the caller never gets
                # it, so hand its connection back here (httpcore shields that close).
                if opened is not None:
                    await opened.aclose()
                raise
            else:
                shared.pacing.observe(klass, response.headers)
                status = response.status_code
                _log_attempt(prepared.method, log_path, status, started, response, attempt)
                if 200 <= status < 300:
                    return response, body
                retry_after = server_retry_after(
                    status, response.headers.get("retry-after"), self._clock()
                )
                error = error_from_response(
                    status,
                    body,
                    response.headers,
                    idempotency_key=key,
                    response=response,
                    retry_after=retry_after,
                )
                # An error answer may quote the request (a provider's secret with it): its bytes
                # live on in error.response, not in this frame for a traceback to print.
                del body
            if isinstance(error, RateLimitError) and error.retry_after is not None:
                # Every request of this client waits this one out together (API.md), even when
                # this call itself has no retries left.
                shared.gate.close_for(error.retry_after)
            delay = next_delay(
                attempt, config.max_retries, error.status, error.code, retry_after, self._rng
            )
            if delay is None or (call_ends is not None and shared.now() + delay >= call_ends):
                # Out of retries, not retryable, or no time left for another attempt.
                raise error
            if logger.isEnabledFor(_INFO):
                logger.info(
                    "retrying %s %s after %s (attempt %d of %d) in %.3fs",
                    prepared.method,
                    log_path,
                    error.code,
                    attempt + 1,
                    config.max_retries + 1,
                    delay,
                )
            await self._sleep(delay)


async def _read_body(response: httpx.Response, limit: int, deadline: AsyncDeadline) -> bytes:
    """The decoded body, refused past ``limit`` bytes; ``TimeoutError`` once the deadline passes
    (the async flavour is cancelled at the deadline anyway; the blocking one checks here)."""
    chunks: list[bytes] = []
    size = 0
    # Closed on the way out, so leaving early (too large, too late) leaves no generator behind;
    # typed Any because httpx annotates it as a bare iterator, which has no close.
    stream: Any = response.aiter_bytes()
    async with aclosing(stream) as decoded:
        async for chunk in decoded:
            size += len(chunk)
            if size > limit:
                raise InvalidResponseError(
                    f"the answer is larger than max_response_bytes ({limit} bytes) once decoded; "
                    "it was not read further",
                    status=response.status_code,
                    request_id=_request_id(response),
                    response=response,
                )
            chunks.append(chunk)
            if deadline.expired():
                raise TimeoutError
    return b"".join(chunks)


def _refuse_error_envelope(response: httpx.Response, body: bytes, key: str | None) -> None:
    """A document answer that is the error envelope after all (a success status carrying an
    error) raises ``InvalidResponseError`` as a JSON call's would; any other body is the
    document."""
    media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        return
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        try:
            decode_envelope(response.status_code, body, _request_id(response))
        except InvalidResponseError as exc:
            exc.idempotency_key = key
            exc.response = response
            raise


def _gate_outlasts(
    method: str, path: str, wait: float, left: float, key: str | None
) -> RateLimitError:
    return RateLimitError(
        f"{method} {path} not sent: the client is rate limited for another {wait:.3f}s, more "
        f"than this call has left ({left:.3f}s of its total_timeout)",
        status=429,
        code="rate_limited",
        retry_after=wait,
        idempotency_key=key,
    )


def _attempt_timeout(
    method: str, path: str, budget: float | None, key: str | None
) -> PlugipayError:
    return PlugipayTimeoutError(
        f"{method} {path} timed out: no whole answer within {budget or 0:.3f}s",
        idempotency_key=key,
    )


def _cut_off(http: httpx.AsyncClient, request: httpx.Request) -> Callable[[], None]:
    """What ends a blocking read of ``request`` at its deadline: shut its connection's socket
    down, so the read returns at once. It reaches into httpx's and httpcore's pool (private
    ``_transport_for_url``, ``_pool``, ``_requests``, ``_connection``); wherever any of that is
    missing (another transport, another version), it does nothing and the read is bounded per
    read only. The async flavour cancels instead and never calls it."""
    extensions = request.extensions

    def abort() -> None:
        transport_for_url = getattr(http, "_transport_for_url", None)
        transport = transport_for_url(request.url) if transport_for_url is not None else None
        for pending in list(getattr(getattr(transport, "_pool", None), "_requests", ())):
            if getattr(getattr(pending, "request", None), "extensions", None) is not extensions:
                continue
            connection = getattr(getattr(pending, "connection", None), "_connection", None)
            stream = getattr(connection, "_network_stream", None)
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                sock.shutdown(socket.SHUT_RDWR)

    return abort


def _budget(per_attempt: float | None, call_ends: float | None, now: float) -> float | None:
    """Seconds the next attempt may take: its timeout, cut to what is left of the call's total."""
    if call_ends is None:
        return per_attempt
    left = call_ends - now
    return left if per_attempt is None else min(per_attempt, left)


def _cut_timeout(timeout: dict[str, float | None], budget: float | None) -> dict[str, float | None]:
    """httpx's per-phase timeouts, none longer than what the attempt has left."""
    if budget is None:
        return timeout
    return {
        phase: budget if seconds is None else min(seconds, budget)
        for phase, seconds in timeout.items()
    }


def _envelope_data(envelope: Envelope) -> Any:
    return envelope.data


def _request_id(response: httpx.Response) -> str | None:
    request_id: str | None = response.headers.get("x-request-id")
    return request_id


def _log_attempt(
    method: str,
    path: str,
    outcome: int | str,
    started: float,
    response: httpx.Response | None,
    attempt: int,
) -> None:
    """One DEBUG line per attempt: never a body, a header value or a query string."""
    if logger.isEnabledFor(_DEBUG):
        logger.debug(
            "%s %s -> %s in %.1fms request_id=%s attempt=%d",
            method,
            path,
            outcome,
            (time.monotonic() - started) * 1000,
            _request_id(response) if response is not None else None,
            attempt,
        )


def _timeout_extension(timeout: object) -> dict[str, float | None]:
    if isinstance(timeout, httpx.Timeout):
        return timeout.as_dict()
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        return httpx.Timeout(float(timeout)).as_dict()
    raise TypeError(f"timeout must be a number of seconds or an httpx.Timeout, not {timeout!r}")


AsyncPlugipayClient.__module__ = "plugipay"  # its public home, as httpx's classes report theirs
