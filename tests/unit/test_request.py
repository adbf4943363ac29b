"""Preparing a call once and signing each attempt (SPEC §2, §5)."""

from __future__ import annotations

import re

import pytest

from plugipay._config import ClientConfig, resolve_config
from plugipay._request import (
    USER_AGENT,
    PreparedRequest,
    attempt_headers,
    prepare,
    prepare_upload,
)
from plugipay._signing import parse_authorization, sign_request
from plugipay._urls import quote_segment

KEY_ID = "key_test_01HXKEY"
SECRET = "sk_test_s3cr3t"
TS = 1778582520
UUID4_KEY = re.compile(r"idem_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _config(**kwargs: object) -> ClientConfig:
    options: dict[str, object] = {"key_id": KEY_ID, "secret": SECRET, **kwargs}
    return resolve_config(environ={}, **options)  # type: ignore[arg-type]


# -- prepare -------------------------------------------------------------------------------------


def test_prepare_target_with_base_path_and_query() -> None:
    config = _config(base_url="https://gw.example/plugipay/")
    prepared = prepare(
        config,
        "get",
        "/api/v1/customers",
        query=[("limit", 2), ("cursor", None), ("email", "a+b@example.com"), ("x", True)],
    )
    assert prepared == PreparedRequest(
        "GET", "/plugipay/api/v1/customers?limit=2&email=a%2Bb%40example.com&x=true", b"", None
    )


@pytest.mark.parametrize("query", [None, [], [("cursor", None), ("email", None)]])
def test_prepare_without_query_has_no_question_mark(query: list[tuple[str, object]] | None) -> None:
    prepared = prepare(_config(), "GET", "/api/v1/customers", query=query)
    assert prepared.target == "/api/v1/customers"


def test_prepare_canonical_body_bytes() -> None:
    body = {"name": "Zoë", "metadata": {"b": "2", "10": "x", "2": "y"}, "phone": None}
    prepared = prepare(_config(), "PATCH", "/api/v1/customers/cus_1", body=body)
    assert (
        prepared.body
        == '{"name":"Zoë","metadata":{"2":"y","10":"x","b":"2"},"phone":null}'.encode()
    )


@pytest.mark.parametrize("body", [None, {}])
def test_prepare_empty_body_is_no_bytes(body: dict[str, object] | None) -> None:
    assert prepare(_config(), "POST", "/api/v1/customers", body=body).body == b""


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE", "post"])
def test_prepare_writes_get_a_fresh_uuid4_key(method: str) -> None:
    first = prepare(_config(), method, "/api/v1/customers")
    second = prepare(_config(), method, "/api/v1/customers")
    assert first.idempotency_key is not None and second.idempotency_key is not None
    assert UUID4_KEY.fullmatch(first.idempotency_key)
    assert UUID4_KEY.fullmatch(second.idempotency_key)
    assert first.idempotency_key != second.idempotency_key


def test_prepare_get_has_no_key() -> None:
    assert prepare(_config(), "GET", "/api/v1/customers").idempotency_key is None


def test_prepare_keeps_the_callers_key() -> None:
    prepared = prepare(_config(), "POST", "/api/v1/customers", idempotency_key="import-42")
    assert prepared.idempotency_key == "import-42"


@pytest.mark.parametrize("key", ["idem\r\nX-Evil: 1", "idem\n", "idem\x00", "idém", ""])
def test_prepare_refuses_unsafe_keys(key: str) -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        prepare(_config(), "POST", "/api/v1/customers", idempotency_key=key)


@pytest.mark.parametrize("path", ["api/v1/customers", "/api/v1/customers?x=1", "/a#b", "/a\r\nb"])
def test_prepare_refuses_bad_paths(path: str) -> None:
    with pytest.raises(ValueError, match="path"):
        prepare(_config(), "GET", path)


def test_prepare_refuses_unknown_methods() -> None:
    with pytest.raises(ValueError, match="method"):
        prepare(_config(), "BREW", "/api/v1/customers")


# -- attempt headers -----------------------------------------------------------------------------


def test_attempt_headers_exact_for_a_write() -> None:
    prepared = prepare(
        _config(), "POST", "/api/v1/customers", body={"email": "a@b.co"}, idempotency_key="idem_1"
    )
    headers = attempt_headers(_config(), prepared, TS)
    signature = sign_request(
        SECRET, "POST", "/api/v1/customers", TS, b'{"email":"a@b.co"}', "idem_1"
    )
    assert headers == {
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        "Authorization": f"Plugipay-HMAC-SHA256 keyId={KEY_ID}, scope=*, signature={signature}",
        "X-Plugipay-Timestamp": "1778582520",
        "Content-Type": "application/json",
        "Idempotency-Key": "idem_1",
    }


def test_attempt_headers_signature_matches_sign_request() -> None:
    config = _config(base_url="https://gw.example/pp")
    prepared = prepare(
        config,
        "PATCH",
        "/api/v1/customers/" + quote_segment("cus 1/x"),
        query=[("expand", "defaultPaymentToken")],
        body={"phone": None},
    )
    headers = attempt_headers(config, prepared, TS)
    parsed = parse_authorization(headers["Authorization"])
    assert parsed is not None
    assert (parsed.key_id, parsed.scope) == (KEY_ID, "*")
    assert prepared.target == "/pp/api/v1/customers/cus%201%2Fx?expand=defaultPaymentToken"
    assert parsed.signature == sign_request(
        SECRET, "PATCH", prepared.target, TS, b'{"phone":null}', prepared.idempotency_key
    )
    assert headers["Idempotency-Key"] == prepared.idempotency_key


def test_each_attempt_is_signed_afresh_with_the_same_key() -> None:
    config = _config()
    prepared = prepare(config, "DELETE", "/api/v1/workspaces/ws_1")
    first = attempt_headers(config, prepared, TS)
    second = attempt_headers(config, prepared, TS + 3)
    assert first["Idempotency-Key"] == second["Idempotency-Key"] == prepared.idempotency_key
    assert first["X-Plugipay-Timestamp"] == "1778582520"
    assert second["X-Plugipay-Timestamp"] == "1778582523"
    assert first["Authorization"] != second["Authorization"]


def test_get_has_no_content_type_and_no_idempotency_key() -> None:
    config = _config()
    headers = attempt_headers(config, prepare(config, "GET", "/api/v1/customers"), TS)
    assert "Content-Type" not in headers
    assert "Idempotency-Key" not in headers
    assert "X-Plugipay-On-Behalf-Of" not in headers


def test_empty_object_body_sends_no_content_type() -> None:
    config = _config()
    headers = attempt_headers(config, prepare(config, "POST", "/api/v1/customers", body={}), TS)
    assert "Content-Type" not in headers
    assert "Idempotency-Key" in headers


def test_on_behalf_of_header_when_configured() -> None:
    config = _config(on_behalf_of="acc_01HXMERCHANT")
    headers = attempt_headers(config, prepare(config, "GET", "/api/v1/customers"), TS)
    assert headers["X-Plugipay-On-Behalf-Of"] == "acc_01HXMERCHANT"


def test_mode_header_when_configured_and_never_signed() -> None:
    live = _config(mode="live")
    prepared = prepare(live, "PUT", "/api/v1/adapters/manual", body={"a": 1}, idempotency_key="k")
    headers = attempt_headers(live, prepared, TS)
    assert headers["X-Plugipay-Mode"] == "live"
    # The same signature as without the mode: the header is not part of what is signed.
    assert headers["Authorization"] == attempt_headers(_config(), prepared, TS)["Authorization"]
    assert "X-Plugipay-Mode" not in attempt_headers(_config(), prepared, TS)
    assert live.replace(mode="test").mode == "test"
    assert live.replace(mode=None).mode is None
    assert repr(live).endswith("max_retries=2, mode='live')")
    for bad in ("Live", "sandbox", ""):
        with pytest.raises(ValueError, match="mode must be 'live' or 'test'"):
            _config(mode=bad)
        with pytest.raises(ValueError, match="mode must be 'live' or 'test'"):
            live.replace(mode=bad)


def test_an_upload_is_signed_over_the_empty_body_with_its_own_content_type() -> None:
    config = _config(base_url="https://gw.example/pp")
    form = b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nxyz\r\n--b--\r\n'
    prepared = prepare_upload(
        config, "/api/v1/uploads/image", form, "multipart/form-data; boundary=b",
        idempotency_key="up-1",
    )  # fmt: skip
    assert (prepared.method, prepared.target, prepared.body) == (
        "POST",
        "/pp/api/v1/uploads/image",
        form,
    )
    headers = attempt_headers(config, prepared, TS)
    assert headers["Content-Type"] == "multipart/form-data; boundary=b"
    assert headers["Idempotency-Key"] == "up-1"
    parsed = parse_authorization(headers["Authorization"])
    assert parsed is not None
    assert parsed.signature == sign_request(
        SECRET, "POST", "/pp/api/v1/uploads/image", TS, b"", "up-1"
    )
    assert parsed.signature != sign_request(
        SECRET, "POST", "/pp/api/v1/uploads/image", TS, form, "up-1"
    )
    assert UUID4_KEY.fullmatch(
        str(prepare_upload(config, "/api/v1/uploads/image", form, "multipart/form-data; boundary=b").idempotency_key)
    )  # fmt: skip
    with pytest.raises(ValueError, match="an upload must have a body"):
        prepare_upload(config, "/api/v1/uploads/image", b"", "multipart/form-data; boundary=b")
    with pytest.raises(ValueError, match="content_type must not contain CR, LF"):
        prepare_upload(config, "/api/v1/uploads/image", form, "multipart/form-data\r\nX: 1")


def test_a_prepared_requests_repr_leaves_the_body_out() -> None:
    prepared = prepare(_config(), "PUT", "/api/v1/adapters/xendit", body={"secretKey": "xnd_1"})
    assert repr(prepared) == (
        "PreparedRequest(method='PUT', target='/api/v1/adapters/xendit', body=<21 bytes>, "
        f"idempotency_key={prepared.idempotency_key!r})"
    )


def test_bearer_auth_for_api_key_configs() -> None:
    config = resolve_config(api_key="pk_test_abc", environ={})
    prepared = prepare(config, "POST", "/api/v1/customers", body={"a": 1}, idempotency_key="k")
    assert attempt_headers(config, prepared, TS) == {
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        "Authorization": "Bearer pk_test_abc",
        "Content-Type": "application/json",
        "Idempotency-Key": "k",
    }


def test_no_header_carries_the_secret() -> None:
    config = _config(on_behalf_of="acc_1")
    prepared = prepare(config, "POST", "/api/v1/customers", body={"name": "x"})
    headers = attempt_headers(config, prepared, TS)
    assert all(SECRET not in value for value in headers.values())


# -- the shared vectors, end to end --------------------------------------------------------------

VECTOR_CALLS = [
    # (method, route, query, body, key, vector signature)
    (
        "GET",
        "/api/v1/customers",
        [("limit", 100), ("email", "alice@example.com")],
        None,
        None,
        "ce7f1875d2da3938e8bd862369b8590a2c84c74e649830839d75c30457b0d355",
    ),
    (
        "POST",
        "/api/v1/customers",
        None,
        {
            "email": "alice@example.com",
            "name": "Alice Tan",
            "externalId": "user_19823",
            "metadata": {"segment": "enterprise"},
        },
        "idem_6f1c2a52-9a0e-4c55-9a57-0d2a4c1b7e11",
        "34fe01881722d0dc810e6b85e78972014ef6bc7bc876bcdf0332cfa34edd2538",
    ),
    (
        "PATCH",
        "/api/v1/customers/" + quote_segment("cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"),
        None,
        {"name": "Alice Tan (Acme)", "phone": None, "metadata": {"b": "2", "10": "x", "2": "y"}},
        "idem_n",
        "d0b440286229ac41df228ced297c995e0fb6e7014f1b777d54d12e184a933808",
    ),
    (
        "POST",
        "/api/v1/admin/workspaces",
        None,
        {
            "accountId": "acc_01HXBBBBBBBBBBBBBBBBBBBBBB",
            "partner": "storlaunch",
            "discountRate": 0.00001,
            "brandName": "Acme",
        },
        "idem_p",
        "837a319efacc98bab772713ba9ca98be9deb0ec5157fecb3eb49bfdbe192e775",
    ),
    (
        "POST",
        "/api/v1/customers",
        None,
        {},
        "idem_empty",
        "40bcef2efbd8296264ed4e063e803385a82311b1bdbf33a157b92f2bca0bfa82",
    ),
    (
        "GET",
        "/api/v1/workspaces/" + quote_segment("acc/../x"),
        None,
        None,
        None,
        "5ede2132df8c541ca243feb69d60781d0c3f3a4aa6fed6b03b57b7d4635e69d4",
    ),
]


@pytest.mark.parametrize(
    ("method", "route", "query", "body", "key", "signature"),
    VECTOR_CALLS,
    ids=[f"{c[0]}-{c[1]}-{c[4]}" for c in VECTOR_CALLS],
)
def test_prepared_calls_reproduce_the_vector_signatures(
    method: str,
    route: str,
    query: list[tuple[str, object]] | None,
    body: dict[str, object] | None,
    key: str | None,
    signature: str,
) -> None:
    config = _config()
    prepared = prepare(config, method, route, query=query, body=body, idempotency_key=key)
    parsed = parse_authorization(attempt_headers(config, prepared, TS)["Authorization"])
    assert parsed is not None
    assert parsed.signature == signature
