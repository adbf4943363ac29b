"""Hostile input: bad arguments fail before any request; odd ids never leave their route.

Every case runs against the in-process emulator and asserts on ``fake.requests``: a refused
argument sends nothing, and an id or cursor that looks like a path (``../``) is sent percent-encoded
as one segment or one query value of the route its method names (SPEC §2).
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from plugipay import (
    AsyncPlugipayClient,
    BadRequestError,
    CursorPaginator,
    Download,
    NotFoundError,
    PermissionDeniedError,
    PlugipayClient,
    PlugipayError,
)
from plugipay.testing import FakePlugipay
from tests.test_parity import namespaces

Call = Callable[[Any], object]
"""A call made on a client; ``Any`` so wrong argument types can be passed on purpose."""

_CRLF = "\r\nX-Injected: 1"
_WS = "ws_01HZZZZZZZZZZZZZZZZZZZZZZZ"


@pytest.fixture
def fake() -> FakePlugipay:
    return FakePlugipay(seed=4)


@pytest.fixture
def plug(fake: FakePlugipay) -> Iterator[PlugipayClient]:
    with fake.client(max_retries=0) as client:
        yield client


def _first_page(plug: PlugipayClient, **kwargs: Any) -> object:
    return plug.customers.list(**kwargs).data


# Values for the required keyword arguments of id-taking methods; a new method whose required
# argument is missing here fails loudly (KeyError) rather than going untested.
_SAMPLES: dict[str, object] = {
    "email": "a@example.com",
    "role": "member",
    "name": "x",
    "currency": "IDR",
    "active": True,
    "failure_reason": "bank refused",
    "amount": 1000,
    "external_source": "pos",
    "external_ref": "sale-1",
}
# Optional keyword arguments a method needs to be valid at all (a flat price needs its amount).
_METHOD_SAMPLES: dict[str, dict[str, object]] = {"plans.add_price": {"unit_amount": 1000}}


# Methods whose positional argument is a query value or a body value, not a path segment.
_QUERY_LOOKUPS = {"customers.find_by_external_id", "events.replay", "uploads.image"}


def _id_methods() -> Iterator[tuple[str, Callable[..., object], list[str], dict[str, object]]]:
    """Every client method that puts a caller's id into the path, found on the client itself:
    ``(namespace.method, method of a client → callable, id parameters, required keywords)``."""
    for namespace, cls in namespaces(PlugipayClient).items():
        for method_name, function in inspect.getmembers(cls, inspect.isfunction):
            if method_name.startswith("_"):
                continue
            params = list(inspect.signature(function).parameters.values())[1:]
            ids = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
            if not ids or f"{namespace}.{method_name}" in _QUERY_LOOKUPS:
                continue
            required = {
                p.name: _SAMPLES[p.name]
                for p in params
                if p.kind is p.KEYWORD_ONLY and p.default is p.empty
            }
            required.update(_METHOD_SAMPLES.get(f"{namespace}.{method_name}", {}))
            yield f"{namespace}.{method_name}", function, ids, required


def _id_calls(bad: Any) -> list[tuple[str, Call]]:
    """Every id-taking method, once per id parameter, called with ``bad`` there."""
    calls: list[tuple[str, Call]] = []
    for name, function, ids, required in _id_methods():
        namespace = name.split(".")[0]
        for position, param in enumerate(ids):
            args = [bad if i == position else _WS for i in range(len(ids))]

            def call(
                p: Any, ns: str = namespace, f: Any = function, a: Any = args, kw: Any = required
            ) -> object:
                result = f(getattr(p, ns), *a, **kw)
                if isinstance(result, Download):
                    with result:  # a streamed download sends its request on entering
                        return b"".join(result.iter_bytes())
                return result.data if isinstance(result, CursorPaginator) else result

            calls.append((f"{name}.{param}", call))
    return calls


def test_id_methods_are_discovered() -> None:
    found = {name for name, *_ in _id_methods()}
    assert {"customers.get", "customers.update", "workspaces.update_member"} <= found
    assert len(_id_calls("x")) >= 14


# -- ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_unusable_ids_are_refused_before_any_request(
    fake: FakePlugipay, plug: PlugipayClient, bad: str
) -> None:
    for name, call in _id_calls(bad):
        with pytest.raises(ValueError, match=r"must be a non-empty id other than '\.' or '\.\.'"):
            call(plug)
        assert list(fake.requests) == [], name


@pytest.mark.parametrize("bad", ["cus_1\r\nX-Injected: 1", "cus_1\n", "a\x00b", "a\x7fb"])
def test_ids_with_control_characters_are_refused(
    fake: FakePlugipay, plug: PlugipayClient, bad: str
) -> None:
    for name, call in _id_calls(bad):
        with pytest.raises(ValueError, match="must not contain control characters"):
            call(plug)
        assert list(fake.requests) == [], name


@pytest.mark.parametrize("bad", [1, None, b"cus_1", ["cus_1"]])
def test_ids_of_the_wrong_type_are_refused(
    fake: FakePlugipay, plug: PlugipayClient, bad: Any
) -> None:
    for name, call in _id_calls(bad):
        with pytest.raises(TypeError, match="must be a str, not"):
            call(plug)
        assert list(fake.requests) == [], name


_TRAVERSALS = {
    "../admin/workspaces": "..%2Fadmin%2Fworkspaces",
    "cus_1/../../workspaces": "cus_1%2F..%2F..%2Fworkspaces",
    "..%2F..%2Fadmin": "..%252F..%252Fadmin",
    "%2e%2e": "%252e%252e",
    "cus_1?expand=x#frag": "cus_1%3Fexpand%3Dx%23frag",
    "a\\..\\b": "a%5C..%5Cb",
    "..;/x": "..%3B%2Fx",
    "...": "...",
    "cus_ü": "cus_%C3%BC",
}


@pytest.mark.parametrize(("bad", "segment"), list(_TRAVERSALS.items()))
def test_path_like_ids_stay_one_segment_of_their_route(
    fake: FakePlugipay, plug: PlugipayClient, bad: str, segment: str
) -> None:
    plain = "idX"
    sent_for_plain = {}
    for name, call in _id_calls(plain):
        fake.requests.clear()
        with pytest.raises((NotFoundError, PermissionDeniedError)):
            call(plug)
        sent_for_plain[name] = [r.path for r in fake.requests]
        assert sent_for_plain[name], name
    for name, call in _id_calls(bad):
        fake.requests.clear()
        with pytest.raises((NotFoundError, PermissionDeniedError)):
            call(plug)
        # Exactly the route a plain id takes, with the bad id as one encoded segment in its place.
        expected = [path.replace(plain, segment) for path in sent_for_plain[name]]
        assert [r.path for r in fake.requests] == expected, name


def test_cursor_with_dot_segments_stays_a_query_value(
    fake: FakePlugipay, plug: PlugipayClient
) -> None:
    with pytest.raises(BadRequestError) as err:
        _first_page(plug, cursor="../../admin/workspaces")
    assert err.value.code == "validation_error"
    assert [r.target for r in fake.requests] == [
        "/api/v1/customers?cursor=..%2F..%2Fadmin%2Fworkspaces"
    ]


def test_query_values_are_encoded_not_split(fake: FakePlugipay, plug: PlugipayClient) -> None:
    assert _first_page(plug, email="a@b.c&limit=100#x", external_id="x y+z/../w") == []
    assert [r.target for r in fake.requests] == [
        "/api/v1/customers?email=a%40b.c%26limit%3D100%23x&externalId=x%20y%2Bz%2F..%2Fw"
    ]


# -- header-bound values --------------------------------------------------------------------------


def test_crlf_in_every_header_bound_value_is_refused(fake: FakePlugipay) -> None:
    base: dict[str, Any] = {"base_url": fake.base_url}
    with pytest.raises(ValueError, match="key_id must not contain CR, LF"):
        PlugipayClient(key_id="key" + _CRLF, secret="s", **base)
    with pytest.raises(ValueError, match="on_behalf_of must not contain CR, LF"):
        PlugipayClient(key_id="key", secret="s", on_behalf_of="acc_1" + _CRLF, **base)
    with pytest.raises(ValueError, match="api_key must not contain CR, LF"):
        PlugipayClient(api_key="pk_test_1" + _CRLF, **base)
    with pytest.raises(ValueError, match="on_behalf_of must not contain CR, LF"):
        AsyncPlugipayClient(key_id="key", secret="s", on_behalf_of="acc_1\n", **base)
    with fake.client(max_retries=0) as plug:
        with pytest.raises(ValueError, match="on_behalf_of must not contain CR, LF"):
            plug.for_merchant("acc_1" + _CRLF)
        with pytest.raises(ValueError, match="on_behalf_of must not contain CR, LF"):
            plug.with_options(on_behalf_of="acc_1\r")
        writes: list[Callable[[str], object]] = [
            lambda k: plug.customers.create(email="a@example.com", idempotency_key=k),
            lambda k: plug.customers.update("cus_1", name="x", idempotency_key=k),
            lambda k: plug.customers.redact("cus_1", idempotency_key=k),
            lambda k: plug.workspaces.create(name="x", idempotency_key=k),
            lambda k: plug.workspaces.update(_WS, name="x", idempotency_key=k),
            lambda k: plug.workspaces.delete(_WS, idempotency_key=k),
            lambda k: plug.workspaces.invite_member(
                _WS, email="a@example.com", role="member", idempotency_key=k
            ),
            lambda k: plug.workspaces.update_member(_WS, "m_1", role="admin", idempotency_key=k),
            lambda k: plug.workspaces.remove_member(_WS, "m_1", idempotency_key=k),
            lambda k: plug.onboarding.provision_managed(idempotency_key=k),
            lambda k: plug.adapters.start_managed_onboarding(idempotency_key=k),
            lambda k: plug.request("POST", "/api/v1/customers", body={}, idempotency_key=k),
        ]
        for write in writes:
            for bad in ("k" + _CRLF, "k\n", "k\x00", "k\t"):
                with pytest.raises(ValueError, match="idempotency_key must not contain CR, LF"):
                    write(bad)
            with pytest.raises(ValueError, match="idempotency_key must be ASCII"):
                write("ключ")
            with pytest.raises(ValueError, match="idempotency_key must not be empty"):
                write("")
        with pytest.raises(ValueError, match="cursor must not contain CR, LF"):
            _first_page(plug, cursor="abc" + _CRLF)
        with pytest.raises(ValueError, match=r"^path must "):
            plug.request("GET", "/api/v1/customers" + _CRLF)
    assert list(fake.requests) == []


def test_crlf_in_base_url_is_refused(fake: FakePlugipay) -> None:
    with pytest.raises(ValueError):
        PlugipayClient(key_id="key", secret="s", base_url="http://plugipay.test/a\r\nb")


def test_archive_refuses_a_bad_idempotency_key_before_any_request(
    fake: FakePlugipay, plug: PlugipayClient
) -> None:
    customer = plug.customers.create(email="a@example.com")
    fake.requests.clear()
    with pytest.raises(ValueError, match="idempotency_key must not contain CR, LF"):
        plug.customers.archive(customer.id, idempotency_key="k" + _CRLF)
    assert list(fake.requests) == []


# -- bodies ---------------------------------------------------------------------------------------


def test_metadata_over_every_limit_is_refused(fake: FakePlugipay, plug: PlugipayClient) -> None:
    cases: list[tuple[Any, type[Exception], str]] = [
        ({f"k{i}": "v" for i in range(51)}, ValueError, "at most 50 entries, got 51"),
        ({"k" * 41: "v"}, ValueError, "keys must be 1 to 40 characters"),
        ({"": "v"}, ValueError, "keys must be 1 to 40 characters"),
        ({"k": "v" * 501}, ValueError, r"at most 500 characters \(key 'k' has 501\)"),
        # A value or a key of the wrong type is a TypeError alike.
        ({"k": 1}, TypeError, "values must be str, not int"),
        ({"k": {"nested": "v"}}, TypeError, "values must be str, not dict"),
        ({"k": None}, TypeError, "values must be str, not NoneType"),
        ({1: "v"}, TypeError, "keys must be str, not int"),
        ([("k", "v")], TypeError, "must be a dict of str to str, not list"),
        ("k=v", TypeError, "must be a dict of str to str, not str"),
    ]
    for metadata, kind, message in cases:
        with pytest.raises(kind, match=message):
            plug.customers.create(metadata=metadata)
        with pytest.raises(kind, match=message):
            plug.customers.update("cus_1", metadata=metadata)
    # Exactly at the limits is fine (and reaches the server).
    at_limit = {f"k{i:02d}" + "x" * 37: "v" * 500 for i in range(50)}
    assert plug.customers.create(metadata=at_limit).metadata == at_limit
    assert [r.path for r in fake.requests] == ["/api/v1/customers"]


def test_string_fields_over_their_limits_are_refused(
    fake: FakePlugipay, plug: PlugipayClient
) -> None:
    limits = {"email": 320, "name": 255, "phone": 64, "external_id": 255, "tax_id": 64}
    for field, limit in limits.items():
        too_long: dict[str, Any] = {field: "x" * (limit + 1)}
        with pytest.raises(ValueError, match=f"{field} must be at most {limit} characters"):
            plug.customers.create(**too_long)
        with pytest.raises(ValueError, match=f"{field} must be at most {limit} characters"):
            plug.customers.update("cus_1", **too_long)
    assert list(fake.requests) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.nan, "nan cannot be sent in JSON"),
        (math.inf, "inf cannot be sent in JSON"),
        (-math.inf, "-inf cannot be sent in JSON"),
        ("\ud800", "lone surrogate"),
        ("ok \udfff", "lone surrogate"),
        (2**53, r"beyond ±\(2\*\*53 - 1\)"),
        (-(2**60), r"beyond ±\(2\*\*53 - 1\)"),
    ],
)
def test_unsendable_json_is_refused(
    fake: FakePlugipay, plug: PlugipayClient, value: object, message: str
) -> None:
    for body in ({"x": value}, {"nested": {"list": [1, value]}}):
        with pytest.raises(ValueError, match=message):
            plug.request("POST", "/api/v1/customers", body=body)
    if isinstance(value, str):
        with pytest.raises(ValueError, match=message):
            plug.customers.create(name=value)
        with pytest.raises(ValueError, match=message):
            plug.customers.update("cus_1", metadata={"k": value})
        with pytest.raises(ValueError, match=message):
            plug.workspaces.create(brand_name=value)
    assert list(fake.requests) == []


def test_unsendable_json_types_are_refused(fake: FakePlugipay, plug: PlugipayClient) -> None:
    for value in (b"bytes", {1, 2}, object(), 1 + 2j):
        with pytest.raises(TypeError):
            plug.request("POST", "/api/v1/customers", body={"x": value})
    assert list(fake.requests) == []


# -- wrong types and out-of-range values ----------------------------------------------------------


def _type_cases() -> list[tuple[str, Call, type[Exception], str]]:
    return [
        ("create email", lambda p: p.customers.create(email=1), TypeError, "email must be a str"),
        ("create name", lambda p: p.customers.create(name=b"x"), TypeError, "name must be a str"),
        ("create phone", lambda p: p.customers.create(phone=62), TypeError, "phone must be a str"),
        ("create ext", lambda p: p.customers.create(external_id=1), TypeError, "external_id"),
        ("create tax", lambda p: p.customers.create(tax_id=1.5), TypeError, "tax_id must be"),
        (
            "create pt",
            lambda p: p.customers.create(default_payment_token_id="x"),
            ValueError,
            "'pt_'",
        ),
        ("create kw", lambda p: p.customers.create(foo=1), TypeError, "unexpected keyword"),
        ("update name", lambda p: p.customers.update("cus_1", name=1), TypeError, "name must be"),
        (
            "get expand",
            lambda p: p.customers.get("cus_1", expand=["x"]),
            ValueError,
            "expand must be",
        ),
        ("list limit str", lambda p: _first_page(p, limit="10"), TypeError, "limit must be an int"),
        (
            "list limit bool",
            lambda p: _first_page(p, limit=True),
            TypeError,
            "limit must be an int",
        ),
        (
            "list limit float",
            lambda p: _first_page(p, limit=1.0),
            TypeError,
            "limit must be an int",
        ),
        ("list limit huge", lambda p: _first_page(p, limit=10**9), ValueError, "between 1 and 100"),
        (
            "list limit 2**64",
            lambda p: _first_page(p, limit=2**64),
            ValueError,
            "between 1 and 100",
        ),
        ("list limit 0", lambda p: _first_page(p, limit=0), ValueError, "between 1 and 100"),
        ("list limit -1", lambda p: _first_page(p, limit=-1), ValueError, "between 1 and 100"),
        ("list cursor int", lambda p: _first_page(p, cursor=1), TypeError, "cursor must be a str"),
        ("list cursor ''", lambda p: _first_page(p, cursor=""), ValueError, "cursor must not be"),
        ("list order", lambda p: _first_page(p, order="up"), ValueError, "order must be one of"),
        ("list email", lambda p: _first_page(p, email=1), TypeError, "email must be a str"),
        ("list after int", lambda p: _first_page(p, created_after=5), TypeError, "created_after"),
        ("list after str", lambda p: _first_page(p, created_after="yesterday"), ValueError, "ISO"),
        ("ws list mode", lambda p: p.workspaces.list(mode="prod").data, ValueError, "mode must"),
        ("ws list arch", lambda p: p.workspaces.list(archived="no").data, TypeError, "archived"),
        ("ws list limit", lambda p: p.workspaces.list(limit=101).data, ValueError, "between 1"),
        (
            "ws members limit",
            lambda p: p.workspaces.list_members(_WS, limit=10**6).data,
            ValueError,
            "between 1",
        ),
        ("ws create region", lambda p: p.workspaces.create(region="mars"), ValueError, "region"),
        ("ws create name", lambda p: p.workspaces.create(name=1), TypeError, "name must be"),
        ("ws update name", lambda p: p.workspaces.update(_WS, name=1), TypeError, "name must be"),
        (
            "ws invite role",
            lambda p: p.workspaces.invite_member(_WS, email="a@example.com", role="god"),
            ValueError,
            "role must be",
        ),
        (
            "ws invite email",
            lambda p: p.workspaces.invite_member(_WS, email=1, role="admin"),
            TypeError,
            "email must be",
        ),
        (
            "admin rate str",
            lambda p: p.admin.provision_workspace(
                account_id="acc_1", partner="p", discount_rate="0.1"
            ),
            TypeError,
            "discount_rate",
        ),
        (
            "admin rate nan",
            lambda p: p.admin.provision_workspace(
                account_id="acc_1", partner="p", discount_rate=math.nan
            ),
            ValueError,
            "discount_rate",
        ),
        (
            "admin rate 2",
            lambda p: p.admin.provision_workspace(account_id="acc_1", partner="p", discount_rate=2),
            ValueError,
            "discount_rate",
        ),
        (
            "adapters kind",
            lambda p: p.adapters.start_managed_onboarding(kind="stripe"),
            ValueError,
            "kind must be",
        ),
        (
            "request method",
            lambda p: p.request("TRACE", "/api/v1/customers"),
            ValueError,
            "unsupported HTTP method",
        ),
        (
            "request relative",
            lambda p: p.request("GET", "api/v1/customers"),
            ValueError,
            "must start with '/'",
        ),
        (
            "request query",
            lambda p: p.request("GET", "/api/v1/customers?x=1"),
            ValueError,
            "no query",
        ),
        (
            "request fragment",
            lambda p: p.request("GET", "/api/v1/customers#x"),
            ValueError,
            "no query",
        ),
        (
            "request query val",
            lambda p: p.request("GET", "/api/v1/customers", query={"x": 1.5}),
            TypeError,
            "query values",
        ),
        ("options retries", lambda p: p.with_options(max_retries=-1), ValueError, "max_retries"),
        (
            "options retries str",
            lambda p: p.with_options(max_retries="3"),
            ValueError,
            "max_retries",
        ),
        ("options timeout", lambda p: p.with_options(timeout="3"), TypeError, "timeout must be"),
        ("merchant empty", lambda p: p.for_merchant(""), ValueError, "account_id must be"),
        ("merchant int", lambda p: p.for_merchant(1), ValueError, "account_id must be"),
    ]


@pytest.mark.parametrize(
    ("name", "call", "kind", "message"), _type_cases(), ids=[c[0] for c in _type_cases()]
)
def test_wrong_types_and_ranges_are_refused_before_any_request(
    fake: FakePlugipay,
    plug: PlugipayClient,
    name: str,
    call: Call,
    kind: type[Exception],
    message: str,
) -> None:
    with pytest.raises(kind, match=message) as err:
        call(plug)
    assert not isinstance(err.value, PlugipayError)
    assert list(fake.requests) == [], name


def test_wrong_client_options_are_refused() -> None:
    base = "https://plugipay.test"
    with pytest.raises(TypeError, match="key_id must be a str"):
        PlugipayClient(key_id=1, secret="s", base_url=base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="the key secret must be a non-empty str"):
        PlugipayClient(key_id="k", secret=1, base_url=base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^timeout must be a number of seconds from 0 to 86400"):
        PlugipayClient(key_id="k", secret="s", base_url=base, timeout=-1)
    for huge in (1e10, float("inf"), float("nan")):
        with pytest.raises(ValueError, match=r"^timeout must be a number of seconds from 0"):
            PlugipayClient(key_id="k", secret="s", base_url=base, timeout=huge)
    with pytest.raises(ValueError, match=r"^timeout must be a number of seconds from 0"):
        PlugipayClient(key_id="k", secret="s", base_url=base, timeout=httpx.Timeout(5, read=1e10))
    with pytest.raises(ValueError, match=r"^total_timeout must be a number of seconds from 0"):
        PlugipayClient(key_id="k", secret="s", base_url=base, total_timeout=float("inf"))
    with pytest.raises(TypeError, match=r"http_client must be an httpx\.Client"):
        PlugipayClient(key_id="k", secret="s", base_url=base, http_client=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="base_url must be an http"):
        PlugipayClient(key_id="k", secret="s", base_url="file:///etc/passwd")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/customers/../workspaces", "/api/v1/customers/./x", "/api/v1/../v1/customers"],
)
def test_request_escape_hatch_refuses_dot_segments(
    fake: FakePlugipay, plug: PlugipayClient, path: str
) -> None:
    with pytest.raises(ValueError, match=r"^path must not have '\.' or '\.\.' segments"):
        plug.request("GET", path)
    assert list(fake.requests) == []


# -- the async tier -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_client_refuses_the_same_input(fake: FakePlugipay) -> None:
    async with fake.async_client(max_retries=0) as plug:
        with pytest.raises(ValueError, match="non-empty id other than"):
            await plug.customers.get("..")
        with pytest.raises(ValueError, match="idempotency_key must not contain CR, LF"):
            await plug.customers.create(idempotency_key="k" + _CRLF)
        with pytest.raises(ValueError, match="nan cannot be sent"):
            await plug.request("POST", "/api/v1/customers", body={"x": math.nan})
        with pytest.raises(ValueError, match="lone surrogate"):
            await plug.customers.create(name="\ud800")
        with pytest.raises(ValueError, match="between 1 and 100"):
            plug.customers.list(limit=10**9)
        with pytest.raises(ValueError, match="at most 50 entries"):
            await plug.customers.create(metadata={f"k{i}": "v" for i in range(51)})
        assert list(fake.requests) == []
        with pytest.raises(NotFoundError):
            await plug.customers.get("../admin/workspaces")
        with pytest.raises(BadRequestError):
            await plug.customers.list(cursor="../x")
    assert [r.target for r in fake.requests] == [
        "/api/v1/customers/..%2Fadmin%2Fworkspaces",
        "/api/v1/customers?cursor=..%2Fx",
    ]
    assert all(re.fullmatch(r"/api/v1/customers(/[^/]+)?", r.path) for r in fake.requests)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("k" * 256, "idempotency_key must be at most 255 characters, got 256"),
        ("k" * 20_000, "at most 255 characters, got 20000"),
        ("import 1", "printable ASCII without spaces"),
        ("a\tb", "control characters"),
        ("ключ", "must be ASCII"),
    ],
)
def test_idempotency_keys_past_the_limits_are_refused_before_sending(
    fake: FakePlugipay, plug: PlugipayClient, key: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        plug.customers.create(email="a@example.com", idempotency_key=key)
    assert list(fake.requests) == []


def test_an_idempotency_key_at_the_limit_is_sent_as_is(
    fake: FakePlugipay, plug: PlugipayClient
) -> None:
    key = "~" + "k" * 253 + "!"
    plug.customers.create(email="a@example.com", idempotency_key=key)
    assert [r.headers["idempotency-key"] for r in fake.requests] == [key]


def test_empty_names_and_external_ids_are_refused_before_sending(
    fake: FakePlugipay, plug: PlugipayClient
) -> None:
    for call in (
        lambda: plug.customers.create(name=""),
        lambda: plug.customers.create(external_id=""),
        lambda: plug.customers.update("cus_1", name=""),
        lambda: plug.workspaces.create(name=""),
        lambda: plug.workspaces.update(_WS, name=""),
    ):
        with pytest.raises(ValueError, match="must not be empty"):
            call()
    with pytest.raises(ValueError, match="name can't be cleared"):
        plug.workspaces.update(_WS, name=None)  # type: ignore[arg-type]
    assert list(fake.requests) == []


@pytest.mark.parametrize("path", ["/api/v1/%2e%2e/admin/workspaces", "/api/v1//customers"])
def test_request_paths_with_encoded_dots_or_empty_segments_are_refused(
    fake: FakePlugipay, plug: PlugipayClient, path: str
) -> None:
    with pytest.raises(ValueError, match="must not have"):
        plug.request("GET", path)
    assert list(fake.requests) == []


def test_workspace_create_and_update_check_the_same_field_the_same_way(
    fake: FakePlugipay, plug: PlugipayClient
) -> None:
    """create used to take a 308-character business_email that update refused, and update sent
    default_currency="USDX" that create refused."""
    email = "a" * 64 + "@" + ".".join(["x" * 60] * 4) + ".com"
    assert len(email) == 312
    for call in (
        lambda: plug.workspaces.create(default_currency="USDX"),
        lambda: plug.workspaces.update(_WS, default_currency="USDX"),
        lambda: plug.workspaces.create(default_currency="usd"),
        lambda: plug.workspaces.update(_WS, default_currency="usd"),
    ):
        with pytest.raises(ValueError, match="ISO 4217 code of three upper-case letters"):
            call()
    ws = plug.workspaces.create(business_email=email)
    assert ws.business_email == email
    assert plug.workspaces.update(ws.id, business_email=email).business_email == email
    for call in (
        lambda: plug.workspaces.create(business_email="a" * 321),
        lambda: plug.workspaces.update(_WS, business_email="a" * 321),
    ):
        with pytest.raises(ValueError, match="business_email must be at most 320 characters"):
            call()
