"""Per-workspace, per-mode, per-class rate limits (``fake.rate_limits``; SPEC-MONEY §8).

Off by default. Once set, every authenticated request takes a token from the bucket of its
workspace (the acting one, for a platform key on behalf of a merchant), its key's mode and its
route class: ``exports`` (the ``/reports/`` routes), ``reads`` (other GETs and HEADs) or ``writes``
(the rest). Each answer carries ``X-RateLimit-Limit`` (the bucket's capacity),
``X-RateLimit-Remaining`` (whole tokens left) and ``X-RateLimit-Reset`` (epoch seconds, to the
millisecond, when the bucket is whole again); a request that finds its bucket empty is answered
429 ``RATE_LIMITED`` with ``Retry-After`` (seconds until one token is back) and the same headers.

A limit is requests per second (``writes=20``: capacity 20, refilled at 20/s), or a
``(requests, seconds)`` pair (``exports=(5, 60)``: capacity 5, refilled at 5 per minute).
Buckets refill on the fake's wall clock, so a frozen clock makes runs exact.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from ._faults import format_seconds
from ._wire import ApiError

__all__ = ["CLASSES", "Limit", "RateBuckets", "route_class"]

CLASSES = ("reads", "writes", "exports")

Limit = float | tuple[float, float]
"""Requests per second, or ``(requests, seconds)``."""


def route_class(method: str, path: str) -> str:
    """The class of a route: ``"exports"``, ``"reads"`` or ``"writes"``."""
    if "/reports/" in path:
        return "exports"
    return "reads" if method in ("GET", "HEAD") else "writes"


def _rate(name: str, limit: Limit) -> tuple[float, float]:
    """``(capacity, refill per second)`` of a limit, validated."""
    if isinstance(limit, tuple):
        if len(limit) != 2:
            raise ValueError(f"{name}: a limit pair is (requests, seconds), got {limit!r}")
        count, seconds = limit
    else:
        count, seconds = limit, 1.0
    for value in (count, seconds):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name}: limits are numbers, got {limit!r}")
    if not (math.isfinite(count) and math.isfinite(seconds) and count >= 1 and seconds > 0):
        raise ValueError(f"{name}: a limit needs requests >= 1 over seconds > 0, got {limit!r}")
    return float(count), count / seconds


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class RateBuckets:
    """The configured limits and one token bucket per (workspace, mode, class) met so far."""

    def __init__(self, limits: dict[str, Limit], clock: Callable[[], float]) -> None:
        self._limits = {name: _rate(name, limit) for name, limit in limits.items()}
        self._clock = clock
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()
        self.limited: dict[str, int] = dict.fromkeys(CLASSES, 0)
        """Requests answered 429, per class."""
        self.allowed: dict[str, int] = dict.fromkeys(CLASSES, 0)
        """Requests let through, per class."""

    def take(self, workspace: str, mode: str, klass: str) -> list[tuple[str, str]]:
        """Take a token for one request: the headers its answer carries. Raises the 429
        ``ApiError`` (with those headers and ``Retry-After``) when the bucket is empty; a class
        without a limit returns no headers."""
        limit = self._limits.get(klass)
        if limit is None:
            return []
        capacity, rate = limit
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get((workspace, mode, klass))
            if bucket is None:
                bucket = self._buckets[(workspace, mode, klass)] = _Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + max(now - bucket.stamp, 0.0) * rate)
            bucket.stamp = now
            allowed = bucket.tokens >= 1
            if allowed:
                bucket.tokens -= 1
                self.allowed[klass] += 1
            else:
                self.limited[klass] += 1
            tokens = bucket.tokens
        reset = now + (capacity - tokens) / rate
        headers = [
            ("x-ratelimit-limit", str(int(capacity))),
            ("x-ratelimit-remaining", str(int(tokens))),
            ("x-ratelimit-reset", f"{math.ceil(reset * 1000) / 1000:.3f}"),
        ]
        if allowed:
            return headers
        wait = (1 - tokens) / rate
        raise ApiError(
            429,
            "RATE_LIMITED",
            f"Rate limit of {int(capacity)} {klass} exceeded; retry later",
            headers=[*headers, ("retry-after", format_seconds(wait))],
        )
