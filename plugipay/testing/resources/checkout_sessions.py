"""Checkout sessions (SPEC-MONEY §4, §6, §7; SURVEY §1.1, §2 "CheckoutSession"): the payment
entry point, its receipts, and the two buyer-side routes a browser calls to pay.

Lifecycle (every other transition is 409 ``INVALID_TRANSITION`` and changes nothing):
``open`` → ``completed`` (paid with an automatic method: ``paymentId`` ``ch_…``,
``paymentMethod``, ``adapter``, ``completedAt``; a receipt issued; the ledger posted; event
``checkout_session.completed``) · ``open`` → ``pending_review`` (a manual bank transfer claimed)
→ ``completed`` by ``confirm`` · ``open`` → ``failed`` · ``open``/``pending``/``pending_review``
→ ``canceled`` by ``cancel`` · ``open`` → ``expired`` when business time reaches ``expiresAt``
(``expiresInSec`` after creation, default 24 h; event ``checkout_session.expired`` stamped then).

Sessions live in one collection scoped by ``accountId`` with ``paymentId`` unique per workspace
(refunds find their charge by it); receipts (``rcpt_``, numbered ``RCPT-000001`` per workspace)
in another. Private fields: a session's ``_refunded`` (minor units refunded so far),
``_receipt`` (its receipt id) and ``_invoiceId``; a workspace's ``_receiptSeq``.

A session made with ``metadata.invoiceId`` collects that invoice (``plugipay.testing.resources.
invoices``): it must be open, in the session's currency and for its ``amountDue``; completing the
session pays the invoice (``chargeId`` = the session's ``paymentId``, one ledger posting and one
receipt, both of source ``invoice``, and the session's receipt routes show that receipt). An
invoice paid or voided meanwhile leaves the session an ordinary payment.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import partial
from urllib.parse import urlsplit

from ..._json import MAX_SAFE_INTEGER
from .._documents import (
    ESCPOS_WIDTHS,
    ReceiptDoc,
    ReceiptLine,
    escpos_document,
    html_document,
    pdf_document,
)
from .._events import EventLog
from .._ids import iso_ms
from .._ledger import post_payment
from .._provider import adapter_for
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
from .customers import CUSTOMERS

__all__ = [
    "AUTOMATIC_METHODS",
    "CHECKOUT_SESSIONS",
    "CURRENCIES",
    "METHODS",
    "RECEIPTS",
    "ROUTES",
    "STATUSES",
    "cancel_session",
    "complete",
    "fail_session",
    "invalid_transition",
    "issue_receipt",
    "pay",
]

CHECKOUT_SESSIONS = Kind("checkout_sessions", unique=("paymentId",))
RECEIPTS = Kind("receipts")

CURRENCIES = ("IDR", "USD", "SGD")
METHODS = ("qris", "va", "ewallet", "card", "retail", "paypal", "bank_transfer")
AUTOMATIC_METHODS = frozenset(METHODS) - {"bank_transfer"}
"""Methods the provider settles at once; ``bank_transfer`` waits for the merchant's review."""
STATUSES = ("open", "pending", "pending_review", "completed", "failed", "expired", "canceled")
DEFAULT_EXPIRES_IN = 24 * 60 * 60
MIN_EXPIRES_IN = 60
MAX_EXPIRES_IN = 30 * 24 * 60 * 60
HOSTED_BASE = "https://plugipay.com/c/"

_EVENT_COMPLETED = "plugipay.checkout_session.completed.v1"
_EVENT_EXPIRED = "plugipay.checkout_session.expired.v1"

_LABELS = {
    "qris": ("QRIS", "qris"),
    "va": ("Virtual account", "bank"),
    "ewallet": ("E-wallet", "ewallet"),
    "card": ("Card", "card"),
    "retail": ("Retail outlet", "retail"),
    "paypal": ("PayPal", "paypal"),
    "bank_transfer": ("Bank transfer", "manual"),
}


# -- field rules ------------------------------------------------------------------------------


def _positive_int(name: str, value: object, *, low: int = 1) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        return "invalid", f"{name} must be an integer of at least {low}"
    if value > MAX_SAFE_INTEGER:
        return "invalid", f"{name} must be at most {MAX_SAFE_INTEGER}"
    return None


def _amount_rule(name: str, value: object) -> tuple[str, str] | None:
    return _positive_int(name, value)


