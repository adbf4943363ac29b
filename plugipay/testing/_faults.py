"""Fault injection (``fake.faults``) and the token-bucket rate limiter (``fake.rate_limit``).

``fake.faults.add(kind)`` takes one frozen, validated object per fault kind:

- ``DropBeforeCommit()``: the connection drops before the server does anything;
- ``DropAfterCommit()``: the server commits, then the connection drops (the answer is lost);
  it only concerns requests that run (an idempotent replay or a refusal commits nothing; add a
  ``DropBeforeCommit`` to drop those too), and ``matched`` counts only those;
- ``StatusFault(status, code=None, body=None)``: answer ``status`` (500, 502, 503 …) without
  processing, with the error envelope (``code`` defaults by status) or the raw ``body``;
- ``RateLimit(retry_after=1.0)``: answer 429 ``RATE_LIMITED`` with ``Retry-After`` (seconds, or a
  string sent as is; ``None`` sends no header);
- ``Latency(seconds)``: wait ``seconds`` before answering (while holding any idempotency key).

Every kind also takes ``method``, ``path`` (a shell-style glob over the route path, e.g.
``/api/v1/customers/*``, without the query), ``probability`` and ``times``: a fault fires on
every match, on a seeded share of matches (``probability``), or on the next ``times`` matches.
Latency faults add up; of the other kinds, the first that fires decides the outcome.
"""

from __future__ import annotations

import fnmatch
import math
import random
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import KW_ONLY, dataclass, field

from ._wire import ApiError, RawResponse, error_response

__all__ = [
    "DropAfterCommit",
    "DropBeforeCommit",
    "Fault",
    "FaultKind",
    "Faults",
    "Latency",
    "RateLimit",
    "RateLimiter",
    "StatusFault",
    "format_seconds",
]

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


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
class FaultKind:
    """The options every fault kind takes: which requests it matches and how often it fires."""

    method: str | None = None
    """Only requests with this method (any case); ``None`` for every method."""
    path: str | None = None
    """Only route paths matching this shell-style glob (``/api/v1/customers/*``)."""
    probability: float | None = None
    """Fire on this seeded share (0..1) of matches; ``None`` for every match."""
    times: int | None = None
    """Fire on the next ``times`` matches only; ``None`` for no limit."""

    def __post_init__(self) -> None:
        name = type(self).__name__
        if type(self) is FaultKind:
            raise TypeError(
                "FaultKind is the base of the fault kinds; add DropBeforeCommit, "
                "DropAfterCommit, StatusFault, RateLimit or Latency"
            )
        if self.method is not None:
            if not isinstance(self.method, str) or not self.method.isalpha():
                raise ValueError(f"{name}: method must be an HTTP method, got {self.method!r}")
            object.__setattr__(self, "method", self.method.upper())
        if self.path is not None and not isinstance(self.path, str):
            raise ValueError(f"{name}: path must be a glob string, got {self.path!r}")
        probability = self.probability
        if probability is not None and not (_is_number(probability) and 0 <= probability <= 1):
            raise ValueError(f"{name}: probability must be within 0..1, got {probability!r}")
        times = self.times
        if times is not None and not (_is_number(times) and isinstance(times, int) and times >= 0):
            raise ValueError(f"{name}: times must be an integer >= 0, got {times!r}")


@dataclass(frozen=True, kw_only=True)
class DropBeforeCommit(FaultKind):
    """The connection drops before the server does anything (nothing is committed)."""


@dataclass(frozen=True, kw_only=True)
class DropAfterCommit(FaultKind):
    """The server commits, then the connection drops: the answer is lost, the change is not."""


