"""Cursor pagination: every item once and in order, one page in memory, both meta shapes."""

from __future__ import annotations

import json
import weakref
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from plugipay import AsyncPlugipayClient, InvalidResponseError

pytestmark = pytest.mark.anyio

TOTAL = 10_000
PER_PAGE = 100


def customer(i: int) -> dict[str, object]:
    return {
        "id": f"cus_{i:026d}",
        "email": f"c{i}@example.com",
        "createdAt": "2026-05-12T10:42:00.123Z",
    }


class PagedServer:
    """Serves TOTAL customers, PER_PAGE at a time, in either meta shape.

    At every fetch it records how many of the items handed out so far are still alive: with one
    page in memory, only the item the caller holds survives the move to the next page.
    """

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.fetches = 0
        self.handed_out: weakref.WeakSet[object] = weakref.WeakSet()
        self.alive_at_fetch: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.fetches > 1:
            self.alive_at_fetch.append(len(self.handed_out))
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
    ids = []
    async for c in plug.customers.list(limit=PER_PAGE):
        paged.handed_out.add(c)
        ids.append(c.id)
    assert ids == [f"cus_{i:026d}" for i in range(TOTAL)]
    assert paged.fetches == TOTAL // PER_PAGE
    # Only ``c``, the last item of the page before, is alive while the next page is fetched.
    assert paged.alive_at_fetch == [1] * (TOTAL // PER_PAGE - 1)


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
