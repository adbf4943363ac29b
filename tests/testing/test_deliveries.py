"""Webhook deliveries (SPEC-MONEY §4): order under failures, retries on business time, attemptLog,
giving up, auto-disable, the deliveries API and ``retry``."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import httpx
import pytest

from plugipay import webhooks
from plugipay.testing import FakePlugipay
from plugipay.testing._ids import iso_ms, parse_iso
from tests.webhook_receiver import WebhookReceiver

from .emulator_helpers import START, RawClient, data_of, error_of

DELIVERIES = "/api/v1/webhooks/deliveries"
CREATED = "plugipay.customer.created.v1"


def at(seconds: float) -> str:
    """The stamp ``seconds`` after the fixture's start."""
    return iso_ms(START + seconds)


def answering(*statuses: int) -> tuple[Callable[[bytes, Mapping[str, str]], object], list[Any]]:
    """A callable target answering ``statuses`` in turn (then 2xx) and what it received."""
    script = list(statuses)
    got: list[Any] = []

    def target(body: bytes, headers: Mapping[str, str]) -> object:
        got.append((json.loads(body)["id"], body, dict(headers)))
        return script.pop(0) if script else None

    return target, got


def advance_to_next_retry(fake: FakePlugipay) -> bool:
    """Move business time to the earliest pending retry; ``False`` when none is waiting."""
    waiting = [
        parse_iso(str(d["nextRetryAt"]))
        for d in fake.webhook_deliveries
        if d["status"] == "pending" and d["nextRetryAt"] is not None
    ]
    due = min((w for w in waiting if w is not None), default=None)
    if due is None:
        return False
    fake.advance(max(due - fake.now(), 0.0))
    return True


def test_500_five_times_then_200_arrives_once_each_in_event_order(
    raw: RawClient, fake: FakePlugipay
) -> None:
    target, got = answering(500, 500, 500, 500, 500)
    handle = fake.add_webhook(target, secret="whsec_order")
    for i in range(3):
        raw.create_customer(name=f"c{i}")
    events = [str(e["id"]) for e in fake.events if e["type"] == CREATED]
    assert [g[0] for g in got] == events[:1]  # the others wait behind the first
    elapsed = 0
    for attempt, delay in enumerate((60, 300, 1800, 7200, 18000), start=1):
        fake.advance(delay - 1)
        assert len(got) == attempt, "no retry before it is due"
        fake.advance(1)
        elapsed += delay
    assert [g[0] for g in got] == [events[0]] * 6 + events[1:]
    assert handle.delivered == events
    assert handle.failures == [(events[0], "HTTP 500")] * 5
    first, second, third = fake.webhook_deliveries
    times = [0, 60, 360, 2160, 9360, 27360]
    assert first["attemptLog"] == [
        {
            "attemptNumber": n + 1,
            "status": "failed" if n < 5 else "succeeded",
            "responseCode": 500 if n < 5 else None,
            "durationMs": first["attemptLog"][n]["durationMs"],
            "error": "HTTP 500" if n < 5 else None,
            "nextRetryAt": at(times[n + 1]) if n < 5 else None,
            "attemptedAt": at(times[n]),
        }
        for n in range(6)
    ]
    assert all(isinstance(a["durationMs"], int) for a in first["attemptLog"])
    assert (first["status"], first["attempts"], first["deliveredAt"]) == ("succeeded", 6, at(27360))
    assert (first["nextRetryAt"], first["lastError"], first["lastAttemptAt"]) == (
        None,
        None,
        at(27360),
    )
    assert [(d["status"], d["attempts"]) for d in (second, third)] == [("succeeded", 1)] * 2
    # every attempt sent the same bytes, each signed at its own business time
    bodies = {body for event_id, body, _ in got if event_id == events[0]}
    assert bodies == {first["body"].encode()}
    for (_, body, headers), stamp in zip(got, times, strict=False):
        assert headers["x-plugipay-signature"].startswith(f"t={int(START) + stamp},")
        event = webhooks.verify(body, headers, "whsec_order", now=START + stamp)
        assert event.id == events[0]
    # success ended the failure streak
    [endpoint] = data_of(raw.get("/api/v1/webhooks"))
    assert (endpoint["consecutiveFailures"], endpoint["failingSince"]) == (0, None)


