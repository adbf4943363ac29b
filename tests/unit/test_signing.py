"""Request signing against the shared vectors, and the Authorization header (SPEC §2, §11)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest

from plugipay._json import canonical_body, canonical_json, js_number
from plugipay._signing import (
    AUTH_SCHEME,
    EMPTY_SHA256,
    authorization_header,
    body_sha256,
    parse_authorization,
    sign_request,
    signatures_equal,
    string_to_sign,
)
from plugipay._urls import encode_query, quote_segment

SECRET = "sk_test_s3cr3t"
KEY_ID = "key_test_01HXKEY"
TIMESTAMP = "1778582520"

# Parametrization needs the vectors at collection time, before fixtures exist.
_SIGNING_JSONL = Path(__file__).resolve().parents[1] / "vectors" / "signing.jsonl"
VECTORS: list[dict[str, Any]] = [
    json.loads(line) for line in _SIGNING_JSONL.read_text("utf-8").splitlines() if line.strip()
]


def _vector_id(index: int, vector: dict[str, Any]) -> str:
    return f"{index}-{vector['method']}-{vector.get('note') or vector['pathAndQuery']}"


def _vector(method: str, path_and_query: str, **match: object) -> dict[str, Any]:
    found = [
        v
        for v in VECTORS
        if v["method"] == method
        and v["pathAndQuery"] == path_and_query
        and all(v.get(k) == val for k, val in match.items())
    ]
    assert len(found) == 1, (method, path_and_query, match)
    return found[0]


def _body_bytes(vector: dict[str, Any]) -> bytes:
    """The bytes the SDK sends for a vector: canonical JSON, or nothing."""
    if vector["body"] is None:
        if "empty object" in (vector.get("note") or ""):
            return canonical_body({})
        return canonical_body(None)
    return canonical_body(json.loads(vector["body"]))


def test_vectors_fixture_points_at_the_same_file(vectors_dir: Path) -> None:
    assert vectors_dir / "signing.jsonl" == _SIGNING_JSONL
    assert len(VECTORS) == 10


@pytest.mark.parametrize("vector", VECTORS, ids=[_vector_id(i, v) for i, v in enumerate(VECTORS)])
def test_vector_canonical_body(vector: dict[str, Any]) -> None:
    if vector["body"] is None:
        assert _body_bytes(vector) == b""
        if "empty object" in (vector.get("note") or ""):
            assert canonical_body({}) == b""
    else:
        body: str = vector["body"]
        assert canonical_json(json.loads(body)).encode() == body.encode()
        assert canonical_body(json.loads(body)) == body.encode("utf-8")


@pytest.mark.parametrize("vector", VECTORS, ids=[_vector_id(i, v) for i, v in enumerate(VECTORS)])
def test_vector_body_sha256(vector: dict[str, Any]) -> None:
    assert body_sha256(_body_bytes(vector)) == vector["bodySha256"]


@pytest.mark.parametrize("vector", VECTORS, ids=[_vector_id(i, v) for i, v in enumerate(VECTORS)])
def test_vector_signature(vector: dict[str, Any]) -> None:
    signature = sign_request(
        SECRET,
        vector["method"],
        vector["pathAndQuery"],
        vector["timestamp"],
        _body_bytes(vector),
        vector["idempotencyKey"],
    )
    assert signature == vector["signature"]
    assert (
        sign_request(
            SECRET,
            vector["method"].lower(),
            vector["pathAndQuery"],
            int(vector["timestamp"]),
            _body_bytes(vector),
            vector["idempotencyKey"],
        )
        == vector["signature"]
    )


def test_vector_path_with_slashes_is_one_encoded_segment() -> None:
    vector = _vector("GET", "/api/v1/workspaces/acc%2F..%2Fx")
    assert vector["pathAndQuery"] == "/api/v1/workspaces/" + quote_segment("acc/../x")


def test_vector_query_is_what_encode_query_writes() -> None:
    vector = _vector("GET", "/api/v1/customers?limit=100&email=alice%40example.com")
    query = encode_query([("limit", 100), ("email", "alice@example.com")])
    assert vector["pathAndQuery"] == "/api/v1/customers?" + query


def test_vector_patch_body_reorders_index_keys() -> None:
    vector = _vector("PATCH", "/api/v1/customers/cus_01HXAB7K3M9N2P5QRS8TVWXY3Z")
    sent = {"name": "Alice Tan (Acme)", "phone": None, "metadata": {"b": "2", "10": "x", "2": "y"}}
    assert vector["body"] == canonical_json(sent)
    assert vector["body"].endswith('"metadata":{"2":"y","10":"x","b":"2"}}')


def test_vector_admin_discount_rate_is_written_like_javascript() -> None:
    vector = _vector("POST", "/api/v1/admin/workspaces")
    sent = {
        "accountId": "acc_01HXBBBBBBBBBBBBBBBBBBBBBB",
        "partner": "storlaunch",
        "discountRate": 0.00001,
        "brandName": "Acme",
    }
    assert js_number(0.00001) == "0.00001"
    assert '"discountRate":0.00001,' in vector["body"]
    assert vector["body"] == canonical_json(sent)
    assert canonical_body(sent) == vector["body"].encode()


def test_vector_unicode_body_is_utf8_as_itself() -> None:
    vector = _vector("POST", "/api/v1/customers", idempotencyKey="idem_u")
    assert canonical_body({"name": "Zoë Ünïcødé 😀"}) == vector["body"].encode("utf-8")
    assert vector["body"] == '{"name":"Zoë Ünïcødé 😀"}'


# -- string to sign ------------------------------------------------------------------------------


def test_string_to_sign_without_idempotency_key() -> None:
    text = string_to_sign("get", "/api/v1/customers/cus_1?expand=x", 1778582520, b"")
    assert text == (
        "GET\n"
        "/api/v1/customers/cus_1?expand=x\n"
        "1778582520\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_string_to_sign_with_idempotency_key() -> None:
    body = b'{"email":"alice@example.com"}'
    text = string_to_sign("POST", "/api/v1/customers", "1778582520", body, "idem_abc")
    assert text == (
        "POST\n/api/v1/customers\n1778582520\n" + hashlib.sha256(body).hexdigest() + "\nidem_abc"
    )


def test_string_to_sign_of_a_vector() -> None:
    vector = _vector("POST", "/api/v1/customers", idempotencyKey="idem_empty")
    assert string_to_sign("POST", "/api/v1/customers", TIMESTAMP, b"", "idem_empty") == (
        f"POST\n/api/v1/customers\n1778582520\n{vector['bodySha256']}\nidem_empty"
    )


def test_body_sha256_and_empty_constant() -> None:
    assert EMPTY_SHA256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert body_sha256(b"") == EMPTY_SHA256
    assert body_sha256(b"{}") == hashlib.sha256(b"{}").hexdigest()


def test_signature_is_lower_case_hex_hmac_of_utf8_secret() -> None:
    signature = sign_request("sëcret", "POST", "/p", 1, b"x", "k")
    assert len(signature) == 64
    assert signature == signature.lower()
    assert signature != sign_request("sëcret", "POST", "/p", 2, b"x", "k")
    assert signature != sign_request("sëcret", "POST", "/p", 1, b"x", None)


# -- Authorization header ------------------------------------------------------------------------


def test_authorization_header_exact_form() -> None:
    signature = "ab" * 32
    assert AUTH_SCHEME == "Plugipay-HMAC-SHA256"
    assert authorization_header(KEY_ID, signature) == (
        f"Plugipay-HMAC-SHA256 keyId={KEY_ID}, scope=*, signature={signature}"
    )


@pytest.mark.parametrize("vector", VECTORS, ids=[_vector_id(i, v) for i, v in enumerate(VECTORS)])
def test_authorization_header_round_trip(vector: dict[str, Any]) -> None:
    parsed = parse_authorization(authorization_header(KEY_ID, vector["signature"]))
    assert parsed is not None
    assert (parsed.key_id, parsed.scope, parsed.signature) == (KEY_ID, "*", vector["signature"])


def test_parse_authorization_is_lenient_on_spacing_and_hex_case() -> None:
    parsed = parse_authorization("  Plugipay-HMAC-SHA256 keyId=k1,scope=*,signature=ABCDEF01  ")
    assert parsed is not None
    assert (parsed.key_id, parsed.scope, parsed.signature) == ("k1", "*", "abcdef01")


def test_parsed_authorization_repr_hides_the_signature() -> None:
    parsed = parse_authorization(authorization_header("k1", "0123456789abcdef" * 4))
    assert parsed is not None
    assert "0123456789abcdef" not in repr(parsed)
    assert repr(parsed) == "ParsedAuthorization(key_id='k1', scope='*')"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "Bearer pk_test_abc",
        "Plugipay-HMAC-SHA256",
        "Plugipay-HMAC-SHA256 keyId=k1, scope=*",
        "Plugipay-HMAC-SHA256 keyId=k1, signature=abcd",
        "Plugipay-HMAC-SHA256 scope=*, signature=abcd",
        "Plugipay-HMAC-SHA256 keyId=, scope=*, signature=abcd",
        "Plugipay-HMAC-SHA256 keyId=k1, scope=*, signature=",
        "Plugipay-HMAC-SHA256 keyId=k1, scope=*, signature=xyz",
        "Plugipay-HMAC-SHA256 keyId=k1, scope=*, signature=abcd, extra=1",
        "plugipay-hmac-sha256 keyId=k1, scope=*, signature=abcd",
        "Plugipay-HMAC-SHA1 keyId=k1, scope=*, signature=abcd",
        "Plugipay-HMAC-SHA256 signature=abcd, scope=*, keyId=k1",
    ],
)
def test_parse_authorization_malformed_is_none(value: str | None) -> None:
    assert parse_authorization(value) is None


def test_signatures_equal() -> None:
    a = "0f" * 32
    assert signatures_equal(a, "0f" * 32)
    assert not signatures_equal(a, "0e" + "0f" * 31)
    assert not signatures_equal(a, a[:-1])
    assert not signatures_equal(a, "")
    assert not signatures_equal(a, a + "0")
    assert not signatures_equal(a, "é" * 64)
    assert signatures_equal("", "")


# -- the accepting side at its edges (the Hardening issue, item 12) -------------------------------


@pytest.mark.parametrize("secret", ["", 1, None, b"secret"])
def test_signing_key_refuses_empty_and_non_str_secrets(secret: object) -> None:
    from plugipay._signing import SigningKey

    with pytest.raises(ValueError, match="the key secret must be a non-empty str"):
        SigningKey(secret)  # type: ignore[arg-type]


def test_signing_key_takes_a_one_character_secret_and_hides_it() -> None:
    from plugipay._signing import SigningKey

    key = SigningKey("s")
    assert repr(key) == str(key) == "SigningKey(<hidden>)"
    assert key.hexdigest("m") == hmac.new(b"s", b"m", hashlib.sha256).hexdigest()
    assert sign_request(key, "get", "/x", 0, b"") == sign_request("s", "GET", "/x", "0", b"")


def test_signatures_equal_with_non_ascii_input_is_false_not_an_error() -> None:
    assert signatures_equal("abc", "abc")
    assert not signatures_equal("abc", "ábc")
    assert not signatures_equal("ábc", "abc")
    assert not signatures_equal("abc", "abd")


def test_string_to_sign_at_timestamp_zero_and_empty_idempotency_key() -> None:
    assert string_to_sign("get", "/x", 0, b"") == f"GET\n/x\n0\n{EMPTY_SHA256}"
    assert string_to_sign("POST", "/x", 0, b"", "") == f"POST\n/x\n0\n{EMPTY_SHA256}\n"
