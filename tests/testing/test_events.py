"""Events (SPEC §10): the recorded envelope and signed delivery to callables and URLs."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from plugipay.testing import FakePlugipay
from plugipay.testing._events import EVENTS, aggregate_type_of, short_type

from .emulator_helpers import RawClient

CUSTOMERS = "/api/v1/customers"


def expected_header(body: bytes, secret: str, t: int) -> str:
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def test_customer_created_event(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(name="Ada", metadata={"a": "b"})
    event = fake.events[-1]
    assert event == {
        "id": event["id"],
        "type": "plugipay.customer.created.v1",
        "accountId": fake.account_id,
        "workspaceId": fake.workspace_id,
        "createdAt": "2026-05-12T10:42:00.000Z",
        "occurredAt": "2026-05-12T10:42:00.000Z",
        "data": {"object": customer, "aggregateType": "customer", "aggregateId": customer["id"]},
    }
    assert str(event["id"]).startswith("evt_") and len(str(event["id"])) == 30
    # updates emit nothing (customer.updated is not emitted by the API)
    raw.patch(f"{CUSTOMERS}/{customer['id']}", json={"name": "B"}, idempotency_key="p")
    assert fake.events[-1]["id"] == event["id"]


def test_delivery_to_a_callable_is_signed(raw: RawClient, fake: FakePlugipay) -> None:
    received: list[tuple[bytes, Mapping[str, str]]] = []
    endpoint = fake.add_webhook(
        lambda body, headers: received.append((body, headers)), secret="whsec_x"
    )
    customer = raw.create_customer(name="Ada")
    assert len(received) == 1
    body, headers = received[0]
    assert json.loads(body)["data"]["object"] == customer
    assert headers["content-type"] == "application/json"
    assert headers["x-plugipay-signature"] == expected_header(body, "whsec_x", 1_778_582_520)
    assert endpoint.delivered == [json.loads(body)["id"]]
    assert "whsec_x" not in repr(endpoint)


def test_delivery_filters_and_failures(raw: RawClient, fake: FakePlugipay) -> None:
    only_ws: list[bytes] = []
    fake.add_webhook(lambda b, h: only_ws.append(b), types=["workspace.updated"])
    other = fake.add_workspace(name="Other")
    other_account: list[bytes] = []
    fake.add_webhook(lambda b, h: other_account.append(b), account_id=str(other["accountId"]))
    with pytest.raises(KeyError):
        fake.add_webhook(lambda b, h: None, account_id="acc_missing")

    def broken(body: bytes, headers: Mapping[str, str]) -> None:
        raise RuntimeError("endpoint down")

    failing = fake.add_webhook(broken)
    first = raw.create_customer()
    raw.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "Renamed"})
    assert [json.loads(b)["type"] for b in only_ws] == ["workspace.updated"]
    assert other_account == []
    # The first event waits for its retry and holds the second back (one FIFO per endpoint).
    customer_event = next(e["id"] for e in fake.events if e["data"]["object"] == first)
    assert failing.failures == [(customer_event, "RuntimeError: endpoint down")]
    fake.advance(60)
    assert failing.failures == [(customer_event, "RuntimeError: endpoint down")] * 2
    assert failing.delivered == []


def test_deliveries_pass_the_sdk_verifier(raw: RawClient, fake: FakePlugipay) -> None:
    from plugipay import webhooks
    from plugipay.models import Customer, Workspace

    received: list[tuple[bytes, Mapping[str, str]]] = []
    fake.add_webhook(lambda body, headers: received.append((body, headers)), secret="whsec_v")
    customer = raw.create_customer(name="Ada")
    raw.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "Renamed"})
    events = [webhooks.verify(b, h, "whsec_v", now=fake.clock.time()) for b, h in received]
    assert [e.type for e in events] == ["plugipay.customer.created.v1", "workspace.updated"]
    assert isinstance(events[0].data, Customer) and events[0].data.id == customer["id"]
    assert isinstance(events[1].data, Workspace) and events[1].data.name == "Renamed"
    assert events[1].previous_attributes == {"name": "Test workspace"}


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[bytes, dict[str, str]]]]]:
    got: list[tuple[bytes, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            got.append((body, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", got
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_delivery_to_a_url(
    raw: RawClient, fake: FakePlugipay, receiver: tuple[str, list[tuple[bytes, dict[str, str]]]]
) -> None:
    url, got = receiver
    endpoint = fake.add_webhook(url, secret="whsec_url")
    raw.create_customer(name="Ada")
    assert len(got) == 1
    body, headers = got[0]
    assert headers["x-plugipay-signature"] == expected_header(body, "whsec_url", 1_778_582_520)
    assert endpoint.delivered == [json.loads(body)["id"]]


def test_a_calls_deliveries_land_before_it_returns_when_no_other_thread_is_sending() -> None:
    fake = FakePlugipay(seed=9)
    delivered: list[str] = []
    fake.add_webhook(lambda body, headers: delivered.append(json.loads(body)["id"]))
    with fake.client() as plug:
        for i in range(5):
            plug.customers.create(external_id=f"order-{i}")
            created = [e["id"] for e in fake.events if e["type"].endswith("customer.created.v1")]
            assert delivered == created, "delivered before the call returned"
    assert len(delivered) == 5


def test_deliveries_keep_event_order_across_threads_and_all_land_by_the_last_return() -> None:
    """A thread that finds another sending hands its attempts to that sender instead of waiting
    (a receiver may call the fake back from another thread), so under concurrency a call may
    return before its own event is sent; the sender passes again before it lets go, so once every
    call has returned, every event has been delivered, in event order."""
    from concurrent.futures import ThreadPoolExecutor

    fake = FakePlugipay(seed=9)
    delivered: list[str] = []
    lock = threading.Lock()

    def receive(body: bytes, headers: Mapping[str, str]) -> None:
        with lock:
            delivered.append(json.loads(body)["id"])

    fake.add_webhook(receive, secret="whsec_order")

    def create(i: int) -> None:
        with fake.client() as plug:
            plug.customers.create(external_id=f"order-{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(create, range(200)))
    created = [e["id"] for e in fake.events if e["type"] == "plugipay.customer.created.v1"]
    assert len(created) == 200
    assert delivered == created, "every event delivered once, in event order"


def test_emit_takes_extra_data_keys_and_the_mode_of_its_object(
    raw: RawClient, fake: FakePlugipay
) -> None:
    store = fake._store
    ws = store.resolve_workspace(fake.workspace_id)
    obj: dict[str, object] = {"id": "inv_01HXEXTRA000000000000000", "mode": "live"}
    with store.lock:
        event = store.events.emit(
            "plugipay.invoice.sent.v1",
            ws,
            obj,
            now=fake.now() - 60,
            extra={"to": "ada@example.com"},
        )
        with pytest.raises(ValueError, match="aggregateId"):
            store.events.emit("x.y", ws, obj, now=fake.now(), extra={"aggregateId": "z"})
    assert event["data"] == {
        "object": obj,
        "aggregateType": "invoice",
        "aggregateId": "inv_01HXEXTRA000000000000000",
        "to": "ada@example.com",
    }
    assert event["occurredAt"] == event["createdAt"] == "2026-05-12T10:41:00.000Z"
    # outside a request the object's own mode decides: a test key doesn't list it
    record = store[EVENTS][str(event["id"])]
    assert (record["mode"], record["metadata"]["source"]) == ("live", "system")  # type: ignore[index]
    listed = raw.get("/api/v1/events?type=plugipay.invoice.sent.v1")
    assert listed.json()["data"] == []


def test_event_names_and_aggregate_types() -> None:
    assert short_type("plugipay.checkout_session.completed.v1") == "checkout_session.completed"
    assert short_type("workspace.created") == "workspace.created"
    assert aggregate_type_of("plugipay.gift_card.topped_up.v1") == "gift_card"
    assert aggregate_type_of("workspace.member_joined") == "workspace_member"
    assert aggregate_type_of("workspace.ownership_transferred") == "workspace_member"
    assert aggregate_type_of("workspace.archived") == "workspace"
