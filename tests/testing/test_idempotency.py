"""Idempotency (SPEC §5): replay, reuse, in-use twins, 24 h expiry, 5xx not stored."""

from __future__ import annotations

import types
from typing import Any

import anyio
import httpx
import pytest

from plugipay.testing import FakePlugipay, Latency
from plugipay.testing._idempotency import IdempotencyStore
from plugipay.testing._wire import RawResponse

from .emulator_helpers import AsyncRawClient, RawClient, data_of, error_of

CUSTOMERS = "/api/v1/customers"


def test_replay_returns_the_same_answer(raw: RawClient, fake: FakePlugipay) -> None:
    first = raw.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="idem_1")
    fake.clock.advance(10)
    again = raw.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="idem_1")
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert again.headers["x-request-id"] == first.headers["x-request-id"]
    assert len(fake.customers) == 1
    assert "idempotent-replayed" not in first.headers


def test_same_key_different_request_is_reused(raw: RawClient, fake: FakePlugipay) -> None:
    raw.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="idem_1")
    response = raw.post(CUSTOMERS, json={"name": "Bob"}, idempotency_key="idem_1")
    assert error_of(response) == (409, "IDEMPOTENCY_KEY_REUSED")
    customer = fake.customers[0]
    response = raw.patch(
        f"{CUSTOMERS}/{customer['id']}", json={"name": "Ada"}, idempotency_key="idem_1"
    )
    assert error_of(response) == (409, "IDEMPOTENCY_KEY_REUSED")
    assert len(fake.customers) == 1


def test_keys_are_scoped_to_the_api_key(raw: RawClient, fake: FakePlugipay) -> None:
    other = fake.add_key(role="owner")
    as_other = RawClient(fake, key_id=other.key_id, secret=other.secret)
    raw.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="shared")
    response = as_other.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="shared")
    assert response.status_code == 201 and "idempotent-replayed" not in response.headers
    assert len(fake.customers) == 2


def test_errors_below_500_are_replayed_too(raw: RawClient, fake: FakePlugipay) -> None:
    raw.create_customer(externalId="u1")
    conflict = raw.post(CUSTOMERS, json={"externalId": "u1"}, idempotency_key="k")
    assert error_of(conflict) == (409, "CONFLICT")
    again = raw.post(CUSTOMERS, json={"externalId": "u1"}, idempotency_key="k")
    assert again.content == conflict.content
    assert again.headers["idempotent-replayed"] == "true"


def test_records_expire_after_24_hours(raw: RawClient, fake: FakePlugipay) -> None:
    raw.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="k")
    fake.clock.advance(24 * 3600 - 1)
    assert (
        raw.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="k").headers.get(
            "idempotent-replayed"
        )
        == "true"
    )
    fake.clock.advance(1)
    fresh = raw.post(CUSTOMERS, json={"name": "Ada"}, idempotency_key="k")
    assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers
    assert len(fake.customers) == 2


def test_server_errors_are_not_stored() -> None:
    store = IdempotencyStore()
    fp = ("POST", "/api/v1/customers", "", "h")
    claim = store.claim("ak", "k", fp, 0.0)
    assert not isinstance(claim, RawResponse)
    store.complete(claim, RawResponse(503, [], b"{}"), 0.0)
    assert len(store) == 0
    claim = store.claim("ak", "k", fp, 1.0)
    assert not isinstance(claim, RawResponse)
    store.complete(claim, RawResponse(201, [("x-request-id", "req_1")], b"{}"), 1.0)
    replay = store.claim("ak", "k", fp, 2.0)
    assert isinstance(replay, RawResponse)
    assert replay.headers == [("x-request-id", "req_1"), ("idempotent-replayed", "true")]


def test_gets_ignore_idempotency_keys(raw: RawClient) -> None:
    first = raw.get(CUSTOMERS, idempotency_key="k")
    second = raw.get(CUSTOMERS, idempotency_key="k")
    assert "idempotent-replayed" not in second.headers
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


