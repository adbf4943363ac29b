"""What one call may cost: each attempt bounded from start to the last byte, a call's total
bound across retries and the 429 gate, and a cap on the decoded size of an answer."""

from __future__ import annotations

import gzip
import random
import zlib
from typing import Any

import httpx
import pytest
import respx

from plugipay import (
    AsyncPlugipayClient,
    InternalServerError,
    InvalidResponseError,
    PlugipayTimeoutError,
    RateLimitError,
)
from tests._async.helpers import BASE_URL, KEY_ID, SECRET, FakeTime, envelope, error
from tests.slow_server import BODY, SlowServer

pytestmark = pytest.mark.anyio


def _virtual(
    fake_time: FakeTime, http_client: httpx.AsyncClient | None, **options: Any
) -> AsyncPlugipayClient:
    """A client on the mocked server whose clock and sleeps are ``fake_time``'s."""
    options.setdefault("max_retries", 0)
    return AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        _clock=fake_time.time,
        _sleep=fake_time.sleep,
        **options,
    )


async def test_a_body_dripped_slower_than_the_timeout_is_a_timeout(
    http_client: httpx.AsyncClient | None,
) -> None:
    # The server takes ~3.5 s to drip its 70-byte body; each byte comes well within any per-read
    # timeout, so only a bound on the whole attempt can stop it.
    with SlowServer("body", gap=0.05) as slow:
        async with AsyncPlugipayClient(
            http_client=http_client,
            key_id=KEY_ID,
            secret=SECRET,
            base_url=slow.url,
            timeout=0.5,
            max_retries=0,
        ) as plug:
            with pytest.raises(PlugipayTimeoutError, match="no whole answer within") as info:
                await plug.customers.get("cus_1")
        assert slow.finished == 0
    assert info.value.status == 0 and info.value.code == "timeout"


async def test_headers_dripped_slower_than_the_timeout_are_a_timeout(
    http_client: httpx.AsyncClient | None,
) -> None:
    # The status line and headers take ~6 s to drip. The async client cancels the attempt at its
    # deadline; the blocking one has a watchdog cut the connection off, since httpcore reads
    # headers in a loop no per-read timeout bounds.
    with SlowServer("headers", gap=0.05) as slow:
        async with AsyncPlugipayClient(
            http_client=http_client,
            key_id=KEY_ID,
            secret=SECRET,
            base_url=slow.url,
            timeout=0.5,
            max_retries=0,
        ) as plug:
            with pytest.raises(PlugipayTimeoutError, match="no whole answer within") as info:
                await plug.customers.get("cus_1")
        assert slow.finished == 0
    assert (info.value.status, info.value.code) == (0, "timeout")


async def test_a_body_within_the_timeout_is_read(http_client: httpx.AsyncClient | None) -> None:
    with SlowServer("body", gap=0.001) as slow:
        async with AsyncPlugipayClient(
            http_client=http_client,
            key_id=KEY_ID,
            secret=SECRET,
            base_url=slow.url,
            timeout=5.0,
            max_retries=0,
        ) as plug:
            assert (await plug.customers.get("cus_1")).id == "cus_1"
    assert len(BODY) > 50


async def test_the_total_timeout_bounds_a_call_across_retries(
    server: respx.MockRouter, fake_time: FakeTime, http_client: httpx.AsyncClient | None
) -> None:
    route = server.get("/api/v1/customers/cus_1").mock(
        return_value=error(503, "SERVICE_UNAVAILABLE", **{"Retry-After": "2"})
    )
    async with _virtual(
        fake_time, http_client, max_retries=10, total_timeout=5.0, _rng=random.Random(1)
    ) as plug:
        with pytest.raises(InternalServerError):
            await plug.customers.get("cus_1")
    # Attempts at 0, 2 and 4 s; a fourth would start at 6 s, past the 5 s the call has.
    assert route.call_count == 3
    assert fake_time.sleeps == [2.0, 2.0]


async def test_the_429_gate_never_waits_past_what_the_call_has_left(
    server: respx.MockRouter, fake_time: FakeTime, http_client: httpx.AsyncClient | None
) -> None:
    route = server.post("/api/v1/customers").mock(
        side_effect=[
            error(429, "RATE_LIMITED", **{"Retry-After": "1000000000"}),
            envelope({"id": "cus_1"}, 201),
        ]
    )
    async with _virtual(fake_time, http_client) as plug:
        with pytest.raises(RateLimitError):
            await plug.customers.create(email="a@example.com")
        bounded = plug.with_options(total_timeout=30.0)
        with pytest.raises(RateLimitError, match=r"left \(30\.000s of its total_timeout\)") as info:
            await bounded.customers.create(email="b@example.com", idempotency_key="b-1")
        assert info.value.retry_after == 60.0  # the cap on Retry-After
        assert info.value.idempotency_key == "b-1"
        assert route.call_count == 1, "not sent"
        assert fake_time.sleeps == [], "nor waited at the gate"
        # Without a total_timeout the call waits the gate out (a per-attempt timeout covers the
        # attempt, from first byte to last, not the wait before it), then is sent.
        quick = plug.with_options(timeout=1.0)
        assert (await quick.customers.create(email="c@example.com")).id == "cus_1"
    assert fake_time.sleeps == [60.0]
    assert route.call_count == 2


