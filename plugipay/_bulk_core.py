"""What both bulk flavours share: the result, the tally that builds it, the concurrency default
and its check, and the checks that ``fn`` is of the flavour's kind (async for ``arun``, blocking
for ``run``). Sans-IO; ``plugipay.bulk.arun`` (task group) and ``plugipay._sync._bulk.run``
(thread pool) both build on it.

Invariant: ``results`` is in input order with ``None`` where an item failed; ``failed`` is sorted
by input index; ``succeeded_count + failed_count == total`` once the run has finished.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, cast

import attrs

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkFailure",
    "BulkResult",
    "ProgressCallback",
    "Tally",
    "check_arun_result",
    "check_concurrency",
    "check_run_function",
    "check_run_result",
]

DEFAULT_CONCURRENCY = 16
"""How many calls run at once unless the caller says otherwise."""

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

ProgressCallback = Callable[[int, int, int], object]
"""``on_progress(done, failed, total)``: called after each item; ``done`` counts failures too."""


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

    def __init__(self, items: Sequence[ItemT], on_progress: ProgressCallback | None) -> None:
        self.items = items
        self._results: list[ResultT | None] = [None] * len(items)
        self._failed: list[BulkFailure[ItemT]] = []
        self._on_progress = on_progress
        self.done = 0

    def succeed(self, index: int, value: ResultT) -> None:
        """Record the result of item ``index`` and report progress."""
        self._results[index] = value
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
        return BulkResult(self._results, sorted(self._failed, key=lambda f: f.index))


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
