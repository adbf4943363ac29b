"""Plans and prices (SPEC-MONEY §1, §4; SURVEY §1.5, §2 "Plan", "Price"): the catalogue that
subscriptions bill from.

``POST /plans`` takes ``prices`` (PriceInput list) or the SDKs' shorthand ``currency`` +
``amount`` (one flat price); at least one price. ``portalFeatures`` defaults to self-serve cancel
and payment-method update. A plan answers with its prices (the same objects ``/prices/{id}``
changes). ``archive`` sets ``active: false`` and ``archivedAt`` (409 ``INVALID_TRANSITION`` when
already archived); an archived plan takes no update, no new price and no new subscription.
``DELETE /prices/{id}`` answers 204, or 409 ``CONFLICT`` while a live subscription uses the
price. Events: ``plan.created``, ``plan.updated`` (also for a price added, changed or deleted),
``plan.archived``. Price amounts follow ``plugipay.testing._pricing``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..._json import MAX_SAFE_INTEGER
from .._ids import iso_ms
from .._pricing import INTERVALS, MODELS
from .._routing import Call, Result, Route
from .._store import Kind, Obj, wire
from .._validate import (
    Rule,
    check_fields,
    enum_rule,
    metadata_rule,
    problem,
    require_object,
    string_rule,
    validation_error,
)
from .._wire import ApiError
from ._common import conflict, filtered_page, not_found
from .checkout_sessions import CURRENCIES

__all__ = ["PLANS", "PRICES", "ROUTES", "find_price", "plan_wire"]

PLANS = Kind("plans")
PRICES = Kind("prices")

PORTAL_FEATURES = (
    "selfServeCancel",
    "selfServePause",
    "selfServeUpgrade",
    "selfServeDowngrade",
    "updatePaymentMethod",
)
_DEFAULT_FEATURES = {
    name: name in ("selfServeCancel", "updatePaymentMethod") for name in PORTAL_FEATURES
}


def _count(name: str, value: object, low: int, high: int) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return "invalid", f"{name} must be an integer from {low} to {high}"
    return None


def _amount(name: str, value: object) -> tuple[str, str] | None:
    return _count(name, value, 0, MAX_SAFE_INTEGER)


def _bool(name: str, value: object) -> tuple[str, str] | None:
    return None if isinstance(value, bool) else ("invalid", f"{name} must be true or false")


def _features(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return "invalid", f"{name} must be an object of booleans"
    for key, item in value.items():
        if key not in PORTAL_FEATURES:
            return "unknown_field", f"{name}.{key} is not a known feature"
        if not isinstance(item, bool):
            return "invalid", f"{name}.{key} must be true or false"
    return None


_TIER_KEYS = frozenset({"upTo", "unitAmount", "flatAmount"})


def _tiers(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list) or not 1 <= len(value) <= 50:
        return "invalid", f"{name} must be a list of 1-50 tiers"
    floor = 0
    for i, tier in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(tier, dict):
            return "invalid", f"{where} must be an object with upTo, unitAmount and flatAmount"
        unknown = sorted(set(tier) - _TIER_KEYS)
        if unknown:
            return "unknown_field", f"{where}.{unknown[0]} is not a known field"
        last = i == len(value) - 1
        up_to = tier.get("upTo")
        if last:
            if up_to != "inf":
                return "invalid", f'{where}.upTo must be "inf": the last tier has no bound'
        elif isinstance(up_to, bool) or not isinstance(up_to, int) or up_to <= floor:
            return "invalid", f"{where}.upTo must be an integer above {floor}"
        else:
            floor = up_to
        for key in ("unitAmount", "flatAmount"):
            if tier.get(key) is not None:
                found = _amount(f"{where}.{key}", tier[key])
                if found is not None:
                    return found
    return None


_PRICE_RULES: dict[str, Rule] = {
    "currency": enum_rule(*CURRENCIES),
    "model": enum_rule(*MODELS),
    "unitAmount": _amount,
    "tiers": _tiers,
    "taxMode": enum_rule("inclusive", "exclusive"),
    "active": _bool,
}
_PRICE_NULLABLE = frozenset({"model", "unitAmount", "tiers", "taxMode", "active"})
_PRICE_ASSIGNED = frozenset({"id", "planId", "createdAt"})


def _check_price(body: Mapping[str, object], where: str = "") -> None:
    """Field rules, then what the model needs: ``unitAmount`` for flat, ``tiers`` for tiered and
    volume, one of the two for usage."""
    try:
        check_fields(
            body,
            _PRICE_RULES,
            nullable=_PRICE_NULLABLE,
            required=("currency",),
            read_only=_PRICE_ASSIGNED,
        )
    except ApiError as error:
        if not where:
            raise
        details = [
            problem(f"{where}.{d['field']}", d["code"], d["message"]) for d in error.details or []
        ]
        raise validation_error(details) from None
    model = body.get("model") or "flat"
    unit, tiers = body.get("unitAmount"), body.get("tiers")
    field = f"{where}." if where else ""
    if model == "flat" and (unit is None or tiers is not None):
        raise validation_error(
            [problem(f"{field}unitAmount", "required", "a flat price takes unitAmount, no tiers")]
        )
    if model in ("tiered", "volume") and (tiers is None or unit is not None):
        raise validation_error(
            [problem(f"{field}tiers", "required", f"a {model} price takes tiers, no unitAmount")]
        )
    if model == "usage" and (unit is None) == (tiers is None):
        raise validation_error(
            [problem(f"{field}unitAmount", "invalid", "a usage price takes unitAmount or tiers")]
        )


def _new_price(call: Call, plan_id: str, body: Mapping[str, object]) -> Obj:
    tiers = body.get("tiers")
    return {
        "id": call.store.ids.new("price_"),
        "planId": plan_id,
        "currency": body["currency"],
        "model": body.get("model") or "flat",
        "unitAmount": body.get("unitAmount"),
        "tiers": [dict(t) for t in tiers] if isinstance(tiers, list) else None,
        "taxMode": body.get("taxMode") or "exclusive",
        "active": body.get("active") if isinstance(body.get("active"), bool) else True,
        "createdAt": iso_ms(call.now),
    }


def _prices_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, list) or len(value) > 20:
        return "invalid", f"{name} must be a list of at most 20 prices"
    if not all(isinstance(item, dict) for item in value):
        return "invalid", f"{name} must hold price objects"
    return None


_RULES: dict[str, Rule] = {
    "name": string_rule(1, 255),
    "description": string_rule(1, 2000),
    "interval": enum_rule(*INTERVALS),
    "intervalCount": lambda n, v: _count(n, v, 1, 365),
    "trialDays": lambda n, v: _count(n, v, 0, 730),
    "portalFeatures": _features,
    "prices": _prices_rule,
    "currency": enum_rule(*CURRENCIES),
    "amount": _amount,
    "dunningPolicyId": string_rule(1, 255),
    "usageAggregate": enum_rule("sum", "max", "last"),
    "meteredUnit": string_rule(1, 64),
    "active": _bool,
    "metadata": metadata_rule,
}
_NULLABLE = frozenset(_RULES) - {"name", "interval"}
_ASSIGNED = frozenset({"id", "arn", "accountId", "archivedAt", "createdAt", "updatedAt"})
_PATCHABLE = (
    "name",
    "description",
    "trialDays",
    "portalFeatures",
    "dunningPolicyId",
    "active",
    "metadata",
)


def plan_wire(plan: Obj) -> Obj:
    """The plan as the API answers it."""
    return wire(plan)


def _emit(call: Call, event: str, plan: Obj, previous: dict[str, object] | None = None) -> Obj:
    out = plan_wire(plan)
    call.store.events.emit(event, call.acting, out, now=call.now, previous=previous)
    return out


def _plan(call: Call) -> Obj:
    found = call.store[PLANS].get(call.params["plan"], str(call.acting["accountId"]))
    if found is None:
        raise not_found("Plan")
    return found


def _refuse_archived(plan: Obj, action: str) -> None:
    if plan["archivedAt"] is not None:
        raise ApiError(
            409, "INVALID_TRANSITION", f"Can't {action} plan {plan['id']}: it is archived"
        )


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body, _RULES, nullable=_NULLABLE, required=("name", "interval"), read_only=_ASSIGNED
    )
    inputs = body.get("prices")
    shorthand = body.get("currency") is not None or body.get("amount") is not None
    if shorthand:
        if inputs is not None or body.get("currency") is None or body.get("amount") is None:
            raise validation_error(
                [problem("prices", "invalid", "give prices, or currency and amount, not both")]
            )
        inputs = [{"currency": body["currency"], "model": "flat", "unitAmount": body["amount"]}]
    if not inputs:
        raise validation_error(
            [problem("prices", "required", "prices (or currency and amount) is required")]
        )
    assert isinstance(inputs, list)
    for i, item in enumerate(inputs):
        _check_price(item, f"prices[{i}]")
    store, ws = call.store, call.acting
    account = str(ws["accountId"])
    ident = store.ids.new("plan_")
    prices = [_new_price(call, ident, item) for item in inputs]
    for price in prices:
        store[PRICES].insert(price, scope=account)
    features = dict(_DEFAULT_FEATURES)
    given = body.get("portalFeatures")
    if isinstance(given, dict):
        features.update(given)
    stamp = iso_ms(call.now)
    metadata = body.get("metadata")
    plan: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:plan/{ident}",
        "accountId": account,
        "name": body["name"],
        "description": body.get("description"),
        "interval": body["interval"],
        "intervalCount": body.get("intervalCount") or 1,
        "trialDays": body.get("trialDays") or 0,
        "prices": prices,
        "usageAggregate": body.get("usageAggregate"),
        "meteredUnit": body.get("meteredUnit"),
        "portalFeatures": features,
        "dunningPolicyId": body.get("dunningPolicyId"),
        "active": body.get("active") is not False,
        "archivedAt": None,
        "metadata": dict(metadata) if isinstance(metadata, dict) else {},
        "createdAt": stamp,
        "updatedAt": stamp,
        "_mode": call.mode,
    }
    store[PLANS].insert(plan, scope=account)
    return 201, _emit(call, "plugipay.plan.created.v1", plan), None


def get(call: Call) -> Result:
    return 200, plan_wire(_plan(call)), None


def list_plans(call: Call) -> Result:
    return filtered_page(
        call,
        PLANS,
        {"active": "active"},
        choices={"active": {"true": True, "false": False}},
        mode_field="_mode",
    )


def update(call: Call) -> Result:
    plan = _plan(call)
    body = require_object(call.body)
    rules = {name: _RULES[name] for name in _PATCHABLE}
    check_fields(
        body,
        rules,
        nullable=frozenset({"description", "dunningPolicyId", "metadata", "trialDays"}),
        read_only=_ASSIGNED,
        not_patchable=frozenset(_RULES) - set(_PATCHABLE),
    )
    _refuse_archived(plan, "update")
    changes: dict[str, object] = {}
    for name, value in body.items():
        if name == "portalFeatures" and isinstance(value, dict):
            features = plan["portalFeatures"]
            assert isinstance(features, dict)
            changes[name] = {**features, **value}
        elif name == "metadata":
            changes[name] = dict(value) if isinstance(value, dict) else {}
        elif name == "trialDays":
            changes[name] = value or 0
        else:
            changes[name] = value
    previous = call.store[PLANS].update(plan, changes)
    if previous:
        plan["updatedAt"] = iso_ms(call.now)
        return 200, _emit(call, "plugipay.plan.updated.v1", plan, previous), None
    return 200, plan_wire(plan), None


def archive(call: Call) -> Result:
    check_fields(require_object(call.body), {})
    plan = _plan(call)
    if plan["archivedAt"] is not None:
        raise ApiError(
            409, "INVALID_TRANSITION", f"Can't archive plan {plan['id']}: it is archived"
        )
    stamp = iso_ms(call.now)
    previous = call.store[PLANS].update(
        plan, {"active": False, "archivedAt": stamp, "updatedAt": stamp}
    )
    return 200, _emit(call, "plugipay.plan.archived.v1", plan, previous), None


def add_price(call: Call) -> Result:
    plan = _plan(call)
    body = require_object(call.body)
    _check_price(body)
    _refuse_archived(plan, "add a price to")
    price = _new_price(call, str(plan["id"]), body)
    call.store[PRICES].insert(price, scope=str(call.acting["accountId"]))
    prices = plan["prices"]
    assert isinstance(prices, list)
    prices.append(price)
    plan["updatedAt"] = iso_ms(call.now)
    _emit(call, "plugipay.plan.updated.v1", plan)
    return 201, wire(price), None


def find_price(call: Call, ident: str) -> Obj | None:
    """The price ``ident`` of the acting workspace."""
    return call.store[PRICES].get(ident, str(call.acting["accountId"]))


def _price(call: Call) -> tuple[Obj, Obj]:
    price = find_price(call, call.params["price"])
    if price is None:
        raise not_found("Price")
    return price, call.store[PLANS][str(price["planId"])]


def update_price(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        {"active": _bool},
        required=("active",),
        not_patchable=frozenset(_PRICE_RULES) - {"active"},
        read_only=_PRICE_ASSIGNED,
    )
    price, plan = _price(call)
    if price["active"] != body["active"]:
        price["active"] = body["active"]
        plan["updatedAt"] = iso_ms(call.now)
        _emit(call, "plugipay.plan.updated.v1", plan)
    return 200, wire(price), None


def delete_price(call: Call) -> Result:
    from .subscriptions import SUBSCRIPTIONS

    price, plan = _price(call)
    account = str(call.acting["accountId"])
    for sub in call.store[SUBSCRIPTIONS].ordered(account):
        if sub["priceId"] == price["id"] and sub["status"] != "canceled":
            raise conflict(f"Price {price['id']} is used by subscription {sub['id']}")
    prices = plan["prices"]
    assert isinstance(prices, list)
    prices.remove(price)
    call.store[PRICES].remove(price)
    plan["updatedAt"] = iso_ms(call.now)
    _emit(call, "plugipay.plan.updated.v1", plan)
    return 204, None, None


_READ = "plugipay:plan:read"
_WRITE = "plugipay:plan:write"
ROUTES = [
    Route("GET", "/plans", list_plans, _READ, "none"),
    Route("POST", "/plans", create, _WRITE, "honoured"),
    Route("GET", "/plans/{plan}", get, _READ, "none"),
    Route("PATCH", "/plans/{plan}", update, _WRITE, "honoured"),
    Route("POST", "/plans/{plan}/archive", archive, _WRITE, "honoured"),
    Route("POST", "/plans/{plan}/prices", add_price, _WRITE, "honoured"),
    Route("PATCH", "/prices/{price}", update_price, _WRITE, "honoured"),
    Route("DELETE", "/prices/{price}", delete_price, _WRITE, "honoured"),
]