def test_a_loopback_url_gets_the_same_order_and_signatures(
    raw: RawClient, fake: FakePlugipay
) -> None:
    with WebhookReceiver(statuses=(500, 503)) as receiver:
        handle = fake.add_webhook(receiver.url, secret="whsec_http")
        raw.create_customer(name="a")
        raw.create_customer(name="b")
        fake.advance(60)
        fake.advance(300)
    events = [str(e["id"]) for e in fake.events if e["type"] == CREATED]
    ids = [json.loads(d.body)["id"] for d in receiver.received]
    assert ids == [events[0]] * 3 + [events[1]]
    for got, stamp in zip(receiver.received, (0, 60, 360, 360), strict=True):
        assert webhooks.verify(got.body, got.headers, "whsec_http", now=START + stamp).id in events
    assert handle.failures == [(events[0], "HTTP 500"), (events[0], "HTTP 503")]
    log = fake.webhook_deliveries[0]["attemptLog"]
    assert [a["responseCode"] for a in log] == [500, 503, 200]


def test_a_delivery_gives_up_after_72_hours_and_the_next_one_goes_out(
    raw: RawClient, fake: FakePlugipay
) -> None:
    target, got = answering(*[503] * 12)
    fake.add_webhook(target)
    raw.create_customer(name="doomed")
    raw.create_customer(name="next")
    for _ in range(50):
        if not advance_to_next_retry(fake):
            break
    first, second = fake.webhook_deliveries
    assert (first["status"], first["attempts"], first["nextRetryAt"]) == ("failed", 12, None)
    assert first["attemptLog"][-1]["attemptedAt"] == at(243360)  # 67.6 h: 77.6 h is too late
    assert first["attemptLog"][-1]["nextRetryAt"] is None
    assert (second["status"], second["attempts"]) == ("succeeded", 1)
    assert second["deliveredAt"] == at(243360)
    assert len(got) == 13


def test_twenty_failures_over_24_hours_disable_the_endpoint(
    raw: RawClient, fake: FakePlugipay
) -> None:
    target, got = answering(*[500] * 1000)
    failing = fake.add_webhook(target, types=[CREATED])
    notices: list[dict[str, Any]] = []
    fake.add_webhook(
        lambda body, headers: notices.append(json.loads(body)),
        types=["plugipay.webhook_endpoint.disabled.v1"],
    )
    for i in range(4):
        raw.create_customer(name=f"c{i}")
    for _ in range(100):
        if not failing.active or not advance_to_next_retry(fake):
            break
    assert failing.active is False
    assert len(failing.failures) == 20
    # 12 attempts of the first (72 h), 5 of the second, 3 of the third, none of the fourth
    deliveries = [d for d in fake.webhook_deliveries if d["endpointId"] == failing.id]
    assert [(d["status"], d["attempts"]) for d in deliveries] == [
        ("failed", 12),
        ("failed", 5),
        ("failed", 3),
        ("failed", 0),
    ]
    assert deliveries[2]["attemptLog"][-1]["nextRetryAt"] is None
    assert deliveries[3]["lastError"] == "endpoint disabled"
    endpoint = next(e for e in data_of(raw.get("/api/v1/webhooks")) if e["id"] == failing.id)
    assert endpoint["disabledAt"] == at(253080)  # the 20th failure, 70.3 h in
    assert endpoint["disabledReason"].endswith(
        "(20 failed attempts in a row over at least 24 hours)"
    )
    assert (endpoint["consecutiveFailures"], endpoint["failingSince"]) == (20, at(0))
    [notice] = notices
    assert notice["type"] == "plugipay.webhook_endpoint.disabled.v1"
    assert notice["data"]["object"] == endpoint
    assert notice["data"]["aggregateType"] == "webhook_endpoint"
    # a disabled endpoint gets nothing new; re-enabling clears the streak and takes new events
    raw.create_customer(name="while off")
    assert len(got) == 20
    url = f"/api/v1/webhooks/{failing.id}"
    back = data_of(raw.patch(url, json={"active": True}))
    assert (back["active"], back["consecutiveFailures"], back["failingSince"]) == (True, 0, None)
    assert (back["disabledAt"], back["disabledReason"]) == (None, None)


