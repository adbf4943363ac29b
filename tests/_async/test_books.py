"""Money out and the books: payouts, the ledger, reports, receipts and gift cards. The exact
request every method sends (method, raw path, query, canonical body bytes, idempotency key), the
model it decodes (respx), the ledger CSV streamed in chunks, and the arguments refused before any
request."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from plugipay import (
    AsyncDownload,
    AsyncPlugipayClient,
    AvailableBalance,
    BankAccount,
    CashFlowBucket,
    CashFlowReport,
    ConflictError,
    GiftCard,
    GiftCardEntry,
    GiftCardMovement,
    LedgerBalance,
    LedgerEntry,
    NotFoundError,
    Payout,
    PlugipayNetworkError,
    PnLLine,
    PnLReport,
    Receipt,
)
from tests._async.helpers import envelope, error, verify_signature
from tests.chunked import ChunkedStream

pytestmark = pytest.mark.anyio

T = "2026-05-12T10:42:00.123Z"
WHEN = datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
PO = "po_01HXAB7K3M9N2P5QRS8TVWXY3Z"
PAYOUT: dict[str, Any] = {
    "id": PO,
    "accountId": "acc_1",
    "amount": 500000,
    "currency": "IDR",
    "status": "pending",
    "method": "manual",
    "bankCode": "BCA",
    "bankName": "Bank Central Asia",
    "bankAccountNumber": "1234567890",
    "bankAccountHolder": "Toko Budi",
    "note": "May",
    "reference": None,
    "failureReason": None,
    "ledgerTransactionId": None,
    "processedAt": None,
    "completedAt": None,
    "createdAt": T,
    "updatedAt": T,
}
BALANCE: dict[str, Any] = {
    "ledgerBalance": 900000,
    "locked": 500000,
    "available": 400000,
    "currency": "IDR",
}
BANK: dict[str, Any] = {
    "bankCode": "BCA",
    "bankName": "Bank Central Asia",
    "bankAccountNumber": "1234567890",
    "bankAccountHolder": "Toko Budi",
    "configured": True,
}
ENTRY: dict[str, Any] = {
    "id": "le_1",
    "accountId": "acc_1",
    "txId": "tx_1",
    "code": "balance",
    "direction": "debit",
    "amount": 97000,
    "currency": "IDR",
    "sourceType": "checkout_session",
    "sourceId": "cs_1",
    "memo": "payment",
    "postedAt": T,
}
PNL: dict[str, Any] = {
    "from": "2026-05-01",
    "to": "2026-05-31",
    "currency": "IDR",
    "revenue": 100000,
    "refunds": 20000,
    "platformFees": 3000,
    "tax": 0,
    "net": 77000,
    "lines": [{"code": "revenue", "amount": 100000}, {"code": "refunds", "amount": 20000}],
}
CASH_FLOW: dict[str, Any] = {
    "from": "2026-05-01T00:00:00.000Z",
    "to": "2026-05-02T00:00:00.000Z",
    "currency": "IDR",
    "totalInflow": 97000,
    "totalOutflow": 20000,
    "net": 77000,
    "buckets": [{"day": "2026-05-01", "inflow": 97000, "outflow": 20000, "net": 77000}],
}
RECEIPT: dict[str, Any] = {
    "id": "rcpt_1",
    "number": "RCPT-000001",
    "sourceType": "invoice",
    "sourceId": "inv_1",
    "customerId": "cus_1",
    "amount": 150000,
    "currency": "IDR",
    "method": "qris",
    "adapter": "xendit",
    "issuedAt": T,
    "emailedAt": None,
    "emailedTo": None,
}
GC = "gc_01HXAB7K3M9N2P5QRS8TVWXY3Z"
CARD: dict[str, Any] = {
    "id": GC,
    "arn": f"arn:plugipay:acc_1:gift_card/{GC}",
    "accountId": "acc_1",
    "mode": "test",
    "code": "GIFT-AB12-CD34",
    "currency": "IDR",
    "initialBalance": 100000,
    "balance": 100000,
    "status": "active",
    "customerId": None,
    "kind": "gift_card",
    "expiresAt": T,
    "note": None,
    "issuedSource": None,
    "issuedRef": None,
    "metadata": {"campaign": "lebaran"},
    "createdAt": T,
    "updatedAt": T,
}
CARD_ENTRY: dict[str, Any] = {
    "id": "gce_1",
    "accountId": "acc_1",
    "giftCardId": GC,
    "kind": "redeem",
    "delta": -25000,
    "balanceAfter": 75000,
    "currency": "IDR",
    "externalSource": "pos",
    "externalRef": "sale-9",
    "checkoutSessionId": "cs_1",
    "ledgerTxId": "tx_9",
    "note": None,
    "createdAt": T,
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


def keys_of(server: respx.MockRouter) -> list[str]:
    return [call.request.headers["idempotency-key"] for call in server.calls]


# -- payouts -------------------------------------------------------------------------------------


async def test_payout_create_sends_every_field(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/payouts").mock(return_value=envelope(PAYOUT, 201))
    payout = await plug.payouts.create(
        amount=500000,
        currency="IDR",
        bank_code="BCA",
        bank_name="Bank Central Asia",
        bank_account_number="1234567890",
        bank_account_holder="Toko Budi",
        note="May",
    )
    assert_write(
        only_request(server),
        b"/api/v1/payouts",
        b'{"amount":500000,"currency":"IDR","bankCode":"BCA","bankName":"Bank Central Asia",'
        b'"bankAccountNumber":"1234567890","bankAccountHolder":"Toko Budi","note":"May"}',
    )
    assert isinstance(payout, Payout)
    assert (payout.id, payout.status, payout.amount, payout.currency) == (
        PO,
        "pending",
        500000,
        "IDR",
    )
    assert (payout.method, payout.bank_account_holder, payout.created_at) == (
        "manual",
        "Toko Budi",
        WHEN,
    )
    assert repr(payout) == f"Payout(id='{PO}', status='pending', amount=500000, currency='IDR')"


async def test_payout_create_minimal_reuses_its_key_across_a_retry(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/payouts").mock(
        side_effect=[error(503, "SERVICE_UNAVAILABLE"), envelope(PAYOUT, 201)]
    )
    payout = await plug.payouts.create(amount=1500, currency="USD")
    assert payout.id == PO
    for call in server.calls:
        assert call.request.content == b'{"amount":1500,"currency":"USD"}'
        assert verify_signature(call.request)
    keys = keys_of(server)
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("idem_")


async def test_payout_create_above_the_balance_is_typed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/payouts").mock(return_value=error(409, "INSUFFICIENT_BALANCE"))
    with pytest.raises(ConflictError) as err:
        await plug.payouts.create(amount=10**9, currency="IDR", idempotency_key="po-1")
    assert (err.value.code, err.value.idempotency_key) == ("insufficient_balance", "po-1")
    assert server.calls.call_count == 1  # a 409 is an answer, not retried


async def test_payout_get_encodes_the_id_and_list_query(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/payouts/po_1%2F..%2Fx%20y").mock(return_value=envelope(PAYOUT))
    payout = await plug.payouts.get("po_1/../x y")
    assert_read(only_request(server), b"/api/v1/payouts/po_1%2F..%2Fx%20y")
    assert payout.id == PO
    server.reset()
    server.get("/api/v1/payouts").mock(
        return_value=httpx.Response(
            200,
            json={
                "data": [{**PAYOUT, "status": "cancelled"}],
                "meta": {"cursor": "cur_2", "hasMore": True},
            },
        )
    )
    page = await plug.payouts.list(status="cancelled", limit=5, cursor="cur_1", order="asc")
    assert [p.status for p in page.data] == ["cancelled"]
    assert_read(
        only_request(server), b"/api/v1/payouts?limit=5&status=cancelled&order=asc&cursor=cur_1"
    )
    assert (page.has_more, page.cursor) == (True, "cur_2")


async def test_payout_lifecycle_actions(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    for action, status in (
        ("cancel", "cancelled"),
        ("mark-in-transit", "in_transit"),
        ("mark-paid", "paid"),
        ("mark-failed", "failed"),
    ):
        server.post(f"/api/v1/payouts/{PO}/{action}").mock(
            return_value=envelope({**PAYOUT, "status": status})
        )
    results = [
        await plug.payouts.cancel(PO),
        await plug.payouts.mark_in_transit(PO),
        await plug.payouts.mark_in_transit(PO, reference="TRF-1", idempotency_key="t-1"),
        await plug.payouts.mark_paid(PO),
        await plug.payouts.mark_paid(PO, reference="TRF-1"),
        await plug.payouts.mark_failed(PO, failure_reason="account closed"),
    ]
    assert [p.status for p in results] == [
        "cancelled",
        "in_transit",
        "in_transit",
        "paid",
        "paid",
        "failed",
    ]
    requests = [call.request for call in server.calls]
    base = f"/api/v1/payouts/{PO}"
    # ``{}`` is sent as no body at all, signed over the empty string (SPEC §2).
    assert_write(requests[0], f"{base}/cancel".encode(), b"")
    assert_write(requests[1], f"{base}/mark-in-transit".encode(), b"")
    assert requests[2].content == b'{"reference":"TRF-1"}'
    assert requests[2].headers["idempotency-key"] == "t-1"
    assert_write(requests[3], f"{base}/mark-paid".encode(), b"")
    assert_write(requests[4], f"{base}/mark-paid".encode(), b'{"reference":"TRF-1"}')
    assert_write(requests[5], f"{base}/mark-failed".encode(), b'{"failureReason":"account closed"}')
    assert all(verify_signature(r) for r in requests)
    assert len(set(keys_of(server))) == 6


async def test_payout_invalid_transition_is_typed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post(f"/api/v1/payouts/{PO}/cancel").mock(return_value=error(409, "INVALID_TRANSITION"))
    with pytest.raises(ConflictError) as err:
        await plug.payouts.cancel(PO)
    assert err.value.code == "invalid_transition"
    assert err.value.idempotency_key == server.calls.last.request.headers["idempotency-key"]


async def test_payout_action_reuses_its_key_across_a_retry(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post(f"/api/v1/payouts/{PO}/mark-paid").mock(
        side_effect=[httpx.ConnectError("reset"), envelope({**PAYOUT, "status": "paid"})]
    )
    payout = await plug.payouts.mark_paid(PO, reference="TRF-1")
    assert payout.status == "paid"
    keys = keys_of(server)
    assert len(keys) == 2 and keys[0] == keys[1]


async def test_payout_balance_and_bank_account(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/payouts/balance").mock(return_value=envelope(BALANCE))
    server.get("/api/v1/payouts/bank-account").mock(return_value=envelope(BANK))
    balance = await plug.payouts.balance()
    bank = await plug.payouts.bank_account()
    balance_request, bank_request = (call.request for call in server.calls)
    assert_read(balance_request, b"/api/v1/payouts/balance")
    assert_read(bank_request, b"/api/v1/payouts/bank-account")
    assert isinstance(balance, AvailableBalance)
    assert (balance.ledger_balance, balance.locked, balance.available, balance.currency) == (
        900000,
        500000,
        400000,
        "IDR",
    )
    assert isinstance(bank, BankAccount)
    assert (bank.bank_code, bank.bank_account_number, bank.configured) == (
        "BCA",
        "1234567890",
        True,
    )


async def test_payout_bank_account_not_configured(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    empty = {
        "bankCode": None,
        "bankName": None,
        "bankAccountNumber": None,
        "bankAccountHolder": None,
        "configured": False,
    }
    server.get("/api/v1/payouts/bank-account").mock(return_value=envelope(empty))
    bank = await plug.payouts.bank_account()
    assert (bank.bank_name, bank.configured) == (None, False)


async def test_payout_update_bank_account(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.patch("/api/v1/payouts/bank-account").mock(
        side_effect=[error(502, "BAD_GATEWAY"), envelope(BANK), envelope(BANK)]
    )
    bank = await plug.payouts.update_bank_account(
        bank_name="Bank Central Asia",
        bank_account_number="1234567890",
        bank_account_holder="Toko Budi",
        bank_code="BCA",
    )
    for call in server.calls:
        assert_write(
            call.request,
            b"/api/v1/payouts/bank-account",
            b'{"bankName":"Bank Central Asia","bankAccountNumber":"1234567890",'
            b'"bankAccountHolder":"Toko Budi","bankCode":"BCA"}',
            method="PATCH",
        )
        assert verify_signature(call.request)
    keys = keys_of(server)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert bank.configured is True
    server.reset()
    await plug.payouts.update_bank_account(
        bank_name="Mandiri", bank_account_number="9", bank_account_holder="Budi"
    )
    assert server.calls.last.request.content == (
        b'{"bankName":"Mandiri","bankAccountNumber":"9","bankAccountHolder":"Budi"}'
    )


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        ({"amount": 10.0, "currency": "IDR"}, ValueError, "amount must be an int"),
        ({"amount": True, "currency": "IDR"}, ValueError, "amount must be an int"),
        ({"amount": -1, "currency": "IDR"}, ValueError, "amount must not be negative"),
        ({"amount": "100", "currency": "IDR"}, TypeError, "amount must be an int"),
        ({"amount": None, "currency": "IDR"}, ValueError, "amount is required"),
        ({"amount": 1, "currency": None}, ValueError, "currency is required"),
        ({"amount": 1, "currency": "idr"}, ValueError, "currency must be an ISO 4217 code"),
        ({"amount": 1, "currency": "IDR", "bank_name": ""}, ValueError, "bank_name must not"),
        ({"amount": 1, "currency": "IDR", "note": 5}, TypeError, "note must be a str"),
    ],
)
async def test_payout_create_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    call: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(PAYOUT))
    with pytest.raises(kind, match=message):
        await plug.payouts.create(**call)
    assert server.calls.call_count == 0


async def test_payout_other_arguments_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.route().mock(return_value=envelope(PAYOUT))
    with pytest.raises(ValueError, match="failure_reason is required"):
        await plug.payouts.mark_failed(PO, failure_reason=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="failure_reason must not be empty"):
        await plug.payouts.mark_failed(PO, failure_reason="")
    with pytest.raises(TypeError, match="reference must be a str"):
        await plug.payouts.mark_paid(PO, reference=7)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="payout_id must be a non-empty id"):
        await plug.payouts.cancel("..")
    with pytest.raises(ValueError, match="bank_account_holder is required"):
        await plug.payouts.update_bank_account(
            bank_name="x",
            bank_account_number="1",
            bank_account_holder=None,  # type: ignore[arg-type]
        )
    with pytest.raises(ValueError, match="order must be one of"):
        plug.payouts.list(order="newest")
    with pytest.raises(ValueError, match="limit must be between 1 and 100"):
        plug.payouts.list(limit=0)
    assert server.calls.call_count == 0


# -- ledger --------------------------------------------------------------------------------------


async def test_ledger_list_query_and_entries(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/ledger").mock(return_value=envelope([ENTRY]))
    page = await plug.ledger.list(
        code="balance",
        source_type="checkout_session",
        source_id="cs_1/x",
        tx_id="tx_1",
        order="asc",
        limit=100,
        cursor="cur_1",
    )
    (entry,) = page.data
    assert_read(
        only_request(server),
        b"/api/v1/ledger?limit=100&code=balance&sourceType=checkout_session&sourceId=cs_1%2Fx"
        b"&txId=tx_1&order=asc&cursor=cur_1",
    )
    assert isinstance(entry, LedgerEntry)
    assert (entry.tx_id, entry.code, entry.direction, entry.amount, entry.posted_at) == (
        "tx_1",
        "balance",
        "debit",
        97000,
        WHEN,
    )
    assert (entry.source_type, entry.source_id, entry.memo) == (
        "checkout_session",
        "cs_1",
        "payment",
    )


async def test_ledger_list_walks_every_page(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/ledger").mock(
        side_effect=[
            httpx.Response(200, json={"data": [ENTRY], "meta": {"cursor": "c2", "hasMore": True}}),
            httpx.Response(
                200, json={"data": [{**ENTRY, "id": "le_2"}], "meta": {"hasMore": False}}
            ),
        ]
    )
    ids = [entry.id async for entry in plug.ledger.list(tx_id="tx_1")]
    assert ids == ["le_1", "le_2"]
    assert [call.request.url.raw_path for call in server.calls] == [
        b"/api/v1/ledger?txId=tx_1",
        b"/api/v1/ledger?txId=tx_1&cursor=c2",
    ]


async def test_ledger_balances_is_a_bare_array(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    rows = [
        {"code": "balance", "debits": 97000, "credits": 20000, "balance": 77000},
        {"code": "revenue", "debits": 0, "credits": 100000, "balance": -100000},
        {"code": "platform_fees", "debits": 3000, "credits": 0, "balance": 3000},
        {"code": "refunds", "debits": 20000, "credits": 0, "balance": 20000},
    ]
    server.get("/api/v1/ledger/balances").mock(return_value=envelope(rows))
    balances = await plug.ledger.balances()
    assert_read(only_request(server), b"/api/v1/ledger/balances")
    assert all(isinstance(b, LedgerBalance) for b in balances)
    assert [(b.code, b.balance) for b in balances] == [
        ("balance", 77000),
        ("revenue", -100000),
        ("platform_fees", 3000),
        ("refunds", 20000),
    ]
    assert sum(b.balance or 0 for b in balances) == 0


async def test_ledger_arguments_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(TypeError, match="code must be a str"):
        plug.ledger.list(code=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="order must be one of"):
        plug.ledger.list(order="up")
    with pytest.raises(ValueError, match="cursor must not be empty"):
        plug.ledger.list(cursor="")
    assert server.calls.call_count == 0


# -- reports -------------------------------------------------------------------------------------


async def test_pnl_with_dates(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/reports/pnl").mock(return_value=envelope(PNL))
    report = await plug.reports.pnl(from_=date(2026, 5, 1), to=date(2026, 5, 31), currency="IDR")
    assert_read(
        only_request(server), b"/api/v1/reports/pnl?from=2026-05-01&to=2026-05-31&currency=IDR"
    )
    assert isinstance(report, PnLReport)
    assert (report.from_, report.to, report.currency) == ("2026-05-01", "2026-05-31", "IDR")
    assert (report.revenue, report.refunds, report.platform_fees, report.tax, report.net) == (
        100000,
        20000,
        3000,
        0,
        77000,
    )
    assert report.lines == [
        PnLLine(code="revenue", amount=100000),
        PnLLine(code="refunds", amount=20000),
    ]
    assert report["from"] == "2026-05-01"
    assert (
        repr(report) == "PnLReport(from_='2026-05-01', to='2026-05-31', currency='IDR', net=77000)"
    )


async def test_cash_flow_with_datetimes_and_strings(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/reports/cash-flow").mock(return_value=envelope(CASH_FLOW))
    report = await plug.reports.cash_flow(
        from_=datetime(2026, 5, 1, 7, 0, tzinfo=timezone(timedelta(hours=7))),
        to=datetime(2026, 5, 2),  # naive: UTC
    )
    assert_read(
        only_request(server),
        b"/api/v1/reports/cash-flow?from=2026-05-01T00%3A00%3A00.000Z"
        b"&to=2026-05-02T00%3A00%3A00.000Z",
    )
    assert isinstance(report, CashFlowReport)
    assert (report.total_inflow, report.total_outflow, report.net) == (97000, 20000, 77000)
    assert report.buckets == [
        CashFlowBucket(day="2026-05-01", inflow=97000, outflow=20000, net=77000)
    ]
    assert report.from_ == "2026-05-01T00:00:00.000Z"
    server.reset()
    await plug.reports.cash_flow(from_="2026-05-01", to="2026-05-02T00:00:00+07:00")
    assert only_request(server).url.raw_path == (
        b"/api/v1/reports/cash-flow?from=2026-05-01&to=2026-05-02T00%3A00%3A00%2B07%3A00"
    )


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        ({"from_": None, "to": date(2026, 5, 1)}, ValueError, "from_ is required"),
        ({"from_": date(2026, 5, 1), "to": None}, ValueError, "to is required"),
        ({"from_": "May 1", "to": "2026-05-31"}, ValueError, "from_ must be an ISO 8601"),
        ({"from_": 20260501, "to": "2026-05-31"}, TypeError, "from_ must be a date"),
        (
            {"from_": "2026-05-01", "to": "2026-05-31", "currency": "rp"},
            ValueError,
            "currency must be an ISO 4217 code",
        ),
    ],
)
async def test_report_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    call: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(PNL))
    with pytest.raises(kind, match=message):
        await plug.reports.pnl(**call)
    with pytest.raises(kind, match=message):
        await plug.reports.cash_flow(**call)
    assert server.calls.call_count == 0


CSV_CHUNKS = [
    b"id,txId,code,direction,amount,currency,sourceType,sourceId,postedAt\r\n",
    b"le_1,tx_1,balance,debit,97000,IDR,checkout_session,cs_1,2026-05-12T10:4",
    b"2:00.123Z\r\nle_2,tx_1,platform_fees,debit,3000,IDR,checkout_session,cs_1,"
    b"2026-05-12T10:42:00.123Z\r\n",
]


def csv_answer(body: ChunkedStream) -> httpx.Response:
    return httpx.Response(
        200,
        stream=body,
        headers={"content-type": "text/csv; charset=utf-8", "x-request-id": "req_csv"},
    )


@pytest.mark.in_memory_only
async def test_ledger_csv_streams_lines_as_they_arrive(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = ChunkedStream(CSV_CHUNKS)
    server.get("/api/v1/reports/ledger.csv").mock(return_value=csv_answer(body))
    download = plug.reports.ledger_csv(
        from_=date(2026, 5, 1), to=datetime(2026, 6, 1, tzinfo=UTC), code="balance", currency="IDR"
    )
    assert isinstance(download, AsyncDownload)
    assert server.calls.call_count == 0  # nothing is sent until it is entered
    lines = []
    async with download as csv:
        assert (csv.status_code, csv.content_type, csv.request_id) == (200, "text/csv", "req_csv")
        assert body.yielded == 0  # the body is not read on entering
        async for line in csv.aiter_lines():
            lines.append((line, body.yielded))
    assert [line for line, _ in lines] == [
        "id,txId,code,direction,amount,currency,sourceType,sourceId,postedAt",
        "le_1,tx_1,balance,debit,97000,IDR,checkout_session,cs_1,2026-05-12T10:42:00.123Z",
        "le_2,tx_1,platform_fees,debit,3000,IDR,checkout_session,cs_1,2026-05-12T10:42:00.123Z",
    ]
    # The header row was handed over before the last chunk had been read.
    assert lines[0][1] < len(CSV_CHUNKS)
    assert body.closed
    request = only_request(server)
    assert_read(
        request,
        b"/api/v1/reports/ledger.csv?from=2026-05-01&to=2026-06-01T00%3A00%3A00.000Z"
        b"&currency=IDR&code=balance",
    )
    assert request.headers["accept"] == "text/csv, application/json"


@pytest.mark.in_memory_only
async def test_ledger_csv_chunks_without_arguments(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = ChunkedStream(CSV_CHUNKS)
    server.get("/api/v1/reports/ledger.csv").mock(return_value=csv_answer(body))
    received = []
    async with plug.reports.ledger_csv() as csv:
        async for chunk in csv.aiter_bytes():
            received.append((chunk, body.yielded))
    assert received == [(chunk, i + 1) for i, chunk in enumerate(CSV_CHUNKS)]
    assert_read(only_request(server), b"/api/v1/reports/ledger.csv")


async def test_ledger_csv_writes_to_a_path_and_a_file(
    server: respx.MockRouter, plug: AsyncPlugipayClient, tmp_path: Path
) -> None:
    server.get("/api/v1/reports/ledger.csv").mock(
        side_effect=[csv_answer(ChunkedStream(CSV_CHUNKS)), csv_answer(ChunkedStream(CSV_CHUNKS))]
    )
    target = tmp_path / "ledger.csv"
    target.write_bytes(b"old contents, longer than nothing" * 100)
    async with plug.reports.ledger_csv() as csv:
        written = await csv.awrite_to(target)
    assert written == len(b"".join(CSV_CHUNKS))
    assert target.read_bytes() == b"".join(CSV_CHUNKS)
    sink = io.BytesIO()
    async with plug.reports.ledger_csv() as csv:
        assert await csv.awrite_to(sink, chunk_size=16) == written
    assert sink.getvalue() == b"".join(CSV_CHUNKS)
    assert not sink.closed  # a caller's file stays open


async def test_ledger_csv_is_retried_before_its_body_starts(
    server: respx.MockRouter, plug: AsyncPlugipayClient, fake_time: Any
) -> None:
    server.get("/api/v1/reports/ledger.csv").mock(
        side_effect=[error(503, "SERVICE_UNAVAILABLE"), csv_answer(ChunkedStream(CSV_CHUNKS))]
    )
    async with plug.reports.ledger_csv() as csv:
        rows = [line async for line in csv.aiter_lines()]
    assert len(rows) == 3
    assert server.calls.call_count == 2 and len(fake_time.sleeps) == 1


async def test_ledger_csv_error_answer_raises_the_typed_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/reports/ledger.csv").mock(return_value=error(404, "NOT_FOUND"))
    with pytest.raises(NotFoundError) as err:
        async with plug.reports.ledger_csv(code="nope"):
            pytest.fail("entered a download whose answer was an error")
    assert err.value.code == "not_found"


async def test_ledger_csv_cut_off_mid_body_is_a_network_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient, tmp_path: Path
) -> None:
    body = ChunkedStream(CSV_CHUNKS[:1], fail=httpx.ReadError("connection reset"))
    server.get("/api/v1/reports/ledger.csv").mock(return_value=csv_answer(body))
    target = tmp_path / "ledger.csv"
    with pytest.raises(PlugipayNetworkError):
        async with plug.reports.ledger_csv() as csv:
            await csv.awrite_to(target)
    assert target.read_bytes() == CSV_CHUNKS[0]  # what arrived is written
    assert server.calls.call_count == 1  # never retried once the body started


async def test_ledger_csv_arguments_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="from_ must be an ISO 8601"):
        plug.reports.ledger_csv(from_="yesterday")
    with pytest.raises(TypeError, match="code must be a str"):
        plug.reports.ledger_csv(code=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="currency must be an ISO 4217"):
        plug.reports.ledger_csv(currency="usd")
    assert server.calls.call_count == 0


# -- receipts ------------------------------------------------------------------------------------


async def test_receipts_list_query(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/receipts").mock(return_value=envelope([RECEIPT]))
    page = await plug.receipts.list(
        customer_id="cus_1",
        source_type="invoice",
        issued_after=datetime(2026, 5, 1, tzinfo=UTC),
        issued_before="2026-06-01T00:00:00+07:00",
        limit=20,
        cursor="cur_1",
        order="desc",
    )
    (receipt,) = page.data
    assert_read(
        only_request(server),
        b"/api/v1/receipts?limit=20&customerId=cus_1&sourceType=invoice"
        b"&issuedAfter=2026-05-01T00%3A00%3A00.000Z&issuedBefore=2026-06-01T00%3A00%3A00%2B07%3A00"
        b"&order=desc&cursor=cur_1",
    )
    assert isinstance(receipt, Receipt)
    assert (receipt.number, receipt.source_type, receipt.source_id, receipt.issued_at) == (
        "RCPT-000001",
        "invoice",
        "inv_1",
        WHEN,
    )


async def test_receipt_get_and_email(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/receipts/rcpt_1%2F..").mock(return_value=envelope(RECEIPT))
    emailed = {**RECEIPT, "emailedAt": T, "emailedTo": "ada@example.com"}
    server.post("/api/v1/receipts/rcpt_1/email").mock(return_value=envelope(emailed))
    receipt = await plug.receipts.get("rcpt_1/..")
    first = await plug.receipts.email("rcpt_1")
    second = await plug.receipts.email("rcpt_1", to="ada@example.com", idempotency_key="e-1")
    get_request, email_request, to_request = (call.request for call in server.calls)
    assert_read(get_request, b"/api/v1/receipts/rcpt_1%2F..")
    assert_write(email_request, b"/api/v1/receipts/rcpt_1/email", b"")
    assert to_request.url.raw_path == b"/api/v1/receipts/rcpt_1/email"
    assert to_request.content == b'{"to":"ada@example.com"}'
    assert to_request.headers["idempotency-key"] == "e-1"
    assert all(verify_signature(call.request) for call in server.calls)
    assert receipt.id == "rcpt_1"
    assert (first.emailed_at, second.emailed_to) == (WHEN, "ada@example.com")


async def test_receipt_email_reuses_its_key_across_a_retry(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/receipts/rcpt_1/email").mock(
        side_effect=[error(500, "INTERNAL"), envelope(RECEIPT)]
    )
    await plug.receipts.email("rcpt_1", to="ada@example.com")
    keys = keys_of(server)
    assert len(keys) == 2 and keys[0] == keys[1]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_receipt_documents(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/receipts/rcpt_1/receipt.pdf").mock(
        return_value=httpx.Response(200, content=PDF, headers={"content-type": "application/pdf"})
    )
    server.get("/api/v1/receipts/rcpt_1/receipt.html").mock(
        return_value=httpx.Response(
            200,
            content="<p>Terima kasih · Rp150.000</p>".encode("latin-1", "replace"),
            headers={"content-type": "text/html; charset=latin-1"},
        )
    )
    escpos = b"\x1b@RCPT-000001\n"
    server.get("/api/v1/receipts/rcpt_1/receipt.escpos").mock(
        return_value=httpx.Response(
            200, content=escpos, headers={"content-type": "application/octet-stream"}
        )
    )
    assert await plug.receipts.pdf("rcpt_1") == PDF
    assert await plug.receipts.html("rcpt_1") == "<p>Terima kasih · Rp150.000</p>"
    assert await plug.receipts.escpos("rcpt_1") == escpos
    assert await plug.receipts.escpos("rcpt_1", width=32) == escpos
    pdf, html, plain, narrow = (call.request for call in server.calls)
    assert_read(pdf, b"/api/v1/receipts/rcpt_1/receipt.pdf")
    assert pdf.headers["accept"] == "application/pdf, application/json"
    assert_read(html, b"/api/v1/receipts/rcpt_1/receipt.html")
    assert html.headers["accept"] == "text/html, application/json"
    assert_read(plain, b"/api/v1/receipts/rcpt_1/receipt.escpos")
    assert_read(narrow, b"/api/v1/receipts/rcpt_1/receipt.escpos?width=32")
    assert all(verify_signature(call.request) for call in server.calls)


async def test_receipt_document_error_is_typed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/receipts/rcpt_x/receipt.pdf").mock(return_value=error(404, "NOT_FOUND"))
    with pytest.raises(NotFoundError):
        await plug.receipts.pdf("rcpt_x")


async def test_receipt_arguments_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="width must be 32 or 48"):
        await plug.receipts.escpos("rcpt_1", width=40)
    with pytest.raises(ValueError, match="to must not be empty"):
        await plug.receipts.email("rcpt_1", to="")
    with pytest.raises(ValueError, match="issued_after must be ISO 8601"):
        plug.receipts.list(issued_after="last week")
    with pytest.raises(ValueError, match="receipt_id must be a non-empty id"):
        await plug.receipts.html(".")
    assert server.calls.call_count == 0


# -- gift cards ----------------------------------------------------------------------------------


async def test_gift_card_issue_sends_every_field(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/gift-cards").mock(return_value=envelope(CARD, 201))
    card = await plug.gift_cards.issue(
        amount=100000,
        currency="IDR",
        customer_id="cus_1",
        code="GIFT-AB12-CD34",
        expires_at=datetime(2027, 1, 1, 7, tzinfo=timezone(timedelta(hours=7))),
        note="promo",
        metadata={"campaign": "lebaran"},
        kind="store_credit",
        issued_source="crm",
        issued_ref="promo-7",
    )
    assert_write(
        only_request(server),
        b"/api/v1/gift-cards",
        b'{"amount":100000,"currency":"IDR","customerId":"cus_1","code":"GIFT-AB12-CD34",'
        b'"expiresAt":"2027-01-01T00:00:00.000Z","note":"promo","metadata":{"campaign":"lebaran"},'
        b'"kind":"store_credit","issuedSource":"crm","issuedRef":"promo-7"}',
    )
    assert isinstance(card, GiftCard)
    assert (card.id, card.code, card.balance, card.initial_balance, card.status) == (
        GC,
        "GIFT-AB12-CD34",
        100000,
        100000,
        "active",
    )
    assert (card.kind, card.mode, card.expires_at, card.metadata) == (
        "gift_card",
        "test",
        WHEN,
        {"campaign": "lebaran"},
    )
    assert repr(card) == f"GiftCard(id='{GC}', status='active', balance=100000, currency='IDR')"


async def test_gift_card_issue_minimal_reuses_its_key_across_a_retry(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/gift-cards").mock(
        side_effect=[httpx.ConnectTimeout("slow"), envelope(CARD, 201)]
    )
    await plug.gift_cards.issue(amount=50000)
    for call in server.calls:
        assert call.request.content == b'{"amount":50000}'
    keys = keys_of(server)
    assert len(keys) == 2 and keys[0] == keys[1]


async def test_gift_card_list_and_get_by_code(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/gift-cards").mock(return_value=envelope([CARD]))
    server.get("/api/v1/gift-cards/GIFT%2F1%20x").mock(return_value=envelope(CARD))
    page = await plug.gift_cards.list(
        status="active", customer_id="cus_1", limit=50, cursor="cur_1", order="asc"
    )
    assert [c.id for c in page.data] == [GC]
    card = await plug.gift_cards.get("GIFT/1 x")
    list_request, get_request = (call.request for call in server.calls)
    assert_read(
        list_request,
        b"/api/v1/gift-cards?limit=50&status=active&customerId=cus_1&order=asc&cursor=cur_1",
    )
    assert_read(get_request, b"/api/v1/gift-cards/GIFT%2F1%20x")
    assert card.code == "GIFT-AB12-CD34"


async def test_gift_card_redeem_returns_the_card_and_its_entry(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    answer = {"giftCard": {**CARD, "balance": 75000}, "entry": CARD_ENTRY}
    server.post(f"/api/v1/gift-cards/{GC}/redeem").mock(
        side_effect=[error(503, "SERVICE_UNAVAILABLE"), envelope(answer)]
    )
    moved = await plug.gift_cards.redeem(
        GC,
        amount=25000,
        external_source="pos",
        external_ref="sale-9",
        checkout_session_id="cs_1",
        note="till 2",
    )
    for call in server.calls:
        assert_write(
            call.request,
            f"/api/v1/gift-cards/{GC}/redeem".encode(),
            b'{"amount":25000,"externalSource":"pos","externalRef":"sale-9",'
            b'"checkoutSessionId":"cs_1","note":"till 2"}',
        )
        assert verify_signature(call.request)
    keys = keys_of(server)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert isinstance(moved, GiftCardMovement)
    assert isinstance(moved.gift_card, GiftCard)
    assert isinstance(moved.entry, GiftCardEntry)
    assert moved.gift_card.balance == 75000
    assert (moved.entry.kind, moved.entry.delta, moved.entry.balance_after) == (
        "redeem",
        -25000,
        75000,
    )
    assert (moved.entry.external_source, moved.entry.external_ref, moved.entry.ledger_tx_id) == (
        "pos",
        "sale-9",
        "tx_9",
    )
    assert moved.entry.created_at == WHEN


async def test_gift_card_redeem_above_the_balance_is_typed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post(f"/api/v1/gift-cards/{GC}/redeem").mock(
        return_value=error(409, "INSUFFICIENT_BALANCE")
    )
    with pytest.raises(ConflictError) as err:
        await plug.gift_cards.redeem(GC, amount=10**9, external_source="pos", external_ref="s-1")
    assert err.value.code == "insufficient_balance"


async def test_gift_card_topup_and_void(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    topped = {
        "giftCard": {**CARD, "balance": 150000},
        "entry": {**CARD_ENTRY, "kind": "topup", "delta": 50000, "balanceAfter": 150000},
    }
    server.post(f"/api/v1/gift-cards/{GC}/topup").mock(return_value=envelope(topped))
    server.post(f"/api/v1/gift-cards/{GC}/void").mock(
        return_value=envelope({**CARD, "status": "void", "balance": 0})
    )
    moved = await plug.gift_cards.topup(
        GC, amount=50000, external_source="shop", external_ref="order-5", note="bonus"
    )
    voided = await plug.gift_cards.void(GC)
    voided_with_note = await plug.gift_cards.void(GC, note="lost", idempotency_key="v-1")
    topup_request, void_request, noted_request = (call.request for call in server.calls)
    assert_write(
        topup_request,
        f"/api/v1/gift-cards/{GC}/topup".encode(),
        b'{"amount":50000,"externalSource":"shop","externalRef":"order-5","note":"bonus"}',
    )
    assert_write(void_request, f"/api/v1/gift-cards/{GC}/void".encode(), b"")
    assert noted_request.url.raw_path == f"/api/v1/gift-cards/{GC}/void".encode()
    assert noted_request.content == b'{"note":"lost"}'
    assert noted_request.headers["idempotency-key"] == "v-1"
    assert all(verify_signature(call.request) for call in server.calls)
    assert moved.entry is not None and moved.entry.kind == "topup"
    assert moved.gift_card is not None and moved.gift_card.balance == 150000
    assert (voided.status, voided_with_note.balance) == ("void", 0)


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        ({"amount": 1.5}, ValueError, "amount must be an int"),
        ({"amount": -5}, ValueError, "amount must not be negative"),
        ({"amount": None}, ValueError, "amount is required"),
        ({"amount": 1, "currency": "Rp"}, ValueError, "currency must be an ISO 4217 code"),
        ({"amount": 1, "customer_id": "user-1"}, ValueError, "customer_id must start with 'cus_'"),
        ({"amount": 1, "expires_at": "soon"}, ValueError, "expires_at must be ISO 8601"),
        ({"amount": 1, "metadata": {"k": 1}}, TypeError, "metadata values must be str"),
        ({"amount": 1, "code": ""}, ValueError, "code must not be empty"),
    ],
)
async def test_gift_card_issue_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    call: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(CARD))
    with pytest.raises(kind, match=message):
        await plug.gift_cards.issue(**call)
    assert server.calls.call_count == 0


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        ({"amount": 1.0}, ValueError, "amount must be an int"),
        ({"amount": False}, ValueError, "amount must be an int"),
        ({"external_source": None}, ValueError, "external_source is required"),
        ({"external_ref": ""}, ValueError, "external_ref must not be empty"),
        ({"checkout_session_id": "sess_1"}, ValueError, "checkout_session_id must start"),
    ],
)
async def test_gift_card_redeem_arguments_refused_before_any_request(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    call: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    server.route().mock(return_value=envelope(CARD))
    arguments: dict[str, Any] = {
        "amount": 100,
        "external_source": "pos",
        "external_ref": "s-1",
        **call,
    }
    with pytest.raises(kind, match=message):
        await plug.gift_cards.redeem(GC, **arguments)
    if "checkout_session_id" not in call:
        with pytest.raises(kind, match=message):
            await plug.gift_cards.topup(GC, **arguments)
    assert server.calls.call_count == 0


async def test_gift_card_id_and_code_refused_before_any_request(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="code must be a non-empty id"):
        await plug.gift_cards.get("..")
    with pytest.raises(ValueError, match="gift_card_id must be a non-empty id"):
        await plug.gift_cards.void("")
    with pytest.raises(TypeError, match="note must be a str"):
        await plug.gift_cards.void(GC, note=3)  # type: ignore[arg-type]
    assert server.calls.call_count == 0
