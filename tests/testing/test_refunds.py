"""Refunds in the emulator (SPEC-MONEY §4): by charge or by source, partial and full, never over
the charge (also under 200 concurrent requests), provider refusal, idempotent replays."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of
from .test_checkout_sessions import BASE, SESSIONS, create, types_of

REFUNDS = "/api/v1/refunds"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"
REFUND_KEYS = [
    "id",
    "arn",
    "accountId",
    "chargeId",
    "invoiceId",
    "amount",
    "currency",
    "reason",
    "status",
    "failureCode",
    "failureMessage",
    "metadata",
    "createdAt",
    "updatedAt",
]


def paid(raw: RawClient, fake: FakePlugipay, amount: int = 100_000) -> dict[str, Any]:
    session = create(raw, amount=amount)
    return fake.pay_checkout_session(session["id"])


def refund(raw: RawClient, key: str | None = None, **fields: Any) -> Any:
    return raw.post(REFUNDS, json=fields, idempotency_key=key)


def test_refund_by_charge_id_shape_event_and_ledger(raw: RawClient, fake: FakePlugipay) -> None:
    session = paid(raw, fake)
    made = data_of(
        refund(
            raw,
            chargeId=session["paymentId"],
            amount=40_000,
            reason="duplicate",
            metadata={"t": "1"},
        )
    )
    assert list(made) == REFUND_KEYS
    assert re.fullmatch(f"rf_{ULID}", made["id"])
    assert made["arn"] == f"arn:plugipay:{fake.account_id}:refund/{made['id']}"
    assert (made["chargeId"], made["amount"], made["currency"], made["status"]) == (
        session["paymentId"],
        40_000,
        "IDR",
        "succeeded",
    )
    assert (made["reason"], made["invoiceId"], made["failureCode"], made["metadata"]) == (
        "duplicate",
        None,
        None,
        {"t": "1"},
    )
    assert data_of(raw.get(f"{REFUNDS}/{made['id']}")) == made
    assert types_of(fake)[-1] == "plugipay.refund.issued.v1"
    entries = [e for e in fake.ledger_entries() if e["sourceId"] == made["id"]]
    assert [(e["code"], e["direction"], e["amount"]) for e in entries] == [
        ("refunds", "debit", 40_000),
        ("balance", "credit", 40_000),
    ]
    assert len({e["txId"] for e in entries}) == 1


def test_refund_by_source_defaults_to_what_is_left(raw: RawClient, fake: FakePlugipay) -> None:
    session = paid(raw, fake)
    data_of(refund(raw, chargeId=session["paymentId"], amount=30_000))
    rest = data_of(refund(raw, sourceType="checkout_session", sourceId=session["id"]))
    assert (rest["amount"], rest["reason"]) == (70_000, "requested_by_customer")
    response = refund(raw, chargeId=session["paymentId"])
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert "fully refunded" in response.json()["error"]["message"]
    assert len(data_of(raw.get(REFUNDS))) == 2


def test_more_than_is_left_is_refused_without_a_row(raw: RawClient, fake: FakePlugipay) -> None:
    session = paid(raw, fake)
    response = refund(raw, chargeId=session["paymentId"], amount=100_001)
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"][0]["field"] == "amount"
    data_of(refund(raw, chargeId=session["paymentId"], amount=99_999))
    assert error_of(refund(raw, chargeId=session["paymentId"], amount=2)) == (
        400,
        "VALIDATION_ERROR",
    )
    assert data_of(refund(raw, chargeId=session["paymentId"], amount=1))["amount"] == 1
    assert [r["amount"] for r in data_of(raw.get(REFUNDS))] == [1, 99_999]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"chargeId": "ch_1", "sourceType": "checkout_session", "sourceId": "cs_1"},
        {"sourceType": "checkout_session"},
        {"sourceId": "cs_1"},
        {"sourceType": "payment", "sourceId": "x"},
        {"chargeId": "ch_1", "amount": 0},
        {"chargeId": "ch_1", "amount": 1.5},
        {"chargeId": "ch_1", "amount": True},
        {"chargeId": "ch_1", "reason": "changed_mind"},
        {"chargeId": "ch_1", "metadata": {"k": 1}},
        {"chargeId": "ch_1", "status": "succeeded"},
        {"chargeId": "ch_1", "extra": 1},
    ],
)
def test_bad_bodies(raw: RawClient, body: dict[str, Any]) -> None:
    assert error_of(refund(raw, **body)) == (400, "VALIDATION_ERROR")


def test_unknown_charges_and_sources(raw: RawClient, fake: FakePlugipay) -> None:
    assert error_of(refund(raw, chargeId="ch_01HXAB7K3M9N2P5QRS8TVWXY3Z")) == (404, "NOT_FOUND")
    missing = refund(raw, sourceType="checkout_session", sourceId="cs_01HXAB7K3M9N2P5QRS8TVWXY3Z")
    assert error_of(missing) == (404, "NOT_FOUND")
    invoice = refund(raw, sourceType="invoice", sourceId="inv_01HXAB7K3M9N2P5QRS8TVWXY3Z")
    assert error_of(invoice) == (404, "NOT_FOUND")
    assert "Invoice" in invoice.json()["error"]["message"]
    # another workspace's charge is not found either
    session = paid(raw, fake)
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    as_other = RawClient(fake, key_id=key.key_id, secret=key.secret)
    assert error_of(refund(as_other, chargeId=session["paymentId"])) == (404, "NOT_FOUND")
    assert error_of(as_other.get(f"{REFUNDS}/rf_01HXAB7K3M9N2P5QRS8TVWXY3Z")) == (404, "NOT_FOUND")


@pytest.mark.parametrize("state", ["open", "pending_review", "failed", "canceled", "expired"])
def test_only_a_completed_session_can_be_refunded(
    raw: RawClient, fake: FakePlugipay, state: str
) -> None:
    from .test_checkout_sessions import _in_state

    session = _in_state(raw, fake, state)
    response = refund(raw, sourceType="checkout_session", sourceId=session["id"])
    assert error_of(response) == (409, "INVALID_TRANSITION")
    assert data_of(raw.get(REFUNDS)) == []


def test_provider_refusal_keeps_a_failed_row(raw: RawClient, fake: FakePlugipay) -> None:
    session = paid(raw, fake)
    before = fake.ledger_balances()
    fake.refuse_next_refund(reason="Insufficient merchant balance at the provider")
    response = refund(raw, key="rf-1", chargeId=session["paymentId"], amount=10_000)
    assert error_of(response) == (422, "PROVIDER_DECLINED")
    failed = data_of(raw.get(REFUNDS))[0]
    assert failed["id"] in response.json()["error"]["message"]
    assert (failed["status"], failed["failureCode"], failed["failureMessage"]) == (
        "failed",
        "provider_declined",
        "Insufficient merchant balance at the provider",
    )
    assert types_of(fake)[-1] == "plugipay.refund.failed.v1"
    assert fake.ledger_balances() == before
    # a replay answers the same refusal, and makes no second row
    again = refund(raw, key="rf-1", chargeId=session["paymentId"], amount=10_000)
    assert (again.status_code, again.headers["idempotent-replayed"]) == (422, "true")
    assert again.json() == response.json()
    assert len(data_of(raw.get(REFUNDS))) == 1
    # the refusal did not use up the charge; the next refund goes through
    ok = data_of(refund(raw, chargeId=session["paymentId"]))
    assert (ok["status"], ok["amount"]) == ("succeeded", 100_000)
    assert [r["status"] for r in data_of(raw.get(f"{REFUNDS}?status=failed"))] == ["failed"]


def test_refusals_by_count(raw: RawClient, fake: FakePlugipay) -> None:
    session = paid(raw, fake)
    fake.refuse_next_refund(count=2)
    codes = [error_of(refund(raw, chargeId=session["paymentId"], amount=1))[1] for _ in range(2)]
    assert codes == ["PROVIDER_DECLINED"] * 2
    assert refund(raw, chargeId=session["paymentId"], amount=1).status_code == 201
    with pytest.raises(ValueError):
        fake.refuse_next_refund(count=0)


def test_a_refused_validation_uses_no_refusal(raw: RawClient, fake: FakePlugipay) -> None:
    session = paid(raw, fake)
    fake.refuse_next_refund()
    assert error_of(refund(raw, chargeId=session["paymentId"], amount=10**6))[0] == 400
    assert error_of(refund(raw, chargeId=session["paymentId"]))[1] == "PROVIDER_DECLINED"


def test_list_filters_and_pages(raw: RawClient, fake: FakePlugipay) -> None:
    first, second = paid(raw, fake), paid(raw, fake)
    made = []
    for session in (first, second, first):
        made.append(data_of(refund(raw, chargeId=session["paymentId"], amount=1_000))["id"])
        fake.clock.advance(1)

    def listed(query: str = "") -> list[str]:
        return [r["id"] for r in data_of(raw.get(f"{REFUNDS}{query}"))]

    assert listed() == made[::-1]
    assert listed("?order=asc") == made
    assert listed(f"?chargeId={first['paymentId']}") == [made[2], made[0]]
    assert listed("?status=succeeded&limit=1") == [made[2]]
    response = raw.get(f"{REFUNDS}?limit=2")
    cursor = response.json()["meta"]["cursor"]
    assert listed(f"?limit=2&cursor={cursor}") == [made[0]]
    assert error_of(raw.get(f"{REFUNDS}?status=done")) == (400, "VALIDATION_ERROR")


def test_two_hundred_concurrent_partial_refunds_never_exceed_the_charge(
    fake: FakePlugipay,
) -> None:
    """Each refund asks for 700 of a 100,000 charge: exactly 142 fit (99,400), whatever the
    threads' order; every other one is refused with no row, and the books balance."""
    raw = RawClient(fake)
    session = paid(raw, fake)
    charge = session["paymentId"]

    def one(i: int) -> int:
        return refund(raw, key=f"rf-{i}", chargeId=charge, amount=700).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses.count(201) == 142 and statuses.count(400) == 58
    rows = []
    cursor = ""
    for _ in range(5):
        response = raw.get(f"{REFUNDS}?limit=100{cursor}")
        rows.extend(data_of(response))
        if not response.json()["meta"]["hasMore"]:
            break
        cursor = f"&cursor={response.json()['meta']['cursor']}"
    assert len(rows) == 142 and len({r["id"] for r in rows}) == 142
    assert sum(r["amount"] for r in rows) == 99_400
    balances = fake.ledger_balances()
    assert sum(balances.values()) == 0
    assert balances["refunds"] == 99_400
    assert balances["balance"] == 100_000 - 2_000 - 99_400
    # the last 600 still refund; then nothing is left
    assert data_of(refund(raw, chargeId=charge))["amount"] == 600
    assert error_of(refund(raw, chargeId=charge, amount=1)) == (400, "VALIDATION_ERROR")


