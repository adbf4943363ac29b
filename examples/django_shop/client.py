"""One ``PlugipayClient`` per process, configured from the environment (``PLUGIPAY_*``)."""

from __future__ import annotations

from functools import cache

from plugipay import PlugipayClient


@cache
def plugipay_client() -> PlugipayClient:
    """The process-wide client; its connection pool is shared by every request thread."""
    return PlugipayClient()
