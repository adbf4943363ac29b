"""The emulator's double-entry books (SPEC-MONEY §5).

Every money movement posts one transaction (``ltx_`` id) of entries (``le_`` ids, LedgerEntry
shape) whose debits equal its credits, in the same locked step that commits the movement. A
payment of A with fee f posts debit ``balance`` A − f, debit ``platform_fees`` f, credit
``revenue`` A; a refund R posts debit ``refunds`` R, credit ``balance`` R; a paid payout P posts
debit ``payouts`` P, credit ``balance`` P; gift cards move ``gift_card_liability`` (see
``resources.gift_cards``); ``fake.set_balance`` posts an ``adjustment`` against ``revenue``.
Entries live in one collection scoped by workspace (``accountId``), in posting order. An
account's balance is its debits minus its credits, so the balances of a workspace always sum to
zero. Posting also adds each entry to running totals per workspace, account code and currency
(``TOTALS``), so the ``balance`` account (what archiving and payouts check) is read without a
scan; ``fake.check_books`` proves the totals equal a recount of the entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ._ids import iso_ms
from ._store import Kind, Obj, Store

__all__ = [
    "ACCOUNT_CODES",
    "LEDGER",
    "TOTALS",
    "account_balance",
    "balances",
    "currencies",
    "post",
    "post_adjustment",
    "post_payment",
    "post_refund",
    "running_balances",
]

LEDGER = Kind("ledger_entries")
"""Every ledger entry, scoped by ``accountId`` and ordered by ``postedAt``."""

TOTALS = Kind("ledger_totals")
"""One object per workspace (``id`` = its ``accountId``): ``totals`` maps ``(code, currency)``
to ``[debits, credits]`` over every entry posted; kept by ``post`` alone."""

ACCOUNT_CODES = (
    "balance",
    "revenue",
    "platform_fees",
    "refunds",
    "payouts",
    "gift_card_liability",
    "tax",
)
"""The chart of accounts: ``balance`` is what Plugipay holds for the merchant."""

Direction = Literal["debit", "credit"]
Line = tuple[str, Direction, int]
"""``(account code, direction, amount)``: one entry of a transaction to post."""


def post(
    store: Store,
    ws: Obj,
    lines: Sequence[Line],
    *,
    currency: str,
    source_type: str,
    source_id: str,
    memo: str | None,
    now: float,
) -> str:
    """Post one balanced transaction for ``ws``; its ``txId``. Zero-amount lines are left out.

    A transaction whose debits and credits differ, or an unknown account code, is an emulator
    bug: ``ValueError``, and nothing is posted."""
    debits = sum(amount for _, direction, amount in lines if direction == "debit")
    credits = sum(amount for _, direction, amount in lines if direction == "credit")
    if debits != credits:
        raise ValueError(f"unbalanced transaction: debits {debits} != credits {credits}")
    for code, _, amount in lines:
        if code not in ACCOUNT_CODES or amount < 0:
            raise ValueError(f"bad ledger line: {code} {amount}")
    account = str(ws["accountId"])
    tx_id = store.ids.new("ltx_")
    stamp = iso_ms(now)
    entries = store[LEDGER]
    totals = _totals(store, account)
    for code, direction, amount in lines:
        if amount == 0:
            continue
        pair = totals.setdefault((code, currency), [0, 0])
        pair[0 if direction == "debit" else 1] += amount
        entry: Obj = {
            "id": store.ids.new("le_"),
            "accountId": account,
            "txId": tx_id,
            "code": code,
            "direction": direction,
            "amount": amount,
            "currency": currency,
            "sourceType": source_type,
            "sourceId": source_id,
            "memo": memo,
            "postedAt": stamp,
        }
        entries.insert(entry, scope=account, stamp=stamp)
    return tx_id


def post_payment(
    store: Store,
    ws: Obj,
    *,
    amount: int,
    currency: str,
    source_type: str,
    source_id: str,
    now: float,
) -> str:
    """Post a completed payment of ``amount``, less the provider's fee; the ``txId``."""
    fee = store.provider.fee(amount)
    lines: list[Line] = [
        ("balance", "debit", amount - fee),
        ("platform_fees", "debit", fee),
        ("revenue", "credit", amount),
    ]
    return post(
        store,
        ws,
        lines,
        currency=currency,
        source_type=source_type,
        source_id=source_id,
        memo=f"Payment {source_id}",
        now=now,
    )


