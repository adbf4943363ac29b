"""Reports (SPEC-MONEY §5, §6; SURVEY §1.9): P&L and cash flow computed from the ledger entries
over a window and a currency, and the ledger CSV streamed in chunks (in process and over HTTP)."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from typing import Any

import httpx

from plugipay._signing import authorization_header, sign_request
from plugipay.testing import FakePlugipay
from plugipay.testing._ledger import post
from plugipay.testing.resources.reports import CSV_COLUMNS

from .emulator_helpers import RawClient, data_of, error_of
from .test_checkout_sessions import create

PNL = "/api/v1/reports/pnl"
FLOW = "/api/v1/reports/cash-flow"
CSV = "/api/v1/reports/ledger.csv"
DAY = 86_400


def three_days(raw: RawClient, fake: FakePlugipay) -> None:
    """Day 1 (2026-05-12): a payment of 100,000 (fee 2,000). Day 2: a refund of 30,000 and a
    USD payment of 1,000 (fee 20). Day 3: an invoice of 10,000 + 1,000 tax (fee 220)."""
    paid = fake.pay_checkout_session(create(raw, amount=100_000)["id"])
    fake.advance(DAY)
    data_of(raw.post("/api/v1/refunds", json={"chargeId": paid["paymentId"], "amount": 30_000}))
    fake.pay_checkout_session(
        create(raw, amount=1_000, currency="USD", methods=["card"])["id"], method="card"
    )
    fake.advance(DAY)
    customer = raw.create_customer()
    invoice = data_of(
        raw.post(
            "/api/v1/invoices",
            json={
                "customerId": customer["id"],
                "currency": "IDR",
                "tax": 1_000,
                "lines": [{"description": "Work", "quantity": 1, "unitAmount": 10_000}],
            },
        )
    )
    data_of(raw.post(f"/api/v1/invoices/{invoice['id']}/finalize"))
    data_of(raw.post(f"/api/v1/invoices/{invoice['id']}/pay"))
    fake.check_books()


def test_pnl_over_all_time_and_windows(raw: RawClient, fake: FakePlugipay) -> None:
    three_days(raw, fake)
    report = data_of(raw.get(PNL))
    assert report == {
        "from": "2026-05-12T10:42:00.000Z",
        "to": "2026-05-14T10:42:00.000Z",
        "currency": "IDR",
        "revenue": 110_000,
        "refunds": 30_000,
        "platformFees": 2_220,
        "tax": 1_000,
        "net": 110_000 - 30_000 - 2_220,
        "lines": [
            {"code": "revenue", "amount": 110_000},
            {"code": "refunds", "amount": 30_000},
            {"code": "platform_fees", "amount": 2_220},
            {"code": "tax", "amount": 1_000},
        ],
    }
    books = fake.ledger_balances(currency="IDR")
    assert (report["revenue"], report["refunds"], report["tax"]) == (
        -books["revenue"],
        books["refunds"],
        -books["tax"],
    )
    day2 = data_of(raw.get(f"{PNL}?from=2026-05-13&to=2026-05-13"))
    assert (day2["from"], day2["to"]) == ("2026-05-13T00:00:00.000Z", "2026-05-13T23:59:59.999Z")
    assert (day2["revenue"], day2["refunds"], day2["net"]) == (0, 30_000, -30_000)
    usd = data_of(raw.get(f"{PNL}?currency=USD&from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z"))
    assert (usd["revenue"], usd["platformFees"], usd["net"]) == (1_000, 20, 980)
    # bounds are inclusive, to the millisecond; unix seconds work too
    at = 1_778_582_520  # the first payment, 2026-05-12T10:42:00Z
    assert data_of(raw.get(f"{PNL}?from={at}&to={at}"))["revenue"] == 100_000
    assert data_of(raw.get(f"{PNL}?from={at + 0.001}&to={at + 60}"))["revenue"] == 0


def test_cash_flow_buckets_per_day(raw: RawClient, fake: FakePlugipay) -> None:
    three_days(raw, fake)
    flow = data_of(raw.get(FLOW))
    assert flow["buckets"] == [
        {"day": "2026-05-12", "inflow": 98_000, "outflow": 0, "net": 98_000},
        {"day": "2026-05-13", "inflow": 0, "outflow": 30_000, "net": -30_000},
        {"day": "2026-05-14", "inflow": 10_780, "outflow": 0, "net": 10_780},
    ]
    assert (flow["totalInflow"], flow["totalOutflow"], flow["net"]) == (108_780, 30_000, 78_780)
    assert flow["net"] == fake.ledger_balances(currency="IDR")["balance"]
    usd = data_of(raw.get(f"{FLOW}?currency=USD"))
    assert usd["buckets"] == [{"day": "2026-05-13", "inflow": 980, "outflow": 0, "net": 980}]
    narrow = data_of(raw.get(f"{FLOW}?from=2026-05-14"))
    assert [b["day"] for b in narrow["buckets"]] == ["2026-05-14"]


def test_report_query_errors(raw: RawClient) -> None:
    for path in (PNL, FLOW):
        for query in ("from=yesterday", "to=nan", "currency=EUR", "from=2026-05-13&to=2026-05-12"):
            assert error_of(raw.get(f"{path}?{query}")) == (400, "VALIDATION_ERROR"), query
    assert error_of(raw.get(f"{CSV}?from=soon")) == (400, "VALIDATION_ERROR")


def test_empty_books_report_zero(raw: RawClient) -> None:
    report = data_of(raw.get(PNL))
    assert (report["revenue"], report["net"]) == (0, 0)
    assert data_of(raw.get(FLOW))["buckets"] == []
    response = raw.get(CSV)
    assert response.status_code == 200
    assert response.content == (",".join(CSV_COLUMNS) + "\r\n").encode()


def parse(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def test_csv_rows_are_the_entries(raw: RawClient, fake: FakePlugipay) -> None:
    three_days(raw, fake)
    response = raw.get(CSV)
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        f'inline; filename="ledger-{fake.account_id}.csv"'
    )
    rows = parse(response.content)
    assert rows[0] == list(CSV_COLUMNS)
    entries = fake.ledger_entries()
    assert rows[1:] == [["" if e[c] is None else str(e[c]) for c in CSV_COLUMNS] for e in entries]
    usd = parse(raw.get(f"{CSV}?currency=USD").content)
    assert {row[6] for row in usd[1:]} == {"USD"} and len(usd) == 1 + 3
    day1 = parse(raw.get(f"{CSV}?to=2026-05-12").content)
    assert len(day1) == 1 + 3


def bulk(fake: FakePlugipay, transactions: int) -> None:
    """Post ``transactions`` balanced two-entry transactions straight into the books."""
    store = fake._store
    with store.lock:
        ws = store.resolve_workspace(fake.account_id)
        for i in range(transactions):
            post(
                store,
                ws,
                [("balance", "debit", i + 1), ("revenue", "credit", i + 1)],
                currency="IDR",
                source_type="adjustment",
                source_id=fake.workspace_id,
                memo=f"bulk {i}, with a comma",
                now=fake.now(),
            )


def test_csv_of_100k_entries_streams_in_chunks(raw: RawClient, fake: FakePlugipay) -> None:
    bulk(fake, 50_000)
    timestamp = int(fake.clock.time())
    signature = sign_request(fake.secret, "GET", CSV, timestamp, b"", None)
    headers = {
        "Authorization": authorization_header(fake.key_id, signature),
        "X-Plugipay-Timestamp": str(timestamp),
    }
    with (
        httpx.Client(transport=fake.transport) as http,
        http.stream("GET", fake.base_url + CSV, headers=headers) as response,
    ):
        sizes: list[int] = []
        rows = 0
        tail = b""
        for chunk in response.iter_raw():
            sizes.append(len(chunk))
            rows += chunk.count(b"\r\n")
            tail = chunk
    assert rows == 1 + 100_000
    assert len(sizes) == 100 and max(sizes) < 200_000
    assert tail.endswith(b'bulk 49999, with a comma"\r\n')
    fake.check_books()


def test_csv_over_http_is_chunked(raw: RawClient, fake: FakePlugipay) -> None:
    bulk(fake, 1_500)
    with fake.serve() as url:
        served = RawClient(fake, base_url=url)
        with served.http:
            response = served.get(CSV)
    assert response.headers["transfer-encoding"] == "chunked"
    rows = parse(response.content)
    assert len(rows) == 1 + 3_000
    assert rows[1:] == [
        ["" if e[c] is None else str(e[c]) for c in CSV_COLUMNS] for e in fake.ledger_entries()
    ]


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.reports`` method (issue 13's signatures), for the strict-converter walk in
    ``test_sdk.py``."""
    from datetime import date, datetime, timedelta

    session = plug.checkout_sessions.create(
        amount=100_000,
        currency="IDR",
        methods=["qris"],
        success_url="https://shop.example/ok",
        cancel_url="https://shop.example/cancel",
    )
    fake.pay_checkout_session(session.id)
    today = datetime.fromtimestamp(fake.now(), UTC)
    pnl = plug.reports.pnl(from_=today - timedelta(days=1), to=today, currency="IDR")
    assert (pnl.revenue, pnl.platform_fees, pnl.net) == (100_000, 2_000, 98_000)
    flow = plug.reports.cash_flow(from_=date(2026, 1, 1), to=today.date())
    assert flow.net == 98_000
    with plug.reports.ledger_csv() as download:
        body = b"".join(download.iter_bytes())
    assert body.count(b"\r\n") == 1 + 3
    fake.check_books()
