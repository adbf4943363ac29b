"""Webhook verification and signing: the vectors, header shapes, rotation, typed events (SPEC §10)."""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from plugipay import webhooks
from plugipay._exceptions import InvalidResponseError, PlugipayError, PlugipaySignatureError
from plugipay.models import Customer, WebhookEvent, WorkspaceMember
from plugipay.webhooks import SIGNATURE_HEADER, sign, verify
from tests.conftest import VECTORS_DIR

VECTORS: list[dict[str, Any]] = [
    json.loads(line)
    for line in (VECTORS_DIR / "webhooks.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
VALID = VECTORS[0]
SECRET: str = VALID["secret"]
BODY: str = VALID["rawBody"]
HEADER: str = VALID["header"]
T = 1778582520
SECOND_SECRET = "whsec_second_s3cret"


def _code(**kwargs: Any) -> str:
    try:
        verify(**kwargs)
    except PlugipaySignatureError as err:
        return err.code
    return "ok"


# -- the vectors ---------------------------------------------------------------------------------


def test_there_are_ten_vectors() -> None:
    assert len(VECTORS) == 10
    assert len({v["name"] for v in VECTORS}) == 10


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    outcome = _code(
        raw_body=vector["rawBody"],
        signature_header_or_headers=vector["header"],
        secret=vector["secret"],
        now=vector["now"],
    )

    assert outcome == vector["expect"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_as_bytes_and_headers(vector: dict[str, Any]) -> None:
    outcome = _code(
        raw_body=vector["rawBody"].encode("utf-8"),
        signature_header_or_headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: vector["header"],
        },
        secret=[vector["secret"]],
        now=vector["now"],
    )

    assert outcome == vector["expect"]


def test_failures_are_plugipay_errors_with_fixed_messages() -> None:
    with pytest.raises(PlugipaySignatureError) as caught:
        verify(BODY, "", SECRET, now=T)

    err = caught.value
    assert isinstance(err, PlugipayError)
    assert err.code == "signature_missing"
    assert err.status == 0
    assert (
        str(err) == "signature_missing: The request has no X-Plugipay-Signature header (status=0)"
    )


# -- the typed event -----------------------------------------------------------------------------


def test_valid_delivery_returns_the_typed_event() -> None:
    event = verify(BODY, HEADER, SECRET, now=T + 10)

    assert isinstance(event, WebhookEvent)
    assert event.id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"
    assert event.type == "plugipay.customer.created.v1"
    assert event.account_id == "acc_01HXAAAAAAAAAAAAAAAAAAAAAA"
    assert event.workspace_id is None
    assert event.created_at == datetime(2026, 5, 12, 10, 42, 0, 124000, tzinfo=UTC)
    assert isinstance(event.data, Customer)
    assert event.data.external_id == "user_19823"
    assert event.data.email == "alice@example.com"
    assert event.data.metadata == {"segment": "enterprise"}
    assert event.data.created_at == datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
    assert event.data.created_at.tzinfo is UTC
    assert event.previous_attributes is None
    assert event.raw == json.loads(BODY)
    assert event["data"]["object"]["externalId"] == "user_19823"


def _delivery(payload: dict[str, Any], timestamp: int = T) -> tuple[bytes, str]:
    body = json.dumps(payload).encode("utf-8")
    return body, sign(body, SECRET, timestamp=timestamp)


def test_unknown_event_type_keeps_the_object_dict() -> None:
    payload = {
        "id": "evt_2",
        # A type no model declares (an event the SDK doesn't know yet).
        "type": "example.happened",
        "accountId": "acc_1",
        "createdAt": "2026-05-12T10:42:00.123Z",
        "data": {"object": {"id": "ex_1", "amountDue": 150000}},
    }
    body, header = _delivery(payload)

    event = verify(body, header, SECRET, now=T)

    assert event.data == {"id": "ex_1", "amountDue": 150000}
    assert event.raw == payload


def test_member_role_changed_carries_previous_attributes() -> None:
    payload = {
        "id": "evt_3",
        "type": "workspace.member_role_changed",
        "accountId": "acc_1",
        "workspaceId": "ws_1",
        "createdAt": "2026-05-12T10:42:00.123Z",
        "data": {
            "object": {
                "id": "mem_1",
                "email": "bo@example.com",
                "role": "admin",
                "status": "active",
            },
            "previousAttributes": {"role": "member"},
        },
    }
    body, header = _delivery(payload)

    event = verify(body, header, SECRET, now=T)

    assert isinstance(event.data, WorkspaceMember)
    assert event.data.role == "admin"
    assert event.previous_attributes == {"role": "member"}
    assert event.workspace_id == "ws_1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>oops</html>", "The webhook body is signed but isn't JSON"),
        (b"\xff\xfe", "The webhook body is signed but isn't JSON"),
        (b"[1, 2]", "The webhook body is signed but isn't a JSON object"),
        (b'{"type": "workspace.created"}', "WebhookEvent payload has no 'id'"),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_an_invalid_response(
    body: bytes, message: str
) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        verify(body, sign(body, SECRET, timestamp=T), SECRET, now=T)

    assert caught.value.message == message


# -- headers -------------------------------------------------------------------------------------


class _CaseInsensitiveHeaders(Mapping[str, str]):
    """Like Starlette's and Django's header objects: a read-only mapping that ignores case."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = {k.lower(): v for k, v in headers.items()}

    def __getitem__(self, key: str) -> str:
        return self._headers[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Plugipay-Signature": HEADER},
        {"x-plugipay-signature": HEADER},
        {"X-PLUGIPAY-SIGNATURE": HEADER, "Content-Type": "application/json"},
        httpx.Headers({"x-plugipay-signature": HEADER, "content-length": "10"}),
        _CaseInsensitiveHeaders({"X-Plugipay-Signature": HEADER}),
        {"HTTP_X_PLUGIPAY_SIGNATURE": HEADER, "CONTENT_TYPE": "application/json"},
        {b"x-plugipay-signature": HEADER.encode("ascii")},
    ],
    ids=["dict", "lower", "upper", "httpx", "case-insensitive mapping", "django META", "bytes"],
)
def test_headers_are_found_in_any_case_and_shape(headers: Any) -> None:
    assert verify(BODY, headers, SECRET, now=T).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {},
        {"Content-Type": "application/json"},
        httpx.Headers(),
        "   ",
        {SIGNATURE_HEADER: ""},
    ],
    ids=["none", "empty dict", "other headers", "empty httpx", "blank value", "empty in dict"],
)
def test_no_header_is_signature_missing(headers: Any) -> None:
    assert _code(raw_body=BODY, signature_header_or_headers=headers, secret=SECRET, now=T) == (
        "signature_missing"
    )


def test_headers_of_an_unusable_type_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="signature_header_or_headers"):
        verify(BODY, 42, SECRET, now=T)  # type: ignore[arg-type]


def test_whitespace_around_parts_is_tolerated() -> None:
    t_part, v1_part = HEADER.split(",")
    key, value = v1_part.split("=")

    for header in (
        f"{t_part}, {v1_part}",
        f"  {t_part} ,\t{v1_part}  ",
        f"t = {T} , {key} = {value}",
    ):
        assert verify(BODY, header, SECRET, now=T).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"


def test_unknown_parts_and_upper_case_hex_are_accepted() -> None:
    signature = HEADER.split("v1=")[1]

    header = f"t={T},v0=deadbeef,scheme=x,v1={signature.upper()}"

    assert verify(BODY, header, SECRET, now=T).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"


@pytest.mark.parametrize(
    "header",
    [
        f"t=12.5,v1={'a' * 64}",
        f"t=-{T},v1={'a' * 64}",
        f"t=abc,v1={'a' * 64}",
        f"t=,v1={'a' * 64}",
        f"t={'9' * 5000},v1={'a' * 64}",
        f"t={T},t={T + 1},v1={'a' * 64}",
        f"t={T},v1=",
        f"t={T}",
        "garbage",
        f"v1={'a' * 64}",
    ],
    ids=[
        "fraction",
        "negative",
        "letters",
        "empty t",
        "huge t",
        "two t",
        "empty v1",
        "no v1",
        "garbage",
        "no t",
    ],
)
def test_malformed_headers(header: str) -> None:
    assert _code(raw_body=BODY, signature_header_or_headers=header, secret=SECRET, now=T) == (
        "signature_malformed"
    )


# -- time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "tolerance", "expected"),
    [
        (T + 300, 300, "ok"),
        (T - 300, 300, "ok"),
        (T + 300.5, 300, "signature_stale"),
        (T + 301, 300, "signature_stale"),
        (T + 30, 30, "ok"),
        (T + 31, 30, "signature_stale"),
        (T, 0, "ok"),
        (T + 1, 0, "signature_stale"),
        (T + 3600, 7200, "ok"),
    ],
)
def test_tolerance(now: float, tolerance: int, expected: str) -> None:
    outcome = _code(
        raw_body=BODY,
        signature_header_or_headers=HEADER,
        secret=SECRET,
        now=now,
        tolerance=tolerance,
    )

    assert outcome == expected


def test_stale_is_checked_before_the_signature() -> None:
    forged = f"t={T},v1={'0' * 64}"

    assert _code(raw_body=BODY, signature_header_or_headers=forged, secret=SECRET, now=T + 900) == (
        "signature_stale"
    )


def test_negative_tolerance_is_refused() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        verify(BODY, HEADER, SECRET, now=T, tolerance=-1)


# -- secrets and bodies --------------------------------------------------------------------------


def test_any_secret_of_a_rotation_list_may_match() -> None:
    assert verify(BODY, HEADER, ["whsec_old", SECRET], now=T).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"
    assert verify(BODY, HEADER, (SECRET, "whsec_new"), now=T).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"
    assert _code(
        raw_body=BODY,
        signature_header_or_headers=HEADER,
        secret=["whsec_old", "whsec_new"],
        now=T,
    ) == ("signature_invalid")


def test_several_v1_and_several_secrets() -> None:
    old_header = sign(BODY, "whsec_old", timestamp=T)
    new_header = sign(BODY, "whsec_new", timestamp=T)
    both = f"{old_header},v1={new_header.split('v1=')[1]}"

    assert verify(BODY, both, "whsec_new", now=T).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"
    assert (
        verify(BODY, both, ["whsec_x", "whsec_old"], now=T).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"
    )


@pytest.mark.parametrize("secret", ["", [], [""], [SECRET, ""], None, b"whsec"])
def test_unusable_secrets_are_refused(secret: Any) -> None:
    with pytest.raises(TypeError, match="secret"):
        verify(BODY, HEADER, secret, now=T)


def test_the_raw_bytes_are_verified_not_a_re_serialization() -> None:
    pretty = json.dumps(json.loads(BODY), indent=2).encode("utf-8")

    assert _code(raw_body=pretty, signature_header_or_headers=HEADER, secret=SECRET, now=T) == (
        "signature_invalid"
    )
    assert verify(bytearray(BODY.encode("utf-8")), HEADER, SECRET, now=T).id.startswith("evt_")
    assert verify(memoryview(BODY.encode("utf-8")), HEADER, SECRET, now=T).id.startswith("evt_")


def test_a_parsed_body_is_refused() -> None:
    with pytest.raises(TypeError, match="raw_body must be the request body exactly as received"):
        verify(json.loads(BODY), HEADER, SECRET, now=T)


def test_non_ascii_bodies_and_signatures() -> None:
    body = json.dumps({"id": "evt_4", "type": "x", "note": "Bayar 🎉 ñ"}, ensure_ascii=False)
    header = sign(body, SECRET, timestamp=T)

    assert verify(body.encode("utf-8"), header, SECRET, now=T)["note"] == "Bayar 🎉 ñ"
    assert _code(
        raw_body=body, signature_header_or_headers=f"t={T},v1=ñ{'a' * 63}", secret=SECRET, now=T
    ) == ("signature_invalid")


@pytest.mark.parametrize(
    ("header", "now"),
    [
        ("", T),
        (f"v1={HEADER.split('v1=')[1]}", T),
        (HEADER, T + 10_000),
        (HEADER.replace("de820f9d", "00000000"), T),
    ],
    ids=["missing", "malformed", "stale", "invalid"],
)
def test_the_secret_and_signatures_never_appear_in_errors(header: str, now: int) -> None:
    with pytest.raises(PlugipaySignatureError) as caught:
        verify(BODY.replace("alice@", "mallory@"), header, [SECRET, SECOND_SECRET], now=now)

    rendered = [
        str(caught.value),
        repr(caught.value),
        "".join(traceback.format_exception(caught.value)),
    ]
    for text in rendered:
        assert SECRET not in text
        assert SECOND_SECRET not in text
        assert HEADER.split("v1=")[1] not in text


# -- sign ----------------------------------------------------------------------------------------


def test_sign_reproduces_the_vector() -> None:
    assert sign(BODY, SECRET, timestamp=T) == HEADER
    assert sign(BODY.encode("utf-8"), SECRET, timestamp=T) == HEADER


def test_sign_then_verify_round_trip() -> None:
    body = (
        b'{"id":"evt_5","type":"workspace.created","data":{"object":{"id":"ws_1","name":"Acme"}}}'
    )

    header = sign(body, "whsec_round_trip", timestamp=T)
    event = verify(body, {SIGNATURE_HEADER: header}, "whsec_round_trip", now=T)

    assert header.startswith(f"t={T},v1=")
    assert len(header.split("v1=")[1]) == 64
    assert event.id == "evt_5"
    assert event.data is not None and not isinstance(event.data, dict)
    assert event.data["name"] == "Acme"


def test_sign_defaults_to_the_current_time() -> None:
    before = int(time.time())
    header = sign(BODY, SECRET)
    after = int(time.time())

    timestamp = int(header.split(",")[0].removeprefix("t="))
    assert before <= timestamp <= after
    assert verify(BODY, header, SECRET).id == "evt_01HXCCCCCCCCCCCCCCCCCCCCCC"


@pytest.mark.parametrize("timestamp", [-1, True, 1.5, "1778582520"])
def test_sign_refuses_bad_timestamps(timestamp: Any) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        sign(BODY, SECRET, timestamp=timestamp)


@pytest.mark.parametrize("secret", ["", None, ["whsec"]])
def test_sign_refuses_bad_secrets(secret: Any) -> None:
    with pytest.raises(TypeError, match="secret"):
        sign(BODY, secret)


def test_public_surface() -> None:
    assert webhooks.__all__ == ["SIGNATURE_HEADER", "event_kind", "sign", "verify"]
    assert SIGNATURE_HEADER == "X-Plugipay-Signature"


# -- the accepting side at its edges (the Hardening issue, item 12) -------------------------------

_EVENT = b'{"id":"evt_0","type":"customer.created","data":{"object":{"id":"cus_1"}}}'


@pytest.mark.parametrize("timestamp", [0, 1, 9, 10**14, 10**15 - 1])
def test_sign_and_verify_take_every_timestamp_from_zero_to_fifteen_digits(timestamp: int) -> None:
    header = sign(_EVENT, SECRET, timestamp=timestamp)
    assert header.startswith(f"t={timestamp},v1=")
    assert verify(_EVENT, header, SECRET, now=timestamp).id == "evt_0"


def test_sign_at_zero_is_the_hmac_of_0_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"0." + _EVENT, hashlib.sha256).hexdigest()
    assert sign(_EVENT, SECRET, timestamp=0) == f"t=0,v1={expected}"
    assert sign(bytearray(_EVENT), SECRET, timestamp=0) == f"t=0,v1={expected}"
    assert sign(memoryview(_EVENT), SECRET, timestamp=0) == f"t=0,v1={expected}"


def test_a_sixteen_digit_timestamp_is_malformed() -> None:
    header = f"t={10**15},v1={'a' * 64}"
    assert _code(
        raw_body=_EVENT, signature_header_or_headers=header, secret=SECRET, now=10**15
    ) == ("signature_malformed")


def test_the_same_t_twice_is_accepted_and_a_blank_v1_beside_a_good_one_is_ignored() -> None:
    good = sign(_EVENT, SECRET, timestamp=T)
    t_part, v1_part = good.split(",")
    for header in (
        f"{t_part},{t_part},{v1_part}",
        f"{t_part},v1=,{v1_part}",
        f"{v1_part},{t_part}",
    ):
        assert verify(_EVENT, header, SECRET, now=T).id == "evt_0"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_PLUGIPAY_SIGNATURE": "{h}"},
        {"x_plugipay_signature": "{h}"},
        {b"X-Plugipay-Signature": b"{h}"},
        [("X-Plugipay-Signature", "{h}")],
    ],
    ids=["django-meta", "underscores", "bytes", "pairs"],
)
def test_headers_in_every_spelling_are_found(headers: Any) -> None:
    header = sign(_EVENT, SECRET, timestamp=T)

    def fill(v: Any) -> Any:
        return v.replace(b"{h}", header.encode()) if isinstance(v, bytes) else v.format(h=header)

    if isinstance(headers, list):
        source: Any = httpx.Headers([(k, fill(v)) for k, v in headers])
    else:
        source = {k: fill(v) for k, v in headers.items()}
    assert verify(_EVENT, source, SECRET, now=T).id == "evt_0"


def test_a_header_split_over_two_fields_is_joined() -> None:
    header = sign(_EVENT, SECRET, timestamp=T)
    t_part, v1_part = header.split(",")
    # Two fields of one name in different case (httpx.Headers would join them itself).
    headers = {"X-Plugipay-Signature": t_part, "x-plugipay-signature": v1_part}
    assert verify(_EVENT, headers, SECRET, now=T).id == "evt_0"


def test_tolerance_exactly_at_the_default() -> None:
    header = sign(_EVENT, SECRET, timestamp=T)
    assert verify(_EVENT, header, SECRET, now=T + 300).id == "evt_0"
    assert verify(_EVENT, header, SECRET, now=T - 300).id == "evt_0"
    for now in (T + 301, T - 301):
        assert _code(
            raw_body=_EVENT, signature_header_or_headers=header, secret=SECRET, now=now
        ) == ("signature_stale")


def test_a_float_tolerance_at_its_edge() -> None:
    header = sign(_EVENT, SECRET, timestamp=T)
    assert verify(_EVENT, header, SECRET, now=T + 0.5, tolerance=0.5).id == "evt_0"
    assert _code(
        raw_body=_EVENT,
        signature_header_or_headers=header,
        secret=SECRET,
        now=T + 0.75,
        tolerance=0.5,
    ) == ("signature_stale")


def test_a_webhook_at_the_depth_limit_is_read_and_one_deeper_refused() -> None:
    from plugipay._json import MAX_DEPTH

    def nested(levels: int) -> str:
        inner = "1"
        for _ in range(levels):
            inner = f"[{inner}]"
        return inner

    ok = f'{{"id":"evt_d","type":"x.y","data":{{"object":{{"a":{nested(MAX_DEPTH - 3)}}}}}}}'.encode()
    assert verify(ok, sign(ok, SECRET, timestamp=T), SECRET, now=T).id == "evt_d"
    deep = f'{{"id":"evt_d","type":"x.y","data":{{"object":{{"a":{nested(MAX_DEPTH - 2)}}}}}}}'.encode()
    with pytest.raises(InvalidResponseError, match="deeper than 64"):
        verify(deep, sign(deep, SECRET, timestamp=T), SECRET, now=T)


def test_a_v1_that_cannot_be_encoded_never_matches() -> None:
    header = f"t={T},v1=\ud800{'a' * 63}"
    assert _code(raw_body=_EVENT, signature_header_or_headers=header, secret=SECRET, now=T) == (
        "signature_invalid"
    )
