"""The money path's resources: the exact request every method sends and the model it decodes
(respx), downloads and streams through the same pipeline, and the arguments refused before any
request."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from plugipay import (
    AsyncPlugipayClient,
    CheckoutCustomer,
    CheckoutSession,
    ConflictError,
    EventRecord,
    InvalidResponseError,
    LineItem,
    NotFoundError,
    PlugipayNetworkError,
    Receipt,
    Refund,
    UnprocessableEntityError,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests._async.helpers import envelope, error, verify_signature
from tests.chunked import ChunkedStream

pytestmark = pytest.mark.anyio

CS = "cs_01HXAB7K3M9N2P5QRS8TVWXY3Z"
T = "2026-05-12T10:42:00.123Z"
WHEN = datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
SESSION: dict[str, Any] = {
    "id": CS,
    "arn": f"arn:plugipay:acc_1:checkout_session/{CS}",
    "accountId": "acc_1",
    "workspaceName": "Toko Budi",
    "customerId": "cus_1",
    "customer": {
        "id": "cus_1",
        "name": "Ada",
        "email": "ada@example.com",
        "phone": None,
        "externalId": "user-1",
    },
    "mode": "test",
    "status": "completed",
    "amount": 150000,
    "currency": "IDR",
    "methods": ["qris", "va"],
    "paymentMethod": "qris",
    "adapter": "xendit",
    "lineItems": [{"name": "Kopi", "quantity": 2, "unitAmount": 75000}],
    "successUrl": "https://shop.example/ok",
    "cancelUrl": "https://shop.example/cancel",
    "hostedUrl": f"https://plugipay.com/c/{CS}",
    "expiresAt": T,
    "completedAt": T,
    "paymentId": "ch_1",
    "metadata": {"order": "42"},
    "createdAt": T,
    "updatedAt": T,
}
RECEIPT: dict[str, Any] = {
    "id": "rcpt_1",
    "number": "RCPT-000001",
    "sourceType": "checkout_session",
    "sourceId": CS,
    "customerId": "cus_1",
    "amount": 150000,
    "currency": "IDR",
    "method": "qris",
    "adapter": "xendit",
    "issuedAt": T,
    "emailedAt": None,
    "emailedTo": None,
    "lineItems": [{"name": "Kopi", "quantity": 2, "unitAmount": 75000}],
}
REFUND: dict[str, Any] = {
    "id": "rf_1",
    "arn": "arn:plugipay:acc_1:refund/rf_1",
    "accountId": "acc_1",
    "chargeId": "ch_1",
    "invoiceId": None,
    "amount": 50000,
    "currency": "IDR",
    "reason": "requested_by_customer",
    "status": "succeeded",
    "failureCode": None,
    "failureMessage": None,
    "metadata": None,
    "createdAt": T,
    "updatedAt": T,
}
EVENT: dict[str, Any] = {
    "id": "evt_1",
    "type": "plugipay.refund.issued.v1",
    "accountId": "acc_1",
    "mode": "test",
    "occurredAt": T,
    "data": {"object": REFUND, "aggregateType": "refund", "aggregateId": "rf_1"},
    "metadata": {"idempotencyKey": "k", "replayOf": None},
    "createdAt": T,
    "publishedAt": T,
}
ENDPOINT: dict[str, Any] = {
    "id": "we_1",
    "mode": "test",
    "url": "https://shop.example/hooks",
    "events": ["plugipay.checkout_session.completed.v1"],
    "description": "orders",
    "active": True,
    "consecutiveFailures": 0,
    "failingSince": None,
    "disabledAt": None,
    "disabledReason": None,
    "createdAt": T,
    "updatedAt": T,
}
DELIVERY: dict[str, Any] = {
    "id": "wd_1",
    "endpointId": "we_1",
    "eventId": "evt_1",
    "type": "plugipay.refund.issued.v1",
    "body": '{"id":"evt_1"}',
    "status": "succeeded",
    "attempts": 2,
    "nextRetryAt": None,
    "lastAttemptAt": T,
    "deliveredAt": T,
    "responseCode": 200,
    "lastError": None,
    "attemptLog": [
        {
            "attemptNumber": 1,
            "status": "failed",
            "responseCode": 503,
            "durationMs": 12,
            "error": "HTTP 503",
            "nextRetryAt": T,
            "attemptedAt": T,
        },
        {
            "attemptNumber": 2,
            "status": "succeeded",
            "responseCode": 200,
            "durationMs": 8,
            "error": None,
            "nextRetryAt": None,
            "attemptedAt": T,
        },
    ],
    "createdAt": T,
    "updatedAt": T,
}


def only_request(server: respx.MockRouter) -> httpx.Request:
    assert server.calls.call_count == 1
    request: httpx.Request = server.calls.last.request
    assert verify_signature(request)
    return request


def assert_write(request: httpx.Request, raw_path: bytes, body: bytes, method: str = "POST") -> str:
    """The write's method, raw path and body bytes; returns its idempotency key."""
    assert request.method == method
    assert request.url.raw_path == raw_path
    assert request.content == body
    key = request.headers["idempotency-key"]
    assert key.startswith("idem_")
    if body:
        assert request.headers["content-type"] == "application/json"
    else:
        assert "content-type" not in request.headers
    return key


