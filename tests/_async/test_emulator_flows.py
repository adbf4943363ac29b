"""End-to-end flows through the SDK against the in-process emulator (both flavours)."""

from __future__ import annotations

import pytest

from plugipay import (
    AsyncPlugipayClient,
    BadRequestError,
    ConflictError,
    GoneError,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)
from plugipay.testing import DropAfterCommit, FakePlugipay

pytestmark = pytest.mark.anyio


async def test_create_get_update_list_customers(
    async_plugipay_client: AsyncPlugipayClient, plugipay_fake: FakePlugipay
) -> None:
    plug = async_plugipay_client
    created = await plug.customers.create(
        email="ada@example.com", name="Ada", external_id="user_1", metadata={"tier": "gold"}
    )
    assert created.id.startswith("cus_")
    assert created.account_id == plugipay_fake.account_id
    fetched = await plug.customers.get(created.id)
    assert fetched.email == "ada@example.com"
    updated = await plug.customers.update(created.id, phone="+62811", name=None)
    assert updated.phone == "+62811"
    assert updated.name is None
    assert updated.metadata == {"tier": "gold"}
    cleared = await plug.customers.update(created.id, metadata={})
    assert cleared.metadata == {}
    found = await plug.customers.find_by_external_id("user_1")
    assert found is not None and found.id == created.id
    emails = [c.email async for c in plug.customers.list(email="ada@example.com")]
    assert emails == ["ada@example.com"]
    assert len(plugipay_fake.customers) == 1


async def test_every_customer_once_while_paging_small_pages(
    async_plugipay_client: AsyncPlugipayClient,
) -> None:
    plug = async_plugipay_client
    for i in range(25):
        await plug.customers.create(external_id=f"user_{i}")
    ids = [c.external_id async for c in plug.customers.list(limit=7, order="asc")]
    assert ids == [f"user_{i}" for i in range(25)]


async def test_duplicate_external_id_is_a_conflict_and_get_or_create_is_race_free(
    async_plugipay_client: AsyncPlugipayClient,
) -> None:
    plug = async_plugipay_client
    first = await plug.customers.create(external_id="dup")
    with pytest.raises(ConflictError) as info:
        await plug.customers.create(external_id="dup")
    assert info.value.code == "conflict"
    assert info.value.message == "externalId already exists for this account"
    again, created = await plug.customers.get_or_create(external_id="dup", email="x@example.com")
    assert created is False
    assert again.id == first.id


async def test_same_idempotency_key_never_creates_twice(
    async_plugipay_client: AsyncPlugipayClient, plugipay_fake: FakePlugipay
) -> None:
    plug = async_plugipay_client
    one = await plug.customers.create(email="a@example.com", idempotency_key="import-7")
    two = await plug.customers.create(email="a@example.com", idempotency_key="import-7")
    assert one.id == two.id
    assert len(plugipay_fake.customers) == 1
    with pytest.raises(ConflictError) as info:
        await plug.customers.create(email="b@example.com", idempotency_key="import-7")
    assert info.value.code == "idempotency_key_reused"
    assert info.value.idempotency_key == "import-7"


async def test_dropped_responses_are_retried_without_duplicates(
    plugipay_fake: FakePlugipay,
) -> None:
    plugipay_fake.faults.add(DropAfterCommit(method="POST", times=2))
    async with plugipay_fake.async_client(max_retries=3, _sleep=_no_sleep) as plug:
        customer = await plug.customers.create(email="once@example.com")
    assert [c["id"] for c in plugipay_fake.customers] == [customer.id]


async def test_archive_and_redact(async_plugipay_client: AsyncPlugipayClient) -> None:
    plug = async_plugipay_client
    c = await plug.customers.create(
        email="p@example.com", name="P", phone="1", tax_id="T", metadata={"k": "v"}
    )
    archived = await plug.customers.archive(c.id)
    assert archived.metadata == {"k": "v", "archived": "true"}
    redacted = await plug.customers.redact(c.id)
    assert (redacted.email, redacted.name, redacted.phone, redacted.tax_id) == (None,) * 4
    assert redacted.metadata == {}


