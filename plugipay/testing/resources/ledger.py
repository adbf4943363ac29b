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
from ._common import choice, filtered_page
from .checkout_sessions import CURRENCIES

__all__ = ["ROUTES"]


def list_entries(call: Call) -> Result:
    return filtered_page(
        call,
        LEDGER,
        {"code": "code", "sourceType": "sourceType", "sourceId": "sourceId", "txId": "txId"},
        choices={"code": ACCOUNT_CODES},
    )


def list_balances(call: Call) -> Result:
    currency = choice(call, "currency", CURRENCIES, None)
    return 200, running_balances(call.store, str(call.acting["accountId"]), currency), None


_READ = "plugipay:ledger:read"
ROUTES = [
    Route("GET", "/ledger", list_entries, _READ, "none"),
    Route("GET", "/ledger/balances", list_balances, _READ, "none"),
]
