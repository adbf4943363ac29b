"""API keys in the emulator (SURVEY §1.13, §2 "ApiKey"): person-only routes, keys that work as
Bearer the moment they are made, their scopes and environment, and revocation."""

from __future__ import annotations

import re
from typing import Any

import pytest

from plugipay import PersonOnlyError
from plugipay.testing import FakePlugipay

from .emulator_helpers import BearerClient, RawClient, data_of, error_of

KEYS = "/api/v1/api-keys"
NOW = "2026-05-12T10:42:00.000Z"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"
PERSON_ONLY = (
    "Only a signed-in person may call this (a dashboard session sent as Authorization: Bearer); "
    "an API key can't list, mint or revoke API keys"
)


def person(fake: FakePlugipay) -> BearerClient:
    return BearerClient(fake, fake.session_token)


def mint(client: BearerClient, key: str, **fields: Any) -> dict[str, Any]:
    response = client.post(KEYS, json={"name": "CI", **fields}, idempotency_key=key)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()["data"]
    return made


def test_keys_get_person_only_whatever_their_kind(raw: RawClient, fake: FakePlugipay) -> None:
    minted = mint(person(fake), "m")["key"]
    callers = [raw, BearerClient(fake, fake.api_key), BearerClient(fake, minted)]
    platform = fake.platform_key("storlaunch")
    callers.append(RawClient(fake, key_id=platform.key_id, secret=platform.secret))
    for caller in callers:
        for response in (
            caller.get(KEYS),
            caller.post(KEYS, json={"name": "x"}, idempotency_key="k"),
            caller.delete(f"{KEYS}/key_01HXKEY0000000000000000000"),
        ):
            assert error_of(response) == (403, "PERSON_ONLY")
            assert response.json()["error"]["message"] == PERSON_ONLY
    assert len(data_of(person(fake).get(KEYS))) == 1


def test_a_minted_key_works_as_bearer_at_once(fake: FakePlugipay) -> None:
    session = person(fake)
    made = mint(session, "m", name="Checkout server")
    key = made.pop("key")
    assert re.fullmatch("pk_test_[0-9a-f]{48}", key)
    assert re.fullmatch(f"key_{ULID}", made["id"])
    assert made == {
        "id": made["id"],
        "name": "Checkout server",
        "keyPrefix": key[:12],
        "environment": "test",
        "scopes": ["*"],
        "lastUsedAt": None,
        "createdAt": NOW,
    }
    assert data_of(session.get(KEYS)) == [made]
    fake.clock.advance(90)
    use = BearerClient(fake, key)
    customer = data_of(use.post("/api/v1/customers", json={"name": "via key"}, idempotency_key="c"))
    assert customer["accountId"] == fake.account_id
    listed = data_of(session.get(KEYS))
    assert listed == [{**made, "lastUsedAt": "2026-05-12T10:43:30.000Z"}]
    assert key not in session.get(KEYS).text


def test_environment_and_scopes(fake: FakePlugipay) -> None:
    session = person(fake)
    live = mint(session, "l", name="Live", environment="live")
    assert live["key"].startswith("pk_live_") and live["environment"] == "live"
    adapters = data_of(BearerClient(fake, live["key"]).get("/api/v1/adapters"))
    assert adapters["xendit"]["mode"] == "live"
    # without environment, the key is in the session's mode
    in_live = session.post(
        KEYS, json={"name": "Chosen"}, idempotency_key="c", headers={"X-Plugipay-Mode": "live"}
    )
    assert data_of(in_live)["environment"] == "live"
    reader = mint(session, "r", name="Reader", scopes=["plugipay:customer:read"])
    assert reader["scopes"] == ["plugipay:customer:read"]
    narrow = BearerClient(fake, reader["key"])
    assert data_of(narrow.get("/api/v1/customers")) == []
    refused = narrow.post("/api/v1/customers", json={"name": "x"}, idempotency_key="n")
    assert error_of(refused) == (403, "INSUFFICIENT_SCOPE")
    assert [k["name"] for k in data_of(session.get(KEYS))] == ["Live", "Chosen", "Reader"]


