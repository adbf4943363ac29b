"""The retry policy as pure functions (SPEC §9, API.md "Retries, timeouts, rate limits").

Exponential backoff with full jitter (0.5 s base, 8 s cap), or exactly the server's
``Retry-After`` (seconds, fractions or an HTTP date), capped at 60 s. Randomness and the clock
come in as arguments so the schedule is testable without sleeping.
"""

from __future__ import annotations

import math
import random
import re
from email.utils import parsedate_to_datetime

__all__ = [
    "BASE_DELAY",
    "MAX_DELAY",
    "MAX_RETRY_AFTER",
    "RETRYABLE_STATUSES",
    "backoff_delay",
    "is_retryable",
    "next_delay",
    "parse_retry_after",
    "retry_delay",
    "server_retry_after",
]

BASE_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
WAIT_STATUSES = frozenset({429, 503})
"""Statuses whose ``Retry-After`` the client honours."""
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def is_retryable(status: int, code: str | None = None) -> bool:
    """Whether an answer with this status (and lower_snake code) may be retried.

    Status 0 stands for a connection failure or timeout, which is retryable. Every write carries
    an idempotency key, so retrying a POST/PATCH/DELETE cannot apply it twice.
    """
    if status == 0 or status in RETRYABLE_STATUSES:
        return True
    return status == 409 and code == "idempotency_key_in_use"


def backoff_delay(retry_number: int, rng: random.Random) -> float:
    """Full-jitter backoff before retry ``retry_number`` (0 for the first retry)."""
    ceiling = min(MAX_DELAY, BASE_DELAY * (2 ** min(retry_number, 32)))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: float | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, capped at 60; ``None`` if absent or unusable.

    ``now`` is the current unix time, needed for the HTTP-date form (``None``: seconds only).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if _DECIMAL.fullmatch(text):
        # Plain decimal seconds only: float() alone would also take "1_000", "nan" or "-1".
        seconds = float(text)
    elif now is None:
        return None
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = max(when.timestamp() - now, 0.0)
    if not math.isfinite(seconds):
        return None
    return min(seconds, MAX_RETRY_AFTER)


def retry_delay(retry_number: int, retry_after: float | None, rng: random.Random) -> float:
    """The wait before the next attempt: the server's ``Retry-After`` when given, else backoff."""
    if retry_after is not None:
        return retry_after
    return backoff_delay(retry_number, rng)


def server_retry_after(status: int, value: str | None, now: float | None) -> float | None:
    """The wait a 429 or 503 answer asks for (``parse_retry_after``); ``None`` for others."""
    if status not in WAIT_STATUSES:
        return None
    return parse_retry_after(value, now)


def next_delay(
    attempt: int,
    max_retries: int,
    status: int,
    code: str | None,
    retry_after: float | None,
    rng: random.Random,
) -> float | None:
    """After failed attempt number ``attempt`` (1-based): seconds to wait before the next one, or
    ``None`` when the call must raise (out of retries, or an answer that is not retryable)."""
    if attempt > max_retries or not is_retryable(status, code):
        return None
    return retry_delay(attempt - 1, retry_after, rng)
