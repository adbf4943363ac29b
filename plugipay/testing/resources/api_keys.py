"""API keys (SURVEY §1.13, §2 "ApiKey"): dashboard keys a signed-in person mints and revokes.

Person-only: these routes serve a person's dashboard session (``fake.session_token``, sent as
``Authorization: Bearer``) and answer every key, signed or Bearer, 403 ``PERSON_ONLY`` (a key must
not mint or revoke keys); the person needs the admin role or higher. ``POST /api-keys``
``{name, environment?, scopes?}`` mints a ``pk_test_…`` / ``pk_live_…`` key (``environment``
defaults to the session's mode) that works as ``Authorization: Bearer`` at once, with ``scopes``
(default ``["*"]``; each ``*`` or ``plugipay:<resource>:<action>``) and the person's role; the
answer is the only one carrying the whole ``key``. An ApiKey is ``{id, name, keyPrefix (its
first 12 characters), environment, scopes, lastUsedAt, createdAt}``, ``key_`` ids;
``lastUsedAt`` is the business time of its last authenticated request. ``GET /api-keys`` is a
bare array of the workspace's keys of both environments, oldest first; ``DELETE`` revokes the key
(``REVOKED_KEY`` from then on) and removes it: 204.
"""

from __future__ import annotations

import re

from .._ids import iso_ms
from .._routing import PERSON, Call, Result, Route
from .._store import Kind, Obj, Store, wire
from .._validate import Rule, check_fields, enum_rule, require_object, string_rule
from ._common import not_found, role_at_least

__all__ = ["API_KEYS", "ROUTES"]

API_KEYS = Kind("api_keys")
"""The keys minted through the API, scoped by ``accountId`` (the key itself is in the store)."""

PREFIX_LENGTH = 12
_MAX_SCOPES = 50
_SCOPE = re.compile(r"\*|plugipay:[a-z_]+:[a-z_*]+")


def _scopes_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list) or not 1 <= len(value) <= _MAX_SCOPES:
        return "invalid", f"{name} must be a list of 1-{_MAX_SCOPES} scopes"
    for scope in value:
        if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
            return "invalid", f"{name} entries must be * or plugipay:<resource>:<action>"
    if len(set(value)) != len(value):
        return "invalid", f"{name} must not repeat a scope"
    return None


_RULES: dict[str, Rule] = {
    "name": string_rule(1, 100),
    "environment": enum_rule("test", "live"),
    "scopes": _scopes_rule,
}
_ASSIGNED = frozenset({"id", "key", "keyPrefix", "lastUsedAt", "createdAt"})


def _wire(store: Store, record: Obj) -> Obj:
    out = wire(record)
    used = store.last_used.get(str(record["id"]))
    out["lastUsedAt"] = None if used is None else iso_ms(used)
    return out


def list_keys(call: Call) -> Result:
    role_at_least(call, "admin", "Managing API keys")
    found = call.store[API_KEYS].ordered(str(call.acting["accountId"]))
    return 200, [_wire(call.store, record) for record in found], None


def create(call: Call) -> Result:
    role_at_least(call, "admin", "Managing API keys")
    body = require_object(call.body)
    check_fields(
        body,
        _RULES,
        nullable=frozenset({"environment", "scopes"}),
        required=("name",),
        read_only=_ASSIGNED,
    )
    store, ws = call.store, call.acting
    environment = str(body.get("environment") or call.mode)
    scopes = body.get("scopes") or ["*"]
    assert isinstance(scopes, list)
    ident = store.ids.new("key_")
    key = store.add_key(
        ws,
        role=call.key.role,
        scopes=[str(s) for s in scopes],
        key_id=ident,
        secret=store.ids.token(f"pk_{environment}_", 24),
        bearer=True,
    )
    account = str(ws["accountId"])
    record: Obj = {
        "id": ident,
        "name": body["name"],
        "keyPrefix": key.secret[:PREFIX_LENGTH],
        "environment": environment,
        "scopes": list(key.scopes),
        "lastUsedAt": None,
        "createdAt": iso_ms(call.now),
    }
    store[API_KEYS].insert(record, scope=account)
    return 201, {**_wire(store, record), "key": key.secret}, None


def delete(call: Call) -> Result:
    role_at_least(call, "admin", "Managing API keys")
    collection = call.store[API_KEYS]
    record = collection.get(call.params["key"], str(call.acting["accountId"]))
    if record is None:
        raise not_found("API key")
    collection.remove(record)
    call.store.revoked.add(str(record["id"]))
    return 204, None, None


ROUTES = [
    Route("GET", "/api-keys", list_keys, PERSON, "none"),
    Route("POST", "/api-keys", create, PERSON, "honoured"),
    Route("DELETE", "/api-keys/{key}", delete, PERSON, "none"),
]
