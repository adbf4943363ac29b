"""One page of a list, and the flavour-only members of the paginators (DESIGN "Names come in pairs").

``PageResult`` holds a page's items and where the list continues; it does no I/O. The mixins
give each paginator what only its flavour has: ``AsyncPageAccess`` makes the async paginator
awaitable for its first page; ``PageAccess`` gives the sync one a lazy ``.data`` view of the first
page and ``[i]`` over the whole list. They are written by hand, in pairs, so the generator only renames.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Generator, Iterator
from typing import Any, Generic, TypeVar, overload

__all__ = ["AsyncPageAccess", "PageAccess", "PageResult"]

T = TypeVar("T")
P = TypeVar("P", bound="PageResult[Any]")


class PageResult(Generic[T]):
    """A page of items: ``data``, ``has_more`` and ``cursor`` (the next page's cursor)."""

    __slots__ = ("cursor", "data", "has_more")

    def __init__(self, data: list[T], *, cursor: str | None = None, has_more: bool = False) -> None:
        self.data = data
        self.cursor = cursor
        self.has_more = has_more

    @property
    def next_cursor(self) -> str | None:
        """Alias of ``cursor``: feed it back as ``list(cursor=...)`` to continue."""
        return self.cursor

    def __len__(self) -> int:
        return len(self.data)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.data[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items={len(self.data)}, has_more={self.has_more}, "
            f"cursor={self.cursor!r})"
        )


class AsyncPageAccess(Generic[P, T]):
    """Async-only paginator member: ``await paginator`` gives the first page."""

    __slots__ = ()

    @abstractmethod
    def _first_page(self) -> Awaitable[P]:
        """Fetch (once) and return the first page."""

    def __await__(self) -> Generator[Any, None, P]:
        return self._first_page().__await__()


class PageAccess(Generic[P, T]):
    """Sync-only paginator members: ``.data``, ``.has_more`` and ``.cursor`` speak of the first
    page (fetched on first use, then kept); ``[i]`` and truthiness speak of the whole list, as
    iteration does. There is no ``len()``: ``len(p.data)`` or ``len(list(p))``."""

    __slots__ = ()

    @abstractmethod
    def _first_page(self) -> P:
        """Fetch (once) and return the first page."""

    @property
    def data(self) -> list[T]:
        """The first page's items."""
        items: list[T] = self._first_page().data
        return items

    @property
    def has_more(self) -> bool:
        """Whether the list goes on after the first page."""
        return self._first_page().has_more

    @property
    def cursor(self) -> str | None:
        """The cursor of the page after the first one."""
        return self._first_page().cursor

    @property
    def next_cursor(self) -> str | None:
        """Alias of ``cursor``."""
        return self._first_page().cursor

    # No __len__: a length could only mean the first page (while iteration walks every page) or
    # cost a walk of the whole list. ``len(p.data)`` and ``len(list(p))`` say which one is meant.

    def __getitem__(self, index: int) -> T:
        """The item at ``index`` of the whole list, as iteration yields it (``list()[0]`` in
        seed 000); pages past the first are fetched only when ``index`` lies beyond it."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"paginator indexes must be ints, not {type(index).__name__}")
        if index < 0:
            raise IndexError("a paginator can't be indexed from the end: use list(paginator)[i]")
        first: PageResult[T] = self._first_page()
        if index < len(first.data):
            return first.data[index]
        items = self._items()
        try:
            for position, item in enumerate(items):
                if position == index:
                    return item
        finally:
            items.close()  # stop the walk: no page past the one holding ``index`` is fetched
        raise IndexError(f"paginator index {index} is past the end of the list")

    def __bool__(self) -> bool:
        """Whether the list has any item (not whether the first page has one)."""
        if self._first_page().data:
            return True
        items = self._items()
        try:
            return next(items, None) is not None
        finally:
            items.close()

    def _items(self) -> Generator[T, None, None]:
        iterate: Any = self  # the flavour's paginator, which iterates every item of every page
        items: Generator[T, None, None] = iter(iterate)
        return items

    def get_next_page(self) -> P | None:
        """The page after the first one, or ``None`` when the first is the last."""
        first: Any = self._first_page()  # the flavour's page class, which knows how to fetch
        next_page: P | None = first.get_next_page()
        return next_page


PageResult.__module__ = "plugipay"  # its public home