def test_create_rules(fake: FakePlugipay) -> None:
    session = person(fake)
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({}, [("name", "required")]),
        ({"name": "", "environment": "prod"}, [("name", "too_short"), ("environment", "invalid")]),
        ({"name": "x", "scopes": []}, [("scopes", "invalid")]),
        ({"name": "x", "scopes": ["admin"]}, [("scopes", "invalid")]),
        ({"name": "x", "scopes": ["*", "*"]}, [("scopes", "invalid")]),
        ({"name": "x", "key": "pk_test_mine"}, [("key", "read_only")]),
    ]
    for n, (body, expected) in enumerate(cases):
        response = session.post(KEYS, json=body, idempotency_key=f"bad-{n}")
        assert error_of(response) == (400, "VALIDATION_ERROR"), body
        got = [(d["field"], d["code"]) for d in response.json()["error"]["details"]]
        assert got == expected, body
    assert data_of(session.get(KEYS)) == []


def test_a_retried_create_replays_the_same_key(fake: FakePlugipay) -> None:
    session = person(fake)
    first = session.post(KEYS, json={"name": "CI"}, idempotency_key="once")
    again = session.post(KEYS, json={"name": "CI"}, idempotency_key="once")
    assert again.json()["data"] == first.json()["data"]
    assert len(data_of(session.get(KEYS))) == 1


def test_deleting_revokes_the_key(fake: FakePlugipay) -> None:
    session = person(fake)
    made = mint(session, "m")
    keep = mint(session, "k", name="Keep")
    use = BearerClient(fake, made["key"])
    assert use.get("/api/v1/customers").status_code == 200
    deleted = session.delete(f"{KEYS}/{made['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert error_of(use.get("/api/v1/customers")) == (401, "REVOKED_KEY")
    assert [k["id"] for k in data_of(session.get(KEYS))] == [keep["id"]]
    assert error_of(session.delete(f"{KEYS}/{made['id']}")) == (404, "NOT_FOUND")
    assert BearerClient(fake, keep["key"]).get("/api/v1/customers").status_code == 200


def test_keys_belong_to_their_workspace(fake: FakePlugipay) -> None:
    made = mint(person(fake), "m")
    other = fake.add_workspace(name="Other")
    stranger_session = fake.add_key(workspace=str(other["id"]), person=True)
    stranger = BearerClient(fake, stranger_session.secret)
    assert data_of(stranger.get(KEYS)) == []
    assert error_of(stranger.delete(f"{KEYS}/{made['id']}")) == (404, "NOT_FOUND")
    theirs = mint(stranger, "t")
    customer = data_of(
        BearerClient(fake, theirs["key"]).post("/api/v1/customers", json={}, idempotency_key="c")
    )
    assert customer["accountId"] == other["accountId"]


def test_only_admins_manage_keys(fake: FakePlugipay) -> None:
    member = BearerClient(fake, fake.add_key(role="member", person=True).secret)
    for response in (member.get(KEYS), member.post(KEYS, json={"name": "x"})):
        assert error_of(response) == (403, "INSUFFICIENT_SCOPE")
        assert response.json()["error"]["message"] == (
            "Managing API keys needs the admin role or higher; this key is member"
        )
    admin = BearerClient(fake, fake.add_key(role="admin", person=True).secret)
    assert mint(admin, "a")["key"].startswith("pk_test_")


def test_a_session_is_no_hmac_key_and_can_be_revoked(fake: FakePlugipay) -> None:
    token = fake.session_token
    assert fake.session_token == token  # one session, minted once
    session = fake.add_key(person=True)
    signed = RawClient(fake, key_id=session.key_id, secret=session.secret)
    assert error_of(signed.get("/api/v1/customers")) == (401, "INVALID_KEY")
    fake.revoke_key(session)
    assert error_of(BearerClient(fake, session.secret).get(KEYS)) == (401, "REVOKED_KEY")
    assert BearerClient(fake, token).get(KEYS).status_code == 200


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.api_keys`` method (issue 16), for the strict-converter walk in
    ``test_sdk.py``: a key gets ``PersonOnlyError``, a person's session does the work."""
    with pytest.raises(PersonOnlyError):
        plug.api_keys.list()
    with pytest.raises(PersonOnlyError):
        plug.api_keys.create(name="CI")
    with pytest.raises(PersonOnlyError):
        plug.api_keys.delete("key_01HXKEY0000000000000000000")
    with fake.client(api_key=fake.session_token) as person:
        made = person.api_keys.create(name="CI", environment="test", scopes=["*"])
        assert made.key is not None and made.key_prefix == made.key[:12]
        with fake.client(api_key=made.key) as keyed:
            assert keyed.customers.create(name="via key").account_id == fake.account_id
        (listed,) = person.api_keys.list()
        assert (listed.id, listed.key, listed.last_used_at is not None) == (made.id, None, True)
        person.api_keys.delete(made.id)
        assert person.api_keys.list() == []
