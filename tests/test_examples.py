"""Every example in ``examples/`` runs here against the emulator, so none of them rots.

The examples take their client from the environment (``PLUGIPAY_BASE_URL`` and credentials), so
each test serves a fake on loopback and points the environment at it.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from types import ModuleType

import anyio
import pytest

from plugipay.testing import DropAfterCommit, FakePlugipay

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WEBHOOK_SECRET = "whsec_examples_test"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlugipay]:
    """A fake on loopback, with the environment the examples read pointing at it."""
    fake = FakePlugipay(seed=11)
    with fake.serve() as base_url:
        monkeypatch.setenv("PLUGIPAY_BASE_URL", base_url)
        monkeypatch.setenv("PLUGIPAY_KEY_ID", fake.key_id)
        monkeypatch.setenv("PLUGIPAY_SECRET", fake.secret)
        monkeypatch.setenv("PLUGIPAY_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.syspath_prepend(str(EXAMPLES))
        yield fake


def _example(name: str) -> ModuleType:
    return importlib.import_module(name)


def _deliveries(fake: FakePlugipay) -> list[tuple[bytes, dict[str, str]]]:
    collected: list[tuple[bytes, dict[str, str]]] = []
    fake.add_webhook(
        lambda body, headers: collected.append((body, dict(headers))), secret=WEBHOOK_SECRET
    )
    return collected


def test_fastapi_app(served: FakePlugipay) -> None:
    pytest.importorskip("fastapi", reason="fastapi is not installed")
    import httpx

    deliveries = _deliveries(served)
    app = _example("fastapi_app").app

    async def scenario() -> list[httpx.Response]:
        # The app's own lifespan opens and closes its client; httpx drives the ASGI app directly.
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://testserver"
            ) as http,
        ):
            signup = {"email": "ada@example.com", "order_id": "o-1"}
            first = await http.post("/signup", params=signup)
            again = await http.post("/signup", params=signup)
            body, headers = deliveries[0]
            verified = await http.post("/webhooks/plugipay", content=body, headers=headers)
            forged = await http.post("/webhooks/plugipay", content=body + b" ", headers=headers)
            return [first, again, verified, forged]

    first, again, verified, forged = anyio.run(scenario)

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert [c["id"] for c in served.customers] == [first.json()["customer_id"]]
    assert verified.json() == {"received": "plugipay.customer.created.v1"}
    assert (forged.status_code, forged.json()) == (400, {"detail": "signature_invalid"})


def _completed(deliveries: list[tuple[bytes, dict[str, str]]]) -> tuple[bytes, dict[str, str]]:
    """The one ``checkout_session.completed`` delivery collected."""
    found = [d for d in deliveries if b'"plugipay.checkout_session.completed.v1"' in d[0]]
    assert len(found) == 1
    return found[0]


def test_fastapi_checkout_flow(served: FakePlugipay) -> None:
    pytest.importorskip("fastapi", reason="fastapi is not installed")
    import httpx

    deliveries = _deliveries(served)
    module = _example("fastapi_app")
    app = module.app
    module.PAID.clear()

    async def scenario() -> list[httpx.Response]:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://testserver"
            ) as http,
        ):
            too_early = await http.post("/orders/o-9/refund")
            order = {"amount": 90_000}
            first = await http.post("/orders/o-9/checkout", params=order)
            again = await http.post("/orders/o-9/checkout", params=order)
            served.pay_checkout_session(first.json()["session_id"], method="qris")
            body, headers = _completed(deliveries)
            hook = await http.post("/webhooks/plugipay", content=body, headers=headers)
            redelivered = await http.post("/webhooks/plugipay", content=body, headers=headers)
            refund = await http.post("/orders/o-9/refund")
            refund_again = await http.post("/orders/o-9/refund")
            return [too_early, first, again, hook, redelivered, refund, refund_again]

    too_early, first, again, hook, redelivered, refund, refund_again = anyio.run(scenario)

    assert too_early.status_code == 409
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()  # one session per order
    session_id = first.json()["session_id"]
    assert first.json()["pay_at"].endswith(session_id)
    assert (
        hook.json() == redelivered.json() == {"received": "plugipay.checkout_session.completed.v1"}
    )
    assert {"o-9": session_id} == module.PAID
    assert refund.json() == refund_again.json()  # the same refund, not a second one
    assert refund.json()["amount"] == 90_000 and refund.json()["status"] == "succeeded"
    assert sum(served.ledger_balances().values()) == 0
    assert served.ledger_balances()["refunds"] == 90_000


def test_aiohttp_app(served: FakePlugipay) -> None:
    pytest.importorskip("aiohttp", reason="aiohttp is not installed")
    from aiohttp.test_utils import TestClient, TestServer

    deliveries = _deliveries(served)
    make_app = _example("aiohttp_app").make_app

    async def scenario() -> tuple[int, dict[str, str], dict[str, str], int]:
        async with TestClient(TestServer(make_app())) as http:
            created = await http.post("/signup", data={"email": "bo@example.com", "order_id": "7"})
            body, headers = deliveries[0]
            verified = await http.post("/webhooks/plugipay", data=body, headers=headers)
            forged = await http.post("/webhooks/plugipay", data=b"{}", headers=headers)
            return created.status, await created.json(), await verified.json(), forged.status

    status, created, verified, forged_status = asyncio.run(scenario())

    assert status == 201
    assert [c["id"] for c in served.customers] == [created["customer_id"]]
    assert verified == {"received": "plugipay.customer.created.v1"}
    assert forged_status == 400


def test_django_view_and_import_command(served: FakePlugipay, tmp_path: Path) -> None:
    pytest.importorskip("django", reason="django is not installed")
    from django.core.management import call_command
    from django.test import Client

    _example("django_shop.settings").configure()
    _example("django_shop.client").plugipay_client.cache_clear()  # a client for this test's env
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "id,email,name\n" + "".join(f"{n},user{n}@example.com,User {n}\n" for n in range(25)),
        encoding="utf-8",
    )
    served.faults.add(DropAfterCommit(method="POST", path="/api/v1/customers", times=2))
    out = StringIO()
    call_command("import_customers", str(rows), stdout=out)
    call_command("import_customers", str(rows), stdout=out)  # a re-run creates nothing twice
    customer = served.customers[0]
    found = Client().get(f"/customers/{customer['id']}")
    missing = Client().get("/customers/cus_missing")
    client_module = _example("django_shop.client")
    client_module.plugipay_client().close()
    client_module.plugipay_client.cache_clear()

    assert out.getvalue() == "imported 25 of 25 customers\n" * 2
    assert sorted(c["externalId"] for c in served.customers) == sorted(map(str, range(25)))  # type: ignore[type-var]
    assert found.json() == {
        "id": customer["id"],
        "email": customer["email"],
        "name": customer["name"],
    }
    assert missing.status_code == 404


def test_django_checkout_flow(served: FakePlugipay) -> None:
    pytest.importorskip("django", reason="django is not installed")
    from django.test import Client

    _example("django_shop.settings").configure()
    client_module = _example("django_shop.client")
    client_module.plugipay_client.cache_clear()
    views = _example("django_shop.views")
    views.PAID.clear()
    deliveries = _deliveries(served)
    browser = Client()

    started = browser.post("/orders/77/checkout", {"amount": "45000"})
    again = browser.post("/orders/77/checkout", {"amount": "45000"})
    session_id = started["Location"].rsplit("/", 1)[1]
    served.pay_checkout_session(session_id, method="va")
    body, headers = _completed(deliveries)
    hook = Client().post(
        "/webhooks/plugipay",
        data=body,
        content_type="application/json",
        headers={"X-Plugipay-Signature": headers["x-plugipay-signature"]},
    )
    forged = Client().post(
        "/webhooks/plugipay",
        data=body + b" ",
        content_type="application/json",
        headers={"X-Plugipay-Signature": headers["x-plugipay-signature"]},
    )
    refund = browser.post("/orders/77/refund")
    client_module.plugipay_client().close()
    client_module.plugipay_client.cache_clear()

    assert started.status_code == again.status_code == 302
    assert started["Location"] == again["Location"]
    assert session_id.startswith("cs_")
    assert hook.json() == {"received": "plugipay.checkout_session.completed.v1"}
    assert (forged.status_code, forged.json()) == (400, {"error": "signature_invalid"})
    assert {"77": session_id} == views.PAID
    assert refund.json()["amount"] == 45_000 and refund.json()["status"] == "succeeded"


def test_plain_script(served: FakePlugipay) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "script.py")],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    customer = served.customers[0]
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"created {customer['id']} (ada@example.com)\n1 customers in total\n"


def test_sharded_import_example_splits_and_resumes(served: FakePlugipay, tmp_path: Path) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(EXAMPLES / "sharded_import.py"), str(tmp_path), "60", "3"],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    assert first.stdout == "60 rows in 3 shards: 0 from the journals, 0 failed\n"
    again = run()
    assert again.returncode == 0, again.stderr
    assert again.stdout == "60 rows in 3 shards: 60 from the journals, 0 failed\n"
    refs = sorted(str(c["externalId"]) for c in served.customers)
    assert refs == sorted(f"crm-{n}" for n in range(60))


def test_a_year_of_renewals_example() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "billing_year.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # The trial ends on 14 Feb 2028; each renewal falls on the 14th, the last on 14 Jan 2029.
    assert [line.split()[:2] for line in lines[:12]] == [
        [f"INV-{n:06d}", f"2028-{m:02d}-14" if m <= 12 else f"2029-{m - 12:02d}-14"]
        for n, m in enumerate(range(2, 14), start=1)
    ]
    assert all(line.endswith("IDR 99,000  paid") for line in lines[:12])
    assert lines[12] == "12 invoices, 12 invoice.paid webhooks verified, revenue IDR 1,188,000"
    assert lines[13].startswith("a year of renewals took ")  # printed, never asserted: no timing


def test_the_pytest_example_passes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_signup.py"],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_examples_use_only_the_public_api_and_import_fresh() -> None:
    for path in EXAMPLES.rglob("*.py"):
        assert "plugipay._" not in path.read_text(encoding="utf-8"), path
    # A fresh interpreter: no import made by the suite can paper over a missing one.
    code = (
        "import fastapi_app, aiohttp_app, script, test_my_signup, billing_year\n"
        "import django_shop.settings as s; s.configure()\n"
        "import django_shop.views, django_shop.management.commands.import_customers\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
