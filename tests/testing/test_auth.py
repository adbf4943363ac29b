"""Authentication (SPEC §2): every check, in order, with its code; the canonical body."""

from __future__ import annotations

import json

import pytest

from plugipay._json import canonical_json
from plugipay.testing import FakeClock, FakePlugipay
from plugipay.testing._auth import parse_body

from .emulator_helpers import START, RawClient, data_of, error_of, signed_headers

BODY = {"email": "ada@example.com", "name": "Ada Lovelace", "metadata": {"city": "Jakarta"}}


def test_hand_signed_request_is_accepted(raw: RawClient) -> None:
    response = raw.post("/api/v1/customers", json=BODY, idempotency_key="idem_1")
    assert response.status_code == 201
    assert data_of(response)["email"] == "ada@example.com"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(json.dumps(BODY).encode(), id="spaces"),
        pytest.param(
            json.dumps({**BODY, "name": "Ádá"}, separators=(",", ":")).encode(),
            id="ensure_ascii-escapes",
        ),
        pytest.param(
            b'{"name":"Ada Lovelace","email":"ada@example.com","metadata":{"city":"Jakarta"}}\n',
            id="trailing-newline",
        ),
        pytest.param(b'{"name":"Ada","metadata":{"n":"1.0"},"email":"a@b.co","x":1.0}', id="1.0"),
    ],
)
def test_non_canonical_bytes_fail_with_bad_signature(raw: RawClient, content: bytes) -> None:
    # Signed over exactly the bytes sent: the server hashes its own re-serialization instead.
    response = raw.post("/api/v1/customers", content=content, idempotency_key="idem_1")
    assert error_of(response) == (401, "BAD_SIGNATURE")
    assert raw.fake.customers == []


def test_canonical_bytes_with_non_ascii_are_accepted(raw: RawClient) -> None:
    content = '{"name":"Ádá 😀","metadata":{"2":"b","1":"a"}}'.encode()
    # JSON.stringify puts array-index keys first, ascending: the canonical form reorders them.
    response = raw.post("/api/v1/customers", content=content, idempotency_key="idem_1")
    assert error_of(response) == (401, "BAD_SIGNATURE")
    canonical = '{"name":"Ádá 😀","metadata":{"1":"a","2":"b"}}'.encode()
    response = raw.post("/api/v1/customers", content=canonical, idempotency_key="idem_2")
    assert response.status_code == 201
    assert data_of(response)["name"] == "Ádá 😀"


def test_empty_object_body_signs_the_empty_string(raw: RawClient, fake: FakePlugipay) -> None:
    ts = int(fake.clock.time())
    from plugipay._signing import authorization_header, sign_request

    signature = sign_request(fake.secret, "POST", "/api/v1/customers", ts, b"", "idem_1")
    headers = {
        "Authorization": authorization_header(fake.key_id, signature),
        "X-Plugipay-Timestamp": str(ts),
        "Idempotency-Key": "idem_1",
    }
    response = raw.http.post(fake.base_url + "/api/v1/customers", content=b"{}", headers=headers)
    assert response.status_code == 201
    assert data_of(response)["email"] is None


@pytest.mark.parametrize("sent", [b"{}", b"{ }", b" {}\n"])
@pytest.mark.parametrize("signed_over", [b"", b"{}"])
def test_empty_object_body_signed_over_either_form_is_accepted(
    raw: RawClient, fake: FakePlugipay, sent: bytes, signed_over: bytes
) -> None:
    """SPEC §2, "Decision (empty objects)": the published SDKs sign ``{}`` over its two bytes."""
    headers = signed_headers(
        "POST",
        "/api/v1/customers",
        signed_over,
        key_id=fake.key_id,
        secret=fake.secret,
        timestamp=int(fake.clock.time()),
        idempotency_key="idem_1",
    )
    response = raw.http.post(fake.base_url + "/api/v1/customers", content=sent, headers=headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("signed_over", [b"[]", b"{ }", b"null", b'{"a":1}'])
def test_empty_object_body_signed_over_anything_else_fails(
    raw: RawClient, fake: FakePlugipay, signed_over: bytes
) -> None:
    headers = signed_headers(
        "POST",
        "/api/v1/customers",
        signed_over,
        key_id=fake.key_id,
        secret=fake.secret,
        timestamp=int(fake.clock.time()),
        idempotency_key="idem_1",
    )
    response = raw.http.post(fake.base_url + "/api/v1/customers", content=b"{}", headers=headers)
    assert error_of(response) == (401, "BAD_SIGNATURE")
    # a non-empty body signed over "{}" is no exception either
    headers = signed_headers(
        "POST",
        "/api/v1/customers",
        b"{}",
        key_id=fake.key_id,
        secret=fake.secret,
        timestamp=int(fake.clock.time()),
        idempotency_key="idem_2",
    )
    response = raw.http.post(
        fake.base_url + "/api/v1/customers", content=b'{"name":"x"}', headers=headers
    )
    assert error_of(response) == (401, "BAD_SIGNATURE")
    assert fake.customers == []


@pytest.mark.parametrize(("age", "ok"), [(300, True), (301, False), (-300, True), (-301, False)])
def test_clock_skew_is_300_seconds(raw: RawClient, fake: FakePlugipay, age: int, ok: bool) -> None:
    response = raw.get("/api/v1/customers", timestamp=int(fake.clock.time()) - age)
    if ok:
        assert response.status_code == 200
    else:
        assert error_of(response) == (401, "CLOCK_SKEW")


def test_clock_skew_follows_the_fake_clock(raw: RawClient, fake: FakePlugipay) -> None:
    ts = int(fake.clock.time())
    fake.clock.advance(301)
    assert error_of(raw.get("/api/v1/customers", timestamp=ts)) == (401, "CLOCK_SKEW")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Authorization": ""}, "AUTH_REQUIRED"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "AUTH_REQUIRED"),
        ({"Authorization": "Plugipay-HMAC-SHA256 keyId=k, scope=*"}, "AUTH_REQUIRED"),
        ({"X-Plugipay-Timestamp": "12.5"}, "INVALID_TIMESTAMP"),
        ({"X-Plugipay-Timestamp": "soon"}, "INVALID_TIMESTAMP"),
    ],
)
def test_malformed_credentials(raw: RawClient, headers: dict[str, str], expected: str) -> None:
    assert error_of(raw.get("/api/v1/customers", headers=headers)) == (401, expected)


