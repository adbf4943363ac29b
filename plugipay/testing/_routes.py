"""The route table of SPEC §1 and its handlers (rules of SPEC §6-§8).

Handlers run under the store lock with an authenticated ``Call`` and return ``(status, data,
page)``; they raise ``ApiError`` for every refusal. Routing happens on the raw path segments,
each then percent-decoded, so ``acc%2F..%2Fx`` is one id. An unknown path is 404 ``NOT_FOUND``;
a known path with another method is 405 ``METHOD_NOT_ALLOWED`` with an ``Allow`` header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from ._ids import iso_ms, parse_iso
from ._store import (
    ROLE_RANK,
    ApiKey,
    Member,
    SortKey,
    Store,
    Workspace,
    copy_customer,
    decode_cursor,
    encode_cursor,
    keyset_page,
)
from ._validate import (
    Rule,
    check_fields,
    currency_rule,
    email_rule,
    enum_rule,
    metadata_rule,
    problem,
    rate_rule,
    require_object,
    slug_rule,
    string_rule,
    timezone_rule,
    validation_error,
)
from ._wire import ApiError

__all__ = ["PLATFORM", "Call", "Endpoint", "Result", "match_route"]

PLATFORM = "plugipay:platform:admin"
Result = tuple[int, object, dict[str, object] | None]
"""``(status, data, page meta or None)``."""
Idempotency = Literal["required", "honoured", "none"]


@dataclass(slots=True)
class Call:
    """One authenticated request, as a handler sees it."""

    store: Store
    key: ApiKey
    acting: Workspace
    """The workspace the call acts in: the key's own, or the on-behalf-of merchant's."""
    params: tuple[str, ...]
    query: Mapping[str, str]
    body: object | None
    now: float


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A method on a route: its handler, required scope and idempotency rule."""

    handler: Callable[[Call], Result]
    scope: str
    idempotency: Idempotency


# -- shared helpers ----------------------------------------------------------------------------


