"""The sync and async surfaces match: same public classes, methods and signatures."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import plugipay
from plugipay._async import _client as async_client
from plugipay._async import _pagination as async_pagination
from plugipay._async.resources import adapters as a_adapters
from plugipay._async.resources import admin as a_admin
from plugipay._async.resources import customers as a_customers
from plugipay._async.resources import onboarding as a_onboarding
from plugipay._async.resources import workspaces as a_workspaces
from plugipay._sync import _client as sync_client
from plugipay._sync import _pagination as sync_pagination
from plugipay._sync.resources import adapters as s_adapters
from plugipay._sync.resources import admin as s_admin
from plugipay._sync.resources import customers as s_customers
from plugipay._sync.resources import onboarding as s_onboarding
from plugipay._sync.resources import workspaces as s_workspaces

PAIRS = [
    (async_client.AsyncPlugipayClient, sync_client.PlugipayClient),
    (a_workspaces.AsyncWorkspaces, s_workspaces.Workspaces),
    (a_customers.AsyncCustomers, s_customers.Customers),
    (a_admin.AsyncAdmin, s_admin.Admin),
    (a_onboarding.AsyncOnboarding, s_onboarding.Onboarding),
    (a_adapters.AsyncAdapters, s_adapters.Adapters),
    (async_pagination.AsyncPage, sync_pagination.Page),
]

RENAMED = {
    "aclose": "close",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
}


def public_members(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") or name in RENAMED or name in RENAMED.values()
    }


def normalized(signature: inspect.Signature) -> str:
    text = str(signature)
    for old, new in (
        ("AsyncPlugipayClient", "PlugipayClient"),
        ("AsyncCursorPaginator", "CursorPaginator"),
        ("AsyncPage", "Page"),
        ("AsyncSleep", "Sleep"),
        ("AsyncClient", "Client"),
        ("AsyncIterator", "Iterator"),
    ):
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(("async_cls", "sync_cls"), PAIRS, ids=lambda c: c.__name__)
def test_same_methods_and_signatures(async_cls: type, sync_cls: type) -> None:
    a = public_members(async_cls)
    s = public_members(sync_cls)
    expected = {RENAMED.get(name, name) for name in a}
    assert expected == set(s), f"{async_cls.__name__} vs {sync_cls.__name__}"
    for name, member in a.items():
        twin = s[RENAMED.get(name, name)]
        if callable(member) and not isinstance(member, type):
            assert normalized(inspect.signature(member)) == normalized(inspect.signature(twin)), (
                name
            )
            assert not inspect.iscoroutinefunction(twin), f"sync {name} must not be a coroutine"


def test_paginators_differ_only_by_their_flavour_members() -> None:
    a = set(public_members(async_pagination.AsyncCursorPaginator)) | {"__len__", "__getitem__"}
    s = set(public_members(sync_pagination.CursorPaginator))
    a = {RENAMED.get(n, n) for n in a - {"__await__"}}
    extra_sync = {
        "data",
        "has_more",
        "cursor",
        "next_cursor",
        "get_next_page",
        "__len__",
        "__getitem__",
    }
    assert a | extra_sync == s | {"__len__", "__getitem__"}


def test_async_methods_that_do_io_are_coroutines_and_list_is_not() -> None:
    assert inspect.iscoroutinefunction(a_customers.AsyncCustomers.create)
    assert inspect.iscoroutinefunction(a_customers.AsyncCustomers.get)
    assert not inspect.iscoroutinefunction(a_customers.AsyncCustomers.list)
    assert not inspect.iscoroutinefunction(a_workspaces.AsyncWorkspaces.list_members)


def _isort_key(name: str) -> tuple[int, str]:
    # Constants, then classes, then functions and modules, as ruff's RUF022 orders __all__.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_complete_sorted_and_importable() -> None:
    names = plugipay.__all__
    assert len(names) == len(set(names))
    assert names == sorted(names, key=_isort_key)
    assert set(plugipay._LAZY) | {"__version__"} == set(names), "every lazy name is exported"
    for expected in (
        "PlugipayClient",
        "AsyncPlugipayClient",
        "Customer",
        "PageResult",
        "verify_webhook",
    ):
        assert expected in names
    for name in names:
        assert getattr(plugipay, name) is not None
    assert plugipay.Plugipay is plugipay.PlugipayClient
    assert plugipay.AsyncPlugipay is plugipay.AsyncPlugipayClient
    assert plugipay.verify_webhook is plugipay.webhooks.verify
    with pytest.raises(AttributeError):
        _ = plugipay.NoSuchThing  # type: ignore[attr-defined]


def test_public_submodules_load_on_attribute_access() -> None:
    import subprocess
    import sys

    code = "import plugipay; print(plugipay.webhooks.verify.__name__, plugipay.bulk.run.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["verify", "run"]
