"""Invoices (SPEC-MONEY §4-§6; SURVEY §1.3, §2 "Invoice"): create, list, get, finalize, pay,
void, send, send-email, documents and the receipt of a paid invoice.

Lifecycle (every other transition is 409 ``INVALID_TRANSITION`` and changes nothing):
``draft`` → ``open`` by ``finalize`` (``number`` ``INV-000001`` per workspace, ``issuedAt``,
``hostedInvoiceUrl``; ``invoice.finalized``) → ``paid`` by ``pay`` or by a completed checkout
session made for it (``invoice.paid``) · ``draft``/``open`` → ``void`` (``invoice.voided``).
``send`` (open) and ``send-email`` (open or paid) emit ``invoice.sent`` with ``to``. A draft has
``number: null``. Creating with ``status: "open"`` finalizes at once.

Totals: ``subtotal`` = Σ quantity × unitAmount, ``total`` = subtotal − discount + tax
(a discount above the subtotal is refused), ``amountDue`` = total − amountPaid.

Paying posts one ledger transaction of source ``invoice``: debit ``balance`` total − fee, debit
``platform_fees`` the fee, credit ``revenue`` total − tax and credit ``tax`` the tax; it issues a
receipt (``RCPT-``, ``sourceType: invoice``) and sets ``chargeId``: the paying session's
``paymentId``, or a new ``ch_`` for ``pay`` (money the merchant collected) and automatic charges.
Refunds find a paid invoice by ``chargeId`` or by ``sourceType: invoice``.

Paying by checkout: ``POST /checkout-sessions`` with ``metadata.invoiceId`` (the published
SDKs have no dedicated field; metadata is where integrators put it), ``amount`` = the invoice's
``amountDue`` and its ``currency``; the invoice must be open. Completing the session pays it.

Private fields: ``_mode``, ``_refunded``, ``_receipt``, ``_memo``, ``_templateId``; a
workspace's ``_invoiceSeq``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..._json import MAX_SAFE_INTEGER
from .._documents import (
    ESCPOS_WIDTHS,
    ReceiptDoc,
    ReceiptLine,
    escpos_document,
    html_document,
    pdf_document,
)
from .._ids import iso_ms, parse_iso
from .._ledger import Line, post
from .._routing import Call, Result, Route
from .._store import Kind, Obj, Store, wire
from .._validate import (
    Rule,
    check_fields,
    email_rule,
    enum_rule,
    metadata_rule,
    problem,
    require_object,
    string_rule,
    validation_error,
)
from .._wire import ApiError, Document
from ._common import bad_query, filtered_page, not_found
from .checkout_sessions import CURRENCIES, RECEIPTS, issue_receipt
from .customers import CUSTOMERS

__all__ = [
    "INVOICES",
    "ROUTES",
    "STATUSES",
    "check_checkout_for",
    "fail_collection",
    "finalize_invoice",
    "new_invoice",
    "send_invoice",
    "settle",
    "settle_by_checkout",
]

INVOICES = Kind("invoices", unique=("chargeId",))
STATUSES = ("draft", "open", "past_due", "paid", "void", "uncollectible")
HOSTED_BASE = "https://plugipay.com/i/"


def _int_rule(low: int) -> Rule:
    def rule(name: str, value: object) -> tuple[str, str] | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value:
            return "invalid", f"{name} must be an integer of at least {low}"
        if value > MAX_SAFE_INTEGER:
            return "invalid", f"{name} must be at most {MAX_SAFE_INTEGER}"
        return None

    return rule


_LINE_KEYS = frozenset({"description", "quantity", "unitAmount", "priceId", "metadata"})
_PRICE_ID = string_rule(1, 255, prefix="price_")


def _lines_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list) or not 1 <= len(value) <= 100:
        return "invalid", f"{name} must be a list of 1-100 lines"
    for i, item in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(item, dict):
            return "invalid", f"{where} must be an object with description, quantity, unitAmount"
        unknown = sorted(set(item) - _LINE_KEYS)
        if unknown:
            return "unknown_field", f"{where}.{unknown[0]} is not a known field"
        text = item.get("description")
        if not isinstance(text, str) or not 1 <= len(text) <= 500:
            return "invalid", f"{where}.description must be a string of 1-500 characters"
        found = _int_rule(1)(f"{where}.quantity", item.get("quantity")) or _int_rule(0)(
            f"{where}.unitAmount", item.get("unitAmount")
        )
        if found is not None:
            return found
        if item.get("priceId") is not None:
            found = _PRICE_ID(f"{where}.priceId", item["priceId"])
        if found is None and item.get("metadata") is not None:
            found = metadata_rule(f"{where}.metadata", item["metadata"])
        if found is not None:
            return found
    return None


def _time_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or parse_iso(value) is None:
        return "invalid", f"{name} must be an ISO 8601 date-time"
    return None


_RULES: dict[str, Rule] = {
    "customerId": string_rule(1, 255, prefix="cus_"),
    "currency": enum_rule(*CURRENCIES),
    "lines": _lines_rule,
    "discount": _int_rule(0),
    "tax": _int_rule(0),
    "dueAt": _time_rule,
    "status": enum_rule("draft", "open"),
    "memo": string_rule(1, 2000),
    "subscriptionId": string_rule(1, 255, prefix="sub_"),
    "templateId": string_rule(1, 255, prefix="tpl_"),
}
_REQUIRED = ("customerId", "currency", "lines")
_NULLABLE = frozenset(_RULES) - set(_REQUIRED)
_ASSIGNED = frozenset(
    {
        "id",
        "arn",
        "accountId",
        "number",
        "subtotal",
        "total",
        "amountPaid",
        "amountDue",
        "issuedAt",
        "paidAt",
        "voidedAt",
        "hostedInvoiceUrl",
        "chargeId",
        "collectionAttempts",
        "metadata",
        "createdAt",
        "updatedAt",
    }
)


# -- the lifecycle, shared with subscriptions and checkout --------------------------------------


def _invalid(invoice: Mapping[str, object], action: str) -> ApiError:
    return ApiError(
        409,
        "INVALID_TRANSITION",
        f"Can't {action} invoice {invoice['id']}: it is {invoice['status']}",
    )


def _emit(
    store: Store,
    event: str,
    ws: Obj,
    invoice: Obj,
    now: float,
    *,
    previous: dict[str, object] | None = None,
    extra: Mapping[str, object] | None = None,
) -> None:
    store.events.emit(
        f"plugipay.invoice.{event}.v1",
        ws,
        wire(invoice),
        now=now,
        previous=previous,
        extra=extra,
        mode=str(invoice["_mode"]),
    )


def new_invoice(
    store: Store,
    ws: Obj,
    *,
    customer_id: str,
    currency: str,
    lines: list[Obj],
    discount: int,
    tax: int,
    mode: str,
    now: float,
    due_at: str | None = None,
    subscription_id: str | None = None,
    memo: str | None = None,
    template_id: str | None = None,
) -> Obj:
    """Store a draft invoice (lines: ``description``, ``quantity``, ``unitAmount`` and optional
    ``priceId``) and emit ``invoice.created``. The caller checked the discount fits."""
    account = str(ws["accountId"])
    ident = store.ids.new("inv_")
    stamp = iso_ms(now)
    rows: list[Obj] = []
    for line in lines:
        quantity, unit = line["quantity"], line["unitAmount"]
        assert isinstance(quantity, int) and isinstance(unit, int)
        rows.append(
            {
                "id": store.ids.new("il_"),
                "description": line["description"],
                "quantity": quantity,
                "unitAmount": unit,
                "amount": quantity * unit,
                "priceId": line.get("priceId"),
                "metadata": line.get("metadata"),
            }
        )
    subtotal = sum(int(str(row["amount"])) for row in rows)
    total = subtotal - discount + tax
    invoice: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:invoice/{ident}",
        "accountId": account,
        "customerId": customer_id,
        "subscriptionId": subscription_id,
        "status": "draft",
        "number": None,
        "currency": currency,
        "subtotal": subtotal,
        "discount": discount,
        "tax": tax,
        "total": total,
        "amountPaid": 0,
        "amountDue": total,
        "dueAt": due_at,
        "issuedAt": None,
        "paidAt": None,
        "voidedAt": None,
        "hostedInvoiceUrl": None,
        "chargeId": None,
        "collectionAttempts": 0,
        "lines": rows,
        "metadata": {},
        "createdAt": stamp,
        "updatedAt": stamp,
        "_mode": mode,
        "_refunded": 0,
        "_memo": memo,
        "_templateId": template_id,
    }
    store[INVOICES].insert(invoice, scope=account)
    _emit(store, "created", ws, invoice, now)
    return invoice


def finalize_invoice(store: Store, ws: Obj, invoice: Obj, now: float) -> None:
    """``draft`` → ``open``: the workspace's next number, ``issuedAt``, the hosted URL."""
    if invoice["status"] != "draft":
        raise _invalid(invoice, "finalize")
    seq = ws.get("_invoiceSeq", 0)
    assert isinstance(seq, int)
    ws["_invoiceSeq"] = seq + 1
    stamp = iso_ms(now)
    previous = store[INVOICES].update(
        invoice,
        {
            "status": "open",
            "number": f"INV-{seq + 1:06d}",
            "issuedAt": stamp,
            "hostedInvoiceUrl": HOSTED_BASE + str(invoice["id"]),
            "updatedAt": stamp,
        },
    )
    _emit(store, "finalized", ws, invoice, now, previous={"status": previous["status"]})


