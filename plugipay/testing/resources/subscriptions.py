"""Subscriptions and test clocks (SPEC-MONEY §4, §7; SURVEY §1.4, §2 "Subscription").

Every paid period is invoiced at its start, in advance: at creation (no trial), at ``trialEnd``
and at each renewal, for the subscription's price at that moment: one line of quantity 1 whose
``unitAmount`` is what the price charges (``plugipay.testing._pricing``): 1 unit for flat,
tiered and volume prices; for a usage price, the usage the test reported since the previous
invoice (``fake.report_usage``, aggregated by the plan's ``usageAggregate``, default ``sum``).
``initialDiscount`` is a one-off discount on the first invoice (capped at its subtotal);
``couponId`` is kept as ``discountCouponId`` and discounts nothing (the emulator has no coupons).
No tax on subscription invoices.

Collection: ``charge_automatically`` with a payment token (the subscription's
``defaultPaymentTokenId``, else the customer's) pays the invoice at once; without one the
invoice stays open, ``invoice.failed`` (``reason: no_payment_method``) and the subscription
goes ``past_due`` until an invoice of it is paid. ``send_invoice`` leaves it open and sent
(``invoice.sent``), due 30 days after issue. A zero total is paid at once either way.

Lifecycle (every other transition is 409 ``INVALID_TRANSITION`` and changes nothing):
``incomplete`` (a future ``startAt``) → ``trialing`` or ``active`` at ``startAt`` · ``trialing``
→ ``active`` at ``trialEnd`` (``subscription.updated``) · renewal when the clock reaches
``currentPeriodEnd`` (``subscription.renewed``) · ``cancel(at="now")`` → ``canceled`` ·
``cancel(at="period_end")`` sets ``cancelAt`` (``subscription.updated``), then ``canceled`` at the
boundary with no further invoice · ``active``/``trialing``/``past_due`` → ``paused``: boundaries
pass with no invoice and no event (the periods keep their calendar) · ``paused`` → ``active`` (or
``trialing`` inside the trial) by ``resume`` or at ``resumeAt``. Periods step by interval ×
intervalCount from the first paid period's start, month ends clamped.

A price change (``PATCH priceId``, a price of the same plan) has no proration: the current
period stays paid at the old price, the next invoice uses the new one.

Test clocks: every subscription has its own clock, business time plus what
``POST /test/clocks/advance {subscriptionId, days}`` (test-mode keys only, 403
``TEST_MODE_ONLY`` otherwise) has added to it. Advancing runs, in order, every boundary and
resume the subscription's clock passes (its ``subscription.renewed`` events carry
``daysAdvanced``) and answers the subscription. Everything a subscription does is stamped on its
own clock.

Private fields: ``_mode``, ``_anchor`` and ``_index`` (the first paid period's start and the
current paid period's number, -1 before it), ``_end`` (the next boundary), ``_offset`` (its test
clock), ``_gen`` (the live timer), ``_discount``, ``_usage``, ``_resumeAt``, ``_reason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from .._ids import iso_ms, parse_iso
from .._pricing import add_interval, price_amount
from .._routing import Call, Result, Route
from .._store import Kind, Obj, Store, wire
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
from ._common import filtered_page, not_found
from .customers import CUSTOMERS
from .invoices import fail_collection, finalize_invoice, new_invoice, send_invoice, settle
from .plans import PLANS, PRICES

__all__ = ["ROUTES", "STATUSES", "SUBSCRIPTIONS", "invoice_paid", "report_usage"]

SUBSCRIPTIONS = Kind("subscriptions")
STATUSES = ("trialing", "active", "past_due", "canceled", "paused", "incomplete")
REASONS = ("customer_portal", "merchant", "failed_payment", "user_request")
DAY = 86_400
SEND_INVOICE_DUE_DAYS = 30
_MAX_STEPS = 100_000
"""A bound on the boundaries one clock move may cross (a daily plan over 270 years)."""


def _int_rule(low: int, high: int) -> Rule:
    def rule(name: str, value: object) -> tuple[str, str] | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return "invalid", f"{name} must be an integer from {low} to {high}"
        return None

    return rule


def _time_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or parse_iso(value) is None:
        return "invalid", f"{name} must be an ISO 8601 date-time"
    return None


_RULES: dict[str, Rule] = {
    "customerId": string_rule(1, 255, prefix="cus_"),
    "planId": string_rule(1, 255, prefix="plan_"),
    "priceId": string_rule(1, 255, prefix="price_"),
    "trialDays": _int_rule(0, 730),
    "paymentTokenId": string_rule(1, 255, prefix="pt_"),
    "collectionMethod": enum_rule("charge_automatically", "send_invoice"),
    "couponId": string_rule(1, 255),
    "startAt": _time_rule,
    "metadata": metadata_rule,
    "initialDiscount": _int_rule(0, 2**53 - 1),
}
_REQUIRED = ("customerId", "planId", "priceId")
_NULLABLE = frozenset(_RULES) - set(_REQUIRED)
_ASSIGNED = frozenset(
    {
        "id",
        "arn",
        "accountId",
        "status",
        "currentPeriodStart",
        "currentPeriodEnd",
        "trialEnd",
        "cancelAt",
        "canceledAt",
        "canceledReason",
        "pausedAt",
        "discountCouponId",
        "createdAt",
        "updatedAt",
    }
)
_UPDATE_RULES: dict[str, Rule] = {
    "priceId": _RULES["priceId"],
    "defaultPaymentTokenId": string_rule(1, 255, prefix="pt_"),
    "metadata": metadata_rule,
}


# -- state changes ----------------------------------------------------------------------------


def _ws(store: Store, sub: Obj) -> Obj:
    ws = store.workspaces.find("accountId", sub["accountId"])
    assert ws is not None
    return ws


def _float(sub: Obj, name: str) -> float:
    value = sub[name]
    assert isinstance(value, int | float)
    return float(value)


def _emit(
    store: Store,
    event: str,
    sub: Obj,
    at: float,
    previous: Mapping[str, object] | None = None,
    extra: Mapping[str, object] | None = None,
) -> None:
    store.events.emit(
        f"plugipay.subscription.{event}.v1",
        _ws(store, sub),
        wire(sub),
        now=at,
        previous=dict(previous) if previous else None,
        extra=extra,
        mode=str(sub["_mode"]),
    )


def _change(store: Store, sub: Obj, changes: Mapping[str, object], at: float) -> dict[str, object]:
    previous = store[SUBSCRIPTIONS].update(sub, changes)
    if previous:
        sub["updatedAt"] = iso_ms(at)
    return previous


def _plan_of(store: Store, sub: Obj) -> Obj:
    return store[PLANS][str(sub["planId"])]


def _set_period(store: Store, sub: Obj, at: float) -> None:
    """Enter paid period ``_index`` (its bounds from ``_anchor``)."""
    plan = _plan_of(store, sub)
    interval, count = str(plan["interval"]), plan["intervalCount"]
    assert isinstance(count, int)
    index = sub["_index"]
    assert isinstance(index, int)
    anchor = _float(sub, "_anchor")
    start = add_interval(anchor, interval, index * count)
    end = add_interval(anchor, interval, (index + 1) * count)
    sub["_end"] = end
    _change(
        store,
        sub,
        {"currentPeriodStart": iso_ms(start), "currentPeriodEnd": iso_ms(end)},
        at,
    )


def _usage(store: Store, sub: Obj) -> int:
    reported = sub["_usage"]
    assert isinstance(reported, list)
    sub["_usage"] = []
    if not reported:
        return 0
    how = _plan_of(store, sub)["usageAggregate"] or "sum"
    if how == "max":
        return int(max(reported))
    if how == "last":
        return int(reported[-1])
    return int(sum(reported))


def _bill(store: Store, sub: Obj, at: float) -> None:
    """Invoice the period that starts now and collect it."""
    ws = _ws(store, sub)
    plan = _plan_of(store, sub)
    price = store[PRICES][str(sub["priceId"])]
    metered = price["model"] == "usage"
    quantity = _usage(store, sub) if metered else 1
    amount = price_amount(price, quantity)
    discount = min(int(_float(sub, "_discount")), amount)
    sub["_discount"] = 0
    period = f"{str(sub['currentPeriodStart'])[:10]} to {str(sub['currentPeriodEnd'])[:10]}"
    units = f", {quantity} {plan['meteredUnit'] or 'units'}" if metered else ""
    send = sub["collectionMethod"] == "send_invoice"
    invoice = new_invoice(
        store,
        ws,
        customer_id=str(sub["customerId"]),
        currency=str(price["currency"]),
        lines=[
            {
                "description": f"{plan['name']} ({period}{units})",
                "quantity": 1,
                "unitAmount": amount,
                "priceId": price["id"],
            }
        ],
        discount=discount,
        tax=0,
        mode=str(sub["_mode"]),
        now=at,
        due_at=iso_ms(at + SEND_INVOICE_DUE_DAYS * DAY) if send else iso_ms(at),
        subscription_id=str(sub["id"]),
    )
    finalize_invoice(store, ws, invoice, at)
    if invoice["total"] == 0:
        settle(store, ws, invoice, at)
    elif send:
        send_invoice(store, ws, invoice, at)
    else:
        customer = store[CUSTOMERS].get(str(sub["customerId"]))
        token = sub["defaultPaymentTokenId"] or (customer or {}).get("defaultPaymentTokenId")
        if token:
            settle(store, ws, invoice, at, method="card", adapter="xendit")
        else:
            fail_collection(store, ws, invoice, at, "no_payment_method")
            if sub["status"] != "past_due":
                previous = _change(store, sub, {"status": "past_due"}, at)
                _emit(store, "updated", sub, at, previous)


def _start_paid(store: Store, sub: Obj, at: float) -> None:
    """Begin the first paid period at ``at``."""
    sub["_anchor"] = at
    sub["_index"] = 0
    _set_period(store, sub, at)


def _cross(store: Store, sub: Obj, extra: Mapping[str, object] | None) -> None:
    """What happens when the subscription's clock reaches ``_end``."""
    at = _float(sub, "_end")
    cancel_at = sub["cancelAt"]
    if cancel_at is not None and at >= (parse_iso(str(cancel_at)) or 0.0):
        _cancel(store, sub, at)
        return
    status = sub["status"]
    if status == "incomplete":
        plan_trial = sub["_trialDays"]
        assert isinstance(plan_trial, int)
        if plan_trial:
            end = at + plan_trial * DAY
            sub["_end"] = end
            previous = _change(
                store,
                sub,
                {
                    "status": "trialing",
                    "trialEnd": iso_ms(end),
                    "currentPeriodStart": iso_ms(at),
                    "currentPeriodEnd": iso_ms(end),
                },
                at,
            )
            _emit(store, "updated", sub, at, previous)
        else:
            _start_paid(store, sub, at)
            previous = _change(store, sub, {"status": "active"}, at)
            _emit(store, "updated", sub, at, previous)
            _bill(store, sub, at)
        return
    index = sub["_index"]
    assert isinstance(index, int)
    if status == "paused":
        if index < 0:
            _start_paid(store, sub, at)
        else:
            sub["_index"] = index + 1
            _set_period(store, sub, at)
        return
    if status == "trialing":
        _start_paid(store, sub, at)
        previous = _change(store, sub, {"status": "active"}, at)
        _emit(store, "updated", sub, at, previous)
        _bill(store, sub, at)
        return
    sub["_index"] = index + 1
    _set_period(store, sub, at)
    _emit(store, "renewed", sub, at, extra=extra)
    _bill(store, sub, at)


