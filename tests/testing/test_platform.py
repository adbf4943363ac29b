"""Platform keys, on-behalf-of and partner provisioning (SPEC §1, §6)."""

from __future__ import annotations

from typing import Any

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, data_of, error_of

CUSTOMERS = "/api/v1/customers"


def platform(fake: FakePlugipay, partner: str = "storlaunch") -> RawClient:
    key = fake.platform_key(partner)
    assert fake.platform_key(partner) == key  # one key per partner
    return RawClient(fake, key_id=key.key_id, secret=key.secret)


def test_platform_key_acts_for_its_merchants(fake: FakePlugipay) -> None:
    partner = platform(fake)
    merchant = fake.add_workspace(name="Merchant A", partner="storlaunch")
    acc = str(merchant["accountId"])
    made = partner.create_customer(idempotency_key="k1", name="for A")
    assert made["accountId"] != acc  # without the header: the partner's own workspace
    response = partner.post(
        CUSTOMERS, json={"name": "in A"}, idempotency_key="k2", on_behalf_of=acc
    )
    assert data_of(response)["accountId"] == acc
    listed = data_of(partner.get(CUSTOMERS, on_behalf_of=acc))
    assert [c["name"] for c in listed] == ["in A"]
    by_ws_id = data_of(partner.get(CUSTOMERS, on_behalf_of=str(merchant["id"])))
    assert by_ws_id == listed


def test_on_behalf_of_outside_the_partner_is_404(raw: RawClient, fake: FakePlugipay) -> None:
    partner = platform(fake)
    fake.add_workspace(name="Fulkruma merchant", partner="fulkruma")
    others = [w for w in fake.workspaces if w["name"] == "Fulkruma merchant"]
    for target in (str(others[0]["accountId"]), fake.account_id, "acc_nope"):
        response = partner.get(CUSTOMERS, on_behalf_of=target)
        assert error_of(response) == (404, "NOT_FOUND")
        assert "under partner 'storlaunch'" in response.json()["error"]["message"]


def test_merchant_keys_ignore_on_behalf_of(raw: RawClient, fake: FakePlugipay) -> None:
    other = fake.add_workspace(name="Other", partner="storlaunch")
    made = raw.post(
        CUSTOMERS, json={"name": "mine"}, idempotency_key="k", on_behalf_of=str(other["accountId"])
    )
    assert data_of(made)["accountId"] == fake.account_id


def test_platform_key_sees_the_partners_workspaces(fake: FakePlugipay) -> None:
    partner = platform(fake)
    a = fake.add_workspace(name="A", partner="storlaunch")
    fake.add_workspace(name="B", partner="fulkruma")
    names = [w["name"] for w in data_of(partner.get("/api/v1/workspaces"))]
    assert names == ["A", "storlaunch platform"]
    assert data_of(partner.get(f"/api/v1/workspaces/{a['accountId']}"))["id"] == a["id"]
    assert error_of(partner.get(f"/api/v1/workspaces/{fake.workspace_id}")) == (404, "NOT_FOUND")


def test_admin_provisioning(raw: RawClient, fake: FakePlugipay) -> None:
    partner = platform(fake)
    body = {
        "accountId": "acc_01HXMERCHANT0000000000000A",
        "partner": "storlaunch",
        "discountRate": 0.15,
        "brandName": "Toko A",
        "businessEmail": "owner@toko-a.id",
    }
    response = partner.post("/api/v1/admin/workspaces", json=body, idempotency_key="p1")
    assert response.status_code == 201
    record = data_of(response)
    assert record == {**body, "createdAt": "2026-05-12T10:42:00.000Z"}
    got = data_of(partner.get("/api/v1/admin/workspaces/acc_01HXMERCHANT0000000000000A"))
    assert got == record
    # the merchant now exists under the partner: on-behalf-of works
    made = partner.post(
        CUSTOMERS, json={}, idempotency_key="c1", on_behalf_of="acc_01HXMERCHANT0000000000000A"
    )
    assert data_of(made)["accountId"] == "acc_01HXMERCHANT0000000000000A"
    again = partner.post("/api/v1/admin/workspaces", json=body, idempotency_key="p2")
    assert error_of(again) == (409, "CONFLICT")
    wrong = partner.post("/api/v1/admin/workspaces", json={**body, "partner": "fulkruma"})
    assert error_of(wrong) == (403, "INSUFFICIENT_SCOPE")
    invalid = partner.post(
        "/api/v1/admin/workspaces", json={"accountId": "ws_01HX", "discountRate": 2}
    )
    fields = [(d["field"], d["code"]) for d in invalid.json()["error"]["details"]]
    assert fields == [
        ("partner", "required"),
        ("accountId", "invalid"),
        ("discountRate", "invalid"),
    ]
    # merchant keys can't provision, even with every scope
    assert error_of(raw.post("/api/v1/admin/workspaces", json=body)) == (403, "INSUFFICIENT_SCOPE")
    assert error_of(raw.get("/api/v1/admin/workspaces/acc_x")) == (403, "INSUFFICIENT_SCOPE")
    other = platform(fake, "fulkruma")
    response = other.get("/api/v1/admin/workspaces/acc_01HXMERCHANT0000000000000A")
    assert error_of(response) == (404, "NOT_FOUND")


def test_provision_managed_and_onboarding(raw: RawClient, fake: FakePlugipay) -> None:
    partner = platform(fake)
    response = partner.post("/api/v1/onboarding/provision-managed", idempotency_key="m1")
    assert response.status_code == 201
    sub = data_of(response)["subAccountId"]
    assert sub.startswith("acc_") and list(data_of(response)) == ["subAccountId"]
    started = partner.post(
        "/api/v1/adapters/managed/onboarding",
        json={"email": "owner@merchant.id"},
        on_behalf_of=sub,
    )
    assert data_of(started) == {
        "state": "pending",
        "provider": "xendit",
        "details": {"accountId": sub, "email": "owner@merchant.id"},
    }
    # a merchant key provisions a sub-account under its own identity
    mine = data_of(raw.post("/api/v1/onboarding/provision-managed"))["subAccountId"]
    assert data_of(raw.get(f"/api/v1/workspaces/{mine}"))["accountId"] == mine
    bad = raw.post("/api/v1/adapters/managed/onboarding", json={"kind": "stripe"})
    assert error_of(bad) == (400, "VALIDATION_ERROR")
    extra = raw.post("/api/v1/onboarding/provision-managed", json={"brandName": "x"})
    assert error_of(extra) == (400, "VALIDATION_ERROR")


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``admin``, ``onboarding`` and ``adapters`` method, for the strict-converter walk in
    ``test_sdk.py``."""
    merchant = "acc_01HXMERCHANT0000000000000A"
    record = partner.admin.provision_workspace(
        account_id=merchant, partner="storlaunch", discount_rate=0.2
    )
    assert partner.admin.get_workspace(merchant) == record
    sub = partner.onboarding.provision_managed()
    assert sub.sub_account_id is not None
    state = partner.adapters.start_managed_onboarding(email="o@m.id", kind="xendit")
    assert (state.state, state.provider) == ("pending", "xendit")
