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
import time
from collections.abc import Callable, Iterator, Mapping
from io import StringIO
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from plugipay import webhooks
from plugipay.testing import DropAfterCommit, FakePlugipay

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WEBHOOK_SECRET = "whsec_examples_test"
FORGED_SECRET = "whsec_not_the_shops"
EXPECTED_EVENTS = [
    "plugipay.customer.created.v1",
    "plugipay.checkout_session.completed.v1",
    "plugipay.refund.issued.v1",
]
"""What the FastAPI example's flow emits, in order (the Django one skips the sign-up)."""


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


class _IntoApp:
    """An emulator webhook target that hands each delivery, bytes and headers exactly as the
    emulator signed them, to the app through its framework's test client; the app's status is
    the delivery's answer (so the emulator logs a refusal as a failed attempt, as Plugipay would)."""

    def __init__(self, post: Callable[[bytes, dict[str, str]], Any]) -> None:
        self._post = post
        self.delivered: list[tuple[bytes, dict[str, str]]] = []
        self.answers: list[tuple[int, object]] = []

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> int:
        self.delivered.append((body, dict(headers)))
        response = self._post(body, dict(headers))
        status: int = response.status_code
        self.answers.append((status, response.json() if status == 200 else response.content))
        return status

    def completed(self) -> tuple[bytes, dict[str, str]]:
        """The one ``checkout_session.completed`` delivery."""
        found = [d for d in self.delivered if b'"plugipay.checkout_session.completed.v1"' in d[0]]
        assert len(found) == 1
        return found[0]


def _forgeries(body: bytes, headers: dict[str, str]) -> dict[str, tuple[bytes, dict[str, str]]]:
    """A real ``checkout_session.completed`` delivery of order ``o-5``, forged four ways."""
    assert body.count(b'"o-5"') == 1
    stale = webhooks.sign(body, WEBHOOK_SECRET, int(time.time()) - 3600)
    return {
        "tampered body": (body.replace(b'"o-5"', b'"o-6"'), headers),
        "no signature": (body, {"content-type": "application/json"}),
        "stale": (body, {**headers, "x-plugipay-signature": stale}),
        "malformed": (body, {**headers, "x-plugipay-signature": "t=now,v1=00"}),
    }


def _assert_refused_saying_nothing(answer: Any, sent: dict[str, str]) -> None:
    """A 400 that names no reason and echoes neither a secret nor the signature sent."""
    text = (answer.content + str(dict(answer.headers)).encode()).lower()
    assert answer.status_code == 400
    for leak in (WEBHOOK_SECRET, FORGED_SECRET, "signature", "stale", "invalid", "malformed"):
        assert leak.encode() not in text
    assert sent.get("x-plugipay-signature", "v1=").lower().encode() not in text


def _delivery_log(fake: FakePlugipay, endpoint_id: str) -> list[tuple[object, list[object]]]:
    """(type, the status answered to each attempt) of every delivery to one endpoint."""
    return [
        (d["type"], [a["responseCode"] for a in d["attemptLog"]])  # type: ignore[attr-defined]
        for d in fake.webhook_deliveries
        if d["endpointId"] == endpoint_id
    ]


def test_fastapi_app(served: FakePlugipay) -> None:
    """The example app takes the emulator's signed deliveries through ``webhook_event``."""
    pytest.importorskip("fastapi", reason="fastapi is not installed")
    from fastapi.testclient import TestClient

    module = _example("fastapi_app")
    module.PAID.clear()
    with TestClient(module.app) as shop:  # runs the app's lifespan: its one client
        into_app = _IntoApp(
            lambda body, headers: shop.post("/webhooks/plugipay", content=body, headers=headers)
        )
        hook = served.add_webhook(into_app, secret=WEBHOOK_SECRET)
        signup = {"email": "ada@example.com", "order_id": "o-1"}
        first = shop.post("/signup", params=signup)
        again = shop.post("/signup", params=signup)
        too_early = shop.post("/orders/o-9/refund")
        order = {"amount": 90_000}
        started = shop.post("/orders/o-9/checkout", params=order)
        started_again = shop.post("/orders/o-9/checkout", params=order)
        session_id = started.json()["session_id"]
        served.pay_checkout_session(session_id, method="qris")  # delivered into the app
        refund = shop.post("/orders/o-9/refund")
        refund_again = shop.post("/orders/o-9/refund")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert [c["id"] for c in served.customers] == [first.json()["customer_id"]]
    assert too_early.status_code == 409
    assert started.status_code == started_again.status_code == 201
    assert started.json() == started_again.json()  # one session per order
    assert started.json()["pay_at"].endswith(session_id)
    assert {"o-9": session_id} == module.PAID  # learnt from the verified delivery
    assert refund.json() == refund_again.json()  # the same refund, not a second one
    assert refund.json()["amount"] == 90_000 and refund.json()["status"] == "succeeded"
    assert into_app.answers == [(200, {"received": t}) for t in EXPECTED_EVENTS]
    assert _delivery_log(served, hook.id) == [(t, [200]) for t in EXPECTED_EVENTS]
    assert sum(served.ledger_balances().values()) == 0
    assert served.ledger_balances()["refunds"] == 90_000


