"""Cursor pagination: a paginator that fetches nothing until used, and the pages it yields.

``list()`` returns an ``AsyncCursorPaginator`` at once; its first page is fetched on first use.
Iterating it (or ``auto_paging_iter()``) walks every item of every page; ``iter_pages()`` walks
pages. Only one page is held while walking, and a server that repeats a cursor is an
``InvalidResponseError`` rather than an endless loop. The members only one flavour has live in
the paired mixins of ``plugipay._page``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._envelope import Envelope, page_info
from .._exceptions import InvalidResponseError
from .._page import AsyncPageAccess, PageResult
from .._validation import MAX_CURSOR_LENGTH

if TYPE_CHECKING:
    from ._client import AsyncPlugipayClient

__all__ = ["AsyncCursorPaginator", "AsyncPage"]

T = TypeVar("T")


class AsyncPage(PageResult[T]):
    """One page of a list; ``get_next_page()`` fetches the page after it."""

    __slots__ = ("_paginator",)

    def __init__(
        self,
        data: list[T],
        *,
        cursor: str | None,
        has_more: bool,
        paginator: AsyncCursorPaginator[T],
    ) -> None:
        super().__init__(data, cursor=cursor, has_more=has_more)
        self._paginator = paginator

    async def get_next_page(self) -> AsyncPage[T] | None:
        """The next page, or ``None`` when this is the last one."""
        if not self.has_more:
            return None
        return await self._paginator._fetch(self.cursor)


class AsyncCursorPaginator(AsyncPageAccess["AsyncPage[T]", T], Generic[T]):
    """A lazy, cursor-driven walk over a list endpoint."""

    __slots__ = ("_client", "_cursor", "_decode", "_first", "_path", "_query")

    def __init__(
        self,
        client: AsyncPlugipayClient,
        path: str,
        query: list[tuple[str, object]],
        decode: Callable[[list[Any]], list[T]],
        *,
        cursor: str | None = None,
    ) -> None:
        self._client = client
        self._path = path
        self._query = query
        self._decode = decode
        self._cursor = cursor
        self._first: AsyncPage[T] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self._path!r})"

    async def _fetch(self, cursor: str | None) -> AsyncPage[T]:
        query = [*self._query, ("cursor", cursor)] if cursor is not None else self._query
        return await self._client._request("GET", self._path, self._page_of, query=query)

    def _page_of(self, envelope: Envelope) -> AsyncPage[T]:
        items = envelope.data
        if not isinstance(items, list):
            raise InvalidResponseError("a list endpoint answered with data that isn't a list")
        info = page_info(envelope.meta)
        if info.has_more and info.next_cursor is None:
            raise InvalidResponseError("the server said there is more but gave no cursor")
        if info.next_cursor is not None and len(info.next_cursor) > MAX_CURSOR_LENGTH:
            raise InvalidResponseError(
                f"the server's next cursor is {len(info.next_cursor)} characters long; "
                f"at most {MAX_CURSOR_LENGTH} are taken"
            )
        return AsyncPage(
            self._decode(items), cursor=info.next_cursor, has_more=info.has_more, paginator=self
        )

    async def _first_page(self) -> AsyncPage[T]:
        if self._first is None:
            self._first = await self._fetch(self._cursor)
        return self._first

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Every page in turn, starting with the first; one page is held at a time."""
        page = self._first if self._first is not None else await self._fetch(self._cursor)
        seen: set[str] = set()
        while True:
            yield page
            if not page.has_more or page.cursor is None:
                return
            if page.cursor in seen or page.cursor == self._cursor:
                raise InvalidResponseError(f"the server repeated the cursor {page.cursor!r}")
            seen.add(page.cursor)
            cursor = page.cursor
            del page  # drop the old page before fetching the next: memory stays one page deep
            page = await self._fetch(cursor)

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        """Every item of every page, in order."""
        async for page in self.iter_pages():
            items = page.data
            del page  # hold only the items while the caller works through them
            for item in items:
                yield item
            del items  # ...and not even those while the next page is fetched

    def __aiter__(self) -> AsyncIterator[T]:
        return self.auto_paging_iter()


# Their public home, as httpx's classes report theirs.
AsyncPage.__module__ = AsyncCursorPaginator.__module__ = "plugipay"