def _cancel(store: Store, sub: Obj, at: float) -> None:
    previous = _change(
        store,
        sub,
        {"status": "canceled", "canceledAt": iso_ms(at), "canceledReason": sub["_reason"]},
        at,
    )
    _emit(store, "canceled", sub, at, previous)


def _resume(store: Store, sub: Obj, at: float) -> None:
    trial_end = sub["trialEnd"]
    in_trial = sub["_index"] == -1 and trial_end is not None
    sub["_resumeAt"] = None
    previous = _change(
        store, sub, {"status": "trialing" if in_trial else "active", "pausedAt": None}, at
    )
    _emit(store, "resumed", sub, at, previous)


def _next(sub: Obj) -> float:
    end = _float(sub, "_end")
    resume_at = sub["_resumeAt"]
    if sub["status"] == "paused" and isinstance(resume_at, float):
        return min(end, resume_at)
    return end


def _run_until(store: Store, sub: Obj, target: float, extra: Mapping[str, object] | None) -> None:
    """Cross every boundary and resume up to ``target`` on the subscription's own clock."""
    for _ in range(_MAX_STEPS):
        if sub["status"] == "canceled" or _next(sub) > target:
            break
        resume_at = sub["_resumeAt"]
        paused = sub["status"] == "paused" and isinstance(resume_at, float)
        if paused and isinstance(resume_at, float) and resume_at <= _float(sub, "_end"):
            _resume(store, sub, resume_at)
            continue
        _cross(store, sub, extra)
    _schedule(store, sub)


