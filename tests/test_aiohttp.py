"""The aiohttp transport (``plugipay.DefaultAioHttpClient``) keeps the send loop's guarantees over
real loopback HTTP: byte-exact signed URLs, no redirects, the same error classes, timeouts,
cancellation without leaked connections, and trio falling back to httpx's transport."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import anyio
import httpx
import pytest
import respx

import plugipay
from plugipay import (
    AsyncPlugipayClient,
    InvalidResponseError,
    NotFoundError,
    PlugipayError,
    PlugipayNetworkError,
    PlugipayTimeoutError,
)
from plugipay._aiohttp import AiohttpTransport
from plugipay._signing import sign_request
from plugipay.testing import FakePlugipay, Latency
from tests._async.helpers import BASE_URL, KEY_ID, SECRET
from tests.aiohttp_bridge import BridgedAioHttpClient

pytestmark = pytest.mark.anyio

Answer = Callable[[str], tuple[int, dict[str, str], bytes]]


def _ok(target: str) -> tuple[int, dict[str, str], bytes]:
    body = {"data": {"id": "cus_1"}, "error": None, "meta": {"requestId": "req_1"}}
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


class _Recorder:
    """A loopback HTTP/1.1 server on the test's own loop that records each request head."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.heads: list[list[bytes]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")[:-2]
                self.heads.append(lines)
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                status, headers, body = self.answer(lines[0].split(b" ")[1].decode())
                out = [f"HTTP/1.1 {status} X".encode()]
                out += [f"{k}: {v}".encode() for k, v in headers.items()]
                out.append(f"Content-Length: {len(body)}".encode())
                writer.write(b"\r\n".join(out) + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _serve(answer: Answer) -> AsyncIterator[tuple[str, _Recorder]]:
    recorder = _Recorder(answer)
    writers: list[asyncio.StreamWriter] = []
    handlers: set[asyncio.Task[None]] = set()

    def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # On record as the connection is made, so teardown closes it even if its handler never
        # got to run (a task cancelled before its first step skips its finally).
        writers.append(writer)
        task = asyncio.get_running_loop().create_task(recorder.handle(reader, writer))
        handlers.add(task)
        task.add_done_callback(handlers.discard)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", recorder
    finally:
        server.close()
        for writer in writers:
            writer.transport.abort()
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)


async def test_the_url_goes_out_byte_for_byte_as_signed() -> None:
    async for base, recorder in _serve(_ok):
        async with AsyncPlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=base, http_client=plugipay.DefaultAioHttpClient()
        ) as plug:
            await plug.request(
                "GET",
                "/api/v1/customers/a%2F..%2Fb",
                query=[("email", "a+b c@ex.com"), ("q", "zoë/../x~")],
            )
        line = recorder.heads[0][0]
        target = b"/api/v1/customers/a%2F..%2Fb?email=a%2Bb%20c%40ex.com&q=zo%C3%AB%2F..%2Fx~"
        assert line == b"GET " + target + b" HTTP/1.1"
        headers = dict(h.decode().lower().split(": ", 1) for h in recorder.heads[0][1:])
        timestamp = headers["x-plugipay-timestamp"]
        expected = sign_request(SECRET, "GET", target.decode(), timestamp, b"", None)
        assert expected in headers["authorization"]


async def test_a_redirect_is_an_error_and_never_followed() -> None:
    def redirect(target: str) -> tuple[int, dict[str, str], bytes]:
        return 307, {"Location": "http://evil.example/x"}, b""

    async for base, recorder in _serve(redirect):
        async with AsyncPlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=base, http_client=plugipay.DefaultAioHttpClient()
        ) as plug:
            with pytest.raises(PlugipayError) as info:
                await plug.customers.create(email="a@example.com", idempotency_key="imp-7")
        assert (info.value.status, info.value.code) == (307, "redirect")
        assert len(recorder.heads) == 1


