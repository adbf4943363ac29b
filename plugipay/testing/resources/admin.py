"""Partner provisioning (SPEC §8): a platform-admin key registers a merchant workspace under
its partner with a discount rate, and reads the record back.

Records live in one collection keyed by ``accountId``; the workspace itself is created when it
doesn't exist yet, or adopted when it belongs to no partner.
"""

from __future__ import annotations

from .._ids import iso_ms
from .._routing import PLATFORM, Call, Result, Route
from .._store import Kind, Obj, wire
from .._validate import Rule, check_fields, email_rule, rate_rule, require_object, string_rule
from ._common import conflict, forbidden, new_owner, not_found, opt_str
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


ROUTES = [
    Route("POST", "/admin/workspaces", provision, PLATFORM, "honoured"),
    Route("GET", "/admin/workspaces/{account}", get, PLATFORM, "none"),
]
