"""The emulator's state: identities, workspaces, members, keys, customers (SPEC §6, §7, §8).

Objects are kept close to their wire shape so answering is cheap: a customer is stored as the
dict the API returns. Lists use keyset pagination over ``(createdAt, id)`` kept sorted per
collection, so inserts during a walk never cause duplicates or skips. Callers hold ``lock``
around every read-modify-write; nothing here sleeps or does I/O.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ._events import EventLog
from ._ids import IdFactory, iso_ms

__all__ = [
    "ROLE_RANK",
    "ApiKey",
    "Member",
    "Store",
    "Workspace",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
]

ROLE_RANK = {"read_only": 0, "member": 1, "admin": 2, "owner": 3}
REGION_DEFAULTS = {"id-jakarta": ("IDR", "Asia/Jakarta"), "sg-singapore": ("SGD", "Asia/Singapore")}
DEFAULT_SCOPES = {
    "owner": ("*",),
    "admin": ("*",),
    "member": (
        "plugipay:customer:create",
        "plugipay:customer:read",
        "plugipay:customer:write",
        "plugipay:workspace:read",
    ),
    "read_only": ("plugipay:customer:read", "plugipay:workspace:read"),
}
PLATFORM_SCOPE = "plugipay:platform:admin"
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")

SortKey = tuple[str, str]
"""``(createdAt, id)``: the keyset order of every list."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key the fake accepts: an HMAC key id and secret, or a Bearer dashboard key."""

    key_id: str
    """Public id (``ak_test_…``); for a Bearer key, an id naming it (the token is the secret)."""
    secret: str = field(repr=False)
    """HMAC secret, or the Bearer token itself."""
    workspace_id: str
    role: str
    scopes: tuple[str, ...]
    partner: str | None = None
    """The partner a platform-admin key acts for (``"storlaunch"``), else ``None``."""
    bearer: bool = False

    def has_scope(self, scope: str) -> bool:
        """Whether the key may make calls that need ``scope``."""
        return "*" in self.scopes or scope in self.scopes

    @property
    def is_platform(self) -> bool:
        """A platform-admin key: it acts for merchants under its partner."""
        return self.partner is not None and self.has_scope(PLATFORM_SCOPE)


@dataclass(slots=True, eq=False)
class Member:
    """A workspace member or pending invitation."""

    id: str
    email: str
    role: str
    status: str
    joined_at: str | None
    created_at: str

    def wire(self) -> dict[str, object]:
        """The member object of the API."""
        return {
            "id": self.id,
            "email": self.email,
            "role": self.role,
            "joinedAt": self.joined_at,
            "status": self.status,
        }


@dataclass(slots=True, eq=False)
class Workspace:
    """A workspace with its members, ledger balance and customer indexes."""

    id: str
    account_id: str
    name: str
    slug: str
    region: str
    default_currency: str
    timezone: str
    brand_name: str | None
    business_email: str | None
    created_at: str
    updated_at: str
    owner: str
    """The owner identity (internal, never on the wire)."""
    partner: str | None
    mode: str = "test"
    archived_at: str | None = None
    balance: float = 0
    members: dict[str, Member] = field(default_factory=dict)
    member_order: list[SortKey] = field(default_factory=list)
    customer_order: list[SortKey] = field(default_factory=list)
    external_ids: dict[str, str] = field(default_factory=dict)
    onboarding: dict[str, object] | None = None
    archive_revoked: list[str] = field(default_factory=list)
    """Key ids the last archive revoked (a restore un-revokes exactly these)."""

    def wire(self) -> dict[str, object]:
        """The workspace object of the API."""
        return {
            "id": self.id,
            "accountId": self.account_id,
            "name": self.name,
            "slug": self.slug,
            "region": self.region,
            "defaultCurrency": self.default_currency,
            "timezone": self.timezone,
            "mode": self.mode,
            "brandName": self.brand_name,
            "businessEmail": self.business_email,
            "status": "pending_deletion" if self.archived_at else "active",
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "archivedAt": self.archived_at,
        }


def copy_customer(customer: dict[str, object]) -> dict[str, object]:
    """A copy safe to hand out (the metadata map is the only nested value)."""
    out = dict(customer)
    metadata = out["metadata"]
    if isinstance(metadata, dict):
        out["metadata"] = dict(metadata)
    return out


def encode_cursor(key: SortKey) -> str:
    """An opaque cursor for the position just after ``key``."""
    raw = json.dumps({"createdAt": key[0], "id": key[1]}, separators=(",", ":"))
    return "cur_" + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> SortKey | None:
    """The position a cursor names, or ``None`` when it isn't one of ours."""
    if not cursor.startswith("cur_"):
        return None
    text = cursor[4:]
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(value, dict):
        return None
    created, ident = value.get("createdAt"), value.get("id")
    if not isinstance(created, str) or not isinstance(ident, str):
        return None
    return created, ident


def keyset_page(
    order: list[SortKey],
    *,
    after: SortKey | None,
    descending: bool,
    limit: int,
    keep: Callable[[str], bool] | None = None,
) -> tuple[list[SortKey], bool]:
    """Up to ``limit`` keys strictly past ``after`` in the chosen direction, and has-more."""
    if descending:
        end = bisect_left(order, after) if after is not None else len(order)
        indexes: Iterable[int] = range(end - 1, -1, -1)
    else:
        start = bisect_right(order, after) if after is not None else 0
        indexes = range(start, len(order))
    out: list[SortKey] = []
    for i in indexes:
        key = order[i]
        if keep is None or keep(key[1]):
            if len(out) == limit:
                return out, True
            out.append(key)
    return out, False


def slugify(text: str) -> str:
    """Lower case, runs of anything but ``a-z0-9`` to one ``-``, cut to 56 characters, then
    trimmed of hyphens (so the cut never leaves one at the end)."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")[:56].strip("-") or "workspace"


class Store:
    """Every object of one fake, with the indexes the routes need."""

    def __init__(self, ids: IdFactory, events: EventLog) -> None:
        self.lock = threading.RLock()
        self.ids = ids
        self.events = events
        self.identities: dict[str, str] = {}
        self.workspaces: dict[str, Workspace] = {}
        self.by_account: dict[str, Workspace] = {}
        self.by_slug: dict[str, Workspace] = {}
        self.old_slugs: dict[str, Workspace] = {}
        self.workspace_order: list[SortKey] = []
        self.keys: dict[str, ApiKey] = {}
        self.bearer: dict[str, ApiKey] = {}
        self.revoked: set[str] = set()
        self.customers: dict[str, dict[str, object]] = {}
        self.partner_records: dict[str, dict[str, object]] = {}
        self.platform_workspaces: dict[str, Workspace] = {}

    # identities and keys

    def new_identity(self, email: str) -> str:
        """A new owner identity (a Huudis user) with ``email``."""
        identity = self.ids.new("usr_")
        self.identities[identity] = email
        return identity

    def add_key(
        self,
        workspace: Workspace,
        *,
        role: str,
        scopes: Iterable[str] | None = None,
        partner: str | None = None,
        key_id: str | None = None,
        secret: str | None = None,
        bearer: bool = False,
    ) -> ApiKey:
        """Mint a key for ``workspace``."""
        if role not in ROLE_RANK:
            raise ValueError(f"role must be one of {sorted(ROLE_RANK)}, got {role!r}")
        chosen = tuple(scopes) if scopes is not None else DEFAULT_SCOPES[role]
        if bearer:
            key = ApiKey(
                key_id=key_id or self.ids.new("dk_"),
                secret=secret or self.ids.token("pk_test_"),
                workspace_id=workspace.id,
                role=role,
                scopes=chosen,
                partner=partner,
                bearer=True,
            )
            self.bearer[key.secret] = key
        else:
            key = ApiKey(
                key_id=key_id or self.ids.new("ak_test_"),
                secret=secret or self.ids.token("sk_test_"),
                workspace_id=workspace.id,
                role=role,
                scopes=chosen,
                partner=partner,
            )
        if key.key_id in self.keys:
            raise ValueError(f"key id {key.key_id!r} already exists")
        self.keys[key.key_id] = key
        return key

    def is_revoked(self, key: ApiKey) -> bool:
        """Whether ``key`` was revoked (directly or by archiving its workspace)."""
        return key.key_id in self.revoked

    # workspaces

    def unique_slug(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3`` … whichever is free."""
        slug, n = base, 1
        while slug in self.by_slug:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def create_workspace(
        self,
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
    ) -> Workspace:
        """Create a workspace owned by ``owner`` (who becomes its active owner member)."""
        stamp = iso_ms(now)
        title = name or brand_name or "Untitled workspace"
        currency, timezone = REGION_DEFAULTS[region]
        ws = Workspace(
            id=self.ids.new("ws_"),
            account_id=account_id or self.ids.new("acc_"),
            name=title,
            slug=self.unique_slug(slugify(title)),
            region=region,
            default_currency=default_currency or currency,
            timezone=timezone,
            brand_name=brand_name,
            business_email=business_email,
            created_at=stamp,
            updated_at=stamp,
            owner=owner,
            partner=partner,
        )
        self.workspaces[ws.id] = ws
        self.by_account[ws.account_id] = ws
        self.by_slug[ws.slug] = ws
        self.old_slugs.pop(ws.slug, None)
        insort(self.workspace_order, (stamp, ws.id))
        self.add_member(ws, self.identities[owner], "owner", now, status="active")
        self.events.emit("workspace.created", ws, ws.wire(), now=now)
        return ws

    def find_workspace(self, ref: str) -> tuple[Workspace | None, bool]:
        """The workspace ``ref`` names (``ws_`` id, ``acc_`` id, slug) and whether it is a
        slug the workspace no longer has (``410``)."""
        if ref.startswith("ws_"):
            return self.workspaces.get(ref), False
        if ref.startswith("acc_"):
            return self.by_account.get(ref), False
        current = self.by_slug.get(ref)
        if current is not None:
            return current, False
        old = self.old_slugs.get(ref)
        return old, old is not None

    def resolve_workspace(self, ref: str) -> Workspace:
        """The workspace ``ref`` names; ``KeyError`` when there is none (test-hook lookups)."""
        ws, _ = self.find_workspace(ref)
        if ws is None:
            raise KeyError(f"no workspace {ref!r}")
        return ws

    def set_slug(self, ws: Workspace, slug: str) -> None:
        """Rename the slug; the old one answers 410 from now on."""
        if slug == ws.slug:
            return
        del self.by_slug[ws.slug]
        self.old_slugs[ws.slug] = ws
        self.old_slugs.pop(slug, None)
        ws.slug = slug
        self.by_slug[slug] = ws

    def archive(self, ws: Workspace, now: float) -> None:
        """Archive ``ws``: stamp it, revoke its keys, emit ``workspace.archived``."""
        stamp = iso_ms(now)
        ws.archived_at = stamp
        ws.updated_at = stamp
        ws.archive_revoked = [
            key.key_id
            for key in self.keys.values()
            if key.workspace_id == ws.id and key.key_id not in self.revoked
        ]
        self.revoked.update(ws.archive_revoked)
        self.events.emit("workspace.archived", ws, ws.wire(), now=now)

    def restore(self, ws: Workspace, now: float) -> None:
        """Undo ``archive``: clear ``archivedAt``, un-revoke the keys it revoked, emit
        ``workspace.restored`` (``previousAttributes``: ``archivedAt`` and ``status``)."""
        previous: dict[str, object] = {"archivedAt": ws.archived_at, "status": "pending_deletion"}
        ws.archived_at = None
        ws.updated_at = iso_ms(now)
        self.revoked.difference_update(ws.archive_revoked)
        ws.archive_revoked = []
        self.events.emit("workspace.restored", ws, ws.wire(), now=now, previous=previous)

    def transfer_ownership(self, ws: Workspace, member: Member, now: float) -> None:
        """Make ``member`` the owner and the old owner an admin; emit
        ``workspace.ownership_transferred`` (see ``FakePlugipay.transfer_ownership``)."""
        old = next(m for m in ws.members.values() if m.role == "owner")
        previous_role = member.role
        old.role = "admin"
        member.role = "owner"
        ws.owner = next(
            (i for i, email in self.identities.items() if email == member.email), None
        ) or self.new_identity(member.email)
        previous: dict[str, object] = {"role": previous_role, "previousOwner": old.wire()}
        self.events.emit(
            "workspace.ownership_transferred", ws, member.wire(), now=now, previous=previous
        )

    def email_taken(self, owner: str, email: str, except_id: str | None = None) -> bool:
        """Whether another active workspace of ``owner`` uses ``email`` as businessEmail."""
        return any(
            ws.owner == owner
            and ws.business_email == email
            and ws.archived_at is None
            and ws.id != except_id
            for ws in self.workspaces.values()
        )

    # members

    def add_member(
        self, ws: Workspace, email: str, role: str, now: float, *, status: str = "invited"
    ) -> Member:
        """Add a member (an invitation unless ``status="active"``)."""
        stamp = iso_ms(now)
        member = Member(
            id=self.ids.new("mem_"),
            email=email,
            role=role,
            status=status,
            joined_at=stamp if status == "active" else None,
            created_at=stamp,
        )
        ws.members[member.id] = member
        insort(ws.member_order, (stamp, member.id))
        return member

    def remove_member(self, ws: Workspace, member: Member) -> None:
        """Drop a member from ``ws``."""
        del ws.members[member.id]
        ws.member_order.remove((member.created_at, member.id))

    def find_member(self, ws: Workspace, ref: str) -> Member | None:
        """A member by ``mem_`` id or by email."""
        found = ws.members.get(ref)
        if found is not None:
            return found
        return next((m for m in ws.members.values() if m.email == ref), None)

    # customers

    def insert_customer(
        self, ws: Workspace, fields: dict[str, object], now: float
    ) -> dict[str, object]:
        """Create a customer in ``ws`` from already-validated wire fields."""
        stamp = iso_ms(now)
        ident = self.ids.new("cus_")
        metadata = fields.get("metadata")
        customer: dict[str, object] = {
            "id": ident,
            "arn": f"arn:plugipay:{ws.account_id}:customer/{ident}",
            "accountId": ws.account_id,
            "externalId": fields.get("externalId"),
            "email": fields.get("email"),
            "name": fields.get("name"),
            "phone": fields.get("phone"),
            "taxId": fields.get("taxId"),
            "defaultPaymentTokenId": fields.get("defaultPaymentTokenId"),
            "metadata": dict(metadata) if isinstance(metadata, dict) else {},
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        self.customers[ident] = customer
        insort(ws.customer_order, (stamp, ident))
        external = customer["externalId"]
        if isinstance(external, str):
            ws.external_ids[external] = ident
        return customer

    def customer_in(self, ws: Workspace, ident: str) -> dict[str, object] | None:
        """The customer ``ident`` if it lives in ``ws``."""
        customer = self.customers.get(ident)
        if customer is None or customer["accountId"] != ws.account_id:
            return None
        return customer
