"""Payouts in the emulator (SPEC-MONEY §4, §5): the lifecycle and its refusals, locked funds,
``INSUFFICIENT_BALANCE``, the bank account, the ledger posting at ``mark-paid``, and the books'
invariants after every move."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay.testing import FakeClock, FakePlugipay

from .emulator_helpers import START, RawClient, data_of, error_of

PAYOUTS = "/api/v1/payouts"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"
BANK = {"bankName": "BCA", "bankAccountNumber": "1234567890", "bankAccountHolder": "Acme PT"}
PAYOUT_KEYS = [
    "id",
    "accountId",
    "amount",
    "currency",
    "status",
    "method",
    "bankCode",
    "bankName",
    "bankAccountNumber",
    "bankAccountHolder",
    "note",
    "reference",
    "failureReason",
    "ledgerTransactionId",
    "processedAt",
    "completedAt",
    "createdAt",
    "updatedAt",
]
ACTIONS = {
    "cancel": {},
    "mark-in-transit": {"reference": "TRX-1"},
    "mark-paid": {"reference": "TRX-2"},
    "mark-failed": {"failureReason": "Account closed"},
}
# (status before, action) -> status after; every pair not listed is INVALID_TRANSITION.
ALLOWED = {
    ("pending", "cancel"): "cancelled",
    ("pending", "mark-in-transit"): "in_transit",
    ("pending", "mark-failed"): "failed",
    ("in_transit", "mark-paid"): "paid",
    ("in_transit", "mark-failed"): "failed",
}
PATHS = {
    "pending": [],
    "in_transit": ["mark-in-transit"],
    "paid": ["mark-in-transit", "mark-paid"],
    "failed": ["mark-failed"],
    "cancelled": ["cancel"],
}


def payout(raw: RawClient, **fields: Any) -> Any:
    return raw.post(PAYOUTS, json={"amount": 10_000, "currency": "IDR", **BANK, **fields})


def act(raw: RawClient, ident: str, action: str) -> Any:
    return raw.post(f"{PAYOUTS}/{ident}/{action}", json=ACTIONS[action])


def balance(raw: RawClient, query: str = "") -> dict[str, Any]:
    found: dict[str, Any] = data_of(raw.get(f"{PAYOUTS}/balance{query}"))
    return found


def payout_events(fake: FakePlugipay) -> list[str]:
    return [str(e["type"]) for e in fake.events if str(e["type"]).startswith("plugipay.payout.")]


def test_create_shape_event_and_lock(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 100_000)
    made = data_of(payout(raw, amount=40_000, bankCode="014", note="weekly"))
    assert list(made) == PAYOUT_KEYS
    assert re.fullmatch(f"po_{ULID}", made["id"])
    assert (made["status"], made["method"], made["amount"], made["note"]) == (
        "pending",
        "manual",
        40_000,
        "weekly",
    )
    assert made["ledgerTransactionId"] is None and made["createdAt"] == "2026-05-12T10:42:00.000Z"
    assert payout_events(fake) == ["plugipay.payout.created.v1"]
    assert fake.events[-1]["data"]["object"] == made  # type: ignore[index]
    assert balance(raw) == {
        "ledgerBalance": 100_000,
        "locked": 40_000,
        "available": 60_000,
        "currency": "IDR",
    }
    # pending payouts post nothing: the balance account still holds the money
    assert [e["sourceType"] for e in fake.ledger_entries()] == ["adjustment", "adjustment"]
    assert data_of(raw.get(f"{PAYOUTS}/{made['id']}")) == made
    fake.check_books()


def test_insufficient_balance_counts_locked_funds(raw: RawClient, fake: FakePlugipay) -> None:
    assert error_of(payout(raw, amount=1)) == (409, "INSUFFICIENT_BALANCE")
    fake.set_balance(fake.account_id, 50_000)
    assert error_of(payout(raw, amount=50_001)) == (409, "INSUFFICIENT_BALANCE")
    first = data_of(payout(raw, amount=30_000))
    assert error_of(payout(raw, amount=20_001)) == (409, "INSUFFICIENT_BALANCE")
    data_of(payout(raw, amount=20_000))
    assert balance(raw)["available"] == 0
    # another currency has its own (empty) balance
    assert error_of(payout(raw, amount=1, currency="USD")) == (409, "INSUFFICIENT_BALANCE")
    assert len(fake.payouts) == 2
    data_of(act(raw, first["id"], "cancel"))  # cancelling releases the lock
    assert balance(raw)["available"] == 30_000
    fake.check_books()


def test_every_transition(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 10_000_000)
    for start, path in PATHS.items():
        for action in ACTIONS:
            made = data_of(payout(raw, amount=1_000))
            for step in path:
                data_of(act(raw, made["id"], step))
            before = data_of(raw.get(f"{PAYOUTS}/{made['id']}"))
            assert before["status"] == start
            events, entries = len(fake.events), len(fake.ledger_entries())
            response = act(raw, made["id"], action)
            after = ALLOWED.get((start, action))
            if after is None:
                assert error_of(response) == (409, "INVALID_TRANSITION"), (start, action)
                assert data_of(raw.get(f"{PAYOUTS}/{made['id']}")) == before
                assert (len(fake.events), len(fake.ledger_entries())) == (events, entries)
            else:
                moved = data_of(response)
                assert moved["status"] == after, (start, action)
                event = fake.events[-1]
                assert event["type"] == f"plugipay.payout.{after}.v1"
                assert event["data"]["previousAttributes"] == {"status": start}  # type: ignore[index]
                posted = len(fake.ledger_entries()) - entries
                assert posted == (2 if after == "paid" else 0)
            fake.check_books()


def test_mark_paid_posts_and_fields(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 75_000)
    made = data_of(payout(raw, amount=25_000))
    moving = data_of(
        raw.post(f"{PAYOUTS}/{made['id']}/mark-in-transit", json={"reference": "BCA-77"})
    )
    assert (moving["reference"], moving["processedAt"]) == ("BCA-77", "2026-05-12T10:42:00.000Z")
    assert balance(raw)["locked"] == 25_000
    fake.advance(3_600)
    paid = data_of(raw.post(f"{PAYOUTS}/{made['id']}/mark-paid"))
    assert paid["reference"] == "BCA-77"  # kept when mark-paid gives none
    assert paid["completedAt"] == "2026-05-12T11:42:00.000Z"
    tx = paid["ledgerTransactionId"]
    assert re.fullmatch(f"ltx_{ULID}", tx)
    rows = [
        (e["code"], e["direction"], e["amount"], e["sourceType"], e["sourceId"])
        for e in fake.ledger_entries()
        if e["txId"] == tx
    ]
    assert rows == [
        ("payouts", "debit", 25_000, "payout", made["id"]),
        ("balance", "credit", 25_000, "payout", made["id"]),
    ]
    assert balance(raw) == {
        "ledgerBalance": 50_000,
        "locked": 0,
        "available": 50_000,
        "currency": "IDR",
    }
    assert fake.ledger_balances()["payouts"] == 25_000
    fake.check_books()


def test_mark_failed_needs_a_reason_and_releases(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 5_000)
    made = data_of(payout(raw, amount=5_000))
    url = f"{PAYOUTS}/{made['id']}/mark-failed"
    assert error_of(raw.post(url, json={})) == (400, "VALIDATION_ERROR")
    assert error_of(raw.post(url, json={"failureReason": ""})) == (400, "VALIDATION_ERROR")
    failed = data_of(raw.post(url, json={"failureReason": "Wrong account"}))
    assert (failed["status"], failed["failureReason"]) == ("failed", "Wrong account")
    assert balance(raw)["available"] == 5_000
    assert fake.ledger_balances()["payouts"] == 0
    fake.check_books()


def test_validation_and_not_found(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 5_000)
    for bad in (
        {"amount": 0},
        {"amount": -5},
        {"amount": 1.5},
        {"amount": True},
        {"currency": "EUR"},
        {"status": "paid"},
        {"bankName": ""},
        {"unknown": 1},
    ):
        assert error_of(payout(raw, **bad)) == (400, "VALIDATION_ERROR"), bad
    no_bank = raw.post(PAYOUTS, json={"amount": 1, "currency": "IDR"})
    assert error_of(no_bank) == (400, "VALIDATION_ERROR")
    fields = {d["field"] for d in no_bank.json()["error"]["details"]}
    assert fields == {"bankName", "bankAccountNumber", "bankAccountHolder"}
    missing = "po_01HXAB7K3M9N2P5QRS8TVWXY3Z"
    assert error_of(raw.get(f"{PAYOUTS}/{missing}")) == (404, "NOT_FOUND")
    for action in ACTIONS:
        assert error_of(act(raw, missing, action)) == (404, "NOT_FOUND")
    assert error_of(raw.post(f"{PAYOUTS}/{missing}/cancel", json={"x": 1})) == (
        400,
        "VALIDATION_ERROR",
    )
    assert error_of(raw.get(f"{PAYOUTS}?status=done")) == (400, "VALIDATION_ERROR")
    assert error_of(raw.get(f"{PAYOUTS}/balance?currency=EUR")) == (400, "VALIDATION_ERROR")
    assert fake.payouts == []


def test_bank_account_defaults_payouts(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"{PAYOUTS}/bank-account"
    assert data_of(raw.get(url)) == {
        "bankCode": None,
        "bankName": None,
        "bankAccountNumber": None,
        "bankAccountHolder": None,
        "configured": False,
    }
    assert error_of(raw.patch(url, json={"bankName": "BCA"})) == (400, "VALIDATION_ERROR")
    saved = data_of(raw.patch(url, json={**BANK, "bankCode": "014"}))
    assert saved == {**BANK, "bankCode": "014", "configured": True}
    assert data_of(raw.get(url)) == saved
    fake.set_balance(fake.account_id, 1_000)
    made = data_of(raw.post(PAYOUTS, json={"amount": 500, "currency": "IDR"}))
    assert (made["bankName"], made["bankCode"], made["bankAccountHolder"]) == (
        "BCA",
        "014",
        "Acme PT",
    )
    other = data_of(raw.post(PAYOUTS, json={"amount": 500, "currency": "IDR", "bankName": "BNI"}))
    assert (other["bankName"], other["bankAccountNumber"]) == ("BNI", "1234567890")


def test_list_filters_and_pages(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 100_000)
    made = [data_of(payout(raw, amount=1_000 + i)) for i in range(5)]
    data_of(act(raw, made[1]["id"], "cancel"))
    data_of(act(raw, made[3]["id"], "mark-in-transit"))
    listed = data_of(raw.get(PAYOUTS))
    assert [p["id"] for p in listed] == [p["id"] for p in reversed(made)]
    assert [p["id"] for p in data_of(raw.get(f"{PAYOUTS}?status=pending"))] == [
        made[4]["id"],
        made[2]["id"],
        made[0]["id"],
    ]
    assert [p["id"] for p in data_of(raw.get(f"{PAYOUTS}?status=cancelled"))] == [made[1]["id"]]
    first = raw.get(f"{PAYOUTS}?limit=2&order=asc").json()
    assert [p["id"] for p in first["data"]] == [made[0]["id"], made[1]["id"]]
    rest = data_of(raw.get(f"{PAYOUTS}?limit=10&order=asc&cursor={first['meta']['cursor']}"))
    assert [p["id"] for p in rest] == [p["id"] for p in made[2:]]


def test_balance_per_currency(raw: RawClient, fake: FakePlugipay) -> None:
    assert balance(raw) == {"ledgerBalance": 0, "locked": 0, "available": 0, "currency": None}
    fake.set_balance(fake.account_id, 9_000)
    fake.set_balance(fake.account_id, 250, currency="USD")
    data_of(payout(raw, amount=100, currency="USD"))
    mixed = balance(raw)
    assert (mixed["currency"], mixed["locked"]) == (None, 100)
    assert balance(raw, "?currency=USD") == {
        "ledgerBalance": 250,
        "locked": 100,
        "available": 150,
        "currency": "USD",
    }
    assert balance(raw, "?currency=IDR")["available"] == 9_000
    fake.check_books()


def test_archive_waits_for_the_balance_to_be_paid_out(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"/api/v1/workspaces/{fake.workspace_id}"
    fake.set_balance(fake.account_id, 8_000)
    assert error_of(raw.delete(url)) == (409, "HAS_OPEN_BALANCE")
    made = data_of(payout(raw, amount=8_000))
    data_of(act(raw, made["id"], "mark-in-transit"))
    assert error_of(raw.delete(url)) == (409, "HAS_OPEN_BALANCE")  # in transit: still held
    data_of(act(raw, made["id"], "mark-paid"))
    fake.check_books()
    assert raw.delete(url).status_code == 204


def test_members_may_not_pay_out(fake: FakePlugipay) -> None:
    member = fake.add_key(role="member")
    as_member = RawClient(fake, key_id=member.key_id, secret=member.secret)
    assert error_of(as_member.get(f"{PAYOUTS}/balance")) == (403, "INSUFFICIENT_SCOPE")
    assert error_of(payout(as_member)) == (403, "INSUFFICIENT_SCOPE")


@settings(derandomize=True, database=None, deadline=None, max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["create", "fund", *ACTIONS]),
            st.integers(min_value=1, max_value=50_000),
            st.integers(min_value=0, max_value=9),
        ),
        max_size=25,
    )
)
def test_random_payout_sequences_keep_the_books(steps: list[tuple[str, int, int]]) -> None:
    fake = FakePlugipay(seed=3, clock=FakeClock(START, frozen=True))
    raw = RawClient(fake)
    made: list[str] = []
    held = 0
    for kind, amount, pick in steps:
        if kind == "fund":
            held += amount
            fake.set_balance(fake.account_id, held)
        elif kind == "create":
            available = balance(raw)["available"]
            response = payout(raw, amount=amount)
            if amount > available:
                assert error_of(response) == (409, "INSUFFICIENT_BALANCE")
            else:
                made.append(data_of(response)["id"])
        elif made:
            ident = made[pick % len(made)]
            status = data_of(raw.get(f"{PAYOUTS}/{ident}"))["status"]
            response = act(raw, ident, kind)
            after = ALLOWED.get((status, kind))
            if after is None:
                assert error_of(response) == (409, "INVALID_TRANSITION")
            else:
                assert data_of(response)["status"] == after
                if after == "paid":
                    held -= int(data_of(response)["amount"])
        fake.check_books()
        assert balance(raw)["ledgerBalance"] == held
        assert balance(raw)["available"] >= 0


def test_check_books_names_a_broken_invariant(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 1_000)
    made = data_of(payout(raw, amount=400))
    fake.check_books()
    store = fake._store
    from plugipay.testing.resources.payouts import PAYOUTS as KIND

    store[KIND][made["id"]]["status"] = "paid"  # paid without posting
    with pytest.raises(AssertionError, match="a paid payout posts its amount"):
        fake.check_books()


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.payouts`` method (issue 13's signatures), for the strict-converter walk in
    ``test_sdk.py``."""
    fake.set_balance(fake.account_id, 500_000)
    empty = plug.payouts.bank_account()
    assert empty.configured is False
    bank = plug.payouts.update_bank_account(
        bank_name="BCA", bank_account_number="1234567890", bank_account_holder="Acme PT"
    )
    assert bank.configured is True
    first = plug.payouts.create(amount=100_000, currency="IDR", note="weekly")
    assert (first.status, first.bank_name) == ("pending", "BCA")
    second = plug.payouts.create(
        amount=50_000,
        currency="IDR",
        bank_name="BNI",
        bank_account_number="999",
        bank_account_holder="Acme",
        bank_code="009",
    )
    third = plug.payouts.create(amount=10_000, currency="IDR")
    assert plug.payouts.get(first.id).id == first.id
    moving = plug.payouts.mark_in_transit(first.id, reference="TRX-1")
    assert moving.status == "in_transit"
    paid = plug.payouts.mark_paid(first.id, reference="TRX-2")
    assert paid.status == "paid" and paid.ledger_transaction_id
    failed = plug.payouts.mark_failed(second.id, failure_reason="Closed")
    assert failed.status == "failed"
    cancelled = plug.payouts.cancel(third.id)
    assert cancelled.status == "cancelled"
    assert [p.id for p in plug.payouts.list(status="paid")] == [first.id]
    available = plug.payouts.balance()
    assert (available.ledger_balance, available.locked, available.available) == (
        400_000,
        0,
        400_000,
    )
    fake.check_books()
