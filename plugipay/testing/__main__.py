"""``python -m plugipay.testing serve``: run the emulator on a loopback port and print credentials.

The ``export`` lines come first on stdout (flushed at once) so a shell, another SDK or ``curl``
can use them; the server stops cleanly on Ctrl-C and on SIGTERM.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

__all__ = ["add_serve_arguments", "main", "serve"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m plugipay.testing", description="The Plugipay emulator."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator on a loopback HTTP port")
    add_serve_arguments(serve)
    return parser


def add_serve_arguments(serve: argparse.ArgumentParser) -> None:
    """The ``serve`` options (shared with the ``plugipay serve`` command)."""
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="port (default 8787; 0 = any free)")
    serve.add_argument("--key-id", help="the owner key's id (default: a new ak_test_…)")
    serve.add_argument("--secret", help="the owner key's secret (default: a new sk_test_…)")
    serve.add_argument(
        "--platform", metavar="PARTNER", help="also mint a platform-admin key for PARTNER"
    )
    serve.add_argument("--seed", type=int, help="seed for ids, secrets and faults")


def _export(name: str, value: str) -> str:
    return f"export {name}={shlex.quote(value)}"


def serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM."""
    # Imported here, so the plugipay command's --help doesn't load the whole emulator.
    from ._fake import FakePlugipay

    # a long-running server keeps only the latest requests
    fake = FakePlugipay(key_id=args.key_id, secret=args.secret, seed=args.seed, max_requests=10_000)
    stop = threading.Event()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_sigterm)
    with fake.serve(args.host, args.port) as url:
        lines = [
            _export("PLUGIPAY_BASE_URL", url),
            _export("PLUGIPAY_KEY_ID", fake.key_id),
            _export("PLUGIPAY_SECRET", fake.secret),
        ]
        if args.platform:
            key = fake.platform_key(args.platform)
            lines.append(_export("PLUGIPAY_PLATFORM_KEY_ID", key.key_id))
            lines.append(_export("PLUGIPAY_PLATFORM_SECRET", key.secret))
        print("\n".join(lines), flush=True)
        print(
            f"# Plugipay emulator on {url} (workspace {fake.account_id}); Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
        try:
            while not stop.wait(0.5):
                continue
        except KeyboardInterrupt:
            pass
    print("# Plugipay emulator stopped", file=sys.stderr, flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m plugipay.testing``."""
    args = _parser().parse_args(argv)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
