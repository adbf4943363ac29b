"""A fixed-response Plugipay server on 127.0.0.1 for the per-call CPU benchmark.

It answers every request with one of three canned envelopes recorded from the emulator (a
customer for ``GET /api/v1/customers/{id}``, a created customer for ``POST``, a page of 20 for
``GET /api/v1/customers?…``) without checking signatures, so it costs the client nothing but
the HTTP exchange. It runs in its own process; the first stdout line is its base URL.
"""

from __future__ import annotations

import asyncio
import sys

import httpx

from plugipay.testing import FakePlugipay

Canned = dict[str, bytes]


def record_responses() -> Canned:
    """Real emulator answers, as full HTTP/1.1 responses (status line, headers, body)."""
    fake = FakePlugipay(seed=1)
    seen: list[httpx.Response] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        seen.append(response)

    http = httpx.Client(transport=fake.transport, event_hooks={"response": [keep]})
    with fake.client(http_client=http) as plug:
        for i in range(20):
            plug.customers.create(
                email=f"bench{i}@example.com",
                name=f"Bench Customer {i}",
                phone="+6281234567890",
                external_id=f"bench-{i}",
                metadata={"plan": "pro", "segment": "smb"},
            )
        created = seen[-1]
        first = plug.customers.list(limit=20).data[0]
        page = seen[-1]
        plug.customers.get(first.id)
        one = seen[-1]

    def http11(response: httpx.Response) -> bytes:
        head = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
        head += [
            f"{name}: {value}"
            for name, value in response.headers.items()
            if name.lower() not in ("content-length", "connection", "transfer-encoding")
        ]
        head.append(f"content-length: {len(response.content)}")
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response.content

    return {"POST": http11(created), "LIST": http11(page), "GET": http11(one)}


class _Protocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive with Content-Length bodies: enough for the benchmark clients."""

    def __init__(self, canned: Canned) -> None:
        self._canned = canned
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self._buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            total = end + 4 + length
            if len(self._buffer) < total:
                return
            self._buffer = self._buffer[total:]
            method, target = head.split(" ", 2)[:2]
            if method == "POST":
                answer = self._canned["POST"]
            elif "?" in target or target.rstrip("/").endswith("/customers"):
                answer = self._canned["LIST"]
            else:
                answer = self._canned["GET"]
            assert self._transport is not None
            self._transport.write(answer)


async def _serve(canned: Canned) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Protocol(canned), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"http://127.0.0.1:{port}\n")
    sys.stdout.flush()
    # Serve until the parent closes our stdin (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main() -> None:
    """Record the canned answers, then serve them until stdin closes."""
    asyncio.run(_serve(record_responses()))


if __name__ == "__main__":
    main()
