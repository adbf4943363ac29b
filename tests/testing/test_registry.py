"""The emulator's building blocks: the resource registry, the route table and ``Collection``."""

from __future__ import annotations

import pkgutil
import re
from collections import Counter

import pytest

from plugipay.testing import resources
from plugipay.testing._routing import Call, Result, Route, RouteTable
from plugipay.testing._store import Collection, Kind, wire


def _handler(call: Call) -> Result:
    return 200, None, None


def test_every_resource_module_is_registered() -> None:
    names = {info.name for info in pkgutil.iter_modules(resources.__path__)}
    modules = {name for name in names if not name.startswith("_")}
    registered = {module.__name__.rsplit(".", 1)[-1] for module in resources.MODULES}
    assert registered == modules
    assert len(resources.MODULES) == len(registered)


def test_every_module_declares_routes() -> None:
    for module in resources.MODULES:
        assert module.ROUTES, module.__name__
        assert all(isinstance(route, Route) for route in module.ROUTES), module.__name__


def test_no_method_and_route_is_declared_twice() -> None:
    pairs = Counter((route.method, route.pattern) for route in resources.ROUTES)
    assert [pair for pair, count in pairs.items() if count > 1] == []
    first = Route("GET", "/a/{x}", _handler, "s", "none")
    with pytest.raises(ValueError, match=re.escape("GET /a/{x} is declared twice")):
        RouteTable([first, Route("GET", "/a/{x}", _handler, "s", "none")])
    with pytest.raises(ValueError, match="names its parameters unlike"):
        RouteTable([first, Route("POST", "/a/{y}", _handler, "s", "none")])


def test_route_paths_are_checked() -> None:
    for bad in ("customers", "/customers/", "//x", "/a//b"):
        with pytest.raises(ValueError, match="route path"):
            Route("GET", bad, _handler, "s", "none")
    with pytest.raises(ValueError, match="upper case"):
        Route("get", "/x", _handler, "s", "none")


def test_literal_segments_win_over_parameters_and_parameters_are_decoded() -> None:
    by_id = Route("GET", "/x/{id}", _handler, "s", "none")
    search = Route("GET", "/x/search", _handler, "s", "none")
    post = Route("POST", "/x/{id}", _handler, "s", "none")
    table = RouteTable([by_id, post, search])
    assert table.match("/p/api/v1/x/search", "/p") == ({"GET": search}, {})
    assert table.match("/api/v1/x/a%2F..%2Fb") == ({"GET": by_id, "POST": post}, {"id": "a/../b"})
    assert table.match("/api/v1/x/") is None
    assert table.match("/api/v1/x/a/b") is None
    assert table.match("/api/v2/x/a") is None


def test_collection_keeps_order_scopes_and_unique_indexes() -> None:
    things = Collection(Kind("things", unique=("code",)))
    a = things.insert({"id": "t_a", "code": "A", "createdAt": "2026-01-01"}, scope="s1")
    b = things.insert({"id": "t_b", "code": "A", "createdAt": "2026-01-02"}, scope="s2")
    c = things.insert({"id": "t_c", "code": None, "createdAt": "2026-01-01"}, scope="s1")
    assert things.ordered("s1") == [a, c] and things.get("t_a", "s2") is None
    assert things.find("code", "A", "s1") is a and things.find("code", "A", "s2") is b
    with pytest.raises(ValueError, match="code 'A' is taken"):
        things.insert({"id": "t_d", "code": "A", "createdAt": "2026-01-03"}, scope="s1")
    with pytest.raises(ValueError, match="code 'A' is taken"):
        things.update(c, {"code": "A"})
    assert things.update(a, {"code": "B", "name": None}) == {"code": "A"}
    assert things.find("code", "A", "s1") is None and things.find("code", "B", "s1") is a
    items, last, more = things.page("s1", after=None, descending=True, limit=1)
    assert (items, last, more) == ([c], ("2026-01-01", "t_c"), True)
    things.remove(a)
    assert things.find("code", "B", "s1") is None and things.ordered("s1") == [c]
    assert len(things) == 2 and list(things) == [b, c]


def test_wire_copies_leave_private_fields_out() -> None:
    stored: dict[str, object] = {"id": "x", "meta": {"k": ["v"]}, "_owner": "usr_1", "_ids": []}
    out = wire(stored)
    assert out == {"id": "x", "meta": {"k": ["v"]}}
    meta = out["meta"]
    assert isinstance(meta, dict)
    meta["k"].append("changed")
    assert stored["meta"] == {"k": ["v"]}
