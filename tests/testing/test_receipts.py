"""Receipts (SURVEY §1.10): the receipts checkout sessions and invoices issued, listed with their
filters, read whole, emailed and rendered as PDF, HTML and ESC/POS."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of
from .test_checkout_sessions import create

RECEIPTS = "/api/v1/receipts"
SUMMARY_KEYS = [
    "id",
    "number",
    "sourceType",
    "sourceId",
    "customerId",
    "amount",
    "currency",
    "method",
    "adapter",
    "issuedAt",
    "emailedAt",
    "emailedTo",
]
DAY = 86_400


def paid_invoice(raw: RawClient, customer_id: str) -> dict[str, Any]:
    invoice = data_of(
        raw.post(
            "/api/v1/invoices",
            json={
                "customerId": customer_id,
                "currency": "IDR",
                "lines": [{"description": "Consulting", "quantity": 2, "unitAmount": 5_000}],
            },
        )
    )
    data_of(raw.post(f"/api/v1/invoices/{invoice['id']}/finalize"))
    paid: dict[str, Any] = data_of(raw.post(f"/api/v1/invoices/{invoice['id']}/pay"))
    return paid


def two_receipts(raw: RawClient, fake: FakePlugipay) -> tuple[dict[str, Any], dict[str, Any]]:
    """A session receipt on day 1 (no customer) and an invoice receipt on day 2 (Ada's)."""
    session = fake.pay_checkout_session(
        create(raw, lineItems=[{"name": "Tea", "quantity": 2, "unitAmount": 75_000}])["id"]
    )
    fake.advance(DAY)
    ada = raw.create_customer(email="ada@example.com", name="Ada")
    return session, paid_invoice(raw, ada["id"])


def test_list_is_every_receipt_as_a_summary(raw: RawClient, fake: FakePlugipay) -> None:
    session, invoice = two_receipts(raw, fake)
    listed = data_of(raw.get(RECEIPTS))
    assert [list(r) for r in listed] == [SUMMARY_KEYS, SUMMARY_KEYS]
    assert [(r["number"], r["sourceType"], r["sourceId"]) for r in listed] == [
        ("RCPT-000002", "invoice", invoice["id"]),
        ("RCPT-000001", "checkout_session", session["id"]),
    ]
    # the same receipts the session's and invoice's own routes answer
    by_session = data_of(raw.get(f"/api/v1/checkout-sessions/{session['id']}/receipt"))
    by_invoice = data_of(raw.get(f"/api/v1/invoices/{invoice['id']}/receipt"))
    assert [by_invoice["id"], by_session["id"]] == [r["id"] for r in listed]
    assert data_of(raw.get(f"{RECEIPTS}/{by_session['id']}")) == by_session
    assert data_of(raw.get(f"{RECEIPTS}/{by_invoice['id']}"))["lineItems"] == [
        {"name": "Consulting", "quantity": 2, "unitAmount": 5_000}
    ]
    assert [r["id"] for r in fake.receipts] == [by_session["id"], by_invoice["id"]]


def test_list_filters(raw: RawClient, fake: FakePlugipay) -> None:
    session, invoice = two_receipts(raw, fake)

    def ids(query: str) -> list[str]:
        return [r["sourceId"] for r in data_of(raw.get(f"{RECEIPTS}?{query}"))]

    assert ids("sourceType=invoice") == [invoice["id"]]
    assert ids("sourceType=checkout_session") == [session["id"]]
    assert ids(f"customerId={invoice['customerId']}") == [invoice["id"]]
    assert ids("issuedAfter=2026-05-12T10:42:00Z") == [invoice["id"]]  # strictly after
    assert ids("issuedBefore=2026-05-13T10:42:00Z") == [session["id"]]  # strictly before
    assert ids("issuedAfter=2026-05-12T00:00:00Z&issuedBefore=2026-05-14T00:00:00Z") == [
        invoice["id"],
        session["id"],
    ]
    assert ids("order=asc") == [session["id"], invoice["id"]]
    page = raw.get(f"{RECEIPTS}?limit=1").json()
    assert page["meta"]["hasMore"] is True
    rest = data_of(raw.get(f"{RECEIPTS}?limit=1&cursor={page['meta']['cursor']}"))
    assert [r["sourceId"] for r in rest] == [session["id"]]
    for bad in ("sourceType=refund", "issuedAfter=later", "limit=x", "cursor=zz"):
        assert error_of(raw.get(f"{RECEIPTS}?{bad}")) == (400, "VALIDATION_ERROR"), bad


def test_email_defaults_to_the_customer(raw: RawClient, fake: FakePlugipay) -> None:
    session, invoice = two_receipts(raw, fake)
    by_invoice = data_of(raw.get(f"/api/v1/invoices/{invoice['id']}/receipt"))
    sent = data_of(raw.post(f"{RECEIPTS}/{by_invoice['id']}/email"))
    assert (sent["emailedTo"], sent["emailedAt"]) == ("ada@example.com", "2026-05-13T10:42:00.000Z")
    other = data_of(raw.post(f"{RECEIPTS}/{by_invoice['id']}/email", json={"to": "b@x.io"}))
    assert other["emailedTo"] == "b@x.io"
    listed = {r["id"]: r for r in data_of(raw.get(RECEIPTS))}
    assert listed[by_invoice["id"]]["emailedTo"] == "b@x.io"
    anonymous = data_of(raw.get(f"/api/v1/checkout-sessions/{session['id']}/receipt"))
    url = f"{RECEIPTS}/{anonymous['id']}/email"
    assert error_of(raw.post(url)) == (400, "VALIDATION_ERROR")
    assert error_of(raw.post(url, json={"to": "not an email"})) == (400, "VALIDATION_ERROR")


def test_documents(raw: RawClient, fake: FakePlugipay) -> None:
    session, _ = two_receipts(raw, fake)
    receipt = data_of(raw.get(f"/api/v1/checkout-sessions/{session['id']}/receipt"))
    base = f"{RECEIPTS}/{receipt['id']}"
    pdf = raw.get(f"{base}/receipt.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.4") and b"RCPT-000001" in pdf.content
    assert b"IDR 150,000" in pdf.content
    page = raw.get(f"{base}/receipt.html")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "RCPT-000001" in page.text and "2 x Tea" in page.text
    for width in (32, 48):
        printed = raw.get(f"{base}/receipt.escpos?width={width}")
        assert printed.headers["content-type"] == "application/octet-stream"
        assert printed.content.startswith(b"\x1b@")
        assert b"-" * width + b"\n" in printed.content
    # the same bytes the session's own receipt route renders
    assert raw.get(f"/api/v1/checkout-sessions/{session['id']}/receipt.escpos").content == (
        raw.get(f"{base}/receipt.escpos").content
    )
    assert error_of(raw.get(f"{base}/receipt.escpos?width=40")) == (400, "VALIDATION_ERROR")


def test_not_found_and_other_workspaces(raw: RawClient, fake: FakePlugipay) -> None:
    missing = f"{RECEIPTS}/rcpt_01HXAB7K3M9N2P5QRS8TVWXY3Z"
    for suffix in ("", "/receipt.pdf", "/receipt.html", "/receipt.escpos"):
        assert error_of(raw.get(missing + suffix)) == (404, "NOT_FOUND")
    assert error_of(raw.post(f"{missing}/email", json={"to": "a@b.co"})) == (404, "NOT_FOUND")
    session = fake.pay_checkout_session(create(raw)["id"])
    receipt = data_of(raw.get(f"/api/v1/checkout-sessions/{session['id']}/receipt"))
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    as_other = RawClient(fake, key_id=key.key_id, secret=key.secret)
    assert data_of(as_other.get(RECEIPTS)) == []
    assert error_of(as_other.get(f"{RECEIPTS}/{receipt['id']}")) == (404, "NOT_FOUND")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.receipts`` method (issue 13's signatures), for the strict-converter walk in
    ``test_sdk.py``."""
    from datetime import datetime, timedelta

    customer = plug.customers.create(email="buyer@example.com", name="Buyer")
    session = plug.checkout_sessions.create(
        amount=100_000,
        currency="IDR",
        methods=["qris"],
        success_url="https://shop.example/ok",
        cancel_url="https://shop.example/cancel",
        customer_id=customer.id,
    )
    fake.pay_checkout_session(session.id)
    now = datetime.fromtimestamp(fake.now(), UTC)
    listed = list(
        plug.receipts.list(
            customer_id=customer.id,
            source_type="checkout_session",
            issued_after=now - timedelta(hours=1),
            issued_before=now + timedelta(hours=1),
        )
    )
    assert [r.source_id for r in listed] == [session.id]
    receipt = plug.receipts.get(listed[0].id)
    assert receipt.number == "RCPT-000001"
    emailed = plug.receipts.email(receipt.id, to="other@example.com")
    assert emailed is None or emailed.emailed_to == "other@example.com"
    assert plug.receipts.pdf(receipt.id).startswith(b"%PDF")
    assert "RCPT-000001" in plug.receipts.html(receipt.id)
    assert plug.receipts.escpos(receipt.id, width=48).startswith(b"\x1b@")
