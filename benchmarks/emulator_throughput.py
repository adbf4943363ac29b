"""Emulator throughput in-process: requests/second for customer create and get.

Prints one JSON object. Three layers, each measured for ``duration`` seconds of wall time:
the transport handler fed pre-signed requests (the emulator alone), ``httpx.Client`` on the
in-process transport with hand signing (what any httpx user pays on top), and our sync client.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import httpx

from plugipay._json import canonical_body
from plugipay._signing import authorization_header, sign_request
from plugipay.testing import FakePlugipay


def rate(fn: Callable[[int], object], duration: float) -> float:
    """Calls per second of ``fn(i)`` over about ``duration`` seconds (after a short warm-up)."""
    for i in range(200):
        fn(i)
    count = 0
    started = time.perf_counter()
    deadline = started + duration
    while time.perf_counter() < deadline:
        for _ in range(100):
            fn(count)
            count += 1
    return count / (time.perf_counter() - started)


def signed(
    fake: FakePlugipay, method: str, path: str, body: bytes, key: str | None
) -> httpx.Request:
    ts = str(int(fake.clock.time()))
    sig = sign_request(fake.secret, method, path, ts, body, key)
    headers = {
        "Authorization": authorization_header(fake.key_id, sig),
        "X-Plugipay-Timestamp": ts,
        "Accept": "application/json",
    }
    if body:
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    return httpx.Request(method, fake.base_url + path, headers=headers, content=body)


def main(duration: float) -> None:
    fake = FakePlugipay(seed=1)
    transport = fake.transport
    plug = fake.client()
    customer_id = plug.customers.create(email="seed@example.com").id
    get_path = f"/api/v1/customers/{customer_id}"
    get_request = signed(fake, "GET", get_path, b"", None)

    # Signed before the clock starts: this row measures the emulator, not the signing.
    creates = [
        signed(
            fake,
            "POST",
            "/api/v1/customers",
            canonical_body({"email": f"h{i}@example.com"}),
            f"bench-h-{i}",
        )
        for i in range(int(duration * 20_000) + 500)
    ]

    def handler_create(i: int) -> object:
        return transport.handle_request(creates[i % len(creates)])

    def handler_get(i: int) -> object:
        return transport.handle_request(get_request)

    raw = httpx.Client(transport=transport)

    def httpx_get(i: int) -> object:
        return raw.send(signed(fake, "GET", get_path, b"", None)).json()

    def sdk_create(i: int) -> object:
        return plug.customers.create(email=f"s{i}@example.com")

    def sdk_get(i: int) -> object:
        return plug.customers.get(customer_id)

    print(
        json.dumps(
            {
                "handler_create": rate(handler_create, duration),
                "handler_get": rate(handler_get, duration),
                "httpx_get": rate(httpx_get, duration),
                "sdk_create": rate(sdk_create, duration),
                "sdk_get": rate(sdk_get, duration),
            }
        )
    )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
