"""The published sync SDK, ``forjio-plugipay`` 0.6.0 from PyPI, unmodified in a venv of its own,
takes payments against the emulator on a loopback port: it creates, lists and cancels checkout
sessions and refunds a paid one (issue 11, "Done when"). Its ``cancel`` sends ``{}`` signed over
those two bytes (SPEC §2, "Decision (empty objects)").

The venv is the benchmarks' (``benchmarks/run.py``'s ``ensure_forjio``); the test is skipped only
when it can't be made (no network to reach PyPI). The buyer pays in this process, between two
runs of the published client.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from plugipay.testing import FakePlugipay

ROOT = Path(__file__).resolve().parents[2]

CREATE_LIST_CANCEL = """
import json, os
from plugipay import PlugipayClient

plug = PlugipayClient(
    key_id=os.environ["KEY_ID"], secret=os.environ["SECRET"], base_url=os.environ["BASE_URL"]
)
urls = {"success_url": "https://shop.example/ok", "cancel_url": "https://shop.example/cancel"}
paid = plug.checkout_sessions.create(
    amount=150000, currency="IDR", methods=["qris", "va"], metadata={"order": "o-1"},
    line_items=[{"name": "Tea", "quantity": 2, "unitAmount": 75000}], expires_in_sec=3600, **urls
)
dropped = plug.checkout_sessions.create(amount=2500, currency="USD", methods=["card"], **urls)
page = plug.checkout_sessions.list(limit=1, status="open")
rest = plug.checkout_sessions.list(limit=1, status="open", cursor=page.cursor)
canceled = plug.checkout_sessions.cancel(dropped["id"])
print(json.dumps({
    "paid": paid.to_dict(),
    "listed": [s["id"] for s in page.data + rest.data],
    "hasMore": [page.has_more, rest.has_more],
    "canceled": canceled["status"],
    "again": plug.checkout_sessions.get(dropped["id"])["status"],
}))
"""

REFUND = """
import json, os, sys
from plugipay import PlugipayClient, PlugipayError

plug = PlugipayClient(
    key_id=os.environ["KEY_ID"], secret=os.environ["SECRET"], base_url=os.environ["BASE_URL"]
)
session_id, charge_id = sys.argv[1], sys.argv[2]
half = plug.refunds.create(
    source_type="checkout_session", source_id=session_id, amount=75000, reason="duplicate"
)
rest = plug.refunds.create(source_type="checkout_session", source_id=session_id)
try:
    plug.refunds.create(source_type="checkout_session", source_id=session_id, amount=1)
    third = None
except PlugipayError as exc:
    third = [exc.status, exc.code]
listed = plug.refunds.list(charge_id=charge_id)
print(json.dumps({
    "refunds": [half.to_dict(), rest.to_dict()],
    "third": third,
    "listed": [r["id"] for r in listed.data],
    "got": plug.refunds.get(half["id"])["amount"],
    "session": plug.checkout_sessions.get(session_id)["status"],
}))
"""


def _forjio_python() -> Path:
    spec = importlib.util.spec_from_file_location("_bench_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    python: Path | None = module.ensure_forjio()
    if python is None:
        pytest.skip("forjio-plugipay 0.6.0 could not be installed (no network?)")
    return python


def _run(python: Path, script: str, env: dict[str, str], *args: str, cwd: Path) -> Any:
    # -I: the published package must be the one imported, never this checkout's ``plugipay``.
    done = subprocess.run(
        [str(python), "-I", "-c", script, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_published_sync_sdk_takes_and_refunds_payments(tmp_path: Path) -> None:
    python = _forjio_python()
    fake = FakePlugipay(seed=11)  # the published SDK signs with the real clock
    with fake.serve() as url:
        env = {"KEY_ID": fake.key_id, "SECRET": fake.secret, "BASE_URL": url, "PATH": "/usr/bin"}
        first = _run(python, CREATE_LIST_CANCEL, env, cwd=tmp_path)
        paid = first["paid"]
        assert (paid["status"], paid["amount"], paid["metadata"]) == (
            "open",
            150000,
            {"order": "o-1"},
        )
        assert first["listed"][0] != paid["id"] and first["listed"][1] == paid["id"]
        assert first["hasMore"] == [True, False]
        assert first["canceled"] == first["again"] == "canceled"

        charge = str(fake.pay_checkout_session(paid["id"], method="va")["paymentId"])
        second = _run(python, REFUND, env, paid["id"], charge, cwd=tmp_path)
    half, rest = second["refunds"]
    assert (half["amount"], half["reason"], half["status"]) == (75000, "duplicate", "succeeded")
    assert (rest["amount"], rest["chargeId"]) == (75000, charge)
    assert second["third"] == [400, "VALIDATION_ERROR"]
    assert second["listed"] == [rest["id"], half["id"]]
    assert (second["got"], second["session"]) == (75000, "completed")
    assert fake.ledger_balances()["refunds"] == 150000
    assert sum(fake.ledger_balances().values()) == 0
