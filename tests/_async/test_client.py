"""The async client's send loop against a mocked server (respx): signing, URLs, retries, errors."""

from __future__ import annotations

import enum
import json
import logging
import random
import re

import httpx
import pytest
import respx

from plugipay import (
    AsyncPlugipayClient,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    PlugipayError,
    PlugipayNetworkError,
    PlugipayTimeoutError,
    RateLimitError,
)
from plugipay._retry import backoff_delay
from plugipay._signing import sign_request
from tests._async.helpers import (
    BASE_URL,
    KEY_ID,
    SECRET,
    FakeTime,
    envelope,
    error,
    verify_signature,
)

pytestmark = pytest.mark.anyio


async def test_signature_recomputed_by_the_server_matches(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.post("/api/v1/customers").mock(return_value=envelope({"id": "cus_1"}))
    data = await plug.request("POST", "/api/v1/customers", body={"name": "Zoë 😀", "n": 1.0})
    assert data == {"id": "cus_1"}
    sent = route.calls.last.request
    assert verify_signature(sent)
    assert sent.content == '{"name":"Zoë 😀","n":1}'.encode()
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["x-plugipay-timestamp"] == "1778582520"
    assert sent.headers["idempotency-key"].startswith("idem_")


async def test_get_sends_no_body_and_no_idempotency_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.get("/api/v1/workspaces").mock(return_value=envelope([]))
    await plug.request("GET", "/api/v1/workspaces", query={"limit": 5, "archived": True})
    sent = route.calls.last.request
    assert sent.url.raw_path == b"/api/v1/workspaces?limit=5&archived=true"
    assert sent.content == b""
    assert "content-type" not in sent.headers
    assert "idempotency-key" not in sent.headers
    assert verify_signature(sent)


async def test_url_goes_out_byte_for_byte_as_signed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.route().mock(return_value=envelope({"id": "x"}))
    await plug.request(
        "GET", "/api/v1/customers", query=[("email", "a+b c@ex.com"), ("q", "zoë/../x")]
    )
    sent = route.calls.last.request
    assert sent.url.raw_path == b"/api/v1/customers?email=a%2Bb%20c%40ex.com&q=zo%C3%AB%2F..%2Fx"
    assert verify_signature(sent)


async def test_post_retries_two_503s_with_one_key_each_attempt_signed_afresh(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: FakeTime
) -> None:
    fake_time.tick = 2.0
    route = server.post("/api/v1/customers").mock(
        side_effect=[
            error(503, "SERVICE_UNAVAILABLE"),
            error(503, "SERVICE_UNAVAILABLE"),
            envelope({"id": "cus_1"}, 201),
        ]
    )
    assert await plug.request("POST", "/api/v1/customers", body={"name": "A"}) == {"id": "cus_1"}
    requests = [call.request for call in route.calls]
    assert len(requests) == 3
    keys = {r.headers["idempotency-key"] for r in requests}
    assert len(keys) == 1
    timestamps = [r.headers["x-plugipay-timestamp"] for r in requests]
    assert len(set(timestamps)) == 3, "the virtual clock moved between attempts"
    for r in requests:
        assert verify_signature(r)
    # Full jitter from the client's seeded rng (conftest: Random(7)): uniform(0, 0.5 * 2**n).
    rng = random.Random(7)
    assert fake_time.sleeps == [backoff_delay(0, rng), backoff_delay(1, rng)]
    assert 0 < fake_time.sleeps[0] <= 0.5
    assert 0 < fake_time.sleeps[1] <= 1.0


async def test_caller_idempotency_key_is_used_on_every_attempt(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.patch("/api/v1/customers/cus_1").mock(
        side_effect=[httpx.ConnectError("refused"), envelope({"id": "cus_1"})]
    )
    await plug.request(
        "PATCH", "/api/v1/customers/cus_1", body={"name": "B"}, idempotency_key="import-42"
    )
    assert [c.request.headers["idempotency-key"] for c in route.calls] == ["import-42"] * 2


async def test_retry_after_is_waited_exactly(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: FakeTime
) -> None:
    server.get("/api/v1/customers").mock(
        side_effect=[error(429, "RATE_LIMITED", **{"Retry-After": "0.2"}), envelope([])]
    )
    assert await plug.request("GET", "/api/v1/customers") == []
    assert fake_time.sleeps == [pytest.approx(0.2, abs=1e-9)]


@pytest.mark.parametrize(
    ("status", "code", "exc"),
    [
        (400, "VALIDATION_ERROR", BadRequestError),
        (401, "BAD_SIGNATURE", AuthenticationError),
        (404, "NOT_FOUND", NotFoundError),
        (409, "CONFLICT", ConflictError),
        (409, "IDEMPOTENCY_KEY_REUSED", ConflictError),
    ],
)
async def test_no_retry_on_client_errors(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    fake_time: FakeTime,
    status: int,
    code: str,
    exc: type[PlugipayError],
) -> None:
    route = server.post("/api/v1/customers").mock(return_value=error(status, code))
    with pytest.raises(exc) as info:
        await plug.request("POST", "/api/v1/customers", body={"a": "b"}, idempotency_key="k1")
    assert route.call_count == 1
    assert fake_time.sleeps == []
    assert type(info.value) is exc
    assert info.value.status == status
    assert info.value.code == code.lower()
    assert info.value.idempotency_key == "k1"


async def test_in_use_conflict_is_retried(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.post("/api/v1/customers").mock(
        side_effect=[error(409, "IDEMPOTENCY_KEY_IN_USE"), envelope({"id": "cus_1"})]
    )
    await plug.request("POST", "/api/v1/customers", body={"a": "b"})
    assert route.call_count == 2


async def test_max_retries_zero_means_one_attempt(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.get("/api/v1/customers").mock(return_value=error(503, "SERVICE_UNAVAILABLE"))
    with pytest.raises(InternalServerError):
        await plug.with_options(max_retries=0).request("GET", "/api/v1/customers")
    assert route.call_count == 1


async def test_retries_give_up_after_max_retries_with_the_last_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: FakeTime
) -> None:
    route = server.get("/api/v1/customers").mock(return_value=error(502, "INTERNAL_ERROR"))
    with pytest.raises(InternalServerError) as info:
        await plug.request("GET", "/api/v1/customers")
    assert route.call_count == 3
    assert len(fake_time.sleeps) == 2
    assert info.value.status == 502


async def test_timeout_raises_timeout_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.get("/api/v1/customers").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(PlugipayTimeoutError) as info:
        await plug.request("GET", "/api/v1/customers")
    assert info.value.status == 0
    assert info.value.code == "timeout"
    assert route.call_count == 3


async def test_connection_error_raises_network_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(PlugipayNetworkError) as info:
        await plug.with_options(max_retries=0).request("GET", "/api/v1/customers")
    assert info.value.code == "network_error"
    assert not isinstance(info.value, PlugipayTimeoutError)


async def test_rate_limit_error_carries_retry_after(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers").mock(
        return_value=error(429, "RATE_LIMITED", **{"Retry-After": "3"})
    )
    with pytest.raises(RateLimitError) as info:
        await plug.with_options(max_retries=0).request("GET", "/api/v1/customers")
    assert info.value.retry_after == 3.0


@pytest.mark.parametrize("bad_id", ["", ".", ".."])
async def test_unusable_ids_are_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient, bad_id: str
) -> None:
    route = server.route().mock(return_value=envelope({}))
    with pytest.raises(ValueError, match="customer_id"):
        await plug.customers.get(bad_id)
    with pytest.raises(ValueError, match="workspace_id"):
        await plug.workspaces.update(bad_id, name="x")
    assert route.call_count == 0


async def test_header_values_with_crlf_are_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.route().mock(return_value=envelope({}))
    with pytest.raises(ValueError, match="idempotency_key"):
        await plug.request("POST", "/api/v1/customers", body={}, idempotency_key="a\r\nX-Evil: 1")
    with pytest.raises(ValueError, match="on_behalf_of"):
        plug.for_merchant("acc_1\r\nX-Evil: 1")
    with pytest.raises(ValueError, match="key_id"):
        AsyncPlugipayClient(key_id="ak\r\nX: 1", secret=SECRET, base_url=BASE_URL)
    assert route.call_count == 0


async def test_for_merchant_sends_on_behalf_of_and_leaves_the_original_unchanged(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.get("/api/v1/customers").mock(return_value=envelope([]))
    merchant = plug.for_merchant("acc_merchantA")
    await merchant.request("GET", "/api/v1/customers")
    await plug.request("GET", "/api/v1/customers")
    first, second = (c.request for c in route.calls)
    assert first.headers["x-plugipay-on-behalf-of"] == "acc_merchantA"
    assert "x-plugipay-on-behalf-of" not in second.headers
    assert merchant._shared is plug._shared
    await merchant.aclose()
    assert not plug._shared.http.is_closed, "a clone never closes the pool it doesn't own"


async def test_caller_http_client_is_never_closed() -> None:
    http = httpx.AsyncClient()
    async with AsyncPlugipayClient(key_id=KEY_ID, secret=SECRET, http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()


async def test_own_pool_is_closed_on_exit() -> None:
    plug = AsyncPlugipayClient(key_id=KEY_ID, secret=SECRET)
    async with plug:
        pass
    assert plug._shared.http.is_closed


async def test_repr_hides_the_secret() -> None:
    plug = AsyncPlugipayClient(key_id=KEY_ID, secret=SECRET)
    text = repr(plug) + repr(plug._config) + repr(plug.for_merchant("acc_1"))
    assert SECRET not in text
    assert KEY_ID in text
    await plug.aclose()


async def test_bearer_api_key(server: respx.MockRouter) -> None:
    route = server.get("/api/v1/customers").mock(return_value=envelope([]))
    async with AsyncPlugipayClient(api_key="pk_test_abc", base_url=BASE_URL) as plug:
        await plug.request("GET", "/api/v1/customers")
    sent = route.calls.last.request
    assert sent.headers["authorization"] == "Bearer pk_test_abc"
    assert "x-plugipay-timestamp" not in sent.headers


async def test_base_url_path_prefix_is_part_of_the_signed_path(server: respx.MockRouter) -> None:
    route = server.delete("/prefix/api/v1/workspaces/ws_1").mock(return_value=httpx.Response(204))
    async with AsyncPlugipayClient(
        key_id=KEY_ID, secret=SECRET, base_url=BASE_URL + "/prefix/"
    ) as plug:
        assert await plug.request("DELETE", "/api/v1/workspaces/ws_1") is None
    sent = route.calls.last.request
    assert sent.url.raw_path == b"/prefix/api/v1/workspaces/ws_1"
    assert verify_signature(sent)


async def test_non_json_error_page_is_an_invalid_response(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers").mock(
        return_value=httpx.Response(400, text="<html>" + "x" * 500 + "</html>")
    )
    with pytest.raises(InvalidResponseError) as info:
        await plug.request("GET", "/api/v1/customers")
    assert info.value.status == 400
    assert "<html>" in info.value.message


def test_sign_request_matches_vector_for_sanity() -> None:
    body = json.dumps({"name": "Zoë Ünïcødé 😀"}, ensure_ascii=False, separators=(",", ":"))
    assert (
        sign_request(SECRET, "POST", "/api/v1/customers", "1778582520", body.encode(), "idem_u")
        == "9bc5e528e61aec0c0f041143f8f8e49ae5a406753813c8637d82d68714c5186d"
    )


async def test_a_redirect_is_an_error_not_a_silent_success(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.delete("/api/v1/workspaces/ws_1").mock(
        return_value=httpx.Response(301, headers={"Location": "https://elsewhere.test/"})
    )
    with pytest.raises(InvalidResponseError) as info:
        await plug.request("DELETE", "/api/v1/workspaces/ws_1", idempotency_key="del-1")
    assert info.value.status == 301
    assert info.value.idempotency_key == "del-1"
    assert route.call_count == 1


async def test_a_success_status_carrying_an_error_keeps_its_code_status_and_request_id(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = {
        "data": None,
        "error": {"code": "NOT_FOUND", "message": "Customer not found"},
        "meta": {"requestId": "req_in_meta"},
    }
    server.get("/api/v1/customers/cus_1").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(InvalidResponseError) as info:
        await plug.customers.get("cus_1")
    assert (info.value.status, info.value.code, info.value.request_id) == (
        200,
        "not_found",
        "req_in_meta",
    )
    assert "Customer not found" in str(info.value)


async def test_a_204_to_a_create_keeps_its_status_request_id_and_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/customers").mock(
        return_value=httpx.Response(204, headers={"X-Request-Id": "req_204"})
    )
    with pytest.raises(InvalidResponseError) as info:
        await plug.customers.create(email="a@example.com", idempotency_key="c-1")
    assert (info.value.status, info.value.request_id, info.value.idempotency_key) == (
        204,
        "req_204",
        "c-1",
    )
    assert info.value.code == "invalid_response"


async def test_a_wrongly_typed_field_keeps_the_answers_status_and_request_id(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers/cus_1").mock(
        return_value=envelope({"id": "cus_1", "createdAt": 12}, **{"X-Request-Id": "req_typed"})
    )
    with pytest.raises(InvalidResponseError, match=r"Customer\.created_at") as info:
        await plug.customers.get("cus_1")
    assert (info.value.status, info.value.request_id) == (200, "req_typed")


# httpx leaves its own body iterator unclosed when decoding fails; trio reports that at GC.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_body_that_cannot_be_decoded_is_retried_as_a_network_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.post("/api/v1/customers").mock(
        side_effect=[
            httpx.Response(
                200, stream=httpx.ByteStream(b"not gzip"), headers={"Content-Encoding": "gzip"}
            ),
            envelope({"id": "cus_1"}),
        ]
    )
    assert await plug.request("POST", "/api/v1/customers", body={"a": "b"}) == {"id": "cus_1"}
    keys = {call.request.headers["idempotency-key"] for call in route.calls}
    assert route.call_count == 2
    assert len(keys) == 1


async def test_an_html_success_page_on_a_write_carries_the_idempotency_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/customers").mock(return_value=httpx.Response(200, text="<html>hi</html>"))
    with pytest.raises(InvalidResponseError) as info:
        await plug.customers.create(email="a@example.com", idempotency_key="import-9")
    assert info.value.idempotency_key == "import-9"
    assert info.value.status == 200


async def test_a_429_without_retries_left_still_closes_the_client_wide_gate(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: FakeTime
) -> None:
    server.get("/api/v1/customers").mock(
        return_value=error(429, "RATE_LIMITED", **{"Retry-After": "1.5"})
    )
    with pytest.raises(RateLimitError):
        await plug.with_options(max_retries=0).request("GET", "/api/v1/customers")
    assert plug._shared.gate.reopens_at == pytest.approx(fake_time.now + 1.5)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers/cus 1",
        "/api/v1/customers/../workspaces",
        "/api/v1/customers/./x",
        "/api/v1/customers/zoë",
        "api/v1/customers",
        "/api/v1/customers?limit=1",
    ],
)
async def test_request_paths_that_would_be_re_encoded_are_refused(
    server: respx.MockRouter, plug: AsyncPlugipayClient, path: str
) -> None:
    with pytest.raises(ValueError, match="path"):
        await plug.request("GET", path)
    assert server.calls.call_count == 0


@pytest.mark.parametrize(
    "base_url",
    [
        "https://user:hunter2@api.plugipay.test",
        "https://api.plugipay.test/pre fix",
        "https://api.plugipay.test/a/../b",
        "ftp://api.plugipay.test",
    ],
)
def test_unusable_base_urls_are_refused_without_echoing_credentials(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url") as info:
        AsyncPlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=base_url)
    assert "hunter2" not in str(info.value)


async def test_an_empty_on_behalf_of_is_refused(plug: AsyncPlugipayClient) -> None:
    with pytest.raises(ValueError, match="on_behalf_of"):
        plug.with_options(on_behalf_of="")


async def test_enum_values_go_out_as_their_values(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    class Mode(str, enum.Enum):  # noqa: UP042 (a str mixin, whose str() is the name)
        LIVE = "live"

    class Size(enum.IntEnum):
        TEN = 10

    route = server.route().mock(return_value=envelope([]))
    await plug.request(
        "GET", "/api/v1/workspaces", query=[("mode", Mode.LIVE), ("limit", Size.TEN)]
    )
    await plug.request("POST", "/api/v1/customers", body={"n": Size.TEN, "m": Mode.LIVE})
    get, post = (call.request for call in route.calls)
    assert get.url.raw_path == b"/api/v1/workspaces?mode=live&limit=10"
    assert post.content == b'{"n":10,"m":"live"}'


async def test_an_explicit_api_key_is_not_overridden_by_environment_signing_keys(
    monkeypatch: pytest.MonkeyPatch, server: respx.MockRouter
) -> None:
    monkeypatch.setenv("PLUGIPAY_KEY_ID", "ak_env")
    monkeypatch.setenv("PLUGIPAY_SECRET", "sk_env")
    route = server.get("/api/v1/customers").mock(return_value=envelope([]))
    async with AsyncPlugipayClient(api_key="pk_test_explicit", base_url=BASE_URL) as plug:
        await plug.request("GET", "/api/v1/customers")
    assert route.calls.last.request.headers["authorization"] == "Bearer pk_test_explicit"


async def test_logs_one_debug_line_per_attempt_and_info_on_retries(
    server: respx.MockRouter, plug: AsyncPlugipayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="plugipay")
    server.post("/api/v1/customers").mock(
        side_effect=[
            httpx.ConnectError("refused"),
            error(503, "SERVICE_UNAVAILABLE", **{"X-Request-Id": "req_a"}),
            envelope({"id": "cus_1"}, 201, **{"X-Request-Id": "req_b"}),
        ]
    )
    await plug.request("POST", "/api/v1/customers", body={"email": "a@example.com"})
    lines = [
        (r.levelname, re.sub(r"in \d+\.\dms", "in Tms", r.getMessage())) for r in caplog.records
    ]
    retries = [text for level, text in lines if level == "INFO"]
    assert [text for level, text in lines if level == "DEBUG"] == [
        "POST /api/v1/customers -> network_error in Tms request_id=None attempt=1",
        "POST /api/v1/customers -> 503 in Tms request_id=req_a attempt=2",
        "POST /api/v1/customers -> 201 in Tms request_id=req_b attempt=3",
    ]
    assert len(retries) == 2
    assert retries[0].startswith(
        "retrying POST /api/v1/customers after network_error (attempt 2 of 3)"
    )
    assert all("a@example.com" not in text and SECRET not in text for _, text in lines)


@pytest.mark.in_memory_only
async def test_timeouts_are_per_client_and_reach_the_transport(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    route = server.get("/api/v1/customers").mock(return_value=envelope([]))
    await plug.request("GET", "/api/v1/customers")
    await plug.with_options(timeout=2.5).request("GET", "/api/v1/customers")
    await plug.with_options(timeout=httpx.Timeout(1.0, connect=0.25)).request(
        "GET", "/api/v1/customers"
    )
    sent = [call.request.extensions["timeout"] for call in route.calls]
    assert sent == [
        {"connect": 30.0, "read": 30.0, "write": 30.0, "pool": 30.0},
        {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5},
        {"connect": 0.25, "read": 1.0, "write": 1.0, "pool": 1.0},
    ]
    assert plug.timeout == 30.0


async def test_a_write_whose_pool_closes_in_flight_gets_client_closed_error_not_a_retry() -> None:
    sent: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        await http.aclose()  # the pool closes while this write is in flight
        return error(503, "SERVICE_UNAVAILABLE")

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    plug = AsyncPlugipayClient(
        key_id=KEY_ID, secret=SECRET, base_url=BASE_URL, http_client=http, _sleep=FakeTime().sleep
    )
    with pytest.raises(ClientClosedError) as info:
        await plug.request(
            "POST", "/api/v1/customers", body={"email": "a@example.com"}, idempotency_key="imp-1"
        )
    assert (info.value.status, info.value.code, info.value.idempotency_key) == (
        0,
        "client_closed",
        "imp-1",
    )
    assert str(info.value) == (
        "client_closed: POST /api/v1/customers was not sent: the client is closed "
        "(make a new client to go on) (status=0)"
    )
    assert len(sent) == 1


async def test_a_transport_failure_caused_by_the_close_is_not_retried() -> None:
    sent: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        await http.aclose()
        raise httpx.ReadError("connection closed under the request")

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    plug = AsyncPlugipayClient(
        key_id=KEY_ID, secret=SECRET, base_url=BASE_URL, http_client=http, _sleep=FakeTime().sleep
    )
    with pytest.raises(ClientClosedError) as info:
        await plug.request("DELETE", "/api/v1/workspaces/ws_1", idempotency_key="del-9")
    assert info.value.idempotency_key == "del-9"
    assert len(sent) == 1


async def test_a_call_after_close_gets_client_closed_error_and_sends_nothing(
    server: respx.MockRouter,
) -> None:
    route = server.route().mock(return_value=envelope({}))
    plug = AsyncPlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=BASE_URL)
    await plug.aclose()
    with pytest.raises(ClientClosedError) as info:
        await plug.customers.create(email="a@example.com", idempotency_key="imp-2")
    assert info.value.idempotency_key == "imp-2"
    with pytest.raises(ClientClosedError) as read:
        await plug.for_merchant("acc_1").request("GET", "/api/v1/customers")
    assert read.value.idempotency_key is None
    assert "the client is closed" in read.value.message
    assert route.call_count == 0


async def test_a_runtime_error_on_an_open_client_is_not_taken_for_a_close() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug in some transport")

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        plug = AsyncPlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=BASE_URL, http_client=http
        )
        with pytest.raises(RuntimeError, match="a bug in some transport") as info:
            await plug.request("GET", "/api/v1/customers")
    assert not isinstance(info.value, ClientClosedError)


def test_a_live_key_over_plain_http_to_another_host_is_refused() -> None:
    with pytest.raises(ValueError, match="base_url must use https") as info:
        AsyncPlugipayClient(api_key="pk_live_abc", base_url="http://203.0.113.5")
    assert "pk_live_abc" not in str(info.value)


@pytest.mark.parametrize("status", [302, 307])
async def test_a_redirect_is_never_followed_even_when_the_callers_client_would(
    server: respx.MockRouter, status: int
) -> None:
    route = server.post("/api/v1/customers").mock(
        return_value=httpx.Response(status, headers={"Location": "https://evil.example/x"})
    )
    async with httpx.AsyncClient(follow_redirects=True) as http:
        plug = AsyncPlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=BASE_URL, http_client=http
        )
        with pytest.raises(PlugipayError) as info:
            await plug.customers.create(email="a@example.com", idempotency_key="imp-7")
    assert route.call_count == 1
    assert [call.request.url.host for call in server.calls] == ["api.plugipay.test"]
    err = info.value
    assert (err.status, err.code, err.idempotency_key) == (status, "redirect", "imp-7")
    assert err.details == {"location": "https://evil.example/x"}
    assert str(err) == (
        f"redirect: HTTP {status} redirect to 'https://evil.example/x', not followed: the SDK "
        f"never follows redirects (check base_url) (status={status})"
    )
