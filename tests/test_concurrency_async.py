"""The async side of plugipay._concurrency on asyncio and trio: the client-wide 429 gate (many
waiters, extensions, cancellation), AsyncLock, AsyncEvent and asleep."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import anyio.lowlevel
import pytest

from plugipay._concurrency import AsyncEvent, AsyncLock, AsyncRateLimitGate, asleep

# anyio_backend (asyncio and trio) comes from tests/conftest.py.
pytestmark = pytest.mark.anyio


class VirtualTime:
    """A clock and an async sleep on virtual time: a sleep of ``s`` started at ``t`` wakes the
    sleeper at ``t + s`` (the clock never moves back), after letting other tasks run."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self.after_first_wake: Callable[[], None] | None = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake_at = self.now + seconds
        await anyio.lowlevel.checkpoint()
        self.now = max(self.now, wake_at)
        hook, self.after_first_wake = self.after_first_wake, None
        if hook is not None:
            hook()


async def test_open_gate_returns_at_once() -> None:
    vt = VirtualTime()
    gate = AsyncRateLimitGate(clock=vt.clock, sleep=vt.sleep)
    assert await gate.wait() == 0.0
    assert vt.sleeps == []


async def test_many_waiters_wake_together_after_the_deadline() -> None:
    vt = VirtualTime()
    gate = AsyncRateLimitGate(clock=vt.clock, sleep=vt.sleep)
    gate.close_for(5.0)
    woke: list[tuple[float, float]] = []

    async def waiter() -> None:
        waited = await gate.wait()
        woke.append((waited, vt.now))

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(waiter)
    assert woke == [(5.0, 105.0)] * 20
    assert vt.sleeps == [5.0] * 20
    assert gate.reopens_at is None


async def test_extension_while_waiting_holds_every_waiter() -> None:
    vt = VirtualTime()
    gate = AsyncRateLimitGate(clock=vt.clock, sleep=vt.sleep)
    gate.close_for(5.0)
    # A retried request meets another 429 with Retry-After: 3 at t=105.
    vt.after_first_wake = lambda: gate.close_for(3.0)
    results: list[float] = []

    async def waiter() -> None:
        results.append(await gate.wait())

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(waiter)
    assert results == [8.0] * 5
    assert vt.now == 108.0
    assert sorted(vt.sleeps) == [3.0] * 5 + [5.0] * 5


async def test_waiters_on_real_time_wake_after_the_deadline() -> None:
    gate = AsyncRateLimitGate()
    # The deadline is at least this late; a stalled machine may reach it before any waiter runs.
    deadline = time.monotonic() + 0.02
    gate.close_for(0.02)
    woke: list[tuple[float, float]] = []

    async def waiter() -> None:
        waited = await gate.wait()
        woke.append((waited, time.monotonic()))

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(waiter)
    assert len(woke) == 5
    for waited, at in woke:
        assert 0.0 <= waited <= 0.02
        assert at >= deadline - 1e-6, "no waiter wakes before the deadline"
    assert gate.reopens_at is None


async def test_move_on_after_interrupts_a_waiter_at_once() -> None:
    gate = AsyncRateLimitGate()
    gate.close_for(3600.0)
    started = time.monotonic()
    with anyio.move_on_after(0.01) as scope:
        await gate.wait()
    assert scope.cancelled_caught
    assert time.monotonic() - started < 1.0
    assert gate.reopens_at is not None


async def test_cancelling_the_task_group_stops_every_waiter() -> None:
    gate = AsyncRateLimitGate()
    gate.close_for(3600.0)
    finished: list[float] = []

    async def waiter() -> None:
        finished.append(await gate.wait())

    started = time.monotonic()
    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(waiter)
        await anyio.wait_all_tasks_blocked()
        tg.cancel_scope.cancel()
    assert finished == []
    assert time.monotonic() - started < 1.0


async def test_cancelling_a_virtual_sleep_propagates() -> None:
    vt = VirtualTime()
    gate = AsyncRateLimitGate(clock=vt.clock, sleep=vt.sleep)
    gate.close_for(5.0)
    with anyio.CancelScope() as scope:
        scope.cancel()
        await gate.wait()
    assert scope.cancelled_caught
    assert vt.now == 100.0


async def test_async_lock_excludes_other_tasks() -> None:
    lock = AsyncLock()
    counter = [0]

    async def bump() -> None:
        for _ in range(50):
            async with lock:
                seen = counter[0]
                await anyio.lowlevel.checkpoint()  # invites a lost update without the lock
                counter[0] = seen + 1

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(bump)
    assert counter[0] == 200


async def test_async_lock_is_released_when_the_block_raises() -> None:
    lock = AsyncLock()
    with pytest.raises(KeyError):
        async with lock:
            raise KeyError("x")
    with anyio.fail_after(1.0):
        async with lock:
            assert True


async def test_async_event_wakes_every_waiter() -> None:
    event = AsyncEvent()
    woke: list[int] = []

    async def waiter(index: int) -> None:
        await event.wait()
        woke.append(index)

    async with anyio.create_task_group() as tg:
        for index in range(3):
            tg.start_soon(waiter, index)
        await anyio.wait_all_tasks_blocked()
        assert not event.is_set()
        assert woke == []
        event.set()
    assert event.is_set()
    assert sorted(woke) == [0, 1, 2]


async def test_asleep_zero_returns_and_is_cancellable() -> None:
    await asleep(0)
    with anyio.CancelScope() as scope:
        scope.cancel()
        await asleep(3600.0)
    assert scope.cancelled_caught
