"""Gift cards and store credit (SPEC-MONEY §4, §5; SURVEY §1.11, §2 "GiftCard", "GiftCardEntry").

Lifecycle (every other transition is 409 ``INVALID_TRANSITION`` and changes nothing):
``active`` → ``redeemed`` (a redemption leaves balance 0) · ``active`` → ``void`` (``void``) ·
``active`` → ``expired`` (business time reaches ``expiresAt``; a timer). Redeeming or topping up
needs an ``active`` card. A redemption above the balance is 409 ``INSUFFICIENT_BALANCE``.

Every operation writes one GiftCardEntry (``gce_``: ``kind``, ``delta``, ``balanceAfter``) and
posts one balanced ledger transaction (source ``gift_card``, the card's id; the entry's
``ledgerTxId``). The books treat a card as money the merchant received and owes back in goods:

- **issue** / **topup** of A: debit ``balance`` A, credit ``gift_card_liability`` A (the card
  was sold for its face value; the money is held, owed to the holder);
- **redeem** R: debit ``gift_card_liability`` R, credit ``revenue`` R (the goods were delivered:
  the debt becomes income);
- **void** with B left: debit ``gift_card_liability`` B, credit ``balance`` B (the card is
  cancelled and what is left is handed back, reversing the rest of the sale);
- **expiry** with B left: debit ``gift_card_liability`` B, credit ``revenue`` B (breakage: the
  merchant keeps what was never spent); its entry has kind ``expire``.

So ``gift_card_liability``'s balance is always minus the sum of the cards' balances, per
currency (``fake.check_books`` checks it).

``redeem`` and ``topup`` are idempotent on ``(externalSource, externalRef)`` per workspace: the
same pair with the same card, operation and amount answers the first ``{giftCard, entry}`` again
(200) and changes nothing; the same pair with anything else is 409 ``IDEMPOTENCY_KEY_REUSED``.
Events ``plugipay.gift_card.issued/redeemed/topped_up/voided.v1`` carry the entry as
``data.entry``; expiry emits none (no such event in the catalogue).
"""

from __future__ import annotations

import re
from functools import partial

from ..._json import MAX_SAFE_INTEGER
from .._ids import iso_ms, parse_iso
from .._ledger import Line, post
from .._routing import Call, Result, Route
from .._store import Kind, Obj, Store, wire
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
from ._common import conflict, filtered_page, not_found
from .checkout_sessions import CURRENCIES
from .customers import CUSTOMERS

__all__ = ["ENTRIES", "GIFT_CARDS", "ROUTES", "STATUSES"]

GIFT_CARDS = Kind("gift_cards", unique=("code",))
ENTRIES = Kind("gift_card_entries")
"""Every GiftCardEntry, scoped by ``accountId``, oldest first."""
STATUSES = ("active", "redeemed", "void", "expired")
OWN_SOURCE = "plugipay"
"""``externalSource`` of entries no outside system caused (issue without ``issuedSource``,
void, expire); their ``externalRef`` is the entry's own id."""

_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,62}[A-Z0-9]")


def _amount_rule(name: str, value: object) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SAFE_INTEGER:
        return "invalid", f"{name} must be a positive integer (minor units)"
    return None


def _code_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        return "invalid", f"{name} must be 4-64 upper-case letters, digits and inner hyphens"
    return None


def _time_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or parse_iso(value) is None:
        return "invalid", f"{name} must be an ISO 8601 date-time"
    return None


_ISSUE_RULES: dict[str, Rule] = {
    "amount": _amount_rule,
    "currency": enum_rule(*CURRENCIES),
    "customerId": string_rule(1, 255, prefix="cus_"),
    "code": _code_rule,
    "expiresAt": _time_rule,
    "note": string_rule(1, 1000),
    "issuedSource": string_rule(1, 255),
    "issuedRef": string_rule(1, 255),
    "metadata": metadata_rule,
}
_ISSUE_NULLABLE = frozenset(_ISSUE_RULES) - {"amount"}
_ASSIGNED = frozenset(
    {
        "id",
        "arn",
        "accountId",
        "mode",
        "initialBalance",
        "balance",
        "status",
        "kind",
        "createdAt",
        "updatedAt",
    }
)
_MOVE_RULES: dict[str, Rule] = {
    "amount": _amount_rule,
    "externalSource": string_rule(1, 255),
    "externalRef": string_rule(1, 255),
    "checkoutSessionId": string_rule(1, 255, prefix="cs_"),
    "note": string_rule(1, 1000),
}
_MOVE_REQUIRED = ("amount", "externalSource", "externalRef")


# -- the books and the entries ----------------------------------------------------------------


