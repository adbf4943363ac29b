"""Sync-only behaviour: the paginator's lazy first-page view (``.data``) and ``[i]`` over the list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from plugipay import PlugipayClient
from tests._sync.helpers import BASE_URL, KEY_ID, SECRET, error
from tests._sync.test_pagination import PagedServer


@pytest.fixture
def server() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def test_first_page_view_is_fetched_once_on_first_use(server: respx.MockRouter) -> None:
    server.get("/api/v1/customers").mock(side_effect=PagedServer("documented"))
    with PlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=BASE_URL) as plug:
        page = plug.customers.list(limit=10)
        assert server.calls.call_count == 0
        assert len(page.data) == 10
        assert page.has_more is True
        assert page.cursor == page.next_cursor == "cur_10"
        assert page[0].email == "c0@example.com"
        assert [c.email for c in page.data[:2]] == ["c0@example.com", "c1@example.com"]
        assert server.calls.call_count == 1


def test_seed_002_cursor_loop_walks_every_page(server: respx.MockRouter) -> None:
    server.get("/api/v1/customers").mock(side_effect=PagedServer("observed"))
    seen = 0
    with PlugipayClient(key_id=KEY_ID, secret=SECRET, base_url=BASE_URL) as plug:
        cursor = None
        while True:
            page = plug.customers.list(limit=100, cursor=cursor)
            for c in page.data:
                assert c.get("email")
                seen += 1
            if not page.has_more:
                break
            cursor = page.cursor
    assert seen == 10_000


def test_an_interrupt_during_backoff_stops_the_call_at_once(server: respx.MockRouter) -> None:
    """The sync twin of cancelling during a backoff: Ctrl-C in the sleep ends the call."""
    route = server.get("/api/v1/customers").mock(
        return_value=error(503, "SERVICE_UNAVAILABLE", **{"Retry-After": "30"})
    )
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        raise KeyboardInterrupt

    with (
        PlugipayClient(
            key_id=KEY_ID, secret=SECRET, base_url=BASE_URL, max_retries=5, _sleep=sleep
        ) as plug,
        pytest.raises(KeyboardInterrupt),
    ):
        plug.request("GET", "/api/v1/customers")
    assert slept == [30.0]
    assert route.call_count == 1


def test_len_index_and_truth_never_mean_the_first_page_while_iteration_means_all() -> None:
    """limit 2, five customers: ``len()`` used to say 2 while ``list()`` gave 5."""
    from plugipay.testing import FakePlugipay

    fake = FakePlugipay(seed=9)
    with fake.client() as plug:
        for i in range(5):
            plug.customers.create(email=f"c{i}@example.com")
        paginator = plug.customers.list(limit=2, order="asc")
        everything = list(paginator)
        assert len(everything) == 5
        with pytest.raises(TypeError, match="has no len"):
            len(paginator)  # type: ignore[arg-type]
        assert len(paginator.data) == 2  # the page, said explicitly
        assert [paginator[i].email for i in range(5)] == [c.email for c in everything]
        with pytest.raises(IndexError, match="past the end"):
            paginator[5]
        with pytest.raises(IndexError, match="from the end"):
            paginator[-1]
        with pytest.raises(TypeError, match="must be ints"):
            paginator["0"]  # type: ignore[call-overload]
        assert bool(paginator) is True
        assert bool(plug.customers.list(email="nobody@example.com")) is False
        fake.clear_requests()
        assert plug.customers.list(limit=2)[1].email == everything[-2].email
        assert len(fake.requests) == 1, "an index inside the first page fetches one page"
