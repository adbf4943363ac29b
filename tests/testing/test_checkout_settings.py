"""Checkout settings in the emulator (SURVEY §1.14, §2 "CheckoutSettings"): defaults, the rules
of a PATCH, the methods the connected adapters make available, and one set per mode."""

from __future__ import annotations

from typing import Any

from plugipay.testing import FakePlugipay

from .emulator_helpers import BearerClient, RawClient, data_of, error_of

SETTINGS = "/api/v1/checkout/settings"
METHODS = ["qris", "va", "ewallet", "card", "retail", "paypal", "bank_transfer"]
SUPPORT = {
    "qris": ["xendit", "midtrans", "managed", "manual"],
    "va": ["xendit", "midtrans", "managed"],
    "ewallet": ["xendit", "midtrans", "managed"],
    "card": ["xendit", "midtrans", "managed"],
    "retail": ["xendit", "midtrans", "managed"],
    "paypal": ["paypal"],
    "bank_transfer": ["manual"],
}
BANK = {"bankName": "BCA", "accountNumber": "1234567890", "accountHolder": "Toko Acme"}


def defaults(fake: FakePlugipay, mode: str = "test") -> dict[str, Any]:
    return {
        "accountId": fake.account_id,
        "mode": mode,
        "enabledMethods": METHODS,
        "methodOrder": METHODS,
        "methodAdapter": {},
        "brandName": None,
        "brandLogoUrl": None,
        "brandAccentColor": None,
        "brandTagline": None,
        "businessPhone": None,
        "businessEmail": None,
        "businessAddress": None,
        "businessTaxId": None,
        "receiptTemplate": None,
        "updatedAt": None,
        "availableMethods": [],
        "methodSupport": SUPPORT,
    }


def connect(raw: RawClient, kind: str, body: dict[str, Any]) -> None:
    response = raw.put(f"/api/v1/adapters/{kind}", json=body, idempotency_key=f"connect-{kind}")
    assert response.status_code == 200, response.text


def problems(response: Any) -> list[tuple[str, str]]:
    assert error_of(response) == (400, "VALIDATION_ERROR")
    return [(d["field"], d["code"]) for d in response.json()["error"]["details"]]


def test_defaults_before_any_change(raw: RawClient, fake: FakePlugipay) -> None:
    assert data_of(raw.get(SETTINGS)) == defaults(fake)


def test_patch_changes_what_it_sends_and_null_clears(raw: RawClient, fake: FakePlugipay) -> None:
    brand = {
        "brandName": "Toko Acme",
        "brandLogoUrl": "/api/v1/files/logo.png",
        "brandAccentColor": "#12ab34",
        "brandTagline": "Kopi dan roti",
        "businessPhone": "+62 21 555-0100",
        "businessEmail": "halo@toko-acme.id",
        "businessAddress": "Jl. Kemang Raya 1, Jakarta",
        "businessTaxId": "01.234.567.8-901.000",
    }
    fake.clock.advance(30)
    changed = data_of(raw.patch(SETTINGS, json=brand, idempotency_key="s1"))
    assert changed == {**defaults(fake), **brand, "updatedAt": "2026-05-12T10:42:30.000Z"}
    assert data_of(raw.get(SETTINGS)) == changed
    cleared = data_of(raw.patch(SETTINGS, json={"brandTagline": None, "enabledMethods": ["qris"]}))
    assert cleared["brandTagline"] is None and cleared["brandName"] == "Toko Acme"
    assert (cleared["enabledMethods"], cleared["methodOrder"]) == (["qris"], METHODS)


def test_receipt_template_is_a_checked_receipt_config(raw: RawClient) -> None:
    made = data_of(
        raw.patch(SETTINGS, json={"receiptTemplate": {"showTax": True, "taxRate": 0.11}})
    )
    assert made["receiptTemplate"] == {
        "thankYouText": "Thank you for your purchase!",
        "footerText": "",
        "showTax": True,
        "taxLabel": "Tax",
        "taxRate": 0.11,
        "cashierLabel": "Cashier",
        "showBusinessDetails": True,
        "accentColor": "#2563EB",
    }
    bad = raw.patch(SETTINGS, json={"receiptTemplate": {"taxRate": 1.5, "termsText": "x"}})
    assert problems(bad) == [
        ("receiptTemplate.taxRate", "invalid"),
        ("receiptTemplate.termsText", "unknown_field"),
    ]
    assert data_of(raw.patch(SETTINGS, json={"receiptTemplate": None}))["receiptTemplate"] is None