async def test_errors_are_the_same_plugipay_errors() -> None:
    fake = FakePlugipay(seed=3)
    with fake.serve() as base:
        async with AsyncPlugipayClient(
            key_id=fake.key_id,
            secret=fake.secret,
            base_url=base,
            max_retries=0,
            http_client=plugipay.DefaultAioHttpClient(),
        ) as plug:
            created = await plug.customers.create(email="z@example.com", name="Zoë 😀")
            assert (await plug.customers.get(created.id)).name == "Zoë 😀"
            with pytest.raises(NotFoundError):
                await plug.customers.get("cus_missing")
    async with AsyncPlugipayClient(
        key_id=KEY_ID,
        secret=SECRET,
        base_url=base,  # the server is gone: connection refused
        max_retries=0,
        http_client=plugipay.DefaultAioHttpClient(),
    ) as plug:
        with pytest.raises(PlugipayNetworkError) as refused:
            await plug.customers.get("cus_1")
    assert refused.value.code == "network_error"


async def test_a_slow_answer_times_out_and_cancellation_leaks_no_connection() -> None:
    fake = FakePlugipay(seed=5)
    with fake.serve() as base:
        http = plugipay.DefaultAioHttpClient(limits=httpx.Limits(max_connections=1))
        async with AsyncPlugipayClient(
            key_id=fake.key_id, secret=fake.secret, base_url=base, max_retries=0, http_client=http
        ) as plug:
            created = await plug.customers.create(email="c@example.com")
            fake.faults.add(Latency(seconds=0.5))
            with pytest.raises(PlugipayTimeoutError):
                await plug.with_options(timeout=0.05).customers.get(created.id)
            with anyio.move_on_after(0.05) as scope:
                await plug.customers.get(created.id)
            assert scope.cancelled_caught
            fake.faults.clear()
            # One connection allowed: had a cancelled call kept it, this would wait forever.
            with anyio.fail_after(5):
                assert (await plug.customers.get(created.id)).id == created.id
            transport = http._transport
            assert isinstance(transport, AiohttpTransport)
            session = transport._session
            assert session is not None
            assert not session.connector._acquired  # type: ignore[union-attr]
        assert session.closed, "the client closes the DefaultAioHttpClient it was given"


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_trio_falls_back_to_httpx_transport() -> None:
    fake = FakePlugipay(seed=9)
    with fake.serve() as base:
        http = plugipay.DefaultAioHttpClient()
        async with AsyncPlugipayClient(
            key_id=fake.key_id, secret=fake.secret, base_url=base, http_client=http
        ) as plug:
            created = await plug.customers.create(email="t@example.com")
            assert (await plug.customers.get(created.id)).id == created.id
        transport = http._transport
        assert isinstance(transport, AiohttpTransport)
        assert transport._session is None
        assert transport._fallback is not None


async def test_an_answer_past_max_response_bytes_is_refused_and_its_connection_not_reused() -> None:
    def big(target: str) -> tuple[int, dict[str, str], bytes]:
        if "big" in target:
            return 200, {"Content-Type": "application/json"}, b" " * 300_000
        return _ok(target)

    async for base, recorder in _serve(big):
        http = plugipay.DefaultAioHttpClient(limits=httpx.Limits(max_connections=1))
        async with AsyncPlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=base, max_response_bytes=1000, http_client=http
        ) as plug:
            with pytest.raises(InvalidResponseError):
                await plug.request("GET", "/api/v1/big")
            with anyio.fail_after(5):
                assert await plug.request("GET", "/api/v1/customers/cus_1") == {"id": "cus_1"}
        assert [head[0].split(b" ")[1] for head in recorder.heads] == [
            b"/api/v1/big",
            b"/api/v1/customers/cus_1",
        ]


