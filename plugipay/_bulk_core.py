"""What both bulk flavours share: the result, the job plan and the tally that builds it (which
items this shard runs, which the journal already holds, recording each finished one), the
concurrency default and its check, and the checks that ``fn`` is of the flavour's kind (async for
``arun``, blocking for ``run``). No network and no clock; the only I/O is the journal it is
given (``plugipay/_journal.py``). ``plugipay.bulk.arun`` (task group) and
``plugipay._sync._bulk.run`` (thread pool) both build on it.

Invariant: ``results`` is in input order with ``None`` where an item failed; ``failed`` is sorted
by input index; ``succeeded_count + failed_count == total`` once the run has finished; an item is
in the journal only once its call has returned a result.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar, Union, cast

import attrs

from ._journal import FileJournal, JournalStore

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkFailure",
    "BulkResult",
    "Job",
    "JournalArg",
    "ProgressCallback",
    "Tally",
    "check_arun_result",
    "check_concurrency",
    "check_run_function",
    "check_run_result",
    "check_shard",
    "open_journal",
]

DEFAULT_CONCURRENCY = 16
"""How many calls run at once unless the caller says otherwise."""

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

ProgressCallback = Callable[[int, int, int], object]
"""``on_progress(done, failed, total)``: called after each item; ``done`` counts failures too,
and items taken from the journal."""

JournalArg = Union[str, "os.PathLike[str]", JournalStore]
"""``journal=``: a path (a ``FileJournal`` is opened there) or a caller's ``JournalStore``."""


@attrs.frozen
class BulkFailure(Generic[ItemT]):
    """One item whose call raised."""

    index: int
    """Its position in the input."""
    item: ItemT
    """The item itself."""
    exception: Exception
    """What the call raised."""


@attrs.frozen
class BulkResult(Generic[ItemT, ResultT]):
    """The outcome of a bulk run: every result in input order, and every failure."""

    results: list[ResultT | None]
    """One entry per input item, in input order; ``None`` where the item failed."""
    failed: list[BulkFailure[ItemT]]
    """The failures, by input index."""
    resumed: int = 0
    """How many results came from the journal (items a previous run finished) without a call."""

    @property
    def total(self) -> int:
        """How many items the run was given."""
        return len(self.results)

    @property
    def succeeded(self) -> list[ResultT]:
        """The results of the items that succeeded, in input order."""
        failed = {failure.index for failure in self.failed}
        return [cast(ResultT, r) for i, r in enumerate(self.results) if i not in failed]

    @property
    def succeeded_count(self) -> int:
        """How many items succeeded."""
        return len(self.results) - len(self.failed)

    @property
    def failed_count(self) -> int:
        """How many items failed."""
        return len(self.failed)

    @property
    def ok(self) -> bool:
        """True when no item failed."""
        return not self.failed


class Tally(Generic[ItemT, ResultT]):
    """Collects outcomes as items finish (in any order) and reports progress."""

    def __init__(
        self,
        items: Sequence[ItemT],
        on_progress: ProgressCallback | None,
        *,
        keys: Sequence[str] | None = None,
        journal: JournalStore | None = None,
    ) -> None:
        self.items = items
        self._results: list[ResultT | None] = [None] * len(items)
        self._failed: list[BulkFailure[ItemT]] = []
        self._on_progress = on_progress
        self._keys = keys
        self._journal = journal
        self.done = 0
        self.resumed = 0

    def resume(self, index: int, value: ResultT) -> None:
        """Take item ``index``'s result from the journal (no call, no progress report)."""
        self._results[index] = value
        self.done += 1
        self.resumed += 1

    def succeed(self, index: int, value: ResultT) -> None:
        """Record the result of item ``index`` (in the journal too) and report progress.

        An error from the journal propagates, like one from ``on_progress``: the run stops.
        """
        self._results[index] = value
        if self._journal is not None and self._keys is not None:
            self._journal[self._keys[index]] = value
        self._finish()

    def fail(self, index: int, exception: Exception) -> None:
        """Record that item ``index`` raised ``exception`` and report progress."""
        self._failed.append(BulkFailure(index, self.items[index], exception))
        self._finish()

    def _finish(self) -> None:
        self.done += 1
        if self._on_progress is not None:
            self._on_progress(self.done, len(self._failed), len(self.items))

    def result(self) -> BulkResult[ItemT, ResultT]:
        """The finished run's result."""
        failed = sorted(self._failed, key=lambda f: f.index)
        return BulkResult(self._results, failed, self.resumed)


