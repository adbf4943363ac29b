"""``python -m plugipay demo``: see ``plugipay._demo``."""

from __future__ import annotations

from ._demo import main

if __name__ == "__main__":
    raise SystemExit(main())
