"""Pacing under the server's rate limits, without I/O: what the ``X-RateLimit-*`` headers say, and
how long the next request of a route class waits so the bucket is not exceeded.

Plugipay limits each workspace and mode per route class (reads, writes, exports; SPEC-MONEY §8)
and answers ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (epoch seconds, whole or
decimal). The headers don't name the bucket, so the client keys its state by the class it derives
from the call itself: ``exports`` for the ``/reports/`` routes, ``reads`` for other GET and HEAD
calls, ``writes`` for the rest; calls on behalf of a merchant (``for_merchant``) are keyed by that
merchant too, since its workspace has its own buckets.

The policy: while a bucket holds at least half its limit (counting the requests this client has
in flight as already spent), requests go at once. Below that, each next request takes a slot,
the time left until the reset spread evenly over what remains (with nothing left, one slot per
token at the rate the bucket refills to whole; callers beyond that queue on at the same spacing,
past the reset too), so the bucket is never emptied before it refills: for a token bucket that settles at its refill rate with the bucket half full,
and for a fixed window it never sends more than the window has left. An answer without the
headers forgets the class's state, so pacing never delays a request the server didn't limit.

The waits themselves (sleeping within the call's deadline, cancellation) are the send loop's
(``plugipay/_async/_client.py``), next to the 429 gate's.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = [
    "LOW_WATER",
    "MAX_RESET_SECONDS",
    "Pacing",
    "RateLimitHeaders",
    "bucket_key",
    "parse",
    "route_class",
]

LOW_WATER = 0.5
"""Below this share of its limit a bucket counts as running low, and requests are spread out."""

MAX_RESET_SECONDS = 3600.0
"""A reset further away than this is taken as this far (a skewed or nonsensical header)."""


@dataclass(frozen=True, slots=True)
class RateLimitHeaders:
    """One answer's ``X-RateLimit-*`` headers."""

    limit: int
    remaining: int
    reset: float
    """Epoch seconds when the bucket is whole again."""


def parse(headers: Mapping[str, str]) -> RateLimitHeaders | None:
    """The three headers, or ``None`` when any is missing or malformed (then nothing is paced)."""
    limit = _number(headers.get("x-ratelimit-limit"))
    remaining = _number(headers.get("x-ratelimit-remaining"))
    reset = _number(headers.get("x-ratelimit-reset"))
    if limit is None or remaining is None or reset is None or limit < 1:
        return None
    return RateLimitHeaders(int(limit), max(int(remaining), 0), reset)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def route_class(method: str, path: str) -> str:
    """The server's bucket for a call: ``"exports"``, ``"reads"`` or ``"writes"``."""
    if "/reports/" in path:
        return "exports"
    return "reads" if method in ("GET", "HEAD") else "writes"


def bucket_key(klass: str, on_behalf_of: str | None, mode: str | None = None) -> str:
    """The key of a call's state: its class, the merchant a platform key acts for (whose
    workspace has buckets of its own), and the mode ``X-Plugipay-Mode`` picks (each mode has its
    own buckets too)."""
    key = klass if not on_behalf_of else f"{klass} {on_behalf_of}"
    return key if mode is None else f"{key} mode={mode}"


class _Bucket:
    __slots__ = ("interval", "limit", "next_at", "remaining", "reset_at")

    def __init__(self) -> None:
        self.interval = 0.0
        self.limit = 0
        self.remaining = 0
        self.reset_at = 0.0
        self.next_at = 0.0


class Pacing:
    """The client-wide pacing state, per route class; shared by a client and its clones.

    ``now`` is the monotonic clock of waits; ``wall`` the epoch clock ``X-RateLimit-Reset`` is
    read against. A plain thread lock guards the state, held for arithmetic only.
    """

    def __init__(self, now: Callable[[], float], wall: Callable[[], float]) -> None:
        self._now = now
        self._wall = wall
        self._guard = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._in_flight: dict[str, int] = {}

    def delay(self, klass: str) -> float:
        """The seconds the next request of ``klass`` waits before it is sent (0.0 when its bucket
        is unknown or not running low); a wait books its slot, so concurrent callers spread."""
        with self._guard:
            bucket = self._buckets.get(klass)
            if bucket is None:
                return 0.0
            now = self._now()
            window = bucket.reset_at - now
            if window <= 0:
                # Whole again by now, as far as this client knows, unless callers are still
                # queued on slots booked before: then behind them, at the same spacing.
                if bucket.next_at <= now:
                    return 0.0
                start = bucket.next_at
                bucket.next_at = start + bucket.interval
                return start - now
            left = bucket.remaining - self._in_flight.get(klass, 0)
            if left >= bucket.limit * LOW_WATER and left >= 1:
                return 0.0
            if left >= 1:
                # What is left, spread evenly up to the reset.
                interval = window / left
                start = max(now, bucket.next_at)
            else:
                # Nothing left: wait for a token at the rate the bucket refills to whole.
                interval = window / max(bucket.limit - bucket.remaining, 1)
                start = max(now + (1 - left) * interval, bucket.next_at)
            # Slots may run past the reset: others spend the refill too, so the bucket is only
            # whole then if nobody queued here goes at once.
            bucket.interval = interval
            bucket.next_at = start + interval
            return start - now

    def sent(self, klass: str) -> None:
        """A request of ``klass`` is on its way: counted as spent until ``observe`` or ``release``."""
        with self._guard:
            self._in_flight[klass] = self._in_flight.get(klass, 0) + 1

    def release(self, klass: str) -> None:
        """A sent request that got no answer (failed, timed out, cancelled)."""
        with self._guard:
            self._in_flight[klass] = max(self._in_flight.get(klass, 0) - 1, 0)

    def observe(self, klass: str, headers: Mapping[str, str]) -> None:
        """A sent request's answer: no longer in flight; its headers are recorded (their absence
        forgets the class's state)."""
        seen = parse(headers)
        with self._guard:
            self._in_flight[klass] = max(self._in_flight.get(klass, 0) - 1, 0)
            if seen is None:
                self._buckets.pop(klass, None)
                return
            now = self._now()
            bucket = self._buckets.get(klass)
            if bucket is None:
                bucket = self._buckets[klass] = _Bucket()
                bucket.next_at = now
            seconds = min(max(seen.reset - self._wall(), 0.0), MAX_RESET_SECONDS)
            bucket.limit = seen.limit
            bucket.remaining = seen.remaining
            bucket.reset_at = now + seconds
            if seen.remaining >= seen.limit * LOW_WATER:
                bucket.next_at = min(bucket.next_at, now)

    def state(self, klass: str) -> tuple[int, int, float] | None:
        """``(limit, remaining, seconds to reset)`` last seen for ``klass``, or ``None``."""
        with self._guard:
            bucket = self._buckets.get(klass)
            if bucket is None:
                return None
            return bucket.limit, bucket.remaining, max(bucket.reset_at - self._now(), 0.0)
