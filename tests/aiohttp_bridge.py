"""Runs the respx-mocked client tests over the aiohttp transport, through real sockets.

respx intercepts httpcore, which the aiohttp transport never touches. So for the ``aiohttp``
variant of a client test, the SDK client gets a ``DefaultAioHttpClient`` whose connector resolves
the mocked host to a TLS server on 127.0.0.1 (a throwaway CA from ``trustme``). That server, on
the test's own event loop, parses each request aiohttp actually wrote, hands it to the test's respx
router as an ``httpx.Request`` for the original URL, and writes the router's answer back on the
wire (streamed bodies chunked, as they come). Everything between the SDK and the socket is
aiohttp's own code: the URL bytes, headers, bodies, keep-alive, timeouts and cancellation.

A respx side effect that raises (``httpx.ConnectError``, ``httpx.ReadTimeout``, ...) stands for a
transport failure; respx raises it inside httpcore's transport, and the bridge raises it at the
same layer: the aiohttp transport's ``handle_async_request``, after aiohttp's real round trip.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import ssl
from typing import Any

import aiohttp
import httpx
import respx
import trustme
from aiohttp.abc import AbstractResolver, ResolveResult

from plugipay import DefaultAioHttpClient
from plugipay._aiohttp import AiohttpTransport

_RAISED = "x-test-bridge-raised"
_CA = trustme.CA()
_HOSTS: dict[str, trustme.LeafCert] = {}


def _server_context(host: str) -> ssl.SSLContext:
    if host not in _HOSTS:
        _HOSTS[host] = _CA.issue_cert(host)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _HOSTS[host].configure_cert(context)
    return context


def _client_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    _CA.configure_trust(context)
    return context


class _ToBridge(AbstractResolver):
    """Resolves every host name to the bridge's port on 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=self.port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


class RespxBridge:
    """A loopback TLS server answering each request with ``router``'s response."""

    def __init__(self, router: respx.MockRouter, origin: str) -> None:
        self.router = router
        self.origin = origin.rstrip("/")
        self.raised: dict[str, BaseException] = {}
        self._tokens = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        """Listens on an ephemeral port of 127.0.0.1 and returns it."""
        host = httpx.URL(self.origin).host
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", 0, ssl=_server_context(host)
        )
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def close(self) -> None:
        """Stops listening and closes every connection it accepted, served or not yet."""
        if self._server is None:
            return
        self._server.close()
        # Closed here, not by the handlers: a handler cancelled before its first step never
        # runs its finally, and its socket would be left for the garbage collector to warn about.
        for writer in self._writers:
            writer.transport.abort()
        for task in self._handlers:
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A plain callback, run as the connection is made: the writer is on record at once.
        self._writers.append(writer)
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._handlers.add(task)
        task.add_done_callback(self._handlers.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            # The client went away mid-exchange (a cancelled or timed-out call): nothing to answer.
            pass
        finally:
            writer.transport.abort()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serves one request; False when the client closed the connection between requests."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        request_line, *header_lines = head[:-4].split(b"\r\n")
        method, target, _version = request_line.split(b" ")
        headers = [tuple(line.split(b":", 1)) for line in header_lines]
        headers = [(name.strip(), value.strip()) for name, value in headers]
        length = next((int(v) for n, v in headers if n.lower() == b"content-length"), 0)
        body = await reader.readexactly(length)
        request = httpx.Request(
            method.decode("ascii"),
            # raw_path keeps the target byte for byte, as aiohttp wrote it.
            httpx.URL(self.origin).copy_with(raw_path=target),
            headers=headers,
            content=body,
        )
        try:
            response = await self.router.async_handler(request)
        except Exception as exc:
            token = str(next(self._tokens))
            self.raised[token] = exc
            writer.write(
                f"HTTP/1.1 599 Raised\r\n{_RAISED}: {token}\r\ncontent-length: 0\r\n\r\n".encode()
            )
            await writer.drain()
            return True
        await self._write(writer, response)
        return True

    async def _write(self, writer: asyncio.StreamWriter, response: httpx.Response) -> None:
        reason = response.reason_phrase or "X"
        lines = [f"HTTP/1.1 {response.status_code} {reason}".encode()]
        stream = response.stream
        whole = isinstance(stream, httpx.ByteStream)
        for name, value in response.headers.raw:
            if name.lower() not in (b"content-length", b"transfer-encoding", b"connection"):
                lines.append(name + b": " + value)
        if whole:
            content = b"".join(stream)
            lines.append(b"content-length: " + str(len(content)).encode())
            writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + content)
            await writer.drain()
            return
        lines.append(b"transfer-encoding: chunked")
        writer.write(b"\r\n".join(lines) + b"\r\n\r\n")
        chunks: Any = stream
        try:
            if isinstance(stream, httpx.AsyncByteStream):
                async for chunk in chunks:
                    await self._chunk(writer, chunk)
            else:
                for chunk in chunks:
                    await self._chunk(writer, chunk)
        except httpx.TransportError:
            # The mocked body fails part-way (a reset): so does the connection, mid-body.
            writer.transport.abort()
            raise ConnectionResetError from None
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    @staticmethod
    async def _chunk(writer: asyncio.StreamWriter, chunk: bytes) -> None:
        if chunk:
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()


class _BridgedTransport(AiohttpTransport):
    """The aiohttp transport with its connector aimed at the bridge (started on first use, on
    the running loop), re-raising the router's side-effect exceptions where respx would."""

    def __init__(self, router: respx.MockRouter, origin: str) -> None:
        super().__init__(verify=_client_context(), trust_env=False)
        self.bridge = RespxBridge(router, origin)
        self._port: int | None = None

    def _new_connector(self) -> aiohttp.TCPConnector:
        assert self._port is not None
        return aiohttp.TCPConnector(ssl=self._ssl, resolver=_ToBridge(self._port))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._port is None:
            self._port = await self.bridge.start()
        response = await super().handle_async_request(request)
        token = response.headers.get(_RAISED)
        if token is not None:
            await response.aclose()
            raise self.bridge.raised.pop(token)
        return response

    async def aclose(self) -> None:
        await super().aclose()
        await self.bridge.close()


class BridgedAioHttpClient(DefaultAioHttpClient):
    """``DefaultAioHttpClient`` as a user gets it, its connections aimed at the respx bridge."""

    def __init__(self, router: respx.MockRouter, origin: str) -> None:
        # DefaultAioHttpClient's own __init__ builds the plain transport; this one is its twin.
        httpx.AsyncClient.__init__(
            self, transport=_BridgedTransport(router, origin), trust_env=False
        )
