"""Pacing against the emulator's per-class buckets, on virtual time: the client reads the
``X-RateLimit-*`` headers of every answer and spreads its requests so no bucket is exceeded."""

from __future__ import annotations

import pytest

from plugipay import AsyncPlugipayClient, RateLimitError
from plugipay.testing import FakePlugipay
from plugipay.testing._clock import FakeClock

pytestmark = pytest.mark.anyio


class VirtualSleep:
    """Sleeps that move the emulator's frozen clock (which is also the client's)."""

    def __init__(self, fake: FakePlugipay) -> None:
        self.fake = fake
        self.sleeps: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.fake.clock.advance(seconds)


def _fake() -> tuple[FakePlugipay, VirtualSleep]:
    fake = FakePlugipay(seed=14, clock=FakeClock(1_778_582_520.0, frozen=True))
    return fake, VirtualSleep(fake)


def _client(fake: FakePlugipay, sleep: VirtualSleep, **options: object) -> AsyncPlugipayClient:
    options.setdefault("max_retries", 0)
    return fake.async_client(_sleep=sleep, **options)


async def test_without_the_headers_nothing_is_paced() -> None:
    fake, sleep = _fake()
    async with _client(fake, sleep) as plug:
        for i in range(30):
            await plug.customers.create(email=f"c{i}@example.com")
    assert sleep.sleeps == []


async def test_a_paced_import_stays_within_the_write_bucket() -> None:
    fake, sleep = _fake()
    buckets = fake.rate_limits(writes=10)
    assert buckets is not None
    started = fake.clock.time()
    async with _client(fake, sleep) as plug:
        for i in range(60):
            await plug.customers.create(email=f"c{i}@example.com")
    assert buckets.limited["writes"] == 0
    assert buckets.allowed["writes"] == 60
    # The bucket's 10 go at once, the other 50 no faster than it refills (10/s).
    assert fake.clock.time() - started >= 5.0
    assert sleep.sleeps


async def test_clones_share_the_pacing_state() -> None:
    fake, sleep = _fake()
    buckets = fake.rate_limits(writes=(4, 1))
    assert buckets is not None
    async with _client(fake, sleep) as plug:
        clone = plug.with_options(max_retries=0)
        for i in range(20):
            client = plug if i % 2 else clone
            await client.customers.create(email=f"c{i}@example.com")
    assert buckets.limited["writes"] == 0


async def test_reads_are_not_slowed_by_a_low_write_bucket() -> None:
    fake, sleep = _fake()
    fake.rate_limits(reads=100, writes=(2, 10))
    async with _client(fake, sleep) as plug:
        await plug.customers.create(email="a@example.com")
        await plug.customers.create(email="b@example.com")
        for _ in range(20):
            await plug.customers.list()
    assert sleep.sleeps == []


async def test_pacing_never_waits_past_the_total_timeout() -> None:
    fake, sleep = _fake()
    buckets = fake.rate_limits(writes=(2, 10))
    assert buckets is not None
    async with _client(fake, sleep, total_timeout=1.0) as plug:
        await plug.customers.create(email="a@example.com")
        await plug.customers.create(email="b@example.com")
        sent = len(fake.requests)
        # The bucket is empty and refills one token per 5 s: more than the call has.
        with pytest.raises(RateLimitError, match="total_timeout"):
            await plug.customers.create(email="c@example.com")
    assert len(fake.requests) == sent
    assert sleep.sleeps == []
    assert buckets.limited["writes"] == 0


async def test_an_answer_without_the_headers_lifts_the_pacing() -> None:
    fake, sleep = _fake()
    fake.rate_limits(writes=(2, 10))
    async with _client(fake, sleep) as plug:
        await plug.customers.create(email="a@example.com")
        await plug.customers.create(email="b@example.com")
        fake.rate_limits()
        await plug.customers.create(email="c@example.com")  # waits its slot once
        waited = len(sleep.sleeps)
        assert waited == 1
        for i in range(5):
            await plug.customers.create(email=f"c{i}@example.com")
    assert len(sleep.sleeps) == waited


async def test_an_unpaced_burst_meets_the_429s_it_paces_away() -> None:
    fake, sleep = _fake()
    buckets = fake.rate_limits(writes=(3, 1))
    assert buckets is not None
    async with _client(fake, sleep) as plug:
        for i in range(3):
            await plug.customers.create(email=f"c{i}@example.com")
        # A second client that has seen no headers yet sends at once and is refused.
        async with _client(fake, sleep) as other:
            with pytest.raises(RateLimitError):
                await other.customers.create(email="x@example.com")
    assert buckets.limited["writes"] == 1


async def test_each_merchant_of_a_platform_client_is_paced_apart() -> None:
    fake, sleep = _fake()
    async with _client(fake, sleep, platform="storlaunch") as partner:
        accounts = []
        for letter in "AB":
            provisioned = await partner.admin.provision_workspace(
                account_id=f"acc_01HXBBBBBBBBBBBBBBBBBBBBB{letter}",
                partner="storlaunch",
                discount_rate=0.1,
                brand_name=f"Merchant {letter}",
            )
            accounts.append(provisioned.account_id or "")
        buckets = fake.rate_limits(writes=(2, 10))
        assert buckets is not None
        first, second = (partner.for_merchant(account) for account in accounts)
        await first.customers.create(email="a1@example.com")
        await first.customers.create(email="a2@example.com")
        # Merchant A's bucket is empty; B's is whole, and its calls don't wait for A's.
        await second.customers.create(email="b1@example.com")
        assert sleep.sleeps == []
        await first.customers.create(email="a3@example.com")
        assert len(sleep.sleeps) == 1
    assert buckets.limited["writes"] == 0