class Gate:
    """Stands in for ``anyio`` in the transport: latency waits until the test opens it."""

    def __init__(self) -> None:
        self.opened = anyio.Event()
        self.waiting = anyio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waiting.set()
        await self.opened.wait()


@pytest.mark.anyio
async def test_a_twin_while_the_first_runs_is_in_use(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(
        "plugipay.testing._transport.anyio", types.SimpleNamespace(sleep=gate.sleep)
    )
    fault = fake.faults.add(Latency(method="POST", seconds=0.05, times=1))
    raw = AsyncRawClient(fake)
    answers: dict[str, Any] = {}

    async def first() -> None:
        answers["first"] = await raw.request(
            "POST", CUSTOMERS, json={"name": "A"}, idempotency_key="k"
        )

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        await gate.waiting.wait()
        twin = await raw.request("POST", CUSTOMERS, json={"name": "A"}, idempotency_key="k")
        assert error_of(twin) == (409, "IDEMPOTENCY_KEY_IN_USE")
        gate.opened.set()
    assert answers["first"].status_code == 201
    assert fault.fired == 1
    replay = await raw.request("POST", CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert replay.headers["idempotent-replayed"] == "true"
    assert len(fake.customers) == 1


@pytest.mark.anyio
async def test_a_cancelled_request_frees_its_key(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(
        "plugipay.testing._transport.anyio", types.SimpleNamespace(sleep=gate.sleep)
    )
    fake.faults.add(Latency(seconds=1.0, times=1))
    raw = AsyncRawClient(fake)
    async with anyio.create_task_group() as tg:

        async def doomed() -> None:
            await raw.request("POST", CUSTOMERS, json={"name": "A"}, idempotency_key="k")

        tg.start_soon(doomed)
        await gate.waiting.wait()
        tg.cancel_scope.cancel()
    response = await raw.request("POST", CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    assert response.status_code == 201 and "idempotent-replayed" not in response.headers
    assert len(fake.customers) == 1


def test_sync_client_in_threads_shares_the_store(fake: FakePlugipay) -> None:
    from concurrent.futures import ThreadPoolExecutor

    raw = RawClient(fake)

    def make(i: int) -> httpx.Response:
        return raw.post(CUSTOMERS, json={"externalId": f"u{i % 50}"}, idempotency_key=f"k{i}")

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(r.status_code for r in pool.map(make, range(200)))
    assert statuses == [201] * 50 + [409] * 150
    assert len(fake.customers) == 50
    assert len({c["id"] for c in fake.customers}) == 50
    assert data_of(raw.get(f"{CUSTOMERS}?limit=100&order=asc"))[0]["externalId"] is not None


def test_expired_keys_are_purged_as_new_keys_are_claimed(
    raw: RawClient, fake: FakePlugipay
) -> None:
    for i in range(50):
        raw.create_customer(idempotency_key=f"k{i}", name=f"c{i}")
    assert fake.idempotency_entries == 50
    fake.clock.advance(3 * 24 * 60 * 60)
    raw.create_customer(idempotency_key="fresh", name="new")
    assert fake.idempotency_entries == 1
    # an expired key is free again: a new request, not a replay
    again = raw.post(CUSTOMERS, json={"name": "c0"}, idempotency_key="k0")
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert fake.idempotency_entries == 2


def test_purge_stops_at_the_first_live_answer() -> None:
    store = IdempotencyStore()
    ok = RawResponse(201, [], b"{}")
    day = 24 * 60 * 60
    for i, now in enumerate([0.0, 10.0, 20.0]):
        claim = store.claim("ak", f"k{i}", ("POST", "/", "", str(i)), now)
        assert not isinstance(claim, RawResponse)
        store.complete(claim, ok, now)
    pending = store.claim("ak", "running", ("POST", "/", "", "r"), 0.0)
    assert not isinstance(pending, RawResponse)
    store.claim("ak", "x", ("POST", "/", "", "x"), day + 15.0)
    # k0 and k1 expired; k2, the running claim and x stay
    assert len(store) == 3
    store.claim("ak", "y", ("POST", "/", "", "y"), 10 * day)
    assert len(store) == 3  # k2 purged; running and x are claims, not stored answers
