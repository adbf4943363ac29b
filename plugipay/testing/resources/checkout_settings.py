"""Checkout settings (SURVEY §1.14, §2 "CheckoutSettings"): which payment methods the hosted
checkout offers, in what order and through which adapter, and how it is branded; per workspace
and mode (the key's, or the one ``X-Plugipay-Mode`` chose), as the adapters are.

``GET /checkout/settings`` answers ``{accountId, mode, …the settings…, availableMethods,
methodSupport, updatedAt}``: the stored settings, or the defaults (every method enabled in the
order of ``METHODS``, nothing pinned, no branding, ``updatedAt`` null), with two computed fields:
``methodSupport`` (method → the adapter kinds that can take it) and ``availableMethods`` (the
enabled methods, in ``methodOrder`` then the rest, that an active adapter of this mode can take,
through the pinned adapter when ``methodAdapter`` pins one). ``PATCH`` changes the fields it
sends (``null`` clears a brand or business field): ``enabledMethods`` (at least one known method,
no repeats), ``methodOrder`` (known methods, no repeats), ``methodAdapter`` (method → an adapter
kind that supports it), ``brandAccentColor`` ``#RRGGBB``, ``brandLogoUrl`` an http(s) URL or an
upload's ``/api/v1/files/…`` url, ``businessEmail`` an email address, ``businessPhone`` digits,
spaces, ``()-`` and a leading ``+``, ``receiptTemplate`` a receipt template's config (checked and
completed with defaults as ``templates`` does, ``config.<field>`` naming a bad one).
"""

from __future__ import annotations

import re

from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import Kind, Obj, Store
from .._validate import (
    Rule,
    check_fields,
    color_rule,
    email_rule,
    image_url_rule,
    require_object,
    string_rule,
)
from ._common import READ_WORKSPACE, WRITE_WORKSPACE
from .adapters import active_kinds
from .checkout_sessions import METHODS
from .templates import full_config

__all__ = ["CHECKOUT_SETTINGS", "METHOD_SUPPORT", "ROUTES"]

CHECKOUT_SETTINGS = Kind("checkout_settings", id_field="_id")
"""One object per workspace and mode (``_id`` = ``accountId/mode``), holding the stored fields."""

_GATEWAYS = ["xendit", "midtrans", "managed"]
METHOD_SUPPORT: dict[str, list[str]] = {
    "qris": [*_GATEWAYS, "manual"],
    "va": list(_GATEWAYS),
    "ewallet": list(_GATEWAYS),
    "card": list(_GATEWAYS),
    "retail": list(_GATEWAYS),
    "paypal": ["paypal"],
    "bank_transfer": ["manual"],
}
"""Method → the adapter kinds that can take it (``manual`` takes QRIS through a static QR)."""

_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,63}")
_BRAND_FIELDS = (
    "brandName",
    "brandLogoUrl",
    "brandAccentColor",
    "brandTagline",
    "businessPhone",
    "businessEmail",
    "businessAddress",
    "businessTaxId",
    "receiptTemplate",
)


def _defaults() -> Obj:
    out: Obj = {
        "enabledMethods": list(METHODS),
        "methodOrder": list(METHODS),
        "methodAdapter": {},
    }
    out.update(dict.fromkeys(_BRAND_FIELDS))
    out["updatedAt"] = None
    return out


def _receipt_template_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return "invalid", f"{name} must be an object: a receipt template's config"
    return None


def _method_list_rule(*, at_least: int) -> Rule:
    listed = ", ".join(METHODS)

    def rule(name: str, value: object) -> tuple[str, str] | None:
        if not isinstance(value, list):
            return "invalid", f"{name} must be a list of: {listed}"
        if len(value) < at_least:
            return "too_short", f"{name} must hold at least {at_least} method"
        for method in value:
            if not isinstance(method, str) or method not in METHODS:
                return "invalid", f"{name} may only hold: {listed}"
        if len(set(value)) != len(value):
            return "invalid", f"{name} must not repeat a method"
        return None

    return rule


