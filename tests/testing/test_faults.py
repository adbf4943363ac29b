"""Fault injection and the rate limiter (``fake.faults``, ``fake.rate_limit``)."""

from __future__ import annotations

import threading
import types
from collections.abc import Callable

import httpx
import pytest

from plugipay.testing import (
    DropAfterCommit,
    DropBeforeCommit,
    FakeClock,
    FakePlugipay,
    FaultKind,
    Latency,
    RateLimit,
    StatusFault,
)

from .emulator_helpers import START, AsyncRawClient, RawClient, error_of

CUSTOMERS = "/api/v1/customers"


def test_drop_before_commit(raw: RawClient, fake: FakePlugipay) -> None:
    fault = fake.faults.add(DropBeforeCommit(method="POST", path=CUSTOMERS, times=1))
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending"):
        raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert fake.customers == []
    assert (fault.matched, fault.fired, fault.exhausted) == (1, 1, True)
    response = raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert response.status_code == 201 and "idempotent-replayed" not in response.headers


def test_drop_after_commit_then_retry_replays(raw: RawClient, fake: FakePlugipay) -> None:
    fake.faults.add(DropAfterCommit(method="POST", path=CUSTOMERS, times=1))
    with pytest.raises(httpx.RemoteProtocolError):
        raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert [c["name"] for c in fake.customers] == ["A"]
    retry = raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["data"]["id"] == fake.customers[0]["id"]


def test_drop_after_commit_spares_replays_and_refusals(raw: RawClient, fake: FakePlugipay) -> None:
    fault = fake.faults.add(DropAfterCommit(method="POST", path=CUSTOMERS, times=1))
    assert error_of(raw.post(CUSTOMERS, json={"id": "x"}, content=None)) == (
        400,
        "VALIDATION_ERROR",
    )
    assert error_of(raw.post(CUSTOMERS, json={}, secret="wrong", idempotency_key="k")) == (
        401,
        "BAD_SIGNATURE",
    )
    assert (fault.matched, fault.fired) == (0, 0)
    with pytest.raises(httpx.RemoteProtocolError):
        raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    fake.faults.add(DropAfterCommit(method="POST", path=CUSTOMERS))
    replay = raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert replay.headers["idempotent-replayed"] == "true"
    assert (fault.matched, fault.fired) == (1, 1)


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "INTERNAL_ERROR"), (502, "BAD_GATEWAY"), (503, "SERVICE_UNAVAILABLE")],
)
def test_status_faults(raw: RawClient, fake: FakePlugipay, status: int, code: str) -> None:
    fake.faults.add(StatusFault(status, times=1))
    response = raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert error_of(response) == (status, code)
    assert response.json()["meta"]["requestId"] == response.headers["x-request-id"]
    assert fake.customers == []
    assert raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k").status_code == 201


def test_status_fault_with_a_raw_body(raw: RawClient, fake: FakePlugipay) -> None:
    fake.faults.add(StatusFault(502, body=b"<html>Bad Gateway</html>"))
    response = raw.get(CUSTOMERS)
    assert (response.status_code, response.content) == (502, b"<html>Bad Gateway</html>")
    assert response.headers["content-type"] == "text/html"


@pytest.mark.parametrize(
    ("after", "header"),
    [
        (0.2, "0.2"),
        (2, "2"),
        (0.0004, "0.001"),
        ("Wed, 21 Oct 2026 07:28:00 GMT", "Wed, 21 Oct 2026 07:28:00 GMT"),
    ],
)
def test_rate_limit_fault(
    raw: RawClient, fake: FakePlugipay, after: float | str, header: str
) -> None:
    fake.faults.add(RateLimit(retry_after=after, times=1))
    response = raw.get(CUSTOMERS)
    assert error_of(response) == (429, "RATE_LIMITED")
    assert response.headers["retry-after"] == header


