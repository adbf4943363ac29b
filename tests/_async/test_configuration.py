"""A merchant's configuration: adapters, checkout settings, templates, uploads, API keys, billing,
partner usage and the mode header. The exact request every method sends and the model it decodes
(respx), and the arguments refused before any request."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import respx

from plugipay import (
    AdapterConfig,
    ApiKey,
    AsyncPlugipayClient,
    BadRequestError,
    BillingPlan,
    BillingSupport,
    BillingTier,
    CheckoutSettings,
    ManagedOnboardingState,
    ManualBankAccount,
    PartnerUsage,
    PartnerUsageLine,
    PermissionDeniedError,
    PersonOnlyError,
    Template,
    UploadedFile,
)
from plugipay._signing import parse_authorization, sign_request
from plugipay._uploads import MAX_IMAGE_BYTES, multipart_form
from tests._async.helpers import (
    BASE_URL,
    KEY_ID,
    SECRET,
    FakeTime,
    envelope,
    error,
    verify_signature,
)

pytestmark = pytest.mark.anyio

T = "2026-05-12T10:42:00.123Z"
WHEN = datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
XENDIT: dict[str, Any] = {
    "kind": "xendit",
    "mode": "test",
    "status": "active",
    "secretKeyLast4": "9XyZ",
    "publicConfig": None,
    "configuredAt": T,
    "lastErrorAt": None,
    "lastErrorCode": None,
}
MANUAL: dict[str, Any] = {
    "kind": "manual",
    "mode": "test",
    "status": "active",
    "secretKeyLast4": None,
    "publicConfig": {
        "bankAccounts": [
            {"bankName": "BCA", "accountNumber": "1234567890", "accountHolder": "Toko Budi"}
        ],
        "staticQrImageUrl": "/api/v1/files/qr.png",
        "instructions": "Transfer, then send the slip.",
    },
    "configuredAt": T,
    "lastErrorAt": None,
    "lastErrorCode": None,
}
SETTINGS: dict[str, Any] = {
    "accountId": "acc_1",
    "mode": "test",
    "enabledMethods": ["qris", "va"],
    "methodOrder": ["qris", "va"],
    "methodAdapter": {"qris": "xendit", "va": "manual"},
    "brandName": "Toko Budi",
    "brandLogoUrl": "/api/v1/files/logo.png",
    "brandAccentColor": "#1A2B3C",
    "brandTagline": None,
    "businessPhone": "+62 21 555 0100",
    "businessEmail": "budi@example.com",
    "businessAddress": None,
    "businessTaxId": None,
    "receiptTemplate": {"thankYouText": "Terima kasih"},
    "availableMethods": ["qris", "va"],
    "methodSupport": {"qris": ["xendit", "midtrans"], "va": ["xendit", "manual"]},
    "updatedAt": T,
}
TPL = "tpl_01HXAB7K3M9N2P5QRS8TVWXY3Z"
TEMPLATE: dict[str, Any] = {
    "id": TPL,
    "accountId": "acc_1",
    "mode": "test",
    "kind": "receipt",
    "name": "Default receipt",
    "isDefault": True,
    "config": {"thankYouText": "Terima kasih", "showTax": True, "taxRate": 0.11},
    "createdAt": T,
    "updatedAt": T,
}
KEY = "key_01HXAB7K3M9N2P5QRS8TVWXY3Z"
API_KEY: dict[str, Any] = {
    "id": KEY,
    "name": "server",
    "keyPrefix": "pk_live_4f2a",
    "environment": "live",
    "scopes": ["*"],
    "lastUsedAt": None,
    "createdAt": T,
}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))
WEBP = b"RIFF\x44\x00\x00\x00WEBPVP8 " + bytes(range(64))
UPLOADED = {"url": "/api/v1/files/f_1.png", "fileName": "f_1.png", "fileSize": len(PNG)}


def only_request(server: respx.MockRouter) -> httpx.Request:
    assert server.calls.call_count == 1
    request: httpx.Request = server.calls.last.request
    assert verify_signature(request)
    return request


def assert_write(
    request: httpx.Request, method: str, raw_path: bytes, body: bytes, key: str | None = None
) -> None:
    assert request.method == method
    assert request.url.raw_path == raw_path
    assert request.content == body
    if key is None:
        assert re.fullmatch(r"idem_[0-9a-f-]{36}", request.headers["idempotency-key"])
    else:
        assert request.headers["idempotency-key"] == key
    if body:
        assert request.headers["content-type"] == "application/json"
    else:
        assert "content-type" not in request.headers


def assert_read(request: httpx.Request, raw_path: bytes) -> None:
    assert request.method == "GET"
    assert request.url.raw_path == raw_path
    assert request.content == b""
    assert "idempotency-key" not in request.headers


# -- adapters ------------------------------------------------------------------------------------


async def test_adapters_list_reads_the_object_keyed_by_kind(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/adapters").mock(return_value=envelope({"xendit": XENDIT, "manual": MANUAL}))
    adapters = await plug.adapters.list()
    assert_read(only_request(server), b"/api/v1/adapters")
    assert [type(a) for a in adapters] == [AdapterConfig, AdapterConfig]
    assert [(a.kind, a.status) for a in adapters] == [("xendit", "active"), ("manual", "active")]
    assert adapters[0].secret_key_last4 == "9XyZ"
    assert adapters[0].configured_at == WHEN
    assert adapters[1].public_config == MANUAL["publicConfig"]
    assert repr(adapters[0]) == "AdapterConfig(kind='xendit', status='active', mode='test')"


async def test_adapters_list_also_reads_an_array_and_null(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.get("/api/v1/adapters")
    route.mock(return_value=envelope([XENDIT]))
    assert [a.kind for a in await plug.adapters.list()] == ["xendit"]
    route.mock(return_value=envelope(None))
    assert await plug.adapters.list() == []


async def test_configure_xendit(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.put("/api/v1/adapters/xendit").mock(return_value=envelope(XENDIT))
    adapter = await plug.adapters.configure_xendit(
        secret_key="xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk+R1l9Wbe+rSiCwZ3jw==9XyZ",
        callback_token="cbt_Zm9vYmFy",
    )
    assert_write(
        only_request(server),
        "PUT",
        b"/api/v1/adapters/xendit",
        b'{"secretKey":"xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk+R1l9Wbe+rSiCwZ3jw==9XyZ",'
        b'"callbackToken":"cbt_Zm9vYmFy"}',
    )
    assert isinstance(adapter, AdapterConfig)
    assert (adapter.kind, adapter.secret_key_last4) == ("xendit", "9XyZ")


async def test_configure_paypal_with_a_callers_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    paypal = {**XENDIT, "kind": "paypal", "secretKeyLast4": "ret1",
              "publicConfig": {"clientId": "AbC-1", "mode": "sandbox"}}  # fmt: skip
    server.put("/api/v1/adapters/paypal").mock(return_value=envelope(paypal))
    adapter = await plug.adapters.configure_paypal(
        client_id="AbC-1", secret="EH-s3cret1", mode="sandbox", idempotency_key="paypal-setup-1"
    )
    assert_write(
        only_request(server),
        "PUT",
        b"/api/v1/adapters/paypal",
        b'{"clientId":"AbC-1","secret":"EH-s3cret1","mode":"sandbox"}',
        key="paypal-setup-1",
    )
    assert adapter.public_config == {"clientId": "AbC-1", "mode": "sandbox"}


async def test_configure_midtrans(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.put("/api/v1/adapters/midtrans").mock(
        return_value=envelope({**XENDIT, "kind": "midtrans"})
    )
    adapter = await plug.adapters.configure_midtrans(
        server_key="SB-Mid-server-abc123",
        client_key="SB-Mid-client-def456",
        merchant_id="G123456789",
        env="sandbox",
    )
    assert_write(
        only_request(server),
        "PUT",
        b"/api/v1/adapters/midtrans",
        b'{"serverKey":"SB-Mid-server-abc123","clientKey":"SB-Mid-client-def456",'
        b'"merchantId":"G123456789","env":"sandbox"}',
    )
    assert adapter.kind == "midtrans"


async def test_configure_manual_takes_dicts_and_models_alike(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.put("/api/v1/adapters/manual").mock(return_value=envelope(MANUAL))
    adapter = await plug.adapters.configure_manual(
        bank_accounts=[
            {"bank_name": "BCA", "account_number": "1234567890", "account_holder": "Toko Budi"},
            ManualBankAccount(bank_name="Mandiri", account_number="0987", account_holder="Budi"),
            {"bankName": "BNI", "accountNumber": "55", "accountHolder": "Budi S"},
        ],
        static_qr_image_url="/api/v1/files/qr.png",
        instructions="Transfer, then send the slip.",
    )
    assert_write(
        only_request(server),
        "PUT",
        b"/api/v1/adapters/manual",
        b'{"bankAccounts":[{"bankName":"BCA","accountNumber":"1234567890",'
        b'"accountHolder":"Toko Budi"},{"bankName":"Mandiri","accountNumber":"0987",'
        b'"accountHolder":"Budi"},{"bankName":"BNI","accountNumber":"55","accountHolder":"Budi S"}],'
        b'"staticQrImageUrl":"/api/v1/files/qr.png","instructions":"Transfer, then send the slip."}',
    )
    assert adapter.kind == "manual"


async def test_configure_manual_with_nothing_sends_no_body(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.put("/api/v1/adapters/manual").mock(return_value=envelope(MANUAL))
    await plug.adapters.configure_manual(idempotency_key="manual-1")
    assert_write(only_request(server), "PUT", b"/api/v1/adapters/manual", b"", key="manual-1")


async def test_a_retried_configure_resends_the_same_bytes_and_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: FakeTime
) -> None:
    server.put("/api/v1/adapters/xendit").mock(
        side_effect=[error(503, "SERVICE_UNAVAILABLE"), envelope(XENDIT)]
    )
    await plug.adapters.configure_xendit(secret_key="xnd_development_abc")
    first, second = (call.request for call in server.calls)
    assert first.content == second.content == b'{"secretKey":"xnd_development_abc"}'
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert verify_signature(first) and verify_signature(second)
    assert len(fake_time.sleeps) == 1


async def test_managed_onboarding_reads_the_state_or_none(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    state = {
        "subAccountId": "acc_sub_1",
        "email": "budi@example.com",
        "onboardingUrl": "https://dashboard.xendit.co/onboard/abc",
        "kybStatus": "invited",
        "capabilitiesStatus": "pending",
        "payoutsReady": False,
        "lastWebhookAt": None,
        "createdAt": T,
        "updatedAt": T,
    }
    route = server.get("/api/v1/adapters/managed/onboarding")
    route.mock(return_value=envelope(state))
    found = await plug.adapters.managed_onboarding()
    assert_read(only_request(server), b"/api/v1/adapters/managed/onboarding")
    assert isinstance(found, ManagedOnboardingState)
    assert (found.sub_account_id, found.kyb_status, found.payouts_ready) == (
        "acc_sub_1",
        "invited",
        False,
    )
    assert found.created_at == WHEN
    route.mock(return_value=envelope(None))
    assert await plug.adapters.managed_onboarding() is None


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (lambda p: p.adapters.configure_xendit(secret_key=""), ValueError, "secret_key must not"),
        (
            lambda p: p.adapters.configure_xendit(secret_key="xnd_abc\n"),
            ValueError,
            "secret_key starts or ends with a space or a line break",
        ),
        (lambda p: p.adapters.configure_xendit(secret_key=None), ValueError, "secret_key is req"),
        (lambda p: p.adapters.configure_xendit(secret_key=b"x"), TypeError, "secret_key must be"),
        (
            lambda p: p.adapters.configure_xendit(secret_key="x" * 1025),
            ValueError,
            "at most 1024 characters, got 1025",
        ),
        (
            lambda p: p.adapters.configure_paypal(client_id="a", secret="b", mode="production"),
            ValueError,
            "mode must be one of 'live', 'sandbox'",
        ),
        (
            lambda p: p.adapters.configure_midtrans(
                server_key="s", client_key="c", merchant_id="m", env="live"
            ),
            ValueError,
            "env must be one of 'production', 'sandbox'",
        ),
        (
            lambda p: p.adapters.configure_manual(
                bank_accounts=[{"bank_name": "BCA", "account_number": "1"}]
            ),
            ValueError,
            r"bank_accounts\[0\].account_holder is required",
        ),
        (
            lambda p: p.adapters.configure_manual(bank_accounts=[{"iban": "x"}]),
            ValueError,
            "bank_accounts items take bank_name, account_number and account_holder",
        ),
        (
            lambda p: p.adapters.configure_manual(static_qr_image_url="javascript:alert(1)"),
            ValueError,
            "static_qr_image_url must be an http",
        ),
        (
            lambda p: p.adapters.configure_manual(static_qr_image_url="//evil.example/qr.png"),
            ValueError,
            "static_qr_image_url must be an http",
        ),
        (
            lambda p: p.adapters.configure_manual(instructions="x" * 2001),
            ValueError,
            "instructions must be at most 2000 characters",
        ),
    ],
)
async def test_adapter_arguments_are_checked_before_sending(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    call: Callable[[Any], Any],
    kind: type[Exception],
    message: str,
) -> None:
    with pytest.raises(kind, match=message):
        await call(plug)
    assert server.calls.call_count == 0


# -- checkout settings ---------------------------------------------------------------------------


async def test_checkout_settings_get(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/checkout/settings").mock(return_value=envelope(SETTINGS))
    settings = await plug.checkout_settings.get()
    assert_read(only_request(server), b"/api/v1/checkout/settings")
    assert isinstance(settings, CheckoutSettings)
    assert settings.method_adapter == {"qris": "xendit", "va": "manual"}
    assert settings.method_support == {"qris": ["xendit", "midtrans"], "va": ["xendit", "manual"]}
    assert settings.brand_accent_color == "#1A2B3C"
    assert settings.receipt_template == {"thankYouText": "Terima kasih"}
    assert settings.updated_at == WHEN
    assert (await plug.checkout_settings.retrieve()).brand_name == "Toko Budi"


async def test_checkout_settings_update_sends_only_given_fields(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.patch("/api/v1/checkout/settings").mock(return_value=envelope(SETTINGS))
    settings = await plug.checkout_settings.update(
        enabled_methods=("qris", "va"),
        method_order=["va", "qris"],
        method_adapter={"qris": "xendit", "va": "manual"},
        brand_name="Toko Budi",
        brand_logo_url="https://cdn.example/logo.png",
        brand_accent_color="#1a2b3c",
        brand_tagline=None,
        business_phone="+62 21 555 0100",
        business_email="budi@example.com",
        business_address="Jl. Sudirman 1",
        business_tax_id="01.234.567.8-901.000",
        receipt_template={"thankYouText": "Terima kasih", "showTax": True},
    )
    assert_write(
        only_request(server),
        "PATCH",
        b"/api/v1/checkout/settings",
        b'{"enabledMethods":["qris","va"],"methodOrder":["va","qris"],'
        b'"methodAdapter":{"qris":"xendit","va":"manual"},"brandName":"Toko Budi",'
        b'"brandLogoUrl":"https://cdn.example/logo.png","brandAccentColor":"#1a2b3c",'
        b'"brandTagline":null,"businessPhone":"+62 21 555 0100",'
        b'"businessEmail":"budi@example.com","businessAddress":"Jl. Sudirman 1",'
        b'"businessTaxId":"01.234.567.8-901.000",'
        b'"receiptTemplate":{"thankYouText":"Terima kasih","showTax":true}}',
    )
    assert settings.brand_name == "Toko Budi"


async def test_checkout_settings_update_of_one_field(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.patch("/api/v1/checkout/settings").mock(return_value=envelope(SETTINGS))
    await plug.checkout_settings.update(brand_accent_color="#00FF7f", idempotency_key="brand-1")
    assert_write(
        only_request(server),
        "PATCH",
        b"/api/v1/checkout/settings",
        b'{"brandAccentColor":"#00FF7f"}',
        key="brand-1",
    )


@pytest.mark.parametrize(
    ("kwargs", "kind", "message"),
    [
        ({"brand_accent_color": "#12345"}, ValueError, r"brand_accent_color must be a colour"),
        ({"brand_accent_color": "#1234567"}, ValueError, r"#RRGGBB\), got '#1234567'"),
        ({"brand_accent_color": "red"}, ValueError, "brand_accent_color must be a colour"),
        ({"brand_accent_color": "#GGGGGG"}, ValueError, "brand_accent_color must be a colour"),
        ({"brand_accent_color": "1A2B3C"}, ValueError, "brand_accent_color must be a colour"),
        ({"brand_accent_color": "#1A2B3C\n"}, ValueError, "brand_accent_color must be a colour"),
        ({"brand_accent_color": 0x1A2B3C}, TypeError, "brand_accent_color must be a str"),
        ({"enabled_methods": None}, ValueError, "enabled_methods can't be cleared"),
        ({"enabled_methods": "qris"}, TypeError, "enabled_methods must be a list of str"),
        ({"method_adapter": {"qris": 1}}, TypeError, "method_adapter must map str to str"),
        ({"method_adapter": [("qris", "x")]}, TypeError, "method_adapter must be a dict"),
        ({"brand_logo_url": "data:image/png;base64,AAAA"}, ValueError, "brand_logo_url must be"),
        ({"business_email": ""}, ValueError, "business_email must not be empty"),
        ({"receipt_template": "plain"}, TypeError, "receipt_template must be a dict"),
        (
            {"receipt_template": {"accentColor": "blue"}},
            ValueError,
            r"receipt_template\['accentColor'\] must be a colour",
        ),
        ({"brand_colour": "#000000"}, TypeError, "unexpected keyword argument"),
    ],
)
async def test_checkout_settings_are_checked_before_sending(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    kwargs: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    with pytest.raises(kind, match=message):
        await plug.checkout_settings.update(**kwargs)
    assert server.calls.call_count == 0


# -- templates -----------------------------------------------------------------------------------


async def test_templates_list_all_and_of_a_kind(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.get("/api/v1/templates")
    route.mock(return_value=envelope([TEMPLATE]))
    everything = await plug.templates.list()
    receipts = await plug.templates.list(kind="receipt")
    first, second = (call.request for call in route.calls)
    assert_read(first, b"/api/v1/templates")
    assert_read(second, b"/api/v1/templates?kind=receipt")
    assert verify_signature(first) and verify_signature(second)
    assert [t.id for t in everything] == [t.id for t in receipts] == [TPL]
    assert isinstance(receipts[0], Template)
    assert receipts[0].config == {"thankYouText": "Terima kasih", "showTax": True, "taxRate": 0.11}
    assert receipts[0].is_default is True
    assert repr(receipts[0]) == (
        f"Template(id='{TPL}', kind='receipt', name='Default receipt', is_default=True)"
    )


async def test_templates_create(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.post("/api/v1/templates").mock(return_value=envelope(TEMPLATE, 201))
    template = await plug.templates.create(
        kind="receipt",
        name="Default receipt",
        config={"thankYouText": "Terima kasih", "showTax": True, "taxRate": 0.11},
        is_default=True,
    )
    assert_write(
        only_request(server),
        "POST",
        b"/api/v1/templates",
        b'{"kind":"receipt","name":"Default receipt",'
        b'"config":{"thankYouText":"Terima kasih","showTax":true,"taxRate":0.11},"isDefault":true}',
    )
    assert template.created_at == WHEN


async def test_templates_get_update_delete_duplicate_make_default(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    copy = {**TEMPLATE, "id": "tpl_2", "name": "Default receipt (copy)", "isDefault": False}
    server.get(f"/api/v1/templates/{TPL}").mock(return_value=envelope(TEMPLATE))
    server.patch(f"/api/v1/templates/{TPL}").mock(return_value=envelope(TEMPLATE))
    server.delete(f"/api/v1/templates/{TPL}").mock(return_value=httpx.Response(204))
    server.post(f"/api/v1/templates/{TPL}/duplicate").mock(return_value=envelope(copy, 201))
    server.post("/api/v1/templates/tpl_2/make-default").mock(
        return_value=envelope({**copy, "isDefault": True})
    )
    assert (await plug.templates.get(TPL)).name == "Default receipt"
    assert (await plug.templates.retrieve(TPL)).id == TPL
    await plug.templates.update(TPL, name="Shop receipt")
    await plug.templates.update(TPL, config={"footerText": "See you"}, idempotency_key="tpl-cfg")
    assert await plug.templates.delete(TPL) is None
    duplicated = await plug.templates.duplicate(TPL)
    made = await plug.templates.make_default("tpl_2", idempotency_key="default-2")
    requests = [call.request for call in server.calls]
    assert all(verify_signature(r) for r in requests)
    get, retrieve, rename, reconfigure, delete, duplicate, make_default = requests
    assert_read(get, f"/api/v1/templates/{TPL}".encode())
    assert_read(retrieve, f"/api/v1/templates/{TPL}".encode())
    path = f"/api/v1/templates/{TPL}".encode()
    assert_write(rename, "PATCH", path, b'{"name":"Shop receipt"}')
    assert_write(reconfigure, "PATCH", path, b'{"config":{"footerText":"See you"}}', key="tpl-cfg")
    assert_write(delete, "DELETE", path, b"")
    assert_write(duplicate, "POST", path + b"/duplicate", b"")
    assert_write(
        make_default, "POST", b"/api/v1/templates/tpl_2/make-default", b"", key="default-2"
    )
    assert (duplicated.name, duplicated.is_default) == ("Default receipt (copy)", False)
    assert made.is_default is True


async def test_templates_preview_returns_the_html_page(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    page = "<!doctype html><p>Terima kasih — sampai jumpa</p>"
    server.post("/api/v1/templates/preview").mock(
        return_value=httpx.Response(
            200,
            content=page.encode("utf-8"),
            headers={"content-type": "text/html; charset=utf-8"},
        )
    )
    html = await plug.templates.preview(kind="receipt", config={"thankYouText": "Terima kasih"})
    request = only_request(server)
    assert request.method == "POST"
    assert request.url.raw_path == b"/api/v1/templates/preview"
    assert request.content == b'{"kind":"receipt","config":{"thankYouText":"Terima kasih"}}'
    assert request.headers["accept"] == "text/html, application/json"
    assert request.headers["idempotency-key"].startswith("idem_")
    assert html == page


async def test_templates_preview_error_is_raised(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/templates/preview").mock(
        return_value=error(400, "VALIDATION_ERROR", "config.taxRate must be between 0 and 1")
    )
    with pytest.raises(BadRequestError, match="taxRate must be between 0 and 1"):
        await plug.templates.preview(kind="invoice", config={"taxRate": 2})


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (lambda p: p.templates.list(kind="email"), ValueError, "kind must be one of"),
        (
            lambda p: p.templates.create(kind="email", name="x", config={}),
            ValueError,
            "kind must be one of 'checkout', 'invoice', 'receipt'",
        ),
        (lambda p: p.templates.create(kind="receipt", name="", config={}), ValueError, "name must"),
        (
            lambda p: p.templates.create(kind="receipt", name="x", config=None),
            ValueError,
            "config is required",
        ),
        (
            lambda p: p.templates.create(kind="receipt", name="x", config=[("a", 1)]),
            TypeError,
            "config must be a dict",
        ),
        (
            lambda p: p.templates.create(kind="receipt", name="x", config={1: "a"}),
            TypeError,
            "config keys must be str",
        ),
        (
            lambda p: p.templates.create(kind="receipt", name="x", config={"accentColor": "#abc"}),
            ValueError,
            "must be a colour",
        ),
        (
            lambda p: p.templates.create(kind="receipt", name="x", config={}, is_default="yes"),
            TypeError,
            "is_default must be a bool",
        ),
        (
            lambda p: p.templates.create(
                kind="receipt", name="x", config={"taxRate": float("nan")}
            ),
            ValueError,
            "nan cannot be sent",
        ),
        (lambda p: p.templates.update(TPL, config=None), ValueError, "config can't be cleared"),
        (lambda p: p.templates.update(TPL, kind="invoice"), TypeError, "unexpected keyword"),
        (lambda p: p.templates.get("../api-keys"), ValueError, None),
        (lambda p: p.templates.delete(""), ValueError, "non-empty id"),
        (lambda p: p.templates.preview(kind="sms", config={}), ValueError, "kind must be one of"),
    ],
)
async def test_template_arguments_are_checked_before_sending(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    call: Callable[[Any], Any],
    kind: type[Exception],
    message: str | None,
) -> None:
    if message is None:
        # A path-like id is no error: it goes out as one encoded segment of its own route.
        server.get("/api/v1/templates/..%2Fapi-keys").mock(return_value=error(404, "NOT_FOUND"))
        with pytest.raises(Exception, match="nope"):
            await call(plug)
        assert server.calls.last.request.url.raw_path == b"/api/v1/templates/..%2Fapi-keys"
        return
    with pytest.raises(kind, match=message):
        await call(plug)
    assert server.calls.call_count == 0


# -- uploads -------------------------------------------------------------------------------------


def upload_boundary(request: httpx.Request) -> str:
    content_type = request.headers["content-type"]
    match = re.fullmatch(r"multipart/form-data; boundary=(plugipay-[0-9a-f]{32})", content_type)
    assert match, content_type
    return match.group(1)


def verify_upload_signature(request: httpx.Request) -> bool:
    """The signature Plugipay checks for a multipart upload: over the empty body."""
    auth = parse_authorization(request.headers.get("authorization"))
    if auth is None:
        return False
    expected = sign_request(
        SECRET,
        request.method,
        request.url.raw_path.decode("ascii"),
        request.headers["x-plugipay-timestamp"],
        b"",
        request.headers["idempotency-key"],
    )
    return auth.key_id == KEY_ID and auth.signature == expected


async def test_upload_bytes_goes_out_as_multipart_signed_over_the_empty_body(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/uploads/image").mock(return_value=envelope(UPLOADED, 201))
    uploaded = await plug.uploads.image(PNG)
    assert server.calls.call_count == 1
    request: httpx.Request = server.calls.last.request
    assert request.method == "POST"
    assert request.url.raw_path == b"/api/v1/uploads/image"
    boundary = upload_boundary(request)
    assert request.content == multipart_form(
        PNG, filename="image.png", media_type="image/png", boundary=boundary
    )
    assert request.content.startswith(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="image.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
    )
    assert request.headers["content-length"] == str(len(request.content))
    assert re.fullmatch(r"idem_[0-9a-f-]{36}", request.headers["idempotency-key"])
    assert verify_upload_signature(request)
    assert not verify_signature(request)  # not signed over the multipart bytes
    assert isinstance(uploaded, UploadedFile)
    assert (uploaded.url, uploaded.file_name, uploaded.file_size) == (
        "/api/v1/files/f_1.png",
        "f_1.png",
        len(PNG),
    )


async def test_upload_a_path_and_a_file_object_with_their_names(
    server: respx.MockRouter, plug: AsyncPlugipayClient, tmp_path: Path
) -> None:
    server.post("/api/v1/uploads/image").mock(return_value=envelope(UPLOADED, 201))
    logo = tmp_path / "brand logo.jpg"
    logo.write_bytes(JPEG)
    await plug.uploads.image(logo)
    await plug.uploads.image(str(logo), idempotency_key="logo-1")
    with open_file(tmp_path / "brand logo.jpg") as opened:
        await plug.uploads.image(opened, filename='qr "code".webp')
    memory = io.BytesIO(b"ignored-prefix" + WEBP)
    memory.seek(len(b"ignored-prefix"))  # read from where it stands
    await plug.uploads.image(memory)
    sent = [call.request for call in server.calls]
    assert all(verify_upload_signature(r) for r in sent)
    expected = [
        (JPEG, "brand_logo.jpg", "image/jpeg"),
        (JPEG, "brand_logo.jpg", "image/jpeg"),
        (JPEG, "qr_code_.webp", "image/jpeg"),
        (WEBP, "image.webp", "image/webp"),
    ]
    for request, (data, name, media_type) in zip(sent, expected, strict=True):
        assert request.content == multipart_form(
            data, filename=name, media_type=media_type, boundary=upload_boundary(request)
        )
    assert sent[1].headers["idempotency-key"] == "logo-1"
    # Every call has its own boundary and key.
    assert len({upload_boundary(r) for r in sent}) == 4
    assert len({r.headers["idempotency-key"] for r in sent}) == 4


def open_file(path: Path, mode: str = "rb", encoding: str | None = None) -> IO[Any]:
    """A real file object, as a caller would pass one (opened outside the async test)."""
    return open(path, mode, encoding=encoding)


class ReadOnce(io.RawIOBase):
    """A binary stream that can be read through once: a second pass would find nothing."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        data, self._data = (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
        return data


