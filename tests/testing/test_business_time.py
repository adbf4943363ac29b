"""Business time (SPEC-MONEY §7): ``fake.advance`` moves it alone and runs what fell due."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugipay.testing import FakeClock, FakePlugipay
from plugipay.testing._timers import Timers


def test_timers_run_in_due_order_once_each_with_the_time_they_were_due() -> None:
    timers = Timers()
    ran: list[tuple[str, float]] = []
    timers.at(20.0, lambda due: ran.append(("b", due)))
    timers.at(10.0, lambda due: ran.append(("a", due)))
    timers.at(20.0, lambda due: ran.append(("c", due)))
    timers.at(30.0, lambda due: ran.append(("d", due)))
    assert timers.run_due(5.0) == 0
    assert timers.run_due(25.0) == 3
    assert ran == [("a", 10.0), ("b", 20.0), ("c", 20.0)]
    assert timers.run_due(25.0) == 0
    assert len(timers) == 1


def test_a_timer_scheduled_by_a_timer_runs_in_the_same_pass_when_already_due() -> None:
    timers = Timers()
    ran: list[float] = []

    def first(due: float) -> None:
        ran.append(due)
        timers.at(due + 5, ran.append)
        timers.at(due + 50, ran.append)

    timers.at(1.0, first)
    assert timers.run_due(10.0) == 2
    assert ran == [1.0, 6.0]


def test_advance_moves_business_time_not_the_wall_clock_and_requests_still_sign() -> None:
    clock = FakeClock(1_800_000_000, frozen=True)
    fake = FakePlugipay(seed=1, clock=clock)
    before = fake.now()
    fired: list[float] = []
    fake._store.timers.at(before + 3600, fired.append)
    assert fake.advance(timedelta(minutes=59)) == 0
    assert fake.advance(60) == 1
    assert fired == [before + 3600]
    assert fake.now() == before + 3600
    assert clock.time() == 1_800_000_000
    with fake.client() as plug:  # signs with the wall clock, which did not move
        customer = plug.customers.create(email="a@example.com")
    created = fake.customers[0]["createdAt"]
    assert customer.id.startswith("cus_") and str(created).startswith("2027-01-15T09:00:00")


def test_advance_refuses_going_back_and_non_numbers() -> None:
    fake = FakePlugipay(seed=1)
    with pytest.raises(ValueError, match="only moves forward"):
        fake.advance(-1)
    with pytest.raises(TypeError, match="seconds or a timedelta"):
        fake.advance("60")  # type: ignore[arg-type]
