"""Checkout sessions in the emulator (SPEC-MONEY §4, §6, §7): the rules, every lifecycle edge,
every forbidden transition, expiry on business time, receipts, the buyer-side routes."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of

SESSIONS = "/api/v1/checkout-sessions"
PUBLIC = "/api/v1/public/checkout/sessions"
COMPLETED = "plugipay.checkout_session.completed.v1"
EXPIRED = "plugipay.checkout_session.expired.v1"
BASE: dict[str, Any] = {
    "amount": 150_000,
    "currency": "IDR",
    "methods": ["qris", "bank_transfer"],
    "successUrl": "https://shop.example/ok",
    "cancelUrl": "https://shop.example/cancel",
}
SESSION_KEYS = [
    "id",
    "arn",
    "accountId",
    "workspaceName",
    "customerId",
    "customer",
    "mode",
    "status",
    "amount",
    "currency",
    "methods",
    "paymentMethod",
    "adapter",
    "lineItems",
    "successUrl",
    "cancelUrl",
    "hostedUrl",
    "expiresAt",
    "completedAt",
    "paymentId",
    "metadata",
    "createdAt",
    "updatedAt",
]
ULID = "[0-9A-HJKMNP-TV-Z]{26}"


def create(raw: RawClient, **fields: Any) -> dict[str, Any]:
    response = raw.post(SESSIONS, json={**BASE, **fields}, idempotency_key=None)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def action(raw: RawClient, session_id: str, verb: str) -> httpx.Response:
    return raw.post(f"{SESSIONS}/{session_id}/{verb}")


def money_events(fake: FakePlugipay) -> list[dict[str, object]]:
    """The events of the money path (the fake's setup emits ``workspace.created``)."""
    return [
        e
        for e in fake.events
        if str(e["type"]).startswith(("plugipay.checkout", "plugipay.refund"))
    ]


def types_of(fake: FakePlugipay) -> list[str]:
    return [str(event["type"]) for event in money_events(fake)]


# -- create and read --------------------------------------------------------------------------


def test_create_answers_the_full_shape(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(email="ada@example.com", name="Ada", phone="+62")
    session = create(
        raw,
        customerId=customer["id"],
        lineItems=[{"name": "Tea", "quantity": 2, "unitAmount": 75_000}],
        metadata={"order": "o-1"},
        templateId="tpl_1",
    )
    assert list(session) == SESSION_KEYS
    assert re.fullmatch(f"cs_{ULID}", session["id"])
    assert session["arn"] == f"arn:plugipay:{fake.account_id}:checkout_session/{session['id']}"
    assert session["hostedUrl"] == f"https://plugipay.com/c/{session['id']}"
    assert session["customer"] == {
        "id": customer["id"],
        "name": "Ada",
        "email": "ada@example.com",
        "phone": "+62",
        "externalId": None,
    }
    assert (session["status"], session["mode"], session["workspaceName"]) == (
        "open",
        "test",
        "Test workspace",
    )
    assert (session["createdAt"], session["expiresAt"]) == (
        "2026-05-12T10:42:00.000Z",
        "2026-05-13T10:42:00.000Z",
    )
    for name in ("paymentMethod", "adapter", "completedAt", "paymentId"):
        assert session[name] is None
    assert session["metadata"] == {"order": "o-1"}
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}")) == session
    # the published SDKs send lineItems: [] when there are none
    assert create(raw, lineItems=[])["lineItems"] == []
    assert create(raw, expiresInSec=3600)["expiresAt"] == "2026-05-12T11:42:00.000Z"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "100"}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"currency": "idr"}, "currency"),
        ({"methods": []}, "methods"),
        ({"methods": ["bitcoin"]}, "methods"),
        ({"methods": ["qris", "qris"]}, "methods"),
        ({"methods": "qris"}, "methods"),
        ({"successUrl": "not a url"}, "successUrl"),
        ({"cancelUrl": "ftp://x.example/"}, "cancelUrl"),
        ({"customerId": "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"}, "customerId"),
        ({"customerId": "usr_1"}, "customerId"),
        ({"lineItems": [{"name": "x", "quantity": 0, "unitAmount": 1}]}, "lineItems"),
        ({"lineItems": [{"name": "", "quantity": 1, "unitAmount": 1}]}, "lineItems"),
        ({"lineItems": [{"name": "x", "quantity": 1, "unitAmount": -1}]}, "lineItems"),
        ({"lineItems": [{"name": "x", "quantity": 1, "unitAmount": 1, "sku": "s"}]}, "lineItems"),
        ({"lineItems": ["x"]}, "lineItems"),
        ({"expiresInSec": 59}, "expiresInSec"),
        ({"expiresInSec": 30 * 86400 + 1}, "expiresInSec"),
        ({"metadata": {"k": 1}}, "metadata"),
        ({"templateId": "x"}, "templateId"),
        ({"status": "completed"}, "status"),
        ({"paymentId": "ch_1"}, "paymentId"),
        ({"color": "red"}, "color"),
    ],
)
def test_create_refuses_bad_fields_field_by_field(
    raw: RawClient, fields: dict[str, Any], field: str
) -> None:
    response = raw.post(SESSIONS, json={**BASE, **fields})
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert data_of(raw.get(SESSIONS)) == []


