"""Peak memory while paging 100,000 customers (pages of 100) from the in-process emulator.

``python paging_memory.py [COUNT]`` seeds the emulator's store directly (creating them through the
API would take minutes), then measures with ``tracemalloc`` the peak growth while the sync
client iterates every customer, against holding the same customers as a plain list of models.
Prints JSON (MiB).
"""

from __future__ import annotations

import gc
import json
import sys
import time
import tracemalloc

from plugipay import Customer
from plugipay.testing import FakePlugipay

MIB = 1024 * 1024


def seed(fake: FakePlugipay, count: int) -> None:
    """``count`` customers in the default workspace, a millisecond apart (private store API:
    the customers collection, filled as the create handler fills it)."""
    from plugipay.testing._ids import iso_ms
    from plugipay.testing.resources.customers import CUSTOMERS

    store = fake._store
    account = fake.account_id
    customers = store[CUSTOMERS]
    start = time.time() - count / 1000
    with store.lock:
        for i in range(count):
            stamp = iso_ms(start + i / 1000)
            ident = store.ids.new("cus_")
            customers.insert(
                {
                    "id": ident,
                    "arn": f"arn:plugipay:{account}:customer/{ident}",
                    "accountId": account,
                    "externalId": f"page-{i}",
                    "email": f"page{i}@example.com",
                    "name": f"Paging Customer {i}",
                    "phone": None,
                    "taxId": None,
                    "defaultPaymentTokenId": None,
                    "metadata": {"plan": "pro"},
                    "createdAt": stamp,
                    "updatedAt": stamp,
                },
                scope=account,
            )


def main() -> None:
    """Print ``{"customers", "paging_peak_mib", "list_peak_mib", "seconds"}``."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    fake = FakePlugipay(seed=3, max_requests=10)
    seed(fake, count)
    with fake.client() as plug:
        # Warm caches (imports, cattrs converters) outside the measurement.
        assert len(plug.customers.list(limit=100).data) == 100
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        seen = 0
        for _customer in plug.customers.list(limit=100):
            seen += 1
        seconds = time.perf_counter() - started
        paging_peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        assert seen == count, seen
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        everything: list[Customer] = list(plug.customers.list(limit=100))
        list_peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        assert len(everything) == count
    print(
        json.dumps(
            {
                "customers": count,
                "paging_peak_mib": paging_peak / MIB,
                "list_peak_mib": list_peak / MIB,
                "seconds": seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