def _methods_rule(name: str, value: object) -> tuple[str, str] | None:
    listed = ", ".join(METHODS)
    if not isinstance(value, list) or not value:
        return "invalid", f"{name} must be a non-empty list of: {listed}"
    for method in value:
        if not isinstance(method, str) or method not in METHODS:
            return "invalid", f"{name} may only hold: {listed}; got {method!r}"
    if len(set(value)) != len(value):
        return "invalid", f"{name} must not repeat a method"
    return None


def _url_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or not 1 <= len(value) <= 2048:
        return "invalid", f"{name} must be an http(s) URL of at most 2048 characters"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "invalid", f"{name} must be an absolute http(s) URL"
    return None


_LINE_KEYS = frozenset({"name", "quantity", "unitAmount"})


def _line_items_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list) or len(value) > 100:
        return "invalid", f"{name} must be a list of at most 100 line items"
    for i, item in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(item, dict):
            return "invalid", f"{where} must be an object with name, quantity and unitAmount"
        unknown = sorted(set(item) - _LINE_KEYS)
        if unknown:
            return "unknown_field", f"{where}.{unknown[0]} is not a known field"
        text = item.get("name")
        if not isinstance(text, str) or not 1 <= len(text) <= 255:
            return "invalid", f"{where}.name must be a string of 1-255 characters"
        found = _positive_int(f"{where}.quantity", item.get("quantity")) or _positive_int(
            f"{where}.unitAmount", item.get("unitAmount"), low=0
        )
        if found is not None:
            return found
    return None


def _expires_rule(name: str, value: object) -> tuple[str, str] | None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not MIN_EXPIRES_IN <= value <= MAX_EXPIRES_IN
    ):
        return "invalid", (
            f"{name} must be an integer number of seconds from {MIN_EXPIRES_IN} "
            f"to {MAX_EXPIRES_IN} (30 days)"
        )
    return None


_RULES: dict[str, Rule] = {
    "amount": _amount_rule,
    "currency": enum_rule(*CURRENCIES),
    "methods": _methods_rule,
    "successUrl": _url_rule,
    "cancelUrl": _url_rule,
    "customerId": string_rule(1, 255, prefix="cus_"),
    "lineItems": _line_items_rule,
    "expiresInSec": _expires_rule,
    "metadata": metadata_rule,
    "templateId": string_rule(1, 255, prefix="tpl_"),
}
_REQUIRED = ("amount", "currency", "methods", "successUrl", "cancelUrl")
_NULLABLE = frozenset({"customerId", "lineItems", "expiresInSec", "metadata", "templateId"})
_ASSIGNED = frozenset(
    {
        "id",
        "arn",
        "accountId",
        "workspaceName",
        "customer",
        "mode",
        "status",
        "paymentMethod",
        "adapter",
        "hostedUrl",
        "expiresAt",
        "completedAt",
        "paymentId",
        "createdAt",
        "updatedAt",
    }
)


# -- helpers shared with refunds and the fake's buyer hooks -----------------------------------


def invalid_transition(session: Mapping[str, object], action: str) -> ApiError:
    """409 ``INVALID_TRANSITION`` for an ``action`` the session's status forbids."""
    return ApiError(
        409,
        "INVALID_TRANSITION",
        f"Can't {action} checkout session {session['id']}: it is {session['status']}",
    )


def _workspace_of(store: Store, obj: Mapping[str, object]) -> Obj:
    ws = store.workspaces.find("accountId", obj["accountId"])
    assert ws is not None
    return ws


def _emit(events: EventLog, event_type: str, ws: Obj, session: Obj, now: float) -> None:
    events.emit(event_type, ws, wire(session), now=now)


def issue_receipt(
    store: Store,
    ws: Obj,
    *,
    source_type: str,
    source: Obj,
    amount: int,
    method: object,
    adapter: object,
    line_items: list[Obj],
    now: float,
) -> Obj:
    """Issue the next ``RCPT-`` receipt of ``ws`` for a paid ``source`` (a checkout session or an
    invoice) and point ``source["_receipt"]`` at it."""
    seq = ws.get("_receiptSeq", 0)
    assert isinstance(seq, int)
    ws["_receiptSeq"] = seq + 1
    account = str(ws["accountId"])
    receipt: Obj = {
        "id": store.ids.new("rcpt_"),
        "number": f"RCPT-{seq + 1:06d}",
        "sourceType": source_type,
        "sourceId": source["id"],
        "customerId": source["customerId"],
        "amount": amount,
        "currency": source["currency"],
        "method": method,
        "adapter": adapter,
        "lineItems": line_items,
        "issuedAt": iso_ms(now),
        "emailedAt": None,
        "emailedTo": None,
    }
    store[RECEIPTS].insert(receipt, scope=account, stamp=str(receipt["issuedAt"]))
    source["_receipt"] = receipt["id"]
    return receipt


