"""From an HTTP error answer to the exact exception, and the error tree itself (SPEC §3, §4)."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from plugipay._exceptions import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GoneError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    PlugipayError,
    PlugipayNetworkError,
    PlugipaySignatureError,
    PlugipayTimeoutError,
    RateLimitError,
    UnprocessableEntityError,
    error_from_response,
)

REQUEST_ID = "req_01HXREQAAAAAAAAAAAAAAAAAAA"


def _envelope(
    code: str | None, message: str | None = "Something went wrong", **extra: Any
) -> bytes:
    error: dict[str, Any] = {}
    if code is not None:
        error["code"] = code
    if message is not None:
        error["message"] = message
    error.update(extra)
    meta = {"requestId": REQUEST_ID, "timestamp": "2026-05-12T10:42:00.000Z"}
    return json.dumps({"data": None, "error": error, "meta": meta}).encode()


# Every row of SPEC §4 with an HTTP status.
ROWS: list[tuple[int, str, type[PlugipayError]]] = [
    (400, "VALIDATION_ERROR", BadRequestError),
    (401, "AUTH_REQUIRED", AuthenticationError),
    (401, "INVALID_TIMESTAMP", AuthenticationError),
    (401, "CLOCK_SKEW", AuthenticationError),
    (401, "INVALID_KEY", AuthenticationError),
    (401, "REVOKED_KEY", AuthenticationError),
    (401, "BAD_SIGNATURE", AuthenticationError),
    (403, "INSUFFICIENT_SCOPE", PermissionDeniedError),
    (403, "OWNER_REQUIRED", PermissionDeniedError),
    (404, "NOT_FOUND", NotFoundError),
    (409, "CONFLICT", ConflictError),
    (409, "IDEMPOTENCY_KEY_REUSED", ConflictError),
    (409, "IDEMPOTENCY_KEY_IN_USE", ConflictError),
    (409, "HAS_OPEN_BALANCE", ConflictError),
    (409, "OWNER_IMMUTABLE", ConflictError),
    (410, "GONE", GoneError),
    (422, "REGION_IMMUTABLE", UnprocessableEntityError),
    (429, "RATE_LIMITED", RateLimitError),
    (500, "INTERNAL_ERROR", InternalServerError),
    (502, "INTERNAL_ERROR", InternalServerError),
    (503, "SERVICE_UNAVAILABLE", InternalServerError),
    (504, "SERVICE_UNAVAILABLE", InternalServerError),
]


@pytest.mark.parametrize(("status", "wire_code", "cls"), ROWS, ids=[f"{s}-{c}" for s, c, _ in ROWS])
def test_every_spec_row_maps_to_its_class(
    status: int, wire_code: str, cls: type[PlugipayError]
) -> None:
    details = [{"field": "email", "message": "must be an email"}]
    body = _envelope(
        wire_code, "The server said no", details=details, docUrl="https://plugipay.com/docs/e"
    )
    response = object()
    err = error_from_response(
        status,
        body,
        {"X-Request-Id": "req_from_header"},
        idempotency_key="idem_k1",
        response=response,
    )
    assert type(err) is cls
    assert err.status == status
    assert err.code == wire_code.lower()
    assert err.message == "The server said no"
    assert err.request_id == REQUEST_ID
    assert err.details == details
    assert err.doc_url == "https://plugipay.com/docs/e"
    assert err.idempotency_key == "idem_k1"
    assert err.response is response
    assert (
        str(err)
        == f"{wire_code.lower()}: The server said no (status={status}, request_id={REQUEST_ID})"
    )


def test_transport_errors_have_status_zero() -> None:
    network = PlugipayNetworkError("connection refused")
    timeout = PlugipayTimeoutError("timed out after 30s")
    assert (network.status, network.code) == (0, "network_error")
    assert (timeout.status, timeout.code) == (0, "timeout")
    assert str(timeout) == "timeout: timed out after 30s (status=0)"
    assert isinstance(timeout, PlugipayNetworkError)


def test_str_reads_like_the_guide() -> None:
    err = error_from_response(
        404,
        b'{"data":null,"error":{"code":"NOT_FOUND","message":"Customer not found"},'
        b'"meta":{"requestId":"req_123"}}',
        {},
    )
    assert str(err) == "not_found: Customer not found (status=404, request_id=req_123)"


def test_str_without_request_id() -> None:
    body = json.dumps({"data": None, "error": {"code": "NOT_FOUND", "message": "Nope"}}).encode()
    err = error_from_response(404, body, {})
    assert err.request_id is None
    assert str(err) == "not_found: Nope (status=404)"


def test_request_id_falls_back_to_the_header() -> None:
    body = json.dumps({"data": None, "error": {"code": "NOT_FOUND", "message": "x"}}).encode()
    assert error_from_response(404, body, {"X-Request-Id": "req_hdr"}).request_id == "req_hdr"
    assert error_from_response(404, body, {"x-request-id": "req_low"}).request_id == "req_low"


def test_body_request_id_wins_over_the_header() -> None:
    err = error_from_response(404, _envelope("NOT_FOUND"), {"X-Request-Id": "req_hdr"})
    assert err.request_id == REQUEST_ID


def test_details_and_doc_url_absent() -> None:
    err = error_from_response(400, _envelope("VALIDATION_ERROR"), {})
    assert err.details is None
    assert err.doc_url is None


def test_error_without_code_uses_the_class_default() -> None:
    err = error_from_response(404, _envelope(None, "gone missing"), {})
    assert type(err) is NotFoundError
    assert err.code == "not_found"


def test_error_without_message_names_the_status() -> None:
    err = error_from_response(409, _envelope("CONFLICT", None), {})
    assert err.message == "HTTP 409"


_HTML = "<!DOCTYPE html><html><body>" + "".join(str(i % 10) for i in range(1000)) + "</body></html>"


def test_non_json_body_is_invalid_response_with_a_200_character_snippet() -> None:
    err = error_from_response(
        502, _HTML.encode(), {"X-Request-Id": "req_proxy"}, idempotency_key="idem_k"
    )
    assert type(err) is InvalidResponseError
    assert err.status == 502
    assert err.code == "invalid_response"
    assert err.request_id == "req_proxy"
    assert err.idempotency_key == "idem_k"
    assert _HTML[:200] in err.message
    assert _HTML[:201] not in err.message
    assert err.message == f"HTTP 502 with a body that isn't the Plugipay envelope: {_HTML[:200]!r}"


def test_empty_body_is_invalid_response() -> None:
    err = error_from_response(500, b"", {})
    assert type(err) is InvalidResponseError
    assert (err.status, err.code) == (500, "invalid_response")
    assert err.message == "HTTP 500 with an empty body"


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": null, "meta": {"requestId": "req_1"}}',
        b'{"error": null}',
        b'{"error": "boom"}',
        b"[1, 2]",
        b'"oops"',
        b"null",
        b"\xff\xfe\x00",
    ],
)
def test_json_without_an_error_object_is_invalid_response(body: bytes) -> None:
    err = error_from_response(503, body, {})
    assert type(err) is InvalidResponseError
    assert err.status == 503


def test_rate_limit_retry_after_from_numeric_header() -> None:
    body = _envelope("RATE_LIMITED", "Slow down")
    err = error_from_response(429, body, {"Retry-After": "2.5"})
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 2.5
    lower = error_from_response(429, body, {"retry-after": "3"})
    assert isinstance(lower, RateLimitError)
    assert lower.retry_after == 3.0


@pytest.mark.parametrize("header", [None, "soon", "-1", "nan", "Tue, 12 May 2026 10:42:30 GMT"])
def test_rate_limit_retry_after_absent_or_not_numeric(header: str | None) -> None:
    headers = {} if header is None else {"Retry-After": header}
    err = error_from_response(429, _envelope("RATE_LIMITED"), headers)
    assert isinstance(err, RateLimitError)
    assert err.retry_after is None


def test_rate_limit_retry_after_argument_overrides_the_header() -> None:
    err = error_from_response(429, _envelope("RATE_LIMITED"), {"Retry-After": "2"}, retry_after=7.0)
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 7.0


def test_unknown_4xx_is_the_base_class_with_the_body_code() -> None:
    err = error_from_response(418, _envelope("I_AM_A_TEAPOT", "Short and stout"), {})
    assert type(err) is PlugipayError
    assert (err.status, err.code, err.message) == (418, "i_am_a_teapot", "Short and stout")


def test_unknown_4xx_without_code_is_http_status() -> None:
    err = error_from_response(418, _envelope(None, "Short and stout"), {})
    assert type(err) is PlugipayError
    assert err.code == "http_418"
    assert str(err) == f"http_418: Short and stout (status=418, request_id={REQUEST_ID})"


ALL_CLASSES: list[type[PlugipayError]] = [
    PlugipayNetworkError,
    PlugipayTimeoutError,
    InvalidResponseError,
    BadRequestError,
    AuthenticationError,
    PermissionDeniedError,
    NotFoundError,
    ConflictError,
    GoneError,
    UnprocessableEntityError,
    RateLimitError,
    InternalServerError,
    PlugipaySignatureError,
]


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_every_class_is_a_plugipay_error(cls: type[PlugipayError]) -> None:
    assert issubclass(cls, PlugipayError)
    assert issubclass(cls, Exception)


def test_timeout_is_a_network_error() -> None:
    assert issubclass(PlugipayTimeoutError, PlugipayNetworkError)
    with pytest.raises(PlugipayNetworkError):
        raise PlugipayTimeoutError("timed out")


@pytest.mark.parametrize("code", ["signature_missing", "signature_malformed", "signature_stale"])
def test_signature_error_codes(code: str) -> None:
    err = PlugipaySignatureError("webhook rejected", code=code)
    assert (err.code, err.status) == (code, 0)
    assert PlugipaySignatureError("bad").code == "signature_invalid"


@pytest.mark.parametrize("cls", [PlugipayError, *ALL_CLASSES], ids=lambda c: c.__name__)
def test_errors_pickle_round_trip(cls: type[PlugipayError]) -> None:
    err = cls(
        "Customer not found",
        status=404,
        code="not_found",
        request_id="req_123",
        details={"field": "id"},
        idempotency_key="idem_k",
        doc_url="https://plugipay.com/docs/not_found",
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.message, back.status, back.code, back.request_id) == (
        "Customer not found",
        404,
        "not_found",
        "req_123",
    )
    assert back.details == {"field": "id"}
    assert back.idempotency_key == "idem_k"
    assert back.doc_url == "https://plugipay.com/docs/not_found"
    assert str(back) == str(err)
    assert back.args == err.args


def test_rate_limit_error_pickle_keeps_retry_after() -> None:
    err = error_from_response(
        429, _envelope("RATE_LIMITED", "Slow down"), {"Retry-After": "1.5"}, idempotency_key="k"
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is RateLimitError
    assert back.retry_after == 1.5
    assert (back.status, back.code, back.message, back.request_id, back.idempotency_key) == (
        429,
        "rate_limited",
        "Slow down",
        REQUEST_ID,
        "k",
    )


def test_mapped_errors_pickle_round_trip() -> None:
    err = error_from_response(
        400,
        _envelope("VALIDATION_ERROR", "Bad email", details=[{"field": "email"}]),
        {},
        idempotency_key="idem_v",
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is BadRequestError
    assert (back.code, back.details, back.idempotency_key) == (
        "validation_error",
        [{"field": "email"}],
        "idem_v",
    )


def test_a_json_body_without_error_still_gives_its_request_id() -> None:
    body = b'{"data":null,"meta":{"requestId":"req_meta"}}'
    err = error_from_response(502, body, {"X-Request-Id": "req_header"})
    assert isinstance(err, InvalidResponseError)
    assert err.request_id == "req_meta"


# -- defaults and edges on the accepting side (the Hardening issue, item 12) ----------------------

DEFAULT_CODES = [
    (400, BadRequestError, "validation_error"),
    (401, AuthenticationError, "auth_required"),
    (403, PermissionDeniedError, "insufficient_scope"),
    (404, NotFoundError, "not_found"),
    (409, ConflictError, "conflict"),
    (410, GoneError, "gone"),
    (422, UnprocessableEntityError, "unprocessable_entity"),
    (429, RateLimitError, "rate_limited"),
    (500, InternalServerError, "internal_error"),
    (503, InternalServerError, "internal_error"),
    (599, InternalServerError, "internal_error"),
]


@pytest.mark.parametrize(
    ("status", "cls", "code"), DEFAULT_CODES, ids=[str(s) for s, _, _ in DEFAULT_CODES]
)
@pytest.mark.parametrize("wire_code", [None, ""])
def test_an_answer_without_a_code_gets_its_class_default(
    status: int, cls: type[PlugipayError], code: str, wire_code: str | None
) -> None:
    body = _envelope(None, "no code") if wire_code is None else _envelope(wire_code, "no code")
    err = error_from_response(status, body, {})
    assert type(err) is cls
    assert (err.status, err.code, err.message, err.request_id) == (
        status,
        code,
        "no code",
        REQUEST_ID,
    )


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (PlugipayError, "error"),
        (PlugipayNetworkError, "network_error"),
        (PlugipayTimeoutError, "timeout"),
        (InvalidResponseError, "invalid_response"),
        (PlugipaySignatureError, "signature_invalid"),
    ],
)
def test_errors_made_without_a_code_or_status_take_their_defaults(
    cls: type[PlugipayError], code: str
) -> None:
    err = cls("m")
    assert (err.code, err.status, err.request_id, err.details, err.doc_url) == (
        code,
        0,
        None,
        None,
        None,
    )
    assert str(err) == f"{code}: m (status=0)"
    assert repr(err) == f"{cls.__name__}(code={code!r}, status=0, message='m', request_id=None)"


def test_client_closed_default_code() -> None:
    from plugipay._exceptions import ClientClosedError

    assert ClientClosedError("closed").code == "client_closed"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (399, InvalidResponseError),
        (400, BadRequestError),
        (402, PlugipayError),
        (405, PlugipayError),
        (408, PlugipayError),
        (411, PlugipayError),
        (421, PlugipayError),
        (423, PlugipayError),
        (428, PlugipayError),
        (430, PlugipayError),
        (499, PlugipayError),
        (500, InternalServerError),
        (501, InternalServerError),
    ],
)
def test_status_edges_map_to_their_class(status: int, cls: type[PlugipayError]) -> None:
    err = error_from_response(status, _envelope("SOME_CODE", "m"), {})
    assert type(err) is cls
    assert err.status == status
    if cls is not InvalidResponseError:
        assert err.code == "some_code"


@pytest.mark.parametrize("status", [300, 301, 308, 399])
def test_every_3xx_is_a_redirect_error_never_followed(status: int) -> None:
    headers = {"Location": "https://elsewhere.example/" + "x" * 300, "X-Request-Id": "req_r"}
    err = error_from_response(status, _envelope("IGNORED"), headers)
    assert type(err) is InvalidResponseError
    assert (err.code, err.status, err.request_id) == ("redirect", status, "req_r")
    assert err.details == {"location": headers["Location"][:200]}
    lower = error_from_response(status, b"", {"location": "/x"})
    assert lower.details == {"location": "/x"}
    assert error_from_response(status, b"", {}).details == {"location": ""}


@pytest.mark.parametrize("status", [299, 400])
def test_the_statuses_beside_3xx_are_not_redirects(status: int) -> None:
    err = error_from_response(status, _envelope("X"), {"Location": "/x"})
    assert err.code != "redirect"


def test_lower_case_headers_are_read() -> None:
    err = error_from_response(500, b"", {"x-request-id": "req_lower"})
    assert err.request_id == "req_lower"


def test_doc_url_and_details_are_kept_when_given() -> None:
    err = error_from_response(
        400, _envelope("VALIDATION_ERROR", "m", details={"f": 1}, docUrl="https://d.example"), {}
    )
    assert (err.details, err.doc_url) == ({"f": 1}, "https://d.example")
    odd = error_from_response(400, _envelope("VALIDATION_ERROR", "m", docUrl=5), {})
    assert odd.doc_url is None


def test_an_empty_message_names_the_status() -> None:
    err = error_from_response(404, _envelope("NOT_FOUND", ""), {})
    assert err.message == "HTTP 404"
    odd = error_from_response(404, b'{"error":{"code":"NOT_FOUND","message":3}}', {})
    assert odd.message == "HTTP 404"


def test_a_non_string_code_is_the_class_default() -> None:
    body = b'{"error":{"code":7,"message":"m"}}'
    assert error_from_response(404, body, {}).code == "not_found"
    assert error_from_response(418, body, {}).code == "http_418"


def test_the_snippet_reads_at_most_800_bytes_of_multibyte_text() -> None:
    body = ("é" * 1000).encode()
    err = error_from_response(502, body, {})
    assert err.message == f"HTTP 502 with a body that isn't the Plugipay envelope: {'é' * 200!r}"


def test_a_non_string_request_id_in_meta_falls_back_to_the_header() -> None:
    body = b'{"error":{"code":"X"},"meta":{"requestId":5}}'
    assert error_from_response(400, body, {"X-Request-Id": "req_h"}).request_id == "req_h"


def test_rate_limit_retry_after_at_the_cap() -> None:
    err = error_from_response(429, _envelope("RATE_LIMITED"), {"Retry-After": "60"})
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 60.0
    err = error_from_response(429, _envelope("RATE_LIMITED"), {"Retry-After": "0"})
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 0.0


def test_the_usage_errors_have_their_own_codes_and_status_0() -> None:
    from plugipay import ClientClosedError, EventLoopError

    for cls, code in ((EventLoopError, "wrong_event_loop"), (ClientClosedError, "client_closed")):
        err = cls("not sent")
        assert (err.code, err.status) == (code, 0)
        assert str(err) == f"{code}: not sent (status=0)"


def test_person_only_is_its_own_permission_error_saying_what_it_means() -> None:
    from plugipay import PermissionDeniedError, PersonOnlyError

    body = b'{"data":null,"error":{"code":"PERSON_ONLY","message":"person only"},"meta":{}}'
    err = error_from_response(403, body, {})
    assert type(err) is PersonOnlyError and isinstance(err, PermissionDeniedError)
    assert (err.status, err.code) == (403, "person_only")
    assert err.message == (
        "only a person signed in to the Plugipay dashboard (a browser session) can do this: API "
        "keys and the account are managed there, and no API key may mint or revoke keys, whether "
        "HMAC-signed or a Bearer dashboard key (the server said: person only)"
    )
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is PersonOnlyError and again.message == err.message
    # Another 403 stays what it was.
    other = b'{"data":null,"error":{"code":"INSUFFICIENT_SCOPE","message":"no"},"meta":{}}'
    assert type(error_from_response(403, other, {})) is PermissionDeniedError
    # The code alone, at another status, is not taken for it.
    assert type(error_from_response(400, body, {})) is not PersonOnlyError
