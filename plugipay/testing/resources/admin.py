"""Partner provisioning (SPEC §8) and usage (SURVEY §1.16, §2 "PartnerUsageSummary"): a
platform-admin key registers a merchant workspace under its partner with a discount rate, reads
the record back, and reads what its merchants' payments owe.

Records live in one collection keyed by ``accountId``; the workspace itself is created when it
doesn't exist yet, or adopted when it belongs to no partner.

``GET /admin/partner/usage?partner=&from=&to=`` (all three required; ``partner`` must be the
key's own) is computed from the books: one line per provisioned merchant, in provisioning order,
over the ledger transactions of its completed payments (checkout sessions and invoices) in IDR
posted in the window (``from`` ≤ ``postedAt`` ≤ ``to``, a bare date as ``to`` meaning the end of
that day, as the reports read it): ``transactionCount``, ``grossVolume`` (the amounts paid,
refunds not deducted), the record's ``discountRate``, and ``fee``: the platform fees those
payments carried, less the discount (rounded half up). ``total`` is the sum of the fees; other
currencies are not counted (the summary is in IDR).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .._ids import iso_ms
from .._ledger import LEDGER
from .._routing import PLATFORM, Call, Result, Route
from .._store import Kind, Obj, Store, wire
from .._validate import Rule, check_fields, email_rule, rate_rule, require_object, string_rule
from ._common import bad_query, conflict, date_bound, forbidden, new_owner, not_found, opt_str
from .workspaces import create_workspace

__all__ = ["PARTNER_WORKSPACES", "ROUTES"]

PARTNER_WORKSPACES = Kind("partner_workspaces", id_field="accountId")

_RULES: dict[str, Rule] = {
    "accountId": string_rule(5, 255, prefix="acc_"),
    "partner": string_rule(1, 255),
    "discountRate": rate_rule,
    "brandName": string_rule(1, 255),
    "businessEmail": email_rule,
}


def provision(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        _RULES,
        nullable=frozenset({"brandName", "businessEmail"}),
        required=("accountId", "partner", "discountRate"),
    )
    store, partner = call.store, call.key.partner
    records = store[PARTNER_WORKSPACES]
    account_id = str(body["accountId"])
    if body["partner"] != partner:
        raise forbidden(f"This key provisions workspaces for partner {partner!r} only")
    if records.get(account_id) is not None:
        raise conflict(f"Workspace {account_id} is already provisioned for a partner")
    brand, email = opt_str(body.get("brandName")), opt_str(body.get("businessEmail"))
    ws = store.workspaces.find("accountId", account_id)
    if ws is None:
        create_workspace(
            store,
            owner=new_owner(store, email),
            now=call.now,
            brand_name=brand,
            business_email=email,
            partner=partner,
            account_id=account_id,
        )
    elif ws["_partner"] not in (None, partner):
        raise conflict(f"Workspace {account_id} belongs to another partner")
    else:
        ws["_partner"] = partner
    record: Obj = {
        "accountId": account_id,
        "partner": partner,
        "discountRate": body["discountRate"],
        "brandName": brand,
        "businessEmail": email,
        "createdAt": iso_ms(call.now),
    }
    records.insert(record)
    return 201, wire(record), None


def get(call: Call) -> Result:
    record = call.store[PARTNER_WORKSPACES].get(call.params["account"])
    if record is None or record["partner"] != call.key.partner:
        raise not_found("Partner workspace")
    return 200, wire(record), None


_PAYMENT_SOURCES = frozenset({"checkout_session", "invoice"})
_USAGE_CURRENCY = "IDR"


def _usage_line(store: Store, record: Obj, start: str, end: str) -> Obj:
    account = str(record["accountId"])
    payments: set[object] = set()
    gross = fees = 0
    for entry in store[LEDGER].ordered(account):
        posted = str(entry["postedAt"])
        if (
            entry["sourceType"] not in _PAYMENT_SOURCES
            or entry["currency"] != _USAGE_CURRENCY
            or not start <= posted <= end
        ):
            continue
        amount = entry["amount"]
        assert isinstance(amount, int)
        if entry["code"] == "revenue" and entry["direction"] == "credit":
            payments.add(entry["txId"])
            gross += amount
        elif entry["code"] == "platform_fees" and entry["direction"] == "debit":
            fees += amount
    rate = record["discountRate"]
    assert isinstance(rate, int | float)
    owed = (Decimal(fees) * (1 - Decimal(str(rate)))).quantize(Decimal(1), ROUND_HALF_UP)
    ws = store.workspaces.find("accountId", account)
    brand = record["brandName"] or (ws["brandName"] if ws is not None else None)
    return {
        "accountId": account,
        "brandName": brand,
        "transactionCount": len(payments),
        "grossVolume": gross,
        "discountRate": rate,
        "fee": int(owed),
    }


def partner_usage(call: Call) -> Result:
    partner = call.query.get("partner") or ""
    start = date_bound(call, "from", upper=False)
    end = date_bound(call, "to", upper=True)
    for name, value in (("partner", partner), ("from", start), ("to", end)):
        if not value:
            raise bad_query(name, f"{name} is required")
    assert start is not None and end is not None
    if start > end:
        raise bad_query("from", "from must not be after to")
    if partner != call.key.partner:
        raise forbidden(f"This key reads the usage of partner {call.key.partner!r} only")
    store = call.store
    lines: list[Obj] = []
    total = 0
    for record in store[PARTNER_WORKSPACES]:
        if record["partner"] == partner:
            line = _usage_line(store, record, start, end)
            fee = line["fee"]
            assert isinstance(fee, int)
            lines.append(line)
            total += fee
    summary: Obj = {
        "partner": partner,
        "from": start,
        "to": end,
        "currency": _USAGE_CURRENCY,
        "lines": lines,
        "total": total,
    }
    return 200, summary, None


ROUTES = [
    Route("POST", "/admin/workspaces", provision, PLATFORM, "honoured"),
    Route("GET", "/admin/workspaces/{account}", get, PLATFORM, "none"),
    Route("GET", "/admin/partner/usage", partner_usage, PLATFORM, "none"),
]
