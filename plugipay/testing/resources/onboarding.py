"""Managed sub-accounts (SPEC §8): ``POST /onboarding/provision-managed`` creates a workspace
for the caller (under its partner, or a new identity for a platform key acting for itself)."""

from __future__ import annotations

from .._routing import Call, Result, Route
from .._validate import check_fields, require_object
from ._common import WRITE_WORKSPACE, new_owner, opt_str
from .workspaces import create_workspace

__all__ = ["ROUTES"]


def provision_managed(call: Call) -> Result:
    check_fields(require_object(call.body), {})
    store, key, acting = call.store, call.key, call.acting
    if key.is_platform and acting["id"] == key.workspace_id:
        owner, partner = new_owner(store, None), key.partner
    else:
        owner, partner = str(acting["_owner"]), opt_str(acting["_partner"])
    ws = create_workspace(
        store,
        owner=owner,
        now=call.now,
        name="Managed sub-account",
        partner=partner,
    )
    return 201, {"subAccountId": ws["accountId"]}, None


ROUTES = [
    Route("POST", "/onboarding/provision-managed", provision_managed, WRITE_WORKSPACE, "honoured"),
]