def _fire(store: Store, sub: Obj, gen: int, due: float) -> None:
    if sub["_gen"] == gen:
        _run_until(store, sub, due + _float(sub, "_offset"), None)


def _schedule(store: Store, sub: Obj) -> None:
    """(Re)arm the subscription's one live timer for its next boundary or resume."""
    gen = sub["_gen"]
    assert isinstance(gen, int)
    sub["_gen"] = gen + 1
    if sub["status"] != "canceled":
        due = _next(sub) - _float(sub, "_offset")
        store.timers.at(due, partial(_fire, store, sub, gen + 1))


def invoice_paid(store: Store, ws: Obj, sub_id: str, now: float) -> None:
    """An invoice of ``sub_id`` was paid: a ``past_due`` subscription is ``active`` again."""
    sub = store[SUBSCRIPTIONS].get(sub_id)
    if sub is not None and sub["status"] == "past_due":
        previous = _change(store, sub, {"status": "active"}, now)
        _emit(store, "updated", sub, now, previous)


def report_usage(store: Store, sub: Obj, quantity: int) -> None:
    """Record ``quantity`` units of metered usage for the subscription's next invoice."""
    reported = sub["_usage"]
    assert isinstance(reported, list)
    reported.append(quantity)


# -- routes -----------------------------------------------------------------------------------


