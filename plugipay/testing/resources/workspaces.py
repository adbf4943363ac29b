"""Workspaces (SPEC §6): create, list, get, update, archive, and the portal's restore.

A workspace is stored in its wire shape plus private fields: ``_owner`` (the owner identity,
whose keys see all its workspaces), ``_partner`` (the platform it is a merchant of),
``_revoked`` (the key ids the last archive
revoked, which a restore un-revokes) and ``_onboarding`` (the managed-adapter state).
"""

from __future__ import annotations

import re

from .._ids import iso_ms
from .._ledger import account_balance, currencies
from .._routing import Call, Result, Route
from .._store import Obj, Store, wire
from .._validate import (
    Rule,
    check_fields,
    currency_rule,
    email_rule,
    enum_rule,
    require_object,
    slug_rule,
    string_rule,
    timezone_rule,
)
from .._wire import ApiError
from ._common import (
    READ_WORKSPACE,
    WRITE_WORKSPACE,
    after,
    choice,
    conflict,
    limit,
    list_page,
    new_owner,
    opt_str,
    path_workspace,
    role_at_least,
    visible,
)
from .members import add_member

__all__ = ["ROUTES", "archive", "create_workspace", "restore", "slugify"]

REGION_DEFAULTS = {"id-jakarta": ("IDR", "Asia/Jakarta"), "sg-singapore": ("SGD", "Asia/Singapore")}
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")

_CREATE_RULES: dict[str, Rule] = {
    "name": string_rule(1, 255),
    "brandName": string_rule(1, 255),
    "businessEmail": email_rule,
    "region": enum_rule("id-jakarta", "sg-singapore"),
    "defaultCurrency": currency_rule,
}
_PATCH_RULES: dict[str, Rule] = {
    "name": string_rule(1, 255),
    "slug": slug_rule,
    "brandName": string_rule(1, 255),
    "businessEmail": email_rule,
    "defaultCurrency": currency_rule,
    "timezone": timezone_rule,
}
_FIXED = frozenset({"mode", "id", "accountId", "createdAt", "updatedAt", "archivedAt", "status"})
_EMAIL_TAKEN = "A workspace with this businessEmail already exists under this account"


# -- state, shared with the test hooks ---------------------------------------------------------


def slugify(text: str) -> str:
    """Lower case, runs of anything but ``a-z0-9`` to one ``-``, cut to 56 characters, then
    trimmed of hyphens (so the cut never leaves one at the end)."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")[:56].strip("-") or "workspace"


def _unique_slug(store: Store, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free."""
    slug, n = base, 1
    while store.workspaces.find("slug", slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_workspace(
    store: Store,
    *,
    owner: str,
    now: float,
    name: str | None = None,
    brand_name: str | None = None,
    business_email: str | None = None,
    region: str = "id-jakarta",
    default_currency: str | None = None,
    partner: str | None = None,
    account_id: str | None = None,
) -> Obj:
    """Create a workspace owned by ``owner`` (who becomes its active owner member)."""
    stamp = iso_ms(now)
    title = name or brand_name or "Untitled workspace"
    currency, timezone = REGION_DEFAULTS[region]
    ws: Obj = {
        "id": store.ids.new("ws_"),
        "accountId": account_id or store.ids.new("acc_"),
        "name": title,
        "slug": _unique_slug(store, slugify(title)),
        "region": region,
        "defaultCurrency": default_currency or currency,
        "timezone": timezone,
        "mode": "test",
        "brandName": brand_name,
        "businessEmail": business_email,
        "status": "active",
        "createdAt": stamp,
        "updatedAt": stamp,
        "archivedAt": None,
        "_owner": owner,
        "_partner": partner,
        "_revoked": [],
        "_onboarding": None,
    }
    store.workspaces.insert(ws)
    store.renamed_slugs.pop(str(ws["slug"]), None)
    add_member(store, ws, store.identities[owner], "owner", now, status="active")
    store.events.emit("workspace.created", ws, wire(ws), now=now)
    return ws


def archive(store: Store, ws: Obj, now: float) -> None:
    """Archive ``ws``: stamp it, revoke its keys, emit ``workspace.archived``."""
    stamp = iso_ms(now)
    ws["archivedAt"] = stamp
    ws["status"] = "pending_deletion"
    ws["updatedAt"] = stamp
    revoked = [
        key.key_id
        for key in store.keys.values()
        if key.workspace_id == ws["id"] and key.key_id not in store.revoked
    ]
    ws["_revoked"] = revoked
    store.revoked.update(revoked)
    store.events.emit("workspace.archived", ws, wire(ws), now=now)


def restore(store: Store, ws: Obj, now: float) -> None:
    """Undo ``archive``: clear ``archivedAt``, un-revoke the keys it revoked, emit
    ``workspace.restored`` (``previousAttributes``: ``archivedAt`` and ``status``)."""
    previous: dict[str, object] = {"archivedAt": ws["archivedAt"], "status": ws["status"]}
    ws["archivedAt"] = None
    ws["status"] = "active"
    ws["updatedAt"] = iso_ms(now)
    revoked = ws["_revoked"]
    assert isinstance(revoked, list)
    store.revoked.difference_update(revoked)
    ws["_revoked"] = []
    store.events.emit("workspace.restored", ws, wire(ws), now=now, previous=previous)


def _email_taken(store: Store, owner: object, email: str, except_id: object = None) -> bool:
    """Whether another active workspace of ``owner`` uses ``email`` as businessEmail."""
    return any(
        ws["_owner"] == owner
        and ws["businessEmail"] == email
        and ws["archivedAt"] is None
        and ws["id"] != except_id
        for ws in store.workspaces
    )


# -- handlers ----------------------------------------------------------------------------------


def list_workspaces(call: Call) -> Result:
    size = limit(call, 50)
    mode = choice(call, "mode", ("test", "live"), None)
    archived = choice(call, "archived", ("true", "false"), "false") == "true"

    def keep(ws: Obj) -> bool:
        return (
            (ws["archivedAt"] is not None) == archived
            and (mode is None or ws["mode"] == mode)
            and visible(call, ws)
        )

    page = call.store.workspaces.page(after=after(call), descending=True, limit=size, keep=keep)
    return list_page(page, size)


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _CREATE_RULES, nullable=frozenset(_CREATE_RULES))
    store, key = call.store, call.key
    email = opt_str(body.get("businessEmail"))
    if key.is_platform:
        partner: str | None = key.partner
        if call.acting["id"] != key.workspace_id:
            owner = str(call.acting["_owner"])
        else:
            owner = new_owner(store, email)
    else:
        partner = None
        owner = str(store.workspaces[key.workspace_id]["_owner"])
    if email is not None and _email_taken(store, owner, email):
        raise conflict(_EMAIL_TAKEN)
    ws = create_workspace(
        store,
        owner=owner,
        now=call.now,
        name=opt_str(body.get("name")),
        brand_name=opt_str(body.get("brandName")),
        business_email=email,
        region=str(body.get("region") or "id-jakarta"),
        default_currency=opt_str(body.get("defaultCurrency")),
        partner=partner,
    )
    return 201, wire(ws), None


