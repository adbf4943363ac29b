"""``plug.reports``: profit and loss, cash flow, and the ledger exported as CSV, all computed from
the ledger's entries (SPEC-MONEY §5, §6; SURVEY §1.9).

Report windows (``from_``, ``to``) take a ``date``, sent as ``YYYY-MM-DD``, a ``datetime``, sent as
ISO 8601 in UTC (``2026-05-01T00:00:00.000Z``; a naive one is taken to be UTC), or an ISO 8601
string, sent as given. They go out as the ``from`` and ``to`` query values.
"""

from __future__ import annotations

import builtins
from datetime import date, datetime

from ... import _validation as checks
from ..._models.ledger import CashFlowReport, PnLReport
from ..._validation import check_date_or_datetime, check_str, date_or_datetime_wire
from .._download import AsyncDownload
from ._base import AsyncResource

__all__ = ["AsyncReports"]

_PATH = "/api/v1/reports"
_CSV = "text/csv, application/json"


def _window(
    from_: datetime | date | str | None,
    to: datetime | date | str | None,
    currency: str | None,
    *,
    required: bool,
) -> builtins.list[tuple[str, object]]:
    check_date_or_datetime("from_", from_, required=required)
    check_date_or_datetime("to", to, required=required)
    if currency is not None:
        checks.currency()("currency", currency)
    return [
        ("from", date_or_datetime_wire(from_)),
        ("to", date_or_datetime_wire(to)),
        ("currency", currency),
    ]


class AsyncReports(AsyncResource):
    """Profit and loss and cash flow over a window; the ledger as a streamed CSV export."""

    __slots__ = ()

    async def pnl(
        self,
        *,
        from_: datetime | date | str,
        to: datetime | date | str,
        currency: str | None = None,
    ) -> PnLReport:
        """Profit and loss from ``from_`` to ``to`` (a ``date``, a ``datetime`` or an ISO
        string each), in ``currency`` or the workspace's."""
        query = _window(from_, to, currency, required=True)
        return await self._call(PnLReport, "GET", f"{_PATH}/pnl", query=query)

    async def cash_flow(
        self,
        *,
        from_: datetime | date | str,
        to: datetime | date | str,
        currency: str | None = None,
    ) -> CashFlowReport:
        """Money into and out of the balance from ``from_`` to ``to``, day by day."""
        query = _window(from_, to, currency, required=True)
        return await self._call(CashFlowReport, "GET", f"{_PATH}/cash-flow", query=query)

    def ledger_csv(
        self,
        *,
        from_: datetime | date | str | None = None,
        to: datetime | date | str | None = None,
        code: str | None = None,
        currency: str | None = None,
    ) -> AsyncDownload:
        """The ledger's entries as CSV (a header row, then one row per entry), read as it
        arrives and never held whole: ``async with plug.reports.ledger_csv() as csv``, then
        ``csv.aiter_lines()``, or ``csv.awrite_to("ledger.csv")``. Nothing is sent until
        it is entered."""
        check_str("code", code, max_length=64)
        query = _window(from_, to, currency, required=False)
        query.append(("code", code))
        return self._stream(f"{_PATH}/ledger.csv", _CSV, query=query)