def _invalid(sub: Obj, action: str) -> ApiError:
    return ApiError(
        409, "INVALID_TRANSITION", f"Can't {action} subscription {sub['id']}: it is {sub['status']}"
    )


def _sub(call: Call, ident: str | None = None) -> Obj:
    found = call.store[SUBSCRIPTIONS].get(
        ident or call.params["subscription"], str(call.acting["accountId"])
    )
    if found is None:
        raise not_found("Subscription")
    return found


def _own_now(call: Call, sub: Obj) -> float:
    return call.now + _float(sub, "_offset")


def _usable_price(call: Call, plan: Obj, price_id: str) -> Obj:
    price = call.store[PRICES].get(price_id, str(call.acting["accountId"]))
    if price is None or price["planId"] != plan["id"]:
        raise validation_error(
            [problem("priceId", "invalid", f"No price {price_id} on plan {plan['id']}")]
        )
    if price["active"] is not True:
        raise validation_error([problem("priceId", "invalid", f"Price {price_id} is inactive")])
    return price


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, _RULES, nullable=_NULLABLE, required=_REQUIRED, read_only=_ASSIGNED)
    store, ws = call.store, call.acting
    account = str(ws["accountId"])
    customer_id, plan_id = str(body["customerId"]), str(body["planId"])
    if store[CUSTOMERS].get(customer_id, account) is None:
        raise validation_error(
            [problem("customerId", "invalid", f"No customer {customer_id} in this workspace")]
        )
    plan = store[PLANS].get(plan_id, account)
    if plan is None:
        raise validation_error([problem("planId", "invalid", f"No plan {plan_id} here")])
    if plan["archivedAt"] is not None:
        raise validation_error([problem("planId", "invalid", f"Plan {plan_id} is archived")])
    price = _usable_price(call, plan, str(body["priceId"]))
    now = call.now
    start_text = body.get("startAt")
    parsed = None if start_text is None else parse_iso(str(start_text))
    start = now if parsed is None else parsed  # 0.0 (the epoch) is a time, not "missing"
    if start < now - 1:
        raise validation_error([problem("startAt", "invalid", "startAt can't be in the past")])
    trial = body.get("trialDays")
    trial_days = plan["trialDays"] if trial is None else trial
    assert isinstance(trial_days, int)
    ident = store.ids.new("sub_")
    stamp = iso_ms(now)
    metadata = body.get("metadata")
    sub: Obj = {
        "id": ident,
        "arn": f"arn:plugipay:{account}:subscription/{ident}",
        "accountId": account,
        "customerId": customer_id,
        "planId": plan_id,
        "priceId": price["id"],
        "status": "incomplete",
        "currentPeriodStart": stamp,
        "currentPeriodEnd": iso_ms(start),
        "trialEnd": None,
        "cancelAt": None,
        "canceledAt": None,
        "canceledReason": None,
        "pausedAt": None,
        "defaultPaymentTokenId": body.get("paymentTokenId"),
        "discountCouponId": body.get("couponId"),
        "collectionMethod": body.get("collectionMethod") or "charge_automatically",
        "metadata": dict(metadata) if isinstance(metadata, dict) else {},
        "createdAt": stamp,
        "updatedAt": stamp,
        "_mode": call.mode,
        "_anchor": start,
        "_index": -1,
        "_end": start,
        "_offset": 0.0,
        "_gen": 0,
        "_discount": body.get("initialDiscount") or 0,
        "_usage": [],
        "_resumeAt": None,
        "_reason": None,
        "_trialDays": trial_days,
    }
    if start <= now:
        if trial_days:
            end = now + trial_days * DAY
            sub.update(status="trialing", trialEnd=iso_ms(end), currentPeriodEnd=iso_ms(end))
            sub["_end"] = end
        else:
            sub["status"] = "active"
    store[SUBSCRIPTIONS].insert(sub, scope=account)
    if sub["status"] == "active":
        sub["_anchor"] = now
        sub["_index"] = 0
        plan_interval, count = str(plan["interval"]), plan["intervalCount"]
        assert isinstance(count, int)
        end = add_interval(now, plan_interval, count)
        sub.update(currentPeriodEnd=iso_ms(end))
        sub["_end"] = end
    _emit(store, "created", sub, now)
    if sub["status"] == "active":
        _bill(store, sub, now)
    _schedule(store, sub)
    return 201, wire(sub), None


