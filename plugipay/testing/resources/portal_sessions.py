"""Customer billing portal sessions (SURVEY §1.6, §2 "PortalSession"): ``POST /portal-sessions``.

A session is a short-lived link for one customer: ``url`` is
``https://plugipay.com/portal/<token>`` with a fresh random token, valid for an hour
(``expiresAt``); ``returnUrl`` (an absolute http(s) URL) is where the portal sends the customer
back. Sessions are only made, never listed or read back, as in the published SDKs.
"""

from __future__ import annotations

from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import Kind, Obj, wire
from .._validate import check_fields, problem, require_object, string_rule, validation_error
from .checkout_sessions import _url_rule
from .customers import CUSTOMERS

__all__ = ["PORTAL_BASE", "PORTAL_SESSIONS", "ROUTES", "TTL"]

PORTAL_SESSIONS = Kind("portal_sessions")
PORTAL_BASE = "https://plugipay.com/portal/"
TTL = 60 * 60
"""Seconds a portal link stays valid."""

_RULES = {"customerId": string_rule(1, 255, prefix="cus_"), "returnUrl": _url_rule}
_ASSIGNED = frozenset({"id", "arn", "accountId", "url", "expiresAt", "createdAt"})


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _RULES, required=("customerId", "returnUrl"), read_only=_ASSIGNED)
    store, ws = call.store, call.acting
    account = str(ws["accountId"])
    customer_id = str(body["customerId"])
    if store[CUSTOMERS].get(customer_id, account) is None:
        raise validation_error(
            [problem("customerId", "invalid", f"No customer {customer_id} in this workspace")]
        )
    ident = store.ids.new("ps_")
    session: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:portal_session/{ident}",
        "accountId": account,
        "customerId": customer_id,
        "url": PORTAL_BASE + store.ids.token("pst_"),
        "returnUrl": body["returnUrl"],
        "expiresAt": iso_ms(call.now + TTL),
        "createdAt": iso_ms(call.now),
    }
    store[PORTAL_SESSIONS].insert(session, scope=account)
    return 201, wire(session), None


ROUTES = [
    Route("POST", "/portal-sessions", create, "plugipay:portal:write", "honoured"),
]
