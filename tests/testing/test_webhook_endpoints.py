"""Webhook endpoints over the API (SPEC-MONEY §4, SURVEY §1.12): create, list, update, delete."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from plugipay import webhooks
from plugipay.testing import FakePlugipay
from tests.webhook_receiver import WebhookReceiver

from .emulator_helpers import RawClient, data_of, error_of
from .test_events_api import live_raw

HOOKS = "/api/v1/webhooks"
STAMP = "2026-05-12T10:42:00.000Z"


def create(raw: RawClient, **body: object) -> dict[str, Any]:
    body.setdefault("url", "https://example.com/hooks")
    response = raw.post(HOOKS, json=body, idempotency_key=f"idem_{len(raw.fake.events)}_{body}")
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_create_shows_the_secret_and_account_once(raw: RawClient, fake: FakePlugipay) -> None:
    made = create(
        raw,
        url="https://example.com/hooks",
        events=["plugipay.checkout_session.completed.v1", "refund.issued"],
        description="orders",
    )
    assert made == {
        "id": made["id"],
        "accountId": fake.account_id,
        "mode": "test",
        "url": "https://example.com/hooks",
        "events": ["plugipay.checkout_session.completed.v1", "refund.issued"],
        "description": "orders",
        "active": True,
        "consecutiveFailures": 0,
        "failingSince": None,
        "disabledAt": None,
        "disabledReason": None,
        "secret": made["secret"],
        "createdAt": STAMP,
        "updatedAt": STAMP,
    }
    assert made["id"].startswith("we_") and len(made["id"]) == 29
    assert made["secret"].startswith("whsec_")
    listed = data_of(raw.get(HOOKS))
    shown = {k: v for k, v in made.items() if k not in ("accountId", "secret")}
    assert listed == [shown]
    assert raw.get(HOOKS).json()["meta"].keys() == {"requestId", "timestamp"}  # a bare array
    plain = create(raw, url="http://127.0.0.1:9/x")
    assert (plain["events"], plain["description"]) == ([], None)
    assert [e["id"] for e in data_of(raw.get(HOOKS))] == [made["id"], plain["id"]]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "ftp://example.com/x"},
        {"url": "https:///no-host"},
        {"url": "not a url"},
        {"url": "https://example.com/" + "a" * 2048},
        {"url": 5},
        {"url": "https://example.com", "events": "plugipay.refund.issued.v1"},
        {"url": "https://example.com", "events": [""]},
        {"url": "https://example.com", "events": ["e"] * 101},
        {"url": "https://example.com", "description": "d" * 501},
        {"url": "https://example.com", "secret": "whsec_mine"},
        {"url": "https://example.com", "active": False},
        {"url": "https://example.com", "colour": "blue"},
    ],
)
def test_create_validates(raw: RawClient, body: Mapping[str, object]) -> None:
    assert error_of(raw.post(HOOKS, json=body)) == (400, "VALIDATION_ERROR")


def test_update_and_re_enable(raw: RawClient, fake: FakePlugipay) -> None:
    made = create(raw)
    fake.advance(60)
    url = f"{HOOKS}/{made['id']}"
    changed = data_of(
        raw.patch(
            url, json={"url": "https://example.org/new", "events": ["x"], "description": None}
        )
    )
    assert (changed["url"], changed["events"], changed["description"]) == (
        "https://example.org/new",
        ["x"],
        None,
    )
    assert changed["updatedAt"] == "2026-05-12T10:43:00.000Z" and "secret" not in changed
    off = data_of(raw.patch(url, json={"active": False}))
    assert (off["active"], off["disabledAt"], off["disabledReason"]) == (
        False,
        "2026-05-12T10:43:00.000Z",
        "Disabled through the API",
    )
    on = data_of(raw.patch(url, json={"active": True}))
    assert (on["active"], on["disabledAt"], on["disabledReason"]) == (True, None, None)
    assert data_of(raw.get(HOOKS)) == [on]


@pytest.mark.parametrize(
    "body",
    [{"active": "yes"}, {"url": "mailto:x@example.com"}, {"secret": "s"}, {"mode": "live"}],
)
def test_update_validates(raw: RawClient, body: Mapping[str, object]) -> None:
    made = create(raw)
    assert error_of(raw.patch(f"{HOOKS}/{made['id']}", json=body)) == (400, "VALIDATION_ERROR")


def test_delete_and_unknown_ids(raw: RawClient) -> None:
    made = create(raw)
    response = raw.delete(f"{HOOKS}/{made['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert data_of(raw.get(HOOKS)) == []
    for response in (
        raw.delete(f"{HOOKS}/{made['id']}"),
        raw.patch(f"{HOOKS}/{made['id']}", json={"active": True}),
        raw.patch(f"{HOOKS}/we_01HXNOSUCHENDPOINT0000000", json={}),
    ):
        assert error_of(response) == (404, "NOT_FOUND")


def test_routes_under_webhooks_do_not_collide(raw: RawClient) -> None:
    assert data_of(raw.get(f"{HOOKS}/deliveries")) == []  # the literal, not an endpoint id
    refused = raw.get(f"{HOOKS}/we_01HXNOSUCHENDPOINT0000000")
    assert error_of(refused) == (405, "METHOD_NOT_ALLOWED")
    assert refused.headers["allow"] == "PATCH, DELETE"
    assert error_of(raw.patch(f"{HOOKS}/deliveries", json={})) == (405, "METHOD_NOT_ALLOWED")


def test_endpoints_are_scoped_to_the_workspace_and_the_keys_mode(
    raw: RawClient, fake: FakePlugipay
) -> None:
    made = create(raw)
    live = live_raw(fake)
    live_made = create(live, url="https://example.com/live")
    assert live_made["mode"] == "live"
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    stranger = RawClient(fake, key_id=key.key_id, secret=key.secret)
    assert [e["id"] for e in data_of(raw.get(HOOKS))] == [made["id"]]
    assert [e["id"] for e in data_of(live.get(HOOKS))] == [live_made["id"]]
    assert data_of(stranger.get(HOOKS)) == []
    assert error_of(stranger.delete(f"{HOOKS}/{made['id']}")) == (404, "NOT_FOUND")
    assert error_of(raw.delete(f"{HOOKS}/{live_made['id']}")) == (404, "NOT_FOUND")
    # a live endpoint gets live events only, a test endpoint test events only
    got: dict[str, list[str]] = {"test": [], "live": []}
    fake.add_webhook(lambda b, h: got["test"].append(json.loads(b)["type"]))
    fake.add_webhook(lambda b, h: got["live"].append(json.loads(b)["type"]), mode="live")
    raw.create_customer()
    live.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "Live rename"})
    assert got == {
        "test": ["plugipay.customer.created.v1"],
        "live": ["workspace.updated"],
    }


def test_a_member_key_lacks_the_webhook_scopes(fake: FakePlugipay) -> None:
    key = fake.add_key(role="member")
    member = RawClient(fake, key_id=key.key_id, secret=key.secret)
    assert error_of(member.get(HOOKS)) == (403, "INSUFFICIENT_SCOPE")
    assert error_of(member.post(HOOKS, json={"url": "https://x.example"})) == (
        403,
        "INSUFFICIENT_SCOPE",
    )


def test_an_endpoint_made_over_the_api_receives_signed_posts(
    raw: RawClient, fake: FakePlugipay
) -> None:
    with WebhookReceiver() as receiver:
        made = create(raw, url=receiver.url, events=["customer.created"])
        customer = raw.create_customer(name="Ada")
        raw.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "Not subscribed"})
    [delivery] = receiver.received
    body, headers = delivery.body, delivery.headers
    event = webhooks.verify(body, headers, made["secret"], now=fake.now())
    assert (event.type, event.data.id) == ("plugipay.customer.created.v1", customer["id"])
    assert headers["content-type"] == "application/json"


def test_add_webhook_endpoints_are_api_endpoints_too(raw: RawClient, fake: FakePlugipay) -> None:
    handle = fake.add_webhook(
        lambda b, h: None, secret="whsec_hook", types=["workspace.updated"], description="tests"
    )
    assert (handle.secret, handle.active, handle.account_id) == ("whsec_hook", True, None)
    assert "whsec_hook" not in repr(handle)
    [listed] = data_of(raw.get(HOOKS))
    assert listed["id"] == handle.id and listed["url"].startswith("python:")
    assert (listed["events"], listed["description"]) == (["workspace.updated"], "tests")
    data_of(raw.patch(f"{HOOKS}/{handle.id}", json={"active": True}))
    assert handle.active is True
    raw.delete(f"{HOOKS}/{handle.id}")
    assert handle.active is False
    # a URL set over the API replaces the callable
    called: list[bytes] = []
    moved = fake.add_webhook(lambda b, h: called.append(b), types=["workspace.updated"])
    with WebhookReceiver() as receiver:
        data_of(raw.patch(f"{HOOKS}/{moved.id}", json={"url": receiver.url}))
        raw.patch(f"/api/v1/workspaces/{fake.workspace_id}", json={"name": "Moved"})
    assert called == [] and len(receiver.received) == 1
    with pytest.raises(ValueError, match="http"):
        fake.add_webhook("ftp://example.com/x")
    with pytest.raises(TypeError):
        fake.add_webhook(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode"):
        fake.add_webhook(lambda b, h: None, mode="staging")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.webhook_endpoints`` method, for the strict-converter walk in ``test_sdk.py``."""
    made = plug.webhook_endpoints.create(
        url="https://example.com/strict",
        events=["plugipay.customer.created.v1"],
        description="strict walk",
    )
    assert made.secret.startswith("whsec_")
    assert [e.id for e in plug.webhook_endpoints.list()][-1] == made.id
    changed = plug.webhook_endpoints.update(
        made.id,
        url="https://example.com/strict2",
        events=[],
        description="still strict",
        active=True,
    )
    assert changed.url == "https://example.com/strict2"
    plug.webhook_endpoints.delete(made.id)
    assert made.id not in [e.id for e in plug.webhook_endpoints.list()]
