"""Payouts, the available balance and the bank account (SPEC-MONEY §4, §5; SURVEY §1.8, §2
"Payout", "AvailableBalance", "BankAccount").

Lifecycle (every other transition is 409 ``INVALID_TRANSITION`` and changes nothing):
``pending`` → ``in_transit`` (``mark-in-transit``: ``processedAt``) → ``paid`` (``mark-paid``:
``completedAt``, the ledger posts debit ``payouts`` P, credit ``balance`` P, and
``ledgerTransactionId`` names that transaction) · ``pending``/``in_transit`` → ``failed``
(``mark-failed`` with ``failureReason``) · ``pending`` → ``cancelled`` (double l, as the API
spells it). Each emits ``plugipay.payout.<status>.v1`` (``created`` on create).

A pending or in-transit payout locks its amount: ``available`` = ``ledgerBalance`` − ``locked``
per currency, and a payout above ``available`` in its currency is 409 ``INSUFFICIENT_BALANCE``
(no row). ``GET /payouts/balance`` answers over every currency, or one with ``?currency=``;
``currency`` is ``null`` when the books hold none or several. The bank account is the
workspace's private ``_bankAccount``; a payout's bank fields default to it.
"""

from __future__ import annotations

from .._ids import iso_ms
from .._ledger import account_balance, currencies, post
from .._routing import Call, Result, Route
from .._store import Kind, Obj, Store, wire
from .._validate import (
    Rule,
    check_fields,
    enum_rule,
    problem,
    require_object,
    string_rule,
    validation_error,
)
from .._wire import ApiError
from ._common import choice, filtered_page, not_found
from .checkout_sessions import CURRENCIES

__all__ = ["LOCKING", "PAYOUTS", "ROUTES", "STATUSES", "balance_view", "locked"]

PAYOUTS = Kind("payouts")
STATUSES = ("pending", "in_transit", "paid", "failed", "cancelled")
LOCKING = ("pending", "in_transit")
"""Statuses whose amount is locked out of ``available``."""

_BANK_FIELDS = ("bankCode", "bankName", "bankAccountNumber", "bankAccountHolder")


def _amount_rule(name: str, value: object) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "invalid", f"{name} must be a positive integer (minor units)"
    return None


_BANK_RULES: dict[str, Rule] = {
    "bankCode": string_rule(1, 64),
    "bankName": string_rule(1, 255),
    "bankAccountNumber": string_rule(1, 64),
    "bankAccountHolder": string_rule(1, 255),
}
_CREATE_RULES: dict[str, Rule] = {
    "amount": _amount_rule,
    "currency": enum_rule(*CURRENCIES),
    **_BANK_RULES,
    "note": string_rule(1, 1000),
}
_ASSIGNED = frozenset(
    {
        "id",
        "accountId",
        "status",
        "method",
        "reference",
        "failureReason",
        "ledgerTransactionId",
        "processedAt",
        "completedAt",
        "createdAt",
        "updatedAt",
    }
)


def locked(store: Store, account: str, currency: str | None = None) -> int:
    """Σ amounts of the workspace's pending and in-transit payouts (of ``currency``, if given)."""
    total = 0
    for payout in store[PAYOUTS].ordered(account):
        if payout["status"] in LOCKING and currency in (None, payout["currency"]):
            amount = payout["amount"]
            assert isinstance(amount, int)
            total += amount
    return total


def balance_view(store: Store, account: str, currency: str | None = None) -> Obj:
    """The AvailableBalance of a workspace, over every currency or one."""
    held = account_balance(store, account, "balance", currency)
    locking = locked(store, account, currency)
    if currency is None:
        used = set(currencies(store, account))
        used.update(str(p["currency"]) for p in store[PAYOUTS].ordered(account))
        currency = used.pop() if len(used) == 1 else None
    return {
        "ledgerBalance": held,
        "locked": locking,
        "available": held - locking,
        "currency": currency,
    }


def _bank_view(ws: Obj) -> Obj:
    saved = ws.get("_bankAccount")
    bank = saved if isinstance(saved, dict) else {}
    view: Obj = {name: bank.get(name) for name in _BANK_FIELDS}
    view["configured"] = bool(bank)
    return view


def _payout(call: Call) -> Obj:
    found = call.store[PAYOUTS].get(call.params["payout"], str(call.acting["accountId"]))
    if found is None:
        raise not_found("Payout")
    return found


def _invalid(payout: Obj, action: str) -> ApiError:
    return ApiError(
        409,
        "INVALID_TRANSITION",
        f"Can't {action} payout {payout['id']}: it is {payout['status']}",
    )