def get(call: Call) -> Result:
    return 200, wire(path_workspace(call)), None


def update(call: Call) -> Result:
    ws = path_workspace(call)
    role_at_least(call, "admin", "Changing workspace settings")
    body = require_object(call.body)
    if "region" in body:
        raise ApiError(
            422, "REGION_IMMUTABLE", "region is set when a workspace is created and can't change"
        )
    check_fields(
        body,
        _PATCH_RULES,
        nullable=frozenset({"brandName", "businessEmail"}),
        not_patchable=_FIXED,
    )
    store = call.store
    slug = body.get("slug")
    holder = store.workspaces.find("slug", slug) if isinstance(slug, str) else None
    if holder is not None and holder is not ws:
        raise conflict(f"slug {slug!r} is already taken")
    email = body.get("businessEmail")
    if isinstance(email, str) and _email_taken(store, ws["_owner"], email, except_id=ws["id"]):
        raise conflict(_EMAIL_TAKEN)
    previous = store.workspaces.update(ws, body)
    if "slug" in previous:
        # The old slug now answers 410; a slug taken again is current, not renamed.
        store.renamed_slugs[str(previous["slug"])] = str(ws["id"])
        store.renamed_slugs.pop(str(ws["slug"]), None)
    if previous:
        ws["updatedAt"] = iso_ms(call.now)
        store.events.emit("workspace.updated", ws, wire(ws), now=call.now, previous=previous)
    return 200, wire(ws), None


def archive_workspace(call: Call) -> Result:
    ws = path_workspace(call)
    if call.key.role != "owner":
        raise ApiError(403, "OWNER_REQUIRED", "Only the owner can archive a workspace")
    if ws["archivedAt"] is None:
        account = str(ws["accountId"])
        open_balances = [
            (currency, held)
            for currency in currencies(call.store, account)
            if (held := account_balance(call.store, account, "balance", currency))
        ]
        if open_balances:
            shown = ", ".join(f"{currency} {held}" for currency, held in open_balances)
            raise ApiError(
                409,
                "HAS_OPEN_BALANCE",
                f"The workspace ledger has an open balance of {shown}; settle it first",
            )
        archive(call.store, ws, call.now)
    return 204, None, None


ROUTES = [
    Route("GET", "/workspaces", list_workspaces, READ_WORKSPACE, "none"),
    Route("POST", "/workspaces", create, WRITE_WORKSPACE, "honoured"),
    Route("GET", "/workspaces/{workspace}", get, READ_WORKSPACE, "none"),
    Route("PATCH", "/workspaces/{workspace}", update, WRITE_WORKSPACE, "honoured"),
    Route("DELETE", "/workspaces/{workspace}", archive_workspace, WRITE_WORKSPACE, "honoured"),
]