@dataclass(frozen=True)
class StatusFault(FaultKind):
    """Answer ``status`` without processing the request."""

    status: int
    """400..599."""
    _: KW_ONLY
    code: str | None = None
    """The error code in the envelope; by default the status's usual one (``BAD_GATEWAY``)."""
    body: bytes | None = field(default=None, repr=False)
    """Send these bytes as ``text/html`` instead of the error envelope (a proxy's error page)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        status = self.status
        if not (isinstance(status, int) and not isinstance(status, bool) and 400 <= status <= 599):
            raise ValueError(f"StatusFault: status must be 400..599, got {status!r}")
        if self.code is not None and not (isinstance(self.code, str) and self.code):
            raise ValueError(f"StatusFault: code must be a non-empty string, got {self.code!r}")
        if self.body is not None and not isinstance(self.body, bytes):
            raise ValueError(f"StatusFault: body must be bytes, got {type(self.body).__name__}")

    def response(self, request_id: str) -> RawResponse:
        """The injected answer."""
        status = self.status
        if self.body is not None:
            return RawResponse(
                status, [("content-type", "text/html"), ("x-request-id", request_id)], self.body
            )
        code = self.code or _STATUS_CODES.get(status, "INTERNAL_ERROR")
        message = f"Injected fault: HTTP {status}"
        return error_response(ApiError(status, code, message), request_id)


@dataclass(frozen=True)
class RateLimit(FaultKind):
    """Answer 429 ``RATE_LIMITED`` with ``Retry-After``."""

    retry_after: float | str | None = 1.0
    """Seconds (sent rounded up to ms), a string sent as is, or ``None`` for no header."""

    def __post_init__(self) -> None:
        super().__post_init__()
        after = self.retry_after
        if isinstance(after, str):
            valid = after != ""
        elif isinstance(after, int | float) and not isinstance(after, bool):
            valid = 0 <= after < math.inf
        else:
            valid = after is None
        if not valid:
            raise ValueError(
                f"RateLimit: retry_after must be seconds >= 0, a string or None, got {after!r}"
            )

    def response(self, request_id: str) -> RawResponse:
        """The injected 429 answer."""
        after = self.retry_after
        if after is None:
            headers = []
        else:
            headers = [("retry-after", after if isinstance(after, str) else format_seconds(after))]
        error = ApiError(429, "RATE_LIMITED", "Too many requests; retry later", headers=headers)
        return error_response(error, request_id)


@dataclass(frozen=True)
class Latency(FaultKind):
    """Wait ``seconds`` before answering, holding any idempotency key meanwhile."""

    seconds: float

    def __post_init__(self) -> None:
        super().__post_init__()
        seconds = self.seconds
        if not (_is_number(seconds) and 0 <= seconds < math.inf):
            raise ValueError(f"Latency: seconds must be finite and >= 0, got {seconds!r}")


@dataclass(eq=False)
class Fault:
    """One added fault: the kind it was added with, and its counters."""

    kind: FaultKind
    matched: int = 0
    """Requests that matched method and path."""
    fired: int = 0
    """Requests this fault acted on."""
    _pattern: re.Pattern[str] | None = field(init=False, repr=False)
    _after_commit: bool = field(init=False, repr=False)
    _delay: float | None = field(init=False, repr=False)
    """The seconds a ``Latency`` adds; ``None`` for the kinds that decide an outcome."""

    def __post_init__(self) -> None:
        kind = self.kind
        self._pattern = re.compile(fnmatch.translate(kind.path)) if kind.path is not None else None
        self._after_commit = isinstance(kind, DropAfterCommit)
        self._delay = kind.seconds if isinstance(kind, Latency) else None

    @property
    def exhausted(self) -> bool:
        """Whether a ``times`` budget is used up (the fault no longer fires)."""
        times = self.kind.times
        return times is not None and self.fired >= times


class Faults:
    """The faults of one fake; draws come from its seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, kind: FaultKind) -> Fault:
        """Inject a fault, e.g. ``add(StatusFault(503, path="/api/v1/customers"))``; see the
        module docstring for the kinds. Returns it, with its counters."""
        if not isinstance(kind, FaultKind):
            raise TypeError(
                "faults.add takes one fault object, e.g. StatusFault(503) or "
                f"DropAfterCommit(method='POST'), got {kind!r}"
            )
        fault = Fault(kind)
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

    def pick(self, method: str, path: str) -> tuple[float, FaultKind | None]:
        """Before a request runs: its added latency and the kind that decides its outcome, if
        one fires (``DropBeforeCommit``, ``StatusFault`` or ``RateLimit``)."""
        return self._pick(method, path, after_commit=False)

    def pick_after_commit(self, method: str, path: str) -> bool:
        """For a request the server is about to run: whether a ``DropAfterCommit`` fires.
        Replays and refusals commit nothing, so they never get here."""
        return self._pick(method, path, after_commit=True)[1] is not None

    def _pick(
        self, method: str, path: str, *, after_commit: bool
    ) -> tuple[float, FaultKind | None]:
        if not self._faults:
            return 0.0, None
        delay = 0.0
        outcome: FaultKind | None = None
        with self._lock:
            for fault in self._faults:
                if fault._after_commit != after_commit:
                    continue
                kind = fault.kind
                if kind.method is not None and kind.method != method:
                    continue
                if fault._pattern is not None and not fault._pattern.match(path):
                    continue
                fault.matched += 1
                if fault._delay is None and outcome is not None:
                    continue
                if fault.exhausted:
                    continue
                if kind.probability is not None and self._rng.random() >= kind.probability:
                    continue
                fault.fired += 1
                if fault._delay is None:
                    outcome = kind
                else:
                    delay += fault._delay
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
