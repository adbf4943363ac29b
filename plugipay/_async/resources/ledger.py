"""``plug.ledger``: the double-entry books every money movement posts to, and the balance of each
account (SPEC-MONEY §5; SURVEY §1.9)."""

from __future__ import annotations

import builtins

from ..._models.ledger import LedgerBalance, LedgerEntry
from ..._validation import check_choice, check_cursor, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncLedger"]

_PATH = "/api/v1/ledger"
ORDERS = ("asc", "desc")


class AsyncLedger(AsyncResource):
    """List ledger entries, by account, by what posted them or by transaction; read every
    account's balance."""

    __slots__ = ()

    def list(
        self,
        *,
        code: str | None = None,
        source_type: str | None = None,
        source_id: str | None = None,
        tx_id: str | None = None,
        order: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncCursorPaginator[LedgerEntry]:
        """Ledger entries, newest first unless ``order="asc"``: those of one account
        (``code``), of what posted them (``source_type``, ``source_id``) or of one transaction
        (``tx_id``)."""
        check_str("code", code, max_length=64)
        check_str("source_type", source_type, max_length=64)
        check_str("source_id", source_id, max_length=255)
        check_str("tx_id", tx_id, max_length=255)
        check_choice("order", order, ORDERS)
        check_limit(limit)
        check_cursor(cursor)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("code", code),
            ("sourceType", source_type),
            ("sourceId", source_id),
            ("txId", tx_id),
            ("order", order),
        ]
        return self._paginate(LedgerEntry, _PATH, query, cursor)

    async def balances(self) -> builtins.list[LedgerBalance]:
        """Every ledger account's debits, credits and balance (a list, not paginated); the
        balances sum to zero."""
        return await self._call_list(LedgerBalance, "GET", f"{_PATH}/balances")
