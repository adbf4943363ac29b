"""The loopback server (``fake.serve()``) and the ``python -m plugipay.testing serve`` CLI."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from plugipay import PlugipayClient
from plugipay.testing import DropAfterCommit, FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of

ROOT = Path(__file__).resolve().parents[2]


def test_serve_speaks_the_same_api(fake: FakePlugipay) -> None:
    with fake.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        raw = RawClient(fake, base_url=url)
        made = raw.create_customer(email="a@example.com")
        assert [c["id"] for c in data_of(raw.get("/api/v1/customers?email=a%40example.com"))] == [
            made["id"]
        ]
        # the same state is visible in-process
        assert fake.customers == [made]
        assert fake.requests[-1].target == "/api/v1/customers?email=a%40example.com"
        for _ in range(20):  # many requests over one keep-alive connection
            assert raw.get(f"/api/v1/customers/{made['id']}").status_code == 200
        response = raw.delete(f"/api/v1/workspaces/{fake.workspace_id}", idempotency_key="d")
        assert (response.status_code, response.content) == (204, b"")
        raw.http.close()
    port = int(url.rsplit(":", 1)[1])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_unauthenticated_request_over_http(fake: FakePlugipay) -> None:
    with fake.serve() as url:
        response = httpx.get(url + "/api/v1/customers")
    assert error_of(response) == (401, "AUTH_REQUIRED")
    assert response.headers["content-type"] == "application/json"


def test_dropped_connection_over_http(fake: FakePlugipay) -> None:
    fake.faults.add(DropAfterCommit(times=1))
    with fake.serve() as url:
        raw = RawClient(fake, base_url=url)
        with pytest.raises(httpx.RemoteProtocolError):
            raw.post("/api/v1/customers", json={"name": "A"}, idempotency_key="k")
        retry = raw.post("/api/v1/customers", json={"name": "A"}, idempotency_key="k")
        assert retry.headers["idempotent-replayed"] == "true"
        raw.http.close()
    assert len(fake.customers) == 1


def test_chunked_request_body(fake: FakePlugipay) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name":'
        yield b'"Chunky"}'

    with fake.serve() as url:
        raw = RawClient(fake, base_url=url)
        headers = raw.post(
            "/api/v1/customers", json={"name": "Chunky"}, idempotency_key="c"
        ).request.headers
        assert fake.customers[0]["name"] == "Chunky"
        response = httpx.post(
            url + "/api/v1/customers",
            content=chunks(),
            headers=dict(headers),
        )
        assert response.headers["idempotent-replayed"] == "true"
        raw.http.close()


def test_cli_prints_exports_then_serves_until_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "plugipay.testing",
            "serve",
            "--port",
            "0",
            "--key-id",
            "ak_test_cli",
            "--secret",
            "sk_test_cli",
            "--platform",
            "storlaunch",
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    # A hung CLI must fail this test, not stall the suite: kill it after 30 s, which ends readline.
    watchdog = threading.Timer(30, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().rstrip("\n") for _ in range(5)]
        assert lines[0].startswith("export PLUGIPAY_BASE_URL=http://127.0.0.1:")
        assert lines[1:3] == [
            "export PLUGIPAY_KEY_ID=ak_test_cli",
            "export PLUGIPAY_SECRET=sk_test_cli",
        ]
        assert lines[3].startswith("export PLUGIPAY_PLATFORM_KEY_ID=ak_test_")
        assert lines[4].startswith("export PLUGIPAY_PLATFORM_SECRET=sk_test_")
        base_url = lines[0].split("=", 1)[1]
        response = httpx.get(base_url + "/api/v1/customers")
        assert error_of(response) == (401, "AUTH_REQUIRED")
        assert response.json()["error"]["message"].startswith("Missing or malformed Authorization")
        curl = shutil.which("curl")
        if curl is not None:  # the "plain curl", where the machine has one
            done = subprocess.run(
                [curl, "-s", "-i", "--max-time", "10", base_url + "/api/v1/customers"],
                capture_output=True,
                text=True,
                check=True,
            )
            assert done.stdout.splitlines()[0] == "HTTP/1.1 401 Unauthorized"
            assert '"code":"AUTH_REQUIRED"' in done.stdout
        with PlugipayClient(key_id="ak_test_cli", secret="sk_test_cli", base_url=base_url) as plug:
            for i in range(5):
                plug.customers.create(name=f"via cli {i}")
            page = plug.customers.list(limit=2)
            assert [c.name for c in page.data] == ["via cli 4", "via cli 3"]
            assert [c.name for c in page] == [f"via cli {i}" for i in (4, 3, 2, 1, 0)]
        head = httpx.head(base_url + "/api/v1/customers")
        assert (head.status_code, head.content) == (401, b"")
    finally:
        watchdog.cancel()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "stopped" in err and "Traceback" not in err


def test_unexpected_errors_become_500_answers_and_the_server_lives_on(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    with fake.serve() as url:
        raw = RawClient(fake, base_url=url)
        monkeypatch.setattr("plugipay.testing._engine.authenticate", broken)
        response = raw.get("/api/v1/customers")
        assert error_of(response) == (500, "INTERNAL_ERROR")
        assert response.json() == {
            "data": None,
            "error": {"code": "INTERNAL_ERROR", "message": "Emulator error: RuntimeError: boom"},
            "meta": {"requestId": response.headers["x-request-id"]},
        }
        monkeypatch.undo()
        # the same keep-alive connection still gets answers
        assert raw.get("/api/v1/customers").status_code == 200
        raw.http.close()


def test_errors_after_the_handler_become_500_and_free_the_key(
    raw: RawClient, fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("lost")

    monkeypatch.setattr(fake._engine.idempotency, "complete", broken)
    response = raw.post("/api/v1/customers", json={"name": "A"}, idempotency_key="k")
    assert error_of(response) == (500, "INTERNAL_ERROR")
    assert response.json()["error"]["message"] == "Emulator error: RuntimeError: lost"
    monkeypatch.undo()
    retried = raw.post("/api/v1/customers", json={"name": "A"}, idempotency_key="k")
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers
