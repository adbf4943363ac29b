"""``python -m plugipay demo``: a green report, nothing created twice, and the same flow over HTTP."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from plugipay._cli.demo import Progress, main
from plugipay.testing import DropAfterCommit, FakePlugipay

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["demo", *args], out=out)
    return code, out.getvalue()


def test_the_demo_reports_every_check_green() -> None:
    code, text = _run("--customers", "300", "--concurrency", "8")

    assert code == 0, text
    assert "import         300 created, 0 failed\n" in text
    assert "re-run         300 replayed, 0 new\n" in text
    assert "paged          300 customers, 300 distinct rows\n" in text
    assert "webhooks       300 customer.created deliveries verified\n" in text
    assert "checkout       20 sessions created\n" in text
    assert "payments       20 paid, IDR 785,000; 10 refunds, IDR 185,000; fees IDR 15,700\n" in text
    assert "payment hooks  20 completed, 10 refund deliveries verified\n" in text
    assert "[ok] the ledger balances: revenue = paid, refunds = refunded" in text
    assert "[FAIL]" not in text
    assert text.endswith("all checks hold\n")
    # Not a terminal: plain progress lines at each quarter.
    assert "  import      300/300 done, 0 failed\n" in text


def test_the_demo_without_faults() -> None:
    code, text = _run("--customers", "50", "--no-faults")

    assert code == 0, text
    assert "faults were injected" not in text
    assert "0 retries, 0 dropped responses, 0 answered 429" in text


def test_the_demo_runs_against_a_server_with_env_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakePlugipay(seed=5)
    drop = fake.faults.add(DropAfterCommit(method="POST", path="/api/v1/customers", times=2))
    key = fake.platform_key("storlaunch")
    monkeypatch.setenv("PLUGIPAY_KEY_ID", key.key_id)
    monkeypatch.setenv("PLUGIPAY_SECRET", key.secret)
    with fake.serve() as base_url:
        code, text = _run("--customers", "40", "--base-url", base_url)

    assert code == 0, text
    assert f"plugipay demo on {base_url}:" in text
    # Both injected drops are seen; over a real socket a loaded machine can add a lost answer
    # of its own, which the retry (same key) absorbs like the injected ones.
    assert drop.fired == 2
    dropped = re.search(r"(\d+) dropped responses", text)
    assert dropped is not None and int(dropped.group(1)) >= 2, text
    assert "webhooks       1 locally signed event verified\n" in text
    assert "payments       not paid: only the built-in emulator plays the buyer\n" in text
    assert len(fake.checkout_sessions) == 20 and fake.refunds == []
    assert sum(c["email"].startswith("customer") for c in fake.customers) == 40  # type: ignore[union-attr]


def test_the_demo_runs_twice_against_one_server_and_says_what_it_will_create(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It used to work once per server: the second run reused the first run's idempotency keys
    (scoped to the API key) for new merchants, and stopped on idempotency_key_reused."""
    fake = FakePlugipay(seed=6)
    key = fake.platform_key("storlaunch")
    monkeypatch.setenv("PLUGIPAY_KEY_ID", key.key_id)
    monkeypatch.setenv("PLUGIPAY_SECRET", key.secret)
    with fake.serve() as base_url:
        first_code, first = _run("--customers", "12", "--base-url", base_url)
        second_code, second = _run("--customers", "12", "--base-url", base_url)

    assert (first_code, second_code) == (0, 0), first + second
    for text in (first, second):
        assert (
            "it will create, as partner 'storlaunch': 3 managed merchant workspaces, and 12 "
            "customers in the first of them" in text
        )
        assert "no injected faults (only the built-in emulator injects them)" in text
        assert "faults on" not in text and "faults were injected" not in text
        assert "all checks hold" in text
    imported = [c for c in fake.customers if str(c["email"]).startswith("customer")]
    assert len(imported) == 24
    assert len({c["accountId"] for c in imported}) == 2


def test_the_demo_reports_an_api_error_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakePlugipay(seed=5)
    monkeypatch.setenv("PLUGIPAY_KEY_ID", fake.key_id)  # an owner key, not a platform key
    monkeypatch.setenv("PLUGIPAY_SECRET", fake.secret)
    with fake.serve() as base_url:
        code, text = _run("--customers", "5", "--base-url", base_url)

    assert code == 1
    assert "demo stopped: " in text
    assert fake.secret not in text


def test_progress_is_one_live_line_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    progress = Progress(out, "import")
    for done in range(1, 4):
        progress(done, 0, 3)

    assert out.getvalue() == (
        "\r  import        1/3 done, 0 failed"
        "\r  import        2/3 done, 0 failed"
        "\r  import        3/3 done, 0 failed\n"
    )


def test_python_dash_m_plugipay_demo_exits_0_with_the_defaults() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUGIPAY_")}
    done = subprocess.run(
        [sys.executable, "-m", "plugipay", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "import         2000 created, 0 failed\n" in done.stdout
    assert "re-run         2000 replayed, 0 new\n" in done.stdout
    assert done.stdout.endswith("all checks hold\n")
