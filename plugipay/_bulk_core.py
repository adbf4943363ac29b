"""What both bulk flavours share: the result, the tally that builds it, the concurrency default
and its check. Sans-IO; ``plugipay.bulk.arun`` (task group) and ``plugipay._sync._bulk.run``
(thread pool) both build on it.

Invariant: ``results`` is in input order with ``None`` where an item failed; ``failed`` is sorted
by input index; ``succeeded_count + failed_count == total`` once the run has finished.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, cast

import attrs

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkFailure",
    "BulkResult",
    "ProgressCallback",
    "Tally",
    "check_concurrency",
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