def _issue_receipt(store: Store, ws: Obj, session: Obj, now: float) -> Obj:
    amount = session["amount"]
    assert isinstance(amount, int)
    items = session["lineItems"]
    return issue_receipt(
        store,
        ws,
        source_type="checkout_session",
        source=session,
        amount=amount,
        method=session["paymentMethod"],
        adapter=session["adapter"],
        line_items=copy.deepcopy(items) if isinstance(items, list) else [],
        now=now,
    )


def complete(store: Store, ws: Obj, session: Obj, now: float) -> None:
    """Settle a paid session: ``paymentId``, ``completedAt``, a receipt, the ledger, the event.
    The caller has checked the transition and set ``paymentMethod`` and ``adapter``."""
    stamp = iso_ms(now)
    store[CHECKOUT_SESSIONS].update(
        session,
        {
            "status": "completed",
            "paymentId": store.ids.new("ch_"),
            "completedAt": stamp,
            "updatedAt": stamp,
        },
    )
    if session.get("_invoiceId") is not None:
        from .invoices import settle_by_checkout

        if settle_by_checkout(store, ws, session, now):
            _emit(store.events, _EVENT_COMPLETED, ws, session, now)
            return
    _issue_receipt(store, ws, session, now)
    amount, currency = session["amount"], str(session["currency"])
    assert isinstance(amount, int)
    post_payment(
        store,
        ws,
        amount=amount,
        currency=currency,
        source_type="checkout_session",
        source_id=str(session["id"]),
        now=now,
    )
    _emit(store.events, _EVENT_COMPLETED, ws, session, now)


def pay(store: Store, session: Obj, method: str, now: float) -> None:
    """The buyer pays ``session`` with ``method``: an automatic method completes it, a bank
    transfer puts it in ``pending_review``. ``ApiError`` for a method the session does not
    offer (400) or a session that isn't ``open`` (409)."""
    if method not in METHODS:
        raise validation_error(
            [problem("method", "invalid", f"method must be one of: {', '.join(METHODS)}")]
        )
    methods = session["methods"]
    assert isinstance(methods, list)
    if method not in methods:
        raise validation_error(
            [
                problem(
                    "method",
                    "invalid",
                    f"checkout session {session['id']} does not offer {method}; "
                    f"it offers: {', '.join(map(str, methods))}",
                )
            ]
        )
    if session["status"] != "open":
        raise invalid_transition(session, "pay")
    ws = _workspace_of(store, session)
    stamp = iso_ms(now)
    store[CHECKOUT_SESSIONS].update(
        session, {"paymentMethod": method, "adapter": adapter_for(method), "updatedAt": stamp}
    )
    if method in AUTOMATIC_METHODS:
        complete(store, ws, session, now)
    else:
        session["status"] = "pending_review"


def fail_session(store: Store, session: Obj, now: float) -> None:
    """The payment failed: ``open`` → ``failed`` (409 from any other status)."""
    if session["status"] != "open":
        raise invalid_transition(session, "fail")
    store[CHECKOUT_SESSIONS].update(session, {"status": "failed", "updatedAt": iso_ms(now)})


def cancel_session(store: Store, session: Obj, now: float) -> None:
    """``open``/``pending``/``pending_review`` → ``canceled`` (409 from any other status)."""
    if session["status"] not in ("open", "pending", "pending_review"):
        raise invalid_transition(session, "cancel")
    store[CHECKOUT_SESSIONS].update(session, {"status": "canceled", "updatedAt": iso_ms(now)})


def _expire(store: Store, session: Obj, due: float) -> None:
    """The session's expiry timer: an ``open`` session expires at ``expiresAt``."""
    if session["status"] != "open":
        return
    store[CHECKOUT_SESSIONS].update(session, {"status": "expired", "updatedAt": iso_ms(due)})
    _emit(store.events, _EVENT_EXPIRED, _workspace_of(store, session), session, due)


# -- merchant routes --------------------------------------------------------------------------


