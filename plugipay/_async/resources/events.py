"""``plug.events``: the events a workspace's objects emitted, as webhook endpoints receive them
(SPEC-MONEY §1; SURVEY §1.12)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ... import _validation as checks
from ..._envelope import Envelope
from ..._exceptions import InvalidResponseError
from ..._models.events import EventRecord
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_datetime, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from . import _base
from ._base import AsyncResource

__all__ = ["AsyncEvents"]

_PATH = "/api/v1/events"
ORDERS = ("asc", "desc")


def _type_names(envelope: Envelope) -> list[str]:
    """The catalogue: a list of type names, or of objects with a ``type`` each."""
    items = envelope.data
    if not isinstance(items, list):
        raise InvalidResponseError("GET /api/v1/events/types answered without a list")
    names = []
    for item in items:
        name = item.get("type") if isinstance(item, dict) else item
        if not isinstance(name, str):
            raise InvalidResponseError("GET /api/v1/events/types listed an entry with no type name")
        names.append(name)
    return names


def _records(envelope: Envelope) -> list[EventRecord]:
    if envelope.data is None:
        return []
    if not isinstance(envelope.data, list):
        raise InvalidResponseError("POST /api/v1/events/replay answered without a list of events")
    # Looked up on the module at call time, where the strict-decoding tests replace it.
    return _base.structure_many(envelope.data, EventRecord)


class AsyncEvents(AsyncResource):
    """List and read events, list the event types, re-send events to the webhook endpoints, and
    (in test mode) trigger synthetic ones."""

    __slots__ = ()

    def list(
        self,
        *,
        type: str | None = None,
        occurred_after: datetime | str | None = None,
        occurred_before: datetime | str | None = None,
        order: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncCursorPaginator[EventRecord]:
        """Events of the key's mode, newest first unless ``order="asc"``; ``type`` is an exact
        match on the type as recorded (``plugipay.refund.issued.v1``)."""
        check_str("type", type, max_length=255)
        check_datetime("occurred_after", occurred_after)
        check_datetime("occurred_before", occurred_before)
        check_choice("order", order, ORDERS)
        check_limit(limit)
        check_cursor(cursor)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("type", type),
            ("occurredAfter", occurred_after),
            ("occurredBefore", occurred_before),
            ("order", order),
        ]
        return self._paginate(EventRecord, _PATH, query, cursor)

    async def get(self, event_id: str) -> EventRecord:
        """One event by ``evt_`` id."""
        return await self._call(
            EventRecord, "GET", f"{_PATH}/{quote_segment(event_id, 'event_id')}"
        )

    retrieve = get

    async def types(self) -> builtins.list[str]:
        """Every event type Plugipay emits, as the server lists them."""
        return await self._client._request("GET", f"{_PATH}/types", _type_names)

    async def replay(
        self, event_ids: Sequence[str], *, idempotency_key: str | None = None
    ) -> builtins.list[EventRecord]:
        """Send these events to the webhook endpoints again; returns the events the replay
        recorded (their ``metadata["replayOf"]`` names the original)."""
        checks.strings(255, allow_empty=False)("event_ids", event_ids)
        return await self._client._request(
            "POST",
            f"{_PATH}/replay",
            _records,
            body={"eventIds": builtins.list(event_ids)},
            idempotency_key=idempotency_key,
        )

    async def trigger(
        self,
        *,
        type: str,
        aggregate_id: str,
        data: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> EventRecord:
        """Emit a synthetic event of ``type`` about the object ``aggregate_id`` (test mode only),
        to try a webhook handler; returns the event."""
        checks.text(255)("type", type)
        checks.text(255)("aggregate_id", aggregate_id)
        if data is not None and not isinstance(data, Mapping):
            raise TypeError(f"data must be a dict, not {builtins.type(data).__name__}")
        body: dict[str, object] = {"type": type, "aggregateId": aggregate_id}
        if data is not None:
            body["data"] = dict(data)
        return await self._call(
            EventRecord, "POST", f"{_PATH}/trigger", body=body, idempotency_key=idempotency_key
        )
