"""Matched concurrency primitives: the async side on anyio, the sync side on threading and time.

Invariant: every async name here has a twin that differs only by the ``Async``/``a`` prefix and by
being blocking (``AsyncLock``/``Lock``, ``asleep``/``sleep``), with the same methods and
signatures. ``plugipay/_async/`` imports only the async side and never anyio itself, so the
generator's renaming alone turns it into the sync tier, and the async client runs on asyncio and
trio alike.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import anyio

# anyio is imported where the async side first needs it, so the sync client never loads it.

__all__ = [
    "AsyncDeadline",
    "AsyncEvent",
    "AsyncLock",
    "AsyncLoopGuard",
    "AsyncRateLimitGate",
    "Deadline",
    "Event",
    "Lock",
    "LoopGuard",
    "RateLimitGate",
    "asleep",
    "sleep",
]

_OPEN_WITHIN = 1e-6


async def asleep(seconds: float) -> None:
    """Suspends the current task for ``seconds``; cancellable on asyncio and trio."""
    import anyio

    await anyio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Blocks the current thread for ``seconds``."""
    time.sleep(seconds)


class AsyncLock:
    """A task lock used as ``async with lock:``."""

    def __init__(self) -> None:
        import anyio

        self._lock: anyio.Lock = anyio.Lock()

    async def __aenter__(self) -> None:
        await self._lock.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()


class Lock:
    """A thread lock used as ``with lock:``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()


class AsyncEvent:
    """A one-shot flag that tasks can wait for."""

    def __init__(self) -> None:
        import anyio

        self._event: anyio.Event = anyio.Event()

    def set(self) -> None:
        """Sets the flag and wakes every waiter."""
        self._event.set()

    def is_set(self) -> bool:
        """Tells whether the flag has been set."""
        return self._event.is_set()

    async def wait(self) -> None:
        """Returns once the flag is set."""
        await self._event.wait()


class Event:
    """A one-shot flag that threads can wait for."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        """Sets the flag and wakes every waiter."""
        self._event.set()

    def is_set(self) -> bool:
        """Tells whether the flag has been set."""
        return self._event.is_set()

    def wait(self) -> None:
        """Returns once the flag is set."""
        self._event.wait()


class _GateDeadline:
    """The deadline shared by both gates; only ever moves later.

    A plain thread lock guards it on both sides: it is held for a comparison, never across a
    sleep, so taking it from a coroutine cannot stall the event loop.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._guard = threading.Lock()
        self._deadline: float | None = None

    def close_for(self, seconds: float) -> None:
        """Closes the gate until ``seconds`` from now, unless it already stays closed longer."""
        if not math.isfinite(seconds):
            raise ValueError(f"close_for needs a finite number of seconds, got {seconds!r}")
        if seconds <= 0:
            return
        with self._guard:
            until = self._clock() + seconds
            if self._deadline is None or until > self._deadline:
                self._deadline = until

    @property
    def reopens_at(self) -> float | None:
        """The clock reading at which the gate opens, or None while it is open."""
        with self._guard:
            return self._deadline if self._remaining_locked() > 0 else None

    def _remaining(self) -> float:
        with self._guard:
            return self._remaining_locked()

    def _remaining_locked(self) -> float:
        if self._deadline is None:
            return 0.0
        remaining = self._deadline - self._clock()
        # Float sums of clock readings can leave a sliver too small to ever sleep away on a
        # virtual clock; a microsecond never matters against a Retry-After.
        return remaining if remaining >= _OPEN_WITHIN else 0.0


class AsyncRateLimitGate(_GateDeadline):
    """The client-wide 429 gate: once a response says Retry-After, every task of the client waits.

    ``clock`` and ``sleep`` are injectable so tests run on virtual time; ``sleep`` must let the
    clock reach the requested time (real time does).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asleep,
    ) -> None:
        super().__init__(clock)
        self._sleep = sleep

    async def wait(self, limit: float | None = None) -> float:
        """Waits until the gate is open, including any extension made meanwhile, but no longer
        than ``limit`` seconds (the gate may then still be closed: check ``reopens_at``).

        Returns the seconds slept (0.0 when the gate was open). Cancellation interrupts the
        sleep at once.
        """
        waited = 0.0
        remaining = self._remaining()
        while remaining > 0:
            step = remaining if limit is None else min(remaining, limit - waited)
            if step <= 0:
                break
            await self._sleep(step)
            waited += step
            remaining = self._remaining()
        return waited


class RateLimitGate(_GateDeadline):
    """The client-wide 429 gate: once a response says Retry-After, every thread of the client waits.

    ``clock`` and ``sleep`` are injectable so tests run on virtual time; ``sleep`` must let the
    clock reach the requested time (real time does).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = sleep,
    ) -> None:
        super().__init__(clock)
        self._sleep = sleep

    def wait(self, limit: float | None = None) -> float:
        """Waits until the gate is open, including any extension made meanwhile, but no longer
        than ``limit`` seconds (the gate may then still be closed: check ``reopens_at``).

        Returns the seconds slept (0.0 when the gate was open).
        """
        waited = 0.0
        remaining = self._remaining()
        while remaining > 0:
            step = remaining if limit is None else min(remaining, limit - waited)
            if step <= 0:
                break
            self._sleep(step)
            waited += step
            remaining = self._remaining()
        return waited


