"""The public error classes (see ``plugipay._exceptions`` for the tree), from its ``__all__``."""

from __future__ import annotations

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__ as __all__
