"""``plug.receipts``: every receipt the workspace issued, for checkout sessions and invoices
alike, and each as a document (SPEC-MONEY §6; SURVEY §1.10)."""

from __future__ import annotations

import builtins
from datetime import datetime

from ... import _validation as checks
from ..._models.checkout import Receipt
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_datetime, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource, text_of

__all__ = ["AsyncReceipts"]

_PATH = "/api/v1/receipts"
ORDERS = ("asc", "desc")
_PDF = "application/pdf, application/json"
_HTML = "text/html, application/json"
_ESCPOS = "application/octet-stream, application/json"


def _receipt_path(receipt_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(receipt_id, "receipt_id"), *rest))


class AsyncReceipts(AsyncResource):
    """List and read receipts; email them; fetch them as PDF, HTML or ESC/POS."""

    __slots__ = ()

    def list(
        self,
        *,
        customer_id: str | None = None,
        source_type: str | None = None,
        issued_after: datetime | str | None = None,
        issued_before: datetime | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncCursorPaginator[Receipt]:
        """Receipts, newest first unless ``order="asc"``: of one customer, of one kind of
        source (``checkout_session`` or ``invoice``), issued in a window."""
        check_str("customer_id", customer_id, max_length=255)
        check_str("source_type", source_type, max_length=64)
        check_datetime("issued_after", issued_after)
        check_datetime("issued_before", issued_before)
        check_limit(limit)
        check_cursor(cursor)
        check_choice("order", order, ORDERS)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("customerId", customer_id),
            ("sourceType", source_type),
            ("issuedAfter", issued_after),
            ("issuedBefore", issued_before),
            ("order", order),
        ]
        return self._paginate(Receipt, _PATH, query, cursor)

    async def get(self, receipt_id: str) -> Receipt:
        """One receipt by id."""
        return await self._call(Receipt, "GET", _receipt_path(receipt_id))

    retrieve = get

    async def email(
        self, receipt_id: str, *, to: str | None = None, idempotency_key: str | None = None
    ) -> Receipt:
        """Email the receipt, to ``to`` or else to the customer's address; returns the receipt
        (``emailed_at``, ``emailed_to``)."""
        path = _receipt_path(receipt_id, "email")
        if to is not None:
            checks.email()("to", to)
        # Without ``to``, an empty object: sent as no body at all (SPEC §2).
        body = {} if to is None else {"to": to}
        return await self._call(Receipt, "POST", path, body=body, idempotency_key=idempotency_key)

    async def pdf(self, receipt_id: str) -> bytes:
        """The receipt as a PDF document."""
        _, body = await self._download(_receipt_path(receipt_id, "receipt.pdf"), _PDF)
        return body

    async def html(self, receipt_id: str) -> str:
        """The receipt as an HTML page."""
        content_type, body = await self._download(_receipt_path(receipt_id, "receipt.html"), _HTML)
        return text_of(content_type, body)

    async def escpos(self, receipt_id: str, *, width: int | None = None) -> bytes:
        """The receipt as ESC/POS commands for a thermal printer ``width`` characters wide (32
        or 48; the server's default when left out)."""
        path = _receipt_path(receipt_id, "receipt.escpos")
        checks.check_escpos_width(width)
        _, body = await self._download(path, _ESCPOS, query=[("width", width)])
        return body
