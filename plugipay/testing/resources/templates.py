"""Templates (SURVEY §1.14, §2 "Template"): how a workspace's receipts, invoices and checkout
page look, one default per kind, and an HTML preview.

A Template is ``{id, accountId, mode, kind, name, isDefault, config, createdAt, updatedAt}``,
``tpl_`` ids, per workspace and mode (the mode of the call that made it: a call sees its own
mode's templates only, as every list answers its mode, SPEC-MONEY §2). ``config`` holds the fields of its kind, each one checked
(unknown fields, wrong types, ``taxRate`` outside 0-1 and an ``accentColor`` not ``#RRGGBB`` are
400s naming ``config.<field>``), and is stored whole: fields left out take their defaults, on
create and on update alike (an update replaces the config). ``kind`` never changes; ``isDefault``
changes through ``make-default`` only, which clears the kind's previous default (as does creating
one with ``isDefault: true``). Deleting the default leaves the kind without one. ``duplicate``
copies the kind and config under the name ``<name> (copy)`` (cut to fit 255 characters), never
as the default. ``GET /templates`` is a bare array, oldest first, optionally of one ``kind``.

``POST /templates/preview`` renders ``{kind, config}`` (checked the same way, saved nowhere) as
a ``text/html; charset=utf-8`` page over sample data, in the workspace's brand name; every
value is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from .._documents import format_money
from .._ids import iso_ms
from .._routing import Call, Result, Route
from .._store import Kind, Obj, Store, wire
from .._validate import (
    Rule,
    bool_rule,
    check_fields,
    color_rule,
    enum_rule,
    problem,
    rate_rule,
    require_object,
    string_rule,
    validation_error,
)
from .._wire import Document, FieldProblem
from ._common import READ_WORKSPACE, WRITE_WORKSPACE, choice, not_found

__all__ = ["CONFIG_DEFAULTS", "KINDS", "ROUTES", "TEMPLATES"]

TEMPLATES = Kind("templates")
"""Every template, scoped by ``accountId/mode``."""

KINDS = ("receipt", "invoice", "checkout")
MAX_NAME = 255
_COPY_SUFFIX = " (copy)"
_ACCENT = "#2563EB"

CONFIG_DEFAULTS: dict[str, dict[str, object]] = {
    "receipt": {
        "thankYouText": "Thank you for your purchase!",
        "footerText": "",
        "showTax": False,
        "taxLabel": "Tax",
        "taxRate": 0,
        "cashierLabel": "Cashier",
        "showBusinessDetails": True,
        "accentColor": _ACCENT,
    },
    "invoice": {
        "termsText": "",
        "footerText": "",
        "showTax": False,
        "taxLabel": "Tax",
        "taxRate": 0,
        "showBusinessDetails": True,
        "accentColor": _ACCENT,
    },
    "checkout": {
        "accentColor": _ACCENT,
        "successMessage": "Payment received. Thank you!",
        "footerTagline": "",
        "showBusinessDetails": True,
    },
}
"""Each kind's config fields and the value a field left out takes."""

_FIELD_RULES: dict[str, Rule] = {
    "thankYouText": string_rule(0, 200),
    "footerText": string_rule(0, 500),
    "termsText": string_rule(0, 2000),
    "successMessage": string_rule(0, 200),
    "footerTagline": string_rule(0, 140),
    "showTax": bool_rule,
    "showBusinessDetails": bool_rule,
    "taxLabel": string_rule(1, 40),
    "cashierLabel": string_rule(1, 40),
    "taxRate": rate_rule,
    "accentColor": color_rule,
}


