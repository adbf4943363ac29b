"""Every Python snippet of the seed documents, run as written against the emulator.

One test per snippet, named ``test_<seed>_<section>``. Only the client construction differs
(pointed at the emulator); ids the documents elide (``acc_01HX...``) are the emulator's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from plugipay import PlugipayClient, PlugipayError
from plugipay.testing import FakePlugipay


@pytest.fixture
def fake() -> FakePlugipay:
    return FakePlugipay(seed=2)


@pytest.fixture
def plug(fake: FakePlugipay) -> Iterator[PlugipayClient]:
    with fake.client() as client:
        yield client


# -- seed 000: Python guide, workspaces --------------------------------------------------------


def test_000_list(plug: PlugipayClient, capsys: pytest.CaptureFixture[str]) -> None:
    for ws in plug.workspaces.list():
        print(ws["id"], ws.get("brandName"), ws.get("businessEmail"))
    assert capsys.readouterr().out.startswith("ws_")


def test_000_create(plug: PlugipayClient, capsys: pytest.CaptureFixture[str]) -> None:
    ws = plug.workspaces.create(
        brand_name="Acme Indonesia",
        business_email="billing@acme.example",
    )
    print(ws["id"])  # "acc_01HX..."
    assert capsys.readouterr().out.strip() == ws.id


def test_000_update(plug: PlugipayClient, fake: FakePlugipay) -> None:
    plug.workspaces.update(
        fake.account_id,
        brand_name="Acme Indonesia (Holdings)",
    )
    assert plug.workspaces.get(fake.account_id).brand_name == "Acme Indonesia (Holdings)"


def test_000_delete(plug: PlugipayClient) -> None:
    account_id = plug.workspaces.create(brand_name="Closing down").account_id
    assert account_id is not None
    plug.workspaces.delete(account_id)
    assert account_id not in [w.account_id for w in plug.workspaces.list()]


def test_000_acting_on_behalf_of(fake: FakePlugipay) -> None:
    # A platform key, which is what on-behalf-of is for (an owner key's calls ignore it, so an
    # empty list would prove nothing): merchant A has one customer, the platform's own one other.
    fake.add_workspace(name="Merchant A", partner="storlaunch")
    merchant_a = next(w for w in fake.workspaces if w["name"] == "Merchant A")
    with fake.client(platform="storlaunch") as platform:
        platform.customers.create(email="own@platform.example")
        platform.for_merchant(str(merchant_a["accountId"])).customers.create(
            email="a@merchant.example"
        )
        plug = platform
        merchant_client = plug.for_merchant(str(merchant_a["accountId"]))
        customers = merchant_client.customers.list()  # Acts inside merchant A's workspace
        assert [c.email for c in customers] == ["a@merchant.example"]
        assert [c.account_id for c in customers] == [merchant_a["accountId"]]
        assert plug.on_behalf_of is None
        assert [c.email for c in plug.customers.list()] == ["own@platform.example"]
        fake.clear_requests()
        merchant_client.customers.list().data  # noqa: B018
        assert fake.requests[0].headers["x-plugipay-on-behalf-of"] == merchant_a["accountId"]


def test_000_workspace_inventory(plug: PlugipayClient) -> None:
    rendered: list[list[dict[str, Any]]] = []

    def render_table(rows: list[dict[str, Any]]) -> None:
        rendered.append(rows)

    rows = []
    for ws in plug.workspaces.list():
        rows.append(
            {
                "id": ws["id"],
                "name": ws.get("brandName", "—"),
                "email": ws.get("businessEmail", "—"),
                "status": ws.get("status", "unknown"),
            }
        )
    render_table(rows)
    assert rendered[0][0]["status"] == "active"


def test_000_idempotent_workspace_rename(plug: PlugipayClient) -> None:
    ws = plug.workspaces.list()[0]  # assuming single-workspace key
    if ws.get("brandName") != "Acme Indonesia 2026":
        plug.workspaces.update(ws["id"], brand_name="Acme Indonesia 2026")
    assert plug.workspaces.list()[0].brand_name == "Acme Indonesia 2026"


def test_000_request_escape_hatch(plug: PlugipayClient, fake: FakePlugipay) -> None:
    plug.request(
        "PATCH", f"/api/v1/workspaces/{fake.workspace_id}", body={"timezone": "Asia/Jakarta"}
    )
    assert plug.workspaces.get(fake.workspace_id).timezone == "Asia/Jakarta"


# -- seed 002: Python guide, customers ---------------------------------------------------------


def test_002_create(plug: PlugipayClient, capsys: pytest.CaptureFixture[str]) -> None:
    customer = plug.customers.create(
        email="ada@example.com",
        name="Ada Lovelace",
        external_id="user_19823",
        metadata={"segment": "enterprise"},
    )
    print(customer["id"])  # "cus_01HX..."
    print(customer.raw)  # full server payload
    out = capsys.readouterr().out
    assert out.startswith("cus_")
    assert "'externalId': 'user_19823'" in out


def test_002_get(plug: PlugipayClient) -> None:
    try:
        customer = plug.customers.get("cus_01HXAB7K3M9N2P5QRS8TVWXY3Z")
    except PlugipayError as err:
        if err.status == 404:
            customer = plug.customers.create(email="ada@example.com")
        else:
            raise
    assert customer.email == "ada@example.com"


def test_002_list(plug: PlugipayClient, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(150):
        plug.customers.create(email=f"c{i}@example.com")
    cursor = None
    while True:
        page = plug.customers.list(limit=100, cursor=cursor)
        for c in page.data:
            print(c.get("email"))
        if not page.has_more:
            break
        cursor = page.cursor
    assert len(set(capsys.readouterr().out.split())) == 150


def test_002_update(plug: PlugipayClient) -> None:
    cid = plug.customers.create(name="Ada").id
    updated = plug.customers.update(
        cid,
        name="Ada Lovelace (Acme Corp)",
    )
    assert updated.name == "Ada Lovelace (Acme Corp)"


def test_002_dedupe_via_external_id_before_create(plug: PlugipayClient) -> None:
    page = plug.customers.list(limit=1, email="ada@example.com")
    if page.data:
        customer = page.data[0]
    else:
        customer = plug.customers.create(
            email="ada@example.com",
            external_id="user_19823",
        )
    assert customer.external_id == "user_19823"


def test_002_attribute_vs_dict_access(plug: PlugipayClient) -> None:
    customer = plug.customers.create(email="ada@example.com")
    assert customer["id"] == customer.id  # raises KeyError if missing
    assert customer.get("email") == "ada@example.com"  # returns None if missing
    assert customer.get("taxId", "") is None  # present on the wire, null
    assert customer.get("noSuchField", "") == ""  # returns "" if missing
    assert customer.raw["email"] == "ada@example.com"  # full dict, including unmapped fields
    with pytest.raises(KeyError):
        customer["noSuchField"]


def test_002_types(plug: PlugipayClient) -> None:
    from plugipay import Customer, PageResult

    plug.customers.create(email="ada@example.com")
    page = plug.customers.list(limit=1)
    assert isinstance(page.data[0], Customer)
    assert isinstance(next(plug.customers.list(limit=1).iter_pages()), PageResult)


def test_002_context_manager(fake: FakePlugipay) -> None:
    # Only the construction differs from the seed: the emulator's transport instead of the network.
    transport = httpx.Client(transport=fake.transport)
    with PlugipayClient(
        key_id=fake.key_id, secret=fake.secret, base_url=fake.base_url, http_client=transport
    ) as plug:
        customer = plug.customers.create(email="ada@example.com")
    assert customer.email == "ada@example.com"


def test_002_branch_on_external_id_collisions(plug: PlugipayClient) -> None:
    plug.customers.create(email="ada@example.com", external_id="user_19823")
    handled = False
    try:
        plug.customers.create(email="ada@example.com", external_id="user_19823")
    except PlugipayError as err:
        if err.status == 409 and err.code == "conflict":
            # Already exists — fetch by external_id via list filter or your local cache.
            handled = True
        else:
            raise
    assert handled


# -- seed 003: API reference, workspaces (the client is called ``plugipay`` there) --------------


@pytest.fixture
def plugipay(fake: FakePlugipay) -> Iterator[PlugipayClient]:
    with fake.client() as client:
        yield client


def test_003_retrieve_a_workspace(plugipay: PlugipayClient, fake: FakePlugipay) -> None:
    ws = plugipay.workspaces.get(fake.workspace_id)
    assert (ws.id, ws.account_id) == (fake.workspace_id, fake.account_id)


def test_003_list_workspaces(plugipay: PlugipayClient, fake: FakePlugipay) -> None:
    page = plugipay.workspaces.list(limit=100)
    assert [w.id for w in page.data] == [fake.workspace_id]


def test_003_create_a_workspace(plugipay: PlugipayClient) -> None:
    ws = plugipay.workspaces.create(
        brand_name="Acme Staging",
        business_email="billing@acme.com",
    )
    assert (ws.brand_name, ws.business_email, ws.name) == (
        "Acme Staging",
        "billing@acme.com",
        "Acme Staging",
    )


def test_003_update_workspace_settings(plugipay: PlugipayClient, fake: FakePlugipay) -> None:
    plugipay.workspaces.update(
        fake.workspace_id,
        brand_name="Acme (renamed)",
        default_currency="USD",
    )
    ws = plugipay.workspaces.get(fake.workspace_id)
    assert (ws.brand_name, ws.default_currency) == ("Acme (renamed)", "USD")


def test_003_archive_a_workspace(plugipay: PlugipayClient) -> None:
    ws_id = plugipay.workspaces.create(name="To archive").id
    plugipay.workspaces.delete(ws_id)
    assert ws_id not in [w.id for w in plugipay.workspaces.list()]
    assert ws_id in [w.id for w in plugipay.workspaces.list(archived=True)]


def test_003_list_members(plugipay: PlugipayClient, fake: FakePlugipay) -> None:
    members = plugipay.workspaces.list_members(fake.workspace_id)
    assert [(m.role, m.status) for m in members] == [("owner", "active")]


# -- seed 004: API reference, customers (env-configured client, real loopback HTTP) ------------


@pytest.fixture
def pp(fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch) -> Iterator[PlugipayClient]:
    """The seed's own construction, from the environment, against the fake on a real port."""
    from plugipay import Plugipay

    with fake.serve() as base_url:
        monkeypatch.setenv("PLUGIPAY_BASE_URL", base_url)
        monkeypatch.setenv("PLUGIPAY_KEY_ID", fake.key_id)
        monkeypatch.setenv("PLUGIPAY_KEY_SECRET", fake.secret)
        pp = Plugipay(
            key_id=os.environ["PLUGIPAY_KEY_ID"], secret=os.environ["PLUGIPAY_KEY_SECRET"]
        )
        with pp:
            yield pp


