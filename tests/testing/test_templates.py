"""Templates in the emulator (SURVEY §1.14, §2 "Template"): checked configs completed with
defaults, one default per kind, duplication, deletion, per-mode lists and the HTML preview."""

from __future__ import annotations

import re
from typing import Any

from plugipay.testing import FakePlugipay

from .emulator_helpers import BearerClient, RawClient, data_of, error_of

TEMPLATES = "/api/v1/templates"
NOW = "2026-05-12T10:42:00.000Z"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"
RECEIPT_DEFAULTS = {
    "thankYouText": "Thank you for your purchase!",
    "footerText": "",
    "showTax": False,
    "taxLabel": "Tax",
    "taxRate": 0,
    "cashierLabel": "Cashier",
    "showBusinessDetails": True,
    "accentColor": "#2563EB",
}


def create(raw: Any, key: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": "receipt", "name": "Receipt", "config": {}, **fields}
    response = raw.post(TEMPLATES, json=body, idempotency_key=key)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()["data"]
    return made


def defaults_of(raw: RawClient, kind: str) -> list[str]:
    return [t["name"] for t in data_of(raw.get(f"{TEMPLATES}?kind={kind}")) if t["isDefault"]]


def problems(response: Any) -> list[tuple[str, str]]:
    assert error_of(response) == (400, "VALIDATION_ERROR")
    return [(d["field"], d["code"]) for d in response.json()["error"]["details"]]


def test_create_completes_the_config_with_defaults(raw: RawClient, fake: FakePlugipay) -> None:
    made = create(raw, "t1", name="Warm", config={"thankYouText": "Terima kasih!", "taxRate": 0.11})
    assert re.fullmatch(f"tpl_{ULID}", made["id"])
    assert made == {
        "id": made["id"],
        "accountId": fake.account_id,
        "mode": "test",
        "kind": "receipt",
        "name": "Warm",
        "isDefault": False,
        "config": {**RECEIPT_DEFAULTS, "thankYouText": "Terima kasih!", "taxRate": 0.11},
        "createdAt": NOW,
        "updatedAt": NOW,
    }
    assert data_of(raw.get(f"{TEMPLATES}/{made['id']}")) == made
    checkout = create(raw, "t2", kind="checkout", config={"successMessage": "Lunas"})
    assert checkout["config"] == {
        "accentColor": "#2563EB",
        "successMessage": "Lunas",
        "footerTagline": "",
        "showBusinessDetails": True,
    }
    invoice = create(raw, "t3", kind="invoice", config={"termsText": "Net 30"})
    assert set(invoice["config"]) == {
        "termsText",
        "footerText",
        "showTax",
        "taxLabel",
        "taxRate",
        "showBusinessDetails",
        "accentColor",
    }


def test_body_and_config_rules(raw: RawClient) -> None:
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({}, [("kind", "required"), ("name", "required"), ("config", "required")]),
        (
            {"kind": "email", "name": "x", "config": {}, "isDefault": "yes"},
            [("kind", "invalid"), ("isDefault", "invalid")],
        ),
        (
            {"kind": "receipt", "name": "", "config": []},
            [("name", "too_short"), ("config", "invalid")],
        ),
        ({"kind": "receipt", "name": "x", "config": {}, "id": "tpl_x"}, [("id", "read_only")]),
        (
            {"kind": "receipt", "name": "x", "config": {"termsText": "t", "taxRate": 1.01}},
            [("config.termsText", "unknown_field"), ("config.taxRate", "invalid")],
        ),
        (
            {"kind": "checkout", "name": "x", "config": {"accentColor": "red", "showTax": True}},
            [("config.accentColor", "invalid"), ("config.showTax", "unknown_field")],
        ),
        (
            {
                "kind": "invoice",
                "name": "x",
                "config": {"showTax": 1, "taxLabel": "", "footerText": None},
            },
            [
                ("config.showTax", "invalid"),
                ("config.taxLabel", "too_short"),
                ("config.footerText", "invalid"),
            ],
        ),
    ]
    for n, (body, expected) in enumerate(cases):
        response = raw.post(TEMPLATES, json=body, idempotency_key=f"bad-{n}")
        assert problems(response) == expected, body
    assert data_of(raw.get(TEMPLATES)) == []