def test_missing_timestamp_is_auth_required(raw: RawClient, fake: FakePlugipay) -> None:
    signed = raw.get("/api/v1/customers").request.headers
    headers = {"Authorization": signed["Authorization"]}
    response = raw.http.get(fake.base_url + "/api/v1/customers", headers=headers)
    assert error_of(response) == (401, "AUTH_REQUIRED")
    assert response.json()["error"]["message"] == "Missing X-Plugipay-Timestamp header"


def test_unauthenticated_request_gets_a_clear_envelope(raw: RawClient, fake: FakePlugipay) -> None:
    response = raw.http.get(fake.base_url + "/api/v1/customers")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["data"] is None
    assert body["error"]["code"] == "AUTH_REQUIRED"
    assert body["error"]["message"].startswith("Missing or malformed Authorization header")
    assert body["meta"] == {"requestId": response.headers["x-request-id"]}


def test_unknown_key_and_wrong_secret(raw: RawClient) -> None:
    assert error_of(raw.get("/api/v1/customers", key_id="ak_test_nope")) == (401, "INVALID_KEY")
    assert error_of(raw.get("/api/v1/customers", secret="sk_wrong")) == (401, "BAD_SIGNATURE")


def test_revoked_key(raw: RawClient, fake: FakePlugipay) -> None:
    key = fake.add_key(role="admin")
    assert raw.get("/api/v1/customers", key_id=key.key_id, secret=key.secret).status_code == 200
    fake.revoke_key(key)
    response = raw.get("/api/v1/customers", key_id=key.key_id, secret=key.secret)
    assert error_of(response) == (401, "REVOKED_KEY")


def test_checks_run_in_spec_order(raw: RawClient, fake: FakePlugipay) -> None:
    stale = int(fake.clock.time()) - 1000
    # skew is checked before the key is looked up, and the key before the signature
    response = raw.get("/api/v1/customers", key_id="ak_unknown", timestamp=stale)
    assert error_of(response) == (401, "CLOCK_SKEW")
    response = raw.get("/api/v1/customers", key_id="ak_unknown", secret="wrong")
    assert error_of(response) == (401, "INVALID_KEY")
    fake.revoke_key(fake.key_id)
    assert error_of(raw.get("/api/v1/customers", secret="wrong")) == (401, "REVOKED_KEY")


def test_idempotency_key_is_the_fifth_signed_line(raw: RawClient, fake: FakePlugipay) -> None:
    response = raw.post("/api/v1/customers", json=BODY)  # signed without the key...
    signed = dict(response.request.headers)
    signed["idempotency-key"] = "idem_added_later"  # ...then the header is added
    response = raw.http.post(
        fake.base_url + "/api/v1/customers", content=response.request.content, headers=signed
    )
    assert error_of(response) == (401, "BAD_SIGNATURE")


def test_query_is_signed_as_sent(raw: RawClient, fake: FakePlugipay) -> None:
    response = raw.get("/api/v1/customers?email=alice%40example.com")
    assert response.status_code == 200
    signed = dict(response.request.headers)
    response = raw.http.get(
        fake.base_url + "/api/v1/customers?email=alice@example.com", headers=signed
    )
    assert error_of(response) == (401, "BAD_SIGNATURE")


def test_invalid_json_body_is_a_validation_error(raw: RawClient) -> None:
    for content in (b"{not json", b'{"x": NaN}', b"\xff\xfe"):
        response = raw.post("/api/v1/customers", content=content, idempotency_key="idem_1")
        assert error_of(response) == (400, "VALIDATION_ERROR")


