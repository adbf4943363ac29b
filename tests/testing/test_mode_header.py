"""``X-Plugipay-Mode`` in the emulator: a platform key or a person's session chooses the mode a
call makes and sees; any other key may only name its own mode."""

from __future__ import annotations

from typing import Any

from plugipay.testing import FakePlugipay

from .emulator_helpers import BearerClient, RawClient, data_of, error_of

SESSIONS = "/api/v1/checkout-sessions"
MERCHANT = "acc_01HXMERCHANT0000000000000A"
SESSION = {
    "amount": 50_000,
    "currency": "IDR",
    "methods": ["qris"],
    "successUrl": "https://shop.example/ok",
    "cancelUrl": "https://shop.example/cancel",
}
LIVE = {"X-Plugipay-Mode": "live"}
TEST = {"X-Plugipay-Mode": "test"}


def platform(fake: FakePlugipay) -> RawClient:
    key = fake.platform_key("storlaunch")
    partner = RawClient(fake, key_id=key.key_id, secret=key.secret)
    body = {"accountId": MERCHANT, "partner": "storlaunch", "discountRate": 0.1}
    assert partner.post("/api/v1/admin/workspaces", json=body).status_code == 201
    return partner


def test_a_platform_key_chooses_the_mode_of_everything(fake: FakePlugipay) -> None:
    partner = platform(fake)

    def call(method: str, target: str, headers: dict[str, str], **kwargs: Any) -> Any:
        return partner.request(method, target, on_behalf_of=MERCHANT, headers=headers, **kwargs)

    live = data_of(call("POST", SESSIONS, LIVE, json=SESSION, idempotency_key="l"))
    test = data_of(call("POST", SESSIONS, {}, json=SESSION, idempotency_key="t"))
    assert (live["mode"], test["mode"]) == ("live", "test")
    assert [s["id"] for s in data_of(call("GET", SESSIONS, LIVE))] == [live["id"]]
    assert [s["id"] for s in data_of(call("GET", SESSIONS, TEST))] == [test["id"]]
    assert error_of(call("GET", f"{SESSIONS}/{live['id']}", TEST)) == (404, "NOT_FOUND")
    fake.pay_checkout_session(live["id"])
    live_events = data_of(call("GET", "/api/v1/events", LIVE))
    assert [e["type"] for e in live_events] == ["plugipay.checkout_session.completed.v1"]
    assert live_events[0]["mode"] == "live"
    in_test = [e["type"] for e in data_of(call("GET", "/api/v1/events", TEST))]
    assert in_test == ["workspace.created"]  # provisioning, by the key in its own mode


def test_a_merchant_key_may_only_name_its_own_mode(raw: RawClient) -> None:
    assert raw.get(SESSIONS, headers=TEST).status_code == 200
    refused = raw.get(SESSIONS, headers=LIVE)
    assert error_of(refused) == (403, "INSUFFICIENT_SCOPE")
    assert refused.json()["error"]["message"] == (
        "A test key can't act in live mode; only platform keys and signed-in persons choose "
        "the mode with X-Plugipay-Mode"
    )
    for value in ("prod", "LIVE", ""):
        response = raw.get(SESSIONS, headers={"X-Plugipay-Mode": value})
        assert error_of(response) == (400, "VALIDATION_ERROR"), value
        assert response.json()["error"]["details"] == [
            {
                "field": "X-Plugipay-Mode",
                "code": "invalid",
                "message": "X-Plugipay-Mode must be live or test",
            }
        ]


def test_a_person_chooses_the_mode_too(fake: FakePlugipay) -> None:
    person = BearerClient(fake, fake.session_token)
    made = person.post(SESSIONS, json=SESSION, idempotency_key="p", headers=LIVE)
    assert data_of(made)["mode"] == "live"
    assert data_of(person.get(SESSIONS)) == []
    dashboard = BearerClient(fake, fake.api_key)  # a pk_test_ key is a key: its own mode only
    assert error_of(dashboard.get(SESSIONS, headers=LIVE)) == (403, "INSUFFICIENT_SCOPE")


def test_one_idempotency_key_in_two_modes_is_two_requests(fake: FakePlugipay) -> None:
    partner = platform(fake)
    first = partner.post(SESSIONS, json=SESSION, idempotency_key="same", on_behalf_of=MERCHANT)
    assert first.status_code == 201
    other = partner.request(
        "POST",
        SESSIONS,
        json=SESSION,
        idempotency_key="same",
        on_behalf_of=MERCHANT,
        headers=LIVE,
    )
    assert error_of(other) == (409, "IDEMPOTENCY_KEY_REUSED")
