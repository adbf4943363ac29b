"""pytest fixtures for the emulator: ``plugipay_fake``, ``plugipay_client``,
``async_plugipay_client``.

Registered through the ``pytest11`` entry point, so it is imported by every pytest run in an
environment with plugipay installed: it imports nothing heavy until a fixture is used.

``async_plugipay_client`` is a plain async generator fixture: it works only under anyio's
pytest plugin, i.e. in tests marked ``@pytest.mark.anyio`` (on asyncio or trio). pytest-asyncio
in strict mode does not run it (it only runs fixtures declared with
``@pytest_asyncio.fixture``). Under pytest-asyncio, make the client inside the test instead::

    @pytest.mark.asyncio
    async def test_it(plugipay_fake):
        async with plugipay_fake.async_client() as plug:
            ...
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
    """An ``AsyncPlugipayClient`` wired to ``plugipay_fake``; only for ``@pytest.mark.anyio``
    tests. Under pytest-asyncio (strict mode) use ``async with plugipay_fake.async_client() as
    plug:`` inside the test instead."""
    async with plugipay_fake.async_client() as client:
        yield client
