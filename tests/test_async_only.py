"""Async-only behaviour: awaiting a paginator, cancellation on asyncio and trio, the 429 gate."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import anyio.abc
import anyio.lowlevel
import httpx
import pytest
import respx

from plugipay import AsyncPlugipayClient
from tests._async.helpers import BASE_URL, KEY_ID, SECRET, envelope, error

pytestmark = pytest.mark.anyio


@pytest.fixture
def server() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


async def test_cancelling_during_backoff_returns_at_once(
    server: respx.MockRouter, http_client: httpx.AsyncClient | None
) -> None:
    server.get("/api/v1/customers").mock(
        return_value=error(503, "SERVICE_UNAVAILABLE", **{"Retry-After": "30"})
    )
    in_backoff = anyio.Event()
    requested: list[float] = []

    async def sleep(seconds: float) -> None:
        requested.append(seconds)
        in_backoff.set()
        await anyio.sleep(seconds)  # a real, long sleep: only cancellation can end it early

    async with AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        max_retries=5,
        _sleep=sleep,
    ) as plug:
        started = anyio.current_time()
        async with anyio.create_task_group() as tg:

            async def call() -> None:
                await plug.request("GET", "/api/v1/customers")

            tg.start_soon(call)
            await in_backoff.wait()
            tg.cancel_scope.cancel()
        elapsed = anyio.current_time() - started
    assert requested == [30.0]
    assert server.calls.call_count == 1
    assert elapsed < 5.0


async def test_cancel_scope_deadline_interrupts_a_request(
    server: respx.MockRouter, http_client: httpx.AsyncClient | None
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(30)
        return envelope([])

    server.get("/api/v1/customers").mock(side_effect=slow)
    async with AsyncPlugipayClient(
        http_client=http_client, key_id=KEY_ID, secret=SECRET, base_url=BASE_URL
    ) as plug:
        started = anyio.current_time()
        with anyio.move_on_after(0.01) as scope:
            await plug.request("GET", "/api/v1/customers")
        elapsed = anyio.current_time() - started
    assert scope.cancelled_caught
    assert elapsed < 5.0, "the request was interrupted, not waited out"


async def test_one_429_makes_every_task_of_the_client_wait(
    server: respx.MockRouter, http_client: httpx.AsyncClient | None
) -> None:
    now = [1000.0]
    sleeps: list[float] = []
    sent_at: list[float] = []

    def clock() -> float:
        return now[0]

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds
        await anyio.lowlevel.checkpoint()

    first_answer = [True]

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(now[0])
        if first_answer[0]:
            first_answer[0] = False
            return error(429, "RATE_LIMITED", **{"Retry-After": "5"})
        return envelope([])

    server.get("/api/v1/customers").mock(side_effect=answer)
    async with AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        _clock=clock,
        _sleep=sleep,
    ) as plug:
        merchant = plug.for_merchant("acc_1")  # clones share the gate
        await plug.request("GET", "/api/v1/customers")
        assert sleeps == [5.0]
        # The gate closed at 1000 until 1005; the clock is at 1005 now: open again.
        await merchant.request("GET", "/api/v1/customers")
    assert sleeps == [5.0]
    assert sent_at == [1000.0, 1005.0, 1005.0]


async def test_tasks_arriving_while_the_gate_is_closed_wait_it_out(
    server: respx.MockRouter, http_client: httpx.AsyncClient | None
) -> None:
    now = [1000.0]
    sleeps: list[float] = []
    sent_at: list[tuple[str, float]] = []
    limited = anyio.Event()
    release = anyio.Event()

    def clock() -> float:
        return now[0]

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        limited.set()
        await release.wait()
        now[0] = max(now[0], 1000.0 + 5.0)

    def answer(request: httpx.Request) -> httpx.Response:
        who = request.headers.get("x-plugipay-on-behalf-of", "plug")
        sent_at.append((who, now[0]))
        if len(sent_at) == 1:
            return error(429, "RATE_LIMITED", **{"Retry-After": "5"})
        return envelope([])

    server.get("/api/v1/customers").mock(side_effect=answer)
    async with AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        _clock=clock,
        _sleep=sleep,
    ) as plug:
        other = plug.for_merchant("acc_other")
        async with anyio.create_task_group() as tg:
            tg.start_soon(plug.request, "GET", "/api/v1/customers")
            await limited.wait()
            tg.start_soon(other.request, "GET", "/api/v1/customers")
            await anyio.lowlevel.checkpoint()
            await anyio.lowlevel.checkpoint()
            assert [who for who, _ in sent_at] == ["plug"], "the other task waits at the gate"
            release.set()
    assert sorted(sent_at) == [("acc_other", 1005.0), ("plug", 1000.0), ("plug", 1005.0)]
    assert sleeps == [5.0, 5.0]


async def test_awaiting_the_paginator_gives_the_first_page(
    server: respx.MockRouter, http_client: httpx.AsyncClient | None
) -> None:
    body = {
        "data": [{"id": "cus_1", "email": "c0@example.com"}],
        "error": None,
        "meta": {"page": {"hasMore": True, "nextCursor": "cur_1"}},
    }
    server.get("/api/v1/customers").mock(return_value=httpx.Response(200, json=body))
    async with AsyncPlugipayClient(
        http_client=http_client, key_id=KEY_ID, secret=SECRET, base_url=BASE_URL
    ) as plug:
        paginator = plug.customers.list(limit=10)
        assert server.calls.call_count == 0
        page = await paginator
        assert server.calls.call_count == 1
        assert len(page) == 1
        assert page.has_more is True
        assert page.cursor == page.next_cursor == "cur_1"
        assert page[0].email == "c0@example.com"
        assert await paginator is page, "the first page is fetched once"


async def test_a_webhook_receiver_on_the_clients_own_event_loop_gets_its_delivery() -> None:
    """The in-process emulator sends URL deliveries from a worker thread, so an endpoint served
    by the same event loop as the client (a FastAPI app under test, say) is answered at once
    instead of timing out after 10 s while the loop waits for the send."""
    from plugipay.testing import FakePlugipay

    fake = FakePlugipay(seed="same-loop")
    bodies: list[bytes] = []

    async def serve(stream: anyio.abc.ByteStream) -> None:
        async with stream:
            raw = b""
            while b"\r\n\r\n" not in raw:
                raw += await stream.receive()
            head, _, body = raw.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            while len(body) < length:
                body += await stream.receive()
            bodies.append(body)
            await stream.send(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with listener, anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, serve)
        fake.add_webhook(f"http://127.0.0.1:{port}/hooks", types=["plugipay.customer.created.v1"])
        async with fake.async_client() as plug:
            customer = await plug.customers.create(name="same loop")
        tasks.cancel_scope.cancel()
    [delivery] = fake.webhook_deliveries
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 1)
    assert len(bodies) == 1 and customer.id.encode() in bodies[0]


async def test_cancelling_a_call_while_it_waits_for_its_pacing_slot_sends_nothing() -> None:
    """A call paced to a low bucket waits in a real sleep; cancelling it there ends it at once,
    sends nothing, and leaves the pacing state usable: the next call waits its own slot and no
    request meets a 429."""
    from plugipay.testing import FakePlugipay
    from plugipay.testing._clock import FakeClock

    fake = FakePlugipay(seed="paced-cancel", clock=FakeClock(1_778_582_520.0, frozen=True))
    buckets = fake.rate_limits(writes=(2, 10))  # 2 tokens, then one per 5 s
    assert buckets is not None
    pacing_wait = anyio.Event()
    sleeps: list[float] = []
    block = [True]

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if block[0]:
            block[0] = False
            pacing_wait.set()
            await anyio.sleep_forever()  # only cancellation ends this wait
        fake.clock.advance(seconds)

    async with fake.async_client(_sleep=sleep, max_retries=0) as plug:
        await plug.customers.create(email="a@example.com")
        await plug.customers.create(email="b@example.com")
        sent = len(fake.requests)
        started = anyio.current_time()
        # Bounded: a client that did not pace would never reach the wait (and fail here).
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:

                async def paced() -> None:
                    await plug.customers.create(email="c@example.com")

                tg.start_soon(paced)
                await pacing_wait.wait()
                tg.cancel_scope.cancel()
        assert anyio.current_time() - started < 5.0, "cancelled in its wait, not waited out"
        assert len(fake.requests) == sent, "the cancelled call sent nothing"
        assert sleeps[0] > 0
        # The client still paces: the next write waits for a slot, then goes through.
        created = await plug.customers.create(email="d@example.com")
        assert created.email == "d@example.com"
        assert len(sleeps) == 2 and sleeps[1] > 0
    assert buckets.limited["writes"] == 0
    assert buckets.allowed["writes"] == 3