def test_create_lists_every_missing_required_field(raw: RawClient) -> None:
    response = raw.post(SESSIONS, json={})
    assert error_of(response) == (400, "VALIDATION_ERROR")
    details = response.json()["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [
        ("amount", "required"),
        ("currency", "required"),
        ("methods", "required"),
        ("successUrl", "required"),
        ("cancelUrl", "required"),
    ]


def test_create_replays_under_its_idempotency_key(raw: RawClient) -> None:
    first = raw.post(SESSIONS, json=BASE, idempotency_key="cs-1")
    again = raw.post(SESSIONS, json=BASE, idempotency_key="cs-1")
    assert again.headers["idempotent-replayed"] == "true"
    assert data_of(again) == data_of(first)
    assert len(data_of(raw.get(SESSIONS))) == 1


def test_unknown_and_foreign_sessions_are_404(raw: RawClient, fake: FakePlugipay) -> None:
    session = create(raw)
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    as_other = RawClient(fake, key_id=key.key_id, secret=key.secret)
    for path in ("", "/receipt", "/receipt.pdf"):
        assert error_of(as_other.get(f"{SESSIONS}/{session['id']}{path}")) == (404, "NOT_FOUND")
    assert error_of(action(as_other, session["id"], "cancel")) == (404, "NOT_FOUND")
    assert error_of(raw.get(f"{SESSIONS}/cs_01HXAB7K3M9N2P5QRS8TVWXY3Z")) == (404, "NOT_FOUND")
    assert data_of(as_other.get(SESSIONS)) == []


