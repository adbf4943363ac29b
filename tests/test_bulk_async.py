"""``plugipay.bulk.arun``: order, collected failures, progress, bounded concurrency, clean
cancellation on asyncio and trio, and a rate-limited batch on virtual time."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest
import trio
import trio.testing

from plugipay import PlugipayNetworkError, bulk
from plugipay.bulk import BulkFailure
from plugipay.testing import DropAfterCommit, DropBeforeCommit, FakePlugipay
from plugipay.testing._clock import FakeClock

pytestmark = pytest.mark.anyio


async def _checkpoints(count: int) -> None:
    for _ in range(count):
        await anyio.lowlevel.checkpoint()


async def _no_sleep(seconds: float) -> None:
    await anyio.lowlevel.checkpoint()


async def test_results_come_back_in_input_order() -> None:
    finished: list[int] = []

    async def slow_first(n: int) -> str:
        await _checkpoints(20 - n)  # earlier items take longer, so they finish last
        finished.append(n)
        return f"r{n}"

    result = await bulk.arun(slow_first, range(20), concurrency=20)

    assert finished != sorted(finished)
    assert result.results == [f"r{n}" for n in range(20)]
    assert result.succeeded == result.results
    assert (result.total, result.succeeded_count, result.failed_count, result.ok) == (
        20,
        20,
        0,
        True,
    )


async def test_failures_are_collected_and_the_batch_goes_on() -> None:
    ran: list[int] = []

    async def every_third_fails(n: int) -> int:
        await anyio.lowlevel.checkpoint()
        ran.append(n)
        if n % 3 == 0:
            raise ValueError(f"bad row {n}")
        return n * 10

    result = await bulk.arun(every_third_fails, range(10), concurrency=3)

    assert sorted(ran) == list(range(10))
    assert result.results == [None, 10, 20, None, 40, 50, None, 70, 80, None]
    assert result.succeeded == [10, 20, 40, 50, 70, 80]
    assert [(f.index, f.item, str(f.exception)) for f in result.failed] == [
        (0, 0, "bad row 0"),
        (3, 3, "bad row 3"),
        (6, 6, "bad row 6"),
        (9, 9, "bad row 9"),
    ]
    assert all(isinstance(f, BulkFailure) for f in result.failed)
    assert (result.succeeded_count, result.failed_count, result.ok) == (6, 4, False)


async def test_progress_reports_every_item_and_the_totals() -> None:
    calls: list[tuple[int, int, int]] = []

    async def odd_fails(n: int) -> int:
        await anyio.lowlevel.checkpoint()
        if n % 2:
            raise KeyError(n)
        return n

    result = await bulk.arun(
        odd_fails, range(7), concurrency=2, on_progress=lambda *a: calls.append(a)
    )

    assert [c[0] for c in calls] == [1, 2, 3, 4, 5, 6, 7]
    assert all(c[2] == 7 for c in calls)
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    assert calls[-1] == (7, 3, 7)
    assert result.failed_count == 3


async def test_concurrency_is_bounded() -> None:
    in_flight = 0
    peak = 0

    async def track(n: int) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await _checkpoints(3)
        in_flight -= 1

    await bulk.arun(track, range(50), concurrency=4)

    assert peak == 4


async def test_empty_input_and_bad_concurrency() -> None:
    async def never(n: int) -> int:
        raise AssertionError("not called")

    result = await bulk.arun(never, [])
    assert (result.results, result.failed, result.total) == ([], [], 0)
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValueError, match="concurrency must be an int >= 1"):
            await bulk.arun(never, [1], concurrency=bad)  # type: ignore[arg-type]


async def test_cancellation_stops_everything_and_is_not_a_failure() -> None:
    started: list[int] = []
    cancelled: list[int] = []
    progress: list[tuple[int, int, int]] = []
    all_started = anyio.Event()
    outcome: list[object] = []

    async def hang(n: int) -> None:
        started.append(n)
        if len(started) == 5:
            all_started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.append(n)

    async def batch(scope: anyio.CancelScope) -> None:
        with scope:
            outcome.append(
                await bulk.arun(
                    hang, range(100), concurrency=5, on_progress=lambda *a: progress.append(a)
                )
            )

    tasks_before = len(anyio.get_running_tasks())
    scope = anyio.CancelScope()
    async with anyio.create_task_group() as group:
        group.start_soon(batch, scope)
        await all_started.wait()
        scope.cancel()

    assert outcome == []  # the cancellation propagated instead of returning a result
    assert sorted(started) == [0, 1, 2, 3, 4]
    assert sorted(cancelled) == [0, 1, 2, 3, 4]
    assert progress == []
    assert len(anyio.get_running_tasks()) == tasks_before


async def test_an_error_in_on_progress_cancels_the_rest_and_propagates() -> None:
    cancelled: list[int] = []

    async def work(n: int) -> int:
        if n == 0:
            return n
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.append(n)
        return n

    def explode(done: int, failed: int, total: int) -> None:
        raise RuntimeError(f"progress broke at {done}/{total}")

    with pytest.raises(RuntimeError, match="progress broke at 1/10"):
        await bulk.arun(work, range(10), concurrency=3, on_progress=explode)
    assert sorted(cancelled) == [1, 2]


async def test_dropped_responses_with_caller_keys_never_create_twice() -> None:
    fake = FakePlugipay(seed=7)
    fake.faults.add(DropAfterCommit(method="POST", path="/api/v1/customers", probability=0.3))
    async with fake.async_client(max_retries=10, _sleep=_no_sleep) as plug:

        async def create(row: int) -> str:
            customer = await plug.customers.create(
                email=f"row{row}@example.com", idempotency_key=f"import-{row}"
            )
            return customer.id

        first = await bulk.arun(create, range(60), concurrency=8)
        again = await bulk.arun(create, range(60), concurrency=8)

    assert first.ok and again.ok
    assert again.results == first.results
    assert len(set(first.results)) == 60
    assert len(fake.customers) == 60
    assert next(iter(fake.faults)).fired > 0


async def test_one_failing_item_keeps_its_error_with_the_idempotency_key() -> None:
    fake = FakePlugipay(seed=3)
    fake.faults.add(DropBeforeCommit(method="POST", path="/api/v1/customers", times=1))
    async with fake.async_client(max_retries=0) as plug:
        result = await bulk.arun(
            lambda row: plug.customers.create(
                email=f"row{row}@example.com", idempotency_key=f"import-{row}"
            ),
            range(3),
            concurrency=1,
        )

    assert [f.index for f in result.failed] == [0]
    error = result.failed[0].exception
    assert isinstance(error, PlugipayNetworkError)
    assert error.idempotency_key == "import-0"
    assert result.succeeded_count == 2


class _TrioVirtualClock(FakeClock):
    """The fake's clock read from trio's virtual clock, so both sides share virtual time."""

    START = 1_800_000_000.0

    def __init__(self) -> None:
        super().__init__(self.START, frozen=True)

    def time(self) -> float:
        return self.START + trio.current_time()


@pytest.mark.parametrize(
    "anyio_backend",
    [
        pytest.param(
            ("trio", {"clock": trio.testing.MockClock(autojump_threshold=0)}),
            id="trio-virtual-time",
        )
    ],
)
async def test_a_rate_limited_batch_of_5000_finishes_at_the_limit() -> None:
    # Virtual time (trio's autojumping MockClock): the limiter, the signatures, the client's
    # Retry-After gate and its sleeps all read one clock, and no test time is spent waiting.
    per_second, burst, items = 10_000, 10, 5_000
    fake = FakePlugipay(seed=1, clock=_TrioVirtualClock())
    fake.rate_limit(per_second=per_second, burst=burst)
    async with fake.async_client(max_retries=50, _sleep=trio.sleep) as plug:
        started = trio.current_time()
        result = await bulk.arun(
            lambda n: plug.customers.create(
                email=f"c{n}@example.com", idempotency_key=f"import-{n}"
            ),
            range(items),
            concurrency=16,
        )
        elapsed = trio.current_time() - started

    implied = (items - burst) / per_second
    print(f"5000 creates at {per_second}/s: {fake.rate_limited} 429s, {elapsed:.3f}s virtual")
    assert result.failed == []
    assert len(fake.customers) == items
    assert fake.rate_limited > 0
    assert len(fake.requests) == items + fake.rate_limited
    assert implied * 0.8 <= elapsed <= implied * 1.2


async def test_a_blocking_function_is_refused_after_its_first_item() -> None:
    calls: list[int] = []

    def blocking(n: int) -> int:
        calls.append(n)
        return n

    with pytest.raises(TypeError, match=r"^bulk\.arun needs an async function.*use bulk\.run"):
        await bulk.arun(blocking, range(20), concurrency=4)  # type: ignore[arg-type]
    assert calls == [0]