def get(call: Call) -> Result:
    return 200, wire(_sub(call)), None


def list_subscriptions(call: Call) -> Result:
    return filtered_page(
        call,
        SUBSCRIPTIONS,
        {"status": "status", "customerId": "customerId", "planId": "planId"},
        choices={"status": STATUSES},
        mode_field="_mode",
    )


def update(call: Call) -> Result:
    sub = _sub(call)
    body = require_object(call.body)
    check_fields(
        body,
        _UPDATE_RULES,
        nullable=frozenset({"defaultPaymentTokenId", "metadata"}),
        read_only=_ASSIGNED,
        not_patchable=frozenset(_RULES) - set(_UPDATE_RULES),
    )
    if sub["status"] == "canceled":
        raise _invalid(sub, "update")
    changes: dict[str, object] = {}
    if body.get("priceId") is not None:
        plan = call.store[PLANS][str(sub["planId"])]
        changes["priceId"] = _usable_price(call, plan, str(body["priceId"]))["id"]
    if "defaultPaymentTokenId" in body:
        changes["defaultPaymentTokenId"] = body["defaultPaymentTokenId"]
    if "metadata" in body:
        metadata = body["metadata"]
        changes["metadata"] = dict(metadata) if isinstance(metadata, dict) else {}
    at = _own_now(call, sub)
    previous = _change(call.store, sub, changes, at)
    if previous:
        _emit(call.store, "updated", sub, at, previous)
    return 200, wire(sub), None


