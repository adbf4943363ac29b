"""Payment adapters in the emulator (SURVEY §1.14, §2 "AdapterConfig"): one config per kind and
mode, secrets stored but never answered, the rules of each kind, and managed onboarding."""

from __future__ import annotations

from typing import Any

from plugipay._sync.resources import _base as sync_base
from plugipay.models import ManualBankAccount
from plugipay.testing import FakePlugipay

from .emulator_helpers import BearerClient, RawClient, data_of, error_of

ADAPTERS = "/api/v1/adapters"
KINDS = ["xendit", "paypal", "midtrans", "manual", "managed"]
CONFIG_KEYS = [
    "kind",
    "mode",
    "status",
    "secretKeyLast4",
    "publicConfig",
    "configuredAt",
    "lastErrorAt",
    "lastErrorCode",
]
NOW = "2026-05-12T10:42:00.000Z"
XENDIT_SECRET = "xnd_development_Zq81LmPo7d2c"
CALLBACK_TOKEN = "cb_tok_4471abcdef"
PAYPAL_SECRET = "EPpaypalSECRET-9912"
MIDTRANS_SERVER_KEY = "SB-Mid-server-Xy7pQ0a"
BANK = {"bankName": "BCA", "accountNumber": "1234567890", "accountHolder": "Toko Acme"}


def put(raw: Any, kind: str, body: dict[str, Any], key: str, **kwargs: Any) -> Any:
    return raw.request("PUT", f"{ADAPTERS}/{kind}", json=body, idempotency_key=key, **kwargs)


def unconfigured(kind: str, mode: str = "test") -> dict[str, Any]:
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


def test_every_kind_is_listed_unconfigured_at_first(raw: RawClient) -> None:
    listed = data_of(raw.get(ADAPTERS))
    assert list(listed) == KINDS
    assert listed == {kind: unconfigured(kind) for kind in KINDS}


def test_xendit_secrets_are_stored_and_never_answered(raw: RawClient) -> None:
    answers = [
        put(raw, "xendit", {"secretKey": XENDIT_SECRET, "callbackToken": CALLBACK_TOKEN}, "x1"),
        raw.get(ADAPTERS),
        put(raw, "xendit", {"secretKey": "bad secret with spaces"}, "x2"),
        put(raw, "xendit", {"secretKey": XENDIT_SECRET, "colour": CALLBACK_TOKEN}, "x3"),
    ]
    made = data_of(answers[0])
    assert list(made) == CONFIG_KEYS
    assert made == {
        "kind": "xendit",
        "mode": "test",
        "status": "active",
        "secretKeyLast4": "7d2c",
        "publicConfig": {"callbackTokenSet": True},
        "configuredAt": NOW,
        "lastErrorAt": None,
        "lastErrorCode": None,
    }
    assert data_of(answers[1])["xendit"] == made
    assert answers[2].json()["error"]["details"] == [
        {
            "field": "secretKey",
            "code": "invalid",
            "message": "secretKey must not contain spaces or line breaks",
        }
    ]
    assert error_of(answers[3]) == (400, "VALIDATION_ERROR")
    for answer in answers:
        for secret in (XENDIT_SECRET, CALLBACK_TOKEN, "bad secret with spaces"):
            assert secret not in answer.text


def test_a_put_replaces_the_whole_config(raw: RawClient, fake: FakePlugipay) -> None:
    put(raw, "xendit", {"secretKey": XENDIT_SECRET, "callbackToken": CALLBACK_TOKEN}, "x1")
    fake.clock.advance(60)
    again = data_of(put(raw, "xendit", {"secretKey": "xnd_development_other_9a9a"}, "x2"))
    assert again["secretKeyLast4"] == "9a9a"
    assert again["publicConfig"] == {"callbackTokenSet": False}
    assert again["configuredAt"] == "2026-05-12T10:43:00.000Z"


def test_puts_need_an_idempotency_key_that_replays(raw: RawClient, fake: FakePlugipay) -> None:
    missing = raw.request("PUT", f"{ADAPTERS}/xendit", json={"secretKey": XENDIT_SECRET})
    assert missing.json()["error"]["details"] == [
        {
            "field": "Idempotency-Key",
            "code": "required",
            "message": "The Idempotency-Key header is required",
        }
    ]
    first = put(raw, "xendit", {"secretKey": XENDIT_SECRET}, "same")
    fake.clock.advance(5)
    replay = put(raw, "xendit", {"secretKey": XENDIT_SECRET}, "same")
    assert replay.json()["data"] == first.json()["data"]
    other = put(raw, "xendit", {"secretKey": "xnd_development_different"}, "same")
    assert error_of(other) == (409, "IDEMPOTENCY_KEY_REUSED")


