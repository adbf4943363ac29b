"""``FakeTransport``: the fake as an httpx transport for both ``httpx.Client`` and ``AsyncClient``.

A dropped connection raises what a real drop raises (``httpx.RemoteProtocolError: Server
disconnected without sending a response.``); latency waits with ``time.sleep`` on the sync path
and ``anyio.sleep`` on the async one, so it works on asyncio and trio and can be cancelled.
"""

from __future__ import annotations

import time

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


def _to_httpx(answer: RawResponse | None, request: httpx.Request) -> httpx.Response:
    if answer is None:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body)


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves a fake's requests in-process, for sync and async httpx clients alike."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from a sync ``httpx.Client``."""
        engine = self._engine
        pending = engine.open(_raw_request(request, request.read()))
        if pending.delay:
            self._sleep(pending)
        return _to_httpx(engine.finish(pending), request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from an ``httpx.AsyncClient``."""
        engine = self._engine
        pending = engine.open(_raw_request(request, await request.aread()))
        if pending.delay:
            try:
                await anyio.sleep(pending.delay)
            except BaseException:
                engine.abandon(pending)
                raise
        return _to_httpx(engine.finish(pending), request)

    def _sleep(self, pending: Pending) -> None:
        try:
            time.sleep(pending.delay)
        except BaseException:
            self._engine.abandon(pending)
            raise

    def __repr__(self) -> str:
        return "FakeTransport()"
