"""Payment adapters (SURVEY §1.14, §2 "AdapterConfig"; SPEC §8): the providers a workspace
takes money through, configured per mode, and managed onboarding.

``GET /adapters`` answers an object keyed by kind (``xendit``, ``paypal``, ``midtrans``,
``manual``, ``managed``), each an AdapterConfig of the call's mode (the key's, or the one
``X-Plugipay-Mode`` chose): ``{kind, mode, status, secretKeyLast4, publicConfig, configuredAt,
lastErrorAt, lastErrorCode}``; a kind never configured in that mode is ``unconfigured`` with
nulls. ``PUT /adapters/<kind>`` replaces that mode's config (an Idempotency-Key is required,
as Plugipay requires it); secrets (Xendit's ``secretKey`` and ``callbackToken``, PayPal's
``secret``, Midtrans's ``serverKey``) are stored in private fields and never answered: only
the last four characters of the main one, as ``secretKeyLast4``. What ``publicConfig`` shows:

- xendit: ``{callbackTokenSet}``;
- paypal: ``{clientId, mode}`` (``mode`` defaults to ``sandbox`` in test mode, ``live`` in live);
- midtrans: ``{clientKey, merchantId, env}`` (``env`` ``sandbox`` / ``production`` likewise);
- manual: ``{bankAccounts, staticQrImageUrl, instructions}`` (what a buyer is shown; at least
  one bank account or a QR image);
- managed: ``{provider, state}`` once onboarding started (per workspace, not per mode); it stays
  ``unconfigured`` until the provider activates the sub-account.

Managed onboarding keeps its state on the workspace (``_onboarding``): ``POST`` starts it,
``GET`` answers it, or ``null`` before it started.
"""

from __future__ import annotations

from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import Kind, Obj, Store, wire
from .._validate import (
    Rule,
    check_fields,
    email_rule,
    enum_rule,
    image_url_rule,
    problem,
    require_object,
    secret_rule,
    string_rule,
    validation_error,
)
from ._common import READ_WORKSPACE, WRITE_WORKSPACE

__all__ = ["ADAPTERS", "ADAPTER_KINDS", "ROUTES", "active_kinds"]

ADAPTERS = Kind("adapter_configs", id_field="_id")
"""One config per workspace, mode and kind (``_id`` = ``accountId/mode/kind``), scoped by
``accountId/mode``; answered without its private ``_secrets``."""

ADAPTER_KINDS = ("xendit", "paypal", "midtrans", "manual", "managed")
_MAX_BANK_ACCOUNTS = 20
_BANK_FIELDS = ("bankName", "accountNumber", "accountHolder")
_BANK_FIELD_MAX = 255


def _scope(account: str, mode: str) -> str:
    return f"{account}/{mode}"


def _unconfigured(kind: str, mode: str) -> Obj:
    return {
        "kind": kind,
        "mode": mode,
        "status": "unconfigured",
        "secretKeyLast4": None,
        "publicConfig": None,
        "configuredAt": None,
        "lastErrorAt": None,
        "lastErrorCode": None,
    }


def _managed(ws: Obj, mode: str) -> Obj:
    config = _unconfigured("managed", mode)
    state = ws["_onboarding"]
    if isinstance(state, dict):
        config["publicConfig"] = {"provider": state["provider"], "state": state["state"]}
    return config


def configs(store: Store, ws: Obj, mode: str) -> dict[str, Obj]:
    """Every kind's AdapterConfig of ``ws`` in ``mode``, as the API answers them."""
    account = str(ws["accountId"])
    found = store[ADAPTERS]
    out: dict[str, Obj] = {}
    for kind in ADAPTER_KINDS:
        if kind == "managed":
            out[kind] = _managed(ws, mode)
            continue
        stored = found.get(f"{_scope(account, mode)}/{kind}")
        out[kind] = wire(stored) if stored is not None else _unconfigured(kind, mode)
    return out


def active_kinds(store: Store, ws: Obj, mode: str) -> set[str]:
    """The adapter kinds of ``ws`` that can take payments in ``mode``."""
    return {
        kind for kind, config in configs(store, ws, mode).items() if config["status"] == "active"
    }


# -- handlers ----------------------------------------------------------------------------------


def list_adapters(call: Call) -> Result:
    return 200, configs(call.store, call.acting, call.mode), None


def _save(call: Call, kind: str, last4: str | None, public: Obj, secrets: dict[str, str]) -> Result:
    account = str(call.acting["accountId"])
    scope = _scope(account, call.mode)
    ident = f"{scope}/{kind}"
    stamp = iso_ms(call.now)
    config: Obj = {
        "kind": kind,
        "mode": call.mode,
        "status": "active",
        "secretKeyLast4": last4,
        "publicConfig": public,
        "configuredAt": stamp,
        "lastErrorAt": None,
        "lastErrorCode": None,
        "_id": ident,
        "_secrets": secrets,
    }
    collection = call.store[ADAPTERS]
    stored = collection.get(ident)
    if stored is None:
        collection.insert(config, scope=scope, stamp=stamp)
    else:
        stored.update(config)  # a PUT replaces the whole config; no indexed field changes
    return 200, wire(config), None


