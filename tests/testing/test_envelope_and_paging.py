"""Envelope, request ids, status codes (SPEC §3) and keyset pagination (SPEC §8)."""

from __future__ import annotations

import pytest

from plugipay.testing import FakePlugipay

from .emulator_helpers import RawClient, error_of

CUSTOMERS = "/api/v1/customers"


def test_success_envelope_and_headers(raw: RawClient) -> None:
    response = raw.post(CUSTOMERS, json={"name": "A"}, idempotency_key="k")
    body = response.json()
    assert set(body) == {"data", "error", "meta"}
    assert body["error"] is None
    request_id = response.headers["x-request-id"]
    assert request_id.startswith("req_") and len(request_id) == 30
    assert body["meta"] == {"requestId": request_id, "timestamp": "2026-05-12T10:42:00.000Z"}
    assert response.headers["content-type"] == "application/json"
    assert "idempotent-replayed" not in response.headers


def test_request_ids_are_unique(raw: RawClient) -> None:
    ids = {raw.get(CUSTOMERS).headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_list_meta_carries_both_pagination_shapes(raw: RawClient) -> None:
    for i in range(3):
        raw.create_customer(name=f"c{i}")
    response = raw.get(f"{CUSTOMERS}?limit=2")
    meta = response.json()["meta"]
    cursor = meta["page"]["nextCursor"]
    assert cursor.startswith("cur_")
    assert meta["page"] == {"limit": 2, "hasMore": True, "nextCursor": cursor}
    assert (meta["cursor"], meta["hasMore"]) == (cursor, True)
    last = raw.get(f"{CUSTOMERS}?limit=2&cursor={cursor}").json()
    assert len(last["data"]) == 1
    assert last["meta"]["page"] == {"limit": 2, "hasMore": False, "nextCursor": None}
    assert (last["meta"]["cursor"], last["meta"]["hasMore"]) == (None, False)


def test_204_has_no_body(raw: RawClient, fake: FakePlugipay) -> None:
    response = raw.delete(f"/api/v1/workspaces/{fake.workspace_id}", idempotency_key="d")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert response.headers["x-request-id"].startswith("req_")


def test_unknown_route_and_wrong_method(raw: RawClient) -> None:
    response = raw.get("/api/v1/dashboard/overview")
    assert error_of(response) == (404, "NOT_FOUND")
    assert response.json()["error"]["message"] == "No route for GET /api/v1/dashboard/overview"
    response = raw.get("/v1/customers")
    assert error_of(response) == (404, "NOT_FOUND")
    customer = raw.create_customer()
    response = raw.delete(f"{CUSTOMERS}/{customer['id']}", idempotency_key="x")
    assert error_of(response) == (405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, PATCH"


def test_base_url_path_prefix_is_routed_and_signed() -> None:
    fake = FakePlugipay(base_url="http://gateway.test/plugipay")
    raw = RawClient(fake)
    assert raw.post(CUSTOMERS, json={"name": "p"}, idempotency_key="k").status_code == 201
    assert fake.requests[-1].target == "/plugipay/api/v1/customers"
    response = raw.http.get("http://gateway.test/api/v1/customers")
    assert response.status_code == 401


@pytest.mark.parametrize(("limit", "expected"), [("0", 1), ("-5", 1), ("101", 100), ("100", 100)])
def test_limit_is_clamped(raw: RawClient, limit: str, expected: int) -> None:
    meta = raw.get(f"{CUSTOMERS}?limit={limit}").json()["meta"]
    assert meta["page"]["limit"] == expected


def test_bad_list_parameters(raw: RawClient) -> None:
    for query in ("limit=ten", "cursor=nope", "cursor=cur_%21%21", "order=newest"):
        response = raw.get(f"{CUSTOMERS}?{query}")
        assert error_of(response) == (400, "VALIDATION_ERROR"), query
        field = response.json()["error"]["details"][0]["field"]
        assert field == query.split("=")[0]


def walk(raw: RawClient, query: str, on_page: object = None) -> list[str]:
    seen: list[str] = []
    cursor = ""
    for _ in range(1000):
        suffix = f"&cursor={cursor}" if cursor else ""
        body = raw.get(f"{CUSTOMERS}?{query}{suffix}").json()
        seen.extend(c["id"] for c in body["data"])
        if callable(on_page):
            on_page()
        if not body["meta"]["hasMore"]:
            return seen
        cursor = body["meta"]["page"]["nextCursor"]
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_keyset_walk_has_no_duplicates_or_skips_while_inserting(
    raw: RawClient, fake: FakePlugipay, order: str
) -> None:
    existing = [raw.create_customer(name=f"c{i}")["id"] for i in range(25)]
    fake.clock.advance(0.001)
    fresh: list[str] = []

    def insert_two() -> None:
        for _ in range(2):
            fresh.append(raw.create_customer(name="during")["id"])

    seen = walk(raw, f"limit=4&order={order}", insert_two)
    assert len(seen) == len(set(seen))
    if order == "desc":
        assert seen == existing[::-1]  # newest first; items made during the walk come before it
    else:
        assert seen == existing + fresh[: len(seen) - len(existing)]
        assert seen[: len(existing)] == existing


def test_same_millisecond_items_order_by_id(raw: RawClient) -> None:
    # the clock is frozen: every item shares createdAt, the id breaks the tie
    made = [raw.create_customer()["id"] for _ in range(7)]
    assert made == sorted(made)
    assert walk(raw, "limit=3") == made[::-1]
    assert walk(raw, "limit=2&order=asc") == made


def test_filters_page_too(raw: RawClient) -> None:
    wanted = []
    for i in range(9):
        c = raw.create_customer(email="x@example.com" if i % 3 == 0 else f"y{i}@example.com")
        if i % 3 == 0:
            wanted.append(c["id"])
    assert walk(raw, "limit=1&email=x%40example.com") == wanted[::-1]


def test_default_limit_is_20(raw: RawClient) -> None:
    for _ in range(21):
        raw.create_customer()
    body = raw.get(CUSTOMERS).json()
    assert len(body["data"]) == 20 and body["meta"]["hasMore"] is True
