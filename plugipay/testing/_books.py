"""The invariants of the emulator's books (SPEC-MONEY §5), checked on demand by
``FakePlugipay.check_books``.

Each check recounts from the ledger entries themselves and compares with what the API answers
(the very functions its handlers call), so a handler that posts wrongly, a running total that
drifts or a report that reads the entries differently fails here, with an ``AssertionError``
naming the invariant:

1. every transaction balances (Σ debits = Σ credits, one currency, positive whole amounts, codes
   of the chart);
2. ``ledger/balances`` sums to zero (per currency and over all) and equals a recount of the
   entries;
3. ``payouts/balance``: ``ledgerBalance`` is the ``balance`` account, ``locked`` the sum of
   pending and in-transit payouts, ``available`` = ``ledgerBalance`` − ``locked`` (per currency
   and over all);
4. ``reports/pnl`` and ``reports/cash-flow`` over all time agree with ``ledger/balances``, and
   the cash-flow buckets add up to its totals;
5. ``reports/ledger.csv`` has a header and one row per entry, equal to it;
6. every paid payout names a transaction posting its amount from ``balance`` to ``payouts``, and
   the ``payouts`` account is the sum of paid payouts;
7. ``gift_card_liability`` is minus the sum of the gift cards' balances; each card's balance is
   the sum of its entries' deltas, never negative, and zero once redeemed, void or expired.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from ._ledger import ACCOUNT_CODES, LEDGER, balances, running_balances
from ._store import Obj, Store
from .resources.gift_cards import ENTRIES, GIFT_CARDS
from .resources.payouts import LOCKING, PAYOUTS, balance_view
from .resources.reports import CSV_COLUMNS, cash_flow_report, csv_chunks, pnl_report

__all__ = ["check_books"]

_ALL_TIME = ("0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z")


class _Books:
    def __init__(self, store: Store, ws: Obj) -> None:
        self.store = store
        self.account = str(ws["accountId"])
        self.entries = store[LEDGER].ordered(self.account)

    def fail(self, invariant: str, detail: str) -> AssertionError:
        return AssertionError(f"books of {self.account}: {invariant}: {detail}")

    def check(self) -> None:
        used = self.transactions()
        self.balances(used)
        payouts = self.store[PAYOUTS].ordered(self.account)
        used |= {str(p["currency"]) for p in payouts}
        self.available(used, payouts)
        for currency in sorted(used):
            self.reports(currency)
        self.csv()
        self.payouts(payouts)
        self.gift_cards()

    def transactions(self) -> set[str]:
        by_tx: dict[str, list[Obj]] = defaultdict(list)
        for entry in self.entries:
            by_tx[str(entry["txId"])].append(entry)
        for tx, rows in by_tx.items():
            debits = credits = 0
            for row in rows:
                amount = row["amount"]
                if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                    raise self.fail("every transaction balances", f"{row['id']} amount {amount!r}")
                if row["code"] not in ACCOUNT_CODES or row["direction"] not in ("debit", "credit"):
                    raise self.fail(
                        "every transaction balances",
                        f"{row['id']} posts {row['direction']} to {row['code']}",
                    )
                if row["direction"] == "debit":
                    debits += amount
                else:
                    credits += amount
            if debits != credits:
                raise self.fail(
                    "every transaction balances", f"{tx}: debits {debits} != credits {credits}"
                )
            if len({row["currency"] for row in rows}) != 1:
                raise self.fail("every transaction balances", f"{tx} mixes currencies")
        return {str(e["currency"]) for e in self.entries}

    def balances(self, used: set[str]) -> None:
        for currency in [None, *sorted(used)]:
            recount = balances(self.store, self.account, currency)
            answered = running_balances(self.store, self.account, currency)
            if answered != recount:
                raise self.fail(
                    "ledger/balances equals its entries",
                    f"{currency or 'all'}: {answered} != recount {recount}",
                )
            total = sum(int(str(row["balance"])) for row in recount)
            if total != 0:
                raise self.fail("ledger/balances sums to zero", f"{currency or 'all'}: {total}")

    def book(self, currency: str | None) -> dict[str, int]:
        return {
            str(row["code"]): int(str(row["balance"]))
            for row in balances(self.store, self.account, currency)
        }

    def available(self, used: set[str], payouts: list[Obj]) -> None:
        for currency in [None, *sorted(used)]:
            view = balance_view(self.store, self.account, currency)
            held = self.book(currency)["balance"]
            locking = sum(
                int(str(p["amount"]))
                for p in payouts
                if p["status"] in LOCKING and currency in (None, p["currency"])
            )
            if view["ledgerBalance"] != held:
                raise self.fail(
                    "payouts/balance.ledgerBalance == balance account",
                    f"{currency or 'all'}: {view['ledgerBalance']} != {held}",
                )
            if view["locked"] != locking:
                raise self.fail(
                    "payouts/balance.locked == pending + in-transit payouts",
                    f"{currency or 'all'}: {view['locked']} != {locking}",
                )
            if view["available"] != held - locking:
                raise self.fail(
                    "payouts/balance.available == ledgerBalance - locked",
                    f"{currency or 'all'}: {view['available']} != {held} - {locking}",
                )

    def reports(self, currency: str) -> None:
        book = self.book(currency)
        pnl = pnl_report(self.entries, *_ALL_TIME, currency)
        want = {
            "revenue": -book["revenue"],
            "refunds": book["refunds"],
            "platformFees": book["platform_fees"],
            "tax": -book["tax"],
        }
        want["net"] = want["revenue"] - want["refunds"] - want["platformFees"]
        got = {name: pnl[name] for name in want}
        if got != want:
            raise self.fail(
                "reports/pnl agrees with ledger/balances", f"{currency}: {got} != {want}"
            )
        lines = {str(line["code"]): line["amount"] for line in pnl["lines"]}  # type: ignore[attr-defined]
        if lines != {
            "revenue": want["revenue"],
            "refunds": want["refunds"],
            "platform_fees": want["platformFees"],
            "tax": want["tax"],
        }:
            raise self.fail("reports/pnl lines agree with its totals", f"{currency}: {lines}")
        flow = cash_flow_report(self.entries, *_ALL_TIME, currency)
        debits = credits = 0
        for row in balances(self.store, self.account, currency):
            if row["code"] == "balance":
                debits, credits = int(str(row["debits"])), int(str(row["credits"]))
        got = {name: flow[name] for name in ("totalInflow", "totalOutflow", "net")}
        want = {"totalInflow": debits, "totalOutflow": credits, "net": debits - credits}
        if got != want:
            raise self.fail(
                "reports/cash-flow agrees with ledger/balances", f"{currency}: {got} != {want}"
            )
        buckets: list[Obj] = flow["buckets"]  # type: ignore[assignment]
        sums = {
            "totalInflow": sum(int(str(b["inflow"])) for b in buckets),
            "totalOutflow": sum(int(str(b["outflow"])) for b in buckets),
            "net": sum(int(str(b["net"])) for b in buckets),
        }
        if sums != want:
            raise self.fail(
                "reports/cash-flow buckets add up to its totals", f"{currency}: {sums} != {want}"
            )

    def csv(self) -> None:
        text = b"".join(csv_chunks(self.entries)).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows or tuple(rows[0]) != CSV_COLUMNS:
            raise self.fail("ledger.csv rows == ledger entries", f"header {rows[:1]}")
        want = [
            ["" if entry[c] is None else str(entry[c]) for c in CSV_COLUMNS]
            for entry in self.entries
        ]
        if rows[1:] != want:
            raise self.fail(
                "ledger.csv rows == ledger entries",
                f"{len(rows) - 1} rows for {len(self.entries)} entries, or a row differs",
            )

    def payouts(self, payouts: list[Obj]) -> None:
        by_tx: dict[str, list[Obj]] = defaultdict(list)
        for entry in self.entries:
            by_tx[str(entry["txId"])].append(entry)
        paid: dict[str, int] = defaultdict(int)
        for payout in payouts:
            tx = payout["ledgerTransactionId"]
            if payout["status"] != "paid":
                if tx is not None:
                    raise self.fail(
                        "only paid payouts post", f"{payout['id']} is {payout['status']}"
                    )
                continue
            amount, currency = int(str(payout["amount"])), str(payout["currency"])
            paid[currency] += amount
            rows = sorted(
                (str(e["code"]), str(e["direction"]), e["amount"], e["currency"])
                for e in by_tx.get(str(tx), [])
            )
            if rows != [
                ("balance", "credit", amount, currency),
                ("payouts", "debit", amount, currency),
            ]:
                raise self.fail("a paid payout posts its amount", f"{payout['id']}: {rows}")
        for currency in {*paid, *(str(e["currency"]) for e in self.entries)}:
            if self.book(currency)["payouts"] != paid.get(currency, 0):
                raise self.fail(
                    "payouts account == paid payouts",
                    f"{currency}: {self.book(currency)['payouts']} != {paid.get(currency, 0)}",
                )

    def gift_cards(self) -> None:
        cards = self.store[GIFT_CARDS].ordered(self.account)
        deltas: dict[str, int] = defaultdict(int)
        for entry in self.store[ENTRIES].ordered(self.account):
            card_id = str(entry["giftCardId"])
            deltas[card_id] += int(str(entry["delta"]))
            if entry["balanceAfter"] != deltas[card_id]:
                raise self.fail(
                    "gift card entries chain",
                    f"{entry['id']}: balanceAfter {entry['balanceAfter']}",
                )
        owed: dict[str, int] = defaultdict(int)
        for card in cards:
            balance = int(str(card["balance"]))
            if balance != deltas[str(card["id"])] or balance < 0:
                raise self.fail(
                    "a gift card's balance is the sum of its entries",
                    f"{card['id']}: {balance} != {deltas[str(card['id'])]}",
                )
            if card["status"] != "active" and balance != 0:
                raise self.fail(
                    "a spent gift card holds nothing", f"{card['id']} is {card['status']}"
                )
            owed[str(card["currency"])] += balance
        for currency in {*owed, *(str(e["currency"]) for e in self.entries)}:
            liability = -self.book(currency)["gift_card_liability"]
            if liability != owed.get(currency, 0):
                raise self.fail(
                    "gift_card_liability == gift card balances",
                    f"{currency}: {liability} != {owed.get(currency, 0)}",
                )


def check_books(store: Store, workspaces: list[Obj]) -> None:
    """Check every invariant of each workspace's books; ``AssertionError`` on the first broken
    one (store lock held by the caller)."""
    for ws in workspaces:
        _Books(store, ws).check()