async def test_a_cancel_storm_leaves_no_connection_acquired() -> None:
    """As ``test_cancel_storm.py`` on httpcore's pool: 300 calls cancelled at seeded random points
    (queued for a connection, connecting, waiting for or reading the answer)."""
    fake = FakePlugipay(seed=11)
    fake.faults.add(Latency(seconds=0.02))
    rng = random.Random(11)
    with fake.serve() as base:
        http = plugipay.DefaultAioHttpClient(limits=httpx.Limits(max_connections=20))
        async with AsyncPlugipayClient(
            key_id=fake.key_id, secret=fake.secret, base_url=base, max_retries=0, http_client=http
        ) as plug:
            seed = await plug.customers.create(email="seed@example.com")
            outcomes: list[str] = []

            async def call(i: int, cancel_at: float) -> None:
                with anyio.CancelScope() as scope:
                    scope.deadline = anyio.current_time() + cancel_at
                    if i % 2:
                        await plug.customers.create(email=f"storm{i}@example.com")
                    else:
                        await plug.customers.get(seed.id)
                    outcomes.append("done")
                if scope.cancelled_caught:
                    outcomes.append("cancelled")

            async with anyio.create_task_group() as tg:
                for i in range(300):
                    tg.start_soon(call, i, rng.random() * 0.25)
            assert len(outcomes) == 300
            assert outcomes.count("cancelled") >= 30
            transport = http._transport
            assert isinstance(transport, AiohttpTransport) and transport._session is not None
            assert not transport._session.connector._acquired  # type: ignore[union-attr]
            assert (await plug.customers.get(seed.id)).id == seed.id
            assert not transport._session.connector._acquired  # type: ignore[union-attr]


class _GatedCsv(httpx.AsyncByteStream):
    """A CSV body whose second half is only written once the test opens the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"id,amount\r\nle_1,97000\r\n"
        await self.gate.wait()
        yield b"le_2,3000\r\n"


async def test_a_streamed_body_reaches_the_caller_line_by_line_over_sockets() -> None:
    """The aiohttp run of the respx stream tests can't count how the mocked body is pulled (the
    server writes ahead into the socket); here the server holds its second half back until the
    caller has read the first lines, which only a streamed body allows."""
    body = _GatedCsv()
    with respx.mock(base_url=BASE_URL) as server:
        server.get("/api/v1/reports/ledger.csv").mock(
            return_value=httpx.Response(200, stream=body, headers={"content-type": "text/csv"})
        )
        async with AsyncPlugipayClient(
            key_id=KEY_ID,
            secret=SECRET,
            base_url=BASE_URL,
            http_client=BridgedAioHttpClient(server, BASE_URL),
        ) as plug:
            lines: list[str] = []
            with anyio.fail_after(10):  # a body read whole would wait for the gate forever
                async with plug.reports.ledger_csv() as csv:
                    async for line in csv.aiter_lines():
                        lines.append(line)
                        if len(lines) == 2:
                            body.gate.set()
    assert lines == ["id,amount", "le_1,97000", "le_2,3000"]


async def test_timeouts_reach_aiohttp_as_its_own() -> None:
    """The timeout a call carries is the one aiohttp enforces: connect, read and pool."""
    seen: list[aiohttp.ClientTimeout] = []
    original = aiohttp.ClientSession.request

    def spy(self: aiohttp.ClientSession, method: str, url: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["timeout"])
        return original(self, method, url, **kwargs)

    async for base, _recorder in _serve(_ok):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(aiohttp.ClientSession, "request", spy)
            async with AsyncPlugipayClient(
                key_id=KEY_ID,
                secret=SECRET,
                base_url=base,
                http_client=plugipay.DefaultAioHttpClient(),
            ) as plug:
                await plug.customers.get("cus_1")
                await plug.with_options(timeout=httpx.Timeout(1.0, connect=0.25)).customers.get(
                    "cus_1"
                )
    assert [(t.connect, t.sock_connect, t.sock_read) for t in seen] == [
        (30.0, 30.0, 30.0),
        (1.0, 0.25, 1.0),
    ]