async def test_a_retried_upload_resends_identical_bytes_and_reads_the_file_once(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    source = ReadOnce(PNG)
    answers = [
        error(503, "SERVICE_UNAVAILABLE"),
        httpx.Response(502, content=b"<html>bad gateway</html>"),
        envelope(UPLOADED, 201),
    ]
    reads_when_sent: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        reads_when_sent.append(source.reads)
        return answers[len(reads_when_sent) - 1]

    server.post("/api/v1/uploads/image").mock(side_effect=answer)
    uploaded = await plug.uploads.image(source, filename="logo.png")
    assert uploaded.url == "/api/v1/files/f_1.png"
    sent = [call.request for call in server.calls]
    assert len(sent) == 3
    assert sent[0].content == sent[1].content == sent[2].content
    assert sent[0].content == multipart_form(
        PNG, filename="logo.png", media_type="image/png", boundary=upload_boundary(sent[0])
    )
    assert len({r.headers["idempotency-key"] for r in sent}) == 1
    assert len({r.headers["content-type"] for r in sent}) == 1
    assert all(verify_upload_signature(r) for r in sent)
    # Read to its end (the data, then b"") before the first attempt; the retries read nothing.
    assert reads_when_sent == [2, 2, 2]
    assert source.reads == 2


def _png_of(size: int) -> bytes:
    return PNG + b"\x00" * (size - len(PNG))


async def test_an_image_of_exactly_five_mebibytes_is_sent(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/uploads/image").mock(return_value=envelope(UPLOADED, 201))
    await plug.uploads.image(_png_of(MAX_IMAGE_BYTES))
    assert server.calls.call_count == 1


@pytest.mark.parametrize("form", ["bytes", "path", "file"])
async def test_hostile_uploads_are_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient, tmp_path: Path, form: str
) -> None:
    route = server.post("/api/v1/uploads/image").mock(return_value=envelope(UPLOADED, 201))
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
    cases = [
        (
            "big.png",
            _png_of(MAX_IMAGE_BYTES + 1),
            r"larger than the 5 MiB limit \(5,242,880 bytes\)",
        ),
        (
            "report.png",
            pdf,
            r"not a PNG, JPEG or WebP image \(its first bytes say: a PDF document\)",
        ),
        ("empty.png", b"", "is empty: upload a PNG, JPEG or WebP image"),
        ("anim.png", b"GIF89a" + bytes(32), "a GIF image"),
    ]
    for name, data, message in cases:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ValueError, match=message) as err:
            if form == "bytes":
                await plug.uploads.image(data)
            elif form == "path":
                await plug.uploads.image(path)
            else:
                with open_file(path) as opened:
                    await plug.uploads.image(opened)
        if form != "bytes":
            assert f"file {name!r}" in str(err.value)
    assert route.call_count == 0
    assert server.calls.call_count == 0