def test_list_filters_and_pages(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(name="C")
    made = []
    for i in range(5):
        made.append(create(raw, amount=1000 + i, customerId=customer["id"] if i % 2 else None))
        fake.clock.advance(1)
    fake.pay_checkout_session(made[1]["id"])
    fake.fail_checkout_session(made[2]["id"])
    ids = [s["id"] for s in made]

    def listed(query: str = "") -> list[str]:
        return [s["id"] for s in data_of(raw.get(f"{SESSIONS}{query}"))]

    assert listed() == ids[::-1]
    assert listed("?order=asc") == ids
    assert listed("?status=completed") == [ids[1]]
    assert listed("?status=open") == [ids[4], ids[3], ids[0]]
    assert listed(f"?customerId={customer['id']}") == [ids[3], ids[1]]
    # createdAt of made[i] is START + i seconds
    assert listed("?createdAfter=2026-05-12T10:42:01Z&order=asc") == ids[2:]
    assert listed("?createdBefore=2026-05-12T10:42:02Z&order=asc") == ids[:2]
    # both bounds exclusive: START itself and START + 3 are left out
    assert listed(f"?createdAfter={1_778_582_520}&createdBefore={1_778_582_523}") == [
        ids[2],
        ids[1],
    ]
    pages: list[str] = []
    cursor = ""
    for _ in range(10):
        response = raw.get(f"{SESSIONS}?limit=2{cursor}")
        pages.extend(s["id"] for s in data_of(response))
        meta = response.json()["meta"]
        assert meta["hasMore"] == meta["page"]["hasMore"]
        if not meta["hasMore"]:
            break
        cursor = f"&cursor={meta['cursor']}"
    assert pages == ids[::-1]
    for bad in ("status=paid", "order=up", "createdAfter=yesterday", "cursor=nope", "limit=x"):
        assert error_of(raw.get(f"{SESSIONS}?{bad}")) == (400, "VALIDATION_ERROR")


# -- the lifecycle ----------------------------------------------------------------------------


def test_open_to_completed_by_an_automatic_method(raw: RawClient, fake: FakePlugipay) -> None:
    session = create(raw)
    fake.clock.advance(5)
    paid = fake.pay_checkout_session(session["id"], method="qris")
    assert paid["status"] == "completed"
    assert (paid["paymentMethod"], paid["adapter"]) == ("qris", "xendit")
    assert re.fullmatch(f"ch_{ULID}", str(paid["paymentId"]))
    assert paid["completedAt"] == paid["updatedAt"] == "2026-05-12T10:42:05.000Z"
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}")) == paid
    assert types_of(fake) == [COMPLETED]
    assert money_events(fake)[0]["data"]["object"] == paid  # type: ignore[index]
    receipt = data_of(raw.get(f"{SESSIONS}/{session['id']}/receipt-link"))
    assert receipt["number"] == "RCPT-000001" and receipt["sourceId"] == session["id"]


@pytest.mark.parametrize(
    ("method", "adapter"),
    [
        ("va", "xendit"),
        ("ewallet", "xendit"),
        ("card", "xendit"),
        ("retail", "xendit"),
        ("paypal", "paypal"),
    ],
)
def test_every_automatic_method_completes(
    raw: RawClient, fake: FakePlugipay, method: str, adapter: str
) -> None:
    session = create(raw, methods=[method])
    paid = fake.pay_checkout_session(session["id"], method=method)
    assert (paid["status"], paid["paymentMethod"], paid["adapter"]) == (
        "completed",
        method,
        adapter,
    )


def test_bank_transfer_waits_for_review_then_confirm_completes(
    raw: RawClient, fake: FakePlugipay
) -> None:
    session = create(raw)
    claimed = fake.pay_checkout_session(session["id"], method="bank_transfer")
    assert (claimed["status"], claimed["paymentMethod"], claimed["adapter"]) == (
        "pending_review",
        "bank_transfer",
        "manual",
    )
    assert claimed["paymentId"] is None and types_of(fake) == []
    assert error_of(raw.get(f"{SESSIONS}/{session['id']}/receipt-link")) == (404, "NOT_FOUND")
    confirmed = data_of(action(raw, session["id"], "confirm"))
    assert confirmed["status"] == "completed" and confirmed["paymentId"] is not None
    assert types_of(fake) == [COMPLETED]
    assert fake.ledger_balances()["revenue"] == -150_000


def test_open_to_failed(raw: RawClient, fake: FakePlugipay) -> None:
    session = create(raw)
    failed = fake.fail_checkout_session(session["id"])
    assert failed["status"] == "failed" and failed["paymentId"] is None


@pytest.mark.parametrize("via", ["open", "pending_review"])
def test_cancel_from_open_and_pending_review(raw: RawClient, fake: FakePlugipay, via: str) -> None:
    session = create(raw)
    if via == "pending_review":
        fake.pay_checkout_session(session["id"], method="bank_transfer")
    canceled = data_of(action(raw, session["id"], "cancel"))
    assert canceled["status"] == "canceled"
    assert types_of(fake) == []


def test_pending_sessions_can_be_canceled(raw: RawClient, fake: FakePlugipay) -> None:
    from plugipay.testing.resources.checkout_sessions import CHECKOUT_SESSIONS

    session = create(raw)
    with fake._store.lock:  # no route reaches "pending"; it is a provider-side state
        fake._store[CHECKOUT_SESSIONS][session["id"]]["status"] = "pending"
    assert data_of(action(raw, session["id"], "cancel"))["status"] == "canceled"


