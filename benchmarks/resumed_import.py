"""A killed-and-resumed bulk import: items created twice (must be 0) and items redone.

``python resumed_import.py [COUNT] [CONCURRENCY]`` serves the emulator on loopback in this
process, starts an import of COUNT customers in a child process (``bulk.run`` with a journal
file, idempotency keys from the rows), SIGKILLs the child once its journal holds half the items,
starts it again to completion, and prints JSON: ``duplicates`` (customers sharing a row's email:
must be 0), ``failed`` (a second create refused on the row's taken externalId would land here:
must be 0), ``redone`` (items created before the kill but not yet journaled, so called again
and replayed by the server), ``journaled_at_kill``, ``created_at_kill``, ``calls_after_restart``
and the seconds each run took. The child is this script with ``--worker``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from plugipay import PlugipayClient, bulk
from plugipay.testing import FakePlugipay


def worker(journal: str, count: int, concurrency: int) -> None:
    """The import itself (the child process): prints its result as JSON."""
    calls = 0
    with PlugipayClient() as plug:

        def create(n: int) -> str:
            nonlocal calls
            calls += 1  # a benchmark figure only; a lost increment under threads is harmless
            return plug.customers.create(
                email=f"row{n}@example.com", external_id=f"row-{n}", idempotency_key=f"imp-{n}"
            ).id

        result = bulk.run(create, range(count), concurrency=concurrency, journal=journal, key=str)
    print(json.dumps({"failed": result.failed_count, "resumed": result.resumed, "calls": calls}))


def _journaled(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def main() -> None:
    """Run, kill, resume, count; print the JSON line."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    fake = FakePlugipay()
    with tempfile.TemporaryDirectory() as tmp, fake.serve() as base_url:
        journal = Path(tmp) / "import.journal"
        env = {
            **os.environ,
            "PLUGIPAY_BASE_URL": base_url,
            "PLUGIPAY_KEY_ID": fake.key_id,
            "PLUGIPAY_SECRET": fake.secret,
        }
        command = [sys.executable, __file__, "--worker", str(journal), str(count), str(concurrency)]
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        while _journaled(journal) < count // 2 and child.poll() is None:
            time.sleep(0.002)
        killed = child.poll() is None  # False only if a tiny import outran the poll
        if killed:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        first_seconds = time.perf_counter() - started
        journaled_at_kill = _journaled(journal)
        created_at_kill = len(fake.customers)

        started = time.perf_counter()
        again = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        resume_seconds = time.perf_counter() - started
        report = json.loads(again.stdout)
        emails = Counter(str(c["email"]) for c in fake.customers)

    print(
        json.dumps(
            {
                "items": count,
                "concurrency": concurrency,
                "killed": killed,
                "customers": sum(emails.values()),
                "duplicates": sum(emails.values()) - len(emails),
                "failed": report["failed"],
                "journaled_at_kill": journaled_at_kill,
                "created_at_kill": created_at_kill,
                "redone": created_at_kill - journaled_at_kill,
                "resumed": report["resumed"],
                "calls_after_restart": report["calls"],
                "first_run_seconds": round(first_seconds, 3),
                "resume_seconds": round(resume_seconds, 3),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