def test_patch_rules(raw: RawClient, fake: FakePlugipay) -> None:
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({"brandAccentColor": "#12ab3"}, [("brandAccentColor", "invalid")]),
        ({"brandAccentColor": "12ab34"}, [("brandAccentColor", "invalid")]),
        ({"brandAccentColor": "#12ab3g"}, [("brandAccentColor", "invalid")]),
        ({"enabledMethods": []}, [("enabledMethods", "too_short")]),
        ({"enabledMethods": ["qris", "bitcoin"]}, [("enabledMethods", "invalid")]),
        ({"enabledMethods": ["qris", "qris"]}, [("enabledMethods", "invalid")]),
        ({"enabledMethods": None}, [("enabledMethods", "invalid")]),
        ({"methodOrder": ["va", "va"]}, [("methodOrder", "invalid")]),
        ({"methodAdapter": {"paypal": "xendit"}}, [("methodAdapter", "invalid")]),
        ({"methodAdapter": {"cash": "manual"}}, [("methodAdapter", "invalid")]),
        ({"brandLogoUrl": "javascript:alert(1)"}, [("brandLogoUrl", "invalid")]),
        ({"businessEmail": "not-an-email"}, [("businessEmail", "invalid")]),
        ({"businessPhone": "call me"}, [("businessPhone", "invalid")]),
        ({"brandName": ""}, [("brandName", "too_short")]),
        ({"availableMethods": ["qris"]}, [("availableMethods", "read_only")]),
        ({"accentColor": "#000000"}, [("accentColor", "unknown_field")]),
    ]
    for body, expected in cases:
        assert problems(raw.patch(SETTINGS, json=body)) == expected, body
    assert data_of(raw.get(SETTINGS)) == defaults(fake)  # nothing refused was kept


def test_available_methods_follow_the_connected_adapters(raw: RawClient) -> None:
    connect(raw, "manual", {"bankAccounts": [BANK]})
    assert data_of(raw.get(SETTINGS))["availableMethods"] == ["qris", "bank_transfer"]
    connect(raw, "xendit", {"secretKey": "xnd_development_0123456789"})
    everything_but_paypal = ["qris", "va", "ewallet", "card", "retail", "bank_transfer"]
    assert data_of(raw.get(SETTINGS))["availableMethods"] == everything_but_paypal
    # methodOrder first, then the enabled methods it leaves out, in their own order
    ordered = data_of(raw.patch(SETTINGS, json={"methodOrder": ["bank_transfer", "card"]}))
    assert ordered["availableMethods"] == [
        "bank_transfer",
        "card",
        "qris",
        "va",
        "ewallet",
        "retail",
    ]
    # a method pinned to an adapter that isn't connected is not available
    pinned = data_of(raw.patch(SETTINGS, json={"methodAdapter": {"card": "midtrans"}}))
    assert "card" not in pinned["availableMethods"]
    enabled = data_of(raw.patch(SETTINGS, json={"enabledMethods": ["paypal", "va"]}))
    assert enabled["availableMethods"] == ["va"]


def test_settings_are_kept_per_mode(raw: RawClient, fake: FakePlugipay) -> None:
    person = BearerClient(fake, fake.session_token)
    live = {"X-Plugipay-Mode": "live"}
    raw.patch(SETTINGS, json={"brandName": "Test brand"})
    assert data_of(person.get(SETTINGS, headers=live)) == defaults(fake, "live")
    changed = person.request(
        "PATCH", SETTINGS, json={"brandName": "Live brand"}, idempotency_key="l", headers=live
    )
    assert data_of(changed)["brandName"] == "Live brand"
    assert data_of(raw.get(SETTINGS))["brandName"] == "Test brand"


def test_members_read_settings_but_only_admins_change_them(fake: FakePlugipay) -> None:
    key = fake.add_key(role="member")
    member = RawClient(fake, key_id=key.key_id, secret=key.secret)
    assert data_of(member.get(SETTINGS)) == defaults(fake)
    assert error_of(member.patch(SETTINGS, json={"brandName": "x"})) == (403, "INSUFFICIENT_SCOPE")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.checkout_settings`` method (issue 16), for the strict-converter walk in
    ``test_sdk.py``."""
    first = plug.checkout_settings.get()
    assert (first.enabled_methods, first.available_methods, first.updated_at) == (METHODS, [], None)
    assert first.method_support == SUPPORT
    plug.adapters.configure_manual(bank_accounts=[BANK])
    changed = plug.checkout_settings.update(
        enabled_methods=["qris", "bank_transfer", "card"],
        method_order=["bank_transfer"],
        method_adapter={"qris": "manual"},
        brand_name="Toko Acme",
        brand_logo_url="/api/v1/files/logo.png",
        brand_accent_color="#0F766E",
        brand_tagline="Kopi dan roti",
        business_phone="+62 21 555 0100",
        business_email="halo@toko-acme.id",
        business_address="Jl. Kemang Raya 1, Jakarta",
        business_tax_id="01.234.567.8-901.000",
        receipt_template={"showTax": True, "taxRate": 0.11, "taxLabel": "PPN"},
    )
    assert changed.available_methods == ["bank_transfer", "qris"]
    assert changed.receipt_template is not None and changed.receipt_template["taxLabel"] == "PPN"
    assert (changed.account_id, changed.mode) == (fake.account_id, "test")
    cleared = plug.checkout_settings.update(brand_tagline=None, receipt_template=None)
    assert (cleared.brand_tagline, cleared.receipt_template) == (None, None)
    assert plug.checkout_settings.get() == cleared