async def test_uploads_refuse_what_is_not_a_binary_file(
    server: respx.MockRouter, plug: AsyncPlugipayClient, tmp_path: Path
) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(PNG)
    with open_file(path, "r", "latin-1") as text, pytest.raises(TypeError, match="binary mode"):
        await plug.uploads.image(text)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary mode"):
        await plug.uploads.image(io.StringIO("not bytes"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a path, bytes, or a binary file object, not int"):
        await plug.uploads.image(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="filename must be a str"):
        await plug.uploads.image(PNG, filename=b"x.png")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        await plug.uploads.image(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="idempotency_key must not contain CR, LF"):
        await plug.uploads.image(PNG, idempotency_key="k\r\nX: 1")
    assert server.calls.call_count == 0


class _NonBlocking(io.RawIOBase):
    """A non-blocking stream: the first bytes of an image, then "no data yet" (``None``)."""

    def __init__(self, parts: list[bytes | None]) -> None:
        self.parts = parts

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes | None:
        return self.parts.pop(0) if self.parts else b""


async def test_a_non_blocking_stream_is_refused_not_sent_in_part(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    # Its first 20 bytes pass the type check; taking None for the end would send 20 of 69.
    stream = _NonBlocking([PNG[:20], None, PNG[20:]])
    with pytest.raises(TypeError, match=r"file.read\(\) gave None \(a non-blocking stream"):
        await plug.uploads.image(stream)  # type: ignore[arg-type]
    assert server.calls.call_count == 0


async def test_a_file_object_read_past_its_start_says_where_it_was_read_from(
    server: respx.MockRouter, plug: AsyncPlugipayClient, tmp_path: Path
) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(PNG)
    with open_file(path) as opened:
        opened.read()
        with pytest.raises(ValueError) as at_end:
            await plug.uploads.image(opened)
        opened.seek(8)
        with pytest.raises(ValueError) as part_way:
            await plug.uploads.image(opened)
    assert str(at_end.value) == (
        f"file 'logo.png' (read from offset {len(PNG)}; seek(0) to send it whole) is empty: "
        "upload a PNG, JPEG or WebP image"
    )
    assert str(part_way.value).startswith(
        "file 'logo.png' (read from offset 8; seek(0) to send it whole) is not a PNG"
    )
    assert server.calls.call_count == 0


# -- API keys ------------------------------------------------------------------------------------


async def test_api_keys_list_create_delete(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    made = {**API_KEY, "key": "pk_live_4f2a9c1e0b7d6a5f4e3d2c1b"}
    server.get("/api/v1/api-keys").mock(return_value=envelope([API_KEY]))
    server.post("/api/v1/api-keys").mock(return_value=envelope(made, 201))
    server.delete(f"/api/v1/api-keys/{KEY}").mock(return_value=httpx.Response(204))
    keys = await plug.api_keys.list()
    created = await plug.api_keys.create(name="server", environment="live", scopes=("*",))
    assert await plug.api_keys.delete(KEY, idempotency_key="revoke-1") is None
    listed, create, delete = (call.request for call in server.calls)
    assert all(verify_signature(r) for r in (listed, create, delete))
    assert_read(listed, b"/api/v1/api-keys")
    assert_write(
        create,
        "POST",
        b"/api/v1/api-keys",
        b'{"name":"server","environment":"live","scopes":["*"]}',
    )
    assert_write(delete, "DELETE", f"/api/v1/api-keys/{KEY}".encode(), b"", key="revoke-1")
    assert isinstance(keys[0], ApiKey) and keys[0].key is None
    assert keys[0].key_prefix == "pk_live_4f2a"
    assert created.key == "pk_live_4f2a9c1e0b7d6a5f4e3d2c1b"
    assert created.last_used_at is None and created.created_at == WHEN
    # Shown once: the model holds it, its repr never does.
    assert "4f2a9c1e0b7d" not in repr(created)
    assert repr(created) == (
        f"ApiKey(id='{KEY}', name='server', key_prefix='pk_live_4f2a', environment='live')"
    )


async def test_a_key_calling_a_person_only_route_gets_person_only_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/api-keys").mock(
        return_value=error(403, "PERSON_ONLY", "API keys are managed by a signed-in person")
    )
    with pytest.raises(PersonOnlyError) as info:
        await plug.api_keys.create(name="ci")
    err = info.value
    assert isinstance(err, PermissionDeniedError)
    assert (err.status, err.code, err.request_id) == (403, "person_only", "req_e")
    assert err.message.startswith(
        "only a person signed in to the Plugipay dashboard (a browser session) can do this"
    )
    assert "HMAC-signed" in err.message
    assert err.message.endswith("(the server said: API keys are managed by a signed-in person)")
    assert str(err).startswith("person_only: only a person signed in to the Plugipay dashboard")
    assert server.calls.call_count == 1  # a 403 is never retried


async def test_api_key_arguments_are_checked_before_sending(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="name is required"):
        await plug.api_keys.create(name=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="environment must be one of 'live', 'test'"):
        await plug.api_keys.create(name="x", environment="prod")
    with pytest.raises(TypeError, match="scopes must be a list of str"):
        await plug.api_keys.create(name="x", scopes="*")
    with pytest.raises(ValueError, match="non-empty id"):
        await plug.api_keys.delete("..")
    assert server.calls.call_count == 0


# -- billing and partner usage -------------------------------------------------------------------


async def test_billing_tiers_and_plans(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    tier = {
        "id": "growth",
        "name": "Growth",
        "priceMonthlyIdr": 499000,
        "priceMonthlyUsdCents": 3200,
        "channelFeeRate": 0.007,
        "monthlyTxnCap": None,
        "maxWebhookEndpoints": 10,
        "maxApiKeys": 20,
        "customBranding": True,
        "dailyPayouts": True,
        "support": {"tier": "priority", "responseHours": 4, "sla": False},
        "tagline": "For shops that sell every day",
        "agentCredits": 500,
        "features": ["Custom branding", "Daily payouts"],
    }
    server.get("/api/v1/billing/tiers").mock(return_value=envelope([tier]))
    server.get("/api/v1/billing/plans").mock(
        return_value=envelope(
            [
                {"id": "starter", "name": "Starter", "price": 0},
                {"id": "ent", "name": "Enterprise", "price": -1},
            ]
        )
    )
    tiers = await plug.billing.tiers()
    plans = await plug.billing.plans()
    first, second = (call.request for call in server.calls)
    assert_read(first, b"/api/v1/billing/tiers")
    assert_read(second, b"/api/v1/billing/plans")
    assert isinstance(tiers[0], BillingTier)
    assert (tiers[0].price_monthly_idr, tiers[0].channel_fee_rate, tiers[0].monthly_txn_cap) == (
        499000,
        0.007,
        None,
    )
    assert isinstance(tiers[0].support, BillingSupport)
    assert (tiers[0].support.tier, tiers[0].support.response_hours) == ("priority", 4)
    assert [type(p) for p in plans] == [BillingPlan, BillingPlan]
    assert [(p.id, p.price) for p in plans] == [("starter", 0), ("ent", -1)]


async def test_admin_partner_usage(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    usage = {
        "partner": "storlaunch",
        "from": "2026-05-01",
        "to": "2026-05-31",
        "currency": "IDR",
        "lines": [
            {
                "accountId": "acc_m1",
                "brandName": "Toko Budi",
                "transactionCount": 3,
                "grossVolume": 450000,
                "discountRate": 0.1,
                "fee": 4050,
            }
        ],
        "total": 4050,
    }
    route = server.get("/api/v1/admin/partner/usage").mock(return_value=envelope(usage))
    found = await plug.admin.partner_usage(
        partner="storlaunch", from_=date(2026, 5, 1), to=date(2026, 5, 31)
    )
    await plug.admin.partner_usage(
        partner="store launch", from_=datetime(2026, 5, 1, 7, 0), to="2026-05-31T23:59:59+07:00"
    )
    first, second = (call.request for call in route.calls)
    assert verify_signature(first) and verify_signature(second)
    assert_read(
        first, b"/api/v1/admin/partner/usage?partner=storlaunch&from=2026-05-01&to=2026-05-31"
    )
    assert_read(
        second,
        b"/api/v1/admin/partner/usage?partner=store%20launch&from=2026-05-01T07%3A00%3A00.000Z"
        b"&to=2026-05-31T23%3A59%3A59%2B07%3A00",
    )
    assert isinstance(found, PartnerUsage)
    assert (found.partner, found.from_, found.to, found.total) == (
        "storlaunch",
        "2026-05-01",
        "2026-05-31",
        4050,
    )
    assert isinstance(found.lines[0], PartnerUsageLine)  # type: ignore[index]
    assert found.lines[0].fee == 4050  # type: ignore[index]
    assert found["from"] == "2026-05-01"


async def test_partner_usage_arguments_are_checked_before_sending(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    call = plug.admin.partner_usage
    with pytest.raises(ValueError, match="partner must not be empty"):
        await call(partner="", from_="2026-05-01", to="2026-05-31")
    with pytest.raises(ValueError, match="from_ is required"):
        await call(partner="p", from_=None, to="2026-05-31")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="to must be an ISO 8601 date"):
        await call(partner="p", from_="2026-05-01", to="end of May")
    with pytest.raises(TypeError, match="from_ must be a date"):
        await call(partner="p", from_=20260501, to="2026-05-31")  # type: ignore[arg-type]
    assert server.calls.call_count == 0


# -- the mode header -----------------------------------------------------------------------------


async def test_mode_header_on_every_call_and_not_part_of_the_signature(
    server: respx.MockRouter, fake_time: FakeTime
) -> None:
    server.get("/api/v1/checkout/settings").mock(return_value=envelope(SETTINGS))
    server.put("/api/v1/adapters/manual").mock(return_value=envelope(MANUAL))
    server.post("/api/v1/uploads/image").mock(return_value=envelope(UPLOADED, 201))
    async with AsyncPlugipayClient(
        key_id=KEY_ID, secret=SECRET, base_url=BASE_URL, mode="live", _clock=fake_time.time
    ) as plug:
        assert plug.mode == "live"
        assert repr(plug).endswith("on_behalf_of=None, mode='live')")
        await plug.checkout_settings.get()
        await plug.adapters.configure_manual(instructions="Transfer")
        await plug.uploads.image(PNG)
        test = plug.with_options(mode="test")
        await test.checkout_settings.get()
        back = test.with_options(mode=None)
        await back.checkout_settings.get()
        merchant = plug.for_merchant("acc_m1")
        await merchant.checkout_settings.get()
        assert (plug.mode, test.mode, back.mode, merchant.mode) == ("live", "test", None, "live")
    sent = [call.request for call in server.calls]
    modes = [r.headers.get("x-plugipay-mode") for r in sent]
    assert modes == ["live", "live", "live", "test", None, "live"]
    assert sent[5].headers["x-plugipay-on-behalf-of"] == "acc_m1"
    # The header is not signed: the server's check over method, path, time, body and key passes.
    assert all(verify_signature(r) for i, r in enumerate(sent) if i != 2)
    assert verify_upload_signature(sent[2])


async def test_a_client_without_mode_sends_no_mode_header(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/checkout/settings").mock(return_value=envelope(SETTINGS))
    await plug.checkout_settings.get()
    assert "x-plugipay-mode" not in only_request(server).headers
    assert plug.mode is None
    assert "mode" not in repr(plug)


@pytest.mark.parametrize("bad", ["LIVE", "prod", "", "test\r\nX-Injected: 1", 1, True])
async def test_only_live_and_test_are_modes(
    server: respx.MockRouter, plug: AsyncPlugipayClient, bad: Any
) -> None:
    message = "mode must be 'live' or 'test' \\(or None for the key's own mode\\)"
    with pytest.raises(ValueError, match=message):
        AsyncPlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=BASE_URL, mode=bad)
    with pytest.raises(ValueError, match=message):
        plug.with_options(mode=bad)
    assert plug.mode is None
    assert server.calls.call_count == 0
