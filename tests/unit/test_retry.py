"""The retry policy: what is retryable, backoff with full jitter, and ``Retry-After`` (SPEC §9)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay._retry import (
    BASE_DELAY,
    MAX_DELAY,
    MAX_RETRY_AFTER,
    backoff_delay,
    is_retryable,
    next_delay,
    parse_retry_after,
    retry_delay,
    server_retry_after,
)

RETRYABLE = [
    (0, None, True),
    (0, "network_error", True),
    (0, "timeout", True),
    (400, "validation_error", False),
    (401, "bad_signature", False),
    (401, "clock_skew", False),
    (403, "insufficient_scope", False),
    (403, "owner_required", False),
    (404, "not_found", False),
    (408, None, True),
    (409, "conflict", False),
    (409, "idempotency_key_in_use", True),
    (409, "idempotency_key_reused", False),
    (409, "has_open_balance", False),
    (409, "owner_immutable", False),
    (409, None, False),
    (410, "gone", False),
    (422, "region_immutable", False),
    (429, "rate_limited", True),
    (429, None, True),
    (500, "internal_error", True),
    (502, None, True),
    (503, "service_unavailable", True),
    (504, None, True),
]


@pytest.mark.parametrize(
    ("status", "code", "expected"), RETRYABLE, ids=[f"{s}-{c}" for s, c, _ in RETRYABLE]
)
def test_is_retryable(status: int, code: str | None, expected: bool) -> None:
    assert is_retryable(status, code) is expected


def test_policy_constants() -> None:
    assert (BASE_DELAY, MAX_DELAY, MAX_RETRY_AFTER) == (0.5, 8.0, 60.0)


class CeilingRng(random.Random):
    """An rng whose ``uniform(a, b)`` returns ``b`` and records every call."""

    def __init__(self) -> None:
        super().__init__(0)
        self.calls: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.calls.append((a, b))
        return b


class NoRng(random.Random):
    """An rng that must not be consulted."""

    def uniform(self, a: float, b: float) -> float:
        raise AssertionError("backoff consulted although Retry-After was given")


def test_backoff_ceilings_double_from_half_a_second_up_to_eight() -> None:
    rng = CeilingRng()
    delays = [backoff_delay(n, rng) for n in range(11)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0]
    assert [a for a, _ in rng.calls] == [0.0] * 11


def test_backoff_does_not_overflow_for_huge_retry_numbers() -> None:
    assert backoff_delay(10_000, CeilingRng()) == 8.0


@pytest.mark.parametrize("n", range(11))
def test_backoff_stays_within_full_jitter_bounds(n: int) -> None:
    rng = random.Random(20260512 + n)
    ceiling = min(8.0, 0.5 * 2**n)
    delays = [backoff_delay(n, rng) for _ in range(200)]
    assert all(0.0 <= d <= ceiling for d in delays)
    # Full jitter: the draws spread over the whole interval, not just near the ceiling.
    assert min(delays) < ceiling * 0.1
    assert max(delays) > ceiling * 0.9


def test_backoff_is_reproducible_with_a_seeded_rng() -> None:
    first = [backoff_delay(n, random.Random(7)) for n in range(6)]
    second = [backoff_delay(n, random.Random(7)) for n in range(6)]
    assert first == second


NOW = dt.datetime(2026, 5, 12, 10, 42, 0, tzinfo=dt.UTC).timestamp()


def _http_date(seconds_from_now: float) -> str:
    when = dt.datetime.fromtimestamp(NOW + seconds_from_now, tz=dt.UTC)
    return format_datetime(when, usegmt=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        ("0.2", 0.2),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("60", 60.0),
        ("59.5", 59.5),
        ("120", 60.0),
        ("86400", 60.0),
    ],
)
def test_parse_retry_after_seconds(value: str, expected: float) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_parse_retry_after_http_date_in_the_future() -> None:
    assert _http_date(30) == "Tue, 12 May 2026 10:42:30 GMT"
    assert parse_retry_after("Tue, 12 May 2026 10:42:30 GMT", NOW) == 30.0
    assert parse_retry_after(_http_date(1), NOW) == 1.0


def test_parse_retry_after_http_date_in_the_past_is_zero() -> None:
    assert parse_retry_after(_http_date(-10), NOW) == 0.0
    assert parse_retry_after("Tue, 12 May 2026 10:41:00 GMT", NOW) == 0.0


def test_parse_retry_after_http_date_far_out_is_capped() -> None:
    assert parse_retry_after(_http_date(300), NOW) == 60.0


@pytest.mark.parametrize(
    "value", [None, "", "   ", "soon", "-1", "-0.5", "nan", "NaN", "inf", "-inf", "Infinity", "1s"]
)
def test_parse_retry_after_unusable_is_none(value: str | None) -> None:
    assert parse_retry_after(value, NOW) is None


def test_retry_delay_prefers_retry_after() -> None:
    assert retry_delay(0, 3.0, NoRng()) == 3.0
    assert retry_delay(5, 0.25, NoRng()) == 0.25
    assert retry_delay(3, 0.0, NoRng()) == 0.0


def test_retry_delay_falls_back_to_backoff() -> None:
    assert [retry_delay(n, None, CeilingRng()) for n in range(6)] == [0.5, 1, 2, 4, 8, 8]


# -- the decision as one pure function, and the one home of Retry-After --------------------------


def test_next_delay_is_none_when_out_of_retries_or_not_retryable() -> None:
    rng = random.Random(1)
    assert next_delay(3, 2, 503, None, None, rng) is None  # third failure, two retries allowed
    assert next_delay(1, 2, 404, "not_found", None, rng) is None
    assert next_delay(1, 2, 409, "conflict", None, rng) is None
    assert next_delay(1, 0, 503, None, 1.0, rng) is None


def test_next_delay_takes_retry_after_exactly_or_backs_off() -> None:
    assert next_delay(1, 2, 429, "rate_limited", 7.5, random.Random(1)) == 7.5
    assert next_delay(2, 2, 409, "idempotency_key_in_use", None, random.Random(3)) == (
        backoff_delay(1, random.Random(3))
    )
    assert next_delay(1, 1, 0, "timeout", None, random.Random(5)) == backoff_delay(
        0, random.Random(5)
    )


@pytest.mark.parametrize(("status", "expected"), [(429, 2.0), (503, 2.0), (500, None), (200, None)])
def test_server_retry_after_only_for_429_and_503(status: int, expected: float | None) -> None:
    assert server_retry_after(status, "2", None) == expected


def test_server_retry_after_reads_http_dates_against_now() -> None:
    assert server_retry_after(503, "Thu, 01 Jan 1970 00:00:10 GMT", 4.0) == 6.0
    assert server_retry_after(503, "Thu, 01 Jan 1970 00:00:10 GMT", None) is None


def test_transport_errors_map_in_one_place() -> None:
    import httpx

    from plugipay import PlugipayNetworkError, PlugipayTimeoutError
    from plugipay._transport_errors import transport_error

    timeout = transport_error(httpx.ReadTimeout("slow"), "POST", "/api/v1/customers", "k1")
    assert type(timeout) is PlugipayTimeoutError
    assert (timeout.status, timeout.code, timeout.idempotency_key) == (0, "timeout", "k1")
    assert str(timeout).startswith("timeout: POST /api/v1/customers timed out (ReadTimeout)")
    failed = transport_error(httpx.ConnectError("refused"), "GET", "/api/v1/x", None)
    assert type(failed) is PlugipayNetworkError
    assert failed.code == "network_error"
    assert "GET /api/v1/x failed: ConnectError: refused" in str(failed)


# -- the accepting side and one step past it (the Hardening issue, item 12) -----------------------

_WIDE = settings(max_examples=300, deadline=None, database=None, derandomize=True)


@pytest.mark.parametrize("value", [".", "..", "1..2", "1.2.3", ". 5", "+1", "1e3", "0x10", "١"])
def test_retry_after_that_only_looks_numeric_is_ignored_not_raised(value: str) -> None:
    assert parse_retry_after(value, None) is None
    assert parse_retry_after(value, NOW) is None


@pytest.mark.parametrize(
    ("value", "expected"), [("1.", 1.0), (".5", 0.5), ("007", 7.0), ("60.0", 60.0)]
)
def test_retry_after_decimals_in_every_spelling_are_read(value: str, expected: float) -> None:
    assert parse_retry_after(value, None) == expected
    assert parse_retry_after(value, NOW) == expected


@given(st.decimals(min_value=0, max_value=10**6, allow_nan=False, allow_infinity=False, places=3))
@_WIDE
def test_any_plain_decimal_retry_after_is_its_value_capped_at_60(value: Decimal) -> None:
    text = str(abs(value))  # never "-0.000"
    assert parse_retry_after(text, None) == min(float(text), MAX_RETRY_AFTER)


@given(st.text(max_size=40))
@_WIDE
def test_any_retry_after_text_is_a_bounded_wait_or_none_never_an_error(text: str) -> None:
    for now in (None, NOW):
        seconds = parse_retry_after(text, now)
        assert seconds is None or 0.0 <= seconds <= MAX_RETRY_AFTER


def test_an_http_date_needs_a_clock_and_a_zone() -> None:
    assert parse_retry_after("Tue, 12 May 2026 10:42:30 GMT", None) is None
    assert parse_retry_after("Tue, 12 May 2026 10:42:30 -0000", NOW) is None
    assert parse_retry_after("Tue, 12 May 2026 10:42:30 +0000", NOW) == 30.0


def test_retry_after_exactly_at_the_cap_and_just_past_it() -> None:
    assert parse_retry_after("60", None) == 60.0
    assert parse_retry_after("60.001", None) == 60.0
    assert parse_retry_after("59.999", None) == 59.999
    assert parse_retry_after(_http_date(60), NOW) == 60.0
    assert parse_retry_after(_http_date(59), NOW) == 59.0


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (407, None, False),
        (408, None, True),
        (409, "idempotency_key_in_use", True),
        (409, "idempotency_key_reused", False),
        (410, None, False),
        (428, None, False),
        (429, None, True),
        (430, None, False),
        (499, None, False),
        (500, None, True),
        (501, None, False),
        (504, None, True),
        (505, None, False),
    ],
)
def test_is_retryable_at_each_edge(status: int, code: str | None, expected: bool) -> None:
    assert is_retryable(status, code) is expected


def test_next_delay_at_the_last_retry_and_one_past_it() -> None:
    rng = random.Random(7)
    assert next_delay(3, 3, 503, None, 1.5, rng) == 1.5
    assert next_delay(4, 3, 503, None, 1.5, rng) is None
    assert next_delay(1, 0, 503, None, 1.5, rng) is None
    assert next_delay(1, 1, 0, None, None, random.Random(1)) == backoff_delay(0, random.Random(1))
    assert next_delay(2, 5, 500, None, None, random.Random(1)) == backoff_delay(1, random.Random(1))


class _Top(random.Random):
    """An rng whose uniform() returns its upper bound, to read the ceiling back."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.mark.parametrize(
    ("retry", "ceiling"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (40, 8.0)]
)
def test_backoff_ceiling_exactly(retry: int, ceiling: float) -> None:
    assert backoff_delay(retry, _Top()) == ceiling


@pytest.mark.parametrize(
    ("status", "expected"), [(428, None), (429, 2.0), (502, None), (503, 2.0), (504, None)]
)
def test_server_retry_after_neighbours(status: int, expected: float | None) -> None:
    assert server_retry_after(status, "2", None) == expected
