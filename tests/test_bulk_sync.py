"""``plugipay.bulk.run``: the thread-pool twin of ``arun``."""

from __future__ import annotations

import gc
import threading
import warnings

import anyio
import pytest

from plugipay import bulk
from plugipay.testing import DropAfterCommit, FakePlugipay


def _no_sleep(seconds: float) -> None:
    """Retries back off instantly."""


def test_results_come_back_in_input_order() -> None:
    # Item 0 waits until every other item is done, so it finishes last.
    others_done = threading.Event()
    finished: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> str:
        if n == 0:
            assert others_done.wait(timeout=10)
        with lock:
            finished.append(n)
            if len(finished) == 7:
                others_done.set()
        return f"r{n}"

    result = bulk.run(work, range(8), concurrency=8)

    assert finished[-1] == 0
    assert result.results == [f"r{n}" for n in range(8)]
    assert (result.total, result.succeeded_count, result.failed_count, result.ok) == (8, 8, 0, True)


def test_failures_are_collected_and_progress_is_reported() -> None:
    calls: list[tuple[int, int, int]] = []

    def every_third_fails(n: int) -> int:
        if n % 3 == 0:
            raise ValueError(f"bad row {n}")
        return n * 10

    result = bulk.run(
        every_third_fails, range(10), concurrency=3, on_progress=lambda *a: calls.append(a)
    )

    assert result.results == [None, 10, 20, None, 40, 50, None, 70, 80, None]
    assert result.succeeded == [10, 20, 40, 50, 70, 80]
    assert [(f.index, f.item, str(f.exception)) for f in result.failed] == [
        (0, 0, "bad row 0"),
        (3, 3, "bad row 3"),
        (6, 6, "bad row 6"),
        (9, 9, "bad row 9"),
    ]
    assert [c[0] for c in calls] == list(range(1, 11))
    assert calls[-1] == (10, 4, 10)


def test_concurrency_is_bounded() -> None:
    lock = threading.Lock()
    all_three = threading.Barrier(3, timeout=10)  # breaks unless 3 calls run at once
    in_flight = 0
    peak = 0

    def track(n: int) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        if n < 3:
            all_three.wait()
        with lock:
            in_flight -= 1

    result = bulk.run(track, range(200), concurrency=3)

    assert result.ok
    assert peak == 3


def test_empty_input_and_bad_concurrency() -> None:
    assert bulk.run(lambda n: n, []).total == 0
    with pytest.raises(ValueError, match="concurrency must be an int >= 1"):
        bulk.run(lambda n: n, [1], concurrency=0)


def test_an_interrupt_stops_the_batch_and_propagates() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> int:
        with lock:
            started.append(n)
        if n == 2:
            raise KeyboardInterrupt
        return n

    with pytest.raises(KeyboardInterrupt):
        bulk.run(work, range(1000), concurrency=1)
    assert started == [0, 1, 2]


def test_an_error_in_on_progress_propagates_and_starts_nothing_more() -> None:
    started: list[int] = []

    def explode(done: int, failed: int, total: int) -> None:
        raise RuntimeError(f"progress broke at {done}/{total}")

    with pytest.raises(RuntimeError, match="progress broke at 1/50"):
        bulk.run(started.append, range(50), concurrency=1, on_progress=explode)
    assert started == [0]


def test_dropped_responses_with_caller_keys_never_create_twice() -> None:
    fake = FakePlugipay(seed=7)
    fault = fake.faults.add(
        DropAfterCommit(method="POST", path="/api/v1/customers", probability=0.3)
    )
    with fake.client(max_retries=10, _sleep=_no_sleep) as plug:

        def create(row: int) -> str:
            return plug.customers.create(
                email=f"row{row}@example.com", idempotency_key=f"import-{row}"
            ).id

        first = bulk.run(create, range(60), concurrency=8)
        again = bulk.run(create, range(60), concurrency=8)

    assert first.ok and again.ok
    assert again.results == first.results
    assert len(set(first.results)) == 60
    assert len(fake.customers) == 60
    assert fault.fired > 0


def test_an_async_def_is_refused_before_any_call() -> None:
    called: list[int] = []

    async def create(n: int) -> int:
        called.append(n)
        return n

    with pytest.raises(TypeError, match=r"^bulk\.run got an async function: use bulk\.arun"):
        bulk.run(create, range(20), concurrency=4)
    assert called == []


def test_a_lambda_around_an_async_call_is_refused_and_creates_nothing() -> None:
    fake = FakePlugipay(seed=3)
    aplug = fake.async_client()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(TypeError, match=r"^bulk\.run got an async function: use bulk\.arun"):
            bulk.run(
                lambda i: aplug.customers.create(email=f"row{i}@example.com"),
                range(20),
                concurrency=4,
            )
        gc.collect()  # an un-closed coroutine would warn "never awaited" when collected
    assert [w.message for w in caught] == []
    assert len(fake.customers) == 0
    anyio.run(aplug.aclose)


def test_a_type_error_of_fn_itself_stays_a_per_item_failure() -> None:
    def picky(n: int) -> int:
        if n % 2:
            raise TypeError(f"odd row {n}")
        return n

    result = bulk.run(picky, range(6), concurrency=3)

    assert [f.index for f in result.failed] == [1, 3, 5]
    assert result.results == [0, None, 2, None, 4, None]