def test_big_integers_are_hashed_as_javascript_rounds_them(raw: RawClient) -> None:
    # The server re-serializes 2**53 + 1 as 9007199254740992: sign those bytes to be accepted.
    content = b'{"metadata":{"a":"b"},"name":"n","email":"a@b.co","phone":"1"}'
    assert raw.post("/api/v1/customers", content=content, idempotency_key="k1").status_code == 201
    bad = b'{"name":9007199254740993}'
    response = raw.post("/api/v1/customers", content=bad, idempotency_key="k2")
    assert error_of(response) == (401, "BAD_SIGNATURE")
    rounded = b'{"name":9007199254740992}'
    response = raw.post("/api/v1/customers", content=rounded, idempotency_key="k3")
    assert error_of(response) == (400, "VALIDATION_ERROR")  # signature fine, the type is wrong


def test_bearer_api_key(fake: FakePlugipay) -> None:
    raw = RawClient(fake)
    headers = {"Authorization": f"Bearer {fake.api_key}", "Idempotency-Key": "idem_b"}
    response = raw.http.post(
        fake.base_url + "/api/v1/customers", content=b'{"name":"Bea"}', headers=headers
    )
    assert response.status_code == 201
    bad = {"Authorization": "Bearer pk_test_nope"}
    response = raw.http.get(fake.base_url + "/api/v1/customers", headers=bad)
    assert error_of(response) == (401, "INVALID_KEY")


def test_signing_vectors_pass_authentication(vectors_dir: object) -> None:
    from pathlib import Path

    assert isinstance(vectors_dir, Path)
    fake = FakePlugipay(secret="sk_test_s3cr3t", clock=FakeClock(START, frozen=True))
    raw = RawClient(fake)
    lines = (vectors_dir / "signing.jsonl").read_text().splitlines()
    assert lines
    for line in lines:
        case = json.loads(line)
        fake.clock.set(int(case["timestamp"]))
        content = case["body"].encode() if case["body"] is not None else b""
        headers = {
            "Authorization": (
                f"Plugipay-HMAC-SHA256 keyId={fake.key_id}, scope=*, signature={case['signature']}"
            ),
            "X-Plugipay-Timestamp": case["timestamp"],
        }
        if case["idempotencyKey"] is not None:
            headers["Idempotency-Key"] = case["idempotencyKey"]
        response = raw.http.request(
            case["method"], fake.base_url + case["pathAndQuery"], content=content, headers=headers
        )
        assert response.status_code != 401, (case, response.text)


def test_escaped_index_keys_are_signed_in_canonical_order(
    raw: RawClient, fake: FakePlugipay
) -> None:
    content = b'{"name":"x","\\u0031":"y"}'
    canonical = canonical_json(json.loads(content)).encode()
    assert canonical == b'{"1":"y","name":"x"}'
    assert parse_body(content)[1] == canonical
    headers = signed_headers(
        "POST",
        "/api/v1/customers",
        canonical,
        key_id=fake.key_id,
        secret=fake.secret,
        timestamp=int(fake.clock.time()),
        idempotency_key="idem_1",
    )
    url = fake.base_url + "/api/v1/customers"
    response = raw.http.post(url, content=content, headers=headers)
    # Past the signature check: "1" is then refused as an unknown field.
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert [d["field"] for d in response.json()["error"]["details"]] == ["1"]
    content = b'{"name":"x","metadata":{"b":"2","\\u0031":"y"}}'
    canonical = b'{"name":"x","metadata":{"1":"y","b":"2"}}'
    headers = signed_headers(
        "POST",
        "/api/v1/customers",
        canonical,
        key_id=fake.key_id,
        secret=fake.secret,
        timestamp=int(fake.clock.time()),
        idempotency_key="idem_2",
    )
    response = raw.http.post(url, content=content, headers=headers)
    assert response.status_code == 201
    assert data_of(response)["metadata"] == {"1": "y", "b": "2"}


@pytest.mark.parametrize("digits", [4301, 5000, 100_000])
def test_timestamp_too_long_for_int_is_invalid(raw: RawClient, digits: int) -> None:
    response = raw.get("/api/v1/customers", headers={"X-Plugipay-Timestamp": "1" * digits})
    assert error_of(response) == (401, "INVALID_TIMESTAMP")
    assert response.json()["error"]["message"] == (
        "X-Plugipay-Timestamp must be integer unix seconds"
    )


def test_huge_timestamp_is_clock_skew(raw: RawClient) -> None:
    response = raw.get("/api/v1/customers", headers={"X-Plugipay-Timestamp": "9" * 4000})
    assert error_of(response) == (401, "CLOCK_SKEW")
    assert response.json()["error"]["message"] == (
        "X-Plugipay-Timestamp is too far away from the server clock (at most 300 s allowed)"
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="arrays-100000"),
        pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="objects-100000"),
    ],
)
def test_deeply_nested_body_is_a_validation_error(raw: RawClient, content: bytes) -> None:
    response = raw.post("/api/v1/customers", content=content, idempotency_key="idem_1")
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["message"] == "The request body is nested too deeply"
    assert raw.fake.customers == []
