"""Receipts (SURVEY §1.10, §2 "ReceiptSummary"): every receipt the workspace issued, from paid
checkout sessions and paid invoices alike (``checkout_sessions.issue_receipt`` issues them).

``GET /receipts`` pages ReceiptSummary objects (the receipt without ``lineItems``), newest first,
filtered by ``customerId``, ``sourceType``, ``issuedAfter`` and ``issuedBefore`` (strict
bounds); ``GET /receipts/{id}`` is the whole receipt, as the checkout session's and invoice's
``receipt`` routes answer it; ``email`` records ``emailedTo``/``emailedAt`` (``to`` defaults to
the customer's email); ``receipt.pdf``, ``.html`` and ``.escpos?width=32|48`` render it.
"""

from __future__ import annotations

from .._documents import (
    ESCPOS_WIDTHS,
    ReceiptDoc,
    ReceiptLine,
    escpos_document,
    html_document,
    pdf_document,
)
from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import Obj, wire
from .._validate import check_fields, email_rule, problem, require_object, validation_error
from .._wire import Document
from ._common import bad_query, filtered_page, not_found
from .checkout_sessions import RECEIPTS
from .customers import CUSTOMERS

__all__ = ["ROUTES", "SOURCE_TYPES", "summary"]

SOURCE_TYPES = ("checkout_session", "invoice")


def summary(receipt: Obj) -> Obj:
    """The ReceiptSummary view of a stored receipt."""
    out = wire(receipt)
    del out["lineItems"]
    return out


def _receipt(call: Call) -> Obj:
    found = call.store[RECEIPTS].get(call.params["receipt"], str(call.acting["accountId"]))
    if found is None:
        raise not_found("Receipt")
    return found


def _customer(call: Call, receipt: Obj) -> Obj | None:
    ident = receipt["customerId"]
    return None if ident is None else call.store[CUSTOMERS].get(str(ident))


def list_receipts(call: Call) -> Result:
    return filtered_page(
        call,
        RECEIPTS,
        {"sourceType": "sourceType", "customerId": "customerId"},
        choices={"sourceType": SOURCE_TYPES},
        window=("issuedAt", "issuedAfter", "issuedBefore"),
        shape=summary,
    )


def get(call: Call) -> Result:
    return 200, wire(_receipt(call)), None


def email(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, {"to": email_rule}, nullable=frozenset({"to"}))
    receipt = _receipt(call)
    to = body.get("to")
    if to is None:
        customer = _customer(call, receipt)
        to = None if customer is None else customer["email"]
    if to is None:
        raise validation_error(
            [problem("to", "required", "to is required: the receipt's customer has no email")]
        )
    receipt["emailedTo"] = to
    receipt["emailedAt"] = iso_ms(call.now)
    return 200, wire(receipt), None


def _doc(call: Call) -> ReceiptDoc:
    receipt = _receipt(call)
    customer = _customer(call, receipt)
    who = None
    if customer is not None:
        who = " ".join(str(v) for v in (customer["name"], customer["email"]) if v) or None
    items = receipt["lineItems"]
    lines = [
        ReceiptLine(str(item["name"]), int(item["quantity"]), int(item["unitAmount"]))
        for item in (items if isinstance(items, list) else [])
    ]
    amount = receipt["amount"]
    assert isinstance(amount, int)
    ws = call.acting
    return ReceiptDoc(
        number=str(receipt["number"]),
        issued_at=str(receipt["issuedAt"]),
        business=str(ws["brandName"] or ws["name"]),
        amount=amount,
        currency=str(receipt["currency"]),
        method=None if receipt["method"] is None else str(receipt["method"]),
        source_id=str(receipt["sourceId"]),
        customer=who,
        lines=lines,
    )


def receipt_pdf(call: Call) -> Result:
    doc = _doc(call)
    return 200, Document("application/pdf", pdf_document(doc), f"{doc.number}.pdf"), None


def receipt_html(call: Call) -> Result:
    page = html_document(_doc(call)).encode("utf-8")
    return 200, Document("text/html; charset=utf-8", page), None


def receipt_escpos(call: Call) -> Result:
    text = call.query.get("width") or str(ESCPOS_WIDTHS[0])
    widths = {str(w): w for w in ESCPOS_WIDTHS}
    if text not in widths:
        raise bad_query("width", "width must be 32 or 48 (characters per line)")
    doc = _doc(call)
    data = escpos_document(doc, widths[text])
    return 200, Document("application/octet-stream", data, f"{doc.number}.bin"), None


_READ = "plugipay:receipt:read"
_WRITE = "plugipay:receipt:write"
_PATH = "/receipts/{receipt}"
ROUTES = [
    Route("GET", "/receipts", list_receipts, _READ, "none"),
    Route("GET", _PATH, get, _READ, "none"),
    Route("POST", f"{_PATH}/email", email, _WRITE, "honoured"),
    Route("GET", f"{_PATH}/receipt.pdf", receipt_pdf, _READ, "none"),
    Route("GET", f"{_PATH}/receipt.html", receipt_html, _READ, "none"),
    Route("GET", f"{_PATH}/receipt.escpos", receipt_escpos, _READ, "none"),
]
