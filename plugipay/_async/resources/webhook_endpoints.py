"""``plug.webhook_endpoints``: the URLs Plugipay sends events to (the ``/webhooks`` routes;
SPEC-MONEY §4; SURVEY §1.12). ``plugipay.webhooks`` verifies what they receive."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.webhooks import WebhookEndpoint
from ..._types import NOT_GIVEN, NotGivenOr
from ..._urls import quote_segment
from ._base import AsyncResource

__all__ = ["AsyncWebhookEndpoints"]

_PATH = "/api/v1/webhooks"


def _check_active(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")


FIELDS = Fields(
    {
        "url": Field("url", checks.text(2048), clearable=False, required=True),
        "events": Field("events", checks.strings(255), clearable=False, convert=checks.as_list),
        "description": Field("description", checks.text(500)),
        "active": Field("active", _check_active, clearable=False),
    },
    path_ids=frozenset({"endpoint_id"}),
)
"""Every writable endpoint field; ``None`` clears the description only."""


def _endpoint_path(endpoint_id: str) -> str:
    return f"{_PATH}/{quote_segment(endpoint_id, 'endpoint_id')}"


class AsyncWebhookEndpoints(AsyncResource):
    """Register, list, change and remove webhook endpoints."""

    __slots__ = ()

    async def list(self) -> builtins.list[WebhookEndpoint]:
        """Every webhook endpoint of the key's mode (one answer, not paginated)."""
        return await self._call_list(WebhookEndpoint, "GET", _PATH)

    async def create(
        self,
        *,
        url: str,
        events: Sequence[str] | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookEndpoint:
        """A new endpoint receiving ``events`` (event types; every event when left out or empty).
        The returned endpoint carries its signing ``secret``, shown this once: keep it."""
        body = FIELDS.create_body(locals())
        return await self._call(
            WebhookEndpoint, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )

    async def update(
        self,
        endpoint_id: str,
        *,
        url: NotGivenOr[str] = NOT_GIVEN,
        events: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        description: NotGivenOr[str | None] = NOT_GIVEN,
        active: NotGivenOr[bool] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> WebhookEndpoint:
        """Change an endpoint: omitted fields are untouched, ``description=None`` clears it, and
        ``active=True`` turns an endpoint Plugipay disabled back on (clearing its failures)."""
        body = FIELDS.update_body(locals())
        return await self._call(
            WebhookEndpoint,
            "PATCH",
            _endpoint_path(endpoint_id),
            body=body,
            idempotency_key=idempotency_key,
        )

    async def delete(self, endpoint_id: str, *, idempotency_key: str | None = None) -> None:
        """Remove an endpoint; it receives nothing more."""
        await self._call_no_content(
            "DELETE", _endpoint_path(endpoint_id), idempotency_key=idempotency_key
        )