def post_refund(
    store: Store,
    ws: Obj,
    *,
    amount: int,
    currency: str,
    refund_id: str,
    now: float,
) -> str:
    """Post a refund of ``amount``; the ``txId``."""
    lines: list[Line] = [("refunds", "debit", amount), ("balance", "credit", amount)]
    return post(
        store,
        ws,
        lines,
        currency=currency,
        source_type="refund",
        source_id=refund_id,
        memo=f"Refund {refund_id}",
        now=now,
    )


def _totals(store: Store, account: str) -> dict[tuple[str, str], list[int]]:
    """The running totals of ``account`` (made empty on first use)."""
    collection = store[TOTALS]
    found = collection.get(account)
    if found is None:
        found = collection.insert({"id": account, "createdAt": "", "totals": {}})
    totals = found["totals"]
    assert isinstance(totals, dict)
    return totals


def account_balance(store: Store, account: str, code: str, currency: str | None = None) -> int:
    """Debits minus credits of one account code of a workspace (of ``currency`` only, when
    given), from the running totals."""
    return sum(
        pair[0] - pair[1]
        for (held, money), pair in _totals(store, account).items()
        if held == code and (currency is None or money == currency)
    )


def currencies(store: Store, account: str) -> list[str]:
    """The currencies a workspace's books hold entries in, sorted."""
    return sorted({money for _, money in _totals(store, account)})


def running_balances(store: Store, account: str, currency: str | None = None) -> list[Obj]:
    """``balances`` read from the running totals instead of a scan of the entries."""
    debits = dict.fromkeys(ACCOUNT_CODES, 0)
    credits = dict.fromkeys(ACCOUNT_CODES, 0)
    for (code, money), (debit, credit) in _totals(store, account).items():
        if currency is None or money == currency:
            debits[code] += debit
            credits[code] += credit
    return [
        {
            "code": code,
            "debits": debits[code],
            "credits": credits[code],
            "balance": debits[code] - credits[code],
        }
        for code in ACCOUNT_CODES
    ]


def post_adjustment(store: Store, ws: Obj, *, target: int, currency: str, now: float) -> str | None:
    """Post what brings the ``balance`` account of ``ws`` in ``currency`` to ``target``, against
    ``revenue`` (source ``adjustment``, the workspace's id); the ``txId``, or ``None`` when it
    is there already."""
    delta = target - account_balance(store, str(ws["accountId"]), "balance", currency)
    if delta == 0:
        return None
    lines: list[Line] = (
        [("balance", "debit", delta), ("revenue", "credit", delta)]
        if delta > 0
        else [("revenue", "debit", -delta), ("balance", "credit", -delta)]
    )
    return post(
        store,
        ws,
        lines,
        currency=currency,
        source_type="adjustment",
        source_id=str(ws["id"]),
        memo=f"Balance adjusted to {target}",
        now=now,
    )


def balances(store: Store, account: str, currency: str | None = None) -> list[Obj]:
    """One LedgerBalance (``code``, ``debits``, ``credits``, ``balance``) per account code of
    the chart, in chart order, over the workspace's entries (of ``currency`` only, when given)."""
    debits = dict.fromkeys(ACCOUNT_CODES, 0)
    credits = dict.fromkeys(ACCOUNT_CODES, 0)
    for entry in store[LEDGER].ordered(account):
        if currency is not None and entry["currency"] != currency:
            continue
        code, amount = str(entry["code"]), entry["amount"]
        assert isinstance(amount, int)
        if entry["direction"] == "debit":
            debits[code] += amount
        else:
            credits[code] += amount
    return [
        {
            "code": code,
            "debits": debits[code],
            "credits": credits[code],
            "balance": debits[code] - credits[code],
        }
        for code in ACCOUNT_CODES
    ]
