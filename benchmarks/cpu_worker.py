"""One client's per-call CPU cost, measured in its own process (and venv, for forjio-plugipay).

``python cpu_worker.py CLIENT BASE_URL CALLS`` runs sequential calls of each operation against the
fixed-response server and prints one JSON object: CPU microseconds per call
(``time.process_time``) for ``get``, ``create`` and ``list20``. CLIENT ``async_aiohttp`` is the
async client on ``plugipay.DefaultAioHttpClient``. It imports only what its client
needs, so the same file serves every venv.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

KEY_ID = "ak_test_bench"
SECRET = "sk_test_bench_secret"
CUSTOMER_ID = "cus_01BENCHBENCHBENCHBENCHBENC"
CREATE = {"email": "bench@example.com", "name": "Bench Customer"}
WARMUP = 200
OPS = ("get", "create", "list20")

Op = Callable[[], object]
AsyncOp = Callable[[], Awaitable[object]]


def signed_headers(method: str, target: str, body: bytes, key: str | None) -> dict[str, str]:
    """SPEC §2 headers, signed by hand: the floor any httpx-based client pays."""
    timestamp = str(int(time.time()))
    lines = [method, target, timestamp, hashlib.sha256(body).hexdigest()]
    if key is not None:
        lines.append(key)
    mac = hmac.new(SECRET.encode(), "\n".join(lines).encode(), hashlib.sha256).hexdigest()
    headers = {
        "Authorization": f"Plugipay-HMAC-SHA256 keyId={KEY_ID}, scope=*, signature={mac}",
        "X-Plugipay-Timestamp": timestamp,
        "Accept": "application/json",
    }
    if key is not None:
        headers["Idempotency-Key"] = key
    if body:
        headers["Content-Type"] = "application/json"
    return headers


def _raw_request(
    base: str, op: str
) -> tuple[str, str, bytes, dict[str, str]]:  # method, url, body, headers
    if op == "get":
        target, method, body, key = f"/api/v1/customers/{CUSTOMER_ID}", "GET", b"", None
    elif op == "create":
        body = json.dumps(CREATE, separators=(",", ":"), ensure_ascii=False).encode()
        target, method, key = "/api/v1/customers", "POST", f"idem_{uuid.uuid4()}"
    else:
        target, method, body, key = "/api/v1/customers?limit=20", "GET", b"", None
    return method, base + target, body, signed_headers(method, target, body, key)


def sync_ops(client: str, base: str) -> dict[str, Op]:
    """The three operations for a sync client."""
    if client == "raw_httpx":
        import httpx

        http = httpx.Client()

        def raw(op: str) -> Op:
            def call() -> object:
                method, url, body, headers = _raw_request(base, op)
                response = http.request(method, url, content=body or None, headers=headers)
                return json.loads(response.content)["data"]

            return call

        return {op: raw(op) for op in OPS}
    if client == "sync":
        from plugipay import PlugipayClient

        plug: Any = PlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=base)
        return {
            "get": lambda: plug.customers.get(CUSTOMER_ID),
            "create": lambda: plug.customers.create(**CREATE),
            "list20": lambda: plug.customers.list(limit=20).data,
        }
    if client == "forjio":
        from plugipay import PlugipayClient as ForjioClient

        old: Any = ForjioClient(key_id=KEY_ID, secret=SECRET, base_url=base)
        return {
            "get": lambda: old.customers.get(CUSTOMER_ID),
            "create": lambda: old.customers.create(**CREATE),
            "list20": lambda: old.customers.list(limit=20).data,
        }
    raise SystemExit(f"unknown sync client {client!r}")


async def async_ops(client: str, base: str) -> dict[str, AsyncOp]:
    """The three operations for an async client."""
    if client == "raw_async":
        import httpx

        http = httpx.AsyncClient()

        def raw(op: str) -> AsyncOp:
            async def call() -> object:
                method, url, body, headers = _raw_request(base, op)
                response = await http.request(method, url, content=body or None, headers=headers)
                return json.loads(response.content)["data"]

            return call

        return {op: raw(op) for op in OPS}
    if client in ("async", "async_aiohttp"):
        from plugipay import AsyncPlugipayClient, DefaultAioHttpClient

        http = DefaultAioHttpClient() if client == "async_aiohttp" else None
        plug: Any = AsyncPlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=base, http_client=http
        )

        async def list20() -> object:
            return (await plug.customers.list(limit=20)).data

        return {
            "get": lambda: plug.customers.get(CUSTOMER_ID),
            "create": lambda: plug.customers.create(**CREATE),
            "list20": list20,
        }
    raise SystemExit(f"unknown async client {client!r}")


def measure_sync(client: str, base: str, calls: int) -> dict[str, float]:
    """CPU µs per call of each operation."""
    result: dict[str, float] = {}
    for op, call in sync_ops(client, base).items():
        for _ in range(WARMUP):
            call()
        started = time.process_time()
        for _ in range(calls):
            call()
        result[op] = (time.process_time() - started) / calls * 1e6
    return result


async def measure_async(client: str, base: str, calls: int) -> dict[str, float]:
    """CPU µs per call of each operation, awaited one after another on asyncio."""
    result: dict[str, float] = {}
    for op, call in (await async_ops(client, base)).items():
        for _ in range(WARMUP):
            await call()
        started = time.process_time()
        for _ in range(calls):
            await call()
        result[op] = (time.process_time() - started) / calls * 1e6
    return result


def main() -> None:
    """``cpu_worker.py CLIENT BASE_URL CALLS``: print the JSON result."""
    client, base, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if client in ("raw_async", "async", "async_aiohttp"):
        result = asyncio.run(measure_async(client, base, calls))
    else:
        result = measure_sync(client, base, calls)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
