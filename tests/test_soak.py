"""Reliability soak: seeded faults on every create, SDK-made idempotency keys, exactly N results.

Dropped connections before and after commit, 500/502/503 and 429 with ``Retry-After`` hit a
share of the creates; with ``max_retries=6`` every call must still succeed once, and the fake
must hold exactly one customer per call (the retries after a lost answer replay, never create).
Backoff sleeps are recorded and move the fake's clock instead of waiting (the client-wide 429
gate reads that clock too), so the whole soak takes a few seconds.

The draws are seeded, but trio and threads schedule differently on every run, so which call
meets which draw is not fixed: the fault rates are chosen so the claims hold on any order. Each
kind fires on 1% of attempts, so an attempt faults with probability about 0.06 and a call runs
out of its 7 attempts with probability about 0.06**7 (3e-9): under 1e-5 for the 4000 calls here.
(The 35% mix this soak first used made about one 1000-call run in five fail on trio.) With 2000
calls a kind fires about 20 times per test; the chance one never fires is about e**-20.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import anyio
import anyio.lowlevel
import pytest

from plugipay.testing import DropAfterCommit, DropBeforeCommit, FakePlugipay, RateLimit, StatusFault
from plugipay.testing._clock import FakeClock

N_ASYNC = 2000
N_SYNC = 2000
CONCURRENCY = 16
RATE = 0.01
_PATH = "/api/v1/customers"


def _add_faults(fake: FakePlugipay) -> None:
    """A seeded mix of every retryable failure on POST /api/v1/customers (about 6% of attempts)."""
    add = fake.faults.add
    add(DropBeforeCommit(method="POST", path=_PATH, probability=RATE))
    add(DropAfterCommit(method="POST", path=_PATH, probability=RATE))
    add(StatusFault(500, method="POST", path=_PATH, probability=RATE))
    add(StatusFault(502, method="POST", path=_PATH, probability=RATE))
    add(StatusFault(503, method="POST", path=_PATH, probability=RATE))
    add(RateLimit(method="POST", path=_PATH, probability=RATE, retry_after=0.25))


def _check_outcome(fake: FakePlugipay, emails: list[str], returned: list[str]) -> None:
    """Exactly one customer per call, the one the call returned; every fault kind fired."""
    stored = [str(c["email"]) for c in fake.customers]
    assert len(stored) == len(emails)
    assert Counter(stored) == Counter(emails)
    ids = [str(c["id"]) for c in fake.customers]
    assert sorted(returned) == sorted(ids)
    assert len(set(ids)) == len(ids)
    fired = {f.kind: f.fired for f in fake.faults}
    assert all(count > 0 for count in fired.values()), fired
    posts = [r for r in fake.requests if r.method == "POST"]
    # Every retry reused its call's SDK-made key, so keys == calls, never attempts.
    keys = {r.headers["idempotency-key"] for r in posts}
    assert len(keys) == len(emails)
    assert all(k.startswith("idem_") for k in keys)
    assert len(posts) > len(emails)
    assert {r.path for r in fake.requests} == {_PATH}


@pytest.mark.anyio
async def test_async_soak_creates_exactly_n_customers() -> None:
    clock = FakeClock(1_800_000_000.0, frozen=True)
    fake = FakePlugipay(seed=6, clock=clock)
    _add_faults(fake)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)
        await anyio.lowlevel.checkpoint()

    emails = [f"soak{i}@example.com" for i in range(N_ASYNC)]
    returned: list[str] = []
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    async with fake.async_client(max_retries=6, _sleep=fake_sleep, _rng=random.Random(6)) as plug:

        async def create(email: str) -> None:
            async with limiter:
                customer = await plug.customers.create(email=email)
            returned.append(customer.id)

        async with anyio.create_task_group() as tg:
            for email in emails:
                tg.start_soon(create, email)

    _check_outcome(fake, emails, returned)
    assert slept
    assert all(0 <= s <= 8.0 for s in slept)
    # A 429 waits exactly the server's Retry-After.
    assert 0.25 in slept


def test_sync_soak_on_threads_creates_exactly_n_customers() -> None:
    clock = FakeClock(1_800_000_000.0, frozen=True)
    fake = FakePlugipay(seed=7, clock=clock)
    _add_faults(fake)
    slept: list[float] = []
    lock = threading.Lock()

    def fake_sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)
            clock.advance(seconds)

    emails = [f"sync{i}@example.com" for i in range(N_SYNC)]
    with fake.client(max_retries=6, _sleep=fake_sleep, _rng=random.Random(7)) as plug:

        def create(email: str) -> str:
            return plug.customers.create(email=email).id

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            returned = list(pool.map(create, emails))

    _check_outcome(fake, emails, returned)
    assert slept
    assert 0.25 in slept
