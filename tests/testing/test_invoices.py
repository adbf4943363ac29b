"""Invoices in the emulator (SPEC-MONEY §4-§6): totals, numbering, the lifecycle, payment by
``pay`` and by checkout, refunds, documents."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugipay.testing import FakeClock, FakePlugipay

from .emulator_helpers import START, RawClient, data_of, error_of
from .test_plans import types_of

INVOICES = "/api/v1/invoices"
LINES = [
    {"description": "Seats", "quantity": 3, "unitAmount": 50_000},
    {"description": "Setup", "quantity": 1, "unitAmount": 25_000},
]


def make(raw: RawClient, **fields: Any) -> dict[str, Any]:
    customer = raw.create_customer(name="Ada", email="ada@example.com")
    body = {"customerId": customer["id"], "currency": "IDR", "lines": LINES, **fields}
    return data_of(raw.post(INVOICES, json=body))  # type: ignore[no-any-return]


def act(raw: RawClient, invoice: dict[str, Any], action: str, **body: Any) -> Any:
    return raw.post(f"{INVOICES}/{invoice['id']}/{action}", json=body)


def test_draft_shape_and_totals(raw: RawClient, fake: FakePlugipay) -> None:
    invoice = make(raw, discount=5_000, tax=17_000, memo="thanks")
    assert invoice["id"].startswith("inv_") and invoice["status"] == "draft"
    assert (invoice["number"], invoice["issuedAt"], invoice["hostedInvoiceUrl"]) == (None,) * 3
    assert (invoice["subtotal"], invoice["total"], invoice["amountDue"]) == (
        175_000,
        187_000,
        187_000,
    )
    assert [(line["amount"], line["id"][:3]) for line in invoice["lines"]] == [
        (150_000, "il_"),
        (25_000, "il_"),
    ]
    assert types_of(fake)[-1] == "plugipay.invoice.created.v1"
    assert data_of(raw.get(f"{INVOICES}/{invoice['id']}")) == invoice


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    lines=st.lists(st.tuples(st.integers(1, 1_000), st.integers(0, 10**7)), min_size=1, max_size=8),
    discount_share=st.floats(0, 1),
    tax=st.integers(0, 10**6),
)
def test_totals_for_generated_lines(
    lines: list[tuple[int, int]], discount_share: float, tax: int
) -> None:
    fake = FakePlugipay(seed=1, clock=FakeClock(START, frozen=True))
    raw = RawClient(fake)
    subtotal = sum(q * u for q, u in lines)
    discount = int(subtotal * discount_share)
    invoice = make(
        raw,
        lines=[
            {"description": f"l{i}", "quantity": q, "unitAmount": u}
            for i, (q, u) in enumerate(lines)
        ],
        discount=discount,
        tax=tax,
        status="open",
    )
    assert invoice["subtotal"] == subtotal
    assert invoice["total"] == subtotal - discount + tax == invoice["amountDue"]
    paid = data_of(act(raw, invoice, "pay"))
    assert (paid["amountPaid"], paid["amountDue"]) == (invoice["total"], 0)
    balances = fake.ledger_balances()
    assert sum(balances.values()) == 0
    assert (-balances["revenue"], -balances["tax"]) == (subtotal - discount, tax)


def test_discount_above_subtotal_is_refused(raw: RawClient) -> None:
    customer = raw.create_customer(name="C")
    body = {"customerId": customer["id"], "currency": "IDR", "lines": LINES, "discount": 175_001}
    assert error_of(raw.post(INVOICES, json=body)) == (400, "VALIDATION_ERROR")


def test_finalize_numbers_per_workspace_and_pay_posts_and_receipts(
    raw: RawClient, fake: FakePlugipay
) -> None:
    first, second = make(raw), make(raw)
    opened = data_of(act(raw, second, "finalize"))
    assert (opened["status"], opened["number"]) == ("open", "INV-000001")
    assert opened["hostedInvoiceUrl"] == f"https://plugipay.com/i/{second['id']}"
    assert data_of(act(raw, first, "finalize"))["number"] == "INV-000002"
    assert error_of(raw.get(f"{INVOICES}/{second['id']}/receipt")) == (404, "NOT_FOUND")
    paid = data_of(act(raw, second, "pay"))
    assert (paid["status"], paid["chargeId"][:3]) == ("paid", "ch_")
    receipt = data_of(raw.get(f"{INVOICES}/{second['id']}/receipt"))
    assert (receipt["number"], receipt["sourceType"], receipt["amount"]) == (
        "RCPT-000001",
        "invoice",
        175_000,
    )
    entries = [e for e in fake.ledger_entries() if e["sourceId"] == second["id"]]
    assert [(e["code"], e["direction"], e["amount"]) for e in entries] == [
        ("balance", "debit", 171_500),
        ("platform_fees", "debit", 3_500),
        ("revenue", "credit", 175_000),
    ]
    assert types_of(fake)[-3:] == [
        "plugipay.invoice.finalized.v1",
        "plugipay.invoice.finalized.v1",
        "plugipay.invoice.paid.v1",
    ]


def test_forbidden_transitions_are_409_and_change_nothing(
    raw: RawClient, fake: FakePlugipay
) -> None:
    draft, paid, void = make(raw), make(raw, status="open"), make(raw)
    data_of(act(raw, paid, "pay"))
    data_of(act(raw, void, "void"))
    cases = [
        (draft, "pay"),
        (draft, "send"),
        (draft, "send-email"),
        (paid, "finalize"),
        (paid, "pay"),
        (paid, "void"),
        (paid, "send"),
        (void, "finalize"),
        (void, "pay"),
        (void, "void"),
        (void, "send-email"),
    ]
    for invoice, action in cases:
        before, events = data_of(raw.get(f"{INVOICES}/{invoice['id']}")), len(fake.events)
        assert error_of(act(raw, invoice, action)) == (409, "INVALID_TRANSITION"), action
        assert data_of(raw.get(f"{INVOICES}/{invoice['id']}")) == before
        assert len(fake.events) == events
    assert error_of(raw.get(f"{INVOICES}/{draft['id']}/invoice.pdf")) == (409, "INVALID_TRANSITION")


def test_void_send_and_email(raw: RawClient, fake: FakePlugipay) -> None:
    invoice = make(raw, status="open")
    data_of(act(raw, invoice, "send"))
    assert fake.events[-1]["data"]["to"] == "ada@example.com"  # type: ignore[index]
    assert data_of(act(raw, invoice, "send-email", to="ap@acme.example")) == {
        "sent": True,
        "to": "ap@acme.example",
    }
    voided = data_of(act(raw, invoice, "void"))
    assert (voided["status"], voided["amountDue"], voided["voidedAt"] is not None) == (
        "void",
        0,
        True,
    )
    assert types_of(fake)[-1] == "plugipay.invoice.voided.v1"


def test_paid_by_a_checkout_session(raw: RawClient, fake: FakePlugipay) -> None:
    invoice = make(raw, status="open")
    base = {
        "currency": "IDR",
        "methods": ["qris"],
        "successUrl": "https://shop.example/ok",
        "cancelUrl": "https://shop.example/no",
        "metadata": {"invoiceId": invoice["id"]},
    }
    wrong = raw.post("/api/v1/checkout-sessions", json={**base, "amount": 1})
    assert error_of(wrong) == (400, "VALIDATION_ERROR")
    session = data_of(raw.post("/api/v1/checkout-sessions", json={**base, "amount": 175_000}))
    paid_session = fake.pay_checkout_session(session["id"])
    now = data_of(raw.get(f"{INVOICES}/{invoice['id']}"))
    assert (now["status"], now["chargeId"]) == ("paid", paid_session["paymentId"])
    # one posting (of the invoice) and one receipt, shown on both
    assert {e["sourceType"] for e in fake.ledger_entries()} == {"invoice"}
    receipt = data_of(raw.get(f"{INVOICES}/{invoice['id']}/receipt"))
    assert data_of(raw.get(f"/api/v1/checkout-sessions/{session['id']}/receipt")) == receipt
    assert types_of(fake)[-2:] == [
        "plugipay.invoice.paid.v1",
        "plugipay.checkout_session.completed.v1",
    ]
    # a paid invoice takes no further checkout session
    again = raw.post("/api/v1/checkout-sessions", json={**base, "amount": 175_000})
    assert error_of(again) == (409, "INVALID_TRANSITION")


def test_refunds_of_a_paid_invoice(raw: RawClient, fake: FakePlugipay) -> None:
    invoice = make(raw, status="open")
    open_refund = raw.post(
        "/api/v1/refunds", json={"sourceType": "invoice", "sourceId": invoice["id"]}
    )
    assert error_of(open_refund) == (409, "INVALID_TRANSITION")
    paid = data_of(act(raw, invoice, "pay"))
    part = data_of(
        raw.post("/api/v1/refunds", json={"chargeId": paid["chargeId"], "amount": 75_000})
    )
    assert (part["invoiceId"], part["chargeId"], part["status"]) == (
        invoice["id"],
        paid["chargeId"],
        "succeeded",
    )
    rest = data_of(
        raw.post("/api/v1/refunds", json={"sourceType": "invoice", "sourceId": invoice["id"]})
    )
    assert rest["amount"] == 100_000
    again = raw.post("/api/v1/refunds", json={"chargeId": paid["chargeId"]})
    assert error_of(again) == (400, "VALIDATION_ERROR")
    assert fake.ledger_balances()["refunds"] == 175_000


def test_documents_carry_number_and_total(raw: RawClient) -> None:
    invoice = make(raw, status="open", discount=5_000)
    pdf = raw.get(f"{INVOICES}/{invoice['id']}/invoice.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.4")
    assert b"(Invoice INV-000001)" in pdf.content and b"(Total IDR 170,000)" in pdf.content
    page = raw.get(f"{INVOICES}/{invoice['id']}/invoice.html")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "INV-000001" in page.text and "IDR 170,000" in page.text and "Discount" in page.text
    printed = raw.get(f"{INVOICES}/{invoice['id']}/invoice.escpos?width=48")
    assert printed.content.startswith(b"\x1b@") and b"INV-000001" in printed.content
    bad = raw.get(f"{INVOICES}/{invoice['id']}/invoice.escpos?width=40")
    assert error_of(bad) == (400, "VALIDATION_ERROR")


def test_list_filters(raw: RawClient) -> None:
    first, second = make(raw), make(raw, status="open")
    assert [i["id"] for i in data_of(raw.get(INVOICES))] == [second["id"], first["id"]]
    assert [i["id"] for i in data_of(raw.get(f"{INVOICES}?status=open"))] == [second["id"]]
    query = f"{INVOICES}?customerId={first['customerId']}"
    assert [i["id"] for i in data_of(raw.get(query))] == [first["id"]]
    assert data_of(raw.get(f"{INVOICES}?subscriptionId=sub_x")) == []
    assert error_of(raw.get(f"{INVOICES}?status=late")) == (400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"description": "x", "quantity": 0, "unitAmount": 1}]}, "lines"),
        ({"lines": [{"description": "x", "quantity": 1, "unitAmount": -1}]}, "lines"),
        ({"lines": [{"description": "x", "quantity": 1, "unitAmount": 1, "sku": "a"}]}, "lines"),
        ({"currency": "EUR"}, "currency"),
        ({"tax": -1}, "tax"),
        ({"status": "paid"}, "status"),
        ({"dueAt": "soon"}, "dueAt"),
        ({"number": "INV-9"}, "number"),
    ],
)
def test_create_refuses_bad_fields(raw: RawClient, fields: dict[str, Any], field: str) -> None:
    customer = raw.create_customer(name="C")
    body = {"customerId": customer["id"], "currency": "IDR", "lines": LINES, **fields}
    response = raw.post(INVOICES, json=body)
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.invoices`` method (issue 12's signatures)."""
    customer = plug.customers.create(name="Payer", email="payer@example.com")
    invoice = plug.invoices.create(
        customer_id=customer.id,
        currency="IDR",
        lines=[{"description": "Seats", "quantity": 2, "unit_amount": 50_000}],
        discount=10_000,
        tax=9_000,
        memo="thanks",
    )
    assert invoice.total == 99_000
    assert plug.invoices.get(invoice.id).id == invoice.id
    assert plug.invoices.finalize(invoice.id).number == "INV-000001"
    plug.invoices.send(invoice.id)
    assert plug.invoices.send_email(invoice.id, to="ap@example.com") is not None
    assert plug.invoices.pdf(invoice.id).startswith(b"%PDF")
    assert "INV-000001" in plug.invoices.html(invoice.id)
    assert plug.invoices.escpos(invoice.id, width=32).startswith(b"\x1b@")
    with plug.invoices.stream_pdf(invoice.id) as download:
        assert b"".join(download.iter_bytes()).startswith(b"%PDF")
    paid = plug.invoices.pay(invoice.id)
    assert paid.status == "paid"
    assert plug.invoices.receipt(invoice.id).source_type == "invoice"
    draft = plug.invoices.create(
        customer_id=customer.id,
        currency="IDR",
        lines=[{"description": "Extra", "quantity": 1, "unit_amount": 1_000}],
    )
    assert plug.invoices.void(draft.id).status == "void"
    assert {i.id for i in plug.invoices.list(customer_id=customer.id)} == {invoice.id, draft.id}
    refund = plug.refunds.create(source_type="invoice", source_id=invoice.id, amount=1_000)
    assert refund.invoice_id == invoice.id


def test_lines_may_name_their_price_and_carry_metadata(raw: RawClient, fake: FakePlugipay) -> None:
    lines = [
        {"description": "Seat", "quantity": 2, "unitAmount": 10_000, "priceId": "price_1"},
        {"description": "Setup", "quantity": 1, "unitAmount": 5_000, "metadata": {"k": "v"}},
    ]
    invoice = make(raw, lines=lines)
    assert [(ln["priceId"], ln["metadata"]) for ln in invoice["lines"]] == [
        ("price_1", None),
        (None, {"k": "v"}),
    ]
    bad = raw.post(
        INVOICES,
        json={
            "customerId": invoice["customerId"],
            "currency": "IDR",
            "lines": [{"description": "x", "quantity": 1, "unitAmount": 1, "priceId": "plan_1"}],
        },
    )
    assert error_of(bad) == (400, "VALIDATION_ERROR")
