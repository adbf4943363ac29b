"""Reports (SPEC-MONEY §5, §6; SURVEY §1.9, §2 "PnLReport", "CashFlowReport"): profit and loss,
cash flow and the ledger CSV, all computed from the same ledger entries.

The window is ``from`` ≤ ``postedAt`` ≤ ``to`` (ISO 8601 date-times or dates, or unix seconds;
a bare date as ``to`` means the end of that day); ``from`` defaults to the workspace's creation,
``to`` to now, and the answer echoes both as timestamps. ``currency`` defaults to the
workspace's ``defaultCurrency``; only entries in it count.

- P&L: ``revenue`` (credits − debits of ``revenue``), ``refunds`` and ``platformFees`` (debits −
  credits of ``refunds`` and ``platform_fees``), ``tax`` (credits − debits of ``tax``, collected
  for the tax office, so outside ``net``), ``net`` = revenue − refunds − platformFees, and
  ``lines`` ``[{code, amount}]`` for those four accounts.
- Cash flow: the ``balance`` account's movements: debits are inflow, credits outflow, per UTC
  day of ``postedAt`` (``buckets``, only days with a movement, oldest first) and in total.
- ``ledger.csv``: ``text/csv``, a header row and one row per entry in posting order
  (``currency`` and the window narrow it only when given), produced lazily in chunks of
  ``CSV_ROWS_PER_CHUNK`` rows, so an export of any size is never one string.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from .._ids import iso_ms
from .._ledger import LEDGER
from .._routing import Call, Result, Route
from .._store import Obj
from .._wire import Document
from ._common import bad_query, choice, date_bound
from .checkout_sessions import CURRENCIES

__all__ = [
    "CSV_COLUMNS",
    "CSV_ROWS_PER_CHUNK",
    "ROUTES",
    "cash_flow_report",
    "csv_chunks",
    "pnl_report",
]

CSV_COLUMNS = (
    "id",
    "txId",
    "postedAt",
    "code",
    "direction",
    "amount",
    "currency",
    "sourceType",
    "sourceId",
    "memo",
)
CSV_ROWS_PER_CHUNK = 1_000
"""Rows per chunk of the CSV body (about 150 KB)."""


def _window(call: Call) -> tuple[str, str, str]:
    """``(from, to, currency)`` of a report request, defaults applied."""
    start = date_bound(call, "from", upper=False) or str(call.acting["createdAt"])
    end = date_bound(call, "to", upper=True) or iso_ms(call.now)
    if start > end:
        raise bad_query("from", "from must not be after to")
    currency = choice(call, "currency", CURRENCIES, None) or str(call.acting["defaultCurrency"])
    return start, end, currency


def _select(
    entries: Iterable[Obj], start: str | None, end: str | None, currency: str | None
) -> Iterator[Obj]:
    for entry in entries:
        posted = str(entry["postedAt"])
        if (
            (currency is None or entry["currency"] == currency)
            and (start is None or posted >= start)
            and (end is None or posted <= end)
        ):
            yield entry


def _sums(entries: Iterable[Obj]) -> dict[str, list[int]]:
    sums: dict[str, list[int]] = {}
    for entry in entries:
        amount = entry["amount"]
        assert isinstance(amount, int)
        pair = sums.setdefault(str(entry["code"]), [0, 0])
        pair[0 if entry["direction"] == "debit" else 1] += amount
    return sums


def pnl_report(entries: Sequence[Obj], start: str, end: str, currency: str) -> Obj:
    """The PnLReport over ``entries`` in the window and currency."""
    sums = _sums(_select(entries, start, end, currency))

    def debit_normal(code: str) -> int:
        debits, credits = sums.get(code, [0, 0])
        return debits - credits

    revenue, tax = -debit_normal("revenue"), -debit_normal("tax")
    refunds, fees = debit_normal("refunds"), debit_normal("platform_fees")
    return {
        "from": start,
        "to": end,
        "currency": currency,
        "revenue": revenue,
        "refunds": refunds,
        "platformFees": fees,
        "tax": tax,
        "net": revenue - refunds - fees,
        "lines": [
            {"code": "revenue", "amount": revenue},
            {"code": "refunds", "amount": refunds},
            {"code": "platform_fees", "amount": fees},
            {"code": "tax", "amount": tax},
        ],
    }


def cash_flow_report(entries: Sequence[Obj], start: str, end: str, currency: str) -> Obj:
    """The CashFlowReport over ``entries`` in the window and currency."""
    days: dict[str, list[int]] = {}
    for entry in _select(entries, start, end, currency):
        if entry["code"] != "balance":
            continue
        amount = entry["amount"]
        assert isinstance(amount, int)
        pair = days.setdefault(str(entry["postedAt"])[:10], [0, 0])
        pair[0 if entry["direction"] == "debit" else 1] += amount
    inflow = sum(pair[0] for pair in days.values())
    outflow = sum(pair[1] for pair in days.values())
    return {
        "from": start,
        "to": end,
        "currency": currency,
        "totalInflow": inflow,
        "totalOutflow": outflow,
        "net": inflow - outflow,
        "buckets": [
            {"day": day, "inflow": i, "outflow": o, "net": i - o}
            for day, (i, o) in sorted(days.items())
        ],
    }


def csv_chunks(entries: Sequence[Obj], rows_per_chunk: int = CSV_ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The CSV export of ``entries`` (a snapshot; entries never change once posted): the header,
    then ``rows_per_chunk`` rows per chunk, each formatted only when its chunk is produced."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for start in range(0, len(entries), rows_per_chunk):
        for entry in entries[start : start + rows_per_chunk]:
            writer.writerow(["" if entry[c] is None else entry[c] for c in CSV_COLUMNS])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # no entries: the header alone
        yield buffer.getvalue().encode("utf-8")


def _entries(call: Call) -> list[Obj]:
    return call.store[LEDGER].ordered(str(call.acting["accountId"]))


def pnl(call: Call) -> Result:
    start, end, currency = _window(call)
    return 200, pnl_report(_entries(call), start, end, currency), None


def cash_flow(call: Call) -> Result:
    start, end, currency = _window(call)
    return 200, cash_flow_report(_entries(call), start, end, currency), None


def ledger_csv(call: Call) -> Result:
    start = date_bound(call, "from", upper=False)
    end = date_bound(call, "to", upper=True)
    currency = choice(call, "currency", CURRENCIES, None)
    entries = _entries(call)
    if start is not None or end is not None or currency is not None:
        entries = list(_select(entries, start, end, currency))
    name = f"ledger-{call.acting['accountId']}.csv"
    return 200, Document("text/csv; charset=utf-8", csv_chunks(entries), name), None


_READ = "plugipay:report:read"
ROUTES = [
    Route("GET", "/reports/pnl", pnl, _READ, "none"),
    Route("GET", "/reports/cash-flow", cash_flow, _READ, "none"),
    Route("GET", "/reports/ledger.csv", ledger_csv, _READ, "none"),
]
