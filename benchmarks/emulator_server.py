"""The emulator's loopback server for the bulk benchmark, in its own process.

Prints three lines (base URL, key id, secret) and serves until stdin closes. With ``--nodelay``
it turns on TCP_NODELAY for the emulator's handler first: the stock handler writes the status
line and headers, then the body, in two sends, and Nagle's algorithm on top of the client's
delayed ACK stalls every keep-alive request by about 40 ms on Linux (reported; this benchmark
must not edit the emulator, so it sets the stdlib switch from outside).
"""

from __future__ import annotations

import sys

from plugipay.testing import FakePlugipay, _server


def main() -> None:
    """``emulator_server.py [--nodelay]``."""
    if "--nodelay" in sys.argv[1:]:
        _server._Handler.disable_nagle_algorithm = True
    fake = FakePlugipay(seed=1, max_requests=1000)
    with fake.serve() as url:
        sys.stdout.write(f"{url}\n{fake.key_id}\n{fake.secret}\n")
        sys.stdout.flush()
        sys.stdin.read()


if __name__ == "__main__":
    main()