def _customer_email(store: Store, invoice: Obj) -> str | None:
    customer = store[CUSTOMERS].get(str(invoice["customerId"]))
    email = None if customer is None else customer.get("email")
    return email if isinstance(email, str) else None


def send_invoice(store: Store, ws: Obj, invoice: Obj, now: float, to: str | None = None) -> str:
    """Send an open invoice (to its customer's email unless ``to``): ``invoice.sent``."""
    if invoice["status"] != "open":
        raise _invalid(invoice, "send")
    address = to or _customer_email(store, invoice)
    invoice["_sentTo"] = address
    _emit(store, "sent", ws, invoice, now, extra={"to": address})
    return address or ""


def settle(
    store: Store,
    ws: Obj,
    invoice: Obj,
    now: float,
    *,
    charge_id: str | None = None,
    method: str | None = None,
    adapter: str | None = None,
) -> None:
    """``open`` → ``paid``: the ledger, a receipt, ``chargeId``, ``invoice.paid``; a
    ``past_due`` subscription it belongs to is ``active`` again."""
    if invoice["status"] != "open":
        raise _invalid(invoice, "pay")
    total, tax = invoice["total"], invoice["tax"]
    assert isinstance(total, int) and isinstance(tax, int)
    stamp = iso_ms(now)
    charge = charge_id or store.ids.new("ch_")
    previous = store[INVOICES].update(
        invoice,
        {
            "status": "paid",
            "amountPaid": total,
            "amountDue": 0,
            "paidAt": stamp,
            "chargeId": charge,
            "updatedAt": stamp,
        },
    )
    fee = store.provider.fee(total)
    lines: list[Line] = [
        ("balance", "debit", total - fee),
        ("platform_fees", "debit", fee),
        ("revenue", "credit", total - tax),
        ("tax", "credit", tax),
    ]
    post(
        store,
        ws,
        lines,
        currency=str(invoice["currency"]),
        source_type="invoice",
        source_id=str(invoice["id"]),
        memo=f"Invoice {invoice['number']}",
        now=now,
    )
    rows = invoice["lines"]
    assert isinstance(rows, list)
    issue_receipt(
        store,
        ws,
        source_type="invoice",
        source=invoice,
        amount=total,
        method=method,
        adapter=adapter,
        line_items=[
            {"name": r["description"], "quantity": r["quantity"], "unitAmount": r["unitAmount"]}
            for r in rows
        ],
        now=now,
    )
    _emit(store, "paid", ws, invoice, now, previous={"status": previous["status"]})
    if invoice["subscriptionId"] is not None:
        from .subscriptions import invoice_paid

        invoice_paid(store, ws, str(invoice["subscriptionId"]), now)


