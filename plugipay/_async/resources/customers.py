"""``plug.customers``: the people who pay the acting workspace (SPEC §7 "Customer")."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ... import _validation as checks
from ..._exceptions import ConflictError
from ..._fields import Field, Fields
from ..._models.customers import Customer
from ..._types import NOT_GIVEN, NotGivenOr
from ..._urls import quote_segment
from ..._validation import (
    check_choice,
    check_created_after,
    check_cursor,
    check_idempotency_key,
    check_limit,
    check_str,
)
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncCustomers"]

_PATH = "/api/v1/customers"
ORDERS = ("asc", "desc")
EXPANDABLE = ("defaultPaymentToken",)
FIELDS = Fields(
    {
        "email": Field("email", checks.email()),
        "name": Field("name", checks.text(255)),
        "phone": Field("phone", checks.text(64)),
        "external_id": Field("externalId", checks.text(255)),
        "tax_id": Field("taxId", checks.text(64)),
        "default_payment_token_id": Field("defaultPaymentTokenId", checks.prefixed("pt_")),
        "metadata": Field("metadata", checks.metadata()),
    },
    path_ids=frozenset({"customer_id"}),
)
"""Every writable customer field; ``None`` clears any of them on update."""


def _customer_path(customer_id: str) -> str:
    return f"{_PATH}/{quote_segment(customer_id, 'customer_id')}"


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
        body = FIELDS.create_body(locals())
        return await self._call(Customer, "POST", _PATH, body=body, idempotency_key=idempotency_key)

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
        body = FIELDS.update_body(locals())
        path = _customer_path(customer_id)
        return await self._call(Customer, "PATCH", path, body=body, idempotency_key=idempotency_key)

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
