"""Refunds under load on a lossy connection (issue 11): 200 partial refunds of one charge at once,
through a connection that loses 30 % of the answers after the server committed them, leave exactly
the refunds the charge allows, none twice, and the books balanced. Both flavours: async tasks and
sync threads. The outcome is the same on any schedule: only which request wins a slot varies."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from plugipay import BadRequestError, Refund
from plugipay.testing import DropAfterCommit, FakePlugipay

CHARGE = 150_000
PART = 1_000
REFUNDS = 200
ALLOWED = CHARGE // PART
SESSION = {
    "amount": CHARGE,
    "currency": "IDR",
    "methods": ["qris"],
    "success_url": "https://shop.example/paid",
    "cancel_url": "https://shop.example/cart",
}


async def _no_sleep(seconds: float) -> None:
    return None


def _lossy(fake: FakePlugipay) -> None:
    fake.faults.add(DropAfterCommit(method="POST", path="/api/v1/refunds", probability=0.3))


def _check(fake: FakePlugipay, charge: str, results: list[Refund | BadRequestError]) -> None:
    made = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, BadRequestError)]
    assert (len(made), len(refused)) == (ALLOWED, REFUNDS - ALLOWED)
    assert len({r.id for r in made}) == ALLOWED  # no answer was a replay of another's refund
    assert {e.code for e in refused} == {"validation_error"}
    assert fake.faults.fired > 0  # answers were really lost, and the retries replayed them
    entries = fake.ledger_entries()
    refunds = [e for e in entries if e["sourceType"] == "refund"]
    assert sorted({str(e["sourceId"]) for e in refunds}) == sorted(r.id for r in made)
    per_tx: dict[object, int] = defaultdict(int)
    for entry in entries:
        sign = 1 if entry["direction"] == "debit" else -1
        per_tx[entry["txId"]] += sign * int(entry["amount"])  # type: ignore[call-overload]
    assert set(per_tx.values()) == {0}  # every transaction balances
    balances = fake.ledger_balances()
    assert sum(balances.values()) == 0 and balances["refunds"] == CHARGE


@pytest.mark.anyio
async def test_200_concurrent_partial_refunds_async() -> None:
    fake = FakePlugipay(seed="refund-storm-async")
    results: list[Refund | BadRequestError] = []
    async with fake.async_client(max_retries=30, _sleep=_no_sleep) as plug:
        session = await plug.checkout_sessions.create(**SESSION)  # type: ignore[arg-type]
        charge = str(fake.pay_checkout_session(session.id)["paymentId"])
        _lossy(fake)

        async def refund() -> None:
            try:
                results.append(await plug.refunds.create(charge_id=charge, amount=PART))
            except BadRequestError as exc:
                results.append(exc)

        async with anyio.create_task_group() as tasks:
            for _ in range(REFUNDS):
                tasks.start_soon(refund)
        listed = [r.id async for r in plug.refunds.list(charge_id=charge, limit=100)]
    assert sorted(listed) == sorted(r.id for r in results if isinstance(r, Refund))
    _check(fake, charge, results)


def test_200_concurrent_partial_refunds_sync() -> None:
    fake = FakePlugipay(seed="refund-storm-sync")
    with fake.client(max_retries=30, _sleep=lambda seconds: None) as plug:
        session = plug.checkout_sessions.create(**SESSION)  # type: ignore[arg-type]
        charge = str(fake.pay_checkout_session(session.id)["paymentId"])
        _lossy(fake)

        def refund(_: int) -> Refund | BadRequestError:
            try:
                return plug.refunds.create(charge_id=charge, amount=PART)
            except BadRequestError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(refund, range(REFUNDS)))
        listed = [r.id for r in plug.refunds.list(charge_id=charge, limit=100)]
    assert sorted(listed) == sorted(r.id for r in results if isinstance(r, Refund))
    _check(fake, charge, results)
