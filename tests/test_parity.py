"""The sync and async surfaces match: same public classes, methods and signatures."""

from __future__ import annotations

import inspect
import sys
from typing import Any

import pytest

import plugipay
from plugipay._async import _pagination as async_pagination
from plugipay._async._client import AsyncPlugipayClient
from plugipay._async._download import AsyncDownload
from plugipay._resource import resource
from plugipay._sync import _pagination as sync_pagination
from plugipay._sync._client import PlugipayClient
from plugipay._sync._download import Download


def namespaces(client_cls: type) -> dict[str, type]:
    """Every resource namespace a client class declares, by attribute name."""
    return {
        name: value.load()
        for name, value in vars(client_cls).items()
        if isinstance(value, resource)
    }


ASYNC_NAMESPACES = namespaces(AsyncPlugipayClient)
SYNC_NAMESPACES = namespaces(PlugipayClient)
PAIRS = [
    (AsyncPlugipayClient, PlugipayClient),
    *((cls, SYNC_NAMESPACES[name]) for name, cls in ASYNC_NAMESPACES.items()),
    (async_pagination.AsyncPage, sync_pagination.Page),
    (AsyncDownload, Download),
]


def test_both_clients_declare_the_same_namespaces_and_every_resource_module_is_one() -> None:
    import pkgutil

    from plugipay._async import resources as async_resources
    from plugipay._sync import resources as sync_resources

    assert set(ASYNC_NAMESPACES) == set(SYNC_NAMESPACES)
    assert len(ASYNC_NAMESPACES) >= 5
    for package, found in (
        (async_resources, ASYNC_NAMESPACES),
        (sync_resources, SYNC_NAMESPACES),
    ):
        modules = {m.name for m in pkgutil.iter_modules(package.__path__) if m.name[0] != "_"}
        registered = {cls.__module__.rsplit(".", 1)[1] for cls in found.values()}
        assert modules == registered, f"resource modules not on the client: {modules - registered}"
    for name, cls in ASYNC_NAMESPACES.items():
        assert SYNC_NAMESPACES[name].__name__ == cls.__name__.removeprefix("Async")


RENAMED = {
    "aclose": "close",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "aiter_bytes": "iter_bytes",
    "aiter_text": "iter_text",
    "aiter_lines": "iter_lines",
    "awrite_to": "write_to",
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
        ("AsyncDownload", "Download"),
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
    a = set(public_members(async_pagination.AsyncCursorPaginator))
    s = set(public_members(sync_pagination.CursorPaginator))
    a = {RENAMED.get(n, n) for n in a}
    extra_sync = {"data", "has_more", "cursor", "next_cursor", "get_next_page"}
    assert a | extra_sync == s
    for cls in (sync_pagination.CursorPaginator, async_pagination.AsyncCursorPaginator):
        assert not hasattr(cls, "__len__"), "a length would mean one page while iteration means all"


def test_async_methods_that_do_io_are_coroutines_and_lists_are_not() -> None:
    # Lists and streamed downloads send nothing when called: a paginator fetches on first use,
    # a download on entering its ``async with``.
    for cls in ASYNC_NAMESPACES.values():
        for name, member in public_members(cls).items():
            if not callable(member):
                continue
            returns = str(inspect.signature(member).return_annotation)
            lazy = "AsyncCursorPaginator" in returns or "AsyncDownload" in returns
            assert inspect.iscoroutinefunction(member) is not lazy, f"{cls.__name__}.{name}"


def _isort_key(name: str) -> tuple[int, str]:
    # Constants, then classes, then functions and modules, as ruff's RUF022 orders __all__.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_derived_complete_sorted_and_importable() -> None:
    from plugipay import _exceptions, _models

    names = plugipay.__all__
    assert len(names) == len(set(names))
    assert names == sorted(names, key=_isort_key)
    models = {"Resource", *(m.__name__ for m in _models.MODELS)}
    assert models <= set(names), "every model class the families declare is exported"
    assert set(_exceptions.__all__) <= set(names), "every error is exported"
    for expected in (
        "PlugipayClient",
        "AsyncPlugipayClient",
        "Customer",
        "PageResult",
        "verify_webhook",
        "__version__",
    ):
        assert expected in names
    for name in names:
        assert getattr(plugipay, name) is not None
    assert plugipay.Plugipay is plugipay.PlugipayClient
    assert plugipay.AsyncPlugipay is plugipay.AsyncPlugipayClient
    assert plugipay.verify_webhook is plugipay.webhooks.verify
    with pytest.raises(AttributeError):
        _ = plugipay.NoSuchThing  # type: ignore[attr-defined]


def test_every_public_class_reports_a_public_home() -> None:
    import plugipay.models
    import plugipay.testing

    public_modules = {"plugipay", "plugipay.models", "plugipay.webhooks", "plugipay.testing"}
    assert plugipay.PlugipayClient.__module__ == "plugipay"
    assert plugipay.Customer.__module__ == "plugipay"
    for module in (plugipay, plugipay.models):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type):
                assert value.__module__ in public_modules, f"{name}: {value.__module__}"
                assert getattr(sys.modules[value.__module__], name) is value


def test_public_submodules_load_on_attribute_access() -> None:
    import subprocess
    import sys

    code = "import plugipay; print(plugipay.webhooks.verify.__name__, plugipay.bulk.run.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["verify", "run"]
