"""The emulator's double-entry books (SPEC-MONEY §5).

Every money movement posts one transaction (``ltx_`` id) of entries (``le_`` ids, LedgerEntry
shape) whose debits equal its credits, in the same locked step that commits the movement. A
payment of A with fee f posts debit ``balance`` A − f, debit ``platform_fees`` f, credit
``revenue`` A; a refund R posts debit ``refunds`` R, credit ``balance`` R. Entries live in one
collection scoped by workspace (``accountId``), in posting order. An account's balance is its
debits minus its credits, so the balances of a workspace always sum to zero. Posting also keeps
the workspace's ``_balance`` (what archiving checks, SPEC §7 ``HAS_OPEN_BALANCE``) equal to its
``balance`` account.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ._ids import iso_ms
from ._store import Kind, Obj, Store

__all__ = [
    "ACCOUNT_CODES",
    "LEDGER",
    "balances",
    "post",
    "post_payment",
    "post_refund",
]

LEDGER = Kind("ledger_entries")
"""Every ledger entry, scoped by ``accountId`` and ordered by ``postedAt``."""

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
    for code, direction, amount in lines:
        if amount == 0:
            continue
        if code == "balance":
            held = ws["_balance"]
            assert isinstance(held, int | float)
            ws["_balance"] = held + (amount if direction == "debit" else -amount)
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
