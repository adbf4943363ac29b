"""Every resource method: the exact request it sends and the model it decodes (respx)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from plugipay import (
    AsyncPlugipayClient,
    ConflictError,
    Customer,
    ManagedOnboardingState,
    ManagedSubAccount,
    PartnerWorkspace,
    Workspace,
    WorkspaceMember,
)
from tests._async.helpers import (
    envelope,
    error,
    verify_signature,
)

pytestmark = pytest.mark.anyio

CUSTOMER = {
    "id": "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z",
    "arn": "arn:plugipay:acc_01HXAAAAAAAAAAAAAAAAAAAAAA:customer/cus_01HXAB7K3M9N2P5QRS8TVWXY3Z",
    "accountId": "acc_01HXAAAAAAAAAAAAAAAAAAAAAA",
    "externalId": "user_19823",
    "email": "alice@example.com",
    "name": "Alice Tan",
    "phone": None,
    "taxId": None,
    "defaultPaymentTokenId": None,
    "metadata": {"segment": "enterprise"},
    "createdAt": "2026-05-12T10:42:00.123Z",
    "updatedAt": "2026-05-12T10:42:00.123Z",
}
WORKSPACE = {
    "id": "ws_01HXAAAAAAAAAAAAAAAAAAAAAA",
    "accountId": "acc_01HXAAAAAAAAAAAAAAAAAAAAAA",
    "name": "Acme Production",
    "slug": "acme-prod",
    "region": "id-jakarta",
    "defaultCurrency": "IDR",
    "timezone": "Asia/Jakarta",
    "mode": "live",
    "brandName": "Acme",
    "businessEmail": "billing@acme.com",
    "createdAt": "2026-05-12T10:42:00.123Z",
    "updatedAt": "2026-05-12T10:42:00.123Z",
    "archivedAt": None,
}
MEMBER = {
    "id": "mem_01HYAAAAAAAAAAAAAAAAAAAAAA",
    "email": "bob@acme.com",
    "role": "admin",
    "joinedAt": None,
    "status": "invited",
}
WS = "ws_01HXAAAAAAAAAAAAAAAAAAAAAA"
CUS = "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"


def only_request(server: respx.MockRouter) -> httpx.Request:
    assert server.calls.call_count == 1
    request: httpx.Request = server.calls.last.request
    assert verify_signature(request)
    return request


def assert_write(
    request: httpx.Request, method: str, raw_path: bytes, body: bytes, key: str | None = None
) -> None:
    assert request.method == method
    assert request.url.raw_path == raw_path
    assert request.content == body
    if key is None:
        assert request.headers["idempotency-key"].startswith("idem_")
    else:
        assert request.headers["idempotency-key"] == key
    if body:
        assert request.headers["content-type"] == "application/json"
    else:
        assert "content-type" not in request.headers


def assert_read(request: httpx.Request, raw_path: bytes) -> None:
    assert request.method == "GET"
    assert request.url.raw_path == raw_path
    assert request.content == b""
    assert "idempotency-key" not in request.headers


# -- customers -------------------------------------------------------------------------------


async def test_customers_create(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.post("/api/v1/customers").mock(return_value=envelope(CUSTOMER, 201))
    customer = await plug.customers.create(
        email="alice@example.com",
        name="Alice Tan",
        external_id="user_19823",
        metadata={"segment": "enterprise"},
    )
    assert_write(
        only_request(server),
        "POST",
        b"/api/v1/customers",
        b'{"email":"alice@example.com","name":"Alice Tan","externalId":"user_19823",'
        b'"metadata":{"segment":"enterprise"}}',
    )
    assert isinstance(customer, Customer)
    assert customer.id == CUS
    assert customer.external_id == "user_19823"
    assert customer.metadata == {"segment": "enterprise"}
    assert customer.created_at == datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=UTC)
    assert customer["externalId"] == "user_19823"


async def test_customers_create_with_no_fields_sends_no_body(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/customers").mock(return_value=envelope({"id": CUS}, 201))
    customer = await plug.customers.create(idempotency_key="import-1")
    assert_write(only_request(server), "POST", b"/api/v1/customers", b"", key="import-1")
    assert customer.email is None


async def test_customers_get_and_retrieve(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get(f"/api/v1/customers/{CUS}").mock(return_value=envelope(CUSTOMER))
    customer = await plug.customers.retrieve(CUS)
    assert_read(only_request(server), f"/api/v1/customers/{CUS}".encode())
    assert customer.email == "alice@example.com"
    assert plug.customers.retrieve == plug.customers.get


async def test_customers_get_with_expand(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    token = {"id": "pt_01HXAAAAAAAAAAAAAAAAAAAAAA", "brand": "visa"}
    expanded = {**CUSTOMER, "defaultPaymentTokenId": token["id"], "defaultPaymentToken": token}
    server.get(f"/api/v1/customers/{CUS}").mock(return_value=envelope(expanded))
    customer = await plug.customers.get(CUS, expand=["defaultPaymentToken"])
    assert customer.default_payment_token_id == token["id"]
    assert customer["defaultPaymentToken"] == token
    assert_read(
        only_request(server), f"/api/v1/customers/{CUS}?expand=defaultPaymentToken".encode()
    )


@pytest.mark.parametrize(
    ("customer_id", "raw"),
    [
        ("a@b", b"/api/v1/customers/a%40b"),
        ("a b", b"/api/v1/customers/a%20b"),
        ("a+b", b"/api/v1/customers/a%2Bb"),
        ("acc/../x", b"/api/v1/customers/acc%2F..%2Fx"),
        ("zoë", b"/api/v1/customers/zo%C3%AB"),
    ],
)
async def test_ids_are_encoded_as_one_segment_and_sent_as_signed(
    server: respx.MockRouter, plug: AsyncPlugipayClient, customer_id: str, raw: bytes
) -> None:
    server.route().mock(return_value=envelope(CUSTOMER))
    await plug.customers.get(customer_id)
    assert_read(only_request(server), raw)


async def test_customers_list_query_in_declared_order(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers").mock(return_value=envelope([CUSTOMER]))
    page = await plug.customers.list(
        limit=100,
        order="asc",
        email="a+b@example.com",
        external_id="user 1",
        created_after=datetime(2026, 5, 12, 10, 42, tzinfo=UTC),
        cursor="cur_abc",
    )
    assert [c.id for c in page.data] == [CUS]
    assert_read(
        only_request(server),
        b"/api/v1/customers?limit=100&order=asc&email=a%2Bb%40example.com&externalId=user%201"
        b"&createdAfter=2026-05-12T10%3A42%3A00.000Z&cursor=cur_abc",
    )


async def test_customers_update_sends_only_given_fields(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    updated = {**CUSTOMER, "name": "Alice Tan (Acme)", "phone": None}
    server.patch(f"/api/v1/customers/{CUS}").mock(return_value=envelope(updated))
    customer = await plug.customers.update(CUS, name="Alice Tan (Acme)", phone=None)
    assert (customer.name, customer.phone, customer.email) == (
        "Alice Tan (Acme)",
        None,
        "alice@example.com",
    )
    assert_write(
        only_request(server),
        "PATCH",
        f"/api/v1/customers/{CUS}".encode(),
        b'{"name":"Alice Tan (Acme)","phone":null}',
    )


async def test_customers_update_empty_metadata_is_sent(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.patch(f"/api/v1/customers/{CUS}").mock(return_value=envelope(CUSTOMER))
    await plug.customers.update(CUS, metadata={})
    assert only_request(server).content == b'{"metadata":{}}'


async def test_customers_find_by_external_id(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers").mock(side_effect=[envelope([CUSTOMER]), envelope([])])
    found = await plug.customers.find_by_external_id("user_19823")
    missing = await plug.customers.find_by_external_id("nobody")
    assert found is not None and found.id == CUS
    assert missing is None
    requests = [c.request for c in server.calls]
    assert requests[0].url.raw_path == b"/api/v1/customers?limit=1&externalId=user_19823"


async def test_customers_get_or_create_creates(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/customers").mock(return_value=envelope(CUSTOMER, 201))
    customer, created = await plug.customers.get_or_create(external_id="user_19823", email="a@b.c")
    assert created is True
    assert customer.id == CUS
    assert only_request(server).content == b'{"email":"a@b.c","externalId":"user_19823"}'


async def test_customers_get_or_create_fetches_on_conflict(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/customers").mock(
        return_value=error(409, "CONFLICT", "externalId already exists for this account")
    )
    server.get("/api/v1/customers").mock(return_value=envelope([CUSTOMER]))
    customer, created = await plug.customers.get_or_create(external_id="user_19823")
    assert created is False
    assert customer.id == CUS
    posted, looked_up = (c.request for c in server.calls)
    assert_write(posted, "POST", b"/api/v1/customers", b'{"externalId":"user_19823"}')
    assert_read(looked_up, b"/api/v1/customers?limit=1&externalId=user_19823")


async def test_customers_get_or_create_reraises_other_conflicts(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/customers").mock(return_value=error(409, "IDEMPOTENCY_KEY_REUSED"))
    with pytest.raises(ConflictError) as info:
        await plug.customers.get_or_create(external_id="user_19823")
    assert info.value.code == "idempotency_key_reused"


async def test_customers_archive_keeps_other_metadata(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get(f"/api/v1/customers/{CUS}").mock(return_value=envelope(CUSTOMER))
    archived = {**CUSTOMER, "metadata": {"segment": "enterprise", "archived": "true"}}
    patch = server.patch(f"/api/v1/customers/{CUS}").mock(return_value=envelope(archived))
    customer = await plug.customers.archive(CUS, idempotency_key="archive-1")
    read, write = (c.request for c in server.calls)
    assert_read(read, f"/api/v1/customers/{CUS}".encode())
    assert_write(
        write,
        "PATCH",
        f"/api/v1/customers/{CUS}".encode(),
        b'{"metadata":{"segment":"enterprise","archived":"true"}}',
        key="archive-1",
    )
    assert patch.call_count == 1
    assert customer.metadata == {"segment": "enterprise", "archived": "true"}


async def test_customers_redact(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    redacted = {**CUSTOMER, "email": None, "name": None, "phone": None, "metadata": None}
    server.patch(f"/api/v1/customers/{CUS}").mock(return_value=envelope(redacted))
    customer = await plug.customers.redact(CUS)
    assert_write(
        only_request(server),
        "PATCH",
        f"/api/v1/customers/{CUS}".encode(),
        b'{"email":null,"name":null,"phone":null,"taxId":null,"metadata":null}',
    )
    assert (customer.email, customer.name, customer.metadata) == (None, None, None)
    assert customer.external_id == "user_19823", "redaction keeps the dedupe key"


async def test_metadata_of_the_wrong_type_is_a_type_error_for_keys_and_values_alike(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(TypeError, match=r"metadata values must be str, not int \(key 'k'\)"):
        await plug.customers.create(metadata={"k": 1})
    with pytest.raises(TypeError, match="metadata keys must be str, not int"):
        await plug.customers.update(CUS, metadata={1: "v"})  # type: ignore[dict-item]
    assert server.calls.call_count == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metadata": {f"k{i}": "v" for i in range(51)}}, "at most 50 entries"),
        ({"metadata": {"k" * 41: "v"}}, "metadata keys"),
        ({"metadata": {"k": "v" * 501}}, "at most 500"),
        ({"default_payment_token_id": "tok_1"}, "default_payment_token_id"),
        ({"email": "a" * 321}, "email"),
        ({"name": ""}, "name must not be empty"),
        ({"external_id": ""}, "external_id must not be empty"),
    ],
)
async def test_customer_fields_are_checked_before_sending(
    server: respx.MockRouter, plug: AsyncPlugipayClient, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        await plug.customers.create(**kwargs)
    with pytest.raises(ValueError, match=match):
        await plug.customers.update(CUS, **kwargs)
    assert server.calls.call_count == 0


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"limit": 0}, ValueError, "limit"),
        ({"limit": 101}, ValueError, "limit"),
        ({"limit": 10**9}, ValueError, "limit"),
        ({"limit": "10"}, TypeError, "limit"),
        ({"limit": True}, TypeError, "limit"),
        ({"order": "newest"}, ValueError, "order"),
        ({"cursor": "c\r\nX: y"}, ValueError, "cursor"),
        ({"created_after": "yesterday"}, ValueError, "created_after"),
    ],
)
async def test_customers_list_arguments_are_checked_without_io(
    server: respx.MockRouter,
    plug: AsyncPlugipayClient,
    kwargs: dict[str, Any],
    exc: type[Exception],
    match: str,
) -> None:
    with pytest.raises(exc, match=match):
        plug.customers.list(**kwargs)
    assert server.calls.call_count == 0


# -- workspaces ------------------------------------------------------------------------------


async def test_workspaces_list(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/workspaces").mock(return_value=envelope([WORKSPACE]))
    page = await plug.workspaces.list(limit=10, mode="live", archived=False)
    assert isinstance(page.data[0], Workspace)
    assert_read(only_request(server), b"/api/v1/workspaces?limit=10&mode=live&archived=false")
    assert page.data[0].account_id == "acc_01HXAAAAAAAAAAAAAAAAAAAAAA"


async def test_workspaces_get(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/workspaces/acme-prod").mock(return_value=envelope(WORKSPACE))
    ws = await plug.workspaces.retrieve("acme-prod")
    assert_read(only_request(server), b"/api/v1/workspaces/acme-prod")
    assert ws.slug == "acme-prod"
    assert ws.get("brandName") == "Acme"


async def test_workspaces_create(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.post("/api/v1/workspaces").mock(return_value=envelope(WORKSPACE, 201))
    ws = await plug.workspaces.create(
        brand_name="Acme Staging", business_email="billing@acme.com", region="sg-singapore"
    )
    assert_write(
        only_request(server),
        "POST",
        b"/api/v1/workspaces",
        b'{"brandName":"Acme Staging","businessEmail":"billing@acme.com","region":"sg-singapore"}',
    )
    assert ws.id == WS


async def test_workspaces_update(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    renamed = {**WORKSPACE, "brandName": "Acme (renamed)", "defaultCurrency": "USD"}
    server.patch(f"/api/v1/workspaces/{WS}").mock(return_value=envelope(renamed))
    ws = await plug.workspaces.update(WS, brand_name="Acme (renamed)", default_currency="USD")
    assert (ws.brand_name, ws.default_currency) == ("Acme (renamed)", "USD")
    assert_write(
        only_request(server),
        "PATCH",
        f"/api/v1/workspaces/{WS}".encode(),
        b'{"brandName":"Acme (renamed)","defaultCurrency":"USD"}',
    )


async def test_workspaces_delete_and_archive(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.delete(f"/api/v1/workspaces/{WS}").mock(return_value=httpx.Response(204))
    assert await plug.workspaces.delete(WS) is None
    assert await plug.workspaces.archive(WS, idempotency_key="arch-1") is None
    deleted, archived = (c.request for c in server.calls)
    assert_write(deleted, "DELETE", f"/api/v1/workspaces/{WS}".encode(), b"")
    assert_write(archived, "DELETE", f"/api/v1/workspaces/{WS}".encode(), b"", key="arch-1")


async def test_workspaces_members(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    base = f"/api/v1/workspaces/{WS}/members"
    server.get(base).mock(return_value=envelope([MEMBER]))
    server.post(base).mock(return_value=envelope(MEMBER, 201))
    server.patch(f"{base}/{MEMBER['id']}").mock(return_value=envelope({**MEMBER, "role": "member"}))
    server.delete(f"{base}/{MEMBER['id']}").mock(return_value=httpx.Response(204))

    page = await plug.workspaces.list_members(WS, limit=5)
    assert isinstance(page.data[0], WorkspaceMember)
    invited = await plug.workspaces.invite_member(WS, email="bob@acme.com", role="admin")
    assert invited.status == "invited"
    changed = await plug.workspaces.update_member(WS, str(MEMBER["id"]), role="member")
    assert changed.role == "member"
    assert await plug.workspaces.remove_member(WS, str(MEMBER["id"])) is None

    listed, posted, patched, deleted = (c.request for c in server.calls)
    assert_read(listed, f"{base}?limit=5".encode())
    assert_write(posted, "POST", base.encode(), b'{"email":"bob@acme.com","role":"admin"}')
    assert_write(patched, "PATCH", f"{base}/{MEMBER['id']}".encode(), b'{"role":"member"}')
    assert_write(deleted, "DELETE", f"{base}/{MEMBER['id']}".encode(), b"")


@pytest.mark.parametrize("role", ["owner", "superuser", "Admin"])
async def test_member_roles_are_checked(
    server: respx.MockRouter, plug: AsyncPlugipayClient, role: str
) -> None:
    with pytest.raises(ValueError, match="role"):
        await plug.workspaces.invite_member(WS, email="a@b.c", role=role)
    assert server.calls.call_count == 0


async def test_workspace_region_is_checked(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    with pytest.raises(ValueError, match="region"):
        await plug.workspaces.create(region="us-east")
    assert server.calls.call_count == 0


# -- admin, onboarding, adapters -------------------------------------------------------------


async def test_admin_provision_workspace(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    payload = {
        "accountId": "acc_01HXBBBBBBBBBBBBBBBBBBBBBB",
        "partner": "storlaunch",
        "discountRate": 0.00001,
        "brandName": "Acme",
        "businessEmail": None,
        "createdAt": "2026-05-12T10:42:00.123Z",
    }
    server.post("/api/v1/admin/workspaces").mock(return_value=envelope(payload, 201))
    result = await plug.admin.provision_workspace(
        account_id="acc_01HXBBBBBBBBBBBBBBBBBBBBBB",
        partner="storlaunch",
        discount_rate=0.00001,
        brand_name="Acme",
    )
    assert_write(
        only_request(server),
        "POST",
        b"/api/v1/admin/workspaces",
        b'{"accountId":"acc_01HXBBBBBBBBBBBBBBBBBBBBBB","partner":"storlaunch",'
        b'"discountRate":0.00001,"brandName":"Acme"}',
    )
    assert isinstance(result, PartnerWorkspace)
    assert result.discount_rate == 0.00001


async def test_admin_get_workspace(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/admin/workspaces/acc_1").mock(
        return_value=envelope({"accountId": "acc_1", "partner": "storlaunch"})
    )
    result = await plug.admin.get_workspace("acc_1")
    assert_read(only_request(server), b"/api/v1/admin/workspaces/acc_1")
    assert result.partner == "storlaunch"


async def test_onboarding_provision_managed(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/onboarding/provision-managed").mock(
        return_value=envelope({"subAccountId": "acc_sub"}, 201)
    )
    result = await plug.onboarding.provision_managed()
    assert_write(only_request(server), "POST", b"/api/v1/onboarding/provision-managed", b"")
    assert isinstance(result, ManagedSubAccount)
    assert result.sub_account_id == "acc_sub"


async def test_adapters_start_managed_onboarding(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.post("/api/v1/adapters/managed/onboarding").mock(
        return_value=envelope({"state": "pending", "provider": "xendit", "details": {"step": 1}})
    )
    result = await plug.adapters.start_managed_onboarding(email="ops@acme.com")
    # kind is sent, not only checked (it used to be dropped from the body).
    assert_write(
        only_request(server),
        "POST",
        b"/api/v1/adapters/managed/onboarding",
        b'{"email":"ops@acme.com","kind":"xendit"}',
    )
    assert isinstance(result, ManagedOnboardingState)
    assert result.provider == "xendit"
