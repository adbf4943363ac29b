"""``DefaultAioHttpClient``: an ``httpx.AsyncClient`` whose connections are aiohttp's.

httpcore's pool does bookkeeping per request that grows with the connections in it
(encode/httpcore#1035); aiohttp's connector does not, so many concurrent calls cost far less CPU
(``benchmarks/RESULTS.md``). Only the transport changes: the send loop, its deadline (a cancel
scope), retries and error mapping are the client's as on any ``httpx.AsyncClient``.

Invariants of the transport:

- the URL goes out byte for byte as httpx holds it (as it was signed): it is handed to aiohttp
  already encoded, never re-quoted or normalized (``yarl.URL(..., encoded=True)``);
- redirects are never followed, bodies are never decompressed by aiohttp (httpx decodes, so
  ``max_response_bytes`` still counts decoded bytes);
- every aiohttp failure becomes the ``httpx`` exception of the same meaning (a timeout a
  ``TimeoutException``, anything else a ``RequestError``), so the client maps it as it maps
  httpcore's;
- an answer closed before its body was read whole closes its connection (never returned to the
  pool half-read), so a cancelled call leaks no connection;
- aiohttp runs on asyncio only: under any other event loop (trio) the same client sends through
  httpx's own transport instead.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import yarl

__all__ = ["AiohttpTransport", "DefaultAioHttpClient"]

_CHUNK = 64 * 1024
_LARGE_BODY = 1024 * 1024
"""aiohttp's own threshold for warning about a bytes body (``payload.TOO_LARGE_BYTES_BODY``)."""
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
"""httpx's default pool limits."""


class _AiohttpStream(httpx.AsyncByteStream):
    """An aiohttp answer's body as httpx reads it."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped():
            async for chunk in self._response.content.iter_chunked(_CHUNK):
                yield chunk

    async def aclose(self) -> None:
        response = self._response
        if response.content.at_eof():
            # Read whole: the connection is clean and goes back to the pool.
            response.release()
        else:
            # Left half-read (too large, cancelled, timed out): never reuse that connection.
            response.close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An ``httpx`` transport over an ``aiohttp.ClientSession`` (created on first use, on the
    running asyncio loop), falling back to ``httpx.AsyncHTTPTransport`` under trio."""

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | str | bool = True,
        trust_env: bool = True,
        limits: httpx.Limits = _LIMITS,
    ) -> None:
        self._ssl = httpx.create_ssl_context(verify=verify, trust_env=trust_env)
        self._limits = limits
        self._trust_env = trust_env
        self._session: aiohttp.ClientSession | None = None
        self._fallback: httpx.AsyncHTTPTransport | None = None
        self._proxies: dict[
            tuple[str, str | None, int | None], tuple[yarl.URL | None, aiohttp.BasicAuth | None]
        ] = {}
        self._verify = verify

    def _on_asyncio(self) -> bool:
        """Whether an asyncio loop runs this task (not trio, which has no aiohttp)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._on_asyncio():
            if self._fallback is None:
                self._fallback = httpx.AsyncHTTPTransport(
                    verify=self._verify, trust_env=self._trust_env, limits=self._limits
                )
            return await self._fallback.handle_async_request(request)
        if self._session is None:
            # httpx keeps the cookies (aiohttp would add its own again); proxies from the
            # environment are looked up once per origin below, not per request in a thread.
            self._session = aiohttp.ClientSession(
                connector=self._new_connector(),
                auto_decompress=False,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        url = yarl.URL(str(request.url), encoded=True)
        proxy, proxy_auth = self._proxy_for(url)
        timeout = request.extensions.get("timeout", {})
        body = await request.aread()
        with _mapped():
            response = await self._session.request(
                request.method,
                url,
                headers=list(request.headers.multi_items()),
                skip_auto_headers=("Accept-Encoding", "User-Agent", "Content-Type"),
                data=_payload(body),
                allow_redirects=False,
                proxy=proxy,
                proxy_auth=proxy_auth,
                compress=None,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_AiohttpStream(response),
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode(),
            },
        )

    def _new_connector(self) -> aiohttp.TCPConnector:
        """The session's connection pool (the one place a test may aim it elsewhere)."""
        return aiohttp.TCPConnector(
            ssl=self._ssl,
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry or 15.0,
        )

    def _proxy_for(self, url: yarl.URL) -> tuple[yarl.URL | None, aiohttp.BasicAuth | None]:
        """The environment's proxy for ``url``'s origin (``HTTPS_PROXY``, ``NO_PROXY``, ...),
        looked up once per origin."""
        if not self._trust_env:
            return None, None
        origin = (url.scheme, url.host, url.port)
        if origin not in self._proxies:
            try:
                self._proxies[origin] = aiohttp.helpers.get_env_proxy_for_url(url)
            except LookupError:
                self._proxies[origin] = (None, None)
        return self._proxies[origin]

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._fallback is not None:
            await self._fallback.aclose()


def _payload(body: bytes) -> bytes | AsyncIterator[bytes] | None:
    """The request body as aiohttp takes it: bytes, or for a large body (an image upload) slices
    from a generator, since aiohttp warns that bytes past 1 MiB block the loop. httpx's
    ``Content-Length`` header goes with it, so a large body is not sent chunked either."""
    if not body:
        return None
    if len(body) <= _LARGE_BODY:
        return body
    return _slices(memoryview(body))


async def _slices(view: memoryview) -> AsyncIterator[bytes]:
    for start in range(0, len(view), _CHUNK):
        yield bytes(view[start : start + _CHUNK])


class _mapped:
    """Turns aiohttp's exceptions into httpx's of the same meaning."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is None or not isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError):
            return
        message = f"{type(exc).__name__}: {exc}"
        mapped: httpx.TransportError
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            mapped = httpx.ConnectTimeout(message)
        elif isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError):
            mapped = httpx.ReadTimeout(message)
        elif isinstance(exc, aiohttp.ClientConnectorError):
            mapped = httpx.ConnectError(message)
        elif isinstance(exc, aiohttp.InvalidURL):
            mapped = httpx.UnsupportedProtocol(message)
        elif isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
            mapped = httpx.RemoteProtocolError(message)
        else:
            mapped = httpx.NetworkError(message)
        raise mapped from exc


class DefaultAioHttpClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` sending through aiohttp (``pip install 'plugipay[aiohttp]'``);
    pass it as ``AsyncPlugipayClient(http_client=plugipay.DefaultAioHttpClient())``. Under trio
    it sends through httpx's own transport. The client it is passed to closes it on ``aclose``
    (unlike other ``http_client`` values, which stay the caller's)."""

    _closed_by_plugipay = True

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | str | bool = True,
        trust_env: bool = True,
        limits: httpx.Limits = _LIMITS,
        **kwargs: Any,
    ) -> None:
        transport = AiohttpTransport(verify=verify, trust_env=trust_env, limits=limits)
        super().__init__(transport=transport, trust_env=trust_env, **kwargs)


DefaultAioHttpClient.__module__ = "plugipay"