def assert_read(request: httpx.Request, raw_path: bytes) -> None:
    assert request.method == "GET"
    assert request.url.raw_path == raw_path
    assert request.content == b""
    assert "idempotency-key" not in request.headers


# -- checkout sessions ---------------------------------------------------------------------------


async def test_checkout_create_sends_every_field(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/checkout-sessions").mock(return_value=envelope(SESSION, 201))
    session = await plug.checkout_sessions.create(
        amount=150000,
        currency="IDR",
        methods=("qris", "va"),
        success_url="https://shop.example/ok",
        cancel_url="https://shop.example/cancel",
        customer_id="cus_1",
        line_items=[
            {"name": "Kopi", "quantity": 1, "unit_amount": 75000},
            LineItem(name="Roti", quantity=3, unit_amount=25000),
            {"unitAmount": 1, "quantity": 1, "name": "Tas"},
        ],
        expires_in=timedelta(hours=1),
        metadata={"order": "42"},
        template_id="tpl_1",
    )
    assert_write(
        only_request(server),
        b"/api/v1/checkout-sessions",
        b'{"amount":150000,"currency":"IDR","methods":["qris","va"],'
        b'"successUrl":"https://shop.example/ok","cancelUrl":"https://shop.example/cancel",'
        b'"customerId":"cus_1","lineItems":[{"name":"Kopi","quantity":1,"unitAmount":75000},'
        b'{"name":"Roti","quantity":3,"unitAmount":25000},{"name":"Tas","quantity":1,"unitAmount":1}],'
        b'"expiresInSec":3600,"metadata":{"order":"42"},"templateId":"tpl_1"}',
    )
    assert isinstance(session, CheckoutSession)
    assert (session.id, session.status, session.amount, session.currency) == (
        CS,
        "completed",
        150000,
        "IDR",
    )
    assert session.methods == ["qris", "va"]
    assert session.line_items == [LineItem(name="Kopi", quantity=2, unit_amount=75000)]
    assert isinstance(session.customer, CheckoutCustomer)
    assert session.customer.external_id == "user-1"
    assert session.payment_id == "ch_1"
    assert session.completed_at == WHEN
    assert session["hostedUrl"] == f"https://plugipay.com/c/{CS}"
    assert (
        repr(session)
        == f"CheckoutSession(id='{CS}', status='completed', amount=150000, currency='IDR')"
    )


async def test_checkout_create_minimal_with_seconds_and_an_unknown_currency(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/checkout-sessions").mock(
        return_value=envelope({"id": CS, "currency": "EUR", "status": "open_new"}, 201)
    )
    session = await plug.checkout_sessions.create(
        amount=0,
        currency="EUR",
        methods=["crypto"],
        success_url="https://s",
        cancel_url="https://c",
        expires_in=600,
        idempotency_key="order-42",
    )
    request = only_request(server)
    assert request.content == (
        b'{"amount":0,"currency":"EUR","methods":["crypto"],"successUrl":"https://s",'
        b'"cancelUrl":"https://c","expiresInSec":600}'
    )
    assert request.headers["idempotency-key"] == "order-42"
    assert (session.currency, session.status) == ("EUR", "open_new")


async def test_checkout_create_reuses_its_key_across_a_retry(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/checkout-sessions").mock(
        side_effect=[error(503, "SERVICE_UNAVAILABLE"), envelope(SESSION, 201)]
    )
    session = await plug.checkout_sessions.create(
        amount=1, currency="USD", methods=["card"], success_url="https://s", cancel_url="https://c"
    )
    assert session.id == CS
    keys = [call.request.headers["idempotency-key"] for call in server.calls]
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("idem_")


async def test_checkout_get_encodes_the_id(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.route().mock(return_value=envelope(SESSION))
    session = await plug.checkout_sessions.get("cs_1/../x y")
    assert_read(only_request(server), b"/api/v1/checkout-sessions/cs_1%2F..%2Fx%20y")
    assert session.id == CS


async def test_checkout_list_query(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/checkout-sessions").mock(return_value=envelope([SESSION]))
    page = await plug.checkout_sessions.list(
        status="open",
        customer_id="cus_1",
        created_after=datetime(2026, 5, 1, tzinfo=UTC),
        created_before="2026-05-12T00:00:00+07:00",
        order="asc",
        limit=10,
        cursor="cur_1",
    )
    assert [s.id for s in page.data] == [CS]
    assert_read(
        only_request(server),
        b"/api/v1/checkout-sessions?limit=10&status=open&customerId=cus_1"
        b"&createdAfter=2026-05-01T00%3A00%3A00.000Z&createdBefore=2026-05-12T00%3A00%3A00%2B07%3A00"
        b"&order=asc&cursor=cur_1",
    )


async def test_checkout_cancel_and_confirm_send_no_body_and_a_key(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post(f"/api/v1/checkout-sessions/{CS}/cancel").mock(
        return_value=envelope({**SESSION, "status": "canceled"})
    )
    server.post(f"/api/v1/checkout-sessions/{CS}/confirm").mock(return_value=envelope(SESSION))
    canceled = await plug.checkout_sessions.cancel(CS)
    confirmed = await plug.checkout_sessions.confirm(CS, idempotency_key="confirm-1")
    cancel_request, confirm_request = (call.request for call in server.calls)
    # ``{}`` is sent as no body at all, signed over the empty string (SPEC §2).
    assert_write(cancel_request, f"/api/v1/checkout-sessions/{CS}/cancel".encode(), b"")
    assert confirm_request.url.raw_path == f"/api/v1/checkout-sessions/{CS}/confirm".encode()
    assert confirm_request.content == b""
    assert confirm_request.headers["idempotency-key"] == "confirm-1"
    assert all(verify_signature(call.request) for call in server.calls)
    assert (canceled.status, confirmed.status) == ("canceled", "completed")


async def test_checkout_cancel_conflict_is_typed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post(f"/api/v1/checkout-sessions/{CS}/cancel").mock(
        return_value=error(409, "INVALID_TRANSITION")
    )
    with pytest.raises(ConflictError) as err:
        await plug.checkout_sessions.cancel(CS, idempotency_key="c-1")
    assert (err.value.code, err.value.idempotency_key) == ("invalid_transition", "c-1")


async def test_checkout_receipt_json(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt").mock(return_value=envelope(RECEIPT))
    receipt = await plug.checkout_sessions.receipt(CS)
    assert_read(only_request(server), f"/api/v1/checkout-sessions/{CS}/receipt".encode())
    assert isinstance(receipt, Receipt)
    assert (receipt.number, receipt.source_type, receipt.amount) == (
        "RCPT-000001",
        "checkout_session",
        150000,
    )
    assert receipt.issued_at == WHEN and receipt.emailed_at is None
    assert receipt.line_items == [LineItem(name="Kopi", quantity=2, unit_amount=75000)]


async def test_checkout_email_receipt(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    emailed = {**RECEIPT, "emailedAt": T, "emailedTo": "ada@example.com"}
    server.post(f"/api/v1/checkout-sessions/{CS}/receipt/email").mock(
        return_value=envelope(emailed)
    )
    receipt = await plug.checkout_sessions.email_receipt(CS, to="ada@example.com")
    again = await plug.checkout_sessions.email_receipt(CS)
    first, second = (call.request for call in server.calls)
    path = f"/api/v1/checkout-sessions/{CS}/receipt/email".encode()
    assert_write(first, path, b'{"to":"ada@example.com"}')
    assert_write(second, path, b"")
    assert (receipt.emailed_to, receipt.emailed_at, again.id) == ("ada@example.com", WHEN, "rcpt_1")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_checkout_receipt_pdf_is_bytes(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.pdf").mock(
        return_value=httpx.Response(200, content=PDF, headers={"content-type": "application/pdf"})
    )
    assert await plug.checkout_sessions.receipt_pdf(CS) == PDF
    request = only_request(server)
    assert_read(request, f"/api/v1/checkout-sessions/{CS}/receipt.pdf".encode())
    assert request.headers["accept"] == "application/pdf, application/json"


async def test_checkout_receipt_html_is_text_in_its_charset(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    html = "<html><body>Terima kasih — RCPT-000001</body></html>"
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.html").mock(
        side_effect=[
            httpx.Response(
                200, content=html.encode(), headers={"content-type": "text/html; charset=utf-8"}
            ),
            httpx.Response(
                200,
                content="Rp 1.000 ©".encode("latin-1"),
                headers={"content-type": "text/html; charset=ISO-8859-1"},
            ),
        ]
    )
    assert await plug.checkout_sessions.receipt_html(CS) == html
    assert await plug.checkout_sessions.receipt_html(CS) == "Rp 1.000 ©"
    assert server.calls.last.request.headers["accept"] == "text/html, application/json"


async def test_checkout_receipt_escpos_width(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    commands = b"\x1b@RCPT-000001\n\x1dV\x00"
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.escpos").mock(
        return_value=httpx.Response(
            200, content=commands, headers={"content-type": "application/octet-stream"}
        )
    )
    assert await plug.checkout_sessions.receipt_escpos(CS, width=48) == commands
    assert await plug.checkout_sessions.receipt_escpos(CS) == commands
    first, second = (call.request for call in server.calls)
    assert_read(first, f"/api/v1/checkout-sessions/{CS}/receipt.escpos?width=48".encode())
    assert_read(second, f"/api/v1/checkout-sessions/{CS}/receipt.escpos".encode())


# -- downloads and streams -----------------------------------------------------------------------


async def test_a_download_error_answer_is_a_typed_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.pdf").mock(
        return_value=error(404, "NOT_FOUND", "No receipt yet")
    )
    with pytest.raises(NotFoundError) as err:
        await plug.checkout_sessions.receipt_pdf(CS)
    assert (err.value.status, err.value.code, err.value.request_id) == (404, "not_found", "req_e")


async def test_a_download_success_carrying_an_error_is_invalid(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = {"data": None, "error": {"code": "INTERNAL", "message": "render failed"}}
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.html").mock(
        return_value=httpx.Response(200, json=body)
    )
    with pytest.raises(InvalidResponseError) as err:
        await plug.checkout_sessions.receipt_html(CS)
    assert (err.value.status, err.value.code) == (200, "internal")


async def test_a_download_is_retried_like_any_call(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: Any
) -> None:
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.pdf").mock(
        side_effect=[error(503, "SERVICE_UNAVAILABLE"), httpx.Response(200, content=PDF)]
    )
    assert await plug.checkout_sessions.receipt_pdf(CS) == PDF
    assert server.calls.call_count == 2 and len(fake_time.sleeps) == 1
    assert all(verify_signature(call.request) for call in server.calls)


# httpx's own inner stream generators are left to the garbage collector when reading stops early
# (as in test_limits).
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_download_respects_max_response_bytes(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.pdf").mock(
        return_value=httpx.Response(200, content=PDF)
    )
    small = plug.with_options(max_response_bytes=10)
    with pytest.raises(InvalidResponseError, match="max_response_bytes"):
        await small.checkout_sessions.receipt_pdf(CS)
    assert server.calls.call_count == 1


@pytest.mark.in_memory_only
async def test_a_streamed_receipt_arrives_in_chunks(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = ChunkedStream([PDF[:10], PDF[10:20], PDF[20:]])
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.pdf").mock(
        return_value=httpx.Response(
            200, stream=body, headers={"content-type": "application/pdf", "x-request-id": "req_9"}
        )
    )
    download = plug.checkout_sessions.stream_receipt_pdf(CS)
    assert server.calls.call_count == 0  # nothing is sent until it is entered
    received = []
    async with download as opened:
        assert (opened.status_code, opened.content_type, opened.request_id) == (
            200,
            "application/pdf",
            "req_9",
        )
        assert body.yielded == 0  # the body is not read on entering
        async for chunk in opened.aiter_bytes():
            received.append((chunk, body.yielded))
    assert received == [(PDF[:10], 1), (PDF[10:20], 2), (PDF[20:], 3)]
    assert body.closed
    request = only_request(server)
    assert_read(request, f"/api/v1/checkout-sessions/{CS}/receipt.pdf".encode())
    assert request.headers["accept"] == "application/pdf, application/json"


async def test_a_stream_is_retried_before_its_body_starts(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: Any
) -> None:
    body = ChunkedStream([b"date,amount\n", b"2026-05-12,1000\n"])
    server.get("/api/v1/reports/ledger.csv").mock(
        side_effect=[
            error(503, "SERVICE_UNAVAILABLE"),
            httpx.Response(200, stream=body, headers={"content-type": "text/csv"}),
        ]
    )
    lines = []
    async with plug.stream("GET", "/api/v1/reports/ledger.csv", query={"from": "2026-05"}) as csv:
        async for line in csv.aiter_lines():
            lines.append(line)
    assert lines == ["date,amount", "2026-05-12,1000"]
    assert server.calls.call_count == 2 and len(fake_time.sleeps) == 1
    for call in server.calls:
        assert verify_signature(call.request)
        assert call.request.url.raw_path == b"/api/v1/reports/ledger.csv?from=2026-05"
        assert call.request.headers["accept"] == "*/*"


async def test_a_stream_error_answer_raises_on_entering(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get(f"/api/v1/checkout-sessions/{CS}/receipt.pdf").mock(
        return_value=error(404, "NOT_FOUND")
    )
    with pytest.raises(NotFoundError):
        async with plug.checkout_sessions.stream_receipt_pdf(CS):
            pytest.fail("entered a download whose answer was an error")


async def test_a_stream_cut_off_mid_body_is_a_network_error_and_not_retried(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = ChunkedStream([b"a,b\n"], fail=httpx.ReadError("connection reset"))
    server.post("/api/v1/exports").mock(
        return_value=httpx.Response(200, stream=body, headers={"content-type": "text/csv"})
    )
    received = []
    with pytest.raises(PlugipayNetworkError) as err:
        async with plug.stream("POST", "/api/v1/exports", body={"kind": "ledger"}) as download:
            async for text in download.aiter_text():
                received.append(text)
    assert received == ["a,b\n"]
    assert server.calls.call_count == 1
    key = server.calls.last.request.headers["idempotency-key"]
    assert err.value.idempotency_key == key == download.idempotency_key


async def test_a_download_is_read_only_inside_its_block(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/x").mock(return_value=httpx.Response(200, content=b"x"))
    download = plug.stream("GET", "/api/v1/x")
    with pytest.raises(RuntimeError, match="enter the download"):
        _ = download.status_code
    async with download:
        with pytest.raises(RuntimeError, match="already open"):
            await download.__aenter__()
    assert repr(download) == "AsyncDownload(GET /api/v1/x, not open)"


async def test_plug_download_returns_bytes(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/receipts/rcpt_1/receipt.pdf").mock(
        return_value=httpx.Response(200, content=PDF)
    )
    pdf = await plug.download(
        "GET", "/api/v1/receipts/rcpt_1/receipt.pdf", accept="application/pdf"
    )
    assert pdf == PDF
    assert only_request(server).headers["accept"] == "application/pdf"


# -- refunds -------------------------------------------------------------------------------------


async def test_refund_create_by_charge(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.post("/api/v1/refunds").mock(return_value=envelope(REFUND, 201))
    refund = await plug.refunds.create(
        charge_id="ch_1", amount=50000, reason="requested_by_customer", metadata={"ticket": "7"}
    )
    assert_write(
        only_request(server),
        b"/api/v1/refunds",
        b'{"chargeId":"ch_1","amount":50000,"reason":"requested_by_customer",'
        b'"metadata":{"ticket":"7"}}',
    )
    assert isinstance(refund, Refund)
    assert (refund.id, refund.status, refund.amount, refund.charge_id) == (
        "rf_1",
        "succeeded",
        50000,
        "ch_1",
    )
    assert refund.created_at == WHEN


async def test_refund_create_by_source_and_its_key_across_a_retry(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/refunds").mock(
        side_effect=[httpx.ConnectError("reset"), envelope(REFUND, 201)]
    )
    await plug.refunds.create(source_type="checkout_session", source_id=CS)
    first, second = (call.request for call in server.calls)
    body = f'{{"sourceType":"checkout_session","sourceId":"{CS}"}}'.encode()
    assert assert_write(first, b"/api/v1/refunds", body) == assert_write(
        second, b"/api/v1/refunds", body
    )


async def test_refund_refused_by_the_provider_is_typed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/refunds").mock(return_value=error(422, "PROVIDER_DECLINED"))
    with pytest.raises(UnprocessableEntityError) as err:
        await plug.refunds.create(charge_id="ch_1", amount=1)
    assert err.value.code == "provider_declined"


async def test_refund_get_and_list(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/refunds/rf%2F1").mock(return_value=envelope(REFUND))
    server.get("/api/v1/refunds").mock(return_value=envelope([REFUND]))
    refund = await plug.refunds.get("rf/1")
    page = (await plug.refunds.list(charge_id="ch_1", status="failed", order="desc", limit=5)).data
    get_request, list_request = (call.request for call in server.calls)
    assert_read(get_request, b"/api/v1/refunds/rf%2F1")
    assert_read(list_request, b"/api/v1/refunds?limit=5&chargeId=ch_1&status=failed&order=desc")
    assert refund.id == "rf_1" and [r.id for r in page] == ["rf_1"]


@pytest.mark.parametrize(
    ("arguments", "kind", "message"),
    [
        (
            {"charge_id": "ch_1", "source_type": "invoice", "source_id": "inv_1"},
            ValueError,
            "not both",
        ),
        ({"charge_id": "ch_1", "source_id": "inv_1"}, ValueError, "not both"),
        ({}, ValueError, "give charge_id, or source_type and source_id"),
        ({"amount": 5}, ValueError, "give charge_id, or source_type and source_id"),
        ({"source_type": "invoice"}, ValueError, "source_id is required"),
        ({"source_id": "inv_1"}, ValueError, "source_type is required"),
        ({"charge_id": "ch_1", "amount": 10.0}, ValueError, "amount must be an int"),
        ({"charge_id": "ch_1", "amount": True}, ValueError, "amount must be an int"),
        ({"charge_id": "ch_1", "amount": -1}, ValueError, "amount must not be negative"),
        ({"charge_id": "ch_1", "amount": "100"}, TypeError, "amount must be an int, not str"),
        ({"charge_id": 1}, TypeError, "charge_id must be a str"),
    ],
)
async def test_refund_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    arguments: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(REFUND))
    with pytest.raises(kind, match=message):
        await plug.refunds.create(**arguments)
    assert server.calls.call_count == 0


_GOOD: dict[str, Any] = {
    "amount": 100,
    "currency": "IDR",
    "methods": ["qris"],
    "success_url": "https://s",
    "cancel_url": "https://c",
}


@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        ({"amount": 100.0}, ValueError, "amount must be an int in the currency's minor unit"),
        ({"amount": 99.5}, ValueError, "amount must be an int"),
        ({"amount": False}, ValueError, "amount must be an int"),
        ({"amount": -100}, ValueError, "amount must not be negative"),
        ({"amount": None}, ValueError, "amount is required"),
        ({"currency": "idr"}, ValueError, "currency must be an ISO 4217 code"),
        ({"methods": "qris"}, TypeError, "methods must be a list of str"),
        ({"methods": []}, ValueError, "methods must not be empty"),
        ({"methods": [""]}, ValueError, "methods items must be 1 to 64"),
        ({"success_url": ""}, ValueError, "success_url must not be empty"),
        ({"customer_id": "user-1"}, ValueError, "customer_id must start with 'cus_'"),
        ({"expires_in": 0}, ValueError, "expires_in must be a positive number"),
        ({"expires_in": timedelta(seconds=1.5)}, ValueError, "whole seconds"),
        ({"expires_in": 60.0}, TypeError, "expires_in must be an int of seconds or a timedelta"),
        (
            {"line_items": [{"name": "x", "quantity": 1}]},
            ValueError,
            r"line_items\[0\]\.unit_amount is required",
        ),
        (
            {"line_items": [{"name": "x", "quantity": 0, "unit_amount": 1}]},
            ValueError,
            "quantity must be 1 or more",
        ),
        (
            {"line_items": [{"name": "x", "quantity": 1, "unit_amount": 1.5}]},
            ValueError,
            r"unit_amount must be an int",
        ),
        ({"line_items": [{"name": "x", "qty": 1, "unit_amount": 1}]}, ValueError, "not 'qty'"),
        ({"line_items": ["x"]}, TypeError, "dicts or LineItem models"),
        ({"line_items": {"name": "x"}}, TypeError, "must be a list of line items"),
        ({"metadata": {"k": 1}}, TypeError, "metadata values must be str"),
    ],
)
async def test_checkout_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    change: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(SESSION))
    with pytest.raises(kind, match=message):
        await plug.checkout_sessions.create(**{**_GOOD, **change})
    assert server.calls.call_count == 0


@pytest.mark.parametrize(
    ("width", "kind"), [(40, ValueError), (0, ValueError), (True, TypeError), ("48", TypeError)]
)
async def test_escpos_width_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient, width: Any, kind: type[Exception]
) -> None:
    server.route().mock(return_value=httpx.Response(200, content=b""))
    with pytest.raises(kind, match="width must be"):
        await plug.checkout_sessions.receipt_escpos(CS, width=width)
    assert server.calls.call_count == 0


# -- events --------------------------------------------------------------------------------------


async def test_events_list_get(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/events").mock(return_value=envelope([EVENT]))
    server.get("/api/v1/events/evt_1").mock(return_value=envelope(EVENT))
    page = (
        await plug.events.list(
            type="plugipay.refund.issued.v1",
            occurred_after=datetime(2026, 5, 1, tzinfo=UTC),
            occurred_before=datetime(2026, 6, 1, tzinfo=UTC),
            order="asc",
            limit=2,
        )
    ).data
    record = await plug.events.get("evt_1")
    list_request, get_request = (call.request for call in server.calls)
    assert_read(
        list_request,
        b"/api/v1/events?limit=2&type=plugipay.refund.issued.v1"
        b"&occurredAfter=2026-05-01T00%3A00%3A00.000Z&occurredBefore=2026-06-01T00%3A00%3A00.000Z"
        b"&order=asc",
    )
    assert_read(get_request, b"/api/v1/events/evt_1")
    assert isinstance(record, EventRecord) and page == [record]
    assert (record.kind, record.occurred_at, record.published_at) == ("refund.issued", WHEN, WHEN)
    assert record.data is not None and record.data["aggregateId"] == "rf_1"


@pytest.mark.parametrize(
    "catalogue",
    [
        ["plugipay.refund.issued.v1", "plugipay.checkout_session.completed.v1"],
        [{"type": "plugipay.refund.issued.v1"}, {"type": "plugipay.checkout_session.completed.v1"}],
    ],
)
async def test_events_types(
    server: respx.MockRouter, plug: AsyncPlugipayClient, catalogue: list[Any]
) -> None:
    server.get("/api/v1/events/types").mock(return_value=envelope(catalogue))
    assert await plug.events.types() == [
        "plugipay.refund.issued.v1",
        "plugipay.checkout_session.completed.v1",
    ]
    assert_read(only_request(server), b"/api/v1/events/types")


async def test_events_replay_and_trigger(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    replayed = {**EVENT, "id": "evt_2", "metadata": {"replayOf": "evt_1"}}
    server.post("/api/v1/events/replay").mock(return_value=envelope([replayed]))
    server.post("/api/v1/events/trigger").mock(return_value=envelope(EVENT, 201))
    records = await plug.events.replay(("evt_1",))
    triggered = await plug.events.trigger(
        type="plugipay.refund.issued.v1", aggregate_id="rf_1", data={"note": "test"}
    )
    replay_request, trigger_request = (call.request for call in server.calls)
    assert_write(replay_request, b"/api/v1/events/replay", b'{"eventIds":["evt_1"]}')
    assert_write(
        trigger_request,
        b"/api/v1/events/trigger",
        b'{"type":"plugipay.refund.issued.v1","aggregateId":"rf_1","data":{"note":"test"}}',
    )
    assert [r.id for r in records] == ["evt_2"] and records[0].metadata == {"replayOf": "evt_1"}
    assert triggered.id == "evt_1"


async def test_events_arguments_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(TypeError, match="event_ids must be a list of str"):
        await plug.events.replay("evt_1")
    with pytest.raises(ValueError, match="event_ids must not be empty"):
        await plug.events.replay([])
    with pytest.raises(ValueError, match="aggregate_id must not be empty"):
        await plug.events.trigger(type="x", aggregate_id="")
    with pytest.raises(TypeError, match="occurred_after must be a datetime"):
        plug.events.list(occurred_after=5)
    assert server.calls.call_count == 0


# -- webhook endpoints and deliveries ------------------------------------------------------------


async def test_webhook_endpoints_list_is_a_bare_array(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/webhooks").mock(return_value=envelope([ENDPOINT]))
    endpoints = await plug.webhook_endpoints.list()
    assert_read(only_request(server), b"/api/v1/webhooks")
    assert [type(e) for e in endpoints] == [WebhookEndpoint]
    assert endpoints[0].events == ["plugipay.checkout_session.completed.v1"]
    assert endpoints[0].active is True and endpoints[0].secret is None


async def test_webhook_endpoint_create_shows_the_secret_once_never_in_repr(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    secret = "whsec_s3cr3t_value"
    server.post("/api/v1/webhooks").mock(
        return_value=envelope({**ENDPOINT, "accountId": "acc_1", "secret": secret}, 201)
    )
    endpoint = await plug.webhook_endpoints.create(
        url="https://shop.example/hooks",
        events=["plugipay.checkout_session.completed.v1"],
        description="orders",
    )
    assert_write(
        only_request(server),
        b"/api/v1/webhooks",
        b'{"url":"https://shop.example/hooks","events":["plugipay.checkout_session.completed.v1"],'
        b'"description":"orders"}',
    )
    assert endpoint.secret == secret and endpoint.account_id == "acc_1"
    assert secret not in repr(endpoint)
    assert (
        repr(endpoint)
        == "WebhookEndpoint(id='we_1', url='https://shop.example/hooks', active=True)"
    )


async def test_webhook_endpoint_update_sends_only_given_fields_and_delete(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.patch("/api/v1/webhooks/we_1").mock(return_value=envelope(ENDPOINT))
    server.delete("/api/v1/webhooks/we_1").mock(return_value=httpx.Response(204))
    await plug.webhook_endpoints.update("we_1", active=True, description=None)
    await plug.webhook_endpoints.update("we_1", url="https://x.example", events=[])
    assert await plug.webhook_endpoints.delete("we_1") is None
    first, second, third = (call.request for call in server.calls)
    assert_write(first, b"/api/v1/webhooks/we_1", b'{"description":null,"active":true}', "PATCH")
    assert_write(
        second, b"/api/v1/webhooks/we_1", b'{"url":"https://x.example","events":[]}', "PATCH"
    )
    assert_write(third, b"/api/v1/webhooks/we_1", b"", "DELETE")
    with pytest.raises(ValueError, match="url can't be cleared"):
        await plug.webhook_endpoints.update("we_1", url=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="active must be a bool"):
        await plug.webhook_endpoints.update("we_1", active="yes")  # type: ignore[arg-type]
    assert server.calls.call_count == 3


async def test_webhook_deliveries(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/webhooks/deliveries").mock(return_value=envelope([DELIVERY]))
    server.get("/api/v1/webhooks/deliveries/wd_1").mock(return_value=envelope(DELIVERY))
    server.post("/api/v1/webhooks/deliveries/wd_1/retry").mock(
        side_effect=[envelope({**DELIVERY, "status": "pending"}), error(409, "ALREADY_QUEUED")]
    )
    page = (
        await plug.webhook_deliveries.list(
            endpoint_id="we_1", status="failed", type="plugipay.refund.issued.v1", limit=3
        )
    ).data
    delivery = await plug.webhook_deliveries.get("wd_1")
    retried = await plug.webhook_deliveries.retry("wd_1")
    with pytest.raises(ConflictError) as err:
        await plug.webhook_deliveries.retry("wd_1")
    list_request, get_request, retry_request, _ = (call.request for call in server.calls)
    assert_read(
        list_request,
        b"/api/v1/webhooks/deliveries?limit=3&endpointId=we_1&status=failed"
        b"&type=plugipay.refund.issued.v1",
    )
    assert_read(get_request, b"/api/v1/webhooks/deliveries/wd_1")
    assert_write(retry_request, b"/api/v1/webhooks/deliveries/wd_1/retry", b"")
    assert err.value.code == "already_queued"
    assert page == [delivery] and retried.status == "pending"
    assert delivery.attempt_log is not None
    assert [type(a) for a in delivery.attempt_log] == [WebhookAttempt, WebhookAttempt]
    failed = delivery.attempt_log[0]
    assert (failed.attempt_number, failed.status, failed.response_code, failed.error) == (
        1,
        "failed",
        503,
        "HTTP 503",
    )
    assert failed.attempted_at == WHEN and failed.duration_ms == 12
    assert isinstance(delivery, WebhookDelivery) and json.loads(delivery.body) == {"id": "evt_1"}