def _method_adapter_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return "invalid", f"{name} must be an object of method → adapter kind"
    for method, kind in value.items():
        if method not in METHOD_SUPPORT:
            return "invalid", f"{name}.{method} is not a method; methods: {', '.join(METHODS)}"
        if kind not in METHOD_SUPPORT[method]:
            kinds = ", ".join(METHOD_SUPPORT[method])
            return "invalid", f"{name}.{method} must be an adapter that takes it: {kinds}"
    return None


def _phone_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or not _PHONE.fullmatch(value):
        return (
            "invalid",
            f"{name} must be a phone number of digits, spaces, (, ), - and a leading +",
        )
    return None


_RULES: dict[str, Rule] = {
    "enabledMethods": _method_list_rule(at_least=1),
    "methodOrder": _method_list_rule(at_least=0),
    "methodAdapter": _method_adapter_rule,
    "brandName": string_rule(1, 255),
    "brandLogoUrl": image_url_rule,
    "brandAccentColor": color_rule,
    "brandTagline": string_rule(1, 255),
    "businessPhone": _phone_rule,
    "businessEmail": email_rule,
    "businessAddress": string_rule(1, 1000),
    "businessTaxId": string_rule(1, 64),
    "receiptTemplate": _receipt_template_rule,
}
_COMPUTED = frozenset({"accountId", "mode", "availableMethods", "methodSupport", "updatedAt"})


def _stored(store: Store, ws: Obj, mode: str) -> Obj | None:
    return store[CHECKOUT_SETTINGS].get(f"{ws['accountId']}/{mode}")


def settings_wire(store: Store, ws: Obj, mode: str) -> Obj:
    """The CheckoutSettings of ``ws`` in ``mode`` as the API answers them."""
    stored = _stored(store, ws, mode)
    out: Obj = {"accountId": ws["accountId"], "mode": mode}
    out.update(_defaults())
    if stored is not None:
        out.update({name: stored[name] for name in _defaults()})
    enabled = out["enabledMethods"]
    order = out["methodOrder"]
    pinned = out["methodAdapter"]
    assert isinstance(enabled, list) and isinstance(order, list) and isinstance(pinned, dict)
    active = active_kinds(store, ws, mode)
    ranked = [m for m in order if m in enabled] + [m for m in enabled if m not in order]
    out["availableMethods"] = [
        method
        for method in ranked
        if (pinned[method] in active if method in pinned else active & set(METHOD_SUPPORT[method]))
    ]
    out["methodSupport"] = {method: list(kinds) for method, kinds in METHOD_SUPPORT.items()}
    return {name: _copy(value) for name, value in out.items()}


def _copy(value: object) -> object:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)  # flat: method → kind, or a receipt config of plain values
    return value


def get(call: Call) -> Result:
    return 200, settings_wire(call.store, call.acting, call.mode), None


def update(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _RULES, nullable=frozenset(_BRAND_FIELDS), read_only=_COMPUTED)
    ws, store = call.acting, call.store
    changes = dict(body)
    template = body.get("receiptTemplate")
    if isinstance(template, dict):
        changes["receiptTemplate"] = full_config("receipt", template, "receiptTemplate")
    ident = f"{ws['accountId']}/{call.mode}"
    collection = store[CHECKOUT_SETTINGS]
    stored = collection.get(ident)
    if stored is None:
        stored = {**_defaults(), "_id": ident}
        collection.insert(stored, stamp=iso_ms(call.now))
    for name, value in changes.items():
        stored[name] = _copy(value)
    stored["updatedAt"] = iso_ms(call.now)
    return 200, settings_wire(store, ws, call.mode), None


ROUTES = [
    Route("GET", "/checkout/settings", get, READ_WORKSPACE, "none"),
    Route("PATCH", "/checkout/settings", update, WRITE_WORKSPACE, "honoured"),
]