def cancel(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        {"at": enum_rule("now", "period_end"), "reason": enum_rule(*REASONS)},
        nullable=frozenset({"reason"}),
        required=("at",),
    )
    sub = _sub(call)
    at = _own_now(call, sub)
    if sub["status"] == "canceled":
        raise _invalid(sub, "cancel")
    sub["_reason"] = body.get("reason")
    if body["at"] == "now":
        _cancel(call.store, sub, at)
    else:
        if sub["cancelAt"] is not None:
            raise ApiError(
                409,
                "INVALID_TRANSITION",
                f"Can't cancel subscription {sub['id']} at period end: it already cancels "
                f"at {sub['cancelAt']}",
            )
        previous = _change(call.store, sub, {"cancelAt": sub["currentPeriodEnd"]}, at)
        _emit(call.store, "updated", sub, at, previous)
    _schedule(call.store, sub)
    return 200, wire(sub), None


def pause(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(body, {"resumeAt": _time_rule}, nullable=frozenset({"resumeAt"}))
    sub = _sub(call)
    if sub["status"] not in ("active", "trialing", "past_due"):
        raise _invalid(sub, "pause")
    at = _own_now(call, sub)
    resume_text = body.get("resumeAt")
    resume_at = None if resume_text is None else parse_iso(str(resume_text))
    if resume_at is not None and resume_at <= at:
        raise validation_error([problem("resumeAt", "invalid", "resumeAt must be in the future")])
    sub["_resumeAt"] = resume_at
    previous = _change(call.store, sub, {"status": "paused", "pausedAt": iso_ms(at)}, at)
    _emit(call.store, "paused", sub, at, previous)
    _schedule(call.store, sub)
    return 200, wire(sub), None


def resume(call: Call) -> Result:
    check_fields(require_object(call.body), {})
    sub = _sub(call)
    if sub["status"] != "paused":
        raise _invalid(sub, "resume")
    _resume(call.store, sub, _own_now(call, sub))
    _schedule(call.store, sub)
    return 200, wire(sub), None


def advance_clock(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        {"subscriptionId": string_rule(1, 255, prefix="sub_"), "days": _int_rule(1, 3650)},
        required=("subscriptionId", "days"),
    )
    if call.mode != "test":
        raise ApiError(403, "TEST_MODE_ONLY", "Test clocks can only be moved with a test-mode key")
    sub = _sub(call, str(body["subscriptionId"]))
    if sub["status"] == "canceled":
        raise _invalid(sub, "advance the clock of")
    days = body["days"]
    assert isinstance(days, int)
    sub["_offset"] = _float(sub, "_offset") + days * DAY
    _run_until(call.store, sub, _own_now(call, sub), {"daysAdvanced": days})
    return 200, wire(sub), None


_READ = "plugipay:subscription:read"
_WRITE = "plugipay:subscription:write"
_PATH = "/subscriptions/{subscription}"
ROUTES = [
    Route("GET", "/subscriptions", list_subscriptions, _READ, "none"),
    Route("POST", "/subscriptions", create, _WRITE, "honoured"),
    Route("GET", _PATH, get, _READ, "none"),
    Route("PATCH", _PATH, update, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/cancel", cancel, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/pause", pause, _WRITE, "honoured"),
    Route("POST", f"{_PATH}/resume", resume, _WRITE, "honoured"),
    Route("POST", "/test/clocks/advance", advance_clock, _WRITE, "honoured"),
]