def test_expiry_on_business_time(raw: RawClient, fake: FakePlugipay) -> None:
    short = create(raw, expiresInSec=600)
    default = create(raw)
    claimed = create(raw)
    fake.pay_checkout_session(claimed["id"], method="bank_transfer")
    assert fake.advance(599) == 0
    assert data_of(raw.get(f"{SESSIONS}/{short['id']}"))["status"] == "open"
    fake.advance(1)
    expired = data_of(raw.get(f"{SESSIONS}/{short['id']}"))
    assert (expired["status"], expired["updatedAt"]) == ("expired", short["expiresAt"])
    assert types_of(fake) == [EXPIRED]
    assert money_events(fake)[0]["createdAt"] == short["expiresAt"]
    fake.advance(timedelta(hours=24))
    assert data_of(raw.get(f"{SESSIONS}/{default['id']}"))["status"] == "expired"
    # only open sessions expire
    assert data_of(raw.get(f"{SESSIONS}/{claimed['id']}"))["status"] == "pending_review"
    assert types_of(fake) == [EXPIRED, EXPIRED]
    with pytest.raises(ValueError, match="INVALID_TRANSITION"):
        fake.pay_checkout_session(default["id"])
    assert fake.advance(timedelta(days=30)) == 0  # each expiry ran once


def test_an_expired_session_cannot_be_paid_even_before_any_request(
    raw: RawClient, fake: FakePlugipay
) -> None:
    session = create(raw, expiresInSec=60)
    fake._business.advance(61)  # business time moved without running the timers
    with pytest.raises(ValueError, match="INVALID_TRANSITION"):
        fake.pay_checkout_session(session["id"])
    assert types_of(fake) == [EXPIRED]


def _in_state(raw: RawClient, fake: FakePlugipay, state: str) -> dict[str, Any]:
    session = create(raw, expiresInSec=60)
    ident = session["id"]
    if state == "pending_review":
        fake.pay_checkout_session(ident, method="bank_transfer")
    elif state == "completed":
        fake.pay_checkout_session(ident)
    elif state == "failed":
        fake.fail_checkout_session(ident)
    elif state == "canceled":
        data_of(action(raw, ident, "cancel"))
    elif state == "expired":
        fake.advance(60)
    return session


FORBIDDEN = [
    ("pending_review", "pay"),
    ("pending_review", "fail"),
    ("open", "confirm"),
    ("completed", "pay"),
    ("completed", "fail"),
    ("completed", "cancel"),
    ("completed", "confirm"),
    ("failed", "pay"),
    ("failed", "fail"),
    ("failed", "cancel"),
    ("failed", "confirm"),
    ("canceled", "pay"),
    ("canceled", "fail"),
    ("canceled", "cancel"),
    ("canceled", "confirm"),
    ("expired", "pay"),
    ("expired", "fail"),
    ("expired", "cancel"),
    ("expired", "confirm"),
]


@pytest.mark.parametrize(("state", "verb"), FORBIDDEN)
def test_every_forbidden_transition_is_409_and_changes_nothing(
    raw: RawClient, fake: FakePlugipay, state: str, verb: str
) -> None:
    session = _in_state(raw, fake, state)
    before = data_of(raw.get(f"{SESSIONS}/{session['id']}"))
    assert before["status"] == state
    events, entries = list(fake.events), fake.ledger_entries()
    if verb in ("cancel", "confirm"):
        response = action(raw, session["id"], verb)
        assert error_of(response) == (409, "INVALID_TRANSITION")
        assert state in response.json()["error"]["message"]
    elif verb == "pay":
        with pytest.raises(ValueError, match="INVALID_TRANSITION"):
            fake.pay_checkout_session(session["id"], method="qris")
        answer = raw.http.post(
            f"{fake.base_url}{PUBLIC}/{session['id']}/charge", json={"method": "qris"}
        )
        assert error_of(answer) == (409, "INVALID_TRANSITION")
    else:
        with pytest.raises(ValueError, match="INVALID_TRANSITION"):
            fake.fail_checkout_session(session["id"])
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}")) == before
    assert (fake.events, fake.ledger_entries()) == (events, entries)