def _object_rule(name: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return "invalid", f"{name} must be an object"
    return None


_CREATE_RULES: dict[str, Rule] = {
    "kind": enum_rule(*KINDS),
    "name": string_rule(1, MAX_NAME),
    "config": _object_rule,
    "isDefault": bool_rule,
}
_PATCH_RULES: dict[str, Rule] = {"name": string_rule(1, MAX_NAME), "config": _object_rule}
_ASSIGNED = frozenset({"id", "accountId", "mode", "createdAt", "updatedAt"})


def full_config(
    kind: str, config: Mapping[str, object], where: str = "config"
) -> dict[str, object]:
    """``config`` checked against ``kind``'s fields, with defaults for those left out; 400 with
    one problem per bad field (``<where>.<field>``)."""
    defaults = CONFIG_DEFAULTS[kind]
    problems: list[FieldProblem] = []
    for key, value in config.items():
        name = f"{where}.{key}"
        if key not in defaults:
            fields = ", ".join(defaults)
            message = f"{name} is not a field of a {kind} template ({fields})"
            problems.append(problem(name, "unknown_field", message))
            continue
        found = (
            ("invalid", f"{name} can't be null")
            if value is None
            else _FIELD_RULES[key](name, value)
        )
        if found is not None:
            problems.append(problem(name, *found))
    if problems:
        raise validation_error(problems)
    return {key: config.get(key, default) for key, default in defaults.items()}


def _scope(call: Call) -> str:
    return f"{call.acting['accountId']}/{call.mode}"


def _template(call: Call) -> Obj:
    found = call.store[TEMPLATES].get(call.params["template"], _scope(call))
    if found is None:
        raise not_found("Template")
    return found


def _clear_default(store: Store, scope: str, kind: object, stamp: str, keep: Obj) -> None:
    for other in store[TEMPLATES].ordered(scope):
        if other is not keep and other["kind"] == kind and other["isDefault"]:
            other["isDefault"] = False
            other["updatedAt"] = stamp


def _insert(call: Call, kind: str, name: str, config: dict[str, object], default: bool) -> Obj:
    scope = _scope(call)
    stamp = iso_ms(call.now)
    template: Obj = {
        "id": call.store.ids.new("tpl_"),
        "accountId": call.acting["accountId"],
        "mode": call.mode,
        "kind": kind,
        "name": name,
        "isDefault": default,
        "config": config,
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    call.store[TEMPLATES].insert(template, scope=scope)
    if default:
        _clear_default(call.store, scope, kind, stamp, template)
    return template


# -- handlers ----------------------------------------------------------------------------------


def list_templates(call: Call) -> Result:
    kind = choice(call, "kind", KINDS, None)
    found = call.store[TEMPLATES].ordered(_scope(call))
    return 200, [wire(t) for t in found if kind is None or t["kind"] == kind], None


def create(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        _CREATE_RULES,
        nullable=frozenset({"isDefault"}),
        required=("kind", "name", "config"),
        read_only=_ASSIGNED,
    )
    kind, name, config = body["kind"], body["name"], body["config"]
    assert isinstance(kind, str) and isinstance(name, str) and isinstance(config, dict)
    template = _insert(call, kind, name, full_config(kind, config), body.get("isDefault") is True)
    return 201, wire(template), None


def get(call: Call) -> Result:
    return 200, wire(_template(call)), None


def update(call: Call) -> Result:
    template = _template(call)
    body = require_object(call.body)
    check_fields(
        body,
        _PATCH_RULES,
        read_only=_ASSIGNED,
        not_patchable=frozenset({"kind", "isDefault"}),
    )
    changes: Obj = {}
    if "name" in body:
        changes["name"] = body["name"]
    config = body.get("config")
    if isinstance(config, dict):
        changes["config"] = full_config(str(template["kind"]), config)
    if changes:
        template.update(changes)
        template["updatedAt"] = iso_ms(call.now)
    return 200, wire(template), None


def delete(call: Call) -> Result:
    call.store[TEMPLATES].remove(_template(call))
    return 204, None, None


def duplicate(call: Call) -> Result:
    source = _template(call)
    name = str(source["name"])[: MAX_NAME - len(_COPY_SUFFIX)] + _COPY_SUFFIX
    config = source["config"]
    assert isinstance(config, dict)
    copy = _insert(call, str(source["kind"]), name, dict(config), False)
    return 201, wire(copy), None


def make_default(call: Call) -> Result:
    template = _template(call)
    if not template["isDefault"]:
        stamp = iso_ms(call.now)
        template["isDefault"] = True
        template["updatedAt"] = stamp
        _clear_default(call.store, _scope(call), template["kind"], stamp, template)
    return 200, wire(template), None


def preview(call: Call) -> Result:
    body = require_object(call.body)
    check_fields(
        body,
        {"kind": enum_rule(*KINDS), "config": _object_rule},
        nullable=frozenset({"config"}),
        required=("kind",),
    )
    kind = str(body["kind"])
    config = body.get("config") or {}
    assert isinstance(config, dict)
    ws = call.acting
    business = str(ws["brandName"] or ws["name"])
    page = render(kind, full_config(kind, config), business)
    return 200, Document("text/html; charset=utf-8", page.encode("utf-8")), None


# -- the preview page --------------------------------------------------------------------------

_SAMPLE_LINES = (("Kopi susu", 2, 25_000), ("Roti bakar", 1, 30_000))
_SAMPLE_DETAILS = ("Jl. Contoh No. 1, Jakarta", "+62 21 555 0100")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render(kind: str, config: Mapping[str, object], business: str) -> str:
    """A ``kind`` template with ``config`` over sample data, as a standalone HTML page."""
    subtotal = sum(quantity * unit for _, quantity, unit in _SAMPLE_LINES)
    rate = config.get("taxRate", 0)
    assert isinstance(rate, int | float)
    tax = round(subtotal * rate) if config.get("showTax") else 0
    money = {"subtotal": subtotal, "tax": tax, "total": subtotal + tax}
    rows = [
        f'<tr><td>{quantity} x {_e(name)}</td><td class="amount">'
        f"{_e(format_money(quantity * unit, 'IDR'))}</td></tr>"
        for name, quantity, unit in _SAMPLE_LINES
    ]
    if config.get("showTax"):
        label = f"{config['taxLabel']} ({float(rate) * 100:g}%)"
        rows.append(
            f'<tr><td>{_e(label)}</td><td class="amount">'
            f"{_e(format_money(money['tax'], 'IDR'))}</td></tr>"
        )
    rows.append(
        f'<tr><th>Total</th><th class="amount total">'
        f"{_e(format_money(money['total'], 'IDR'))}</th></tr>"
    )
    details = (
        "".join(f'<p class="details">{_e(line)}</p>' for line in _SAMPLE_DETAILS)
        if config.get("showBusinessDetails")
        else ""
    )
    if kind == "receipt":
        title, number = "Receipt", "RCPT-000123"
        extra = [
            f"<p>{_e(config['cashierLabel'])}: Ani</p>",
            f'<p class="thanks">{_e(config["thankYouText"])}</p>',
        ]
    elif kind == "invoice":
        title, number = "Invoice", "INV-000123"
        extra = ["<p>Billed to Budi Santoso</p>"]
        if config["termsText"]:
            extra.append(f'<p class="terms">{_e(config["termsText"])}</p>')
    else:
        title, number = "Checkout", "cs_SAMPLE"
        rows = rows[-1:]
        extra = [
            '<p><button class="pay">Pay</button></p>',
            f'<p class="success">{_e(config["successMessage"])}</p>',
        ]
    footer = config.get("footerText") or config.get("footerTagline") or ""
    accent = config["accentColor"]  # checked #RRGGBB: safe inside the style sheet
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)} preview</title>\n"
        f"<style>body{{font-family:sans-serif;max-width:32em;margin:2em auto}}"
        f"h1{{border-bottom:4px solid {accent}}}td.amount,th.amount{{text-align:right}}"
        f"table{{width:100%}}button.pay{{background:{accent};color:#fff}}</style>\n"
        "</head>\n<body>\n"
        f"<h1>{_e(business)}</h1>\n{details}\n"
        f'<p>{_e(title)} <strong class="number">{_e(number)}</strong></p>\n'
        f"<table>\n{chr(10).join(rows)}\n</table>\n"
        + "\n".join(extra)
        + (f"\n<footer>{_e(footer)}</footer>" if footer else "")
        + "\n</body>\n</html>\n"
    )


ROUTES = [
    Route("GET", "/templates", list_templates, READ_WORKSPACE, "none"),
    Route("POST", "/templates", create, WRITE_WORKSPACE, "honoured"),
    Route("POST", "/templates/preview", preview, READ_WORKSPACE, "none"),
    Route("GET", "/templates/{template}", get, READ_WORKSPACE, "none"),
    Route("PATCH", "/templates/{template}", update, WRITE_WORKSPACE, "honoured"),
    Route("DELETE", "/templates/{template}", delete, WRITE_WORKSPACE, "none"),
    Route("POST", "/templates/{template}/duplicate", duplicate, WRITE_WORKSPACE, "honoured"),
    Route("POST", "/templates/{template}/make-default", make_default, WRITE_WORKSPACE, "honoured"),
]
