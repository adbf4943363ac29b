"""Customers (SPEC §7): create, get (with ``expand``), list with filters, update.

Customers live in one collection scoped by ``accountId``, with ``externalId`` unique per
workspace. Writes need an ``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import Kind, Obj, wire
from .._validate import (
    Rule,
    check_fields,
    email_rule,
    metadata_rule,
    require_object,
    string_rule,
)
from ._common import (
    after,
    bad_query,
    choice,
    conflict,
    limit,
    list_page,
    not_found,
    time_query,
)

__all__ = ["CUSTOMERS", "ROUTES"]

CUSTOMERS = Kind("customers", unique=("externalId",))

_RULES: dict[str, Rule] = {
    "externalId": string_rule(1, 255),
    "email": email_rule,
    "name": string_rule(1, 255),
    "phone": string_rule(1, 64),
    "taxId": string_rule(1, 64),
    "defaultPaymentTokenId": string_rule(1, 255, prefix="pt_"),
    "metadata": metadata_rule,
}
_NULLABLE = frozenset(_RULES)
_ASSIGNED = frozenset({"id", "arn", "accountId", "createdAt", "updatedAt"})
_EXTERNAL_ID_TAKEN = "externalId already exists for this account"


def _check(body: Mapping[str, object]) -> None:
    check_fields(body, _RULES, nullable=_NULLABLE, read_only=_ASSIGNED)


def _metadata(value: object) -> dict[str, object]:
    return dict(value) if isinstance(value, dict) else {}


def _customer(call: Call) -> Obj:
    customer = call.store[CUSTOMERS].get(call.params["customer"], str(call.acting["accountId"]))
    if customer is None:
        raise not_found("Customer")
    return customer


def create(call: Call) -> Result:
    body = require_object(call.body)
    _check(body)
    ws, customers = call.acting, call.store[CUSTOMERS]
    account = str(ws["accountId"])
    external = body.get("externalId")
    if external is not None and customers.find("externalId", external, account) is not None:
        raise conflict(_EXTERNAL_ID_TAKEN)
    stamp = iso_ms(call.now)
    ident = call.store.ids.new("cus_")
    customer: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:customer/{ident}",
        "accountId": account,
        "externalId": external,
        "email": body.get("email"),
        "name": body.get("name"),
        "phone": body.get("phone"),
        "taxId": body.get("taxId"),
        "defaultPaymentTokenId": body.get("defaultPaymentTokenId"),
        "metadata": _metadata(body.get("metadata")),
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    customers.insert(customer, scope=account)
    out = wire(customer)
    # The answer is only serialized, never changed, so the event may share the copy.
    call.store.events.emit("plugipay.customer.created.v1", ws, out, now=call.now)
    return 201, out, None


def get(call: Call) -> Result:
    expand = [part for part in call.query.get("expand", "").split(",") if part]
    unknown = [part for part in expand if part != "defaultPaymentToken"]
    if unknown:
        raise bad_query("expand", f"expand supports only defaultPaymentToken, got {unknown[0]!r}")
    out = wire(_customer(call))
    if expand:
        token = out["defaultPaymentTokenId"]
        out["defaultPaymentToken"] = {"id": token, "object": "payment_token"} if token else None
    return 200, out, None


def list_customers(call: Call) -> Result:
    size = limit(call, 20)
    descending = choice(call, "order", ("asc", "desc"), "desc") == "desc"
    email = call.query.get("email")
    external = call.query.get("externalId")
    after_stamp = time_query(call, "createdAfter")
    customers, account = call.store[CUSTOMERS], str(call.acting["accountId"])
    within = None
    if external is not None:
        found = customers.find("externalId", external, account)
        within = [] if found is None else [customers.key(found)]
    keep: Callable[[Obj], bool] | None = None
    if email is not None or after_stamp is not None:

        def keep(customer: Obj) -> bool:
            return (email is None or customer["email"] == email) and (
                after_stamp is None or str(customer["createdAt"]) > after_stamp
            )

    page = customers.page(
        account, after=after(call), descending=descending, limit=size, keep=keep, within=within
    )
    return list_page(page, size)


def update(call: Call) -> Result:
    customer = _customer(call)
    body = require_object(call.body)
    _check(body)
    customers = call.store[CUSTOMERS]
    external = body.get("externalId", customer["externalId"])
    if external is not None:
        holder = customers.find("externalId", external, str(call.acting["accountId"]))
        if holder is not None and holder is not customer:
            raise conflict(_EXTERNAL_ID_TAKEN)
    changes = {
        name: _metadata(value) if name == "metadata" else value for name, value in body.items()
    }
    customers.update(customer, changes)
    if body:
        customer["updatedAt"] = iso_ms(call.now)
    return 200, wire(customer), None


_READ = "plugipay:customer:read"
ROUTES = [
    Route("GET", "/customers", list_customers, _READ, "none"),
    Route("POST", "/customers", create, "plugipay:customer:create", "required"),
    Route("GET", "/customers/{customer}", get, _READ, "none"),
    Route("PATCH", "/customers/{customer}", update, "plugipay:customer:write", "required"),
]