def test_paying_with_a_method_the_session_does_not_offer(
    raw: RawClient, fake: FakePlugipay
) -> None:
    session = create(raw, methods=["qris"])
    with pytest.raises(ValueError, match=r"VALIDATION_ERROR.*does not offer card"):
        fake.pay_checkout_session(session["id"], method="card")
    with pytest.raises(ValueError, match="VALIDATION_ERROR"):
        fake.pay_checkout_session(session["id"], method="cash")
    with pytest.raises(KeyError):
        fake.pay_checkout_session("cs_01HXAB7K3M9N2P5QRS8TVWXY3Z")
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}"))["status"] == "open"


def test_cancel_and_confirm_refuse_a_body(raw: RawClient) -> None:
    session = create(raw)
    response = raw.post(f"{SESSIONS}/{session['id']}/cancel", json={"reason": "x"})
    assert error_of(response) == (400, "VALIDATION_ERROR")


def test_completion_posts_the_ledger_with_the_fee(raw: RawClient, fake: FakePlugipay) -> None:
    fake.fee_rate = 0.029
    session = create(raw, amount=10_050, currency="USD", methods=["card"])
    fake.pay_checkout_session(session["id"], method="card")
    # 2.9% of 10,050 cents is 291.45: rounded half up to 291
    assert fake.ledger_balances(currency="USD") == {
        "balance": 9_759,
        "revenue": -10_050,
        "platform_fees": 291,
        "refunds": 0,
        "payouts": 0,
        "gift_card_liability": 0,
        "tax": 0,
    }


def test_archiving_a_workspace_that_took_money_is_refused(
    raw: RawClient, fake: FakePlugipay
) -> None:
    fake.pay_checkout_session(create(raw)["id"])
    response = raw.delete(f"/api/v1/workspaces/{fake.workspace_id}", idempotency_key="a")
    assert error_of(response) == (409, "HAS_OPEN_BALANCE")


# -- receipts ---------------------------------------------------------------------------------


def _paid(raw: RawClient, fake: FakePlugipay, **fields: Any) -> dict[str, Any]:
    session = create(raw, **fields)
    fake.pay_checkout_session(session["id"], method=session["methods"][0])
    return session


def test_receipts_are_numbered_per_workspace(raw: RawClient, fake: FakePlugipay) -> None:
    numbers = []
    for _ in range(3):
        session = _paid(raw, fake)
        numbers.append(data_of(raw.get(f"{SESSIONS}/{session['id']}/receipt"))["number"])
    assert numbers == ["RCPT-000001", "RCPT-000002", "RCPT-000003"]
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    as_other = RawClient(fake, key_id=key.key_id, secret=key.secret)
    session = _paid(as_other, fake)
    assert data_of(as_other.get(f"{SESSIONS}/{session['id']}/receipt"))["number"] == "RCPT-000001"


def test_receipt_row(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(email="ada@example.com")
    items = [{"name": "Tea", "quantity": 2, "unitAmount": 75_000}]
    session = _paid(raw, fake, customerId=customer["id"], lineItems=items)
    receipt = data_of(raw.get(f"{SESSIONS}/{session['id']}/receipt"))
    assert re.fullmatch(f"rcpt_{ULID}", receipt["id"])
    assert receipt == {
        "id": receipt["id"],
        "number": "RCPT-000001",
        "sourceType": "checkout_session",
        "sourceId": session["id"],
        "customerId": customer["id"],
        "amount": 150_000,
        "currency": "IDR",
        "method": "qris",
        "adapter": "xendit",
        "lineItems": items,
        "issuedAt": "2026-05-12T10:42:00.000Z",
        "emailedAt": None,
        "emailedTo": None,
    }
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}/receipt-link")) == receipt