def _move(call: Call, payout: Obj, status: str, changes: Obj) -> Result:
    stamp = iso_ms(call.now)
    previous = call.store[PAYOUTS].update(payout, {"status": status, **changes, "updatedAt": stamp})
    out = wire(payout)
    call.store.events.emit(
        f"plugipay.payout.{status}.v1",
        call.acting,
        out,
        now=call.now,
        previous={"status": previous["status"]},
    )
    return 200, out, None


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        _CREATE_RULES,
        nullable=frozenset(("note", *_BANK_FIELDS)),
        required=("amount", "currency"),
        read_only=_ASSIGNED,
    )
    store, ws = call.store, call.acting
    saved = ws.get("_bankAccount")
    bank = dict(saved) if isinstance(saved, dict) else {}
    for name in _BANK_FIELDS:
        if body.get(name) is not None:
            bank[name] = body[name]
    missing = [n for n in _BANK_FIELDS[1:] if bank.get(n) is None]
    if missing:
        raise validation_error(
            [problem(n, "required", f"{n} is required: no bank account is saved") for n in missing]
        )
    account = str(ws["accountId"])
    amount, currency = body["amount"], str(body["currency"])
    assert isinstance(amount, int)
    view = balance_view(store, account, currency)
    available = view["available"]
    assert isinstance(available, int)
    if amount > available:
        raise ApiError(
            409,
            "INSUFFICIENT_BALANCE",
            f"Payout of {amount} {currency} is more than the {available} available",
        )
    stamp = iso_ms(call.now)
    payout: Obj = {
        "id": store.ids.new("po_"),
        "accountId": account,
        "amount": amount,
        "currency": currency,
        "status": "pending",
        "method": "manual",
        "bankCode": bank.get("bankCode"),
        "bankName": bank["bankName"],
        "bankAccountNumber": bank["bankAccountNumber"],
        "bankAccountHolder": bank["bankAccountHolder"],
        "note": body.get("note"),
        "reference": None,
        "failureReason": None,
        "ledgerTransactionId": None,
        "processedAt": None,
        "completedAt": None,
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    store[PAYOUTS].insert(payout, scope=account)
    out = wire(payout)
    store.events.emit("plugipay.payout.created.v1", ws, out, now=call.now)
    return 201, out, None


def get(call: Call) -> Result:
    return 200, wire(_payout(call)), None


def list_payouts(call: Call) -> Result:
    return filtered_page(call, PAYOUTS, {"status": "status"}, choices={"status": STATUSES})


def cancel(call: Call) -> Result:
    check_fields(require_object(call.body), {})
    payout = _payout(call)
    if payout["status"] != "pending":
        raise _invalid(payout, "cancel")
    return _move(call, payout, "cancelled", {})


_REFERENCE: dict[str, Rule] = {"reference": string_rule(1, 255)}
_NULL_REFERENCE = frozenset({"reference"})


def _reference(body: dict[str, object], payout: Obj) -> object:
    given = body.get("reference")
    return payout["reference"] if given is None else given


def mark_in_transit(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _REFERENCE, nullable=_NULL_REFERENCE)
    payout = _payout(call)
    if payout["status"] != "pending":
        raise _invalid(payout, "mark in transit")
    changes: Obj = {"reference": _reference(body, payout), "processedAt": iso_ms(call.now)}
    return _move(call, payout, "in_transit", changes)


def mark_paid(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _REFERENCE, nullable=_NULL_REFERENCE)
    payout = _payout(call)
    if payout["status"] != "in_transit":
        raise _invalid(payout, "mark paid")
    amount = payout["amount"]
    assert isinstance(amount, int)
    tx = post(
        call.store,
        call.acting,
        [("payouts", "debit", amount), ("balance", "credit", amount)],
        currency=str(payout["currency"]),
        source_type="payout",
        source_id=str(payout["id"]),
        memo=f"Payout {payout['id']}",
        now=call.now,
    )
    changes: Obj = {
        "reference": _reference(body, payout),
        "ledgerTransactionId": tx,
        "completedAt": iso_ms(call.now),
    }
    return _move(call, payout, "paid", changes)


def mark_failed(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, {"failureReason": string_rule(1, 1000)}, required=("failureReason",))
    payout = _payout(call)
    if payout["status"] not in LOCKING:
        raise _invalid(payout, "mark failed")
    return _move(call, payout, "failed", {"failureReason": body["failureReason"]})


def balance(call: Call) -> Result:
    currency = choice(call, "currency", CURRENCIES, None)
    return 200, balance_view(call.store, str(call.acting["accountId"]), currency), None


def bank_account(call: Call) -> Result:
    return 200, _bank_view(call.acting), None


def update_bank_account(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        _BANK_RULES,
        nullable=frozenset({"bankCode"}),
        required=_BANK_FIELDS[1:],
        read_only=frozenset({"configured"}),
    )
    call.acting["_bankAccount"] = {name: body.get(name) for name in _BANK_FIELDS}
    return 200, _bank_view(call.acting), None


_READ = "plugipay:payout:read"
_WRITE = "plugipay:payout:write"
_PATH = "/payouts/{payout}"
ROUTES = [
    Route("GET", "/payouts", list_payouts, _READ, "none"),
    Route("POST", "/payouts", create, _WRITE, "honoured"),
    Route("GET", "/payouts/balance", balance, _READ, "none"),
    Route("GET", "/payouts/bank-account", bank_account, _READ, "none"),
    Route("PATCH", "/payouts/bank-account", update_bank_account, _WRITE, "honoured"),
    Route("GET", _PATH, get, _READ, "none"),
    Route("POST", f"{_PATH}/cancel", cancel, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/mark-in-transit", mark_in_transit, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/mark-paid", mark_paid, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/mark-failed", mark_failed, _WRITE, "honoured"),
]
