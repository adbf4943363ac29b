"""``plug.payouts``: pay the balance out to a bank, follow each payout through its lifecycle, and
read the balance and the bank account it goes to (SPEC-MONEY §5; SURVEY §1.8)."""

from __future__ import annotations

import builtins

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.payouts import AvailableBalance, BankAccount, Payout
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncPayouts"]

_PATH = "/api/v1/payouts"
ORDERS = ("asc", "desc")
_BANK_FIELDS = {
    "bank_code": Field("bankCode", checks.text(64)),
    "bank_name": Field("bankName", checks.text(255)),
    "bank_account_number": Field("bankAccountNumber", checks.text(64)),
    "bank_account_holder": Field("bankAccountHolder", checks.text(255)),
}
FIELDS = Fields(
    {
        "amount": Field("amount", checks.amount(), required=True),
        "currency": Field("currency", checks.currency(), required=True),
        **_BANK_FIELDS,
        "note": Field("note", checks.text(2000)),
    }
)
"""What a payout is requested with; the bank fields default to the saved bank account."""
BANK_ACCOUNT_FIELDS = Fields(
    {
        "bank_name": Field("bankName", checks.text(255), required=True),
        "bank_account_number": Field("bankAccountNumber", checks.text(64), required=True),
        "bank_account_holder": Field("bankAccountHolder", checks.text(255), required=True),
        "bank_code": _BANK_FIELDS["bank_code"],
    }
)
"""The saved bank account, given whole (the bank code may be left out)."""


def _payout_path(payout_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(payout_id, "payout_id"), *rest))


class AsyncPayouts(AsyncResource):
    """Request payouts of the available balance; read and list them; cancel them, or record
    them in transit, paid or failed; read the balance and set the bank account."""

    __slots__ = ()

    async def create(
        self,
        *,
        amount: int,
        currency: str,
        bank_code: str | None = None,
        bank_name: str | None = None,
        bank_account_number: str | None = None,
        bank_account_holder: str | None = None,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Payout:
        """Request a payout of ``amount`` (an ``int`` in the currency's minor unit, at most the
        available balance) to the saved bank account, or to the one the bank fields name.
        Returns the ``pending`` payout."""
        body = FIELDS.create_body(locals())
        return await self._call(Payout, "POST", _PATH, body=body, idempotency_key=idempotency_key)

    async def get(self, payout_id: str) -> Payout:
        """One payout by id."""
        return await self._call(Payout, "GET", _payout_path(payout_id))

    retrieve = get

    def list(
        self,
        *,
        status: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncCursorPaginator[Payout]:
        """Payouts, newest first unless ``order="asc"``; ``status`` keeps one status."""
        check_str("status", status, max_length=64)
        check_limit(limit)
        check_cursor(cursor)
        check_choice("order", order, ORDERS)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("status", status),
            ("order", order),
        ]
        return self._paginate(Payout, _PATH, query, cursor)

    async def cancel(self, payout_id: str, *, idempotency_key: str | None = None) -> Payout:
        """Cancel a ``pending`` payout (its money is available again); returns it,
        ``cancelled``."""
        # An empty object: sent as no body at all, signed over the empty string (SPEC §2).
        return await self._call(
            Payout,
            "POST",
            _payout_path(payout_id, "cancel"),
            body={},
            idempotency_key=idempotency_key,
        )

    async def _mark(
        self, payout_id: str, action: str, body: dict[str, object], idempotency_key: str | None
    ) -> Payout:
        path = _payout_path(payout_id, action)
        return await self._call(Payout, "POST", path, body=body, idempotency_key=idempotency_key)

    async def mark_in_transit(
        self,
        payout_id: str,
        *,
        reference: str | None = None,
        idempotency_key: str | None = None,
    ) -> Payout:
        """Record a ``pending`` payout as sent to the bank, with the transfer's ``reference``
        if known; returns it, ``in_transit``."""
        check_str("reference", reference, max_length=255)
        # Without a reference, no body at all (SPEC §2).
        body: dict[str, object] = {} if reference is None else {"reference": reference}
        return await self._mark(payout_id, "mark-in-transit", body, idempotency_key)

    async def mark_paid(
        self,
        payout_id: str,
        *,
        reference: str | None = None,
        idempotency_key: str | None = None,
    ) -> Payout:
        """Record a payout as received by the bank (it posts to the ledger); returns it,
        ``paid``."""
        check_str("reference", reference, max_length=255)
        body: dict[str, object] = {} if reference is None else {"reference": reference}
        return await self._mark(payout_id, "mark-paid", body, idempotency_key)

    async def mark_failed(
        self,
        payout_id: str,
        *,
        failure_reason: str,
        idempotency_key: str | None = None,
    ) -> Payout:
        """Record a ``pending`` or ``in_transit`` payout as failed, saying why (its money is
        available again); returns it, ``failed``."""
        if failure_reason is None:
            raise ValueError("failure_reason is required")
        checks.text(1000)("failure_reason", failure_reason)
        body: dict[str, object] = {"failureReason": failure_reason}
        return await self._mark(payout_id, "mark-failed", body, idempotency_key)

    async def balance(self) -> AvailableBalance:
        """The balance: the ledger's, what payouts in flight hold, and what is available."""
        return await self._call(AvailableBalance, "GET", f"{_PATH}/balance")

    async def bank_account(self) -> BankAccount:
        """The saved bank account payouts go to (``configured`` is false until one is set)."""
        return await self._call(BankAccount, "GET", f"{_PATH}/bank-account")

    async def update_bank_account(
        self,
        *,
        bank_name: str,
        bank_account_number: str,
        bank_account_holder: str,
        bank_code: str | None = None,
        idempotency_key: str | None = None,
    ) -> BankAccount:
        """Save the bank account payouts go to, replacing the one saved; returns it."""
        body = BANK_ACCOUNT_FIELDS.create_body(locals())
        return await self._call(
            BankAccount,
            "PATCH",
            f"{_PATH}/bank-account",
            body=body,
            idempotency_key=idempotency_key,
        )
