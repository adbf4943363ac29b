"""``FakeTransport``: the fake as an httpx transport for both ``httpx.Client`` and ``AsyncClient``.

A dropped connection raises what a real drop raises (``httpx.RemoteProtocolError: Server
disconnected without sending a response.``); latency waits with ``time.sleep`` on the sync path
and ``anyio.sleep`` on the async one, so it works on asyncio and trio and can be cancelled.
The client's read timeout (``request.extensions["timeout"]["read"]``) applies as on a real
socket: when the injected latency exceeds it, the transport waits only that long, lets the
request commit as the server would (its answer is lost), then raises ``httpx.ReadTimeout``.
A chunked answer (a large export) reaches the client as a stream, read chunk by chunk.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx

from ._engine import Engine, Pending
from ._wire import RawRequest, RawResponse

__all__ = ["FakeTransport"]


def _raw_request(request: httpx.Request, body: bytes) -> RawRequest:
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in request.headers.raw
    }
    return RawRequest(request.method, request.url.raw_path.decode("ascii"), headers, body)


def _read_timeout(request: httpx.Request, delay: float) -> float | None:
    """The read timeout that cuts ``delay`` short, or ``None`` when the answer comes in time."""
    timeouts = request.extensions.get("timeout")
    read = timeouts.get("read") if isinstance(timeouts, dict) else None
    if isinstance(read, int | float) and 0 <= read < delay:
        return float(read)
    return None


def _timed_out(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("The read operation timed out", request=request)


class _Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A chunked answer's body for either flavour of client (producing a chunk never waits)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def _to_httpx(answer: RawResponse | None, request: httpx.Request) -> httpx.Response:
    if answer is None:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    if answer.chunks is not None:
        return httpx.Response(answer.status, headers=answer.headers, stream=_Chunks(answer.chunks))
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body)


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves a fake's requests in-process, for sync and async httpx clients alike."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from a sync ``httpx.Client``."""
        engine = self._engine
        pending = engine.open(_raw_request(request, request.read()))
        cut = _read_timeout(request, pending.delay) if pending.delay else None
        if pending.delay:
            self._sleep(pending, pending.delay if cut is None else cut)
        answer = engine.finish(pending)
        if cut is not None:
            raise _timed_out(request)  # the server committed; the client stopped waiting
        return _to_httpx(answer, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from an ``httpx.AsyncClient``."""
        engine = self._engine
        pending = engine.open(_raw_request(request, await request.aread()))
        cut = _read_timeout(request, pending.delay) if pending.delay else None
        if pending.delay:
            try:
                await anyio.sleep(pending.delay if cut is None else cut)
            except BaseException:
                engine.abandon(pending)
                raise
        answer = engine.finish(pending, deliver=False)
        events = engine.store.events
        if events.has_outbox:
            # A delivery to a URL blocks while it waits for the receiver, which may be served by
            # this very event loop: send from a worker thread, and answer once it is done.
            await anyio.to_thread.run_sync(events.deliver_pending)
        if cut is not None:
            raise _timed_out(request)  # the server committed; the client stopped waiting
        return _to_httpx(answer, request)

    def _sleep(self, pending: Pending, seconds: float) -> None:
        try:
            time.sleep(seconds)
        except BaseException:
            self._engine.abandon(pending)
            raise

    def __repr__(self) -> str:
        return "FakeTransport()"