def _record(
    store: Store,
    ws: Obj,
    card: Obj,
    *,
    kind: str,
    delta: int,
    lines: list[Line],
    now: float,
    external: tuple[str, str] | None = None,
    checkout_session_id: object = None,
    note: object = None,
) -> Obj:
    """Apply ``delta`` to the card, post ``lines`` and write the entry; the entry."""
    balance = card["balance"]
    assert isinstance(balance, int)
    account = str(ws["accountId"])
    ident = store.ids.new("gce_")
    tx = None
    if any(amount for _, _, amount in lines):  # voiding an empty card moves no money
        tx = post(
            store,
            ws,
            lines,
            currency=str(card["currency"]),
            source_type="gift_card",
            source_id=str(card["id"]),
            memo=f"Gift card {card['id']} {kind}",
            now=now,
        )
    source, ref = external if external is not None else (OWN_SOURCE, ident)
    stamp = iso_ms(now)
    entry: Obj = {
        "id": ident,
        "accountId": account,
        "giftCardId": card["id"],
        "kind": kind,
        "delta": delta,
        "balanceAfter": balance + delta,
        "currency": card["currency"],
        "externalSource": source,
        "externalRef": ref,
        "checkoutSessionId": checkout_session_id,
        "ledgerTxId": tx,
        "note": note,
        "createdAt": stamp,
    }
    store[ENTRIES].insert(entry, scope=account)
    card["balance"] = balance + delta
    card["updatedAt"] = stamp
    return entry


def _emit(store: Store, verb: str, ws: Obj, card: Obj, entry: Obj, now: float) -> None:
    store.events.emit(
        f"plugipay.gift_card.{verb}.v1", ws, wire(card), now=now, extra={"entry": wire(entry)}
    )


def _expire(store: Store, card: Obj, due: float) -> None:
    """The card's expiry timer: an ``active`` card expires, its rest becomes breakage."""
    if card["status"] != "active" or card["expiresAt"] is None:
        return
    expires = parse_iso(str(card["expiresAt"]))
    if expires is None or expires > due:
        return
    ws = store.workspaces.find("accountId", card["accountId"])
    assert ws is not None
    balance = card["balance"]
    assert isinstance(balance, int)
    if balance:
        _record(
            store,
            ws,
            card,
            kind="expire",
            delta=-balance,
            lines=[("gift_card_liability", "debit", balance), ("revenue", "credit", balance)],
            now=due,
        )
    card["status"] = "expired"
    card["updatedAt"] = iso_ms(due)


# -- routes -----------------------------------------------------------------------------------


def _new_code(store: Store, account: str) -> str:
    while True:
        raw = store.ids.ulid()[-16:]
        code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
        if store[GIFT_CARDS].find("code", code, account) is None:
            return code


def issue(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body, _ISSUE_RULES, nullable=_ISSUE_NULLABLE, required=("amount",), read_only=_ASSIGNED
    )
    store, ws = call.store, call.acting
    account = str(ws["accountId"])
    customer_id = body.get("customerId")
    if customer_id is not None and store[CUSTOMERS].get(str(customer_id), account) is None:
        raise validation_error(
            [problem("customerId", "invalid", f"No customer {customer_id} in this workspace")]
        )
    code = body.get("code")
    if code is not None and store[GIFT_CARDS].find("code", code, account) is not None:
        raise conflict(f"code {code!r} is already taken")
    expires_at = body.get("expiresAt")
    expires = None if expires_at is None else parse_iso(str(expires_at))
    if expires is not None and expires <= call.now:
        raise validation_error([problem("expiresAt", "invalid", "expiresAt must be in the future")])
    amount = body["amount"]
    assert isinstance(amount, int)
    ident = store.ids.new("gc_")
    stamp = iso_ms(call.now)
    metadata = body.get("metadata")
    issued_source, issued_ref = body.get("issuedSource"), body.get("issuedRef")
    card: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:gift_card/{ident}",
        "accountId": account,
        "mode": call.mode,
        "code": code if code is not None else _new_code(store, account),
        "currency": body.get("currency") or ws["defaultCurrency"],
        "initialBalance": amount,
        "balance": 0,
        "status": "active",
        "customerId": customer_id,
        "kind": "gift_card" if customer_id is None else "store_credit",
        "expiresAt": None if expires is None else iso_ms(expires),
        "note": body.get("note"),
        "issuedSource": issued_source,
        "issuedRef": issued_ref,
        "metadata": dict(metadata) if isinstance(metadata, dict) else {},
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    store[GIFT_CARDS].insert(card, scope=account)
    external = (
        (str(issued_source or OWN_SOURCE), str(issued_ref)) if issued_ref is not None else None
    )
    entry = _record(
        store,
        ws,
        card,
        kind="issue",
        delta=amount,
        lines=[("balance", "debit", amount), ("gift_card_liability", "credit", amount)],
        now=call.now,
        external=external,
        note=body.get("note"),
    )
    if expires is not None:
        store.timers.at(expires, partial(_expire, store, card))
    _emit(store, "issued", ws, card, entry, call.now)
    return 201, wire(card), None


