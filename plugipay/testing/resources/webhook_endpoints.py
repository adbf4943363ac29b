"""Webhook endpoints and their deliveries over the API (SPEC-MONEY §4, SURVEY §1.12).

Endpoints and deliveries belong to the acting workspace and the key's mode; delivery itself is
``plugipay.testing._deliveries``' job.

- ``GET /webhooks``: a bare array, oldest first. ``POST /webhooks {url, events?, description?}``:
  201 with the endpoint plus ``accountId`` and ``secret`` (``whsec_…``), the only time either is
  shown. ``url`` is an ``http(s)`` URL with a host (at most 2048 characters); ``events`` lists
  event types (either spelling, or ``*``; empty or absent means all).
- ``PATCH /webhooks/{id} {url?, events?, description?, active?}``: ``active: true`` re-enables and
  clears the failure streak; ``active: false`` turns it off (its pending deliveries fail).
  ``DELETE /webhooks/{id}``: 204.
- ``GET /webhooks/deliveries`` (``endpointId``, ``status``, ``type``, ``limit``, ``cursor``): newest
  first, without ``attemptLog``; ``GET /webhooks/deliveries/{id}`` adds ``attemptLog``.
  ``POST /webhooks/deliveries/{id}/retry`` (body ``{}``): re-queues a delivery that is not
  pending; 409 ``ALREADY_QUEUED`` while pending, 409 ``ENDPOINT_DISABLED`` when its endpoint is
  off or deleted. Answers the delivery (still ``pending``: it goes out right after the answer).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .._deliveries import WEBHOOK_DELIVERIES, Endpoint
from .._events import event_scope
from .._routing import Call, Result, Route
from .._store import Obj, wire
from .._validate import Rule, check_fields, js_len, require_object, string_rule
from ._common import filtered_page, not_found

__all__ = ["ROUTES"]

_READ = "plugipay:webhook:read"
_WRITE = "plugipay:webhook:write"
MAX_EVENTS = 100


def _url_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return "invalid", f"{name} must be a string"
    if js_len(value) > 2048:
        return "too_long", f"{name} must be at most 2048 characters"
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        return "invalid", f"{name} must be an http or https URL with a host"
    return None


def _events_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list):
        return "invalid", f"{name} must be an array of event types"
    if len(value) > MAX_EVENTS:
        return "too_many", f"{name} may hold at most {MAX_EVENTS} types, got {len(value)}"
    for item in value:
        if not isinstance(item, str) or not 1 <= js_len(item) <= 255:
            return "invalid", f"{name} must hold event types of 1-255 characters"
    return None


def _bool_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, bool):
        return "invalid", f"{name} must be true or false"
    return None


_RULES: dict[str, Rule] = {
    "url": _url_rule,
    "events": _events_rule,
    "description": string_rule(0, 500),
}
_PATCH_RULES: dict[str, Rule] = {**_RULES, "active": _bool_rule}
_NULLABLE = frozenset({"description"})
_ASSIGNED = frozenset(
    {
        "id",
        "accountId",
        "mode",
        "secret",
        "consecutiveFailures",
        "failingSince",
        "disabledAt",
        "disabledReason",
        "createdAt",
        "updatedAt",
    }
)


def _scope(call: Call) -> str:
    return event_scope(str(call.acting["accountId"]), call.mode)


def _endpoint(call: Call) -> Endpoint:
    found = call.store.events.deliveries.endpoint(call.params["endpoint"], _scope(call))
    if found is None:
        raise not_found("Webhook endpoint")
    return found


def list_endpoints(call: Call) -> Result:
    deliveries = call.store.events.deliveries
    return 200, [deliveries.endpoint_wire(e) for e in deliveries.endpoints(_scope(call))], None


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body, _RULES, nullable=_NULLABLE, required=("url",), read_only=_ASSIGNED | {"active"}
    )
    events = body.get("events")
    description = body.get("description")
    deliveries = call.store.events.deliveries
    endpoint = deliveries.add_endpoint(
        call.acting,
        mode=call.mode,
        url=str(body["url"]),
        events=[str(e) for e in events] if isinstance(events, list) else [],
        description=description if isinstance(description, str) else None,
        now=call.now,
    )
    return 201, deliveries.endpoint_wire(endpoint, created=True), None


def update(call: Call) -> Result:
    endpoint = _endpoint(call)
    body = require_object(call.body)
    check_fields(body, _PATCH_RULES, nullable=_NULLABLE, read_only=_ASSIGNED)
    deliveries = call.store.events.deliveries
    deliveries.update_endpoint(endpoint, dict(body), call.now)
    return 200, deliveries.endpoint_wire(endpoint), None


def delete(call: Call) -> Result:
    endpoint = _endpoint(call)
    call.store.events.deliveries.delete_endpoint(endpoint, call.now)
    return 204, None, None


def _delivery_summary(record: Obj) -> Obj:
    out = wire(record)
    del out["attemptLog"]  # only a single delivery's answer carries it
    return out


def list_deliveries(call: Call) -> Result:
    return filtered_page(
        call,
        WEBHOOK_DELIVERIES,
        {"endpointId": "endpointId", "status": "status", "type": "type"},
        choices={"status": ("pending", "succeeded", "failed")},
        scope=_scope(call),
        sortable=False,
        shape=_delivery_summary,
    )


def _delivery(call: Call) -> Obj:
    found = call.store.events.deliveries.delivery(call.params["delivery"], _scope(call))
    if found is None:
        raise not_found("Webhook delivery")
    return found


def get_delivery(call: Call) -> Result:
    return 200, wire(_delivery(call)), None


def retry(call: Call) -> Result:
    record = _delivery(call)
    check_fields(require_object(call.body), {})
    call.store.events.deliveries.retry(str(record["id"]), call.now)
    return 200, wire(record), None


ROUTES = [
    Route("GET", "/webhooks", list_endpoints, _READ, "none"),
    Route("POST", "/webhooks", create, _WRITE, "honoured"),
    # The literal "deliveries" wins over "{endpoint}" at the same place (plugipay.testing._routing).
    Route("GET", "/webhooks/deliveries", list_deliveries, _READ, "none"),
    Route("GET", "/webhooks/deliveries/{delivery}", get_delivery, _READ, "none"),
    Route("POST", "/webhooks/deliveries/{delivery}/retry", retry, _WRITE, "honoured"),
    Route("PATCH", "/webhooks/{endpoint}", update, _WRITE, "honoured"),
    Route("DELETE", "/webhooks/{endpoint}", delete, _WRITE, "honoured"),
]