def test_004_create_a_customer(pp: PlugipayClient, capsys: pytest.CaptureFixture[str]) -> None:
    customer = pp.customers.create(
        email="alice@example.com",
        name="Alice Tan",
        external_id="user_19823",
        metadata={"segment": "enterprise"},
    )
    print(customer.id)  # cus_01HX...
    assert capsys.readouterr().out == f"{customer.id}\n"
    assert customer.id.startswith("cus_")


def test_004_retrieve_a_customer(pp: PlugipayClient) -> None:
    created = pp.customers.create(email="alice@example.com")
    customer = pp.customers.retrieve(created.id)
    assert customer == created


def test_004_list_customers_auto_paginator(pp: PlugipayClient) -> None:
    created = [pp.customers.create(email=f"c{i}@example.com").id for i in range(3)]
    handled: list[str] = []

    def handle(customer: Any) -> None:
        handled.append(customer.id)

    for customer in pp.customers.list(limit=100).auto_paging_iter():
        handle(customer)
    assert handled == created[::-1]  # newest first


def test_004_update_a_customer(pp: PlugipayClient) -> None:
    cid = pp.customers.create(name="Alice Tan", phone="+62811234567").id
    updated = pp.customers.update(
        cid,
        name="Alice Tan (Acme)",
        phone=None,  # clears the phone
    )
    assert (updated.name, updated.phone) == ("Alice Tan (Acme)", None)