def fail_collection(store: Store, ws: Obj, invoice: Obj, now: float, reason: str) -> None:
    """An automatic charge could not be made: one more attempt counted, ``invoice.failed``."""
    attempts = invoice["collectionAttempts"]
    assert isinstance(attempts, int)
    invoice["collectionAttempts"] = attempts + 1
    invoice["updatedAt"] = iso_ms(now)
    _emit(store, "failed", ws, invoice, now, extra={"reason": reason})


def check_checkout_for(call: Call, invoice_id: str, body: Mapping[str, object]) -> None:
    """A checkout session may collect ``invoice_id`` only if it is open in this workspace and
    the session asks for its ``amountDue`` in its currency (400 otherwise, 409 not open)."""
    invoice = call.store[INVOICES].get(invoice_id, str(call.acting["accountId"]))
    if invoice is None:
        raise validation_error(
            [problem("metadata", "invalid", f"No invoice {invoice_id} in this workspace")]
        )
    if invoice["status"] != "open":
        raise _invalid(invoice, "collect by checkout")
    if body.get("currency") != invoice["currency"] or body.get("amount") != invoice["amountDue"]:
        raise validation_error(
            [
                problem(
                    "amount",
                    "invalid",
                    f"a checkout session for invoice {invoice_id} must ask for its amountDue "
                    f"{invoice['amountDue']} {invoice['currency']}",
                )
            ]
        )