def test_twenty_failures_within_24_hours_do_not_disable(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_webhook_retry_schedule([timedelta(hours=1)], give_up_after=timedelta(days=10))
    target, got = answering(*[500] * 100)
    failing = fake.add_webhook(target)
    raw.create_customer()
    for _ in range(23):
        fake.advance(3600)
    assert (len(got), failing.active) == (24, True)  # 24 failures, 23 h apart at most
    fake.advance(3600)
    assert (len(got), failing.active) == (25, False)  # the first failure 24 h after the first
    with pytest.raises(ValueError):
        fake.set_webhook_retry_schedule([])
    with pytest.raises(ValueError):
        fake.set_webhook_retry_schedule([60], give_up_after=0)


def test_timers_only_requeue_and_deliver_pending_sends(raw: RawClient, fake: FakePlugipay) -> None:
    target, got = answering(500)
    fake.add_webhook(target)
    raw.create_customer()
    store = fake._store
    with store.lock:
        assert store.timers.run_due(fake.now() + 60) == 1
    assert len(got) == 1, "a timer never sends"
    store.events.deliver_pending()
    assert len(got) == 2


def test_timeouts_and_connection_errors_are_failed_attempts(
    raw: RawClient, fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(*args: object, **kwargs: object) -> httpx.Response:
        assert kwargs["timeout"] == 10.0
        raise httpx.ReadTimeout("slow")

    monkeypatch.setattr(httpx, "post", slow)
    handle = fake.add_webhook("https://hooks.example.com/slow")
    raw.create_customer()
    [delivery] = fake.webhook_deliveries
    assert delivery["lastError"] == "timed out after 10000ms"
    assert delivery["responseCode"] is None
    monkeypatch.undo()
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handle_closed = fake.add_webhook(f"http://127.0.0.1:{port}/closed", types=["workspace.updated"])
    raw.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "x"})
    [(_, error)] = handle_closed.failures
    assert error.startswith("ConnectError")
    assert handle.delivered == []


def test_a_handler_may_call_the_fake_during_a_delivery(fake: FakePlugipay) -> None:
    seen: list[str] = []

    def handler(body: bytes, headers: Mapping[str, str]) -> None:
        event = json.loads(body)
        seen.append(event["data"]["object"].get("name"))
        if event["data"]["object"].get("name") == "outer":
            with fake.client() as plug:
                plug.customers.create(name="inner")

    fake.add_webhook(handler, types=[CREATED])
    with fake.client() as plug:
        plug.customers.create(name="outer")
    assert seen == ["outer", "inner"]


def test_a_url_receiver_may_call_the_fake_back_from_its_own_thread(fake: FakePlugipay) -> None:
    """The receiver's handler runs in another thread and calls the API before it answers: it
    must not wait behind the delivery it is answering (which would time out after 10 s)."""
    names: list[list[str]] = []

    def look_up(delivery: object) -> None:
        with fake.client() as plug:
            names.append([c.name or "" for c in plug.customers.list()])

    with WebhookReceiver(on_delivery=look_up) as receiver, fake.client() as plug:
        fake.add_webhook(receiver.url, types=[CREATED])
        plug.customers.create(name="first")
    [delivery] = fake.webhook_deliveries
    assert (delivery["status"], delivery["attempts"], delivery["lastError"]) == (
        "succeeded",
        1,
        None,
    )
    assert names == [["first"]]


