"""Customer billing portal sessions in the emulator (SURVEY §1.6)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of

PORTAL = "/api/v1/portal-sessions"


def test_a_session_carries_a_short_lived_token(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(name="C")
    body = {"customerId": customer["id"], "returnUrl": "https://shop.example/account"}
    made = data_of(raw.post(PORTAL, json=body))
    assert list(made) == [
        "id",
        "arn",
        "accountId",
        "customerId",
        "url",
        "returnUrl",
        "expiresAt",
        "createdAt",
    ]
    assert made["id"].startswith("ps_")
    assert re.fullmatch(r"https://plugipay\.com/portal/pst_[0-9a-f]{32}", made["url"])
    assert (made["createdAt"], made["expiresAt"]) == (
        "2026-05-12T10:42:00.000Z",
        "2026-05-12T11:42:00.000Z",
    )
    other = data_of(raw.post(PORTAL, json=body))
    assert other["url"] != made["url"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"returnUrl": "javascript:alert(1)"}, "returnUrl"),
        ({"returnUrl": "/relative"}, "returnUrl"),
        ({"returnUrl": None}, "returnUrl"),
        ({"customerId": "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"}, "customerId"),
        ({"url": "https://x.example"}, "url"),
    ],
)
def test_bad_bodies(raw: RawClient, fields: dict[str, Any], field: str) -> None:
    customer = raw.create_customer(name="C")
    body = {"customerId": customer["id"], "returnUrl": "https://shop.example/", **fields}
    response = raw.post(PORTAL, json=body)
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


def test_read_only_keys_cannot_open_the_portal(raw: RawClient, fake: FakePlugipay) -> None:
    customer = raw.create_customer(name="C")
    reader = fake.add_key(role="read_only")
    as_reader = RawClient(fake, key_id=reader.key_id, secret=reader.secret)
    body = {"customerId": customer["id"], "returnUrl": "https://shop.example/"}
    assert error_of(as_reader.post(PORTAL, json=body)) == (403, "INSUFFICIENT_SCOPE")
    member = fake.add_key(role="member")
    as_member = RawClient(fake, key_id=member.key_id, secret=member.secret)
    assert as_member.post(PORTAL, json=body).status_code == 201


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """``plug.portal_sessions.create`` (issue 12's signature)."""
    customer = plug.customers.create(name="Portal")
    made = plug.portal_sessions.create(
        customer_id=customer.id, return_url="https://shop.example/account"
    )
    assert made.url.startswith("https://plugipay.com/portal/")
