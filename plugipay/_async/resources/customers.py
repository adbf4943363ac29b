"""``plug.customers``: the people who pay the acting workspace (SPEC §7 "Customer")."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ..._exceptions import ConflictError
from ..._models import Customer
from ..._types import NOT_GIVEN, NotGivenOr
from ..._urls import quote_segment
from ..._validation import (
    check_choice,
    check_created_after,
    check_cursor,
    check_idempotency_key,
    check_limit,
    check_metadata,
    check_payment_token,
    check_str,
    create_body,
    patch_body,
)
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncCustomers"]

_PATH = "/api/v1/customers"
ORDERS = ("asc", "desc")
EXPANDABLE = ("defaultPaymentToken",)
_CREATE_FIELDS = {
    "email": "email",
    "name": "name",
    "phone": "phone",
    "external_id": "externalId",
    "tax_id": "taxId",
    "default_payment_token_id": "defaultPaymentTokenId",
    "metadata": "metadata",
}
_LIMITS = {"email": 320, "name": 255, "phone": 64, "external_id": 255, "tax_id": 64}


def _customer_path(customer_id: str) -> str:
    return f"{_PATH}/{quote_segment(customer_id, 'customer_id')}"


def _check_fields(fields: Mapping[str, object]) -> dict[str, object]:
    """Check snake_case customer fields and map them to their wire names."""
    body: dict[str, object] = {}
    for arg, value in fields.items():
        wire = _CREATE_FIELDS.get(arg)
        if wire is None:
            raise TypeError(f"unexpected customer field {arg!r}")
        if arg == "metadata":
            check_metadata(value)
        elif arg == "default_payment_token_id":
            check_payment_token(value)
        else:
            check_str(arg, value, max_length=_LIMITS[arg])
        body[wire] = value
    return body


class AsyncCustomers(AsyncResource):
    """Create, read, list and update customers; archive and redact them without deleting."""

    __slots__ = ()

    async def create(
        self,
        *,
        email: str | None = None,
        name: str | None = None,
        phone: str | None = None,
        external_id: str | None = None,
        tax_id: str | None = None,
        default_payment_token_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Customer:
        """A new customer; every field is optional. Returns the customer."""
        body = _check_fields(
            {
                "email": email,
                "name": name,
                "phone": phone,
                "external_id": external_id,
                "tax_id": tax_id,
                "default_payment_token_id": default_payment_token_id,
                "metadata": metadata,
            }
        )
        return await self._call(
            Customer, "POST", _PATH, body=create_body(body), idempotency_key=idempotency_key
        )

    async def get(self, customer_id: str, *, expand: str | Sequence[str] | None = None) -> Customer:
        """One customer by ``cus_`` id; ``expand=["defaultPaymentToken"]`` inlines the token."""
        path = _customer_path(customer_id)
        expand_value = None
        if expand is not None:
            items = [expand] if isinstance(expand, str) else list(expand)
            for item in items:
                check_choice("expand", item, EXPANDABLE)
            expand_value = ",".join(items) or None
        return await self._call(Customer, "GET", path, query=[("expand", expand_value)])

    retrieve = get

    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
        email: str | None = None,
        external_id: str | None = None,
        created_after: datetime | str | None = None,
    ) -> AsyncCursorPaginator[Customer]:
        """Customers, newest first unless ``order="asc"``; filters are exact matches."""
        check_limit(limit)
        check_cursor(cursor)
        check_choice("order", order, ORDERS)
        check_str("email", email, max_length=320)
        check_str("external_id", external_id, max_length=255)
        check_created_after(created_after)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("order", order),
            ("email", email),
            ("externalId", external_id),
            ("createdAfter", created_after),
        ]
        return self._paginate(Customer, _PATH, query, cursor)

    async def update(
        self,
        customer_id: str,
        *,
        email: NotGivenOr[str | None] = NOT_GIVEN,
        name: NotGivenOr[str | None] = NOT_GIVEN,
        phone: NotGivenOr[str | None] = NOT_GIVEN,
        external_id: NotGivenOr[str | None] = NOT_GIVEN,
        tax_id: NotGivenOr[str | None] = NOT_GIVEN,
        default_payment_token_id: NotGivenOr[str | None] = NOT_GIVEN,
        metadata: NotGivenOr[Mapping[str, str] | None] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Customer:
        """Change fields: omitted ones are untouched, ``None`` clears, ``metadata`` is replaced whole."""
        path = _customer_path(customer_id)
        body = _check_fields(
            {
                "email": email,
                "name": name,
                "phone": phone,
                "external_id": external_id,
                "tax_id": tax_id,
                "default_payment_token_id": default_payment_token_id,
                "metadata": metadata,
            }
        )
        return await self._call(
            Customer, "PATCH", path, body=patch_body(body), idempotency_key=idempotency_key
        )

    async def find_by_external_id(self, external_id: str) -> Customer | None:
        """The customer with this ``externalId`` (unique per workspace), or ``None``."""
        check_str("external_id", external_id, max_length=255)
        if not external_id:
            raise ValueError("external_id must not be empty")
        page = await self.list(limit=1, external_id=external_id)
        return page.data[0] if page.data else None

    async def get_or_create(self, *, external_id: str, **fields: Any) -> tuple[Customer, bool]:
        """The customer with ``external_id``, created with ``fields`` if missing: ``(customer, created)``.

        Race-free: it creates first and, on a 409 ``conflict``, fetches the existing one.
        """
        idempotency_key = fields.pop("idempotency_key", None)
        try:
            customer = await self.create(
                external_id=external_id, idempotency_key=idempotency_key, **fields
            )
        except ConflictError as err:
            if err.code != "conflict":
                raise
            existing = await self.find_by_external_id(external_id)
            if existing is None:
                raise
            return existing, False
        return customer, True

    async def archive(self, customer_id: str, *, idempotency_key: str | None = None) -> Customer:
        """Mark the customer archived (``metadata["archived"] = "true"``), keeping other keys."""
        check_idempotency_key(idempotency_key)  # before the read, so a bad key sends nothing
        current = await self.get(customer_id)
        metadata = dict(current.metadata or {})
        metadata["archived"] = "true"
        return await self.update(customer_id, metadata=metadata, idempotency_key=idempotency_key)

    async def redact(self, customer_id: str, *, idempotency_key: str | None = None) -> Customer:
        """Clear the personal fields: ``email``, ``name``, ``phone``, ``tax_id`` and ``metadata``."""
        return await self.update(
            customer_id,
            email=None,
            name=None,
            phone=None,
            tax_id=None,
            metadata=None,
            idempotency_key=idempotency_key,
        )