@pytest.mark.parametrize(
    "path", ["receipt", "receipt-link", "receipt.pdf", "receipt.html", "receipt.escpos"]
)
def test_no_receipt_before_completion(raw: RawClient, fake: FakePlugipay, path: str) -> None:
    session = create(raw)
    assert error_of(raw.get(f"{SESSIONS}/{session['id']}/{path}")) == (404, "NOT_FOUND")


def test_receipt_pdf_is_a_valid_document(raw: RawClient, fake: FakePlugipay) -> None:
    session = _paid(
        raw, fake, lineItems=[{"name": "Kopi (susu) \\ gula", "quantity": 2, "unitAmount": 75_000}]
    )
    response = raw.get(f"{SESSIONS}/{session['id']}/receipt.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="RCPT-000001.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    # the cross-reference table points at each object exactly
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[startxref:].startswith(b"xref\n0 7\n")
    rows = pdf[startxref:].split(b"\n")[2:9]
    assert rows[0] == b"0000000000 65535 f "
    for number, row in enumerate(rows[1:], start=1):
        offset = int(row[:10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
    stream = pdf.split(b"stream\n", 1)[1].split(b"endstream", 1)[0]
    assert b"/Length %d " % len(stream) in pdf
    assert b"(Receipt RCPT-000001) Tj" in stream and b"(Total IDR 150,000) Tj" in stream
    assert b"Kopi \\(susu\\) \\\\ gula" in stream


def test_receipt_pdf_opens_in_pypdf(raw: RawClient, fake: FakePlugipay) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf comes with the tests extra")
    import io

    session = _paid(raw, fake, amount=12_345, currency="USD", methods=["card"])
    pdf = raw.get(f"{SESSIONS}/{session['id']}/receipt.pdf").content
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "RCPT-000001" in text and "USD 123.45" in text
    assert reader.metadata.title == "Receipt RCPT-000001"


def test_receipt_html_escapes_everything(raw: RawClient, fake: FakePlugipay) -> None:
    raw.patch(
        f"/api/v1/workspaces/{fake.workspace_id}",
        json={"brandName": '<b>Tok"o</b> & Co'},
        idempotency_key="w",
    )
    customer = raw.create_customer(name="<script>alert(1)</script>")
    items = [{"name": "<img src=x onerror=alert(1)>", "quantity": 1, "unitAmount": 150_000}]
    session = _paid(raw, fake, customerId=customer["id"], lineItems=items)
    response = raw.get(f"{SESSIONS}/{session['id']}/receipt.html")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Tok&quot;o&lt;/b&gt; &amp; Co" in page
    assert "RCPT-000001" in page and "IDR 150,000" in page


@pytest.mark.parametrize("width", [32, 48])
def test_receipt_escpos_fits_the_paper(raw: RawClient, fake: FakePlugipay, width: int) -> None:
    long_name = "Nasi goreng spesial dengan telur mata sapi dan kerupuk udang besar"
    items = [{"name": long_name, "quantity": 3, "unitAmount": 50_000}]
    session = _paid(raw, fake, lineItems=items)
    response = raw.get(f"{SESSIONS}/{session['id']}/receipt.escpos?width={width}")
    assert response.headers["content-type"] == "application/octet-stream"
    data = response.content
    assert data.startswith(b"\x1b@") and data.endswith(b"\x1dV\x00")
    text = re.sub(rb"\x1b[Ea]\x00|\x1b[Ea]\x01", b"", data[2:-3])
    lines = text.decode("ascii").split("\n")
    assert max(len(line) for line in lines) == width
    assert "-" * width in lines
    total = next(line for line in lines if line.startswith("TOTAL"))
    assert total.endswith("IDR 150,000") and len(total) == width
    assert "RCPT-000001" in text.decode()


def test_receipt_escpos_width(raw: RawClient, fake: FakePlugipay) -> None:
    session = _paid(raw, fake)
    default = raw.get(f"{SESSIONS}/{session['id']}/receipt.escpos").content
    assert default == raw.get(f"{SESSIONS}/{session['id']}/receipt.escpos?width=32").content
    for bad in ("40", "abc", "-32"):
        response = raw.get(f"{SESSIONS}/{session['id']}/receipt.escpos?width={bad}")
        assert error_of(response) == (400, "VALIDATION_ERROR")


def test_receipt_email(raw: RawClient, fake: FakePlugipay) -> None:
    anonymous = _paid(raw, fake)
    path = f"{SESSIONS}/{anonymous['id']}/receipt/email"
    assert error_of(raw.post(path)) == (400, "VALIDATION_ERROR")
    assert error_of(raw.post(path, json={"to": "not-an-email"})) == (400, "VALIDATION_ERROR")
    fake.clock.advance(10)
    sent = data_of(raw.post(path, json={"to": "buyer@example.com"}))
    assert (sent["emailedTo"], sent["emailedAt"]) == (
        "buyer@example.com",
        "2026-05-12T10:42:10.000Z",
    )
    customer = raw.create_customer(email="ada@example.com")
    known = _paid(raw, fake, customerId=customer["id"])
    sent = data_of(raw.post(f"{SESSIONS}/{known['id']}/receipt/email"))
    assert sent["emailedTo"] == "ada@example.com"
    assert data_of(raw.get(f"{SESSIONS}/{known['id']}/receipt-link")) == sent
    assert error_of(raw.post(f"{SESSIONS}/{create(raw)['id']}/receipt/email")) == (404, "NOT_FOUND")


# -- buyer side -------------------------------------------------------------------------------


def test_public_routes_need_no_signature(raw: RawClient, fake: FakePlugipay) -> None:
    session = create(raw, lineItems=[{"name": "Tea", "quantity": 1, "unitAmount": 150_000}])
    browser = httpx.Client(transport=fake.transport, base_url=fake.base_url)
    view = data_of(browser.get(f"{PUBLIC}/{session['id']}"))
    assert view == {
        "session": {
            "id": session["id"],
            "amount": 150_000,
            "currency": "IDR",
            "status": "open",
            "expiresAt": session["expiresAt"],
            "successUrl": "https://shop.example/ok",
            "cancelUrl": "https://shop.example/cancel",
            "lineItems": [{"name": "Tea", "quantity": 1, "unitAmount": 150_000}],
        },
        "methods": ["qris", "bank_transfer"],
        "catalog": [
            {"id": "qris", "label": "QRIS", "group": "qris", "currency": "IDR"},
            {"id": "bank_transfer", "label": "Bank transfer", "group": "manual", "currency": "IDR"},
        ],
        "branding": {
            "brandName": "Test workspace",
            "brandLogoUrl": None,
            "brandAccentColor": None,
            "brandTagline": None,
        },
        "activeAdapters": ["manual", "xendit"],
    }
    answer = data_of(browser.post(f"{PUBLIC}/{session['id']}/charge", json={"method": "qris"}))
    assert answer == {"kind": "redirect", "redirectUrl": "https://shop.example/ok"}
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}"))["status"] == "completed"
    assert data_of(browser.get(f"{PUBLIC}/{session['id']}"))["session"]["status"] == "completed"
    assert types_of(fake) == [COMPLETED]


def test_public_charge_with_a_bank_transfer_gives_instructions(
    raw: RawClient, fake: FakePlugipay
) -> None:
    session = create(raw)
    browser = httpx.Client(transport=fake.transport, base_url=fake.base_url)
    answer = data_of(
        browser.post(f"{PUBLIC}/{session['id']}/charge", json={"method": "bank_transfer"})
    )
    assert answer["kind"] == "instructions"
    instructions = answer["instructions"]
    assert (instructions["amount"], instructions["currency"]) == (150_000, "IDR")
    assert instructions["bankAccounts"][0]["accountHolder"] == "Test workspace"
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}"))["status"] == "pending_review"


def test_public_route_errors(raw: RawClient, fake: FakePlugipay) -> None:
    session = create(raw, methods=["qris"])
    browser = httpx.Client(transport=fake.transport, base_url=fake.base_url)
    missing = "cs_01HXAB7K3M9N2P5QRS8TVWXY3Z"
    assert error_of(browser.get(f"{PUBLIC}/{missing}")) == (404, "NOT_FOUND")
    charge = f"{PUBLIC}/{session['id']}/charge"
    assert error_of(browser.post(charge, json={})) == (400, "VALIDATION_ERROR")
    assert error_of(browser.post(charge, json={"method": "cash"})) == (400, "VALIDATION_ERROR")
    assert error_of(browser.post(charge, json={"method": "card"})) == (400, "VALIDATION_ERROR")
    assert error_of(browser.post(charge, content=b"{")) == (400, "VALIDATION_ERROR")
    # the merchant routes still need a signature
    assert error_of(browser.get(f"{SESSIONS}/{session['id']}")) == (401, "AUTH_REQUIRED")
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}"))["status"] == "open"