class Job(Generic[ItemT, ResultT]):
    """One run planned: this shard's items, their tally, and the indices still to call."""

    def __init__(
        self,
        items: Iterable[ItemT],
        on_progress: ProgressCallback | None,
        *,
        key: Callable[[ItemT], str] | None,
        journal: JournalStore | None,
        shard: tuple[int, int] | None,
    ) -> None:
        if journal is not None and key is None:
            raise ValueError(
                "journal= needs key=: a function giving each item a stable, unique string "
                "(the one its idempotency key is built from)"
            )
        if shard is None:
            self.items = list(items)
        else:
            index, count = check_shard(shard)
            self.items = [item for i, item in enumerate(items) if i % count == index]
        keys = None if key is None else item_keys(key, self.items)
        self.tally: Tally[ItemT, ResultT] = Tally(
            self.items, on_progress, keys=keys, journal=journal
        )
        self.pending: list[int] = []
        for i in range(len(self.items)):
            if journal is not None and keys is not None and keys[i] in journal:
                self.tally.resume(i, journal[keys[i]])
            else:
                self.pending.append(i)


def item_keys(key: Callable[[ItemT], str], items: Sequence[ItemT]) -> list[str]:
    """``key(item)`` for every item; raises unless each is a string and no two are equal."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        k = key(item)
        if not isinstance(k, str):
            raise TypeError(f"key(item) must return a str, got {type(k).__name__} for item {i}")
        if k in seen:
            raise ValueError(
                f"key(item) gave {k!r} to items {seen[k]} and {i}: keys must be unique"
            )
        seen[k] = i
        keys.append(k)
    return keys


def check_shard(shard: object) -> tuple[int, int]:
    """Returns ``(index, count)``; raises ValueError unless ``0 <= index < count``."""
    if (
        isinstance(shard, tuple)
        and len(shard) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
        and 0 <= shard[0] < shard[1]
    ):
        return shard[0], shard[1]
    raise ValueError(f"shard must be (index, count) with 0 <= index < count, got {shard!r}")


def open_journal(journal: JournalArg | None) -> tuple[JournalStore | None, FileJournal | None]:
    """The store to use, and the ``FileJournal`` the run opened (and must close), if any."""
    if isinstance(journal, (str, os.PathLike)):
        opened = FileJournal(journal)
        return opened, opened
    return journal, None


def check_concurrency(concurrency: int) -> None:
    """Raises ValueError unless ``concurrency`` is a positive int."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")


RUN_GOT_ASYNC = (
    "bulk.run got an async function: use bulk.arun (await bulk.arun(fn, items)) to run it; "
    "bulk.run calls fn on threads and would never await what it returns"
)
ARUN_GOT_BLOCKING = (
    "bulk.arun needs an async function, but fn returned {kind} (not an awaitable): "
    "use bulk.run for a blocking function"
)


def check_run_function(fn: object) -> None:
    """Raises TypeError if ``fn`` is an ``async def`` function, before ``run`` calls it at all."""
    if inspect.iscoroutinefunction(fn):
        raise TypeError(RUN_GOT_ASYNC)


def check_run_result(value: object) -> None:
    """Raises TypeError if ``fn(item)`` gave ``run`` an awaitable, closing it first.

    An un-awaited coroutine has run none of its body; closing it makes that final and keeps
    Python from warning "coroutine ... was never awaited" when it is collected.
    """
    if inspect.isawaitable(value):
        if inspect.iscoroutine(value):
            value.close()
        raise TypeError(RUN_GOT_ASYNC)


def check_arun_result(value: object) -> None:
    """Raises TypeError unless ``fn(item)`` gave ``arun`` something it can await."""
    if not inspect.isawaitable(value):
        raise TypeError(ARUN_GOT_BLOCKING.format(kind=type(value).__name__))
