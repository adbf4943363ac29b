"""Cursor pagination: every item once and in order, one page in memory, both meta shapes."""

from __future__ import annotations

import gc
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from plugipay import AsyncPlugipayClient, InvalidResponseError
from plugipay._async._pagination import AsyncPage

pytestmark = pytest.mark.anyio

TOTAL = 10_000
PER_PAGE = 100


def customer(i: int) -> dict[str, object]:
    return {
        "id": f"cus_{i:026d}",
        "email": f"c{i}@example.com",
        "createdAt": "2026-05-12T10:42:00.123Z",
    }


def live_pages(paginator: object) -> int:
    """Pages of ``paginator`` still alive (other tests' garbage doesn't count)."""
    return sum(
        1 for obj in gc.get_objects() if type(obj) is AsyncPage and obj._paginator is paginator
    )


class PagedServer:
    """Serves TOTAL customers, PER_PAGE at a time, in either meta shape; counts live pages."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.fetches = 0
        self.pages_alive_at_fetch: list[int] = []
        self.watched: object = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.fetches > 1 and self.watched is not None:
            self.pages_alive_at_fetch.append(live_pages(self.watched))
        query = parse_qs(urlsplit(str(request.url)).query)
        start = int(query["cursor"][0].removeprefix("cur_")) if "cursor" in query else 0
        limit = int(query["limit"][0])
        end = min(start + limit, TOTAL)
        has_more = end < TOTAL
        cursor = f"cur_{end}" if has_more else None
        if self.shape == "documented":
            meta: dict[str, object] = {
                "requestId": "req_1",
                "page": {"limit": limit, "hasMore": has_more, "nextCursor": cursor},
            }
        else:
            meta = {"requestId": "req_1", "cursor": cursor, "hasMore": has_more}
        body = {"data": [customer(i) for i in range(start, end)], "error": None, "meta": meta}
        return httpx.Response(200, content=json.dumps(body).encode())


@pytest.mark.parametrize("shape", ["documented", "observed"])
async def test_ten_thousand_customers_each_exactly_once_in_order_one_page_held(
    server: respx.MockRouter, plug: AsyncPlugipayClient, shape: str
) -> None:
    paged = PagedServer(shape)
    server.get("/api/v1/customers").mock(side_effect=paged)
    paginator = plug.customers.list(limit=PER_PAGE)
    paged.watched = paginator
    ids = []
    async for c in paginator:
        ids.append(c.id)
    assert ids == [f"cus_{i:026d}" for i in range(TOTAL)]
    assert paged.fetches == TOTAL // PER_PAGE
    assert paged.pages_alive_at_fetch == [0] * (TOTAL // PER_PAGE - 1)


async def test_await_then_get_next_page_and_cursor_resume(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers").mock(side_effect=PagedServer("observed"))
    first = await plug.customers.list(limit=100)
    second = await first.get_next_page()
    assert second is not None
    assert second.data[0].id == f"cus_{100:026d}"
    resumed = await plug.customers.list(limit=100, cursor=first.cursor)
    assert [c.id for c in resumed.data] == [c.id for c in second.data]


async def test_iter_pages_and_auto_paging_iter(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    server.get("/api/v1/customers").mock(side_effect=PagedServer("documented"))
    sizes = [len(p.data) async for p in plug.customers.list(limit=100).iter_pages()]
    assert sizes == [100] * 100
    count = 0
    async for _ in plug.customers.list(limit=100).auto_paging_iter():
        count += 1
    assert count == TOTAL


async def test_last_page_has_no_next(server: respx.MockRouter, plug: AsyncPlugipayClient) -> None:
    server.get("/api/v1/customers").mock(
        return_value=httpx.Response(200, json={"data": [], "error": None, "meta": {}})
    )
    page = await plug.customers.list()
    assert page.has_more is False
    assert page.cursor is None
    assert await page.get_next_page() is None


async def test_a_repeated_cursor_is_an_error_not_a_loop(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = {"data": [customer(1)], "error": None, "meta": {"cursor": "cur_same", "hasMore": True}}
    server.get("/api/v1/customers").mock(return_value=httpx.Response(200, json=body))
    seen = 0
    with pytest.raises(InvalidResponseError, match="repeated the cursor"):
        async for _ in plug.customers.list():
            seen += 1
    assert seen == 2
    assert server.calls.call_count == 2


async def test_has_more_without_cursor_is_an_error(
    server: respx.MockRouter, plug: AsyncPlugipayClient
) -> None:
    body = {"data": [], "error": None, "meta": {"hasMore": True}}
    server.get("/api/v1/customers").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(InvalidResponseError):
        _ = (await plug.customers.list()).data
