"""Workspace members (SPEC §6): list, invite, change a role, remove; the portal's invite
acceptance and ownership transfer are test hooks on ``FakePlugipay``.

Members live in one collection, scoped by workspace id, with the email unique per workspace.
Owners and admins manage roles strictly below their own; the owner's role moves only by
transfer.
"""

from __future__ import annotations

from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import ROLE_RANK, Kind, Obj, Store, wire
from .._validate import check_fields, email_rule, enum_rule, require_object
from .._wire import ApiError
from ._common import (
    READ_WORKSPACE,
    WRITE_WORKSPACE,
    conflict,
    filtered_page,
    forbidden,
    not_found,
    path_workspace,
    role_at_least,
)

__all__ = ["MEMBERS", "ROUTES", "accept", "add_member", "find_member", "transfer_ownership"]

MEMBERS = Kind("members", unique=("email",))

_MEMBER_ROLE = enum_rule("admin", "member", "read_only")


# -- state, shared with the test hooks ---------------------------------------------------------


def add_member(
    store: Store, ws: Obj, email: str, role: str, now: float, *, status: str = "invited"
) -> Obj:
    """Add a member (an invitation unless ``status="active"``)."""
    stamp = iso_ms(now)
    member: Obj = {
        "id": store.ids.new("mem_"),
        "email": email,
        "role": role,
        "joinedAt": stamp if status == "active" else None,
        "status": status,
    }
    return store[MEMBERS].insert(member, scope=str(ws["id"]), stamp=stamp)


def find_member(store: Store, ws: Obj, ref: str) -> Obj | None:
    """A member of ``ws`` by ``mem_`` id or by email."""
    members, scope = store[MEMBERS], str(ws["id"])
    return members.get(ref, scope) or members.find("email", ref, scope)


def accept(store: Store, ws: Obj, member: Obj, now: float) -> None:
    """Make an invitation active, emitting ``workspace.member_joined`` (no-op when active)."""
    if member["status"] != "active":
        member["status"] = "active"
        member["joinedAt"] = iso_ms(now)
        store.events.emit("workspace.member_joined", ws, wire(member), now=now)


def transfer_ownership(store: Store, ws: Obj, member: Obj, now: float) -> None:
    """Make ``member`` the owner and the old owner an admin; emit
    ``workspace.ownership_transferred`` (see ``FakePlugipay.transfer_ownership``)."""
    old = next(m for m in store[MEMBERS].ordered(str(ws["id"])) if m["role"] == "owner")
    previous_role = member["role"]
    old["role"] = "admin"
    member["role"] = "owner"
    email = str(member["email"])
    ws["_owner"] = next(
        (i for i, known in store.identities.items() if known == email), None
    ) or store.new_identity(email)
    previous: dict[str, object] = {"role": previous_role, "previousOwner": wire(old)}
    store.events.emit(
        "workspace.ownership_transferred", ws, wire(member), now=now, previous=previous
    )


# -- rules -------------------------------------------------------------------------------------


def _invitable_role(name: str, value: object) -> tuple[str, str] | None:
    if value == "owner":
        return "invalid", f"{name} can't be owner: ownership moves by transfer in the portal"
    return _MEMBER_ROLE(name, value)


def _member(call: Call, ws: Obj) -> Obj:
    member = call.store[MEMBERS].get(call.params["member"], str(ws["id"]))
    if member is None:
        raise not_found("Member")
    return member


def _may_grant(call: Call, role: object) -> None:
    # Owners and admins manage roles strictly below their own.
    if ROLE_RANK[str(role)] >= ROLE_RANK[call.key.role]:
        raise forbidden(f"A key with the {call.key.role} role can only manage roles below it")


# -- handlers ----------------------------------------------------------------------------------


def list_members(call: Call) -> Result:
    ws = path_workspace(call)
    return filtered_page(call, MEMBERS, scope=str(ws["id"]), default_limit=50, sortable=False)


def invite(call: Call) -> Result:
    ws = path_workspace(call)
    role_at_least(call, "admin", "Inviting members")
    body = require_object(call.body)
    check_fields(body, {"email": email_rule, "role": _invitable_role}, required=("email", "role"))
    role, email = str(body["role"]), str(body["email"])
    _may_grant(call, role)
    if call.store[MEMBERS].find("email", email, str(ws["id"])) is not None:
        raise conflict(f"{email} is already a member of this workspace")
    member = add_member(call.store, ws, email, role, call.now)
    call.store.events.emit("workspace.member_invited", ws, wire(member), now=call.now)
    return 201, wire(member), None


def change_role(call: Call) -> Result:
    ws = path_workspace(call)
    role_at_least(call, "admin", "Changing member roles")
    member = _member(call, ws)
    if member["role"] == "owner":
        raise ApiError(
            409, "OWNER_IMMUTABLE", "The owner's role can't change; transfer ownership instead"
        )
    body = require_object(call.body)
    check_fields(body, {"role": _invitable_role}, required=("role",))
    role = str(body["role"])
    _may_grant(call, member["role"])
    _may_grant(call, role)
    if role != member["role"]:
        previous: dict[str, object] = {"role": member["role"]}
        member["role"] = role
        call.store.events.emit(
            "workspace.member_role_changed", ws, wire(member), now=call.now, previous=previous
        )
    return 200, wire(member), None


def remove(call: Call) -> Result:
    ws = path_workspace(call)
    role_at_least(call, "admin", "Removing members")
    member = _member(call, ws)
    if member["role"] == "owner":
        raise ApiError(
            409, "OWNER_IMMUTABLE", "The owner can't be removed; transfer ownership first"
        )
    _may_grant(call, member["role"])
    call.store[MEMBERS].remove(member)
    call.store.events.emit("workspace.member_removed", ws, wire(member), now=call.now)
    return 204, None, None


_MEMBERS = "/workspaces/{workspace}/members"
ROUTES = [
    Route("GET", _MEMBERS, list_members, READ_WORKSPACE, "none"),
    Route("POST", _MEMBERS, invite, WRITE_WORKSPACE, "honoured"),
    Route("PATCH", _MEMBERS + "/{member}", change_role, WRITE_WORKSPACE, "honoured"),
    Route("DELETE", _MEMBERS + "/{member}", remove, WRITE_WORKSPACE, "honoured"),
]
