"""``python -m plugipay``: the ``plugipay`` command (see ``plugipay._cli.app``)."""

from __future__ import annotations

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
