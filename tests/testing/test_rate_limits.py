"""Per-workspace, per-mode, per-class rate limits (``fake.rate_limits``; SPEC-MONEY §8), on the
fake's frozen clock."""

from __future__ import annotations

import pytest

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, error_of

CUSTOMERS = "/api/v1/customers"
LEDGER_CSV = "/api/v1/reports/ledger.csv"


def _limits(response: object) -> tuple[str, str, str]:
    headers = response.headers  # type: ignore[attr-defined]
    return (
        headers["x-ratelimit-limit"],
        headers["x-ratelimit-remaining"],
        headers["x-ratelimit-reset"],
    )


def test_off_by_default(raw: RawClient) -> None:
    for _ in range(50):
        response = raw.get(CUSTOMERS)
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response.headers


def test_every_answer_carries_the_headers_and_over_the_limit_is_429(
    raw: RawClient, fake: FakePlugipay
) -> None:
    fake.rate_limits(writes=2)
    now = fake.clock.time()
    first = raw.post(CUSTOMERS, json={"email": "a@example.com"}, idempotency_key="k-a@example.com")
    assert first.status_code == 201
    assert _limits(first) == ("2", "1", f"{now + 0.5:.3f}")
    second = raw.post(CUSTOMERS, json={"email": "b@example.com"}, idempotency_key="k-b@example.com")
    assert _limits(second) == ("2", "0", f"{now + 1.0:.3f}")
    third = raw.post(CUSTOMERS, json={"email": "c@example.com"}, idempotency_key="k-c@example.com")
    assert error_of(third) == (429, "RATE_LIMITED")
    assert third.headers["retry-after"] == "0.5"
    assert _limits(third) == ("2", "0", f"{now + 1.0:.3f}")
    fake.clock.advance(0.5)
    assert (
        raw.post(
            CUSTOMERS, json={"email": "c@example.com"}, idempotency_key="k-c@example.com"
        ).status_code
        == 201
    )
    assert len(fake.customers) == 3


def test_a_refused_request_claims_no_idempotency_key(raw: RawClient, fake: FakePlugipay) -> None:
    fake.rate_limits(writes=1)
    raw.post(CUSTOMERS, json={"email": "a@example.com"}, idempotency_key="k1")
    refused = raw.post(CUSTOMERS, json={"email": "b@example.com"}, idempotency_key="k2")
    assert refused.status_code == 429
    fake.clock.advance(1)
    again = raw.post(CUSTOMERS, json={"email": "b@example.com"}, idempotency_key="k2")
    assert again.status_code == 201
    assert _limits(again)[1] == "0"


def test_a_replay_counts_and_carries_its_own_headers(raw: RawClient, fake: FakePlugipay) -> None:
    fake.rate_limits(writes=5)
    first = raw.post(CUSTOMERS, json={"email": "a@example.com"}, idempotency_key="same")
    replay = raw.post(CUSTOMERS, json={"email": "a@example.com"}, idempotency_key="same")
    assert replay.json() == first.json()
    assert (_limits(first)[1], _limits(replay)[1]) == ("4", "3")
    assert replay.headers.get_list("x-ratelimit-remaining") == ["3"]


def test_classes_have_separate_buckets(raw: RawClient, fake: FakePlugipay) -> None:
    buckets = fake.rate_limits(reads=3, writes=1, exports=(1, 60))
    assert buckets is not None
    assert (
        raw.post(
            CUSTOMERS, json={"email": "a@example.com"}, idempotency_key="k-a@example.com"
        ).status_code
        == 201
    )
    assert (
        raw.post(
            CUSTOMERS, json={"email": "b@example.com"}, idempotency_key="k-b@example.com"
        ).status_code
        == 429
    )
    assert [raw.get(CUSTOMERS).status_code for _ in range(4)] == [200, 200, 200, 429]
    export = raw.get(LEDGER_CSV)
    assert export.status_code == 200
    assert _limits(export)[0] == "1"
    over = raw.get(LEDGER_CSV)
    assert error_of(over) == (429, "RATE_LIMITED")
    assert over.headers["retry-after"] == "60"
    assert buckets.allowed == {"reads": 3, "writes": 1, "exports": 1}
    assert buckets.limited == {"reads": 1, "writes": 1, "exports": 1}


def test_an_unlimited_class_answers_no_headers(raw: RawClient, fake: FakePlugipay) -> None:
    fake.rate_limits(writes=1)
    response = raw.get(CUSTOMERS)
    assert response.status_code == 200
    assert "x-ratelimit-limit" not in response.headers


def test_each_workspace_and_mode_has_its_own_buckets(raw: RawClient, fake: FakePlugipay) -> None:
    fake.rate_limits(writes=1)
    other_ws = fake.add_workspace(name="Other")
    other = fake.add_key(workspace=str(other_ws["id"]))
    with fake._store.lock:
        live = fake._store.add_key(fake._workspace, role="owner", key_id="ak_live_pace")
    assert (
        raw.post(
            CUSTOMERS, json={"email": "a@example.com"}, idempotency_key="k-a@example.com"
        ).status_code
        == 201
    )
    assert (
        raw.post(
            CUSTOMERS, json={"email": "b@example.com"}, idempotency_key="k-b@example.com"
        ).status_code
        == 429
    )
    theirs = raw.post(
        CUSTOMERS,
        json={"email": "c@example.com"},
        idempotency_key="k-c@example.com",
        key_id=other.key_id,
        secret=other.secret,
    )
    assert theirs.status_code == 201
    in_live = raw.post(
        CUSTOMERS,
        json={"email": "d@example.com"},
        idempotency_key="k-d@example.com",
        key_id=live.key_id,
        secret=live.secret,
    )
    assert in_live.status_code == 201


def test_unauthenticated_requests_are_not_counted(raw: RawClient, fake: FakePlugipay) -> None:
    buckets = fake.rate_limits(reads=1)
    assert buckets is not None
    for _ in range(3):
        assert raw.get(CUSTOMERS, secret="wrong").status_code == 401
    assert raw.get(CUSTOMERS).status_code == 200
    assert buckets.allowed["reads"] == 1


def test_turning_them_off_and_the_old_limiter_alongside(raw: RawClient, fake: FakePlugipay) -> None:
    fake.rate_limits(reads=1)
    fake.rate_limit(per_second=100)
    assert raw.get(CUSTOMERS).status_code == 200
    assert raw.get(CUSTOMERS).status_code == 429
    assert fake.rate_limited == 0
    assert fake.rate_limits() is None
    assert raw.get(CUSTOMERS).status_code == 200


@pytest.mark.parametrize(
    "limit", [0, -1, 0.5, float("inf"), (1,), (1, 0), (0, 1), ("1", 1), True, (1, float("nan"))]
)
def test_invalid_limits_are_refused(fake: FakePlugipay, limit: object) -> None:
    with pytest.raises(ValueError):
        fake.rate_limits(writes=limit)  # type: ignore[arg-type]
