"""The events API (SPEC-MONEY §1, SURVEY §1.12): list, get, the type catalogue, replay, trigger.

Every call sees the acting workspace's events in the key's mode only. Records are kept by
``plugipay.testing._events`` in emission order; lists are newest first unless ``order=asc``.

- ``GET /events/types`` answers ``data``: the catalogue as a list of strings (the Node SDK's
  ``plugipay.*.v1`` names, then the seeds' ``workspace.*`` names).
- ``POST /events/replay {eventIds}`` (1–100 ids) re-emits each event as a new one (new ``evt_`` id,
  same ``type``, ``occurredAt`` and ``data``; ``metadata.replayOf`` naming the original, ``source``
  ``replay``), delivered to the endpoints subscribed now; answers the new records, in the order
  asked. An id the caller can't see is 404 ``NOT_FOUND`` and nothing is replayed.
- ``POST /events/trigger {type, aggregateId, data?}`` emits a synthetic event of a catalogue type
  whose ``data.object`` is ``{"id": aggregateId, **data}`` (``source`` ``trigger``); test-mode keys
  only (403 ``TEST_MODE_ONLY``); answers 201 with the record.
"""

from __future__ import annotations

from .._events import EVENT_TYPES, EVENTS, aggregate_type_of, event_scope
from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import Obj, wire
from .._validate import Rule, check_fields, require_object, string_rule
from .._wire import ApiError
from ._common import filtered_page, not_found

__all__ = ["ROUTES"]

_READ = "plugipay:event:read"
_WRITE = "plugipay:event:write"
MAX_REPLAY = 100


def _scope(call: Call) -> str:
    return event_scope(str(call.acting["accountId"]), call.mode)


def list_events(call: Call) -> Result:
    return filtered_page(
        call,
        EVENTS,
        {"type": "type"},
        window=("occurredAt", "occurredAfter", "occurredBefore"),
        scope=_scope(call),
    )


def _event(call: Call, ident: str) -> Obj | None:
    return call.store[EVENTS].get(ident, _scope(call))


def get(call: Call) -> Result:
    found = _event(call, call.params["event"])
    if found is None:
        raise not_found("Event")
    return 200, wire(found), None


def types(call: Call) -> Result:
    return 200, list(EVENT_TYPES), None


def _id_list(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list) or not value:
        return "invalid", f"{name} must be a non-empty array of event ids"
    if len(value) > MAX_REPLAY:
        return "too_many", f"{name} may hold at most {MAX_REPLAY} ids, got {len(value)}"
    if not all(isinstance(item, str) and item for item in value):
        return "invalid", f"{name} must hold event ids (non-empty strings)"
    return None


def _catalogued(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or value not in EVENT_TYPES:
        return "invalid", f"{name} must be one of the types GET /events/types lists"
    return None


def _object(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return "invalid", f"{name} must be an object"
    return None


_REPLAY_RULES: dict[str, Rule] = {"eventIds": _id_list}
_TRIGGER_RULES: dict[str, Rule] = {
    "type": _catalogued,
    "aggregateId": string_rule(1, 255),
    "data": _object,
}


def replay(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _REPLAY_RULES, required=("eventIds",))
    wanted = body["eventIds"]
    assert isinstance(wanted, list)
    originals: list[Obj] = []
    for ident in dict.fromkeys(str(item) for item in wanted):
        found = _event(call, ident)
        if found is None:
            raise not_found(f"Event {ident}")
        originals.append(found)
    log = call.store.events
    replayed: list[object] = []
    for original in originals:
        envelope = log.publish(
            str(original["type"]),
            str(original["accountId"]),
            str(original["_workspaceId"]),
            _copy_data(original["data"]),
            occurred=str(original["occurredAt"]),
            now=call.now,
            mode=str(original["mode"]),
            source="replay",
            replay_of=str(original["id"]),
        )
        replayed.append(wire(call.store[EVENTS][str(envelope["id"])]))
    return 200, replayed, None


def trigger(call: Call) -> Result:
    if call.mode != "test":
        raise ApiError(403, "TEST_MODE_ONLY", "Events can only be triggered with a test-mode key")
    body = require_object(call.body)
    check_fields(body, _TRIGGER_RULES, required=("type", "aggregateId"))
    event_type, aggregate_id = str(body["type"]), str(body["aggregateId"])
    given = body.get("data")
    obj: dict[str, object] = {"id": aggregate_id}
    if isinstance(given, dict):
        obj.update(given)
    data: dict[str, object] = {
        "object": obj,
        "aggregateType": aggregate_type_of(event_type),
        "aggregateId": aggregate_id,
    }
    ws = call.acting
    envelope = call.store.events.publish(
        event_type,
        str(ws["accountId"]),
        str(ws["id"]),
        data,
        occurred=iso_ms(call.now),
        now=call.now,
        mode="test",
        source="trigger",
    )
    return 201, wire(call.store[EVENTS][str(envelope["id"])]), None


def _copy_data(data: object) -> dict[str, object]:
    """A deep copy of a stored event's ``data`` (the replay must not share it)."""
    copied = wire({"data": data})["data"]
    assert isinstance(copied, dict)
    return copied


ROUTES = [
    Route("GET", "/events", list_events, _READ, "none"),
    Route("GET", "/events/types", types, _READ, "none"),
    Route("POST", "/events/replay", replay, _WRITE, "honoured"),
    Route("POST", "/events/trigger", trigger, _WRITE, "honoured"),
    Route("GET", "/events/{event}", get, _READ, "none"),
]
