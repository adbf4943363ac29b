"""Fault injection (``fake.faults``) and the token-bucket rate limiter (``fake.rate_limit``).

A fault matches requests by method and path (a shell-style glob over the route path, e.g.
``/api/v1/customers/*``, without the query) and fires on every match, on a seeded share of
matches (``probability``), or on the next ``times`` matches. Kinds:

- ``drop_before_commit``: the connection drops before the server does anything;
- ``drop_after_commit``: the server commits, then the connection drops (the answer is lost);
  it only concerns requests that run (an idempotent replay or a refusal commits nothing; add a
  ``drop_before_commit`` fault to drop those too), and ``matched`` counts only those;
- ``status``: answer ``status`` (500, 502, 503 …) without processing;
- ``rate_limit``: answer 429 ``RATE_LIMITED`` with ``Retry-After: retry_after``;
- ``latency``: wait ``seconds`` before answering (while holding any idempotency key).

Latency faults add up; of the other kinds, the first that fires decides the outcome.
"""

from __future__ import annotations

import fnmatch
import math
import random
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from ._wire import ApiError, RawResponse, error_response

__all__ = ["Fault", "FaultKind", "Faults", "RateLimiter", "format_seconds"]

FaultKind = Literal["drop_before_commit", "drop_after_commit", "status", "rate_limit", "latency"]
_KINDS = ("drop_before_commit", "drop_after_commit", "status", "rate_limit", "latency")
_STATUS_CODES = {
    408: "REQUEST_TIMEOUT",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


def format_seconds(seconds: float) -> str:
    """Seconds for ``Retry-After``: ``"1"``, ``"0.2"``, ``"0.125"`` (rounded up to ms)."""
    millis = math.ceil(seconds * 1000 - 1e-9)
    whole, frac = divmod(max(millis, 0), 1000)
    return f"{whole}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(whole)


@dataclass(eq=False)
class Fault:
    """One injected fault and its counters."""

    kind: FaultKind
    method: str | None = None
    path: str | None = None
    probability: float | None = None
    times: int | None = None
    status: int | None = None
    retry_after: float | str | None = None
    seconds: float = 0.0
    code: str | None = None
    body: bytes | None = field(default=None, repr=False)
    matched: int = 0
    """Requests that matched method and path."""
    fired: int = 0
    """Requests this fault acted on."""
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    @property
    def exhausted(self) -> bool:
        """Whether a ``times`` budget is used up (the fault no longer fires)."""
        return self.times is not None and self.fired >= self.times

    def response(self, request_id: str) -> RawResponse:
        """The answer of a ``status`` or ``rate_limit`` fault."""
        if self.kind == "rate_limit":
            after = self.retry_after
            headers = [] if after is None else [("retry-after", _retry_after_text(after))]
            error = ApiError(429, "RATE_LIMITED", "Too many requests; retry later", headers=headers)
            return error_response(error, request_id)
        status = self.status or 503
        if self.body is not None:
            return RawResponse(
                status, [("content-type", "text/html"), ("x-request-id", request_id)], self.body
            )
        code = self.code or _STATUS_CODES.get(status, "INTERNAL_ERROR")
        message = f"Injected fault: HTTP {status}"
        return error_response(ApiError(status, code, message), request_id)


def _retry_after_text(value: float | str) -> str:
    return value if isinstance(value, str) else format_seconds(value)


class Faults:
    """The faults of one fake; draws come from its seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        kind: FaultKind,
        *,
        method: str | None = None,
        path: str | None = None,
        probability: float | None = None,
        times: int | None = None,
        status: int | None = None,
        retry_after: float | str | None = 1.0,
        seconds: float | None = None,
        code: str | None = None,
        body: bytes | None = None,
    ) -> Fault:
        """Add a fault; see the module docstring for the kinds. Returns it, with counters."""
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {', '.join(_KINDS)}, got {kind!r}")
        if probability is not None and not 0 <= probability <= 1:
            raise ValueError(f"probability must be within 0..1, got {probability!r}")
        if times is not None and times < 0:
            raise ValueError(f"times must be >= 0, got {times!r}")
        if kind == "status" and (status is None or not 400 <= status <= 599):
            raise ValueError(f"a status fault needs status=400..599, got {status!r}")
        if kind == "latency" and (seconds is None or seconds < 0):
            raise ValueError(f"a latency fault needs seconds >= 0, got {seconds!r}")
        fault = Fault(
            kind=kind,
            method=method.upper() if method else None,
            path=path,
            probability=probability,
            times=times,
            status=status,
            retry_after=retry_after if kind == "rate_limit" else None,
            seconds=seconds or 0.0,
            code=code,
            body=body,
            _pattern=re.compile(fnmatch.translate(path)) if path is not None else None,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        """Stop injecting ``fault``."""
        with self._lock:
            self._faults.remove(fault)

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._faults))

    def __len__(self) -> int:
        return len(self._faults)

    @property
    def fired(self) -> int:
        """How many times any fault fired."""
        return sum(f.fired for f in self)

    def pick(self, method: str, path: str) -> tuple[float, Fault | None]:
        """Before a request runs: its added latency and the outcome fault that fires, if any
        (every kind but ``drop_after_commit``)."""
        return self._pick(method, path, after_commit=False)

    def pick_after_commit(self, method: str, path: str) -> Fault | None:
        """For a request the server is about to run: the ``drop_after_commit`` fault that
        fires, if any. Replays and refusals commit nothing, so they never get here."""
        return self._pick(method, path, after_commit=True)[1]

    def _pick(self, method: str, path: str, *, after_commit: bool) -> tuple[float, Fault | None]:
        if not self._faults:
            return 0.0, None
        delay = 0.0
        outcome: Fault | None = None
        with self._lock:
            for fault in self._faults:
                if (fault.kind == "drop_after_commit") != after_commit:
                    continue
                if fault.method is not None and fault.method != method:
                    continue
                if fault._pattern is not None and not fault._pattern.match(path):
                    continue
                fault.matched += 1
                if fault.kind != "latency" and outcome is not None:
                    continue
                if fault.exhausted:
                    continue
                if fault.probability is not None and self._rng.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.kind == "latency":
                    delay += fault.seconds
                else:
                    outcome = fault
        return delay, outcome

    def __repr__(self) -> str:
        return f"Faults({list(self)!r})"


class RateLimiter:
    """A token bucket on the fake's clock: ``per_second`` refill, ``burst`` capacity."""

    def __init__(self, per_second: float, burst: float, clock: Callable[[], float]) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("per_second must be > 0 and burst >= 1")
        self.per_second = per_second
        self.burst = burst
        self.limited = 0
        """How many requests were answered 429."""
        self._clock = clock
        self._tokens = burst
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> float | None:
        """Take a token; ``None`` when allowed, else seconds until one is available."""
        with self._lock:
            now = self._clock()
            elapsed = max(now - self._stamp, 0.0)
            self._stamp = now
            self._tokens = min(self.burst, self._tokens + elapsed * self.per_second)
            if self._tokens >= 1:
                self._tokens -= 1
                return None
            self.limited += 1
            return (1 - self._tokens) / self.per_second

    def response(self, wait: float, request_id: str) -> RawResponse:
        """The 429 answer for a request that found the bucket empty."""
        error = ApiError(
            429,
            "RATE_LIMITED",
            f"Rate limit of {self.per_second:g} requests per second exceeded",
            headers=[("retry-after", format_seconds(wait))],
        )
        return error_response(error, request_id)
