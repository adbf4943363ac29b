"""The events API (SPEC-MONEY §1, §2): records, filters, paging, types, replay and trigger."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from plugipay.testing import FakePlugipay
from plugipay.testing._events import EVENT_TYPES

from .emulator_helpers import RawClient, data_of, error_of

EVENTS = "/api/v1/events"


def live_raw(fake: FakePlugipay) -> RawClient:
    """Hand-signed requests with a live-mode owner key of the fake's workspace."""
    ws = fake._store.resolve_workspace(fake.workspace_id)
    key = fake._store.add_key(ws, role="owner", key_id="ak_live_01HXLIVEKEY00000000000000")
    return RawClient(fake, key_id=key.key_id, secret=key.secret)


def test_an_event_record_carries_mode_metadata_and_published_at(
    raw: RawClient, fake: FakePlugipay
) -> None:
    response = raw.post(
        "/api/v1/customers", json={"name": "Ada"}, idempotency_key="idem_customer_1"
    )
    customer = data_of(response)
    record = data_of(raw.get(EVENTS))[0]
    envelope = fake.events[-1]
    stamp = "2026-05-12T10:42:00.000Z"
    assert record == {
        "id": envelope["id"],
        "type": "plugipay.customer.created.v1",
        "accountId": fake.account_id,
        "mode": "test",
        "occurredAt": stamp,
        "data": {"object": customer, "aggregateType": "customer", "aggregateId": customer["id"]},
        "metadata": {
            "idempotencyKey": "idem_customer_1",
            "mode": "test",
            "requestId": response.headers["x-request-id"],
            "source": "api",
            "replayOf": None,
        },
        "createdAt": stamp,
        "publishedAt": stamp,
    }
    assert list(record) == [
        "id",
        "type",
        "accountId",
        "mode",
        "occurredAt",
        "data",
        "metadata",
        "createdAt",
        "publishedAt",
    ]
    assert record["data"] == envelope["data"]
    assert data_of(raw.get(f"{EVENTS}/{record['id']}")) == record


def test_events_outside_a_request_come_from_the_system(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"/api/v1/workspaces/{fake.workspace_id}/members"
    invited = data_of(raw.post(url, json={"email": "bob@acme.com", "role": "member"}))
    fake.accept_invite(fake.workspace_id, invited["id"])
    joined = data_of(raw.get(EVENTS))[0]
    assert joined["type"] == "workspace.member_joined"
    assert joined["metadata"] == {
        "idempotencyKey": None,
        "mode": "test",
        "requestId": None,
        "source": "system",
        "replayOf": None,
    }


def test_list_filters_orders_and_pages(raw: RawClient, fake: FakePlugipay) -> None:
    for i in range(3):
        raw.create_customer(name=f"c{i}")
        fake.advance(60)
    raw.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "Renamed"})
    newest = data_of(raw.get(EVENTS))
    assert [e["type"] for e in newest] == ["workspace.updated"] + [
        "plugipay.customer.created.v1"
    ] * 3 + ["workspace.created"]
    oldest = data_of(raw.get(f"{EVENTS}?order=asc"))
    assert oldest == newest[::-1]
    created = data_of(raw.get(f"{EVENTS}?type=plugipay.customer.created.v1"))
    assert [e["data"]["object"]["name"] for e in created] == ["c2", "c1", "c0"]
    assert data_of(raw.get(f"{EVENTS}?type=customer.created")) == []  # type is exact
    # occurredAt: c0 at +0 s, c1 at +60 s, c2 at +120 s, the update at +180 s
    middle = data_of(
        raw.get(f"{EVENTS}?occurredAfter=2026-05-12T10:42:00Z&occurredBefore=1778582700")
    )
    assert [e["data"]["object"].get("name") for e in middle] == ["c2", "c1"]
    first = raw.get(f"{EVENTS}?limit=3&order=asc").json()  # workspace.created, c0, c1
    assert first["meta"]["hasMore"] is True and len(first["data"]) == 3
    rest = data_of(raw.get(f"{EVENTS}?limit=3&order=asc&cursor={first['meta']['cursor']}"))
    assert [e["id"] for e in first["data"] + rest] == [e["id"] for e in oldest]


@pytest.mark.parametrize(
    "query",
    ["order=sideways", "occurredAfter=yesterday", "occurredBefore=nan", "cursor=nope", "limit=x"],
)
def test_bad_list_queries(raw: RawClient, query: str) -> None:
    assert error_of(raw.get(f"{EVENTS}?{query}")) == (400, "VALIDATION_ERROR")


