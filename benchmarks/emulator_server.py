"""The emulator's loopback server for the bulk benchmark, in its own process.

Prints three lines (base URL, key id, secret) and serves until stdin closes. With
``--latency SECONDS`` every request waits that long before it is answered (an emulator latency
fault), as a real API across a network does; the wait holds no CPU, so the bulk rows measured
against it show how far the client overlaps calls when the server, not the CPU, is the limit.
"""

from __future__ import annotations

import argparse
import sys

from plugipay.testing import FakePlugipay, Latency


def main() -> None:
    """``emulator_server.py [--latency SECONDS]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    args = parser.parse_args()
    fake = FakePlugipay(seed=1, max_requests=1000)
    if args.latency:
        fake.faults.add(Latency(seconds=args.latency))
    with fake.serve() as url:
        sys.stdout.write(f"{url}\n{fake.key_id}\n{fake.secret}\n")
        sys.stdout.flush()
        sys.stdin.read()


if __name__ == "__main__":
    main()