def test_public_routes_over_the_loopback_server(raw: RawClient, fake: FakePlugipay) -> None:
    session = create(raw)
    with fake.serve() as url, httpx.Client(base_url=url) as browser:
        assert data_of(browser.get(f"{PUBLIC}/{session['id']}"))["session"]["status"] == "open"
        browser.post(f"{PUBLIC}/{session['id']}/charge", json={"method": "qris"})
        signed = RawClient(fake, base_url=url)
        pdf = signed.get(f"{SESSIONS}/{session['id']}/receipt.pdf")
        signed.http.close()
    assert pdf.content.startswith(b"%PDF-")
    assert data_of(raw.get(f"{SESSIONS}/{session['id']}"))["status"] == "completed"


def test_scopes(raw: RawClient, fake: FakePlugipay) -> None:
    reader = fake.add_key(role="member", scopes=["plugipay:checkout:read"])
    as_reader = RawClient(fake, key_id=reader.key_id, secret=reader.secret)
    assert as_reader.get(SESSIONS).status_code == 200
    assert error_of(as_reader.post(SESSIONS, json=BASE)) == (403, "INSUFFICIENT_SCOPE")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.checkout_sessions`` method (issue 11's signatures), for the strict-converter
    walk in ``test_sdk.py``."""
    customer = plug.customers.create(email="buyer@example.com", name="Buyer")
    session = plug.checkout_sessions.create(
        amount=150_000,
        currency="IDR",
        methods=["qris", "bank_transfer"],
        success_url="https://shop.example/ok",
        cancel_url="https://shop.example/cancel",
        customer_id=customer.id,
        line_items=[{"name": "Tea", "quantity": 2, "unit_amount": 75_000}],
        expires_in=timedelta(hours=1),
        metadata={"order": "o-1"},
        template_id="tpl_1",
    )
    assert plug.checkout_sessions.get(session.id).id == session.id
    assert [s.id for s in plug.checkout_sessions.list(status="open", customer_id=customer.id)] == [
        session.id
    ]
    plain = plug.checkout_sessions.create(
        amount=100,
        currency="USD",
        methods=["card"],
        success_url="https://a.example/",
        cancel_url="https://a.example/",
    )
    assert plug.checkout_sessions.cancel(plain.id).status == "canceled"
    fake.pay_checkout_session(session.id, method="bank_transfer")
    confirmed = plug.checkout_sessions.confirm(session.id)
    assert confirmed.status == "completed"
    receipt = plug.checkout_sessions.receipt(session.id)
    assert receipt.number is not None and receipt.number.startswith("RCPT-")
    assert plug.checkout_sessions.receipt_pdf(session.id).startswith(b"%PDF-")
    assert receipt.number in plug.checkout_sessions.receipt_html(session.id)
    assert plug.checkout_sessions.receipt_escpos(session.id, width=48).startswith(b"\x1b@")
    plug.checkout_sessions.email_receipt(session.id, to="someone@example.com")
    assert plug.checkout_sessions.receipt(session.id).emailed_to == "someone@example.com"
    pdf = plug.checkout_sessions.receipt_pdf(session.id)
    with plug.checkout_sessions.stream_receipt_pdf(session.id) as download:
        assert download.content_type == "application/pdf"
        assert b"".join(download.iter_bytes()) == pdf
