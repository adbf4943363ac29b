"""Payment adapters (SPEC §8): starting managed onboarding with a provider for the acting
workspace; the state is kept on the workspace (``_onboarding``)."""

from __future__ import annotations

from .._routing import Call, Result, Route
from .._store import Obj, wire
from .._validate import check_fields, email_rule, enum_rule, require_object
from ._common import WRITE_WORKSPACE

__all__ = ["ROUTES"]


def start_managed_onboarding(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body, {"email": email_rule, "kind": enum_rule("xendit")}, nullable=frozenset({"email"})
    )
    ws = call.acting
    state: Obj = {
        "state": "pending",
        "provider": str(body.get("kind") or "xendit"),
        "details": {
            "accountId": ws["accountId"],
            "email": body.get("email") or ws["businessEmail"],
        },
    }
    ws["_onboarding"] = state
    return 200, wire(state), None


ROUTES = [
    Route(
        "POST",
        "/adapters/managed/onboarding",
        start_managed_onboarding,
        WRITE_WORKSPACE,
        "honoured",
    ),
]
