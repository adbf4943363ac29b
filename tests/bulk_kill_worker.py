"""A bulk import run as its own process, for the test that kills it (tests/test_bulk_resume.py).

``python bulk_kill_worker.py JOURNAL COUNT [STALL_FROM]`` with ``PLUGIPAY_BASE_URL``,
``PLUGIPAY_KEY_ID`` and ``PLUGIPAY_SECRET`` set creates customers ``0 .. COUNT-1`` through
``bulk.run(..., journal=JOURNAL, key=...)`` and prints one JSON line: how many results came from
the journal and how many calls were made. With ``STALL_FROM``, every item from that index on is
created and then never returns, so the process is certain to be killed half-way: the items
before it are journaled, the stalled ones have reached the server but are not journaled.
"""

from __future__ import annotations

import json
import sys
import threading

from plugipay import PlugipayClient, bulk


def main() -> None:
    journal, count = sys.argv[1], int(sys.argv[2])
    stall_from = int(sys.argv[3]) if len(sys.argv) > 3 else None
    never = threading.Event()
    calls = 0
    lock = threading.Lock()

    with PlugipayClient() as plug:

        def create(n: int) -> str:
            nonlocal calls
            with lock:
                calls += 1
            customer = plug.customers.create(
                email=f"kill{n}@example.com",
                external_id=f"kill-{n}",
                idempotency_key=f"kill-import-{n}",
            )
            if stall_from is not None and n >= stall_from:
                never.wait()  # in flight until the process is killed
            return customer.id

        result = bulk.run(create, range(count), concurrency=4, journal=journal, key=str)
    print(json.dumps({"ok": result.ok, "resumed": result.resumed, "calls": calls}))


if __name__ == "__main__":
    main()