def test_events_are_scoped_to_the_workspace_and_the_keys_mode(
    raw: RawClient, fake: FakePlugipay
) -> None:
    raw.create_customer(name="test mode")
    live = live_raw(fake)
    live.create_customer(name="live mode")
    other = fake.add_workspace(name="Other")
    other_key = fake.add_key(workspace=str(other["id"]))
    stranger = RawClient(fake, key_id=other_key.key_id, secret=other_key.secret)
    names = [e["data"]["object"].get("name") for e in data_of(raw.get(EVENTS))]
    assert names == ["test mode", "Test workspace"]  # and its workspace.created
    [live_event] = data_of(live.get(EVENTS))
    assert (live_event["mode"], live_event["metadata"]["mode"]) == ("live", "live")
    assert live_event["data"]["object"]["name"] == "live mode"
    assert [e["type"] for e in data_of(stranger.get(EVENTS))] == ["workspace.created"]
    assert error_of(raw.get(f"{EVENTS}/{live_event['id']}")) == (404, "NOT_FOUND")
    assert error_of(stranger.get(f"{EVENTS}/{live_event['id']}")) == (404, "NOT_FOUND")
    assert error_of(raw.get(f"{EVENTS}/evt_01HXNOSUCHEVENT00000000000")) == (404, "NOT_FOUND")


def test_a_member_key_lacks_the_event_scopes(fake: FakePlugipay) -> None:
    key = fake.add_key(role="member")
    member = RawClient(fake, key_id=key.key_id, secret=key.secret)
    assert error_of(member.get(EVENTS)) == (403, "INSUFFICIENT_SCOPE")
    assert error_of(member.post(f"{EVENTS}/replay", json={"eventIds": ["evt_x"]})) == (
        403,
        "INSUFFICIENT_SCOPE",
    )


def test_types_lists_the_catalogue_and_every_type_the_emulator_emits(
    raw: RawClient, fake: FakePlugipay
) -> None:
    listed = data_of(raw.get(f"{EVENTS}/types"))
    assert listed == list(EVENT_TYPES) and len(set(listed)) == len(listed)
    assert {
        "plugipay.checkout_session.completed.v1",
        "plugipay.refund.issued.v1",
        "plugipay.webhook_endpoint.disabled.v1",
        "workspace.member_role_changed",
    } <= set(listed)
    raw.create_customer()
    fake.add_workspace(name="More")
    assert {str(e["type"]) for e in fake.events} <= set(listed)
    # the literal wins over the id parameter; other methods on it are refused
    assert error_of(raw.post(f"{EVENTS}/types", json={})) == (405, "METHOD_NOT_ALLOWED")