def test_each_kind_needs_its_own_fields(raw: RawClient) -> None:
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
        ("xendit", {}, [("secretKey", "required")]),
        ("xendit", {"secretKey": "short"}, [("secretKey", "invalid")]),
        ("paypal", {"secret": PAYPAL_SECRET}, [("clientId", "required")]),
        (
            "paypal",
            {"clientId": "A", "secret": PAYPAL_SECRET, "mode": "prod"},
            [("mode", "invalid")],
        ),
        (
            "midtrans",
            {"serverKey": MIDTRANS_SERVER_KEY},
            [("clientKey", "required"), ("merchantId", "required")],
        ),
        (
            "midtrans",
            {"serverKey": 7, "clientKey": "c", "merchantId": "M1", "env": "live"},
            [("serverKey", "invalid"), ("env", "invalid")],
        ),
        ("manual", {}, [("bankAccounts", "required")]),
        ("manual", {"bankAccounts": [], "instructions": "Pay us"}, [("bankAccounts", "required")]),
        ("manual", {"bankAccounts": [{**BANK, "iban": "x"}]}, [("bankAccounts", "unknown_field")]),
        ("manual", {"bankAccounts": [{**BANK, "bankName": " "}]}, [("bankAccounts", "invalid")]),
        ("manual", {"bankAccounts": [BANK] * 21}, [("bankAccounts", "invalid")]),
        ("manual", {"staticQrImageUrl": "ftp://x/qr.png"}, [("staticQrImageUrl", "invalid")]),
        ("manual", {"staticQrImageUrl": "/api/v1/files/"}, [("staticQrImageUrl", "invalid")]),
        ("stripe", {"secretKey": XENDIT_SECRET}, []),
    ]
    for n, (kind, body, expected) in enumerate(cases):
        response = put(raw, kind, body, f"k{n}")
        if kind == "stripe":
            assert error_of(response) == (404, "NOT_FOUND")
            continue
        assert error_of(response) == (400, "VALIDATION_ERROR"), (kind, body)
        got = [(d["field"], d["code"]) for d in response.json()["error"]["details"]]
        assert got == expected, (kind, body)
    assert data_of(raw.get(ADAPTERS)) == {kind: unconfigured(kind) for kind in KINDS}


def test_paypal_midtrans_and_manual_show_what_is_public(raw: RawClient) -> None:
    paypal = data_of(put(raw, "paypal", {"clientId": "AbC-client", "secret": PAYPAL_SECRET}, "p"))
    assert (paypal["secretKeyLast4"], paypal["publicConfig"]) == (
        "9912",
        {"clientId": "AbC-client", "mode": "sandbox"},
    )
    midtrans = data_of(
        put(
            raw,
            "midtrans",
            {"serverKey": MIDTRANS_SERVER_KEY, "clientKey": "SB-Mid-client-1", "merchantId": "G1"},
            "m",
        )
    )
    assert (midtrans["secretKeyLast4"], midtrans["publicConfig"]) == (
        "pQ0a",
        {"clientKey": "SB-Mid-client-1", "merchantId": "G1", "env": "sandbox"},
    )
    manual = data_of(
        put(
            raw,
            "manual",
            {
                "bankAccounts": [BANK],
                "staticQrImageUrl": "/api/v1/files/qr.png",
                "instructions": "Transfer, then send proof",
            },
            "b",
        )
    )
    assert (manual["status"], manual["secretKeyLast4"]) == ("active", None)
    assert manual["publicConfig"] == {
        "bankAccounts": [BANK],
        "staticQrImageUrl": "/api/v1/files/qr.png",
        "instructions": "Transfer, then send proof",
    }
    qr_only = data_of(put(raw, "manual", {"staticQrImageUrl": "https://cdn.example/qr.png"}, "q"))
    assert qr_only["publicConfig"]["bankAccounts"] == []
    statuses = {kind: c["status"] for kind, c in data_of(raw.get(ADAPTERS)).items()}
    assert statuses == {
        "xendit": "unconfigured",
        "paypal": "active",
        "midtrans": "active",
        "manual": "active",
        "managed": "unconfigured",
    }


