"""Fixtures of the client tests: a mocked server, virtual time, and a client wired to both."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from plugipay import AsyncPlugipayClient
from tests._async.helpers import BASE_URL, KEY_ID, SECRET, FakeTime


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def server() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def plug(
    fake_time: FakeTime, http_client: httpx.AsyncClient | None
) -> AsyncIterator[AsyncPlugipayClient]:
    """A client on the mocked server whose sleeps and clock are ``fake_time``'s (seeded jitter);
    ``http_client`` (tests/conftest.py) puts the aiohttp run on its transport."""
    async with AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        max_retries=2,
        _clock=fake_time.time,
        _sleep=fake_time.sleep,
        _rng=random.Random(7),
    ) as client:
        yield client
