"""pytest fixtures for the emulator: ``plugipay_fake``, ``plugipay_client``,
``async_plugipay_client``.

Registered through the ``pytest11`` entry point, so it is imported by every pytest run in an
environment with plugipay installed: it imports nothing heavy until a fixture is used. The async
fixture is a plain async generator fixture, run by anyio's pytest plugin (``@pytest.mark.anyio``)
on asyncio or trio.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from plugipay import AsyncPlugipayClient, PlugipayClient
    from plugipay.testing import FakePlugipay

__all__ = ["async_plugipay_client", "plugipay_client", "plugipay_fake"]


@pytest.fixture
def plugipay_fake() -> FakePlugipay:
    """A fresh emulator: one workspace, one owner key."""
    from plugipay.testing import FakePlugipay

    return FakePlugipay()


@pytest.fixture
def plugipay_client(plugipay_fake: FakePlugipay) -> Iterator[PlugipayClient]:
    """A ``PlugipayClient`` wired to ``plugipay_fake``."""
    with plugipay_fake.client() as client:
        yield client


@pytest.fixture
async def async_plugipay_client(plugipay_fake: FakePlugipay) -> AsyncIterator[AsyncPlugipayClient]:
    """An ``AsyncPlugipayClient`` wired to ``plugipay_fake`` (run it under ``@pytest.mark.anyio``)."""
    async with plugipay_fake.async_client() as client:
        yield client