def settle_by_checkout(store: Store, ws: Obj, session: Obj, now: float) -> bool:
    """Pay the invoice ``session`` was made for, if it is still open; whether it did."""
    invoice = store[INVOICES].get(str(session["_invoiceId"]))
    if invoice is None or invoice["status"] != "open":
        return False
    settle(
        store,
        ws,
        invoice,
        now,
        charge_id=str(session["paymentId"]),
        method=str(session["paymentMethod"]),
        adapter=str(session["adapter"]),
    )
    session["_receipt"] = invoice["_receipt"]
    return True


# -- routes -----------------------------------------------------------------------------------


def _invoice(call: Call) -> Obj:
    found = call.store[INVOICES].get(call.params["invoice"], str(call.acting["accountId"]))
    if found is None:
        raise not_found("Invoice")
    return found


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _RULES, nullable=_NULLABLE, required=_REQUIRED, read_only=_ASSIGNED)
    store, ws = call.store, call.acting
    account = str(ws["accountId"])
    customer_id = str(body["customerId"])
    if store[CUSTOMERS].get(customer_id, account) is None:
        raise validation_error(
            [problem("customerId", "invalid", f"No customer {customer_id} in this workspace")]
        )
    sub_id = body.get("subscriptionId")
    if sub_id is not None:
        from .subscriptions import SUBSCRIPTIONS

        if store[SUBSCRIPTIONS].get(str(sub_id), account) is None:
            raise validation_error(
                [problem("subscriptionId", "invalid", f"No subscription {sub_id} here")]
            )
    lines = body["lines"]
    assert isinstance(lines, list)
    discount, tax = body.get("discount") or 0, body.get("tax") or 0
    assert isinstance(discount, int) and isinstance(tax, int)
    subtotal = sum(int(line["quantity"]) * int(line["unitAmount"]) for line in lines)
    if discount > subtotal:
        raise validation_error(
            [
                problem(
                    "discount", "invalid", f"discount {discount} is above the subtotal {subtotal}"
                )
            ]
        )
    due = body.get("dueAt")
    invoice = new_invoice(
        store,
        ws,
        customer_id=customer_id,
        currency=str(body["currency"]),
        lines=[dict(line) for line in lines],
        discount=discount,
        tax=tax,
        mode=call.mode,
        now=call.now,
        due_at=None if due is None else iso_ms(parse_iso(str(due)) or 0.0),
        subscription_id=None if sub_id is None else str(sub_id),
        memo=None if body.get("memo") is None else str(body["memo"]),
        template_id=None if body.get("templateId") is None else str(body["templateId"]),
    )
    if body.get("status") == "open":
        finalize_invoice(store, ws, invoice, call.now)
    return 201, wire(invoice), None


def get(call: Call) -> Result:
    return 200, wire(_invoice(call)), None


def list_invoices(call: Call) -> Result:
    return filtered_page(
        call,
        INVOICES,
        {"status": "status", "customerId": "customerId", "subscriptionId": "subscriptionId"},
        choices={"status": STATUSES},
        mode_field="_mode",
    )


def _action(call: Call) -> Obj:
    check_fields(require_object(call.body), {})
    return _invoice(call)


def finalize(call: Call) -> Result:
    invoice = _action(call)
    finalize_invoice(call.store, call.acting, invoice, call.now)
    return 200, wire(invoice), None


def pay(call: Call) -> Result:
    invoice = _action(call)
    settle(call.store, call.acting, invoice, call.now)
    return 200, wire(invoice), None