def _session(call: Call) -> Obj:
    found = call.store[CHECKOUT_SESSIONS].get(call.params["session"], str(call.acting["accountId"]))
    # A key sees only its own mode's sessions (SPEC-MONEY §2): a test key can't touch live money.
    if found is None or found["mode"] != call.mode:
        raise not_found("Checkout session")
    return found


def _customer_view(customer: Obj) -> Obj:
    return {
        "id": customer["id"],
        "name": customer["name"],
        "email": customer["email"],
        "phone": customer["phone"],
        "externalId": customer["externalId"],
    }


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _RULES, nullable=_NULLABLE, required=_REQUIRED, read_only=_ASSIGNED)
    ws, store = call.acting, call.store
    account = str(ws["accountId"])
    customer_id = body.get("customerId")
    customer = None
    if customer_id is not None:
        customer = store[CUSTOMERS].get(str(customer_id), account)
        if customer is None:
            raise validation_error(
                [problem("customerId", "invalid", f"No customer {customer_id} in this workspace")]
            )
    metadata = body.get("metadata")
    invoice_id = metadata.get("invoiceId") if isinstance(metadata, dict) else None
    if invoice_id is not None:
        from .invoices import check_checkout_for

        check_checkout_for(call, str(invoice_id), body)
    expires_in = body.get("expiresInSec")
    seconds = expires_in if isinstance(expires_in, int) else DEFAULT_EXPIRES_IN
    stamp = iso_ms(call.now)
    ident = store.ids.new("cs_")
    line_items = body.get("lineItems")
    session: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:checkout_session/{ident}",
        "accountId": account,
        "workspaceName": ws["name"],
        "customerId": customer_id,
        "customer": None if customer is None else _customer_view(customer),
        "mode": call.mode,
        "status": "open",
        "amount": body["amount"],
        "currency": body["currency"],
        "methods": list(body["methods"]) if isinstance(body["methods"], list) else [],
        "paymentMethod": None,
        "adapter": None,
        "lineItems": copy.deepcopy(line_items) if isinstance(line_items, list) else [],
        "successUrl": body["successUrl"],
        "cancelUrl": body["cancelUrl"],
        "hostedUrl": HOSTED_BASE + ident,
        "expiresAt": iso_ms(call.now + seconds),
        "completedAt": None,
        "paymentId": None,
        "metadata": dict(metadata) if isinstance(metadata, dict) else {},
        "createdAt": stamp,
        "updatedAt": stamp,
        "_refunded": 0,
        "_templateId": body.get("templateId"),
        "_invoiceId": invoice_id,
    }
    store[CHECKOUT_SESSIONS].insert(session, scope=account)
    store.timers.at(call.now + seconds, partial(_expire, store, session))
    return 201, wire(session), None


def get(call: Call) -> Result:
    return 200, wire(_session(call)), None


def list_sessions(call: Call) -> Result:
    return filtered_page(
        call,
        CHECKOUT_SESSIONS,
        {"status": "status", "customerId": "customerId"},
        choices={"status": STATUSES},
        window=("createdAt", "createdAfter", "createdBefore"),
        mode_field="mode",
    )


def cancel(call: Call) -> Result:
    check_fields(require_object(call.body), {})
    session = _session(call)
    cancel_session(call.store, session, call.now)
    return 200, wire(session), None


def confirm(call: Call) -> Result:
    check_fields(require_object(call.body), {})
    session = _session(call)
    if session["status"] != "pending_review":
        raise invalid_transition(session, "confirm")
    complete(call.store, call.acting, session, call.now)
    return 200, wire(session), None


# -- receipts ---------------------------------------------------------------------------------


def _receipt(call: Call) -> tuple[Obj, Obj]:
    session = _session(call)
    ident = session.get("_receipt")
    receipt = None if ident is None else call.store[RECEIPTS].get(str(ident))
    if receipt is None:
        raise not_found(f"Receipt (checkout session {session['id']} is {session['status']})")
    return session, receipt