def test_replay_re_emits_to_the_current_endpoints(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(name="Ada")
    original = data_of(raw.get(EVENTS))[0]
    got: list[dict[str, Any]] = []
    fake.add_webhook(lambda body, headers: got.append(json.loads(body)))
    fake.advance(30)
    response = raw.post(
        f"{EVENTS}/replay",
        json={"eventIds": [original["id"], original["id"]]},
        idempotency_key="idem_replay",
    )
    [replayed] = data_of(response)
    assert response.status_code == 200
    assert replayed["id"] != original["id"] and replayed["id"].startswith("evt_")
    assert (replayed["type"], replayed["data"], replayed["occurredAt"]) == (
        original["type"],
        original["data"],
        original["occurredAt"],
    )
    assert replayed["createdAt"] == "2026-05-12T10:42:30.000Z"
    assert replayed["metadata"]["replayOf"] == original["id"]
    assert replayed["metadata"]["source"] == "replay"
    assert [(e["id"], e["data"]["object"]) for e in got] == [(replayed["id"], customer)]
    assert [e["id"] for e in data_of(raw.get(EVENTS))][:2] == [replayed["id"], original["id"]]


@pytest.mark.parametrize(
    "body",
    [{}, {"eventIds": []}, {"eventIds": "evt_1"}, {"eventIds": [1]}, {"eventIds": ["e"] * 101}],
)
def test_replay_validates_its_body(raw: RawClient, body: Mapping[str, object]) -> None:
    assert error_of(raw.post(f"{EVENTS}/replay", json=body)) == (400, "VALIDATION_ERROR")


def test_replay_of_an_unknown_event_replays_nothing(raw: RawClient, fake: FakePlugipay) -> None:
    raw.create_customer()
    known = data_of(raw.get(EVENTS))[0]["id"]
    count = len(fake.events)
    response = raw.post(f"{EVENTS}/replay", json={"eventIds": [known, "evt_missing"]})
    assert error_of(response) == (404, "NOT_FOUND")
    assert "evt_missing" in response.json()["error"]["message"]
    assert len(fake.events) == count


def test_trigger_emits_a_synthetic_event_with_a_test_key_only(
    raw: RawClient, fake: FakePlugipay
) -> None:
    got: list[bytes] = []
    fake.add_webhook(lambda body, headers: got.append(body))
    response = raw.post(
        f"{EVENTS}/trigger",
        json={
            "type": "plugipay.checkout_session.completed.v1",
            "aggregateId": "cs_01HXTRIGGERED000000000000",
            "data": {"amount": 1000, "currency": "IDR"},
        },
    )
    assert response.status_code == 201
    record = data_of(response)
    assert record["data"] == {
        "object": {"id": "cs_01HXTRIGGERED000000000000", "amount": 1000, "currency": "IDR"},
        "aggregateType": "checkout_session",
        "aggregateId": "cs_01HXTRIGGERED000000000000",
    }
    assert (record["mode"], record["metadata"]["source"]) == ("test", "trigger")
    assert [json.loads(body)["id"] for body in got] == [record["id"]]
    plain = data_of(
        raw.post(f"{EVENTS}/trigger", json={"type": "workspace.updated", "aggregateId": "ws_1"})
    )
    assert plain["data"]["object"] == {"id": "ws_1"}
    live = live_raw(fake)
    refused = live.post(f"{EVENTS}/trigger", json={"type": "workspace.updated", "aggregateId": "x"})
    assert error_of(refused) == (403, "TEST_MODE_ONLY")


@pytest.mark.parametrize(
    "body",
    [
        {"aggregateId": "x"},
        {"type": "workspace.updated"},
        {"type": "made.up", "aggregateId": "x"},
        {"type": "workspace.updated", "aggregateId": ""},
        {"type": "workspace.updated", "aggregateId": "x", "data": [1]},
        {"type": "workspace.updated", "aggregateId": "x", "extra": 1},
    ],
)
def test_trigger_validates_its_body(raw: RawClient, body: Mapping[str, object]) -> None:
    assert error_of(raw.post(f"{EVENTS}/trigger", json=body)) == (400, "VALIDATION_ERROR")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.events`` method, for the strict-converter walk in ``test_sdk.py``."""
    plug.customers.create(name="event source")
    fake.advance(1)
    triggered = plug.events.trigger(
        type="plugipay.customer.created.v1",
        aggregate_id="cus_01HXSTRICTWALK0000000000",
        data={"name": "synthetic"},
    )
    found = plug.events.list(
        type="plugipay.customer.created.v1",
        occurred_after="2000-01-01T00:00:00Z",
        occurred_before="2999-01-01T00:00:00Z",
        order="asc",
        limit=1,
    )
    first = next(iter(found.iter_pages()))
    assert len(first.data) == 1 and first.cursor is not None
    rest = plug.events.list(
        type="plugipay.customer.created.v1", order="asc", limit=100, cursor=first.cursor
    )
    assert triggered.id in [event.id for event in rest.data]
    assert plug.events.get(triggered.id).id == triggered.id
    assert "plugipay.customer.created.v1" in plug.events.types()
    replayed = plug.events.replay([triggered.id])
    assert [event.raw["metadata"]["replayOf"] for event in replayed] == [triggered.id]


def test_a_buyer_paying_a_live_session_emits_a_live_event(fake: FakePlugipay) -> None:
    live = live_raw(fake)
    session = data_of(
        live.post(
            "/api/v1/checkout-sessions",
            json={
                "amount": 150_000,
                "currency": "IDR",
                "methods": ["qris"],
                "successUrl": "https://shop.example/ok",
                "cancelUrl": "https://shop.example/cancel",
            },
            idempotency_key="idem_live_session",
        )
    )
    assert session["mode"] == "live"
    with httpx.Client(transport=fake.transport) as browser:  # unsigned, as the buyer's widget
        paid = browser.post(
            f"{fake.base_url}/api/v1/public/checkout/sessions/{session['id']}/charge",
            json={"method": "qris"},
        )
    assert paid.status_code < 300, paid.text
    [completed] = data_of(live.get(f"{EVENTS}?type=plugipay.checkout_session.completed.v1"))
    assert (completed["mode"], completed["metadata"]["source"]) == ("live", "api")
    assert completed["metadata"]["requestId"] == paid.headers["x-request-id"]
