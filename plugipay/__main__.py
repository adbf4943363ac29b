"""``python -m plugipay demo``: see ``plugipay._cli.demo``."""

from __future__ import annotations

from ._cli.demo import main

if __name__ == "__main__":
    raise SystemExit(main())