def test_one_default_per_kind(raw: RawClient, fake: FakePlugipay) -> None:
    a = create(raw, "a", name="A", isDefault=True)
    fake.clock.advance(1)
    b = create(raw, "b", name="B", isDefault=True)
    invoice = create(raw, "i", kind="invoice", name="I", isDefault=True)
    assert defaults_of(raw, "receipt") == ["B"]
    cleared = data_of(raw.get(f"{TEMPLATES}/{a['id']}"))
    assert (cleared["isDefault"], cleared["updatedAt"]) == (False, "2026-05-12T10:42:01.000Z")
    fake.clock.advance(1)
    again = data_of(raw.post(f"{TEMPLATES}/{a['id']}/make-default", idempotency_key="md"))
    assert (again["isDefault"], again["updatedAt"]) == (True, "2026-05-12T10:42:02.000Z")
    assert defaults_of(raw, "receipt") == ["A"]
    assert data_of(raw.get(f"{TEMPLATES}/{invoice['id']}"))["isDefault"] is True
    # making the default the default again changes nothing
    fake.clock.advance(1)
    same = data_of(raw.post(f"{TEMPLATES}/{a['id']}/make-default", idempotency_key="md2"))
    assert same["updatedAt"] == "2026-05-12T10:42:02.000Z"
    # deleting the default leaves the kind without one
    assert raw.delete(f"{TEMPLATES}/{a['id']}").status_code == 204
    assert defaults_of(raw, "receipt") == []
    assert data_of(raw.get(f"{TEMPLATES}/{b['id']}"))["isDefault"] is False


def test_list_is_oldest_first_and_filters_by_kind(raw: RawClient) -> None:
    names = []
    for n, kind in enumerate(["receipt", "invoice", "receipt", "checkout"]):
        names.append(create(raw, f"k{n}", kind=kind, name=f"{kind}-{n}")["name"])
    assert [t["name"] for t in data_of(raw.get(TEMPLATES))] == names
    receipts = [t["name"] for t in data_of(raw.get(f"{TEMPLATES}?kind=receipt"))]
    assert receipts == ["receipt-0", "receipt-2"]
    assert error_of(raw.get(f"{TEMPLATES}?kind=email")) == (400, "VALIDATION_ERROR")


def test_update_renames_and_replaces_the_whole_config(raw: RawClient, fake: FakePlugipay) -> None:
    made = create(raw, "t", config={"showTax": True, "taxRate": 0.1, "footerText": "Bye"})
    fake.clock.advance(10)
    path = f"{TEMPLATES}/{made['id']}"
    renamed = data_of(raw.patch(path, json={"name": "Renamed"}, idempotency_key="u1"))
    assert (renamed["name"], renamed["config"]) == ("Renamed", made["config"])
    assert renamed["updatedAt"] == "2026-05-12T10:42:10.000Z"
    replaced = data_of(raw.patch(path, json={"config": {"taxLabel": "PPN"}}, idempotency_key="u2"))
    assert replaced["config"] == {**RECEIPT_DEFAULTS, "taxLabel": "PPN"}
    refused = raw.patch(path, json={"kind": "invoice", "isDefault": True, "config": {"x": 1}})
    assert problems(refused) == [("kind", "not_patchable"), ("isDefault", "not_patchable")]
    assert data_of(raw.get(path)) == replaced


def test_duplicate_copies_under_a_new_name(raw: RawClient, fake: FakePlugipay) -> None:
    made = create(raw, "t", name="Struk", isDefault=True, config={"footerText": "Sampai jumpa"})
    fake.clock.advance(1)
    copy = raw.post(f"{TEMPLATES}/{made['id']}/duplicate", idempotency_key="d1")
    assert copy.status_code == 201
    duplicate = copy.json()["data"]
    assert duplicate["id"] != made["id"]
    assert {**duplicate, "id": made["id"]} == {
        **made,
        "name": "Struk (copy)",
        "isDefault": False,
        "createdAt": "2026-05-12T10:42:01.000Z",
        "updatedAt": "2026-05-12T10:42:01.000Z",
    }
    long = create(raw, "long", name="n" * 255)
    cut = data_of(raw.post(f"{TEMPLATES}/{long['id']}/duplicate", idempotency_key="d2"))
    assert cut["name"] == "n" * 248 + " (copy)" and len(cut["name"]) == 255
    assert defaults_of(raw, "receipt") == ["Struk"]