def void(call: Call) -> Result:
    invoice = _action(call)
    if invoice["status"] not in ("draft", "open"):
        raise _invalid(invoice, "void")
    stamp = iso_ms(call.now)
    previous = call.store[INVOICES].update(
        invoice, {"status": "void", "voidedAt": stamp, "amountDue": 0, "updatedAt": stamp}
    )
    _emit(call.store, "voided", call.acting, invoice, call.now, previous=previous)
    return 200, wire(invoice), None


def send(call: Call) -> Result:
    invoice = _action(call)
    send_invoice(call.store, call.acting, invoice, call.now)
    return 200, wire(invoice), None


def send_email(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, {"to": email_rule}, nullable=frozenset({"to"}))
    invoice = _invoice(call)
    if invoice["status"] not in ("open", "paid"):
        raise _invalid(invoice, "email")
    to = body.get("to") or _customer_email(call.store, invoice)
    if to is None:
        raise validation_error(
            [problem("to", "required", "to is required: the invoice's customer has no email")]
        )
    _emit(call.store, "sent", call.acting, invoice, call.now, extra={"to": to})
    return 200, {"sent": True, "to": to}, None


def _doc(call: Call) -> ReceiptDoc:
    invoice = _invoice(call)
    if invoice["number"] is None:
        raise _invalid(invoice, "render")
    customer = call.store[CUSTOMERS].get(str(invoice["customerId"]))
    who = None
    if customer is not None:
        who = " ".join(str(v) for v in (customer["name"], customer["email"]) if v) or None
    rows = invoice["lines"]
    assert isinstance(rows, list)
    lines = [ReceiptLine(str(r["description"]), r["quantity"], r["unitAmount"]) for r in rows]
    discount, tax, total = invoice["discount"], invoice["tax"], invoice["total"]
    assert isinstance(discount, int) and isinstance(tax, int) and isinstance(total, int)
    if discount:
        lines.append(ReceiptLine("Discount", 1, -discount))
    if tax:
        lines.append(ReceiptLine("Tax", 1, tax))
    ws = call.acting
    return ReceiptDoc(
        number=str(invoice["number"]),
        issued_at=str(invoice["issuedAt"]),
        business=str(ws["brandName"] or ws["name"]),
        amount=total,
        currency=str(invoice["currency"]),
        method=None,
        source_id=str(invoice["id"]),
        customer=who,
        lines=lines,
        title="Invoice",
    )


def invoice_pdf(call: Call) -> Result:
    doc = _doc(call)
    return 200, Document("application/pdf", pdf_document(doc), f"{doc.number}.pdf"), None


def invoice_html(call: Call) -> Result:
    page = html_document(_doc(call)).encode("utf-8")
    return 200, Document("text/html; charset=utf-8", page), None


def invoice_escpos(call: Call) -> Result:
    text = call.query.get("width") or str(ESCPOS_WIDTHS[0])
    widths = {str(w): w for w in ESCPOS_WIDTHS}
    if text not in widths:
        raise bad_query("width", "width must be 32 or 48 (characters per line)")
    doc = _doc(call)
    return (
        200,
        Document(
            "application/octet-stream", escpos_document(doc, widths[text]), f"{doc.number}.bin"
        ),
        None,
    )


def receipt(call: Call) -> Result:
    invoice = _invoice(call)
    ident = invoice.get("_receipt")
    found = None if ident is None else call.store[RECEIPTS].get(str(ident))
    if found is None:
        raise not_found(f"Receipt (invoice {invoice['id']} is {invoice['status']})")
    return 200, wire(found), None


_READ = "plugipay:invoice:read"
_WRITE = "plugipay:invoice:write"
_PATH = "/invoices/{invoice}"
ROUTES = [
    Route("GET", "/invoices", list_invoices, _READ, "none"),
    Route("POST", "/invoices", create, _WRITE, "honoured"),
    Route("GET", _PATH, get, _READ, "none"),
    Route("POST", f"{_PATH}/finalize", finalize, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/pay", pay, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/void", void, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/send", send, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/send-email", send_email, _WRITE, "honoured"),
    Route("GET", f"{_PATH}/invoice.pdf", invoice_pdf, _READ, "none"),
    Route("GET", f"{_PATH}/invoice.html", invoice_html, _READ, "none"),
    Route("GET", f"{_PATH}/invoice.escpos", invoice_escpos, _READ, "none"),
    Route("GET", f"{_PATH}/receipt", receipt, _READ, "none"),
]