def test_the_deliveries_api_lists_filters_and_pages(raw: RawClient, fake: FakePlugipay) -> None:
    failing_target, _ = answering(500)
    ok = fake.add_webhook(lambda b, h: None, types=[CREATED])
    failing = fake.add_webhook(failing_target, types=[CREATED, "workspace.updated"])
    raw.create_customer(name="a")
    raw.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "b"})
    listed = data_of(raw.get(DELIVERIES))
    assert [(d["endpointId"], d["type"], d["status"]) for d in listed] == [
        (failing.id, "workspace.updated", "pending"),
        (failing.id, CREATED, "pending"),
        (ok.id, CREATED, "succeeded"),
    ]
    assert all("attemptLog" not in d for d in listed)
    assert list(listed[2]) == [
        "id",
        "endpointId",
        "eventId",
        "type",
        "body",
        "status",
        "attempts",
        "nextRetryAt",
        "lastAttemptAt",
        "deliveredAt",
        "responseCode",
        "lastError",
        "createdAt",
        "updatedAt",
    ]
    assert listed[2]["id"].startswith("wd_") and json.loads(listed[2]["body"]) == next(
        e for e in fake.events if e["type"] == CREATED
    )

    def ids(query: str) -> list[str]:
        return [d["id"] for d in data_of(raw.get(f"{DELIVERIES}?{query}"))]

    assert ids(f"endpointId={ok.id}") == [listed[2]["id"]]
    assert ids("status=pending") == [listed[0]["id"], listed[1]["id"]]
    assert ids("status=failed") == []
    assert ids(f"type={CREATED}&status=pending") == [listed[1]["id"]]
    page = raw.get(f"{DELIVERIES}?limit=2").json()
    assert page["meta"]["hasMore"] is True
    rest = ids(f"limit=2&cursor={page['meta']['cursor']}")
    assert [d["id"] for d in page["data"]] + rest == [d["id"] for d in listed]
    one = data_of(raw.get(f"{DELIVERIES}/{listed[1]['id']}"))
    assert [a["error"] for a in one["attemptLog"]] == ["HTTP 500"]
    assert error_of(raw.get(f"{DELIVERIES}?status=lost")) == (400, "VALIDATION_ERROR")
    assert error_of(raw.get(f"{DELIVERIES}/wd_01HXNOSUCHDELIVERY000000")) == (404, "NOT_FOUND")
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    stranger = RawClient(fake, key_id=key.key_id, secret=key.secret)
    assert data_of(stranger.get(DELIVERIES)) == []
    assert error_of(stranger.get(f"{DELIVERIES}/{listed[0]['id']}")) == (404, "NOT_FOUND")


def test_retry_requeues_and_refuses_pending_and_disabled(
    raw: RawClient, fake: FakePlugipay
) -> None:
    target, got = answering(500)
    handle = fake.add_webhook(target, types=[CREATED])
    raw.create_customer()
    [delivery] = fake.webhook_deliveries
    retry = f"{DELIVERIES}/{delivery['id']}/retry"
    assert error_of(raw.post(retry, json={})) == (409, "ALREADY_QUEUED")
    fake.advance(60)
    assert fake.webhook_deliveries[0]["status"] == "succeeded"
    answer = data_of(raw.post(retry, json={}, idempotency_key="idem_retry_1"))
    assert (answer["status"], answer["nextRetryAt"], len(answer["attemptLog"])) == (
        "pending",
        None,
        2,
    )
    after = fake.webhook_deliveries[0]
    assert (after["status"], after["attempts"]) == ("succeeded", 3)
    event_id = str(after["eventId"])
    assert handle.delivered == [event_id, event_id]
    assert len(got) == 3
    # an endpoint switched off fails what it had pending; retry waits for it to come back
    data_of(raw.patch(f"/api/v1/webhooks/{handle.id}", json={"active": False}))
    assert error_of(raw.post(retry, json={})) == (409, "ENDPOINT_DISABLED")
    data_of(raw.patch(f"/api/v1/webhooks/{handle.id}", json={"active": True}))
    assert data_of(raw.post(retry, json={}))["status"] == "pending"
    assert len(got) == 4
    raw.delete(f"/api/v1/webhooks/{handle.id}")
    assert error_of(raw.post(retry, json={})) == (409, "ENDPOINT_DISABLED")
    assert error_of(raw.post(f"{DELIVERIES}/wd_missing/retry", json={})) == (404, "NOT_FOUND")
    assert error_of(raw.post(retry, json={"now": True})) == (400, "VALIDATION_ERROR")


