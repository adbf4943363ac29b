"""README's promise, enumerated: everything a call raises is a ``PlugipayError``, except the
argument errors README lists (``ValueError`` for a bad value, ``TypeError`` for a wrong type),
which come before any request. One case per failure mode the Hardening issue found."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from plugipay import (
    AsyncPlugipayClient,
    ClientClosedError,
    EventLoopError,
    InvalidResponseError,
    PlugipayClient,
    PlugipayError,
    PlugipayTimeoutError,
)
from plugipay.testing import FakePlugipay
from plugipay.webhooks import sign, verify
from tests._async.helpers import BASE_URL, KEY_ID, SECRET
from tests.slow_server import SlowServer


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


ARGUMENT_ERRORS: list[tuple[str, Callable[[PlugipayClient], object], type[Exception]]] = [
    ("an id of 70,000 characters", lambda p: p.customers.get("x" * 70_000), ValueError),
    ("an id with a slash-dot path", lambda p: p.customers.get(".."), ValueError),
    ("an id that isn't a str", lambda p: p.customers.get(7), TypeError),  # type: ignore[arg-type]
    (
        "a body nested 5,000 deep",
        lambda p: p.request("POST", "/api/v1/customers", body={"x": _deep(5_000)}),
        ValueError,
    ),
    ("NaN in a body", lambda p: p.request("POST", "/x", body={"n": float("nan")}), ValueError),
    ("an empty name", lambda p: p.customers.create(name=""), ValueError),
    (
        "an idempotency key with a space",
        lambda p: p.customers.create(idempotency_key="a b"),
        ValueError,
    ),
    (
        "metadata over its limits",
        lambda p: p.customers.create(metadata={"k": "v" * 501}),
        ValueError,
    ),
    (
        "a metadata value that isn't a str",
        lambda p: p.customers.create(metadata={"k": 1}),
        TypeError,
    ),  # type: ignore[dict-item]
    ("a request() path with %2e%2e", lambda p: p.request("GET", "/api/v1/%2e%2e/x"), ValueError),
    ("max_retries of 10**9", lambda p: p.with_options(max_retries=10**9), ValueError),
    ("on_behalf_of with a space", lambda p: p.for_merchant("acc 1"), ValueError),
]


@pytest.mark.parametrize(
    ("what", "call", "kind"), ARGUMENT_ERRORS, ids=[case[0] for case in ARGUMENT_ERRORS]
)
def test_argument_errors_are_value_or_type_errors_before_any_request(
    what: str, call: Callable[[PlugipayClient], object], kind: type[Exception]
) -> None:
    fake = FakePlugipay(seed=1)
    with fake.client(max_retries=0) as plug, pytest.raises(kind):
        call(plug)
    assert list(fake.requests) == [], what


def test_plain_http_to_another_machine_is_a_value_error_at_construction() -> None:
    with pytest.raises(ValueError, match="base_url must use https"):
        PlugipayClient(api_key="pk_live_x", base_url="http://203.0.113.5")


def test_webhook_tolerance_of_the_wrong_type_is_a_type_error() -> None:
    body = b'{"id":"evt_1"}'
    with pytest.raises(TypeError, match="tolerance must be a number"):
        verify(body, sign(body, "whsec_1", timestamp=5), "whsec_1", now=5, tolerance=None)  # type: ignore[arg-type]


def _answers() -> list[tuple[str, httpx.Response]]:
    return [
        ("a redirect", httpx.Response(307, headers={"location": "https://evil.example/x"})),
        (
            "a 200 carrying an error envelope",
            httpx.Response(200, json={"data": None, "error": {"code": "NOT_FOUND"}, "meta": {}}),
        ),
        ("a 204 to a call that returns an object", httpx.Response(204)),
        (
            "a wrongly typed field",
            httpx.Response(200, json={"data": {"id": "cus_1", "createdAt": 5}, "meta": {}}),
        ),
        ("a body that isn't JSON", httpx.Response(200, content=b"<html>")),
        ("a body nested too deeply", httpx.Response(200, content=b"[" * 100_000)),
    ]


@pytest.mark.parametrize(("what", "answer"), _answers(), ids=[a[0] for a in _answers()])
def test_unusable_answers_are_plugipay_errors_that_keep_their_status(
    what: str, answer: httpx.Response
) -> None:
    with (
        respx.mock(base_url=BASE_URL) as server,
        PlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=BASE_URL) as plug,
    ):
        server.get("/api/v1/customers/cus_1").mock(return_value=answer)
        with pytest.raises(InvalidResponseError) as info:
            plug.customers.get("cus_1")
    assert isinstance(info.value, PlugipayError)
    assert info.value.status == answer.status_code, what


def test_a_call_after_close_is_a_plugipay_error() -> None:
    with SlowServer("body", gap=0.0) as server:
        plug = PlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=server.url)
        assert plug.customers.get("cus_1").id == "cus_1"
        plug.close()
        with pytest.raises(ClientClosedError) as info:
            plug.customers.create(email="a@example.com", idempotency_key="after-close")
    assert info.value.idempotency_key == "after-close"


def test_a_slow_body_is_a_plugipay_timeout_error() -> None:
    with (
        SlowServer("body", gap=0.05) as slow,
        PlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=slow.url, timeout=0.5, max_retries=0
        ) as plug,
        pytest.raises(PlugipayTimeoutError),
    ):
        plug.customers.get("cus_1")


def test_an_async_client_used_under_a_second_asyncio_run_is_a_plugipay_error() -> None:
    """It used to raise a bare ``RuntimeError: Event loop is closed`` from httpx's pool."""
    with SlowServer("body", gap=0.0) as server:
        plug = AsyncPlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=server.url)

        async def get() -> str:
            return (await plug.customers.get("cus_1")).id

        assert asyncio.run(get()) == "cus_1"
        with pytest.raises(EventLoopError, match="first used on another event loop") as info:
            asyncio.run(get())
        assert isinstance(info.value, PlugipayError)
        assert info.value.code == "wrong_event_loop"
