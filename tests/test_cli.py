"""The ``plugipay`` command, run for real in a subprocess: as ``python -m plugipay`` and, where the
installed package declares it, as the ``plugipay`` console script itself (``pip install .``)."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest

from plugipay import webhooks
from plugipay._cli.customer_import import idempotency_key
from plugipay.testing import FakePlugipay

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
"""Seconds any one command may take before the test fails (a hung command must not stall CI)."""


def _declared_script() -> bool:
    try:
        entry_points = metadata.distribution("plugipay").entry_points
    except metadata.PackageNotFoundError:
        return False
    return any(ep.group == "console_scripts" and ep.name == "plugipay" for ep in entry_points)


def _script() -> list[str] | None:
    """The installed console script, when the installed package declares one (it must exist)."""
    if not _declared_script():
        return None
    for folder in (Path(sysconfig.get_path("scripts")), Path(sys.executable).parent):
        for name in ("plugipay", "plugipay.exe"):
            if (folder / name).is_file():
                return [str(folder / name)]
    raise AssertionError("the installed plugipay declares a console script that isn't installed")


SCRIPT = _script()
LAUNCHERS = [
    pytest.param([sys.executable, "-m", "plugipay"], id="python-m"),
    pytest.param(
        SCRIPT or [],
        id="console-script",
        marks=pytest.mark.skipif(
            SCRIPT is None,
            reason="the installed plugipay predates the console script (pip install -e . adds it)",
        ),
    ),
]


def _env(fake: FakePlugipay | None = None, base_url: str | None = None) -> dict[str, str]:
    # The worktree's plugipay first, whichever copy the interpreter has installed.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if fake is not None:
        env.update(PLUGIPAY_KEY_ID=fake.key_id, PLUGIPAY_SECRET=fake.secret)
    if base_url is not None:
        env["PLUGIPAY_BASE_URL"] = base_url
    return env


def _run(
    launcher: list[str], *args: str, env: dict[str, str], cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*launcher, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture
def served() -> Iterator[tuple[FakePlugipay, str]]:
    fake = FakePlugipay(seed=11)
    with fake.serve() as base_url:
        yield fake, base_url


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_help_lists_the_commands_every_resource_and_the_exit_statuses(
    launcher: list[str],
) -> None:
    done = _run(launcher, "--help", env=_env())

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: plugipay ")
    for command in ("serve", "demo", "listen", "trigger", "customers", "checkout_sessions"):
        assert re.search(rf"^    {command}\b", done.stdout, re.MULTILINE), command
    assert "   13  404 not found (NotFoundError)\n" in done.stdout
    nested = _run(launcher, "customers", "list", "--help", env=_env())
    assert nested.returncode == 0
    assert "--limit N" in nested.stdout and "--all" in nested.stdout


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_customers_list_limit_2_prints_one_json_line_when_piped(
    launcher: list[str], served: tuple[FakePlugipay, str]
) -> None:
    fake, base_url = served
    with fake.client() as plug:
        made = [plug.customers.create(name=f"c{i}").id for i in range(5)]

    done = _run(launcher, "customers", "list", "--limit", "2", env=_env(fake, base_url))

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count("\n") == 1 and done.stdout.endswith("}\n")  # one line: piped
    page = json.loads(done.stdout)
    assert [c["id"] for c in page["data"]] == made[::-1][:2]
    assert page["data"][0] == fake.customers[-1]  # the API's own wire form
    assert page["hasMore"] is True
    rest = _run(
        launcher,
        "customers",
        "list",
        "--limit",
        "10",
        "--cursor",
        page["nextCursor"],
        env=_env(fake, base_url),
    )
    following = json.loads(rest.stdout)
    assert [c["id"] for c in following["data"]] == made[::-1][2:]
    assert (following["hasMore"], following["nextCursor"]) == (False, None)


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_serve_prints_credentials_then_serves_the_other_commands_until_sigterm(
    launcher: list[str],
) -> None:
    proc = subprocess.Popen(
        [*launcher, "serve", "--port", "0", "--seed", "4"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # A hung server must fail this test, not stall the suite: killing it ends readline.
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        exports = dict(
            proc.stdout.readline().removeprefix("export ").rstrip("\n").split("=", 1)
            for _ in range(3)
        )
        assert sorted(exports) == ["PLUGIPAY_BASE_URL", "PLUGIPAY_KEY_ID", "PLUGIPAY_SECRET"]
        assert exports["PLUGIPAY_BASE_URL"].startswith("http://127.0.0.1:")
        made = _run(launcher, "customers", "create", "--name", "Ada", env=_env() | exports)
        listed = _run(launcher, "customers", "list", env=_env() | exports)
    finally:
        watchdog.cancel()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=TIMEOUT)

    assert made.returncode == 0, made.stderr
    customer = json.loads(made.stdout)
    assert customer["name"] == "Ada" and customer["id"].startswith("cus_")
    assert [c["id"] for c in json.loads(listed.stdout)["data"]] == [customer["id"]]
    assert proc.returncode == 0
    assert "emulator stopped" in err and "Traceback" not in err


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_trigger_emits_a_test_event_by_its_short_name(
    launcher: list[str], served: tuple[FakePlugipay, str]
) -> None:
    fake, base_url = served

    done = _run(
        launcher,
        "trigger",
        "customer.created",
        "--aggregate-id",
        "cus_demo",
        "--data",
        '{"email": "ada@example.com"}',
        env=_env(fake, base_url),
    )

    assert done.returncode == 0, done.stderr
    event = json.loads(done.stdout)
    assert event["type"] == "plugipay.customer.created.v1"
    assert event["data"]["object"] == {"id": "cus_demo", "email": "ada@example.com"}
    assert event["metadata"]["source"] == "trigger"
    assert fake.events[-1]["id"] == event["id"]
    assert [e["type"] for e in fake.events].count(event["type"]) == 1


class _Receiver:
    """A local app's webhook route: verifies each delivery with the secret ``listen`` printed."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.events: list[webhooks.WebhookEvent] = []
        self.refused: list[str] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    assert receiver.secret is not None
                    event = webhooks.verify(body, self.headers, receiver.secret)
                except Exception as exc:
                    receiver.refused.append(repr(exc))
                    self.send_response(400)
                else:
                    receiver.events.append(event)
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.arrived.set()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(TIMEOUT)


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_listen_forwards_a_triggered_event_signed_with_the_secret_it_printed(
    launcher: list[str], served: tuple[FakePlugipay, str]
) -> None:
    fake, base_url = served
    env = _env(fake, base_url)
    with fake.client() as plug:
        before = plug.customers.create(email="before@example.com")  # already there: not sent
    with _Receiver() as app:
        proc = subprocess.Popen(
            [
                *launcher,
                "listen",
                "--forward-to",
                app.url,
                "--events",
                "customer.created",
                "plugipay.invoice.paid.v1",
                "--interval",
                "0.05",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        watchdog = threading.Timer(TIMEOUT, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None and proc.stderr is not None
            first = proc.stdout.readline()
            match = re.fullmatch(r"export PLUGIPAY_WEBHOOK_SECRET=(whsec_[0-9a-f]{64})\n", first)
            assert match, first
            app.secret = match.group(1)
            ready = proc.stderr.readline()  # printed once the events that exist are remembered
            assert ready.startswith(f"# forwarding new events from {base_url} to {app.url}")
            skipped = _run(launcher, "trigger", "refund.issued", env=env)  # not in --events
            triggered = _run(launcher, "trigger", "customer.created", env=env)
            assert app.arrived.wait(TIMEOUT), "no delivery arrived"
            line = proc.stdout.readline()
        finally:
            watchdog.cancel()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=TIMEOUT)

    assert skipped.returncode == triggered.returncode == 0
    event = json.loads(triggered.stdout)
    assert app.refused == []
    assert [(e.id, e.type) for e in app.events] == [(event["id"], "plugipay.customer.created.v1")]
    assert app.events[0].data.id == event["data"]["object"]["id"]
    assert before.id not in line
    assert re.fullmatch(
        rf"\S+ \S+  plugipay\.customer\.created\.v1  {event['id']}  -> 200 OK in \d+ ms\n", line
    )
    assert proc.returncode == 0
    assert out == "" and err == "# stopped; events forwarded: 1\n"  # Ctrl-C: no traceback


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_errors_are_one_line_with_code_and_request_id_and_an_exit_status_per_class(
    launcher: list[str], served: tuple[FakePlugipay, str]
) -> None:
    fake, base_url = served

    missing = _run(launcher, "customers", "get", "cus_missing", env=_env(fake, base_url))
    assert missing.returncode == 13
    assert re.fullmatch(
        r"plugipay: error not_found: [^\n]+ \(status 404, request_id req_\w+\)\n", missing.stderr
    )
    assert missing.stdout == ""

    wrong = _env(fake, base_url) | {"PLUGIPAY_SECRET": "sk_test_not_the_right_one"}
    unauthorized = _run(launcher, "customers", "list", env=wrong)
    assert unauthorized.returncode == 11
    assert unauthorized.stderr.startswith("plugipay: error bad_signature: ")
    assert "sk_test_not_the_right_one" not in unauthorized.stderr

    unconfigured = _run(launcher, "customers", "list", env=_env(base_url=base_url))
    assert unconfigured.returncode == 3
    assert unconfigured.stderr.startswith("plugipay: configuration: key_id is required")

    refused = _run(launcher, "customers", "get", "..", env=_env(fake, base_url))
    assert refused.returncode == 2
    assert refused.stderr == (
        "plugipay: invalid input: customer_id must be a non-empty id other than '.' or '..', "
        "got '..'\n"
    )
    assert len(fake.requests) == 2  # the 404 and the 401: nothing else was sent

    typo = _run(launcher, "customers", "list", "--limitt", "2", env=_env(fake, base_url))
    assert typo.returncode == 2
    assert typo.stderr.endswith(
        "plugipay: error: unrecognized arguments: --limitt (1 value not shown)\n"
    )
    assert "Traceback" not in missing.stderr + unauthorized.stderr + typo.stderr


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_customers_import_creates_once_per_external_id_and_writes_the_failures(
    launcher: list[str], served: tuple[FakePlugipay, str], tmp_path: Path
) -> None:
    fake, base_url = served
    env = _env(fake, base_url)
    (tmp_path / "people.csv").write_text(
        "External ID,Email,Full Name,metadata.plan,Notes\n"
        "row-1,ada@example.com,Ada,gold,x\n"
        "row-2,not-an-email,Bob,,y\n"
        "row-3,cy@example.com,Cy,,z\n"
        "row-1,again@example.com,Dup,,\n"
        ",nobody@example.com,No Id,,\n",
        encoding="utf-8",
    )
    args = ["customers", "import", "people.csv", "--map", "Full Name=name", "--map", "Notes="]

    first = _run(launcher, *args, "--journal", "journal.jsonl", env=env, cwd=tmp_path)
    again = _run(launcher, *args, "--journal", "journal.jsonl", env=env, cwd=tmp_path)
    plain = _run(launcher, *args, "--failures", "failed.jsonl", env=env, cwd=tmp_path)

    assert first.returncode == again.returncode == plain.returncode == 4, first.stderr
    assert json.loads(first.stdout) == {
        "rows": 5,
        "created": 2,
        "existing": 0,
        "resumed": 0,
        "failed": 3,
        "failuresFile": "people.failures.csv",
    }
    assert json.loads(again.stdout)["resumed"] == 2  # the journal: nothing sent for them
    # No journal: the creates are sent again, the server replays them, and they count as
    # existing, not as created twice.
    assert (json.loads(plain.stdout)["created"], json.loads(plain.stdout)["existing"]) == (0, 2)
    made = sorted((c["externalId"], c["name"], c["metadata"]) for c in fake.customers)
    assert made == [("row-1", "Ada", {"plan": "gold"}), ("row-3", "Cy", {})]
    with open(tmp_path / "people.failures.csv", newline="", encoding="utf-8") as file:
        failures = list(csv.DictReader(file))
    assert [(f["line"], f["external_id"], f["code"]) for f in failures] == [
        ("3", "row-2", "validation_error"),
        ("5", "row-1", "duplicate_external_id"),
        ("6", "", "missing_external_id"),
    ]
    assert failures[0]["request_id"].startswith("req_")
    assert failures[1]["message"] == "external_id 'row-1' is also on line 2"
    lines = (tmp_path / "failed.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["code"] for line in lines] == [f["code"] for f in failures]
    keys = {r.headers["idempotency-key"] for r in fake.requests if r.method == "POST"}
    assert keys == {
        idempotency_key(
            "row-1", None, {"email": "ada@example.com", "name": "Ada", "metadata": {"plan": "gold"}}
        ),
        idempotency_key("row-2", None, {"email": "not-an-email", "name": "Bob"}),
        idempotency_key("row-3", None, {"email": "cy@example.com", "name": "Cy"}),
    }
    assert "customers import: 2 of 5 rows done" in first.stderr
