"""The emulator's state: identities, keys, and one ``Collection`` per kind of object.

Every stored object is a dict in its wire shape, so answering is a copy (``wire``); keys that
start with ``_`` are the emulator's own (a workspace's owner identity, say) and never leave it.
A ``Collection`` holds one kind by id, keeps a keyset order ``(createdAt, id)`` sorted per
scope (a workspace, or ``""`` for everything), so inserts during a walk never cause duplicates
or skips, and keeps named unique indexes (``externalId`` per workspace, ``slug``). Resource
modules declare their collections with a ``Kind`` and reach them as ``store[KIND]``. Callers hold
``lock`` around every read-modify-write; nothing here sleeps or does I/O.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._ids import IdFactory
from ._provider import Provider
from ._timers import Timers

if TYPE_CHECKING:
    from ._events import EventLog

__all__ = [
    "ROLE_RANK",
    "WORKSPACES",
    "ApiKey",
    "Collection",
    "Kind",
    "Obj",
    "SortKey",
    "Store",
    "decode_cursor",
    "encode_cursor",
    "wire",
]

ROLE_RANK = {"read_only": 0, "member": 1, "admin": 2, "owner": 3}
DEFAULT_SCOPES = {
    "owner": ("*",),
    "admin": ("*",),
    # Members take payments and see refunds; giving money back is for admins and owners.
    # Members bill customers (subscriptions, invoices, portal links) from the catalogue; the
    # catalogue itself (plans, prices) is for admins and owners.
    "member": (
        "plugipay:customer:create",
        "plugipay:customer:read",
        "plugipay:customer:write",
        "plugipay:workspace:read",
        "plugipay:checkout:read",
        "plugipay:checkout:write",
        "plugipay:refund:read",
        "plugipay:plan:read",
        "plugipay:subscription:read",
        "plugipay:subscription:write",
        "plugipay:invoice:read",
        "plugipay:invoice:write",
        "plugipay:portal:write",
    ),
    "read_only": (
        "plugipay:customer:read",
        "plugipay:workspace:read",
        "plugipay:checkout:read",
        "plugipay:refund:read",
        "plugipay:plan:read",
        "plugipay:subscription:read",
        "plugipay:invoice:read",
    ),
}
PLATFORM_SCOPE = "plugipay:platform:admin"

Obj = dict[str, object]
"""A stored object: its wire fields in wire order, then any ``_``-prefixed private ones."""

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
    person: bool = False
    """A signed-in person's dashboard session (a Bearer token), not a key: the only caller
    person-only routes (API keys) serve, and one that may choose its mode per request."""

    @property
    def mode(self) -> str:
        """``"live"`` for ``ak_live_…`` key ids and ``pk_live_…`` dashboard keys, else ``"test"``:
        the mode of everything the key makes and sees (unless ``X-Plugipay-Mode`` chooses)."""
        text = self.secret if self.bearer else self.key_id
        return "live" if text.startswith(("ak_live_", "pk_live_")) else "test"

    def has_scope(self, scope: str) -> bool:
        """Whether the key may make calls that need ``scope``."""
        return "*" in self.scopes or scope in self.scopes

    @property
    def is_platform(self) -> bool:
        """A platform-admin key: it acts for merchants under its partner."""
        return self.partner is not None and self.has_scope(PLATFORM_SCOPE)


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


def wire(obj: Mapping[str, object]) -> Obj:
    """A copy of ``obj`` safe to hand out: private (``_``) keys left out, nested dicts and lists
    copied, so later changes to the stored object never show through."""
    out = dict(obj)
    for name, value in obj.items():
        if name[0] == "_":
            del out[name]
        elif type(value) in _NESTED:
            out[name] = _copy(value)
    return out


_NESTED = (dict, list)


def _copy(value: object) -> object:
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Kind:
    """The declaration of a collection: its name, the field holding ids, its unique indexes."""

    name: str
    unique: tuple[str, ...] = ()
    """Fields whose string values are unique within a scope (``None`` is never indexed)."""
    id_field: str = "id"


WORKSPACES = Kind("workspaces", unique=("accountId", "slug"))
"""Every workspace, in one scope; the store itself resolves workspaces for auth and routing."""


class Collection:
    """The objects of one ``Kind``: by id, in keyset order per scope, and by unique index.

    Handlers may set any other field on a stored object directly; indexed fields change only
    through ``update`` (which keeps the indexes), and ids and ``createdAt`` never change.
    """

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self._objects: dict[str, Obj] = {}
        self._scopes: dict[str, str] = {}
        self._keys: dict[str, SortKey] = {}
        self._orders: dict[str, list[SortKey]] = {}
        self._indexes: dict[str, dict[tuple[str, object], str]] = {name: {} for name in kind.unique}

    def __len__(self) -> int:
        return len(self._objects)

    def __iter__(self) -> Iterator[Obj]:
        """Every object, in insertion order."""
        return iter(list(self._objects.values()))

    def __getitem__(self, ident: str) -> Obj:
        """The object ``ident``; ``KeyError`` when there is none."""
        return self._objects[ident]

    def get(self, ident: str, scope: str | None = None) -> Obj | None:
        """The object ``ident`` (only if it lives in ``scope``, when given)."""
        obj = self._objects.get(ident)
        if obj is None or (scope is not None and self._scopes[ident] != scope):
            return None
        return obj

    def find(self, index: str, value: object, scope: str = "") -> Obj | None:
        """The object whose ``index`` field is ``value`` in ``scope``."""
        ident = self._indexes[index].get((scope, value))
        return None if ident is None else self._objects[ident]

    def insert(self, obj: Obj, *, scope: str = "", stamp: str | None = None) -> Obj:
        """Store a new object, ordered by ``stamp`` (default: its ``createdAt``)."""
        ident = str(obj[self.kind.id_field])
        if ident in self._objects:
            raise ValueError(f"{self.kind.name}: {ident!r} already exists")
        for name, entries in self._indexes.items():
            value = obj.get(name)
            if value is not None and (scope, value) in entries:
                raise ValueError(f"{self.kind.name}: {name} {value!r} is taken in {scope!r}")
        for name, entries in self._indexes.items():
            value = obj.get(name)
            if value is not None:
                entries[scope, value] = ident
        key = (stamp if stamp is not None else str(obj["createdAt"]), ident)
        self._objects[ident] = obj
        self._scopes[ident] = scope
        self._keys[ident] = key
        insort(self._orders.setdefault(scope, []), key)
        return obj

    def update(self, obj: Obj, changes: Mapping[str, object]) -> dict[str, object]:
        """Apply ``changes`` to a stored object, keeping its indexes; the previous values of the
        fields that changed."""
        ident = str(obj[self.kind.id_field])
        scope = self._scopes[ident]
        for name, value in changes.items():
            if name in self._indexes and value is not None and value != obj.get(name):
                owner = self._indexes[name].get((scope, value))
                if owner is not None:
                    raise ValueError(f"{self.kind.name}: {name} {value!r} is taken in {scope!r}")
        previous: dict[str, object] = {}
        for name, value in changes.items():
            old = obj.get(name)
            if old == value:
                obj[name] = value  # equal but maybe a new object (a metadata map): keep the new
                continue
            previous[name] = old
            entries = self._indexes.get(name)
            if entries is not None:
                if old is not None:
                    del entries[scope, old]
                if value is not None:
                    entries[scope, value] = ident
            obj[name] = value
        return previous

    def remove(self, obj: Obj) -> None:
        """Forget a stored object."""
        ident = str(obj[self.kind.id_field])
        scope = self._scopes.pop(ident)
        for name, entries in self._indexes.items():
            value = obj.get(name)
            if value is not None:
                del entries[scope, value]
        self._orders[scope].remove(self._keys.pop(ident))
        del self._objects[ident]

    def ordered(self, scope: str = "") -> list[Obj]:
        """The objects of ``scope``, oldest first."""
        return [self._objects[key[1]] for key in self._orders.get(scope, ())]

    def key(self, obj: Obj) -> SortKey:
        """The keyset position of a stored object."""
        return self._keys[str(obj[self.kind.id_field])]

    def page(
        self,
        scope: str = "",
        *,
        after: SortKey | None,
        descending: bool,
        limit: int,
        keep: Callable[[Obj], bool] | None = None,
        within: list[SortKey] | None = None,
    ) -> tuple[list[Obj], SortKey | None, bool]:
        """Up to ``limit`` objects strictly past ``after`` in the chosen direction that ``keep``
        accepts, the key of the last one and has-more. ``within`` replaces the scope's order
        (a sorted list of keys an index already narrowed down)."""
        order = within if within is not None else self._orders.get(scope, [])
        if descending:
            end = bisect_left(order, after) if after is not None else len(order)
            indexes: Iterable[int] = range(end - 1, -1, -1)
        else:
            start = bisect_right(order, after) if after is not None else 0
            indexes = range(start, len(order))
        objects = self._objects
        out: list[Obj] = []
        last: SortKey | None = None
        for i in indexes:
            key = order[i]
            obj = objects[key[1]]
            if keep is None or keep(obj):
                if len(out) == limit:
                    return out, last, True
                out.append(obj)
                last = key
        return out, last, False


class Store:
    """Every object of one fake: identities, keys and the collections resources declare."""

    def __init__(self, ids: IdFactory, events: EventLog) -> None:
        self.lock = threading.RLock()
        self.ids = ids
        self.events = events
        self.timers = Timers()
        """Actions due at a business time (``plugipay.testing._timers``)."""
        self.provider = Provider()
        """The simulated payment provider: fee rate, refusals (``plugipay.testing._provider``)."""
        events.attach(self)
        self.identities: dict[str, str] = {}
        self.keys: dict[str, ApiKey] = {}
        self.bearer: dict[str, ApiKey] = {}
        self.revoked: set[str] = set()
        self.last_used: dict[str, float] = {}
        """Key id → business time of its last authenticated request (``ApiKey.lastUsedAt``)."""
        self._collections: dict[str, Collection] = {}
        self.workspaces = self[WORKSPACES]
        self.base_path = ""
        """The path prefix of the fake's base URL (``/proxy`` in ``https://host/proxy``): part of
        every route, so of the URLs the fake hands out for itself (an upload's ``url``)."""
        self.renamed_slugs: dict[str, str] = {}
        """Slugs workspaces no longer have, to the workspace id (they answer ``410``)."""

    def __getitem__(self, kind: Kind) -> Collection:
        """The collection of ``kind``, made empty on first use."""
        found = self._collections.get(kind.name)
        if found is None:
            found = self._collections[kind.name] = Collection(kind)
        elif found.kind is not kind and found.kind != kind:
            raise ValueError(f"two different collections are both named {kind.name!r}")
        return found

    # identities and keys

    def new_identity(self, email: str) -> str:
        """A new owner identity (a Huudis user) with ``email``."""
        identity = self.ids.new("usr_")
        self.identities[identity] = email
        return identity

    def add_key(
        self,
        workspace: Obj,
        *,
        role: str,
        scopes: Iterable[str] | None = None,
        partner: str | None = None,
        key_id: str | None = None,
        secret: str | None = None,
        bearer: bool = False,
        person: bool = False,
    ) -> ApiKey:
        """Mint a key for ``workspace``; ``person`` mints a signed-in person's session token
        (``sess_…``, sent as ``Authorization: Bearer``) instead."""
        if role not in ROLE_RANK:
            raise ValueError(f"role must be one of {sorted(ROLE_RANK)}, got {role!r}")
        chosen = tuple(scopes) if scopes is not None else DEFAULT_SCOPES[role]
        if person:
            key = ApiKey(
                key_id=key_id or self.ids.new("sess_"),
                secret=secret or self.ids.token("sess_", 24),
                workspace_id=str(workspace["id"]),
                role=role,
                scopes=chosen,
                bearer=True,
                person=True,
            )
            self.bearer[key.secret] = key
        elif bearer:
            key = ApiKey(
                key_id=key_id or self.ids.new("dk_"),
                secret=secret or self.ids.token("pk_test_"),
                workspace_id=str(workspace["id"]),
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
                workspace_id=str(workspace["id"]),
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

    # workspaces: the tenant every call acts in

    def find_workspace(self, ref: str) -> tuple[Obj | None, bool]:
        """The workspace ``ref`` names (``ws_`` id, ``acc_`` id, slug) and whether it is a
        slug the workspace no longer has (``410``)."""
        workspaces = self.workspaces
        if ref.startswith("ws_"):
            return workspaces.get(ref), False
        if ref.startswith("acc_"):
            return workspaces.find("accountId", ref), False
        current = workspaces.find("slug", ref)
        if current is not None:
            return current, False
        old = self.renamed_slugs.get(ref)
        return (None, False) if old is None else (workspaces.get(old), True)

    def resolve_workspace(self, ref: str) -> Obj:
        """The workspace ``ref`` names; ``KeyError`` when there is none (test-hook lookups)."""
        ws, _ = self.find_workspace(ref)
        if ws is None:
            raise KeyError(f"no workspace {ref!r}")
        return ws
