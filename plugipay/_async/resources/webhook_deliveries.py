"""``plug.webhook_deliveries``: each event sent to each endpoint, with its attempts (SPEC-MONEY
§4; SURVEY §1.12)."""

from __future__ import annotations

import builtins

from ..._models.webhooks import WebhookDelivery
from ..._urls import quote_segment
from ..._validation import check_cursor, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncWebhookDeliveries"]

_PATH = "/api/v1/webhooks/deliveries"


def _delivery_path(delivery_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(delivery_id, "delivery_id"), *rest))


class AsyncWebhookDeliveries(AsyncResource):
    """List and read webhook deliveries; send a failed one again."""

    __slots__ = ()

    def list(
        self,
        *,
        endpoint_id: str | None = None,
        status: str | None = None,
        type: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncCursorPaginator[WebhookDelivery]:
        """Deliveries of the key's mode, newest first; ``status`` is ``pending``, ``succeeded``
        or ``failed`` and ``type`` an event type."""
        check_str("endpoint_id", endpoint_id, max_length=255)
        check_str("status", status, max_length=64)
        check_str("type", type, max_length=255)
        check_limit(limit)
        check_cursor(cursor)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("endpointId", endpoint_id),
            ("status", status),
            ("type", type),
        ]
        return self._paginate(WebhookDelivery, _PATH, query, cursor)

    async def get(self, delivery_id: str) -> WebhookDelivery:
        """One delivery by ``wd_`` id, with its ``attempt_log``."""
        return await self._call(WebhookDelivery, "GET", _delivery_path(delivery_id))

    retrieve = get

    async def retry(
        self, delivery_id: str, *, idempotency_key: str | None = None
    ) -> WebhookDelivery:
        """Queue the delivery again; a pending one raises ``ConflictError`` (``already_queued``),
        as does one whose endpoint is disabled (``endpoint_disabled``)."""
        path = _delivery_path(delivery_id, "retry")
        # An empty object: sent as no body at all, signed over the empty string (SPEC §2).
        return await self._call(
            WebhookDelivery, "POST", path, body={}, idempotency_key=idempotency_key
        )
