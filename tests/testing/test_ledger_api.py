"""The ledger API (SPEC-MONEY §5; SURVEY §1.9): entries with their filters and order, balances,
and the books' invariants after every kind of money movement."""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from plugipay.testing import FakeClock, FakePlugipay
from plugipay.testing._ids import iso_ms

from .emulator_helpers import START, RawClient, data_of, error_of
from .test_checkout_sessions import create

LEDGER = "/api/v1/ledger"
BALANCES = "/api/v1/ledger/balances"
BANK = {"bankName": "BCA", "bankAccountNumber": "1", "bankAccountHolder": "Acme"}


def entries(raw: RawClient, query: str = "") -> list[dict[str, Any]]:
    """Every entry the query lists, following the cursor."""
    out: list[dict[str, Any]] = []
    cursor = ""
    for _ in range(100):
        sep = "&" if query else ""
        page = raw.get(f"{LEDGER}?{query}{sep}limit=7{cursor}").json()
        out.extend(page["data"])
        if not page["meta"]["hasMore"]:
            return out
        cursor = f"&cursor={page['meta']['cursor']}"
    raise AssertionError("too many pages")


def every_movement(raw: RawClient, fake: FakePlugipay) -> dict[str, str]:
    """One of each kind of money movement; the ids of their sources, by kind. The books are
    checked after each."""
    ids: dict[str, str] = {}
    session = fake.pay_checkout_session(create(raw, amount=200_000)["id"])
    ids["checkout_session"] = str(session["id"])
    fake.check_books()
    refund = data_of(
        raw.post("/api/v1/refunds", json={"chargeId": session["paymentId"], "amount": 20_000})
    )
    ids["refund"] = refund["id"]
    fake.check_books()
    customer = raw.create_customer(email="c@example.com")
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
    ids["invoice"] = invoice["id"]
    fake.check_books()
    card = data_of(raw.post("/api/v1/gift-cards", json={"amount": 30_000}))
    data_of(
        raw.post(
            f"/api/v1/gift-cards/{card['id']}/redeem",
            json={"amount": 5_000, "externalSource": "pos", "externalRef": "r1"},
        )
    )
    data_of(
        raw.post(
            f"/api/v1/gift-cards/{card['id']}/topup",
            json={"amount": 1_000, "externalSource": "pos", "externalRef": "t1"},
        )
    )
    data_of(raw.post(f"/api/v1/gift-cards/{card['id']}/void"))
    ids["gift_card"] = card["id"]
    fake.check_books()
    made = data_of(raw.post("/api/v1/payouts", json={"amount": 50_000, "currency": "IDR", **BANK}))
    data_of(raw.post(f"/api/v1/payouts/{made['id']}/mark-in-transit"))
    fake.check_books()
    data_of(raw.post(f"/api/v1/payouts/{made['id']}/mark-paid"))
    ids["payout"] = made["id"]
    fake.check_books()
    fake.set_balance(fake.account_id, 0)
    ids["adjustment"] = fake.workspace_id
    fake.check_books()
    return ids


def test_list_filters_order_and_pages(raw: RawClient, fake: FakePlugipay) -> None:
    ids = every_movement(raw, fake)
    everything = fake.ledger_entries()
    assert entries(raw, "order=asc") == everything
    assert entries(raw) == list(reversed(everything))
    for source_type, source_id in ids.items():
        want = [e for e in everything if e["sourceType"] == source_type]
        assert want and all(e["sourceId"] == source_id for e in want)
        assert entries(raw, f"order=asc&sourceType={source_type}") == want
        assert entries(raw, f"order=asc&sourceId={source_id}") == want
    for code in ("balance", "revenue", "payouts", "gift_card_liability", "tax", "refunds"):
        want = [e for e in everything if e["code"] == code]
        assert want and entries(raw, f"order=asc&code={code}") == want
    tx = str(everything[0]["txId"])
    assert entries(raw, f"order=asc&txId={tx}") == [e for e in everything if e["txId"] == tx]
    assert entries(raw, "code=balance&sourceType=payout&order=asc") == [
        e for e in everything if e["code"] == "balance" and e["sourceType"] == "payout"
    ]
    assert entries(raw, "sourceId=nothing") == []
    assert error_of(raw.get(f"{LEDGER}?code=cash")) == (400, "VALIDATION_ERROR")
    assert error_of(raw.get(f"{LEDGER}?order=up")) == (400, "VALIDATION_ERROR")
    assert error_of(raw.get(f"{LEDGER}?cursor=nope")) == (400, "VALIDATION_ERROR")