def test_switching_off_or_deleting_an_endpoint_fails_its_pending_deliveries(
    raw: RawClient, fake: FakePlugipay
) -> None:
    target, got = answering(500, 500)
    handle = fake.add_webhook(target, types=[CREATED])
    raw.create_customer(name="a")
    raw.create_customer(name="b")
    data_of(raw.patch(f"/api/v1/webhooks/{handle.id}", json={"active": False}))
    first, second = fake.webhook_deliveries
    assert (first["status"], first["lastError"], first["nextRetryAt"]) == (
        "failed",
        "HTTP 500",
        None,
    )
    assert (second["status"], second["lastError"], second["attempts"]) == (
        "failed",
        "endpoint disabled",
        0,
    )
    fake.advance(3600)
    assert len(got) == 1, "the cancelled retry never runs"
    data_of(raw.patch(f"/api/v1/webhooks/{handle.id}", json={"active": True}))
    raw.create_customer(name="c")
    raw.create_customer(name="d")
    assert len(got) == 2  # c failed (the second 500) and holds d back
    raw.delete(f"/api/v1/webhooks/{handle.id}")
    third, fourth = fake.webhook_deliveries[2:]
    assert (third["status"], fourth["status"], fourth["lastError"]) == (
        "failed",
        "failed",
        "endpoint deleted",
    )
    fake.advance(3600)
    assert len(got) == 2


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.webhook_deliveries`` method, for the strict-converter walk in ``test_sdk.py``."""
    target, _ = answering(500)
    handle = fake.add_webhook(target, account_id=fake.account_id, types=[CREATED])
    plug.customers.create(name="delivered later")
    pending = plug.webhook_deliveries.list(
        endpoint_id=handle.id, status="pending", type=CREATED, limit=1
    )
    [delivery] = pending.data
    assert len(plug.webhook_deliveries.get(delivery.id).attempt_log) == 1
    fake.advance(60)
    again = plug.webhook_deliveries.retry(delivery.id)
    assert again.status == "pending"
    plug.customers.create(name="second")
    first = next(iter(plug.webhook_deliveries.list(endpoint_id=handle.id, limit=1).iter_pages()))
    rest = plug.webhook_deliveries.list(endpoint_id=handle.id, limit=10, cursor=first.cursor)
    assert [d.id for d in rest.data] == [delivery.id]
    plug.webhook_endpoints.delete(handle.id)


def test_order_holds_across_threads_under_failures() -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Lock

    fake = FakePlugipay(seed=5)
    lock = Lock()
    calls: list[str] = []

    def flaky(body: bytes, headers: Mapping[str, str]) -> int:
        with lock:
            calls.append(json.loads(body)["id"])
            return 500 if len(calls) % 3 == 0 else 204

    handle = fake.add_webhook(flaky, types=[CREATED])

    def create(i: int) -> None:
        with fake.client() as plug:
            plug.customers.create(external_id=f"t-{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(60)))
    for _ in range(200):
        if not advance_to_next_retry(fake):
            break
    created = [str(e["id"]) for e in fake.events if e["type"] == CREATED]
    assert len(created) == 60
    assert handle.delivered == created, "each event once, in event order"
    assert len(handle.failures) == len(calls) - 60
    # every failure was a retry of the head: the calls never skip ahead of a failed event
    firsts = list(dict.fromkeys(calls))
    assert firsts == created