def _doc(call: Call) -> ReceiptDoc:
    session, receipt = _receipt(call)
    ws = call.acting
    customer = session["customer"]
    who = None
    if isinstance(customer, dict):
        who = " ".join(str(v) for v in (customer["name"], customer["email"]) if v) or None
    items = session["lineItems"]
    lines = [
        ReceiptLine(str(item["name"]), int(item["quantity"]), int(item["unitAmount"]))
        for item in (items if isinstance(items, list) else [])
    ]
    amount = receipt["amount"]
    assert isinstance(amount, int)
    return ReceiptDoc(
        number=str(receipt["number"]),
        issued_at=str(receipt["issuedAt"]),
        business=str(ws["brandName"] or ws["name"]),
        amount=amount,
        currency=str(receipt["currency"]),
        method=None if receipt["method"] is None else str(receipt["method"]),
        source_id=str(session["id"]),
        customer=who,
        lines=lines,
    )


def receipt(call: Call) -> Result:
    return 200, wire(_receipt(call)[1]), None


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


def email_receipt(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, {"to": email_rule}, nullable=frozenset({"to"}))
    session, found = _receipt(call)
    to = body.get("to")
    if to is None:
        customer = session["customer"]
        to = customer.get("email") if isinstance(customer, dict) else None
    if to is None:
        raise validation_error(
            [problem("to", "required", "to is required: the session's customer has no email")]
        )
    found["emailedTo"] = to
    found["emailedAt"] = iso_ms(call.now)
    return 200, wire(found), None


# -- buyer side (public, unsigned) ------------------------------------------------------------


def _public_session(call: Call) -> tuple[Obj, Obj]:
    session = call.store[CHECKOUT_SESSIONS].get(call.params["session"])
    if session is None:
        raise not_found("Checkout session")
    return session, _workspace_of(call.store, session)


def public_get(call: Call) -> Result:
    session, ws = _public_session(call)
    methods = session["methods"]
    assert isinstance(methods, list)
    data: Obj = {
        "session": {
            name: wire(session)[name]
            for name in (
                "id",
                "amount",
                "currency",
                "status",
                "expiresAt",
                "successUrl",
                "cancelUrl",
                "lineItems",
            )
        },
        "methods": list(methods),
        "catalog": [
            {
                "id": method,
                "label": _LABELS[method][0],
                "group": _LABELS[method][1],
                "currency": session["currency"],
            }
            for method in methods
        ],
        "branding": {
            "brandName": ws["brandName"] or ws["name"],
            "brandLogoUrl": None,
            "brandAccentColor": None,
            "brandTagline": None,
        },
        "activeAdapters": sorted({adapter_for(method) for method in methods}),
    }
    return 200, data, None


def public_charge(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, {"method": enum_rule(*METHODS)}, required=("method",))
    session, ws = _public_session(call)
    method = str(body["method"])
    pay(call.store, session, method, call.now)
    if method in AUTOMATIC_METHODS:
        return 200, {"kind": "redirect", "redirectUrl": session["successUrl"]}, None
    instructions: Obj = {
        "heading": "Transfer the exact amount to this account",
        "note": f"Use {session['id']} as the transfer reference; the merchant confirms it.",
        "bankAccounts": [
            {
                "bankName": "BCA",
                "accountNumber": "0000000000",
                "accountHolder": ws["brandName"] or ws["name"],
            }
        ],
        "amount": session["amount"],
        "currency": session["currency"],
    }
    return 200, {"kind": "instructions", "instructions": instructions}, None


_READ = "plugipay:checkout:read"
_WRITE = "plugipay:checkout:write"
_PATH = "/checkout-sessions/{session}"
_PUBLIC = "/public/checkout/sessions/{session}"

ROUTES = [
    Route("GET", "/checkout-sessions", list_sessions, _READ, "none"),
    Route("POST", "/checkout-sessions", create, _WRITE, "honoured"),
    Route("GET", _PATH, get, _READ, "none"),
    Route("POST", f"{_PATH}/cancel", cancel, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/confirm", confirm, _WRITE, "honoured"),
    Route("GET", f"{_PATH}/receipt", receipt, _READ, "none"),
    Route("GET", f"{_PATH}/receipt-link", receipt, _READ, "none"),
    Route("GET", f"{_PATH}/receipt.pdf", receipt_pdf, _READ, "none"),
    Route("GET", f"{_PATH}/receipt.html", receipt_html, _READ, "none"),
    Route("GET", f"{_PATH}/receipt.escpos", receipt_escpos, _READ, "none"),
    Route("POST", f"{_PATH}/receipt/email", email_receipt, _WRITE, "honoured"),
    Route("GET", _PUBLIC, public_get, "", "none", public=True),
    Route("POST", f"{_PUBLIC}/charge", public_charge, "", "none", public=True),
]
