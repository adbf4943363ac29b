"""The fake's controllable wall clock: real time plus an offset, or frozen at one instant.

Signatures are checked for skew against it, ids and timestamps come from it, idempotency records
expire on it and the rate limiter refills on it. By default it follows real time, so a client
using the real clock works; ``advance`` and ``set`` move it without sleeping.
"""

from __future__ import annotations

import threading
import time

__all__ = ["FakeClock"]


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
