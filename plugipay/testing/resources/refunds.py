"""Refunds (SPEC-MONEY §4; SURVEY §1.2, §2 "Refund"): create, get, list.

A refund names its charge by ``chargeId`` (a completed session's ``paymentId``) or by
``sourceType`` + ``sourceId`` (``checkout_session``, or ``invoice``: a paid invoice, whose
``chargeId`` also names it; the refund's ``invoiceId`` is then set). A session that paid an
invoice and that invoice are one charge: refunds through either share what is left. ``amount`` defaults to what is left of the charge; more than that, or
nothing left, is a 400 ``VALIDATION_ERROR`` and no row. Handlers run under the store lock, so
the check against what is left and the refund's insert are one step: concurrent refunds of one
charge never add up to more than it.

A refund succeeds at once (``refund.issued``; the ledger posts debit ``refunds``, credit
``balance``) unless the test made the provider refuse it (``fake.refuse_next_refund``): then the
row is kept with status ``failed``, ``failureCode`` ``provider_declined`` and the provider's
reason, ``refund.failed`` is emitted, nothing is posted and the answer is 422
``PROVIDER_DECLINED`` (replayed as such under its idempotency key).
"""

from __future__ import annotations

from .._ids import iso_ms
from .._ledger import post_refund
from .._routing import Call, Result, Route
from .._store import Kind, Obj, wire
from .._validate import (
    Rule,
    check_fields,
    enum_rule,
    metadata_rule,
    problem,
    require_object,
    string_rule,
    validation_error,
)
from .._wire import ApiError
from ._common import filtered_page, not_found
from .checkout_sessions import CHECKOUT_SESSIONS, invalid_transition
from .invoices import INVOICES

__all__ = ["REASONS", "REFUNDS", "ROUTES", "STATUSES"]

REFUNDS = Kind("refunds")

REASONS = ("requested_by_customer", "duplicate", "fraudulent", "other")
STATUSES = ("pending", "succeeded", "failed", "canceled")
DEFAULT_REASON = "requested_by_customer"


def _amount_rule(name: str, value: object) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "invalid", f"{name} must be a positive integer (minor units)"
    return None


_RULES: dict[str, Rule] = {
    "chargeId": string_rule(1, 255),
    "sourceType": enum_rule("checkout_session", "invoice"),
    "sourceId": string_rule(1, 255),
    "amount": _amount_rule,
    "reason": enum_rule(*REASONS),
    "metadata": metadata_rule,
}
_NULLABLE = frozenset(_RULES)
_ASSIGNED = frozenset(
    {
        "id",
        "arn",
        "accountId",
        "invoiceId",
        "currency",
        "status",
        "failureCode",
        "failureMessage",
        "createdAt",
        "updatedAt",
    }
)


def _charge(call: Call, body: dict[str, object]) -> Obj:
    """What the body refunds, by ``chargeId`` or by source: a completed session or a paid
    invoice (holding ``_refunded``), of the key's own mode."""
    found = _find_charge(call, body)
    if _mode_of(found) != call.mode:
        raise not_found("Charge")  # another mode's money does not exist for this key
    return found


def _mode_of(charge: Obj) -> str:
    """The mode of the money a charge moved: a session's own; invoices are in test mode."""
    return str(charge.get("mode") or "test")


