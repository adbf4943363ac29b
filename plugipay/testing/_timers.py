"""Things due at a business time: session expiry, renewals, webhook retries.

A handler schedules ``callback(due)`` for a business time with ``store.timers.at(due, callback)``.
Due timers run in due order (ties in scheduling order) under the store lock, before each request
is handled and whenever ``fake.advance`` moves business time, so a test sees every expiry that its
clock has passed, and each exactly once. A callback gets the time it was due, which is when its
effect happened (an expired session's ``expired`` event is stamped ``expiresAt``, not "now").
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

__all__ = ["Timer", "Timers"]

Timer = Callable[[float], None]
"""A scheduled action; called with the business time it was due, store lock held."""


class Timers:
    """A heap of due actions; run with the store lock held."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()

    def at(self, due: float, callback: Timer) -> None:
        """Run ``callback(due)`` once business time reaches ``due``."""
        heapq.heappush(self._heap, (due, next(self._seq), callback))

    def run_due(self, now: float) -> int:
        """Run every timer due at or before ``now``, earliest first; how many ran.

        A callback may schedule further timers; those already due run in this same call.
        """
        ran = 0
        heap = self._heap
        while heap and heap[0][0] <= now:
            due, _, callback = heapq.heappop(heap)
            callback(due)
            ran += 1
        return ran

    def __len__(self) -> int:
        return len(self._heap)