async def test_validation_errors_carry_details(async_plugipay_client: AsyncPlugipayClient) -> None:
    with pytest.raises(BadRequestError) as info:
        await async_plugipay_client.customers.create(email="not-an-email")
    assert info.value.status == 400
    assert info.value.code == "validation_error"
    assert info.value.details == [
        {"field": "email", "code": "invalid", "message": "email must be a valid email address"}
    ]


async def test_cross_workspace_ids_are_not_found(plugipay_fake: FakePlugipay) -> None:
    async with plugipay_fake.async_client() as plug:
        mine = await plug.customers.create(email="mine@example.com")
    other_ws = plugipay_fake.add_workspace(name="Other")
    other_key = plugipay_fake.add_key(workspace=str(other_ws["id"]), role="owner")
    async with plugipay_fake.async_client(key=other_key) as other:
        with pytest.raises(NotFoundError):
            await other.customers.get(mine.id)


async def test_workspace_lifecycle_and_members(async_plugipay_client: AsyncPlugipayClient) -> None:
    plug = async_plugipay_client
    ws = await plug.workspaces.create(name="Acme Staging", business_email="ops@acme.example")
    assert ws.slug == "acme-staging"
    assert ws.region == "id-jakarta"
    renamed = await plug.workspaces.update(ws.id, slug="acme-stage", timezone="Asia/Jakarta")
    assert renamed.slug == "acme-stage"
    by_slug = await plug.workspaces.get("acme-stage")
    assert by_slug.id == ws.id
    with pytest.raises(GoneError) as gone:
        await plug.workspaces.get("acme-staging")
    assert (gone.value.status, gone.value.code) == (410, "gone")
    with pytest.raises(UnprocessableEntityError):
        await plug.request("PATCH", f"/api/v1/workspaces/{ws.id}", body={"region": "sg-singapore"})
    member = await plug.workspaces.invite_member(ws.id, email="bob@acme.example", role="member")
    assert member.status == "invited"
    promoted = await plug.workspaces.update_member(ws.id, member.id, role="admin")
    assert promoted.role == "admin"
    roles = sorted([m.role or "" async for m in plug.workspaces.list_members(ws.id)])
    assert "admin" in roles
    assert await plug.workspaces.remove_member(ws.id, member.id) is None
    assert await plug.workspaces.delete(ws.id) is None
    listed = [w.id async for w in plug.workspaces.list()]
    assert ws.id not in listed
    archived = [w.id async for w in plug.workspaces.list(archived=True)]
    assert ws.id in archived


async def test_platform_provisioning_and_on_behalf_of(plugipay_fake: FakePlugipay) -> None:
    async with plugipay_fake.async_client(platform="storlaunch") as partner:
        provisioned = await partner.admin.provision_workspace(
            account_id="acc_01HXBBBBBBBBBBBBBBBBBBBBBB",
            partner="storlaunch",
            discount_rate=0.1,
            brand_name="Merchant A",
        )
        assert provisioned.partner == "storlaunch"
        again = await partner.admin.get_workspace(provisioned.account_id or "")
        assert again.account_id == provisioned.account_id
        merchant = partner.for_merchant(provisioned.account_id or "")
        customer = await merchant.customers.create(email="m@example.com")
        assert customer.account_id == provisioned.account_id
        sub = await merchant.onboarding.provision_managed()
        assert sub.sub_account_id
        state = await merchant.adapters.start_managed_onboarding(email="ops@merchant.example")
        assert state.provider == "xendit"
        with pytest.raises(NotFoundError):
            await partner.for_merchant("acc_01HXZZZZZZZZZZZZZZZZZZZZZZ").customers.create()


async def test_merchant_keys_cannot_provision(async_plugipay_client: AsyncPlugipayClient) -> None:
    with pytest.raises(PermissionDeniedError) as info:
        await async_plugipay_client.admin.provision_workspace(
            account_id="acc_x", partner="storlaunch", discount_rate=0.1
        )
    assert info.value.code == "insufficient_scope"


async def _no_sleep(seconds: float) -> None:
    """Retries in these tests don't wait: the emulator answers at once."""
