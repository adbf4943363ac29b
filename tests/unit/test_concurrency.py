"""The sync side of plugipay._concurrency (RateLimitGate on virtual time, Lock, Event, sleep) and
the parity of the async/sync pairs."""

from __future__ import annotations

import inspect
import math
import random
import threading
import time
from collections.abc import Callable

import pytest

from plugipay import _concurrency
from plugipay._concurrency import Event, Lock, RateLimitGate, sleep


class VirtualTime:
    """A clock and a blocking sleep that advances it instead of waiting; records every sleep."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self.after_sleep: Callable[[], None] | None = None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        hook, self.after_sleep = self.after_sleep, None
        if hook is not None:
            hook()


def make_gate(vt: VirtualTime) -> RateLimitGate:
    return RateLimitGate(clock=vt.clock, sleep=vt.sleep)


def test_open_gate_returns_at_once() -> None:
    vt = VirtualTime()
    gate = make_gate(vt)
    assert gate.reopens_at is None
    assert gate.wait() == 0.0
    assert vt.sleeps == []


def test_wait_sleeps_exactly_the_remaining_time() -> None:
    vt = VirtualTime()
    gate = make_gate(vt)
    gate.close_for(5.0)
    assert gate.reopens_at == 105.0
    vt.now = 102.0
    assert gate.wait() == 3.0
    assert vt.sleeps == [3.0]
    assert vt.now == 105.0
    assert gate.reopens_at is None


def test_deadline_extended_during_wait_is_waited_out() -> None:
    vt = VirtualTime()
    gate = make_gate(vt)
    gate.close_for(5.0)
    vt.after_sleep = lambda: gate.close_for(4.0)  # another request meets a 429 at t=105
    assert gate.wait() == 9.0
    assert vt.sleeps == [5.0, 4.0]
    assert vt.now == 109.0


def test_shorter_close_for_never_shortens() -> None:
    vt = VirtualTime()
    gate = make_gate(vt)
    gate.close_for(10.0)
    vt.now = 101.0
    gate.close_for(2.0)
    assert gate.reopens_at == 110.0
    assert gate.wait() == 9.0
    assert vt.sleeps == [9.0]


def test_longer_close_for_extends() -> None:
    vt = VirtualTime()
    gate = make_gate(vt)
    gate.close_for(2.0)
    gate.close_for(10.0)
    assert gate.reopens_at == 110.0


@pytest.mark.parametrize("seconds", [0.0, -1.0])
def test_close_for_nothing_leaves_gate_open(seconds: float) -> None:
    gate = make_gate(VirtualTime())
    gate.close_for(seconds)
    assert gate.reopens_at is None


@pytest.mark.parametrize("seconds", [math.nan, math.inf, -math.inf])
def test_close_for_rejects_non_finite(seconds: float) -> None:
    gate = make_gate(VirtualTime())
    with pytest.raises(ValueError) as info:
        gate.close_for(seconds)
    assert str(info.value) == f"close_for needs a finite number of seconds, got {seconds!r}"
    assert gate.reopens_at is None


def test_gate_is_open_once_the_deadline_passed() -> None:
    vt = VirtualTime()
    gate = make_gate(vt)
    gate.close_for(1.0)
    vt.now = 106.0
    assert gate.reopens_at is None
    assert gate.wait() == 0.0
    assert vt.sleeps == []


def test_rounding_sliver_does_not_keep_the_gate_closed() -> None:
    vt = VirtualTime(now=1_000_000.1)

    def short_sleep(seconds: float) -> None:
        vt.sleeps.append(seconds)
        vt.now += seconds - 1e-9

    gate = RateLimitGate(clock=vt.clock, sleep=short_sleep)
    gate.close_for(5.0)
    assert gate.wait() == 5.0
    assert vt.sleeps == [5.0]


def test_default_sleep_is_time_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    vt = VirtualTime()
    monkeypatch.setattr(time, "sleep", vt.sleep)
    gate = RateLimitGate(clock=vt.clock)
    gate.close_for(2.5)
    assert gate.wait() == 2.5
    assert vt.sleeps == [2.5]
    sleep(0.25)
    assert vt.sleeps == [2.5, 0.25]


def test_close_for_from_many_threads_keeps_the_latest_deadline() -> None:
    vt = VirtualTime()
    gate = make_gate(vt)
    durations = [[random.Random(seed).uniform(0.0, 60.0) for _ in range(500)] for seed in range(8)]

    def close_many(values: list[float]) -> None:
        for value in values:
            gate.close_for(value)
            assert gate.reopens_at is not None

    threads = [threading.Thread(target=close_many, args=(values,)) for values in durations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert not any(thread.is_alive() for thread in threads)
    assert gate.reopens_at == 100.0 + max(max(values) for values in durations)


def test_waiters_in_many_threads_all_reopen_together() -> None:
    guard = threading.Lock()
    now = [100.0]

    def clock() -> float:
        with guard:
            return now[0]

    def virtual_sleep(seconds: float) -> None:
        # Every waiter computed its sleep against the same deadline, so in real time they all
        # wake at t=105 however the threads interleave; the clock never moves back.
        assert 0.0 < seconds <= 5.0
        with guard:
            now[0] = max(now[0], 105.0)

    gate = RateLimitGate(clock=clock, sleep=virtual_sleep)
    gate.close_for(5.0)
    results: list[float] = []

    def waiter() -> None:
        waited = gate.wait()
        with guard:
            results.append(waited)

    threads = [threading.Thread(target=waiter) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert not any(thread.is_alive() for thread in threads)
    assert len(results) == 8
    assert set(results) <= {0.0, 5.0}
    assert 5.0 in results
    assert now[0] == 105.0


def test_lock_excludes_other_threads() -> None:
    lock = Lock()
    counter = [0]

    def bump() -> None:
        for _ in range(200):
            with lock:
                seen = counter[0]
                time.sleep(0)  # yields the GIL, inviting a lost update without the lock
                counter[0] = seen + 1

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert not any(thread.is_alive() for thread in threads)
    assert counter[0] == 800


def test_lock_is_released_when_the_block_raises() -> None:
    lock = Lock()
    with pytest.raises(KeyError), lock:
        raise KeyError("x")
    with lock:
        assert True


def test_event_wakes_a_waiting_thread() -> None:
    event = Event()
    assert not event.is_set()
    woke = threading.Event()

    def waiter() -> None:
        event.wait()
        woke.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    event.set()
    thread.join(timeout=10.0)
    assert not thread.is_alive()
    assert woke.is_set()
    assert event.is_set()
    event.wait()  # already set: returns at once


@pytest.mark.parametrize(
    ("async_name", "sync_name"),
    [
        ("AsyncLock", "Lock"),
        ("AsyncEvent", "Event"),
        ("AsyncRateLimitGate", "RateLimitGate"),
    ],
)
def test_pairs_have_the_same_surface(async_name: str, sync_name: str) -> None:
    async_cls = getattr(_concurrency, async_name)
    sync_cls = getattr(_concurrency, sync_name)
    renames = {"__aenter__": "__enter__", "__aexit__": "__exit__"}

    def surface(cls: type) -> dict[str, object]:
        return {
            name: member
            for name, member in vars(cls).items()
            if not name.startswith("_") or name in {*renames, *renames.values(), "__init__"}
        }

    async_surface = {renames.get(name, name): member for name, member in surface(async_cls).items()}
    sync_surface = surface(sync_cls)
    assert sorted(async_surface) == sorted(sync_surface)
    for name, member in sync_surface.items():
        twin = async_surface[name]
        if isinstance(member, property):
            assert isinstance(twin, property)
            continue
        assert callable(member) and callable(twin)
        assert list(inspect.signature(twin).parameters) == list(
            inspect.signature(member).parameters
        )
        assert not inspect.iscoroutinefunction(member)


def test_sleep_pair_matches() -> None:
    assert inspect.iscoroutinefunction(_concurrency.asleep)
    assert not inspect.iscoroutinefunction(_concurrency.sleep)
    assert list(inspect.signature(_concurrency.asleep).parameters) == ["seconds"]
    assert list(inspect.signature(_concurrency.sleep).parameters) == ["seconds"]


def test_the_watchdog_survives_a_failing_callback_and_runs_the_next() -> None:
    import threading

    from plugipay._concurrency import _Watchdog

    watchdog = _Watchdog()
    ran = threading.Event()

    def fail() -> None:
        raise RuntimeError("an abort that fails")

    past = time.monotonic() - 1.0  # already due: no waiting on the clock
    watchdog.schedule(past, fail)
    watchdog.schedule(past, ran.set)
    assert ran.wait(timeout=10), "the watchdog thread died with the first callback"


def test_a_cancelled_watchdog_entry_never_runs() -> None:
    import threading

    from plugipay._concurrency import _Watchdog

    watchdog = _Watchdog()
    cancelled, after = threading.Event(), threading.Event()
    entry = watchdog.schedule(time.monotonic() - 1.0, cancelled.set)
    watchdog.cancel(entry)
    watchdog.schedule(time.monotonic() - 0.5, after.set)
    assert after.wait(timeout=10)
    assert not cancelled.is_set()
