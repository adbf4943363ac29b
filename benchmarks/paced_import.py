"""A bulk import against the emulator's write bucket, paced by the client vs unpaced, in real time.

``python paced_import.py [CREATES] [PER_SECOND] [CONCURRENCY] [LATENCY]`` (defaults 2000, 100, 32,
0.02) makes ``CREATES`` customers with the async client, ``CONCURRENCY`` at a time, on the
emulator's in-process transport with ``LATENCY`` seconds per answer and ``fake.rate_limits(
writes=PER_SECOND)`` (a token bucket of capacity PER_SECOND refilled at PER_SECOND/s, starting
full). It runs twice on fresh emulators: ``paced`` (the client as shipped, reading
``X-RateLimit-*``) and ``unpaced`` (the same client with its pacing switched off, so only the
client-wide 429 gate and retries with ``Retry-After`` hold it back, as before pacing existed).
Every create must succeed (retried, with its key, until it does). Prints JSON per mode: seconds, creates per
second, that rate as a fraction of the allowed rate (``of_allowed``; above 1 by the bucket's
starting burst) and of the most the bucket admits in that time (``of_bucket_max``), requests sent and the share answered 429.
A figure, not a test: real time, on whatever else the machine is doing.
"""

from __future__ import annotations

import json
import sys
import time

import anyio

from plugipay import RateLimitError
from plugipay.testing import FakePlugipay
from plugipay.testing._faults import Latency


async def run(
    paced: bool, creates: int, per_second: float, concurrency: int, latency: float
) -> dict[str, float]:
    """One import on a fresh emulator; its figures."""
    fake = FakePlugipay(seed=f"paced-import-{paced}")
    if latency > 0:
        fake.faults.add(Latency(latency))
    buckets = fake.rate_limits(writes=per_second)
    assert buckets is not None
    async with fake.async_client(max_retries=100) as plug:
        if not paced:
            plug._shared.pacing.delay = lambda klass: 0.0  # type: ignore[method-assign]
        limiter = anyio.CapacityLimiter(concurrency)

        async def one(i: int) -> None:
            async with limiter:
                while True:  # out of retries under a storm of 429s: again, with the same key
                    try:
                        await plug.customers.create(
                            email=f"p{i}@example.com", idempotency_key=f"imp-{i}"
                        )
                        return
                    except RateLimitError:
                        continue

        started = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for i in range(creates):
                tg.start_soon(one, i)
        seconds = time.perf_counter() - started
    assert len(fake.customers) == creates
    allowed, limited = buckets.allowed["writes"], buckets.limited["writes"]
    rate = creates / seconds
    return {
        "seconds": round(seconds, 3),
        "per_second": round(rate, 1),
        "of_allowed": round(rate / per_second, 3),
        # The most the bucket admits in that time: it starts full, then refills.
        "of_bucket_max": round(creates / (per_second + per_second * seconds), 3),
        "requests": allowed + limited,
        "share_429": round(limited / (allowed + limited), 4),
    }


def main() -> None:
    """Print ``{"paced": {…}, "unpaced": {…}, …}``."""
    args = sys.argv[1:]
    creates = int(args[0]) if len(args) > 0 else 2000
    per_second = float(args[1]) if len(args) > 1 else 100.0
    concurrency = int(args[2]) if len(args) > 2 else 32
    latency = float(args[3]) if len(args) > 3 else 0.02
    result: dict[str, object] = {
        "creates": creates,
        "per_second": per_second,
        "concurrency": concurrency,
        "latency": latency,
    }
    for mode in ("paced", "unpaced"):
        result[mode] = anyio.run(run, mode == "paced", creates, per_second, concurrency, latency)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