def test_scopes(raw: RawClient, fake: FakePlugipay) -> None:
    reader = fake.add_key(role="member", scopes=["plugipay:refund:read"])
    as_reader = RawClient(fake, key_id=reader.key_id, secret=reader.secret)
    assert as_reader.get(REFUNDS).status_code == 200
    assert error_of(refund(as_reader, chargeId="ch_1")) == (403, "INSUFFICIENT_SCOPE")


def test_members_take_payments_but_only_admins_give_money_back(
    raw: RawClient, fake: FakePlugipay
) -> None:
    charge = paid(raw, fake)["paymentId"]
    member = fake.add_key(role="member")
    as_member = RawClient(fake, key_id=member.key_id, secret=member.secret)
    assert as_member.get(REFUNDS).status_code == 200
    assert error_of(refund(as_member, chargeId=charge)) == (403, "INSUFFICIENT_SCOPE")
    assert create(as_member)["status"] == "open"
    admin = fake.add_key(role="admin")
    as_admin = RawClient(fake, key_id=admin.key_id, secret=admin.secret)
    assert data_of(refund(as_admin, chargeId=charge))["status"] == "succeeded"
    reader = fake.add_key(role="read_only")
    as_reader = RawClient(fake, key_id=reader.key_id, secret=reader.secret)
    assert as_reader.get(REFUNDS).status_code == 200
    denied = as_reader.post(SESSIONS, json=BASE, idempotency_key=None)
    assert error_of(denied) == (403, "INSUFFICIENT_SCOPE")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.refunds`` method (issue 11's signatures), for the strict-converter walk in
    ``test_sdk.py``."""
    session = plug.checkout_sessions.create(
        amount=100_000,
        currency="IDR",
        methods=["qris"],
        success_url="https://shop.example/ok",
        cancel_url="https://shop.example/cancel",
    )
    charge = fake.pay_checkout_session(session.id)["paymentId"]
    half = plug.refunds.create(charge_id=charge, amount=50_000, reason="other", metadata={"k": "v"})
    assert (half.status, half.amount) == ("succeeded", 50_000)
    rest = plug.refunds.create(source_type="checkout_session", source_id=session.id)
    assert rest.amount == 50_000
    assert plug.refunds.get(half.id) == half
    assert [r.id for r in plug.refunds.list(charge_id=charge, status="succeeded")] == [
        rest.id,
        half.id,
    ]


def test_a_key_sees_and_refunds_only_its_own_modes_money(
    raw: RawClient, fake: FakePlugipay
) -> None:
    """SPEC-MONEY §2: objects record the mode of the key that made them, and a key of the other
    mode finds none of them: a test key can't refund a live charge, nor list live refunds."""
    ws = fake._store.workspaces[fake.workspace_id]
    live = fake._store.add_key(ws, role="owner", key_id="ak_live_01HXLIVEREFUNDS0000000000")
    as_live = RawClient(fake, key_id=live.key_id, secret=live.secret)
    session = create(as_live, amount=100_000)
    assert session["mode"] == "live"
    charge = fake.pay_checkout_session(session["id"])["paymentId"]
    assert error_of(raw.get(f"{SESSIONS}/{session['id']}")) == (404, "NOT_FOUND")
    assert error_of(refund(raw, chargeId=charge)) == (404, "NOT_FOUND")
    assert error_of(refund(raw, sourceType="checkout_session", sourceId=session["id"])) == (
        404,
        "NOT_FOUND",
    )
    made = data_of(refund(as_live, chargeId=charge, amount=40_000))
    assert [r["id"] for r in data_of(as_live.get(REFUNDS))] == [made["id"]]
    assert data_of(raw.get(REFUNDS)) == []
    assert error_of(raw.get(f"{REFUNDS}/{made['id']}")) == (404, "NOT_FOUND")
    issued = [e for e in fake.events if e["type"] == "plugipay.refund.issued.v1"]
    assert [e["data"]["object"]["id"] for e in issued] == [made["id"]]  # type: ignore[index]
