"""The ``plugipay`` logger, and the stderr handler that ``PLUGIPAY_LOG`` switches on.

DEBUG: one line per attempt; INFO: retries and rate-limit waits. Nothing logged ever carries a
secret, a signature, the Authorization header or a body.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

__all__ = ["logger", "setup_from_env"]

logger = logging.getLogger("plugipay")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_installed: list[logging.Handler] = []


def setup_from_env(environ: Mapping[str, str] | None = None) -> None:
    """Install one stderr handler at the level ``PLUGIPAY_LOG`` names (``debug`` or ``info``)."""
    env = os.environ if environ is None else environ
    level = _LEVELS.get(env.get("PLUGIPAY_LOG", "").strip().lower())
    if level is None or _installed:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    _installed.append(handler)