def test_balances_is_a_bare_array_summing_to_zero(raw: RawClient, fake: FakePlugipay) -> None:
    empty = raw.get(BALANCES).json()
    assert [row["balance"] for row in empty["data"]] == [0] * 7
    assert "page" not in (empty.get("meta") or {})
    every_movement(raw, fake)
    rows = data_of(raw.get(BALANCES))
    assert [list(row) for row in rows] == [["code", "debits", "credits", "balance"]] * 7
    assert [row["code"] for row in rows] == [
        "balance",
        "revenue",
        "platform_fees",
        "refunds",
        "payouts",
        "gift_card_liability",
        "tax",
    ]
    assert sum(row["balance"] for row in rows) == 0
    assert all(row["balance"] == row["debits"] - row["credits"] for row in rows)
    assert {row["code"]: row["balance"] for row in rows} == fake.ledger_balances()
    by_code = {row["code"]: row for row in rows}
    assert by_code["balance"]["balance"] == 0  # set_balance(0) brought it back
    assert by_code["payouts"]["balance"] == 50_000
    assert by_code["gift_card_liability"]["balance"] == 0  # the card was voided
    assert by_code["tax"]["balance"] == -1_000
    usd = data_of(raw.get(f"{BALANCES}?currency=USD"))
    assert all(row["debits"] == row["credits"] == 0 for row in usd)
    assert error_of(raw.get(f"{BALANCES}?currency=XXX")) == (400, "VALIDATION_ERROR")


def test_set_balance_posts_a_balanced_adjustment(raw: RawClient, fake: FakePlugipay) -> None:
    fake.set_balance(fake.account_id, 12_500)
    fake.set_balance(fake.account_id, 12_500)  # already there: nothing posted
    fake.set_balance(fake.workspace_id, 2_500.0)
    rows = [
        (e["code"], e["direction"], e["amount"], e["sourceType"]) for e in fake.ledger_entries()
    ]
    assert rows == [
        ("balance", "debit", 12_500, "adjustment"),
        ("revenue", "credit", 12_500, "adjustment"),
        ("revenue", "debit", 10_000, "adjustment"),
        ("balance", "credit", 10_000, "adjustment"),
    ]
    assert fake.ledger_balances()["balance"] == 2_500
    fake.check_books()
    for bad in (1.5, "10", True):
        try:
            fake.set_balance(fake.account_id, bad)  # type: ignore[arg-type]
        except ValueError:
            continue
        raise AssertionError(f"set_balance accepted {bad!r}")