async def test_a_gate_kept_closed_by_other_calls_stops_waiting_at_the_total(
    server: respx.MockRouter, http_client: httpx.AsyncClient | None
) -> None:
    route = server.get("/api/v1/customers/cus_1").mock(
        side_effect=[error(429, "RATE_LIMITED", **{"Retry-After": "3"})]
    )
    clock = FakeTime()
    plug: AsyncPlugipayClient

    async def sleep(seconds: float) -> None:
        # Meanwhile, another call of the client meets a 429 that closes the gate for 50 s more.
        await clock.sleep(seconds)
        if len(clock.sleeps) == 1:
            plug._shared.gate.close_for(50.0)

    async with AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        max_retries=0,
        _clock=clock.time,
        _sleep=sleep,
    ) as plug:
        with pytest.raises(RateLimitError):
            await plug.customers.get("cus_1")
        with pytest.raises(RateLimitError, match="more than this call has left") as info:
            await plug.with_options(total_timeout=5.0).customers.get("cus_1")
    assert sum(clock.sleeps) == pytest.approx(5.0), "it waited only what the call had"
    assert info.value.retry_after == pytest.approx(48.0)
    assert route.call_count == 1


async def test_the_gate_is_waited_out_when_the_call_has_time(
    server: respx.MockRouter, fake_time: FakeTime, http_client: httpx.AsyncClient | None
) -> None:
    route = server.post("/api/v1/customers").mock(
        side_effect=[
            error(429, "RATE_LIMITED", **{"Retry-After": "3"}),
            envelope({"id": "cus_1"}, 201),
        ]
    )
    async with _virtual(fake_time, http_client) as plug:
        with pytest.raises(RateLimitError):
            await plug.customers.create(email="a@example.com")
        assert (await plug.customers.create(email="a@example.com")).id == "cus_1"
    assert fake_time.sleeps == [3.0]
    assert route.call_count == 2


def _gzip_of_zeros(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed a megabyte at a time (never held whole)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(2**20)
    parts = [packer.compress(block) for _ in range(size // 2**20)]
    return b"".join([*parts, packer.flush()])


# httpx leaves its own inner body iterators unclosed when a read stops early; trio reports that at
# GC (the same as for a body that can't be decoded, in test_client.py).
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_an_answer_larger_than_the_cap_once_decoded_is_refused(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    bomb = _gzip_of_zeros(80 * 2**20)  # 80 MiB once inflated, past the 64 MiB default
    assert len(bomb) < 2**20
    route = server.get("/api/v1/customers/cus_1").mock(
        return_value=httpx.Response(
            200, content=bomb, headers={"content-encoding": "gzip", "x-request-id": "req_big"}
        )
    )
    with pytest.raises(InvalidResponseError, match="larger than max_response_bytes") as info:
        await plug.customers.get("cus_1")
    assert (info.value.status, info.value.request_id) == (200, "req_big")
    assert route.call_count == 1, "not retried"


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_the_cap_is_an_option_and_an_answer_at_it_is_read(
    server: respx.MockRouter, http_client: httpx.AsyncClient | None
) -> None:
    body = gzip.compress(b'{"data":{"id":"cus_1"},"error":null,"meta":{}}')
    size = len(gzip.decompress(body))
    server.get("/api/v1/customers/cus_1").mock(
        return_value=httpx.Response(200, content=body, headers={"content-encoding": "gzip"})
    )
    async with AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        max_response_bytes=size,
    ) as plug:
        assert (await plug.customers.get("cus_1")).id == "cus_1"
        with pytest.raises(InvalidResponseError, match=f"max_response_bytes \\({size - 1} bytes"):
            await plug.with_options(max_response_bytes=size - 1).customers.get("cus_1")


async def test_a_deeply_nested_answer_is_an_invalid_response_not_a_recursion_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    token: object = {}
    for _ in range(600):
        token = {"k": token}
    server.get("/api/v1/customers/cus_1").mock(
        return_value=envelope({"id": "cus_1", "defaultPaymentToken": token})
    )
    with pytest.raises(InvalidResponseError, match="nests too deeply"):
        await plug.customers.get("cus_1", expand=["defaultPaymentToken"])


async def test_over_long_requests_and_cursors_are_refused(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="at most 8192 are sent"):
        await plug.request("GET", "/api/v1/customers/" + "a" * 70_000)
    with pytest.raises(ValueError, match="at most 8192 are sent"):
        await plug.request("GET", "/api/v1/customers", query={"email": "a" * 70_000})
    with pytest.raises(ValueError, match="cursor must be at most 2048 characters"):
        plug.customers.list(cursor="c" * 70_000)
    assert server.calls.call_count == 0
    page = {
        "data": [],
        "error": None,
        "meta": {"page": {"hasMore": True, "nextCursor": "c" * 3000}},
    }
    server.get("/api/v1/customers").mock(return_value=httpx.Response(200, json=page))
    with pytest.raises(InvalidResponseError, match="next cursor is 3000 characters long"):
        [c async for c in plug.customers.list(limit=1)]
