"""Limits on what goes out and what is read: nesting depth, webhook tolerance (the Hardening
issue, item 8). Each is a clear ``ValueError``/``TypeError`` or ``InvalidResponseError``, never a
``RecursionError`` or a comparison ``TypeError`` from deep inside."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plugipay import InvalidResponseError
from plugipay._envelope import decode_envelope
from plugipay._exceptions import error_from_response
from plugipay._json import MAX_DEPTH, canonical_body, canonical_json
from plugipay.webhooks import sign, verify

SECRET = "whsec_limits"


def _nested(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for i in range(levels):
        value = {"k": value} if i % 2 else [value]
    return value


def test_a_body_exactly_at_the_depth_limit_is_sent() -> None:
    body = {"a": _nested(MAX_DEPTH - 1)}
    assert canonical_json(body).count("[") + canonical_json(body).count("{") == MAX_DEPTH
    assert canonical_body(body).startswith(b'{"a":')


@pytest.mark.parametrize("levels", [MAX_DEPTH, 5_000])
def test_a_body_past_the_depth_limit_is_refused_before_sending(levels: int) -> None:
    with pytest.raises(ValueError, match=f"deeper than {MAX_DEPTH} levels"):
        canonical_body({"a": _nested(levels)})


def test_request_refuses_a_deep_body_before_any_request() -> None:
    from plugipay.testing import FakePlugipay

    fake = FakePlugipay(seed=1)
    with fake.client() as plug, pytest.raises(ValueError, match="deeper than 64 levels"):
        plug.request("POST", "/api/v1/customers", body={"metadata": _nested(5_000)})
    assert list(fake.requests) == []


def _signed(body: bytes) -> tuple[bytes, str]:
    return body, sign(body, SECRET, timestamp=1_000)


def test_a_signed_webhook_nested_5000_deep_is_an_invalid_response() -> None:
    body, header = _signed(b'{"id":"evt_1","data":' + b"[" * 5_000 + b"]" * 5_000 + b"}")
    with pytest.raises(InvalidResponseError, match=r"nested too deeply|deeper than 64"):
        verify(body, header, SECRET, now=1_000)


def test_a_signed_webhook_past_the_depth_limit_is_an_invalid_response() -> None:
    payload = {"id": "evt_1", "type": "x", "data": {"object": _nested(MAX_DEPTH)}}
    body, header = _signed(json.dumps(payload).encode())
    with pytest.raises(InvalidResponseError, match=f"deeper than {MAX_DEPTH} levels"):
        verify(body, header, SECRET, now=1_000)


def test_a_signed_webhook_within_the_limit_is_read() -> None:
    payload = {"id": "evt_1", "type": "x", "data": {"object": {"deep": _nested(MAX_DEPTH - 4)}}}
    body, header = _signed(json.dumps(payload).encode())
    assert verify(body, header, SECRET, now=1_000).id == "evt_1"


@pytest.mark.parametrize(
    ("tolerance", "error", "message"),
    [
        (None, TypeError, "tolerance must be a number of seconds, not NoneType"),
        ("300", TypeError, "tolerance must be a number of seconds, not str"),
        (True, TypeError, "tolerance must be a number of seconds, not bool"),
        (-1, ValueError, "tolerance must be zero or more seconds"),
        (float("nan"), ValueError, "tolerance must be zero or more seconds"),
    ],
)
def test_webhook_tolerance_is_validated(tolerance: Any, error: type, message: str) -> None:
    body, header = _signed(b'{"id":"evt_1"}')
    with pytest.raises(error, match=message):
        verify(body, header, SECRET, now=1_000, tolerance=tolerance)


def test_webhook_tolerance_may_be_a_float_or_zero() -> None:
    body, header = _signed(b'{"id":"evt_1"}')
    assert verify(body, header, SECRET, now=1_000.5, tolerance=0.5).id == "evt_1"
    assert verify(body, header, SECRET, now=1_000, tolerance=0).id == "evt_1"


def test_answers_nested_too_deeply_are_invalid_responses_with_their_status() -> None:
    deep = b'{"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(InvalidResponseError, match="nested too deeply") as err:
        decode_envelope(200, deep, "req_1")
    assert (err.value.status, err.value.request_id) == (200, "req_1")
    error = error_from_response(500, deep, {"x-request-id": "req_2"})
    assert (error.status, error.request_id) == (500, "req_2")


@pytest.mark.parametrize("kind", ["objects", "arrays"])
def test_exactly_max_depth_of_one_kind_is_sent_and_one_more_refused(kind: str) -> None:
    def nest(levels: int) -> Any:
        value: Any = 1
        for _ in range(levels):
            value = {"k": value} if kind == "objects" else [value]
        return value

    assert canonical_json(nest(MAX_DEPTH)).count("{" if kind == "objects" else "[") == MAX_DEPTH
    with pytest.raises(ValueError, match=f"deeper than {MAX_DEPTH} levels"):
        canonical_json(nest(MAX_DEPTH + 1))


def test_a_signed_webhook_whose_deep_branch_comes_before_a_scalar_is_still_measured() -> None:
    deep = json.dumps({"id": "evt_1", "data": {"object": _nested(MAX_DEPTH)}, "z": 1}).encode()
    body, header = _signed(deep)
    with pytest.raises(InvalidResponseError, match=f"deeper than {MAX_DEPTH} levels"):
        verify(body, header, SECRET, now=1_000)
