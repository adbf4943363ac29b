"""Client memory while streaming a 100,000-entry ledger CSV (``plug.reports.ledger_csv``).

``python csv_memory.py [ENTRIES]`` starts the emulator in another process (so only the client is
measured), fills its ledger with ``ENTRIES`` entries (``fake.set_balance`` adjustments, one
balanced two-entry transaction each), serves it on loopback, then measures with ``tracemalloc``
the client's peak growth while it streams the export line by line, against downloading the same
export whole. Prints JSON (MiB, rows, bytes, seconds).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
import tracemalloc

MIB = 1024 * 1024

SERVER = r"""
import sys
from plugipay.testing import FakePlugipay

entries = int(sys.argv[1])
fake = FakePlugipay(seed=4, max_requests=10)
for i in range(entries // 2):  # each adjustment posts one balanced two-entry transaction
    fake.set_balance(fake.workspace_id, 1_000 * (i + 1))
with fake.serve() as url:
    sys.stdout.write(f"{url}\n{fake.key_id}\n{fake.secret}\n")
    sys.stdout.flush()
    sys.stdin.read()
"""


def main() -> None:
    """Print ``{"entries", "rows", "stream_peak_mib", "whole_peak_mib", "bytes", "seconds"}``."""
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(entries)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url, key_id, secret = (server.stdout.readline().strip() for _ in range(3))
        from plugipay import PlugipayClient

        with PlugipayClient(key_id=key_id, secret=secret, base_url=url, timeout=120) as plug:
            plug.ledger.balances()  # warm imports and the connection outside the measurement
            gc.collect()
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            started = time.perf_counter()
            size = rows = 0
            with plug.reports.ledger_csv() as export:
                for line in export.iter_lines():
                    size += len(line) + 1
                    rows += 1
            seconds = time.perf_counter() - started
            stream_peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
            gc.collect()
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            whole = plug.download("GET", "/api/v1/reports/ledger.csv")
            whole_peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=60)
    assert rows == entries + 1, (rows, entries)  # the header row and one row per entry
    print(
        json.dumps(
            {
                "entries": entries,
                "rows": rows,
                "bytes": len(whole),
                "stream_peak_mib": round(stream_peak / MIB, 2),
                "whole_peak_mib": round(whole_peak / MIB, 2),
                "seconds": round(seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
