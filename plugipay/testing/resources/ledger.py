"""The ledger API (SPEC-MONEY §5; SURVEY §1.9, §2 "LedgerEntry", "LedgerBalance"): the entries
``plugipay.testing._ledger`` posted, and every account's balance.

``GET /ledger`` pages the workspace's entries (newest first by default; ``order=asc`` in posting
order) filtered by ``code``, ``sourceType``, ``sourceId`` and ``txId``. ``GET /ledger/balances``
is a bare array of ``{code, debits, credits, balance}``, one per account of the chart, over
every entry (``?currency=`` narrows it to one currency).
"""

from __future__ import annotations

from .._ledger import ACCOUNT_CODES, LEDGER, running_balances
from .._routing import Call, Result, Route
from .._store import Obj
from ._common import after, choice, limit, list_page
from .checkout_sessions import CURRENCIES

__all__ = ["ROUTES"]


def list_entries(call: Call) -> Result:
    size = limit(call, 20)
    descending = choice(call, "order", ("asc", "desc"), "desc") == "desc"
    code = choice(call, "code", ACCOUNT_CODES, None)
    wanted = {
        name: value
        for name, value in (
            ("code", code),
            ("sourceType", call.query.get("sourceType") or None),
            ("sourceId", call.query.get("sourceId") or None),
            ("txId", call.query.get("txId") or None),
        )
        if value is not None
    }

    def keep(entry: Obj) -> bool:
        return all(entry[name] == value for name, value in wanted.items())

    page = call.store[LEDGER].page(
        str(call.acting["accountId"]),
        after=after(call),
        descending=descending,
        limit=size,
        keep=keep if wanted else None,
    )
    return list_page(page, size)


def list_balances(call: Call) -> Result:
    currency = choice(call, "currency", CURRENCIES, None)
    return 200, running_balances(call.store, str(call.acting["accountId"]), currency), None


_READ = "plugipay:ledger:read"
ROUTES = [
    Route("GET", "/ledger", list_entries, _READ, "none"),
    Route("GET", "/ledger/balances", list_balances, _READ, "none"),
]
