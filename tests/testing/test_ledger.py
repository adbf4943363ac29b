"""The emulator's double-entry books (SPEC-MONEY §5): every money movement posts one balanced
transaction; balances sum to zero; the fee is a setting."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of
from .test_checkout_sessions import create

ULID = "[0-9A-HJKMNP-TV-Z]{26}"


def test_entries_balance_per_transaction(raw: RawClient, fake: FakePlugipay) -> None:
    usd = create(raw, amount=2_500, currency="USD", methods=["card"])
    fake.pay_checkout_session(usd["id"], method="card")
    idr = fake.pay_checkout_session(create(raw, amount=150_000)["id"])
    raw.post("/api/v1/refunds", json={"chargeId": idr["paymentId"], "amount": 50_000})
    entries = fake.ledger_entries()
    assert list(entries[0]) == [
        "id",
        "accountId",
        "txId",
        "code",
        "direction",
        "amount",
        "currency",
        "sourceType",
        "sourceId",
        "memo",
        "postedAt",
    ]
    by_tx: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in entries:
        assert re.fullmatch(f"le_{ULID}", str(entry["id"]))
        assert re.fullmatch(f"ltx_{ULID}", str(entry["txId"]))
        by_tx[str(entry["txId"])].append(entry)
    assert len(by_tx) == 3
    for tx in by_tx.values():
        debit = sum(int(str(e["amount"])) for e in tx if e["direction"] == "debit")
        credit = sum(int(str(e["amount"])) for e in tx if e["direction"] == "credit")
        assert debit == credit > 0
        assert len({e["currency"] for e in tx}) == 1
    assert fake.ledger_balances(currency="USD") == {
        "balance": 2_450,
        "revenue": -2_500,
        "platform_fees": 50,
        "refunds": 0,
        "payouts": 0,
        "gift_card_liability": 0,
        "tax": 0,
    }
    idr_books = fake.ledger_balances(currency="IDR")
    assert (idr_books["balance"], idr_books["refunds"]) == (150_000 - 3_000 - 50_000, 50_000)
    assert sum(idr_books.values()) == sum(fake.ledger_balances().values()) == 0


def test_payment_entries(raw: RawClient, fake: FakePlugipay) -> None:
    session = fake.pay_checkout_session(create(raw, amount=1_000)["id"])
    rows = [
        (e["code"], e["direction"], e["amount"], e["sourceType"], e["sourceId"])
        for e in fake.ledger_entries()
    ]
    assert rows == [
        ("balance", "debit", 980, "checkout_session", session["id"]),
        ("platform_fees", "debit", 20, "checkout_session", session["id"]),
        ("revenue", "credit", 1_000, "checkout_session", session["id"]),
    ]
    assert fake.ledger_entries()[0]["postedAt"] == session["completedAt"]


def test_fee_rate_setting(raw: RawClient, fake: FakePlugipay) -> None:
    assert fake.fee_rate == 0.02
    fake.fee_rate = 0
    fake.pay_checkout_session(create(raw, amount=1_000)["id"])
    # a zero fee posts no zero-amount entry
    assert [e["code"] for e in fake.ledger_entries()] == ["balance", "revenue"]
    fake.fee_rate = 0.025
    fake.pay_checkout_session(create(raw, amount=100)["id"])  # 2.5 rounds half up to 3
    assert fake.ledger_balances()["platform_fees"] == 3
    for bad in (-0.1, 1.5, True, "0.1"):
        with pytest.raises(ValueError):
            fake.fee_rate = bad  # type: ignore[assignment]


def test_books_are_per_workspace(raw: RawClient, fake: FakePlugipay) -> None:
    other = fake.add_workspace(name="Other")
    key = fake.add_key(workspace=str(other["id"]))
    as_other = RawClient(fake, key_id=key.key_id, secret=key.secret)
    fake.pay_checkout_session(create(as_other, amount=5_000)["id"])
    assert fake.ledger_entries() == []
    assert fake.ledger_balances(str(other["id"]))["balance"] == 4_900
    assert len(fake.ledger_entries(str(other["accountId"]))) == 3
    assert data_of(raw.get("/api/v1/checkout-sessions")) == []
