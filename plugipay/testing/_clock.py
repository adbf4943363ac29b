"""The fake's clocks: the wall clock requests are checked against, and business time.

``FakeClock`` is the controllable wall clock: real time plus an offset, or frozen at one instant.
``BusinessClock`` is that clock plus a further offset that only ``fake.advance`` moves: expiries,
renewals and webhook retries run on it while request signatures are still checked against the wall
clock, as SPEC-MONEY §7 asks (a test a year ahead keeps signing with the real time).

Signatures are checked for skew against it, ids and timestamps come from it, idempotency records
expire on it and the rate limiter refills on it. By default it follows real time, so a client
using the real clock works; ``advance`` and ``set`` move it without sleeping.
"""

from __future__ import annotations

import threading
import time

__all__ = ["BusinessClock", "FakeClock"]


class FakeClock:
    """Unix time for the fake; follows real time unless frozen."""

    def __init__(self, start: float | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0 if start is None else start - time.time()
        self._frozen_at: float | None = None
        if frozen:
            self._frozen_at = time.time() if start is None else float(start)

    def time(self) -> float:
        """Current unix time in seconds, as the fake sees it."""
        frozen = self._frozen_at
        if frozen is not None:
            return frozen
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value) by ``seconds``."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    def set(self, unix: float) -> None:
        """Move the clock to ``unix``; it keeps ticking from there unless frozen."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = float(unix)
            else:
                self._offset = unix - time.time()

    def freeze(self) -> None:
        """Stop the clock where it is; only ``advance`` and ``set`` move it afterwards."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = time.time() + self._offset

    def unfreeze(self) -> None:
        """Let the clock tick again from where it stands."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - time.time()
                self._frozen_at = None

    @property
    def frozen(self) -> bool:
        """Whether the clock is stopped."""
        return self._frozen_at is not None

    def __repr__(self) -> str:
        state = "frozen" if self.frozen else "ticking"
        return f"FakeClock({self.time():.3f}, {state})"


class BusinessClock:
    """Business time: the wall clock plus the time ``fake.advance`` has added."""

    def __init__(self, wall: FakeClock) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._ahead = 0.0

    def time(self) -> float:
        """Current business time (unix seconds)."""
        return self._wall.time() + self._ahead

    @property
    def ahead(self) -> float:
        """Seconds business time runs ahead of the wall clock."""
        return self._ahead

    def advance(self, seconds: float) -> None:
        """Move business time forward by ``seconds`` (never back: timers already fired stay so)."""
        if not seconds >= 0:
            raise ValueError(f"business time only moves forward; got {seconds!r} seconds")
        with self._lock:
            self._ahead += seconds

    def __repr__(self) -> str:
        return f"BusinessClock({self.time():.3f}, {self._ahead:+.3f} s ahead of the wall clock)"