def list_cards(call: Call) -> Result:
    return filtered_page(
        call,
        GIFT_CARDS,
        {"status": "status", "customerId": "customerId"},
        choices={"status": STATUSES},
        mode_field="mode",
    )


def get(call: Call) -> Result:
    """By redemption code (the route's contract), or by ``gc_`` id."""
    account = str(call.acting["accountId"])
    ref = call.params["card"]
    cards = call.store[GIFT_CARDS]
    found = cards.find("code", ref, account) or cards.get(ref, account)
    if found is None:
        raise not_found("Gift card")
    return 200, wire(found), None


def _card(call: Call) -> Obj:
    found = call.store[GIFT_CARDS].get(call.params["card"], str(call.acting["accountId"]))
    if found is None:
        raise not_found("Gift card")
    return found


def _invalid(card: Obj, action: str) -> ApiError:
    return ApiError(
        409, "INVALID_TRANSITION", f"Can't {action} gift card {card['id']}: it is {card['status']}"
    )


def _move(call: Call, kind: str) -> Result:
    """``redeem`` or ``topup``, idempotent on ``(externalSource, externalRef)``."""
    body = require_object(call.body)
    rules = (
        _MOVE_RULES
        if kind == "redeem"
        else {k: v for k, v in _MOVE_RULES.items() if k != "checkoutSessionId"}
    )
    check_fields(
        body,
        rules,
        nullable=frozenset({"checkoutSessionId", "note"}),
        required=_MOVE_REQUIRED,
    )
    store, ws = call.store, call.acting
    card = _card(call)
    amount = body["amount"]
    assert isinstance(amount, int)
    pair = (str(body["externalSource"]), str(body["externalRef"]))
    replays = ws.setdefault("_giftCardRefs", {})
    assert isinstance(replays, dict)
    seen = replays.get(pair)
    if seen is not None:
        first_card, first_kind, first_amount, first_answer = seen
        if (first_card, first_kind, first_amount) != (card["id"], kind, amount):
            raise ApiError(
                409,
                "IDEMPOTENCY_KEY_REUSED",
                f"externalSource {pair[0]!r} and externalRef {pair[1]!r} were used for a "
                f"{first_kind} of {first_amount} on gift card {first_card}",
            )
        return 200, wire(first_answer), None
    if card["status"] != "active":
        raise _invalid(card, kind)
    balance = card["balance"]
    assert isinstance(balance, int)
    if kind == "redeem":
        if amount > balance:
            raise ApiError(
                409,
                "INSUFFICIENT_BALANCE",
                f"Redemption of {amount} is more than gift card {card['id']}'s balance {balance}",
            )
        lines: list[Line] = [
            ("gift_card_liability", "debit", amount),
            ("revenue", "credit", amount),
        ]
        delta = -amount
    else:
        lines = [("balance", "debit", amount), ("gift_card_liability", "credit", amount)]
        delta = amount
    entry = _record(
        store,
        ws,
        card,
        kind=kind,
        delta=delta,
        lines=lines,
        now=call.now,
        external=pair,
        checkout_session_id=body.get("checkoutSessionId"),
        note=body.get("note"),
    )
    if card["balance"] == 0:
        card["status"] = "redeemed"
    answer: Obj = {"giftCard": wire(card), "entry": wire(entry)}
    replays[pair] = (card["id"], kind, amount, answer)
    _emit(store, "redeemed" if kind == "redeem" else "topped_up", ws, card, entry, call.now)
    return 200, wire(answer), None


def redeem(call: Call) -> Result:
    return _move(call, "redeem")


def topup(call: Call) -> Result:
    return _move(call, "topup")


def void(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, {"note": string_rule(1, 1000)}, nullable=frozenset({"note"}))
    store, ws = call.store, call.acting
    card = _card(call)
    if card["status"] != "active":
        raise _invalid(card, "void")
    balance = card["balance"]
    assert isinstance(balance, int)
    entry = _record(
        store,
        ws,
        card,
        kind="void",
        delta=-balance,
        lines=[("gift_card_liability", "debit", balance), ("balance", "credit", balance)],
        now=call.now,
        note=body.get("note"),
    )
    card["status"] = "void"
    _emit(store, "voided", ws, card, entry, call.now)
    return 200, wire(card), None


_READ = "plugipay:gift_card:read"
_WRITE = "plugipay:gift_card:write"
ROUTES = [
    Route("GET", "/gift-cards", list_cards, _READ, "none"),
    Route("POST", "/gift-cards", issue, _WRITE, "honoured"),
    Route("GET", "/gift-cards/{card}", get, _READ, "none"),
    Route("POST", "/gift-cards/{card}/redeem", redeem, _WRITE, "honoured"),
    Route("POST", "/gift-cards/{card}/topup", topup, _WRITE, "honoured"),
    Route("POST", "/gift-cards/{card}/void", void, _WRITE, "honoured"),
]