def _find_charge(call: Call, body: dict[str, object]) -> Obj:
    charge_id, source_type, source_id = (
        body.get("chargeId"),
        body.get("sourceType"),
        body.get("sourceId"),
    )
    by_source = source_type is not None or source_id is not None
    if charge_id is None and not by_source:
        raise validation_error(
            [problem("chargeId", "required", "chargeId, or sourceType and sourceId, is required")]
        )
    if charge_id is not None and by_source:
        raise validation_error(
            [problem("chargeId", "invalid", "give chargeId or sourceType and sourceId, not both")]
        )
    if by_source and (source_type is None or source_id is None):
        missing = "sourceType" if source_type is None else "sourceId"
        raise validation_error(
            [problem(missing, "required", "sourceType and sourceId go together")]
        )
    account = str(call.acting["accountId"])
    sessions, invoices = call.store[CHECKOUT_SESSIONS], call.store[INVOICES]
    if charge_id is not None:
        found = invoices.find("chargeId", charge_id, account) or sessions.find(
            "paymentId", charge_id, account
        )
        if found is None:
            raise not_found(f"Charge {charge_id}")
        return found
    if source_type == "invoice":
        invoice = invoices.get(str(source_id), account)
        if invoice is None:
            raise not_found(f"Invoice {source_id}")
        if invoice["status"] != "paid":
            raise ApiError(
                409,
                "INVALID_TRANSITION",
                f"Can't refund invoice {invoice['id']}: it is {invoice['status']}",
            )
        return invoice
    found = sessions.get(str(source_id), account)
    if found is None:
        raise not_found(f"Checkout session {source_id}")
    if found["status"] != "completed":
        raise invalid_transition(found, "refund")
    paid = found.get("_invoiceId")
    invoice = None if paid is None else invoices.get(str(paid))
    if invoice is not None and invoice["chargeId"] == found["paymentId"]:
        return invoice
    return found


def _charge_id(charge: Obj) -> object:
    return charge["chargeId"] if str(charge["id"]).startswith("inv_") else charge["paymentId"]


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _RULES, nullable=_NULLABLE, read_only=_ASSIGNED)
    store, ws = call.store, call.acting
    session = _charge(call, body)
    is_invoice = str(session["id"]).startswith("inv_")
    charged = session["total" if is_invoice else "amount"]
    refunded = session["_refunded"]
    assert isinstance(charged, int) and isinstance(refunded, int)
    left = charged - refunded
    wanted = body.get("amount")
    amount = left if wanted is None else wanted
    assert isinstance(amount, int)
    if left == 0:
        raise validation_error(
            [problem("amount", "invalid", f"charge {_charge_id(session)} is fully refunded")]
        )
    if amount > left:
        raise validation_error(
            [
                problem(
                    "amount",
                    "invalid",
                    f"amount {amount} is more than the {left} left to refund on charge "
                    f"{_charge_id(session)}",
                )
            ]
        )
    refusal = store.provider.take_refund_refusal()
    account = str(ws["accountId"])
    ident = store.ids.new("rf_")
    stamp = iso_ms(call.now)
    metadata = body.get("metadata")
    refund: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:refund/{ident}",
        "accountId": account,
        "chargeId": _charge_id(session),
        "invoiceId": session["id"] if is_invoice else None,
        "amount": amount,
        "currency": session["currency"],
        "reason": body.get("reason") or DEFAULT_REASON,
        "status": "failed" if refusal is not None else "succeeded",
        "failureCode": "provider_declined" if refusal is not None else None,
        "failureMessage": refusal,
        "metadata": dict(metadata) if isinstance(metadata, dict) else {},
        "createdAt": stamp,
        "updatedAt": stamp,
        "_sourceId": session["id"],
        "_mode": _mode_of(session),
    }
    store[REFUNDS].insert(refund, scope=account)
    if refusal is not None:
        store.events.emit("plugipay.refund.failed.v1", ws, wire(refund), now=call.now)
        raise ApiError(
            422,
            "PROVIDER_DECLINED",
            f"The payment provider refused refund {ident}: {refusal}",
        )
    session["_refunded"] = refunded + amount
    post_refund(
        store, ws, amount=amount, currency=str(session["currency"]), refund_id=ident, now=call.now
    )
    out = wire(refund)
    store.events.emit("plugipay.refund.issued.v1", ws, out, now=call.now)
    return 201, out, None


def get(call: Call) -> Result:
    found = call.store[REFUNDS].get(call.params["refund"], str(call.acting["accountId"]))
    if found is None or found["_mode"] != call.mode:
        raise not_found("Refund")
    return 200, wire(found), None


def list_refunds(call: Call) -> Result:
    return filtered_page(
        call,
        REFUNDS,
        {"status": "status", "chargeId": "chargeId"},
        choices={"status": STATUSES},
        mode_field="_mode",
    )


_READ = "plugipay:refund:read"
ROUTES = [
    Route("GET", "/refunds", list_refunds, _READ, "none"),
    Route("POST", "/refunds", create, "plugipay:refund:create", "honoured"),
    Route("GET", "/refunds/{refund}", get, _READ, "none"),
]
