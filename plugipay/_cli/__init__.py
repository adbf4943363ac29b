"""What runs from a shell: the ``plugipay`` command (also ``python -m plugipay``) and its demo.
Not part of the core tiers: it imports the clients, anyio and the emulator."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """The ``plugipay`` console script: runs one command line, returns its exit status."""
    from .app import run

    return run(argv)
