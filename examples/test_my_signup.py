"""How to test your own code against the emulator with the ``plugipay_fake`` fixtures.

The fixtures come with plugipay (a pytest plugin): ``plugipay_fake`` is a fresh emulator,
``plugipay_client`` a ``PlugipayClient`` wired to it. Run: ``pytest test_my_signup.py``.
"""

from __future__ import annotations

import pytest

from plugipay import PlugipayClient, PlugipayNetworkError
from plugipay.testing import DropBeforeCommit, FakePlugipay


def sign_up(plug: PlugipayClient, email: str, order_id: str) -> str:
    """Your code: the customer for an order, created at most once."""
    return plug.customers.create(email=email, idempotency_key=f"signup-{order_id}").id


def test_sign_up_creates_one_customer(
    plugipay_client: PlugipayClient, plugipay_fake: FakePlugipay
) -> None:
    customer_id = sign_up(plugipay_client, "ada@example.com", "order-1")

    assert [c["id"] for c in plugipay_fake.customers] == [customer_id]
    assert plugipay_fake.customers[0]["email"] == "ada@example.com"


def test_an_outage_surfaces_as_an_error(plugipay_fake: FakePlugipay) -> None:
    plugipay_fake.faults.add(DropBeforeCommit(method="POST"))
    with (
        plugipay_fake.client(max_retries=0) as plug,
        pytest.raises(PlugipayNetworkError) as caught,
    ):
        sign_up(plug, "ada@example.com", "order-1")

    assert caught.value.idempotency_key == "signup-order-1"
    assert plugipay_fake.customers == []