def test_missing_templates_and_other_workspaces(raw: RawClient, fake: FakePlugipay) -> None:
    made = create(raw, "t")
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    stranger = RawClient(fake, key_id=key.key_id, secret=key.secret)
    for method, suffix in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/duplicate")]:
        response = stranger.request(method, f"{TEMPLATES}/{made['id']}{suffix}", json={})
        assert error_of(response) == (404, "NOT_FOUND"), method
    assert data_of(stranger.get(TEMPLATES)) == []
    assert raw.delete(f"{TEMPLATES}/{made['id']}").status_code == 204
    assert error_of(raw.get(f"{TEMPLATES}/{made['id']}")) == (404, "NOT_FOUND")
    assert error_of(raw.delete(f"{TEMPLATES}/{made['id']}")) == (404, "NOT_FOUND")


def test_templates_are_kept_per_mode(raw: RawClient, fake: FakePlugipay) -> None:
    person = BearerClient(fake, fake.session_token)
    live = {"X-Plugipay-Mode": "live"}
    made = create(raw, "t", isDefault=True)
    assert data_of(person.get(TEMPLATES, headers=live)) == []
    assert error_of(person.get(f"{TEMPLATES}/{made['id']}", headers=live)) == (404, "NOT_FOUND")
    response = person.post(
        TEMPLATES,
        json={"kind": "receipt", "name": "Live", "config": {}, "isDefault": True},
        idempotency_key="l",
        headers=live,
    )
    assert data_of(response)["mode"] == "live"
    # each mode keeps its own default
    assert defaults_of(raw, "receipt") == ["Receipt"]


def test_preview_renders_escaped_html_and_saves_nothing(raw: RawClient) -> None:
    config = {
        "showTax": True,
        "taxLabel": "PPN",
        "taxRate": 0.11,
        "footerText": "<script>alert(1)</script>",
        "accentColor": "#AA0011",
    }
    response = raw.post(f"{TEMPLATES}/preview", json={"kind": "receipt", "config": config})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "PPN (11%)" in page and "IDR 8,800" in page and "IDR 88,800" in page
    assert "#AA0011" in page and "Test workspace" in page and "Cashier: Ani" in page
    invoice = raw.post(
        f"{TEMPLATES}/preview", json={"kind": "invoice", "config": {"termsText": "Net 30"}}
    )
    assert "INV-000123" in invoice.text and "Net 30" in invoice.text and "PPN" not in invoice.text
    checkout = raw.post(f"{TEMPLATES}/preview", json={"kind": "checkout"})
    assert "Payment received. Thank you!" in checkout.text and "IDR 80,000" in checkout.text
    bad = raw.post(f"{TEMPLATES}/preview", json={"kind": "receipt", "config": {"taxRate": -1}})
    assert problems(bad) == [("config.taxRate", "invalid")]
    assert problems(raw.post(f"{TEMPLATES}/preview", json={"config": {}})) == [("kind", "required")]
    assert error_of(raw.get(f"{TEMPLATES}/preview")) == (405, "METHOD_NOT_ALLOWED")
    assert data_of(raw.get(TEMPLATES)) == []


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.templates`` method (issue 16), for the strict-converter walk in
    ``test_sdk.py``."""
    receipt = plug.templates.create(
        kind="receipt", name="Struk", config={"taxRate": 0.11, "showTax": True}, is_default=True
    )
    assert receipt.is_default and receipt.config == {
        **RECEIPT_DEFAULTS,
        "taxRate": 0.11,
        "showTax": True,
    }
    invoice = plug.templates.create(kind="invoice", name="Faktur", config={"termsText": "Net 30"})
    assert [t.id for t in plug.templates.list()] == [receipt.id, invoice.id]
    assert [t.id for t in plug.templates.list(kind="invoice")] == [invoice.id]
    assert plug.templates.get(receipt.id) == receipt
    renamed = plug.templates.update(receipt.id, name="Struk utama", config={"footerText": "Bye"})
    assert renamed.config == {**RECEIPT_DEFAULTS, "footerText": "Bye"}
    copy = plug.templates.duplicate(receipt.id)
    assert (copy.name, copy.is_default) == ("Struk utama (copy)", False)
    assert plug.templates.make_default(copy.id).is_default is True
    assert plug.templates.get(receipt.id).is_default is False
    page = plug.templates.preview(kind="checkout", config={"successMessage": "Lunas <3"})
    assert page.startswith("<!DOCTYPE html>") and "Lunas &lt;3" in page
    plug.templates.delete(copy.id)
    assert [t.id for t in plug.templates.list(kind="receipt")] == [receipt.id]
