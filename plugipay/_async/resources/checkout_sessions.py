"""``plug.checkout_sessions``: take a payment, follow it, and fetch its receipt (SPEC-MONEY §4,
§6; SURVEY §1.1)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.checkout import CheckoutSession, LineItem, Receipt
from ..._urls import quote_segment
from ..._validation import (
    check_cursor,
    check_datetime,
    check_limit,
    check_str,
)
from .._download import AsyncDownload
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource, text_of

__all__ = ["AsyncCheckoutSessions"]

_PATH = "/api/v1/checkout-sessions"
ORDERS = ("asc", "desc")
_PDF = "application/pdf, application/json"
_HTML = "text/html, application/json"
_ESCPOS = "application/octet-stream, application/json"
FIELDS = Fields(
    {
        "amount": Field("amount", checks.amount(), required=True),
        "currency": Field("currency", checks.currency(), required=True),
        "methods": Field(
            "methods",
            checks.strings(64, max_items=20, allow_empty=False),
            required=True,
            convert=checks.as_list,
        ),
        "success_url": Field("successUrl", checks.text(2048), required=True),
        "cancel_url": Field("cancelUrl", checks.text(2048), required=True),
        "customer_id": Field("customerId", checks.prefixed("cus_")),
        "line_items": Field("lineItems", checks.line_items(), convert=checks.line_items_wire),
        "expires_in": Field("expiresInSec", checks.duration(), convert=checks.duration_seconds),
        "metadata": Field("metadata", checks.metadata()),
        "template_id": Field("templateId", checks.text(255)),
    }
)
"""What a checkout session is created with; it is never updated (cancel it instead)."""


def _session_path(session_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(session_id, "session_id"), *rest))


class AsyncCheckoutSessions(AsyncResource):
    """Create checkout sessions for buyers to pay; read, list, cancel and confirm them; fetch and
    email their receipts."""

    __slots__ = ()

    async def create(
        self,
        *,
        amount: int,
        currency: str,
        methods: Sequence[str],
        success_url: str,
        cancel_url: str,
        customer_id: str | None = None,
        line_items: Sequence[LineItem | Mapping[str, Any]] | None = None,
        expires_in: int | timedelta | None = None,
        metadata: Mapping[str, str] | None = None,
        template_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> CheckoutSession:
        """A new session for ``amount`` (an ``int`` in the currency's minor unit) paid by one of
        ``methods``; send the buyer to its ``hosted_url``. ``expires_in`` is seconds or a
        ``timedelta`` (24 hours by default). Returns the session."""
        body = FIELDS.create_body(locals())
        return await self._call(
            CheckoutSession, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )

    async def get(self, session_id: str) -> CheckoutSession:
        """One checkout session by ``cs_`` id."""
        return await self._call(CheckoutSession, "GET", _session_path(session_id))

    retrieve = get

    def list(
        self,
        *,
        status: str | None = None,
        customer_id: str | None = None,
        created_after: datetime | str | None = None,
        created_before: datetime | str | None = None,
        order: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncCursorPaginator[CheckoutSession]:
        """Checkout sessions of the key's mode, newest first unless ``order="asc"``."""
        check_str("status", status, max_length=64)
        check_str("customer_id", customer_id, max_length=255)
        check_datetime("created_after", created_after)
        check_datetime("created_before", created_before)
        checks.check_choice("order", order, ORDERS)
        check_limit(limit)
        check_cursor(cursor)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("status", status),
            ("customerId", customer_id),
            ("createdAfter", created_after),
            ("createdBefore", created_before),
            ("order", order),
        ]
        return self._paginate(CheckoutSession, _PATH, query, cursor)

    async def cancel(
        self, session_id: str, *, idempotency_key: str | None = None
    ) -> CheckoutSession:
        """Cancel an ``open``, ``pending`` or ``pending_review`` session; returns it."""
        path = _session_path(session_id, "cancel")
        # An empty object: sent as no body at all, signed over the empty string (SPEC §2).
        return await self._call(
            CheckoutSession, "POST", path, body={}, idempotency_key=idempotency_key
        )

    async def confirm(
        self, session_id: str, *, idempotency_key: str | None = None
    ) -> CheckoutSession:
        """Confirm a manual payment (a ``pending_review`` session), which completes it."""
        path = _session_path(session_id, "confirm")
        return await self._call(CheckoutSession, "POST", path, idempotency_key=idempotency_key)

    async def receipt(self, session_id: str) -> Receipt:
        """The receipt of a completed session."""
        return await self._call(Receipt, "GET", _session_path(session_id, "receipt"))

    async def receipt_pdf(self, session_id: str) -> bytes:
        """The receipt as a PDF document."""
        _, body = await self._download(_session_path(session_id, "receipt.pdf"), _PDF)
        return body

    def stream_receipt_pdf(self, session_id: str) -> AsyncDownload:
        """The receipt as a PDF read as it arrives:
        ``async with plug.checkout_sessions.stream_receipt_pdf(id) as download``, then
        ``download.aiter_bytes()``."""
        return self._stream(_session_path(session_id, "receipt.pdf"), _PDF)

    async def receipt_html(self, session_id: str) -> str:
        """The receipt as an HTML page."""
        content_type, body = await self._download(_session_path(session_id, "receipt.html"), _HTML)
        return text_of(content_type, body)

    async def receipt_escpos(self, session_id: str, *, width: int | None = None) -> bytes:
        """The receipt as ESC/POS commands for a thermal printer ``width`` characters wide (32 or
        48; the server's default when left out)."""
        path = _session_path(session_id, "receipt.escpos")
        checks.check_escpos_width(width)
        _, body = await self._download(path, _ESCPOS, query=[("width", width)])
        return body

    async def email_receipt(
        self, session_id: str, *, to: str | None = None, idempotency_key: str | None = None
    ) -> Receipt:
        """Email the receipt, to ``to`` or else to the customer's address; returns the receipt
        (``emailed_at``, ``emailed_to``)."""
        path = _session_path(session_id, "receipt", "email")
        if to is not None:
            checks.email()("to", to)
        # Without ``to``, an empty object: sent as no body at all (SPEC §2).
        body = {} if to is None else {"to": to}
        return await self._call(Receipt, "POST", path, body=body, idempotency_key=idempotency_key)
