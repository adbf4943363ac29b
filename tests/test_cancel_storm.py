"""Cancel storm: 500 in-flight calls cancelled at seeded random points leak no connection.

The client talks to the emulator over real loopback HTTP (``fake.serve()``) with added latency,
so calls are queued for a connection, connecting, waiting for the answer or reading it when their
cancel scope fires. Afterwards the SDK's own httpcore pool must hold no active connection and no
queued request, and the next call must work.
"""

from __future__ import annotations

import gc
import random

import anyio
import httpcore
import pytest

from plugipay import AsyncPlugipayClient
from plugipay.testing import FakePlugipay, Latency

pytestmark = [
    pytest.mark.anyio,
    # httpx wraps a bytes body in an async generator (ByteStream.__aiter__); a call cancelled
    # while sending its body leaves it unexhausted, and trio warns when it is collected (trio
    # still finalizes it). That is httpx's, not a leak of ours: the pool checks below are.
    pytest.mark.filterwarnings(
        "ignore:Async generator 'httpx._content.ByteStream.__aiter__' was garbage collected"
        ":ResourceWarning"
    ),
]

N_CALLS = 500
LATENCY = 0.02
WINDOW = 0.25
"""Cancel times are drawn from ``[0, WINDOW)`` seconds after the storm starts."""
POOL_SIZE = 100
"""httpx's default ``max_connections``. Cancelling many calls queued beyond it costs
O(queued x connections) each in httpcore 1.0.9 (encode/httpcore#1035): 500 queued calls cancelled
at once take seconds of CPU, so the all-at-once test stays within the pool."""


def _pool(plug: AsyncPlugipayClient) -> httpcore.AsyncConnectionPool:
    pool = plug._shared.http._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, httpcore.AsyncConnectionPool)
    return pool


async def test_cancel_storm_leaves_no_active_connection() -> None:
    fake = FakePlugipay(seed=11)
    fake.faults.add(Latency(seconds=LATENCY))
    rng = random.Random(11)
    with fake.serve() as base_url:
        async with AsyncPlugipayClient(
            key_id=fake.key_id, secret=fake.secret, base_url=base_url, max_retries=0
        ) as plug:
            seed_customer = await plug.customers.create(email="seed@example.com")
            outcomes: list[str] = []

            async def call(i: int, cancel_at: float) -> None:
                with anyio.CancelScope() as scope:
                    scope.deadline = anyio.current_time() + cancel_at
                    if i % 2:
                        await plug.customers.create(email=f"storm{i}@example.com")
                    else:
                        await plug.customers.get(seed_customer.id)
                    outcomes.append("done")
                if scope.cancelled_caught:
                    outcomes.append("cancelled")

            # Any exception other than the scopes' own cancellation escapes the task group.
            async with anyio.create_task_group() as tg:
                for i in range(N_CALLS):
                    tg.start_soon(call, i, rng.random() * WINDOW)

            assert len(outcomes) == N_CALLS
            # Most calls queue behind the pool and the latency, so many are cut mid-flight; the
            # exact share depends on the machine, the claim doesn't.
            assert outcomes.count("cancelled") >= N_CALLS // 10
            pool = _pool(plug)
            active = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
            assert active == []
            assert pool._requests == []
            # The pool still serves.
            again = await plug.customers.get(seed_customer.id)
            assert again.id == seed_customer.id
            assert [c for c in pool.connections if not (c.is_idle() or c.is_closed())] == []
    gc.collect()


async def test_cancel_storm_outer_scope_cancels_everything_at_once() -> None:
    fake = FakePlugipay(seed=12)
    fake.faults.add(Latency(seconds=5.0))
    with fake.serve() as base_url:
        async with AsyncPlugipayClient(
            key_id=fake.key_id, secret=fake.secret, base_url=base_url, max_retries=0
        ) as plug:
            started = anyio.current_time()
            with anyio.move_on_after(0.1) as scope:
                async with anyio.create_task_group() as tg:
                    for i in range(POOL_SIZE):
                        tg.start_soon(_list if i % 2 else _create, plug, i)
            assert scope.cancelled_caught
            # Cancellation interrupted the calls, long before the server's 5 s latency.
            assert anyio.current_time() - started < 2.5
            pool = _pool(plug)
            assert [c for c in pool.connections if not (c.is_idle() or c.is_closed())] == []
            assert pool._requests == []
    gc.collect()


async def _list(plug: AsyncPlugipayClient, i: int) -> None:
    page = await plug.customers.list(email=f"outer{i}@example.com")
    assert page.data == []


async def _create(plug: AsyncPlugipayClient, i: int) -> None:
    await plug.customers.create(email=f"outer{i}@example.com")