def test_configs_are_kept_per_mode(raw: RawClient, fake: FakePlugipay) -> None:
    person = BearerClient(fake, fake.session_token)
    live = {"X-Plugipay-Mode": "live"}
    put(raw, "xendit", {"secretKey": XENDIT_SECRET}, "t1")
    assert data_of(person.get(ADAPTERS, headers=live))["xendit"] == unconfigured("xendit", "live")
    made = person.request(
        "PUT",
        f"{ADAPTERS}/paypal",
        json={"clientId": "LIVE-client", "secret": PAYPAL_SECRET},
        idempotency_key="l1",
        headers=live,
    )
    assert data_of(made)["publicConfig"] == {"clientId": "LIVE-client", "mode": "live"}
    midtrans = person.request(
        "PUT",
        f"{ADAPTERS}/midtrans",
        json={"serverKey": MIDTRANS_SERVER_KEY, "clientKey": "Mid-client", "merchantId": "G2"},
        idempotency_key="l2",
        headers=live,
    )
    assert data_of(midtrans)["publicConfig"]["env"] == "production"
    in_live = data_of(person.get(ADAPTERS, headers=live))
    assert {k: c["status"] for k, c in in_live.items()}["paypal"] == "active"
    assert in_live["xendit"]["status"] == "unconfigured"
    in_test = data_of(raw.get(ADAPTERS))
    assert (in_test["xendit"]["status"], in_test["paypal"]) == ("active", unconfigured("paypal"))
    # the person's session without the header is in test mode, like the default key
    assert data_of(person.get(ADAPTERS)) == in_test


def test_members_read_adapters_but_only_admins_configure(fake: FakePlugipay) -> None:
    member_key = fake.add_key(role="member")
    member = RawClient(fake, key_id=member_key.key_id, secret=member_key.secret)
    assert list(data_of(member.get(ADAPTERS))) == KINDS
    refused = put(member, "xendit", {"secretKey": XENDIT_SECRET}, "m1")
    assert error_of(refused) == (403, "INSUFFICIENT_SCOPE")
    assert XENDIT_SECRET not in refused.text


def test_managed_onboarding_state(raw: RawClient) -> None:
    onboarding = f"{ADAPTERS}/managed/onboarding"
    before = raw.get(onboarding)
    assert before.status_code == 200 and before.json()["data"] is None
    started = data_of(raw.post(onboarding, json={"email": "pay@toko.id"}, idempotency_key="o1"))
    assert data_of(raw.get(onboarding)) == started
    managed = data_of(raw.get(ADAPTERS))["managed"]
    assert managed == {
        **unconfigured("managed"),
        "publicConfig": {"provider": "xendit", "state": "pending"},
    }


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.adapters`` method of issue 16, for the strict-converter walk in
    ``test_sdk.py`` (``start_managed_onboarding`` is walked in ``test_platform.py`` too)."""
    assert [a.kind for a in plug.adapters.list()] == KINDS
    assert plug.adapters.managed_onboarding() is None
    xendit = plug.adapters.configure_xendit(secret_key=XENDIT_SECRET, callback_token=CALLBACK_TOKEN)
    assert (xendit.mode, xendit.status, xendit.secret_key_last4) == ("test", "active", "7d2c")
    paypal = plug.adapters.configure_paypal(
        client_id="AbC-client", secret=PAYPAL_SECRET, mode="sandbox"
    )
    assert paypal.public_config == {"clientId": "AbC-client", "mode": "sandbox"}
    midtrans = plug.adapters.configure_midtrans(
        server_key=MIDTRANS_SERVER_KEY, client_key="SB-Mid-client-1", merchant_id="G1"
    )
    assert (midtrans.secret_key_last4, midtrans.public_config["env"]) == ("pQ0a", "sandbox")
    manual = plug.adapters.configure_manual(
        bank_accounts=[
            {"bank_name": "BCA", "account_number": "1234567890", "account_holder": "Toko Acme"}
        ],
        static_qr_image_url="https://cdn.example/qr.png",
        instructions="Transfer, then send proof",
    )
    assert manual.configured_at is not None and manual.secret_key_last4 is None
    # No call answers a ManualBankAccount (callers pass it in): the manual adapter's public
    # bank accounts must decode to exactly that model.
    (account,) = [
        sync_base.structure(item, ManualBankAccount)
        for item in manual.public_config["bankAccounts"]
    ]
    assert (account.bank_name, account.account_holder) == ("BCA", "Toko Acme")
    plug.adapters.start_managed_onboarding(email="pay@toko.id")
    state = plug.adapters.managed_onboarding()
    assert state is not None and (state.state, state.provider) == ("pending", "xendit")
    statuses = {a.kind: a.status for a in plug.adapters.list()}
    assert statuses == {k: "unconfigured" if k == "managed" else "active" for k in KINDS}
    with fake.client(api_key=fake.session_token, mode="live") as live:
        assert {a.mode for a in live.adapters.list()} == {"live"}
        assert all(a.status == "unconfigured" for a in live.adapters.list())