def _not_found(what: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", f"{what} not found")


def _forbidden(message: str) -> ApiError:
    return ApiError(403, "INSUFFICIENT_SCOPE", message)


def _conflict(message: str) -> ApiError:
    return ApiError(409, "CONFLICT", message)


def _bad_query(name: str, message: str) -> ApiError:
    return validation_error([problem(name, "invalid", message)])


def _limit(call: Call, default: int) -> int:
    text = call.query.get("limit")
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise _bad_query("limit", "limit must be an integer") from None
    return min(max(value, 1), 100)


def _after(call: Call) -> SortKey | None:
    cursor = call.query.get("cursor")
    if not cursor:
        return None
    key = decode_cursor(cursor)
    if key is None:
        raise _bad_query("cursor", "cursor is not a cursor this API returned")
    return key


def _choice(call: Call, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = call.query.get(name)
    if value is None or value == "":
        return default
    if value not in allowed:
        raise _bad_query(name, f"{name} must be one of: {', '.join(allowed)}")
    return value


def _page(limit: int, keys: list[SortKey], has_more: bool) -> dict[str, object]:
    cursor = encode_cursor(keys[-1]) if has_more and keys else None
    return {
        "page": {"limit": limit, "hasMore": has_more, "nextCursor": cursor},
        "cursor": cursor,
        "hasMore": has_more,
    }


def _role_at_least(call: Call, role: str, action: str) -> None:
    if ROLE_RANK[call.key.role] < ROLE_RANK[role]:
        raise _forbidden(f"{action} needs the {role} role or higher; this key is {call.key.role}")


def _new_owner(store: Store, email: str | None) -> str:
    return store.new_identity(email or f"owner+{store.ids.ulid().lower()}@example.com")


# -- workspaces --------------------------------------------------------------------------------

_WS_CREATE_RULES: dict[str, Rule] = {
    "name": string_rule(1, 255),
    "brandName": string_rule(1, 255),
    "businessEmail": email_rule,
    "region": enum_rule("id-jakarta", "sg-singapore"),
    "defaultCurrency": currency_rule,
}
_WS_PATCH_RULES: dict[str, Rule] = {
    "name": string_rule(1, 255),
    "slug": slug_rule,
    "brandName": string_rule(1, 255),
    "businessEmail": email_rule,
    "defaultCurrency": currency_rule,
    "timezone": timezone_rule,
}
_WS_WIRE_NAMES = {
    "name": "name",
    "slug": "slug",
    "brandName": "brand_name",
    "businessEmail": "business_email",
    "defaultCurrency": "default_currency",
    "timezone": "timezone",
}
_WS_FIXED = frozenset({"mode", "id", "accountId", "createdAt", "updatedAt", "archivedAt", "status"})


def _visible(call: Call, ws: Workspace) -> bool:
    key = call.key
    if key.is_platform:
        return ws.partner == key.partner
    return ws.owner == call.store.workspaces[key.workspace_id].owner


def _workspace(call: Call) -> Workspace:
    ref = call.params[0]
    ws, gone = call.store.find_workspace(ref)
    if ws is None or not _visible(call, ws):
        raise _not_found("Workspace")
    if gone:
        raise ApiError(410, "GONE", f"Workspace slug {ref!r} was renamed; use the workspace id")
    return ws


def list_workspaces(call: Call) -> Result:
    limit = _limit(call, 50)
    mode = _choice(call, "mode", ("test", "live"), None)
    archived = _choice(call, "archived", ("true", "false"), "false") == "true"
    store = call.store

    def keep(ident: str) -> bool:
        ws = store.workspaces[ident]
        return (
            (ws.archived_at is not None) == archived
            and (mode is None or ws.mode == mode)
            and _visible(call, ws)
        )

    keys, more = keyset_page(
        store.workspace_order, after=_after(call), descending=True, limit=limit, keep=keep
    )
    return 200, [store.workspaces[k[1]].wire() for k in keys], _page(limit, keys, more)


def create_workspace(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _WS_CREATE_RULES, nullable=frozenset(_WS_CREATE_RULES))
    store, key = call.store, call.key
    email = body.get("businessEmail")
    if key.is_platform:
        partner: str | None = key.partner
        if call.acting.id != key.workspace_id:
            owner = call.acting.owner
        else:
            owner = _new_owner(store, email if isinstance(email, str) else None)
    else:
        partner = None
        owner = store.workspaces[key.workspace_id].owner
    if isinstance(email, str) and store.email_taken(owner, email):
        raise _conflict("A workspace with this businessEmail already exists under this account")
    region = body.get("region") or "id-jakarta"
    ws = store.create_workspace(
        owner=owner,
        now=call.now,
        name=_opt_str(body.get("name")),
        brand_name=_opt_str(body.get("brandName")),
        business_email=_opt_str(email),
        region=str(region),
        default_currency=_opt_str(body.get("defaultCurrency")),
        partner=partner,
    )
    return 201, ws.wire(), None


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def get_workspace(call: Call) -> Result:
    return 200, _workspace(call).wire(), None


def update_workspace(call: Call) -> Result:
    ws = _workspace(call)
    _role_at_least(call, "admin", "Changing workspace settings")
    body = require_object(call.body)
    if "region" in body:
        raise ApiError(
            422, "REGION_IMMUTABLE", "region is set when a workspace is created and can't change"
        )
    check_fields(
        body,
        _WS_PATCH_RULES,
        nullable=frozenset({"brandName", "businessEmail"}),
        not_patchable=_WS_FIXED,
    )
    store = call.store
    slug = body.get("slug")
    if isinstance(slug, str) and slug != ws.slug and slug in store.by_slug:
        raise _conflict(f"slug {slug!r} is already taken")
    email = body.get("businessEmail")
    if isinstance(email, str) and store.email_taken(ws.owner, email, except_id=ws.id):
        raise _conflict("A workspace with this businessEmail already exists under this account")
    previous: dict[str, object] = {}
    for wire_name, value in body.items():
        attr = _WS_WIRE_NAMES[wire_name]
        old = getattr(ws, attr)
        if old == value:
            continue
        previous[wire_name] = old
        if wire_name == "slug":
            store.set_slug(ws, str(value))
        else:
            setattr(ws, attr, value)
    if previous:
        ws.updated_at = iso_ms(call.now)
        store.events.emit("workspace.updated", ws, ws.wire(), now=call.now, previous=previous)
    return 200, ws.wire(), None


def archive_workspace(call: Call) -> Result:
    ws = _workspace(call)
    if call.key.role != "owner":
        raise ApiError(403, "OWNER_REQUIRED", "Only the owner can archive a workspace")
    if ws.archived_at is None:
        if ws.balance:
            raise ApiError(
                409,
                "HAS_OPEN_BALANCE",
                f"The workspace ledger has an open balance of {ws.balance:g}; settle it first",
            )
        call.store.archive(ws, call.now)
    return 204, None, None


# -- members -----------------------------------------------------------------------------------

_MEMBER_ROLE = enum_rule("admin", "member", "read_only")


def _invitable_role(name: str, value: object) -> tuple[str, str] | None:
    if value == "owner":
        return "invalid", f"{name} can't be owner: ownership moves by transfer in the portal"
    return _MEMBER_ROLE(name, value)


def _member(call: Call, ws: Workspace) -> Member:
    member = ws.members.get(call.params[1])
    if member is None:
        raise _not_found("Member")
    return member


def _may_grant(call: Call, role: str) -> None:
    # Owners and admins manage roles strictly below their own.
    if ROLE_RANK[role] >= ROLE_RANK[call.key.role]:
        raise _forbidden(f"A key with the {call.key.role} role can only manage roles below it")


def list_members(call: Call) -> Result:
    ws = _workspace(call)
    limit = _limit(call, 50)
    keys, more = keyset_page(ws.member_order, after=_after(call), descending=True, limit=limit)
    return 200, [ws.members[k[1]].wire() for k in keys], _page(limit, keys, more)


def invite_member(call: Call) -> Result:
    ws = _workspace(call)
    _role_at_least(call, "admin", "Inviting members")
    body = require_object(call.body)
    check_fields(body, {"email": email_rule, "role": _invitable_role}, required=("email", "role"))
    role, email = str(body["role"]), str(body["email"])
    _may_grant(call, role)
    if any(m.email == email for m in ws.members.values()):
        raise _conflict(f"{email} is already a member of this workspace")
    member = call.store.add_member(ws, email, role, call.now)
    call.store.events.emit("workspace.member_invited", ws, member.wire(), now=call.now)
    return 201, member.wire(), None


def update_member(call: Call) -> Result:
    ws = _workspace(call)
    _role_at_least(call, "admin", "Changing member roles")
    member = _member(call, ws)
    if member.role == "owner":
        raise ApiError(
            409, "OWNER_IMMUTABLE", "The owner's role can't change; transfer ownership instead"
        )
    body = require_object(call.body)
    check_fields(body, {"role": _invitable_role}, required=("role",))
    role = str(body["role"])
    _may_grant(call, member.role)
    _may_grant(call, role)
    if role != member.role:
        previous: dict[str, object] = {"role": member.role}
        member.role = role
        call.store.events.emit(
            "workspace.member_role_changed", ws, member.wire(), now=call.now, previous=previous
        )
    return 200, member.wire(), None


def remove_member(call: Call) -> Result:
    ws = _workspace(call)
    _role_at_least(call, "admin", "Removing members")
    member = _member(call, ws)
    if member.role == "owner":
        raise ApiError(
            409, "OWNER_IMMUTABLE", "The owner can't be removed; transfer ownership first"
        )
    _may_grant(call, member.role)
    call.store.remove_member(ws, member)
    call.store.events.emit("workspace.member_removed", ws, member.wire(), now=call.now)
    return 204, None, None


# -- customers ---------------------------------------------------------------------------------

_CUSTOMER_RULES: dict[str, Rule] = {
    "externalId": string_rule(1, 255),
    "email": email_rule,
    "name": string_rule(1, 255),
    "phone": string_rule(1, 64),
    "taxId": string_rule(1, 64),
    "defaultPaymentTokenId": string_rule(1, 255, prefix="pt_"),
    "metadata": metadata_rule,
}
_CUSTOMER_NULLABLE = frozenset(_CUSTOMER_RULES)
_CUSTOMER_ASSIGNED = frozenset({"id", "arn", "accountId", "createdAt", "updatedAt"})
_EXTERNAL_ID_TAKEN = "externalId already exists for this account"


def _check_customer(body: Mapping[str, object]) -> None:
    check_fields(body, _CUSTOMER_RULES, nullable=_CUSTOMER_NULLABLE, read_only=_CUSTOMER_ASSIGNED)


def create_customer(call: Call) -> Result:
    body = require_object(call.body)
    _check_customer(body)
    ws = call.acting
    external = body.get("externalId")
    if isinstance(external, str) and external in ws.external_ids:
        raise _conflict(_EXTERNAL_ID_TAKEN)
    customer = call.store.insert_customer(ws, body, call.now)
    call.store.events.emit(
        "plugipay.customer.created.v1", ws, copy_customer(customer), now=call.now
    )
    return 201, copy_customer(customer), None


def _customer(call: Call) -> dict[str, object]:
    customer = call.store.customer_in(call.acting, call.params[0])
    if customer is None:
        raise _not_found("Customer")
    return customer


def get_customer(call: Call) -> Result:
    expand = [part for part in call.query.get("expand", "").split(",") if part]
    unknown = [part for part in expand if part != "defaultPaymentToken"]
    if unknown:
        raise _bad_query("expand", f"expand supports only defaultPaymentToken, got {unknown[0]!r}")
    out = copy_customer(_customer(call))
    if expand:
        token = out["defaultPaymentTokenId"]
        out["defaultPaymentToken"] = {"id": token, "object": "payment_token"} if token else None
    return 200, out, None


# Stamps of four-digit years compare correctly as strings; nothing stored lies outside them.
_MIN_UNIX = -30_610_224_000.0  # 1000-01-01T00:00:00Z
_MAX_UNIX = 253_402_300_800.0  # 10000-01-01T00:00:00Z


def _created_after(call: Call) -> str | None:
    text = call.query.get("createdAfter")
    if not text:
        return None
    try:
        unix: float | None = float(text)
    except ValueError:
        unix = parse_iso(text)
    if unix is None or not _MIN_UNIX <= unix < _MAX_UNIX:  # also refuses nan and ±inf
        raise _bad_query(
            "createdAfter",
            "createdAfter must be ISO 8601 or unix seconds, from year 1000 to year 9999",
        )
    # Stored stamps have whole milliseconds: "strictly after t" equals "after floor(t) in ms".
    return iso_ms(unix)


def list_customers(call: Call) -> Result:
    limit = _limit(call, 20)
    descending = _choice(call, "order", ("asc", "desc"), "desc") == "desc"
    email = call.query.get("email")
    external = call.query.get("externalId")
    after_stamp = _created_after(call)
    ws, customers = call.acting, call.store.customers
    order = ws.customer_order
    if external is not None:
        ident = ws.external_ids.get(external)
        order = [] if ident is None else [(str(customers[ident]["createdAt"]), ident)]
    keep: Callable[[str], bool] | None = None
    if email is not None or after_stamp is not None:

        def keep(ident: str) -> bool:
            customer = customers[ident]
            return (email is None or customer["email"] == email) and (
                after_stamp is None or str(customer["createdAt"]) > after_stamp
            )

    keys, more = keyset_page(
        order, after=_after(call), descending=descending, limit=limit, keep=keep
    )
    return 200, [copy_customer(customers[k[1]]) for k in keys], _page(limit, keys, more)


def update_customer(call: Call) -> Result:
    customer = _customer(call)
    body = require_object(call.body)
    _check_customer(body)
    ws = call.acting
    ident = str(customer["id"])
    external = body.get("externalId", customer["externalId"])
    if isinstance(external, str) and ws.external_ids.get(external, ident) != ident:
        raise _conflict(_EXTERNAL_ID_TAKEN)
    if "externalId" in body:
        old = customer["externalId"]
        if isinstance(old, str):
            del ws.external_ids[old]
        if isinstance(external, str):
            ws.external_ids[external] = ident
    for name, value in body.items():
        if name == "metadata":
            customer[name] = dict(value) if isinstance(value, dict) else {}
        else:
            customer[name] = value
    if body:
        customer["updatedAt"] = iso_ms(call.now)
    return 200, copy_customer(customer), None


# -- platform: admin provisioning, onboarding, adapters ----------------------------------------

_ADMIN_RULES: dict[str, Rule] = {
    "accountId": string_rule(5, 255, prefix="acc_"),
    "partner": string_rule(1, 255),
    "discountRate": rate_rule,
    "brandName": string_rule(1, 255),
    "businessEmail": email_rule,
}


def provision_partner_workspace(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        _ADMIN_RULES,
        nullable=frozenset({"brandName", "businessEmail"}),
        required=("accountId", "partner", "discountRate"),
    )
    store, partner = call.store, call.key.partner
    account_id = str(body["accountId"])
    if body["partner"] != partner:
        raise _forbidden(f"This key provisions workspaces for partner {partner!r} only")
    if account_id in store.partner_records:
        raise _conflict(f"Workspace {account_id} is already provisioned for a partner")
    brand, email = _opt_str(body.get("brandName")), _opt_str(body.get("businessEmail"))
    ws = store.by_account.get(account_id)
    if ws is None:
        store.create_workspace(
            owner=_new_owner(store, email),
            now=call.now,
            brand_name=brand,
            business_email=email,
            partner=partner,
            account_id=account_id,
        )
    elif ws.partner not in (None, partner):
        raise _conflict(f"Workspace {account_id} belongs to another partner")
    else:
        ws.partner = partner
    record: dict[str, object] = {
        "accountId": account_id,
        "partner": partner,
        "discountRate": body["discountRate"],
        "brandName": brand,
        "businessEmail": email,
        "createdAt": iso_ms(call.now),
    }
    store.partner_records[account_id] = record
    return 201, dict(record), None


def get_partner_workspace(call: Call) -> Result:
    record = call.store.partner_records.get(call.params[0])
    if record is None or record["partner"] != call.key.partner:
        raise _not_found("Partner workspace")
    return 200, dict(record), None


def provision_managed(call: Call) -> Result:
    check_fields(require_object(call.body), {})
    store, key, acting = call.store, call.key, call.acting
    if key.is_platform and acting.id == key.workspace_id:
        owner, partner = _new_owner(store, None), key.partner
    else:
        owner, partner = acting.owner, acting.partner
    ws = store.create_workspace(
        owner=owner, now=call.now, name="Managed sub-account", partner=partner
    )
    return 201, {"subAccountId": ws.account_id}, None


def start_managed_onboarding(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body, {"email": email_rule, "kind": enum_rule("xendit")}, nullable=frozenset({"email"})
    )
    ws = call.acting
    state: dict[str, object] = {
        "state": "pending",
        "provider": str(body.get("kind") or "xendit"),
        "details": {
            "accountId": ws.account_id,
            "email": body.get("email") or ws.business_email,
        },
    }
    ws.onboarding = state
    return 200, state, None


# -- the table ---------------------------------------------------------------------------------

_READ_WS = "plugipay:workspace:read"
_WRITE_WS = "plugipay:workspace:write"

_ROUTES: list[tuple[tuple[str | None, ...], dict[str, Endpoint]]] = [
    (
        ("customers",),
        {
            "GET": Endpoint(list_customers, "plugipay:customer:read", "none"),
            "POST": Endpoint(create_customer, "plugipay:customer:create", "required"),
        },
    ),
    (
        ("customers", None),
        {
            "GET": Endpoint(get_customer, "plugipay:customer:read", "none"),
            "PATCH": Endpoint(update_customer, "plugipay:customer:write", "required"),
        },
    ),
    (
        ("workspaces",),
        {
            "GET": Endpoint(list_workspaces, _READ_WS, "none"),
            "POST": Endpoint(create_workspace, _WRITE_WS, "honoured"),
        },
    ),
    (
        ("workspaces", None),
        {
            "GET": Endpoint(get_workspace, _READ_WS, "none"),
            "PATCH": Endpoint(update_workspace, _WRITE_WS, "honoured"),
            "DELETE": Endpoint(archive_workspace, _WRITE_WS, "honoured"),
        },
    ),
    (
        ("workspaces", None, "members"),
        {
            "GET": Endpoint(list_members, _READ_WS, "none"),
            "POST": Endpoint(invite_member, _WRITE_WS, "honoured"),
        },
    ),
    (
        ("workspaces", None, "members", None),
        {
            "PATCH": Endpoint(update_member, _WRITE_WS, "honoured"),
            "DELETE": Endpoint(remove_member, _WRITE_WS, "honoured"),
        },
    ),
    (
        ("admin", "workspaces"),
        {"POST": Endpoint(provision_partner_workspace, PLATFORM, "honoured")},
    ),
    (("admin", "workspaces", None), {"GET": Endpoint(get_partner_workspace, PLATFORM, "none")}),
    (
        ("onboarding", "provision-managed"),
        {"POST": Endpoint(provision_managed, _WRITE_WS, "honoured")},
    ),
    (
        ("adapters", "managed", "onboarding"),
        {"POST": Endpoint(start_managed_onboarding, _WRITE_WS, "honoured")},
    ),
]


def match_route(path: str, prefix: str = "") -> tuple[dict[str, Endpoint], tuple[str, ...]] | None:
    """The endpoints of the route ``path`` names and its decoded parameters, or ``None``."""
    if not path.startswith(prefix + "/api/v1/"):
        return None
    segments = path[len(prefix) + 8 :].split("/")
    for pattern, endpoints in _ROUTES:
        if len(pattern) != len(segments):
            continue
        params: list[str] = []
        for want, got in zip(pattern, segments, strict=True):
            if want is None:
                if not got:
                    break
                params.append(unquote(got))
            elif want != got:
                break
        else:
            return endpoints, tuple(params)
    return None