def test_matching_by_method_and_glob(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer()
    one = fake.faults.add(StatusFault(503, method="get", path="/api/v1/customers/*"))
    assert raw.get(CUSTOMERS).status_code == 200
    assert raw.get(f"{CUSTOMERS}/{customer['id']}?expand=defaultPaymentToken").status_code == 503
    assert (
        raw.patch(f"{CUSTOMERS}/{customer['id']}", json={}, idempotency_key="p").status_code == 200
    )
    assert (one.matched, one.fired) == (1, 1)
    assert len(fake.faults) == 1 and list(fake.faults) == [one]
    fake.faults.remove(one)
    assert raw.get(f"{CUSTOMERS}/{customer['id']}").status_code == 200
    fake.faults.add(StatusFault(500))
    fake.faults.clear()
    assert len(fake.faults) == 0 and raw.get(CUSTOMERS).status_code == 200


def test_probability_is_seeded() -> None:
    def pattern(seed: int) -> list[int]:
        fake = FakePlugipay(seed=seed, clock=FakeClock(START, frozen=True))
        fault = fake.faults.add(StatusFault(503, probability=0.3))
        raw = RawClient(fake)
        statuses = [raw.get(CUSTOMERS).status_code for _ in range(200)]
        assert fault.fired == statuses.count(503) and fault.matched == 200
        return statuses

    first = pattern(11)
    assert first == pattern(11)
    assert first != pattern(12)
    assert 40 <= first.count(503) <= 80


def test_probability_with_times(raw: RawClient, fake: FakePlugipay) -> None:
    fault = fake.faults.add(StatusFault(503, probability=0.5, times=3))
    statuses = [raw.get(CUSTOMERS).status_code for _ in range(100)]
    assert statuses.count(503) == 3 and fault.exhausted
    assert fake.faults.fired == 3


def test_first_firing_outcome_wins_latency_adds_up(
    raw: RawClient, fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(
        "plugipay.testing._transport.time", types.SimpleNamespace(sleep=slept.append)
    )
    fake.faults.add(Latency(seconds=0.05))
    first = fake.faults.add(StatusFault(500, times=1))
    second = fake.faults.add(StatusFault(503, times=1))
    fake.faults.add(Latency(seconds=0.01))
    assert raw.get(CUSTOMERS).status_code == 500
    assert raw.get(CUSTOMERS).status_code == 503
    assert raw.get(CUSTOMERS).status_code == 200
    assert slept == [pytest.approx(0.06)] * 3
    assert (first.fired, second.fired, second.matched) == (1, 1, 3)


@pytest.mark.anyio
async def test_async_latency_uses_anyio_sleep(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("plugipay.testing._transport.anyio", types.SimpleNamespace(sleep=sleep))
    fake.faults.add(Latency(seconds=0.25, times=1))
    raw = AsyncRawClient(fake)
    assert (await raw.request("GET", CUSTOMERS)).status_code == 200
    assert slept == [0.25]


@pytest.mark.anyio
async def test_async_drop_raises_the_transport_error(fake: FakePlugipay) -> None:
    fake.faults.add(DropAfterCommit(times=1))
    raw = AsyncRawClient(fake)
    with pytest.raises(httpx.RemoteProtocolError):
        await raw.request("POST", CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert len(fake.customers) == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: StatusFault(200), r"StatusFault: status must be 400\.\.599, got 200"),
        (lambda: StatusFault(True), r"status must be 400\.\.599"),
        (lambda: StatusFault(503, code=""), "code must be a non-empty string"),
        (lambda: StatusFault(503, body="<html>"), "body must be bytes, got str"),
        (lambda: Latency(seconds=-1), "Latency: seconds must be finite and >= 0, got -1"),
        (lambda: Latency(seconds=float("inf")), "seconds must be finite"),
        (lambda: RateLimit(retry_after=-0.5), "retry_after must be seconds >= 0"),
        (lambda: DropAfterCommit(probability=1.5), r"probability must be within 0\.\.1"),
        (lambda: DropAfterCommit(probability=float("nan")), "probability"),
        (lambda: DropBeforeCommit(times=-1), "times must be an integer >= 0, got -1"),
        (lambda: DropBeforeCommit(times=True), "times must be an integer"),
        (lambda: DropBeforeCommit(method="PO ST"), "method must be an HTTP method"),
    ],
)
def test_fault_kinds_validate_at_construction(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_faults_add_takes_only_a_fault_kind(fake: FakePlugipay) -> None:
    with pytest.raises(TypeError, match=r"takes one fault object, e\.g\. StatusFault\(503\)"):
        fake.faults.add("status")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="base of the fault kinds"):
        FaultKind()
    assert len(fake.faults) == 0


def test_fault_kinds_are_frozen_values() -> None:
    kind = StatusFault(503, method="get", path=CUSTOMERS)
    assert kind == StatusFault(503, method="GET", path=CUSTOMERS)
    assert (kind.method, RateLimit().retry_after) == ("GET", 1.0)
    with pytest.raises(AttributeError):
        kind.status = 500  # type: ignore[misc]
    assert "body" not in repr(StatusFault(502, body=b"<html>"))


def test_rate_limiter_is_a_token_bucket_on_the_fake_clock(
    raw: RawClient, fake: FakePlugipay
) -> None:
    fake.rate_limit(per_second=4, burst=2)
    assert [raw.get(CUSTOMERS).status_code for _ in range(2)] == [200, 200]
    limited = raw.get(CUSTOMERS)
    assert error_of(limited) == (429, "RATE_LIMITED")
    assert limited.headers["retry-after"] == "0.25"
    assert limited.json()["error"]["message"] == "Rate limit of 4 requests per second exceeded"
    fake.clock.advance(0.125)
    assert raw.get(CUSTOMERS).headers["retry-after"] == "0.125"
    fake.clock.advance(0.125)
    assert raw.get(CUSTOMERS).status_code == 200
    fake.clock.advance(10)  # refills up to the burst only
    assert [raw.get(CUSTOMERS).status_code for _ in range(3)] == [200, 200, 429]
    assert fake.rate_limited == 3
    fake.rate_limit(None)
    assert all(raw.get(CUSTOMERS).status_code == 200 for _ in range(10))


def test_reprs_never_show_secrets(raw: RawClient, fake: FakePlugipay) -> None:
    raw.get(CUSTOMERS)
    shown = " ".join(
        [
            repr(fake),
            repr(fake.key),
            repr(fake.requests[-1]),
            repr(fake.requests),
            repr(fake.transport),
        ]
    )
    assert fake.secret not in shown
    assert raw.get(CUSTOMERS).request.headers["authorization"] not in shown
    assert "'authorization': '<redacted>'" in repr(fake.requests[-1])
    assert fake.api_key not in repr(fake.add_key(bearer=True)) + repr(fake)


def test_request_record_can_be_bounded() -> None:
    fake = FakePlugipay(max_requests=3)
    raw = RawClient(fake)
    for i in range(5):
        raw.get(f"{CUSTOMERS}?limit={i + 1}")
    assert [r.target for r in fake.requests] == [f"{CUSTOMERS}?limit={i}" for i in (3, 4, 5)]
    fake.clear_requests()
    assert len(fake.requests) == 0


def test_requests_is_a_snapshot(raw: RawClient, fake: FakePlugipay) -> None:
    raw.get(CUSTOMERS)
    snapshot = fake.requests
    raw.get(f"{CUSTOMERS}?limit=2")
    assert [r.target for r in snapshot] == [CUSTOMERS]
    assert [r.target for r in fake.requests] == [CUSTOMERS, f"{CUSTOMERS}?limit=2"]
    assert isinstance(snapshot, list)
    # clear() on a snapshot also clears the fake's log (older callers rely on it)
    snapshot.clear()
    assert (snapshot, fake.requests) == ([], [])


def test_reading_requests_while_threads_send() -> None:
    fake = FakePlugipay()
    errors: list[BaseException] = []
    done = threading.Event()

    def send() -> None:
        raw = RawClient(fake)
        for _ in range(200):
            raw.get(CUSTOMERS)
        done.set()

    def read() -> None:
        try:
            while not done.is_set():
                sum(1 for _ in fake.requests)
        except BaseException as exc:
            errors.append(exc)

    senders = [threading.Thread(target=send) for _ in range(2)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=30)
    done.set()
    reader.join(timeout=30)
    assert errors == []
    assert len(fake.requests) == 400