def _text(body: Obj, name: str) -> str:
    value = body[name]
    assert isinstance(value, str)
    return value


def configure_xendit(call: Call) -> Result:
    body = require_object(call.body)
    rules: dict[str, Rule] = {"secretKey": secret_rule, "callbackToken": secret_rule}
    check_fields(body, rules, nullable=frozenset({"callbackToken"}), required=("secretKey",))
    secret = _text(body, "secretKey")
    secrets = {"secretKey": secret}
    token = body.get("callbackToken")
    if isinstance(token, str):
        secrets["callbackToken"] = token
    return _save(call, "xendit", secret[-4:], {"callbackTokenSet": token is not None}, secrets)


def configure_paypal(call: Call) -> Result:
    body = require_object(call.body)
    rules: dict[str, Rule] = {
        "clientId": string_rule(1, 255),
        "secret": secret_rule,
        "mode": enum_rule("sandbox", "live"),
    }
    check_fields(body, rules, nullable=frozenset({"mode"}), required=("clientId", "secret"))
    secret = _text(body, "secret")
    mode = body.get("mode") or ("live" if call.mode == "live" else "sandbox")
    public: Obj = {"clientId": body["clientId"], "mode": mode}
    return _save(call, "paypal", secret[-4:], public, {"secret": secret})


def configure_midtrans(call: Call) -> Result:
    body = require_object(call.body)
    rules: dict[str, Rule] = {
        "serverKey": secret_rule,
        "clientKey": string_rule(1, 255),
        "merchantId": string_rule(1, 64),
        "env": enum_rule("sandbox", "production"),
    }
    check_fields(
        body,
        rules,
        nullable=frozenset({"env"}),
        required=("serverKey", "clientKey", "merchantId"),
    )
    server_key = _text(body, "serverKey")
    env = body.get("env") or ("production" if call.mode == "live" else "sandbox")
    public: Obj = {"clientKey": body["clientKey"], "merchantId": body["merchantId"], "env": env}
    return _save(call, "midtrans", server_key[-4:], public, {"serverKey": server_key})


def _bank_accounts_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list) or len(value) > _MAX_BANK_ACCOUNTS:
        return "invalid", f"{name} must be a list of at most {_MAX_BANK_ACCOUNTS} bank accounts"
    for i, item in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(item, dict):
            return "invalid", f"{where} must be an object of bankName, accountNumber, accountHolder"
        unknown = sorted(set(item) - set(_BANK_FIELDS))
        if unknown:
            return "unknown_field", f"{where}.{unknown[0]} is not a known field"
        for field in _BANK_FIELDS:
            text = item.get(field)
            if not isinstance(text, str) or not text.strip() or len(text) > _BANK_FIELD_MAX:
                message = f"{where}.{field} must be a string of 1-{_BANK_FIELD_MAX} characters"
                return "invalid", message
    return None


def configure_manual(call: Call) -> Result:
    body = require_object(call.body)
    rules: dict[str, Rule] = {
        "bankAccounts": _bank_accounts_rule,
        "staticQrImageUrl": image_url_rule,
        "instructions": string_rule(0, 2000),
    }
    check_fields(body, rules, nullable=frozenset(rules))
    accounts = body.get("bankAccounts") or []
    qr = body.get("staticQrImageUrl")
    assert isinstance(accounts, list)
    if not accounts and qr is None:
        raise validation_error(
            [
                problem(
                    "bankAccounts",
                    "required",
                    "The manual adapter needs at least one bank account or a staticQrImageUrl",
                )
            ]
        )
    public: Obj = {
        "bankAccounts": [{f: a[f] for f in _BANK_FIELDS} for a in accounts],
        "staticQrImageUrl": qr,
        "instructions": body.get("instructions"),
    }
    return _save(call, "manual", None, public, {})


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


def managed_onboarding(call: Call) -> Result:
    state = call.acting["_onboarding"]
    return 200, wire(state) if isinstance(state, dict) else None, None


ROUTES = [
    Route("GET", "/adapters", list_adapters, READ_WORKSPACE, "none"),
    Route("PUT", "/adapters/xendit", configure_xendit, WRITE_WORKSPACE, "required"),
    Route("PUT", "/adapters/paypal", configure_paypal, WRITE_WORKSPACE, "required"),
    Route("PUT", "/adapters/midtrans", configure_midtrans, WRITE_WORKSPACE, "required"),
    Route("PUT", "/adapters/manual", configure_manual, WRITE_WORKSPACE, "required"),
    Route(
        "POST",
        "/adapters/managed/onboarding",
        start_managed_onboarding,
        WRITE_WORKSPACE,
        "honoured",
    ),
    Route("GET", "/adapters/managed/onboarding", managed_onboarding, READ_WORKSPACE, "none"),
]
