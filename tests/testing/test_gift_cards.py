"""Gift cards and store credit (SPEC-MONEY §4, §5; SURVEY §1.11): issue, redeem, top up, void and
expire on business time; idempotency on (externalSource, externalRef); the entries, the ledger
and the books' invariants after every operation."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay.testing import FakeClock, FakePlugipay

from .emulator_helpers import START, RawClient, data_of, error_of

CARDS = "/api/v1/gift-cards"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"
DAY = 86_400
CARD_KEYS = [
    "id",
    "arn",
    "accountId",
    "mode",
    "code",
    "currency",
    "initialBalance",
    "balance",
    "status",
    "customerId",
    "kind",
    "expiresAt",
    "note",
    "issuedSource",
    "issuedRef",
    "metadata",
    "createdAt",
    "updatedAt",
]
ENTRY_KEYS = [
    "id",
    "accountId",
    "giftCardId",
    "kind",
    "delta",
    "balanceAfter",
    "currency",
    "externalSource",
    "externalRef",
    "checkoutSessionId",
    "ledgerTxId",
    "note",
    "createdAt",
]


def issue(raw: RawClient, **fields: Any) -> Any:
    return raw.post(CARDS, json={"amount": 50_000, **fields})


def move(raw: RawClient, card: str, verb: str, amount: int, ref: str, **more: Any) -> Any:
    body = {"amount": amount, "externalSource": "pos", "externalRef": ref, **more}
    return raw.post(f"{CARDS}/{card}/{verb}", json=body)


def tx_rows(fake: FakePlugipay, tx: str) -> list[tuple[object, ...]]:
    return [
        (e["code"], e["direction"], e["amount"], e["sourceType"], e["sourceId"])
        for e in fake.ledger_entries()
        if e["txId"] == tx
    ]


def card_events(fake: FakePlugipay) -> list[dict[str, Any]]:
    return [e for e in fake.events if str(e["type"]).startswith("plugipay.gift_card.")]


def test_issue_shape_entry_ledger_and_event(raw: RawClient, fake: FakePlugipay) -> None:
    card = data_of(issue(raw, note="Birthday", metadata={"order": "42"}))
    assert list(card) == CARD_KEYS
    assert re.fullmatch(f"gc_{ULID}", card["id"])
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", card["code"])
    assert (card["status"], card["kind"], card["currency"], card["mode"]) == (
        "active",
        "gift_card",
        "IDR",
        "test",
    )
    assert (card["initialBalance"], card["balance"]) == (50_000, 50_000)
    assert card["arn"] == f"arn:plugipay:{fake.account_id}:gift_card/{card['id']}"
    [event] = card_events(fake)
    assert event["type"] == "plugipay.gift_card.issued.v1"
    assert event["data"]["object"] == card
    entry = event["data"]["entry"]
    assert list(entry) == ENTRY_KEYS
    assert re.fullmatch(f"gce_{ULID}", entry["id"])
    assert (entry["kind"], entry["delta"], entry["balanceAfter"]) == ("issue", 50_000, 50_000)
    assert (entry["externalSource"], entry["externalRef"]) == ("plugipay", entry["id"])
    assert tx_rows(fake, entry["ledgerTxId"]) == [
        ("balance", "debit", 50_000, "gift_card", card["id"]),
        ("gift_card_liability", "credit", 50_000, "gift_card", card["id"]),
    ]
    fake.check_books()


def test_store_credit_and_issued_source(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(email="c@example.com")
    credit = data_of(
        issue(
            raw,
            amount=700,
            currency="USD",
            customerId=customer["id"],
            code="CREDIT-0001",
            issuedSource="refund_desk",
            issuedRef="RMA-9",
        )
    )
    assert (credit["kind"], credit["customerId"], credit["code"]) == (
        "store_credit",
        customer["id"],
        "CREDIT-0001",
    )
    entry = card_events(fake)[-1]["data"]["entry"]
    assert (entry["externalSource"], entry["externalRef"]) == ("refund_desk", "RMA-9")
    assert fake.ledger_balances(currency="USD")["gift_card_liability"] == -700
    fake.check_books()


def test_issue_validation(raw: RawClient, fake: FakePlugipay) -> None:
    for bad in (
        {"amount": 0},
        {"amount": 1.5},
        {"amount": None},
        {"currency": "EUR"},
        {"code": "ab"},
        {"code": "lower-case"},
        {"code": "-LEADING"},
        {"customerId": "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"},
        {"customerId": "nope"},
        {"expiresAt": "tomorrow"},
        {"expiresAt": "2026-05-12T10:41:59Z"},
        {"balance": 5},
        {"extra": 1},
    ):
        assert error_of(issue(raw, **bad)) == (400, "VALIDATION_ERROR"), bad
    data_of(issue(raw, code="SAME-CODE"))
    assert error_of(issue(raw, code="SAME-CODE")) == (409, "CONFLICT")
    assert len(fake.gift_cards) == 1
    fake.check_books()


def test_get_by_code_or_id_and_list(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer()
    first = data_of(issue(raw, code="FIRST-CARD"))
    second = data_of(issue(raw, customerId=customer["id"]))
    assert data_of(raw.get(f"{CARDS}/FIRST-CARD")) == first
    assert data_of(raw.get(f"{CARDS}/{first['id']}")) == first
    assert error_of(raw.get(f"{CARDS}/NO-SUCH-CARD")) == (404, "NOT_FOUND")
    assert [c["id"] for c in data_of(raw.get(CARDS))] == [second["id"], first["id"]]
    assert [c["id"] for c in data_of(raw.get(f"{CARDS}?customerId={customer['id']}"))] == [
        second["id"]
    ]
    data_of(move(raw, first["id"], "redeem", 50_000, "all"))
    assert [c["id"] for c in data_of(raw.get(f"{CARDS}?status=redeemed"))] == [first["id"]]
    assert [c["id"] for c in data_of(raw.get(f"{CARDS}?status=active&order=asc"))] == [second["id"]]
    assert error_of(raw.get(f"{CARDS}?status=spent")) == (400, "VALIDATION_ERROR")


def test_redeem_and_topup(raw: RawClient, fake: FakePlugipay) -> None:
    card = data_of(issue(raw, amount=10_000))
    session = data_of(
        raw.post(
            "/api/v1/checkout-sessions",
            json={
                "amount": 1,
                "currency": "IDR",
                "methods": ["qris"],
                "successUrl": "https://s.example/ok",
                "cancelUrl": "https://s.example/no",
            },
        )
    )
    answer = data_of(
        move(raw, card["id"], "redeem", 4_000, "sale-1", checkoutSessionId=session["id"], note="n")
    )
    assert list(answer) == ["giftCard", "entry"]
    assert (answer["giftCard"]["balance"], answer["giftCard"]["status"]) == (6_000, "active")
    entry = answer["entry"]
    assert (entry["kind"], entry["delta"], entry["balanceAfter"]) == ("redeem", -4_000, 6_000)
    assert (entry["externalSource"], entry["externalRef"], entry["checkoutSessionId"]) == (
        "pos",
        "sale-1",
        session["id"],
    )
    assert tx_rows(fake, entry["ledgerTxId"]) == [
        ("gift_card_liability", "debit", 4_000, "gift_card", card["id"]),
        ("revenue", "credit", 4_000, "gift_card", card["id"]),
    ]
    event = card_events(fake)[-1]
    assert event["type"] == "plugipay.gift_card.redeemed.v1"
    assert (event["data"]["object"], event["data"]["entry"]) == (answer["giftCard"], entry)
    fake.check_books()
    assert error_of(move(raw, card["id"], "redeem", 6_001, "sale-2")) == (
        409,
        "INSUFFICIENT_BALANCE",
    )
    topped = data_of(move(raw, card["id"], "topup", 500, "top-1"))
    assert (topped["giftCard"]["balance"], topped["entry"]["kind"]) == (6_500, "topup")
    assert tx_rows(fake, topped["entry"]["ledgerTxId"]) == [
        ("balance", "debit", 500, "gift_card", card["id"]),
        ("gift_card_liability", "credit", 500, "gift_card", card["id"]),
    ]
    assert card_events(fake)[-1]["type"] == "plugipay.gift_card.topped_up.v1"
    fake.check_books()
    spent = data_of(move(raw, card["id"], "redeem", 6_500, "sale-3"))
    assert (spent["giftCard"]["balance"], spent["giftCard"]["status"]) == (0, "redeemed")
    assert error_of(move(raw, card["id"], "redeem", 1, "sale-4")) == (409, "INVALID_TRANSITION")
    assert error_of(move(raw, card["id"], "topup", 1, "top-2")) == (409, "INVALID_TRANSITION")
    assert error_of(raw.post(f"{CARDS}/{card['id']}/void")) == (409, "INVALID_TRANSITION")
    fake.check_books()


def test_redeem_and_topup_validation(raw: RawClient, fake: FakePlugipay) -> None:
    card = data_of(issue(raw))
    url = f"{CARDS}/{card['id']}/redeem"
    good = {"amount": 1, "externalSource": "pos", "externalRef": "r"}
    for bad in (
        {"amount": 0},
        {"externalSource": None},
        {"externalRef": ""},
        {"checkoutSessionId": "inv_1"},
        {"other": 1},
    ):
        assert error_of(raw.post(url, json={**good, **bad})) == (400, "VALIDATION_ERROR"), bad
    topup = f"{CARDS}/{card['id']}/topup"
    assert error_of(raw.post(topup, json={**good, "checkoutSessionId": "cs_1"})) == (
        400,
        "VALIDATION_ERROR",
    )
    missing = f"{CARDS}/gc_01HXAB7K3M9N2P5QRS8TVWXY3Z"
    assert error_of(raw.post(f"{missing}/redeem", json=good)) == (404, "NOT_FOUND")
    assert error_of(raw.post(f"{missing}/topup", json=good)) == (404, "NOT_FOUND")
    assert error_of(raw.post(f"{missing}/void")) == (404, "NOT_FOUND")
    # the redemption route takes the id, not the code
    assert error_of(raw.post(f"{CARDS}/{card['code']}/redeem", json=good)) == (404, "NOT_FOUND")


def test_idempotent_on_the_external_pair(raw: RawClient, fake: FakePlugipay) -> None:
    card = data_of(issue(raw, amount=10_000))
    other = data_of(issue(raw, amount=10_000))
    first = move(raw, card["id"], "redeem", 3_000, "sale-1")
    assert first.status_code == 200
    entries, events = len(fake.ledger_entries()), len(fake.events)
    again = move(raw, card["id"], "redeem", 3_000, "sale-1")
    assert again.status_code == 200 and again.json()["data"] == first.json()["data"]
    assert (len(fake.ledger_entries()), len(fake.events)) == (entries, events)
    for response in (
        move(raw, card["id"], "redeem", 2_000, "sale-1"),  # another amount
        move(raw, other["id"], "redeem", 3_000, "sale-1"),  # another card
        move(raw, card["id"], "topup", 3_000, "sale-1"),  # another operation
    ):
        assert error_of(response) == (409, "IDEMPOTENCY_KEY_REUSED")
    # another source with the same ref is another operation
    assert (
        data_of(
            raw.post(
                f"{CARDS}/{card['id']}/redeem",
                json={"amount": 3_000, "externalSource": "web", "externalRef": "sale-1"},
            )
        )["giftCard"]["balance"]
        == 4_000
    )
    top = move(raw, card["id"], "topup", 100, "top-1")
    assert data_of(move(raw, card["id"], "topup", 100, "top-1")) == data_of(top)
    # the answer replays even after the card moved on: the first answer, not the current card
    data_of(move(raw, card["id"], "redeem", 4_100, "sale-2"))
    replay = data_of(move(raw, card["id"], "redeem", 3_000, "sale-1"))
    assert replay["giftCard"]["balance"] == 7_000
    assert data_of(raw.get(f"{CARDS}/{card['id']}"))["status"] == "redeemed"
    fake.check_books()


def test_void_hands_back_the_rest(raw: RawClient, fake: FakePlugipay) -> None:
    card = data_of(issue(raw, amount=10_000))
    data_of(move(raw, card["id"], "redeem", 2_500, "sale"))
    assert error_of(raw.post(f"{CARDS}/{card['id']}/void", json={"x": 1})) == (
        400,
        "VALIDATION_ERROR",
    )
    voided = data_of(raw.post(f"{CARDS}/{card['id']}/void", json={"note": "lost"}))
    assert (voided["status"], voided["balance"]) == ("void", 0)
    event = card_events(fake)[-1]
    assert event["type"] == "plugipay.gift_card.voided.v1"
    entry = event["data"]["entry"]
    assert (entry["kind"], entry["delta"], entry["balanceAfter"], entry["note"]) == (
        "void",
        -7_500,
        0,
        "lost",
    )
    assert tx_rows(fake, entry["ledgerTxId"]) == [
        ("gift_card_liability", "debit", 7_500, "gift_card", card["id"]),
        ("balance", "credit", 7_500, "gift_card", card["id"]),
    ]
    assert error_of(raw.post(f"{CARDS}/{card['id']}/void")) == (409, "INVALID_TRANSITION")
    assert error_of(move(raw, card["id"], "topup", 1, "t")) == (409, "INVALID_TRANSITION")
    books = fake.ledger_balances()
    assert (books["gift_card_liability"], books["revenue"], books["balance"]) == (0, -2_500, 2_500)
    fake.check_books()


def test_expiry_on_business_time(raw: RawClient, fake: FakePlugipay) -> None:
    card = data_of(issue(raw, amount=9_000, expiresAt="2026-05-19T10:42:00+00:00"))
    assert card["expiresAt"] == "2026-05-19T10:42:00.000Z"
    keep = data_of(issue(raw, amount=1_000, expiresAt="2026-06-19T00:00:00Z"))
    data_of(move(raw, card["id"], "redeem", 4_000, "sale"))
    fake.advance(7 * DAY - 1)
    assert data_of(raw.get(f"{CARDS}/{card['id']}"))["status"] == "active"
    fake.advance(1)
    expired = data_of(raw.get(f"{CARDS}/{card['id']}"))
    assert (expired["status"], expired["balance"], expired["updatedAt"]) == (
        "expired",
        0,
        "2026-05-19T10:42:00.000Z",
    )
    breakage = [e for e in fake.ledger_entries() if e["postedAt"] == "2026-05-19T10:42:00.000Z"]
    assert [(e["code"], e["direction"], e["amount"]) for e in breakage] == [
        ("gift_card_liability", "debit", 5_000),
        ("revenue", "credit", 5_000),
    ]
    assert data_of(raw.get(f"{CARDS}/{keep['id']}"))["status"] == "active"
    assert error_of(move(raw, card["id"], "redeem", 1, "late")) == (409, "INVALID_TRANSITION")
    assert error_of(raw.post(f"{CARDS}/{card['id']}/void")) == (409, "INVALID_TRANSITION")
    # no catalogue event for expiry
    assert [e["type"] for e in card_events(fake)][-1] == "plugipay.gift_card.redeemed.v1"
    pnl = data_of(raw.get("/api/v1/reports/pnl"))
    assert pnl["revenue"] == 9_000
    fake.check_books()


def test_a_card_spent_before_expiry_stays_redeemed(raw: RawClient, fake: FakePlugipay) -> None:
    card = data_of(issue(raw, amount=100, expiresAt="2026-05-13T00:00:00Z"))
    data_of(move(raw, card["id"], "redeem", 100, "all"))
    entries = len(fake.ledger_entries())
    fake.advance(2 * DAY)
    assert data_of(raw.get(f"{CARDS}/{card['id']}"))["status"] == "redeemed"
    assert len(fake.ledger_entries()) == entries
    fake.check_books()


@settings(derandomize=True, database=None, deadline=None, max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["issue", "redeem", "topup", "void", "advance", "replay"]),
            st.integers(min_value=1, max_value=20_000),
            st.integers(min_value=0, max_value=9),
        ),
        max_size=25,
    )
)
def test_random_gift_card_sequences_keep_the_books(steps: list[tuple[str, int, int]]) -> None:
    fake = FakePlugipay(seed=5, clock=FakeClock(START, frozen=True))
    raw = RawClient(fake)
    cards: list[str] = []
    done: list[tuple[str, str, int, str, Any]] = []
    for n, (kind, amount, pick) in enumerate(steps):
        if kind == "issue":
            expires = {"expiresAt": "2026-05-14T00:00:00Z"} if pick % 3 == 0 else {}
            cards.append(data_of(issue(raw, amount=amount, **expires))["id"])
        elif kind == "advance":
            fake.advance(pick * 6 * 3_600)
        elif kind == "replay" and done:
            card_id, verb, value, ref, answer = done[pick % len(done)]
            assert data_of(move(raw, card_id, verb, value, ref)) == answer
        elif cards and kind != "replay":
            card_id = cards[pick % len(cards)]
            before = data_of(raw.get(f"{CARDS}/{card_id}"))
            if kind == "void":
                response = raw.post(f"{CARDS}/{card_id}/void")
            else:
                response = move(raw, card_id, kind, amount, f"ref-{n}")
            if before["status"] != "active":
                assert error_of(response) == (409, "INVALID_TRANSITION")
            elif kind == "redeem" and amount > before["balance"]:
                assert error_of(response) == (409, "INSUFFICIENT_BALANCE")
            else:
                answer = data_of(response)
                if kind != "void":
                    done.append((card_id, kind, amount, f"ref-{n}", answer))
        fake.check_books()
        owed = sum(int(str(c["balance"])) for c in fake.gift_cards)
        assert fake.ledger_balances()["gift_card_liability"] == -owed


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.gift_cards`` method (issue 13's signatures), for the strict-converter walk in
    ``test_sdk.py``."""
    from datetime import datetime, timedelta

    customer = plug.customers.create(email="holder@example.com")
    expires = datetime.fromtimestamp(fake.now(), UTC) + timedelta(days=30)
    card = plug.gift_cards.issue(
        amount=50_000,
        currency="IDR",
        customer_id=customer.id,
        code="WALK-0001",
        expires_at=expires,
        note="walk",
        metadata={"k": "v"},
    )
    assert (card.kind, card.balance) == ("store_credit", 50_000)
    assert plug.gift_cards.get("WALK-0001").id == card.id
    assert [c.id for c in plug.gift_cards.list()] == [card.id]
    session = plug.checkout_sessions.create(
        amount=10_000,
        currency="IDR",
        methods=["qris"],
        success_url="https://shop.example/ok",
        cancel_url="https://shop.example/cancel",
    )
    redeemed = plug.gift_cards.redeem(
        card.id,
        amount=10_000,
        external_source="pos",
        external_ref="sale-1",
        checkout_session_id=session.id,
        note="lunch",
    )
    assert redeemed.gift_card.balance == 40_000 and redeemed.entry.delta == -10_000
    topped = plug.gift_cards.topup(
        card.id, amount=5_000, external_source="pos", external_ref="top-1", note="bonus"
    )
    assert topped.gift_card.balance == 45_000
    voided = plug.gift_cards.void(card.id, note="closed")
    assert (voided.status, voided.balance) == ("void", 0)
    fake.check_books()
