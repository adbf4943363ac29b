"""Fixtures for the emulator's fidelity tests; the helpers live in ``emulator_helpers``."""

from __future__ import annotations

import pytest

from plugipay.testing import FakeClock, FakePlugipay
from plugipay.testing.pytest_plugin import (
    async_plugipay_client,
    plugipay_client,
    plugipay_fake,
)

from .emulator_helpers import START, RawClient

__all__ = ["async_plugipay_client", "plugipay_client", "plugipay_fake"]


@pytest.fixture
def fake() -> FakePlugipay:
    """A seeded fake on a frozen clock at ``START``."""
    return FakePlugipay(seed=7, clock=FakeClock(START, frozen=True))


@pytest.fixture
def raw(fake: FakePlugipay) -> RawClient:
    """Hand-signed requests as the fake's default owner key."""
    return RawClient(fake)
