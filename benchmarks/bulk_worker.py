"""Bulk create throughput against the emulator's loopback server, in its own process.

``python bulk_worker.py MODE BASE_URL KEY_ID SECRET CREATES CONCURRENCY`` makes ``CREATES``
customers with the async client (MODE ``async``: that many tasks at a time on one anyio task
group; ``async_aiohttp``: the same on ``plugipay.DefaultAioHttpClient``) or the sync client (MODE
``sync``: a thread pool of that size) and prints JSON with the wall time, creates per second and
the client process's CPU microseconds per create. Every call must succeed. The clients use their default
connection pool, as users do: sizing httpx's pool to the concurrency (``max_connections`` and
``max_keepalive_connections`` both N) measured slower, down to half the rate at c=32 with server
latency, since httpcore's pool does more bookkeeping per request the more connections it holds.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import anyio

from plugipay import AsyncPlugipayClient, PlugipayClient


async def run_async(
    base: str, key_id: str, secret: str, creates: int, concurrency: int, aiohttp: bool = False
) -> float:
    """Seconds to make ``creates`` customers, ``concurrency`` at a time (on aiohttp's pool when
    ``aiohttp``)."""
    http = None
    if aiohttp:
        from plugipay import DefaultAioHttpClient

        http = DefaultAioHttpClient()
    async with AsyncPlugipayClient(
        key_id=key_id, secret=secret, base_url=base, http_client=http
    ) as plug:
        await plug.customers.create(email="warmup@example.com")
        limiter = anyio.CapacityLimiter(concurrency)

        async def one(i: int) -> None:
            async with limiter:
                await plug.customers.create(email=f"a{concurrency}-{i}@example.com")

        started = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for i in range(creates):
                tg.start_soon(one, i)
        return time.perf_counter() - started


def run_sync(base: str, key_id: str, secret: str, creates: int, concurrency: int) -> float:
    """Seconds to make ``creates`` customers on a thread pool of ``concurrency``."""
    with PlugipayClient(key_id=key_id, secret=secret, base_url=base) as plug:
        plug.customers.create(email="warmup@example.com")
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for _ in pool.map(
                lambda i: plug.customers.create(email=f"s{concurrency}-{i}@example.com"),
                range(creates),
            ):
                pass
        return time.perf_counter() - started


def main() -> None:
    """Print ``{"seconds": …, "per_second": …, "cpu_us": …}``."""
    mode, base, key_id, secret = sys.argv[1:5]
    creates, concurrency = int(sys.argv[5]), int(sys.argv[6])
    cpu = time.process_time()
    if mode in ("async", "async_aiohttp"):
        aiohttp = mode == "async_aiohttp"
        # asyncio explicitly: aiohttp runs on nothing else.
        seconds = anyio.run(
            run_async, base, key_id, secret, creates, concurrency, aiohttp, backend="asyncio"
        )
    else:
        seconds = run_sync(base, key_id, secret, creates, concurrency)
    cpu_us = (time.process_time() - cpu) / (creates + 1) * 1e6
    print(json.dumps({"seconds": seconds, "per_second": creates / seconds, "cpu_us": cpu_us}))


if __name__ == "__main__":
    main()