class _DeadlineClock:
    """When a bounded stretch of work must end, on the monotonic clock."""

    def __init__(self, seconds: float | None, abort: Callable[[], None] | None = None) -> None:
        self.seconds = seconds
        self._abort = abort
        self._ends = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never below zero), or ``None`` when unbounded."""
        return None if self._ends is None else max(self._ends - time.monotonic(), 0.0)

    def expired(self) -> bool:
        """Whether the time is up."""
        return self._ends is not None and time.monotonic() >= self._ends


class AsyncDeadline(_DeadlineClock):
    """Bounds the body of ``async with`` to ``seconds`` (``None``: unbounded): at the deadline the
    body is cancelled, wherever it waits, and ``TimeoutError`` is raised. (``abort`` is the
    blocking twin's; cancellation makes it unneeded here.)"""

    async def __aenter__(self) -> AsyncDeadline:
        import anyio

        self._scope = anyio.fail_after(self.seconds)
        self._scope.__enter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return self._scope.__exit__(exc_type, exc, tb)


class Deadline(_DeadlineClock):
    """The blocking twin of ``AsyncDeadline``. A thread can't be cancelled, so the body checks
    ``expired()`` between reads, and at the deadline a watchdog thread calls ``abort`` (which
    cuts the connection off, ending a read that would otherwise go on)."""

    def __enter__(self) -> Deadline:
        self._entry = (
            None
            if self._ends is None or self._abort is None
            else _WATCHDOG.schedule(self._ends, self._abort)
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._entry is not None:
            _WATCHDOG.cancel(self._entry)


class _Watchdog:
    """One daemon thread that runs callbacks at their deadlines (the blocking ``Deadline``'s
    aborts). Scheduling is a heap push under a lock; cancelled entries are dropped when due."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[list[object]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, when: float, callback: Callable[[], None]) -> list[object]:
        """Run ``callback`` at ``when`` (monotonic) unless cancelled first; returns the entry."""
        entry: list[object] = [when, next(self._order), callback]
        with self._cond:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="plugipay-deadlines", daemon=True
                )
                self._thread.start()
            if self._heap[0] is entry:
                # Only a new earliest deadline changes what the thread waits for; waking it
                # on every call would cost each blocking request a thread switch.
                self._cond.notify()
        return entry

    def cancel(self, entry: list[object]) -> None:
        """Forget ``entry``'s callback (a no-op once it has run)."""
        entry[2] = None

    def _run(self) -> None:
        while True:
            try:
                self._run_due()
            except Exception:  # never let the thread die: every later abort depends on it
                continue

    def _run_due(self) -> None:
        with self._cond:
            while not self._heap:
                self._cond.wait()
            when, _, callback = self._heap[0]
            delay = float(when) - time.monotonic()  # type: ignore[arg-type]
            if callback is not None and delay > 0:
                # Short waits: a deadline added meanwhile is noticed, and no wait overflows.
                self._cond.wait(min(delay, 60.0))
                return
            heapq.heappop(self._heap)
        if callable(callback):
            callback()


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    # A child gets the parent's memory but not its threads: start over with a fresh watchdog.
    os.register_at_fork(after_in_child=lambda: globals().update(_WATCHDOG=_Watchdog()))


class AsyncLoopGuard:
    """Remembers the event loop (asyncio's, or trio's run) a client was first used on, so use
    from another one is a clear error rather than httpx's "Event loop is closed"."""

    def __init__(self) -> None:
        self._first: Callable[[], object | None] | None = None

    def same_loop(self) -> bool:
        """Whether the running loop is the first one this guard saw (``True`` the first time)."""
        current = _running_loop()
        if current is None:
            return True
        if self._first is None:
            try:
                self._first = weakref.ref(current)
            except TypeError:  # not weak-referenceable: hold it (one small object per client)
                self._first = lambda: current
            return True
        return self._first() is current


class LoopGuard:
    """The blocking twin of ``AsyncLoopGuard``: no event loop, so every use is the same."""

    def same_loop(self) -> bool:
        """Always ``True``."""
        return True


def _running_loop() -> object | None:
    """The running asyncio loop or trio run (its token), or ``None`` elsewhere."""
    import sniffio

    try:
        library = sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        return None
    if library == "asyncio":
        import asyncio

        return asyncio.get_running_loop()
    if library == "trio":
        import trio

        return trio.lowlevel.current_trio_token()
    return None
