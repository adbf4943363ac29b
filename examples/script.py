"""A plain script: create a customer, then page through every customer.

Run: ``python script.py`` with ``PLUGIPAY_KEY_ID`` and ``PLUGIPAY_SECRET`` set (and
``PLUGIPAY_BASE_URL`` to use a local emulator from ``python -m plugipay.testing serve``).
"""

from __future__ import annotations

import sys

from plugipay import PlugipayClient, PlugipayError


def main() -> int:
    with PlugipayClient() as plug:
        try:
            customer = plug.customers.create(
                email="ada@example.com", name="Ada", idempotency_key="script-ada"
            )
        except PlugipayError as exc:
            print(f"could not create the customer: {exc}", file=sys.stderr)
            return 1
        print(f"created {customer.id} ({customer.email})")
        total = sum(1 for _ in plug.customers.list(limit=50))
        print(f"{total} customers in total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
