"""``plug.invoices``: bill a customer, collect the bill, and fetch it as a document (SPEC-MONEY
§4, §6; SURVEY §1.3)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.checkout import Receipt
from ..._models.invoices import Invoice, InvoiceEmail, InvoiceLine
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_limit, check_str
from .._download import AsyncDownload
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource, text_of

__all__ = ["AsyncInvoices"]

_PATH = "/api/v1/invoices"
ORDERS = ("asc", "desc")
_PDF = "application/pdf, application/json"
_HTML = "text/html, application/json"
_ESCPOS = "application/octet-stream, application/json"
FIELDS = Fields(
    {
        "customer_id": Field("customerId", checks.prefixed("cus_"), required=True),
        "currency": Field("currency", checks.currency(), required=True),
        "lines": Field(
            "lines", checks.invoice_lines(), required=True, convert=checks.invoice_lines_wire
        ),
        "discount": Field("discount", checks.amount()),
        "tax": Field("tax", checks.amount()),
        "due_at": Field("dueAt", checks.timestamp(), convert=checks.timestamp_wire),
        "status": Field("status", checks.text(64)),
        "memo": Field("memo", checks.text(2000)),
        "subscription_id": Field("subscriptionId", checks.text(255)),
        "template_id": Field("templateId", checks.text(255)),
    }
)
"""What an invoice is created with; it is never updated (void it and make another)."""


def _invoice_path(invoice_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(invoice_id, "invoice_id"), *rest))


class AsyncInvoices(AsyncResource):
    """Create invoices; read and list them; finalize, pay, void and send them; fetch them as
    PDF, HTML or ESC/POS, and the receipt of a paid one."""

    __slots__ = ()

    async def create(
        self,
        *,
        customer_id: str,
        currency: str,
        lines: Sequence[InvoiceLine | Mapping[str, Any]],
        discount: int | None = None,
        tax: int | None = None,
        due_at: datetime | str | None = None,
        status: str | None = None,
        memo: str | None = None,
        subscription_id: str | None = None,
        template_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Invoice:
        """A new invoice of ``lines`` (dicts or ``InvoiceLine`` models: ``description``,
        ``quantity``, ``unit_amount``, optionally ``price_id`` and ``metadata``), ``draft``
        unless ``status="open"``. Amounts are ``int`` in the currency's minor unit; the total is
        Σ quantity × unit amount − ``discount`` + ``tax``. Returns the invoice."""
        body = FIELDS.create_body(locals())
        return await self._call(Invoice, "POST", _PATH, body=body, idempotency_key=idempotency_key)

    async def get(self, invoice_id: str) -> Invoice:
        """One invoice by ``inv_`` id (with ``charge_id`` once paid)."""
        return await self._call(Invoice, "GET", _invoice_path(invoice_id))

    retrieve = get

    def list(
        self,
        *,
        customer_id: str | None = None,
        subscription_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncCursorPaginator[Invoice]:
        """Invoices of the key's mode, newest first unless ``order="asc"``."""
        check_str("customer_id", customer_id, max_length=255)
        check_str("subscription_id", subscription_id, max_length=255)
        check_str("status", status, max_length=64)
        check_limit(limit)
        check_cursor(cursor)
        check_choice("order", order, ORDERS)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("customerId", customer_id),
            ("subscriptionId", subscription_id),
            ("status", status),
            ("order", order),
        ]
        return self._paginate(Invoice, _PATH, query, cursor)

    async def _action(self, invoice_id: str, action: str, idempotency_key: str | None) -> Invoice:
        path = _invoice_path(invoice_id, action)
        # An empty object: sent as no body at all, signed over the empty string (SPEC §2).
        return await self._call(Invoice, "POST", path, body={}, idempotency_key=idempotency_key)

    async def finalize(self, invoice_id: str, *, idempotency_key: str | None = None) -> Invoice:
        """Finalize a ``draft``: it becomes ``open`` with its ``number`` and
        ``hosted_invoice_url``. Returns the invoice."""
        return await self._action(invoice_id, "finalize", idempotency_key)

    async def pay(self, invoice_id: str, *, idempotency_key: str | None = None) -> Invoice:
        """Mark an ``open`` invoice paid (money received off the platform); returns it."""
        return await self._action(invoice_id, "pay", idempotency_key)

    async def void(self, invoice_id: str, *, idempotency_key: str | None = None) -> Invoice:
        """Void a ``draft`` or ``open`` invoice: nothing is owed on it. Returns it."""
        return await self._action(invoice_id, "void", idempotency_key)

    async def send(self, invoice_id: str, *, idempotency_key: str | None = None) -> Invoice:
        """Send an ``open`` invoice to its customer (``invoice.sent``); returns it."""
        return await self._action(invoice_id, "send", idempotency_key)

    async def send_email(
        self, invoice_id: str, *, to: str | None = None, idempotency_key: str | None = None
    ) -> InvoiceEmail:
        """Email the invoice, to ``to`` or else to the customer's address; returns whether it
        was sent, and to whom."""
        path = _invoice_path(invoice_id, "send-email")
        if to is not None:
            checks.email()("to", to)
        # Without ``to``, an empty object: sent as no body at all (SPEC §2).
        body = {} if to is None else {"to": to}
        return await self._call(
            InvoiceEmail, "POST", path, body=body, idempotency_key=idempotency_key
        )

    async def pdf(self, invoice_id: str) -> bytes:
        """The invoice as a PDF document."""
        _, body = await self._download(_invoice_path(invoice_id, "invoice.pdf"), _PDF)
        return body

    def stream_pdf(self, invoice_id: str) -> AsyncDownload:
        """The invoice as a PDF read as it arrives:
        ``async with plug.invoices.stream_pdf(id) as download``, then
        ``download.aiter_bytes()``."""
        return self._stream(_invoice_path(invoice_id, "invoice.pdf"), _PDF)

    async def html(self, invoice_id: str) -> str:
        """The invoice as an HTML page."""
        content_type, body = await self._download(_invoice_path(invoice_id, "invoice.html"), _HTML)
        return text_of(content_type, body)

    async def escpos(self, invoice_id: str, *, width: int | None = None) -> bytes:
        """The invoice as ESC/POS commands for a thermal printer ``width`` characters wide (32
        or 48; the server's default when left out)."""
        path = _invoice_path(invoice_id, "invoice.escpos")
        checks.check_escpos_width(width)
        _, body = await self._download(path, _ESCPOS, query=[("width", width)])
        return body

    async def receipt(self, invoice_id: str) -> Receipt:
        """The receipt of a paid invoice."""
        return await self._call(Receipt, "GET", _invoice_path(invoice_id, "receipt"))
