"""Ids and timestamps: prefix + 26-character Crockford-base32 ULID, ISO 8601 UTC with ms and Z.

ULIDs are monotonic within one fake: a second id in the same millisecond (or after the clock
moved back) increments the previous one, so ids sort in creation order. Randomness comes from
the fake's seeded generator, so a frozen clock and a fixed seed give the same ids every run.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable

__all__ = ["IdFactory", "iso_ms", "parse_iso"]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Two Crockford digits per 10 bits: 13 table lookups encode the 130 bits of a ULID.
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)
_SHIFTS = tuple(range(120, -1, -10))
_RANDOM_BITS = 80
_RANDOM_MASK = (1 << _RANDOM_BITS) - 1


class IdFactory:
    """Makes monotonic ULID-based ids from a clock and a seeded generator."""

    def __init__(self, rng: random.Random, clock: Callable[[], float]) -> None:
        self._rng = rng
        self._clock = clock
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random = 0

    def ulid(self) -> str:
        """A new 26-character ULID, greater than every one made before by this factory."""
        now_ms = max(int(self._clock() * 1000), 0)
        with self._lock:
            if now_ms > self._last_ms:
                self._last_ms = now_ms
                self._last_random = self._rng.getrandbits(_RANDOM_BITS)
            elif self._last_random < _RANDOM_MASK:
                self._last_random += 1
            else:
                self._last_ms += 1
                self._last_random = 0
            value = (self._last_ms << _RANDOM_BITS) | self._last_random
        return "".join([_PAIRS[(value >> shift) & 1023] for shift in _SHIFTS])

    def new(self, prefix: str) -> str:
        """A new id with ``prefix`` (``"cus_"``, ``"ws_"`` …)."""
        return prefix + self.ulid()

    def token(self, prefix: str, nbytes: int = 16) -> str:
        """A secret-like random token: ``prefix`` + ``2 * nbytes`` lower-case hex digits."""
        with self._lock:
            bits = self._rng.getrandbits(nbytes * 8)
        return f"{prefix}{bits:0{nbytes * 2}x}"


_last_second: list[tuple[int, str]] = [(0, "1970-01-01T00:00:00")]


def iso_ms(unix: float) -> str:
    """``unix`` seconds as ``2026-05-12T10:42:00.123Z`` (milliseconds truncated)."""
    seconds, millis = divmod(math.floor(unix * 1000), 1000)
    cached_second, text = _last_second[0]
    if cached_second != seconds:  # most stamps share the second of the previous one
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        _last_second[0] = (seconds, text)
    return f"{text}.{millis:03d}Z"


def parse_iso(text: str) -> float | None:
    """Unix seconds of an ISO 8601 date-time (naive means UTC), or ``None`` if it isn't one."""
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
