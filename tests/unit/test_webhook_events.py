"""Webhook events of the money path: ``data.object`` decoded by event name in either spelling,
both envelopes, both signature header spellings, and ``kind`` to branch on (SPEC-MONEY §2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from plugipay import (
    CheckoutSession,
    Customer,
    Invoice,
    PlugipaySignatureError,
    Refund,
    WebhookEndpoint,
    WebhookEvent,
    webhooks,
)
from plugipay._convert import make_converter

SECRET = "whsec_test"
NOW = 1_778_582_520
WHEN = datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
T = "2026-05-12T10:42:00.123Z"
OBJECTS: dict[str, tuple[dict[str, Any], type]] = {
    "checkout_session.completed": (
        {"id": "cs_1", "status": "completed", "amount": 1000},
        CheckoutSession,
    ),
    "checkout_session.expired": ({"id": "cs_2", "status": "expired"}, CheckoutSession),
    "refund.issued": ({"id": "rf_1", "status": "succeeded", "amount": 500}, Refund),
    "refund.failed": ({"id": "rf_2", "status": "failed"}, Refund),
    "webhook_endpoint.disabled": ({"id": "we_1", "active": False}, WebhookEndpoint),
    "customer.created": ({"id": "cus_1"}, Customer),
}


def _verify(payload: dict[str, Any], header: str = "X-Plugipay-Signature") -> WebhookEvent:
    body = json.dumps(payload).encode()
    signature = webhooks.sign(body, SECRET, timestamp=NOW)
    return webhooks.verify(body, {header: signature}, SECRET, now=NOW)


def _node_envelope(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The published SDKs' envelope: ``accountId``, ``occurredAt``, ``data.aggregate*``."""
    return {
        "id": "evt_1",
        "type": event_type,
        "accountId": "acc_1",
        "occurredAt": T,
        "data": {
            "object": obj,
            "aggregateType": webhooks.event_kind(event_type).split(".")[0],
            "aggregateId": obj["id"],
        },
    }


def _spec_envelope(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """SPEC §10's envelope: ``workspaceId``, ``createdAt``, ``data.previousAttributes``."""
    return {
        "id": "evt_2",
        "type": event_type,
        "workspaceId": "ws_1",
        "createdAt": T,
        "data": {"object": obj, "previousAttributes": {"status": "open"}},
    }


@pytest.mark.parametrize("kind", sorted(OBJECTS))
@pytest.mark.parametrize("spelling", ["plugipay.{}.v1", "{}", "plugipay.{}.v2", "{}.v1"])
def test_data_object_decodes_by_name_in_either_spelling(kind: str, spelling: str) -> None:
    obj, model = OBJECTS[kind]
    event_type = spelling.format(kind)
    event = _verify(_node_envelope(event_type, obj))
    assert isinstance(event.data, model)
    assert event.data.id == obj["id"]
    assert event.type == event_type  # always the raw string
    assert event.kind == kind


def test_both_envelopes_read_the_same() -> None:
    obj, _ = OBJECTS["checkout_session.completed"]
    node = _verify(_node_envelope("plugipay.checkout_session.completed.v1", obj))
    spec = _verify(_spec_envelope("checkout_session.completed", obj))
    for event in (node, spec):
        assert (event.created_at, event.occurred_at) == (WHEN, WHEN)
        assert isinstance(event.data, CheckoutSession) and event.data.amount == 1000
        assert event.kind == "checkout_session.completed"
    assert (node.account_id, node.workspace_id) == ("acc_1", None)
    assert (node.aggregate_type, node.aggregate_id, node.previous_attributes) == (
        "checkout_session",
        "cs_1",
        None,
    )
    assert (spec.account_id, spec.workspace_id) == (None, "ws_1")
    assert (spec.aggregate_type, spec.aggregate_id) == (None, None)
    assert spec.previous_attributes == {"status": "open"}
    assert "occurredAt" in node and "createdAt" not in node
    assert node.to_dict() == _node_envelope("plugipay.checkout_session.completed.v1", obj)


def test_the_union_envelope_decodes_strictly() -> None:
    """The emulator's envelope (SPEC-MONEY §2): both timestamps, both workspace keys, every data
    key; the strict converter of the fidelity tests takes it whole."""
    payload = {
        "id": "evt_3",
        "type": "plugipay.invoice.sent.v1",
        "accountId": "acc_1",
        "workspaceId": "ws_1",
        "createdAt": T,
        "occurredAt": T,
        "data": {
            "object": {"id": "inv_1"},
            "aggregateType": "invoice",
            "aggregateId": "inv_1",
            "previousAttributes": None,
            "to": "ada@example.com",
        },
    }
    event = make_converter(forbid_extra_keys=True).structure(payload, WebhookEvent)
    assert isinstance(event.data, Invoice) and event.data.id == "inv_1"
    assert (event.kind, event.aggregate_id, event["data"]["to"]) == (
        "invoice.sent",
        "inv_1",
        "ada@example.com",
    )
    assert event.raw == payload


@pytest.mark.parametrize(
    "header",
    ["X-Plugipay-Signature", "Plugipay-Signature", "plugipay-signature", "HTTP_PLUGIPAY_SIGNATURE"],
)
def test_both_signature_header_spellings_verify(header: str) -> None:
    event = _verify(_node_envelope("refund.issued", {"id": "rf_1"}), header=header)
    assert isinstance(event.data, Refund)


def test_any_of_several_v1_signatures_passes() -> None:
    body = json.dumps(_node_envelope("refund.issued", {"id": "rf_1"})).encode()
    good = webhooks.sign(body, SECRET, timestamp=NOW).split("v1=")[1]
    header = f"t={NOW},v1={'0' * 64},v1={good},v1=zz"
    assert webhooks.verify(body, {"Plugipay-Signature": header}, SECRET, now=NOW).id == "evt_1"
    with pytest.raises(PlugipaySignatureError) as err:
        webhooks.verify(body, {"Plugipay-Signature": f"t={NOW},v1={'0' * 64}"}, SECRET, now=NOW)
    assert err.value.code == "signature_invalid"


def test_kind_branches_for_both_spellings() -> None:
    handled = []
    for event_type in ("plugipay.checkout_session.completed.v1", "checkout_session.completed"):
        event = _verify(_node_envelope(event_type, {"id": "cs_1"}))
        match event.kind:
            case "checkout_session.completed":
                assert isinstance(event.data, CheckoutSession)
                handled.append(event.data.id)
            case _:
                pytest.fail(f"not matched: {event.type}")
    assert handled == ["cs_1", "cs_1"]


def test_event_kind() -> None:
    assert webhooks.event_kind("plugipay.payout.in_transit.v1") == "payout.in_transit"
    assert webhooks.event_kind("workspace.member_role_changed") == "workspace.member_role_changed"
    assert webhooks.event_kind("plugipay.v1") == "v1"
    with pytest.raises(TypeError):
        webhooks.event_kind(None)  # type: ignore[arg-type]


def test_an_endpoint_secret_in_an_event_never_shows_in_repr() -> None:
    event = _verify(
        _node_envelope("webhook_endpoint.disabled", {"id": "we_1", "secret": "whsec_x"})
    )
    assert isinstance(event.data, WebhookEndpoint)
    assert "whsec_x" not in repr(event) + repr(event.data)
