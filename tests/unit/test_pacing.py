"""The sans-IO pacing policy: header parsing, route classes, and the waits it decides."""

from __future__ import annotations

import pytest

from plugipay._pacing import Pacing, bucket_key, parse, route_class


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def headers(limit: int, remaining: int, reset: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": f"{reset}",
    }


def test_parse_reads_the_three_headers() -> None:
    seen = parse(headers(100, 7, 1000.25))
    assert seen is not None
    assert (seen.limit, seen.remaining, seen.reset) == (100, 7, 1000.25)


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "3"},
        {"x-ratelimit-limit": "x", "x-ratelimit-remaining": "3", "x-ratelimit-reset": "1"},
        {"x-ratelimit-limit": "0", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"},
        {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "-1", "x-ratelimit-reset": "1"},
        {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "1", "x-ratelimit-reset": "nan"},
    ],
)
def test_parse_refuses_missing_or_malformed_headers(given: dict[str, str]) -> None:
    assert parse(given) is None


def test_route_classes() -> None:
    assert route_class("GET", "/api/v1/customers") == "reads"
    assert route_class("HEAD", "/api/v1/customers") == "reads"
    assert route_class("POST", "/api/v1/customers") == "writes"
    assert route_class("DELETE", "/api/v1/customers/cus_1") == "writes"
    assert route_class("GET", "/api/v1/reports/ledger.csv") == "exports"


def test_no_headers_no_wait() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    for _ in range(100):
        assert pacing.delay("writes") == 0.0
        pacing.sent("writes")
        pacing.observe("writes", {})
    assert pacing.state("writes") is None


def test_a_healthy_bucket_never_waits() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("writes")
    pacing.observe("writes", headers(100, 90, clock.now + 0.1))
    assert pacing.delay("writes") == 0.0


def test_a_low_bucket_spreads_the_rest_over_the_time_to_reset() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("writes")
    pacing.observe("writes", headers(100, 4, clock.now + 2.0))
    waits = [pacing.delay("writes") for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.5, 1.0, 1.5])
    # Callers beyond what is left queue on at the same spacing, past the reset too.
    assert pacing.delay("writes") == pytest.approx(2.0)
    clock.now += 2.1  # past the reset, with one slot (at 2.5) still queued
    assert pacing.delay("writes") == pytest.approx(0.4)
    clock.now += 0.9  # the queue has drained
    assert pacing.delay("writes") == 0.0


def test_requests_in_flight_count_as_spent() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("writes")
    pacing.observe("writes", headers(10, 8, clock.now + 0.2))
    assert pacing.delay("writes") == 0.0
    for _ in range(4):
        pacing.sent("writes")
    # 8 left minus 4 in flight is below half the limit: the next one waits its slot.
    assert pacing.delay("writes") == 0.0
    assert pacing.delay("writes") > 0.0
    for _ in range(4):
        pacing.release("writes")
    assert pacing.state("writes") == (10, 8, pytest.approx(0.2))


def test_classes_are_paced_apart() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("exports")
    pacing.observe("exports", headers(5, 0, clock.now + 60))
    assert pacing.delay("reads") == 0.0
    assert pacing.delay("writes") == 0.0
    # Empty: one token back every 60 s / 5, the first not before then.
    assert pacing.delay("exports") == pytest.approx(12.0)
    assert pacing.delay("exports") == pytest.approx(24.0)


def test_past_the_reset_nothing_waits() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("reads")
    pacing.observe("reads", headers(10, 0, clock.now + 1))
    clock.now += 1
    assert pacing.delay("reads") == 0.0


def test_an_answer_without_headers_forgets_the_bucket() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("reads")
    pacing.observe("reads", headers(10, 0, clock.now + 1))
    pacing.sent("reads")
    pacing.observe("reads", {})
    assert pacing.delay("reads") == 0.0
    assert pacing.delay("reads") == 0.0


def test_a_reset_far_away_is_capped_and_one_in_the_past_is_now() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("reads")
    pacing.observe("reads", headers(10, 0, clock.now + 10**9))
    state = pacing.state("reads")
    assert state is not None and state[2] == 3600.0
    pacing.sent("reads")
    pacing.observe("reads", headers(10, 0, clock.now - 5))
    assert pacing.delay("reads") == 0.0


def test_a_bucket_that_recovers_drops_the_booked_slots() -> None:
    clock = Clock()
    pacing = Pacing(clock, clock)
    pacing.sent("writes")
    pacing.observe("writes", headers(10, 1, clock.now + 1))
    assert pacing.delay("writes") == 0.0
    assert pacing.delay("writes") == pytest.approx(1.0)
    pacing.sent("writes")
    pacing.observe("writes", headers(10, 9, clock.now + 0.1))
    assert pacing.delay("writes") == 0.0


def test_a_merchant_has_buckets_of_its_own() -> None:
    assert bucket_key("writes", None) == "writes"
    assert bucket_key("writes", "acc_1") == "writes acc_1"
    assert bucket_key("writes", "acc_1") != bucket_key("writes", "acc_2")


def test_each_mode_has_buckets_of_its_own() -> None:
    assert bucket_key("reads", None, "live") == "reads mode=live"
    assert bucket_key("reads", "acc_1", "test") == "reads acc_1 mode=test"
    assert bucket_key("reads", None, "live") != bucket_key("reads", None, "test")
    assert bucket_key("reads", None, None) == bucket_key("reads", None) == "reads"