def test_fastapi_app_refuses_forged_deliveries(served: FakePlugipay) -> None:
    """A delivery signed with another secret, tampered, unsigned, stale or malformed gets a
    bare 400 and changes nothing; the other header spelling is taken."""
    pytest.importorskip("fastapi", reason="fastapi is not installed")
    from fastapi.testclient import TestClient

    module = _example("fastapi_app")
    module.PAID.clear()
    with TestClient(module.app) as shop:

        def post(body: bytes, headers: dict[str, str]) -> Any:
            return shop.post("/webhooks/plugipay", content=body, headers=headers)

        into_app, impostor = _IntoApp(post), _IntoApp(post)
        served.add_webhook(into_app, secret=WEBHOOK_SECRET)
        forger = served.add_webhook(impostor, secret=FORGED_SECRET)  # a sender without the secret
        started = shop.post("/orders/o-5/checkout", params={"amount": 25_000})
        served.pay_checkout_session(started.json()["session_id"], method="va")
        body, headers = into_app.completed()
        forged = {case: (post(*sent), sent[1]) for case, sent in _forgeries(body, headers).items()}
        spelled = {
            "content-type": "application/json",
            "Plugipay-Signature": headers["x-plugipay-signature"],
        }
        other_spelling = post(body, spelled)

    for case, (answer, sent) in forged.items():
        assert answer.json() == {"detail": "Bad Request"}, case
        _assert_refused_saying_nothing(answer, sent)
    assert [status for status, _ in impostor.answers] == [400] * len(impostor.answers)
    assert {answer for _, answer in impostor.answers} == {b'{"detail":"Bad Request"}'}
    assert _delivery_log(served, forger.id) == [
        ("plugipay.checkout_session.completed.v1", [400])  # refused; Plugipay retries later
    ]
    assert other_spelling.json() == {"received": "plugipay.checkout_session.completed.v1"}
    assert {"o-5": started.json()["session_id"]} == module.PAID  # never o-6


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


def _django_post(body: bytes, headers: dict[str, str]) -> Any:
    from django.test import Client

    # enforce_csrf_checks: Plugipay sends no CSRF token, and the view must not need one.
    return Client(enforce_csrf_checks=True).post(
        "/webhooks/plugipay", body, content_type="application/json", headers=headers
    )


def test_django_checkout_flow(served: FakePlugipay) -> None:
    """The example app takes the emulator's signed deliveries through ``webhook_view``."""
    pytest.importorskip("django", reason="django is not installed")
    from django.test import Client

    _example("django_shop.settings").configure()
    client_module = _example("django_shop.client")
    client_module.plugipay_client.cache_clear()
    views = _example("django_shop.views")
    views.PAID.clear()
    into_app = _IntoApp(_django_post)
    hook = served.add_webhook(into_app, secret=WEBHOOK_SECRET)
    browser = Client()

    started = browser.post("/orders/77/checkout", {"amount": "45000"})
    again = browser.post("/orders/77/checkout", {"amount": "45000"})
    session_id = started["Location"].rsplit("/", 1)[1]
    served.pay_checkout_session(session_id, method="va")  # delivered into the app
    refund = browser.post("/orders/77/refund")
    client_module.plugipay_client().close()
    client_module.plugipay_client.cache_clear()

    assert started.status_code == again.status_code == 302
    assert started["Location"] == again["Location"]
    assert session_id.startswith("cs_")
    assert {"77": session_id} == views.PAID  # learnt from the verified delivery
    assert refund.json()["amount"] == 45_000 and refund.json()["status"] == "succeeded"
    events = EXPECTED_EVENTS[1:]  # no sign-up here
    assert into_app.answers == [(200, {"received": t}) for t in events]
    assert _delivery_log(served, hook.id) == [(t, [200]) for t in events]


def test_django_app_refuses_forged_deliveries(served: FakePlugipay) -> None:
    """As the FastAPI app: a bare (empty) 400 for every forgery, and a 405 for anything but POST."""
    pytest.importorskip("django", reason="django is not installed")
    from django.test import Client

    _example("django_shop.settings").configure()
    client_module = _example("django_shop.client")
    client_module.plugipay_client.cache_clear()
    views = _example("django_shop.views")
    views.PAID.clear()
    into_app, impostor = _IntoApp(_django_post), _IntoApp(_django_post)
    served.add_webhook(into_app, secret=WEBHOOK_SECRET)
    forger = served.add_webhook(impostor, secret=FORGED_SECRET)

    started = Client().post("/orders/o-5/checkout", {"amount": "25000"})
    session_id = started["Location"].rsplit("/", 1)[1]
    served.pay_checkout_session(session_id, method="qris")
    body, headers = into_app.completed()
    forged = {
        case: (_django_post(*sent), sent[1]) for case, sent in _forgeries(body, headers).items()
    }
    spelled = {"Plugipay-Signature": headers["x-plugipay-signature"]}
    other_spelling = _django_post(body, spelled)
    fetched = Client().get("/webhooks/plugipay", headers=headers)
    client_module.plugipay_client().close()
    client_module.plugipay_client.cache_clear()

    for case, (answer, sent) in forged.items():
        assert answer.content == b"", case
        _assert_refused_saying_nothing(answer, sent)
    assert impostor.answers == [(400, b"")] * len(impostor.answers)
    assert _delivery_log(served, forger.id) == [("plugipay.checkout_session.completed.v1", [400])]
    assert other_spelling.json() == {"received": "plugipay.checkout_session.completed.v1"}
    assert (fetched.status_code, fetched["Allow"]) == (405, "POST")
    assert {"o-5": session_id} == views.PAID  # never o-6


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