def test_ledger_needs_its_scope(fake: FakePlugipay) -> None:
    member = fake.add_key(role="member")
    as_member = RawClient(fake, key_id=member.key_id, secret=member.secret)
    assert error_of(as_member.get(LEDGER)) == (403, "INSUFFICIENT_SCOPE")
    reader = fake.add_key(role="member", scopes=["plugipay:ledger:read"])
    as_reader = RawClient(fake, key_id=reader.key_id, secret=reader.secret)
    assert data_of(as_reader.get(LEDGER)) == []


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.ledger`` method (issue 13's signatures), for the strict-converter walk in
    ``test_sdk.py``."""
    session = plug.checkout_sessions.create(
        amount=100_000,
        currency="IDR",
        methods=["qris"],
        success_url="https://shop.example/ok",
        cancel_url="https://shop.example/cancel",
    )
    fake.pay_checkout_session(session.id)
    listed = list(
        plug.ledger.list(code="balance", source_type="checkout_session", source_id=session.id)
    )
    assert [(e.code, e.direction, e.amount) for e in listed] == [("balance", "debit", 98_000)]
    tx = listed[0].tx_id
    assert len(list(plug.ledger.list(tx_id=tx, order="asc"))) == 3
    rows = plug.ledger.balances()
    assert sum(row.balance for row in rows) == 0
    fake.check_books()


class MixedMovements(RuleBasedStateMachine):
    """Random payments, refunds, payouts, gift-card operations, adjustments and clock moves on
    the emulator; every invariant of the books checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.fake = FakePlugipay(seed=11, clock=FakeClock(START, frozen=True))
        self.raw = RawClient(self.fake)
        self.charges: list[str] = []
        self.payouts: list[str] = []
        self.cards: list[str] = []
        self.refs = 0

    @rule(amount=st.integers(min_value=1, max_value=500_000))
    def pay(self, amount: int) -> None:
        session = self.fake.pay_checkout_session(create(self.raw, amount=amount)["id"])
        self.charges.append(str(session["paymentId"]))

    @precondition(lambda self: bool(self.charges))
    @rule(pick=st.integers(min_value=0), amount=st.integers(min_value=1, max_value=300_000))
    def refund(self, pick: int, amount: int) -> None:
        charge = self.charges[pick % len(self.charges)]
        response = self.raw.post("/api/v1/refunds", json={"chargeId": charge, "amount": amount})
        assert response.status_code in (201, 400), response.text

    @rule(amount=st.integers(min_value=1, max_value=300_000))
    def payout(self, amount: int) -> None:
        available = data_of(self.raw.get("/api/v1/payouts/balance?currency=IDR"))["available"]
        response = self.raw.post(
            "/api/v1/payouts", json={"amount": amount, "currency": "IDR", **BANK}
        )
        if amount > available:
            assert error_of(response) == (409, "INSUFFICIENT_BALANCE")
        else:
            self.payouts.append(data_of(response)["id"])

    @precondition(lambda self: bool(self.payouts))
    @rule(
        pick=st.integers(min_value=0),
        action=st.sampled_from(["cancel", "mark-in-transit", "mark-paid", "mark-failed"]),
    )
    def move_payout(self, pick: int, action: str) -> None:
        ident = self.payouts[pick % len(self.payouts)]
        body = {"failureReason": "bounced"} if action == "mark-failed" else {}
        response = self.raw.post(f"/api/v1/payouts/{ident}/{action}", json=body)
        assert response.status_code == 200 or error_of(response) == (409, "INVALID_TRANSITION")

    @rule(amount=st.integers(min_value=1, max_value=100_000), expires=st.booleans())
    def issue_card(self, amount: int, expires: bool) -> None:
        extra = {"expiresAt": iso_ms(self.fake.now() + 86_400)} if expires else {}
        card = data_of(self.raw.post("/api/v1/gift-cards", json={"amount": amount, **extra}))
        self.cards.append(card["id"])

    @precondition(lambda self: bool(self.cards))
    @rule(
        pick=st.integers(min_value=0),
        verb=st.sampled_from(["redeem", "topup", "void"]),
        amount=st.integers(min_value=1, max_value=100_000),
    )
    def move_card(self, pick: int, verb: str, amount: int) -> None:
        ident = self.cards[pick % len(self.cards)]
        self.refs += 1
        body = (
            {}
            if verb == "void"
            else {"amount": amount, "externalSource": "pos", "externalRef": f"r{self.refs}"}
        )
        response = self.raw.post(f"/api/v1/gift-cards/{ident}/{verb}", json=body)
        assert response.status_code == 200 or error_of(response)[1] in (
            "INVALID_TRANSITION",
            "INSUFFICIENT_BALANCE",
        )

    @rule(target_balance=st.integers(min_value=0, max_value=1_000_000))
    def adjust(self, target_balance: int) -> None:
        self.fake.set_balance(self.fake.account_id, target_balance)

    @rule(hours=st.integers(min_value=1, max_value=48))
    def advance(self, hours: int) -> None:
        self.fake.advance(hours * 3_600)

    @invariant()
    def books(self) -> None:
        self.fake.check_books()
        view = data_of(self.raw.get("/api/v1/payouts/balance?currency=IDR"))
        rows = data_of(self.raw.get("/api/v1/ledger/balances?currency=IDR"))
        held = next(row["balance"] for row in rows if row["code"] == "balance")
        assert view["ledgerBalance"] == held
        assert view["available"] == held - view["locked"]
        flow = data_of(self.raw.get("/api/v1/reports/cash-flow?from=2026-01-01&to=2027-12-31"))
        assert flow["net"] == held


TestMixedMovements = MixedMovements.TestCase
TestMixedMovements.settings = settings(
    derandomize=True, database=None, deadline=None, max_examples=40, stateful_step_count=20
)
