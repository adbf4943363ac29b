"""Bulk work: run one function over many items with bounded concurrency (API.md, "Bulk work").

``arun`` runs an async function on one anyio task group (asyncio or trio); ``run`` is its twin
for a blocking function, on a thread pool. Both return a ``BulkResult``: results in input order
and every per-item exception collected, never cancelling the rest of the batch. Cancellation
(and any ``BaseException``) is not a per-item failure: it stops the whole batch and propagates.

The async flavour lives here rather than in ``plugipay/_async/`` because it needs a task group,
which only anyio provides and ``_async/`` never imports anyio; the sync flavour is the
hand-written ``plugipay/_sync/_bulk.py``. What both share lives in the tier-neutral
``plugipay/_bulk_core.py``.

Resuming and sharding (README, "Bulk"): ``journal=`` (a path, or a ``JournalStore`` such as a
dict or a ``shelve`` file) with ``key=`` (a stable, unique string per item) records each finished
item, so a run killed half-way and started again calls ``fn`` only for the rest; an item in
flight at the kill is called again with the same idempotency key, which the server replays.
``shard=(index, count)`` runs only the items at input positions ``i % count == index``, so
``count`` processes given the same input split it between them without overlap.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import TypeVar

import anyio

from ._bulk_core import (
    DEFAULT_CONCURRENCY,
    BulkFailure,
    BulkResult,
    Job,
    JournalArg,
    ProgressCallback,
    check_arun_result,
    check_concurrency,
    open_journal,
)
from ._journal import FileJournal, JournalStore
from ._sync._bulk import run

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkFailure",
    "BulkResult",
    "FileJournal",
    "JournalStore",
    "ProgressCallback",
    "arun",
    "run",
]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


async def arun(
    fn: Callable[[ItemT], Awaitable[ResultT]],
    items: Iterable[ItemT],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    journal: JournalArg | None = None,
    key: Callable[[ItemT], str] | None = None,
    shard: tuple[int, int] | None = None,
) -> BulkResult[ItemT, ResultT]:
    """Awaits ``fn(item)`` for every item, at most ``concurrency`` at a time; returns a BulkResult.

    ``items`` is read into a list first. An ``Exception`` from one call is recorded in
    ``result.failed`` and the batch goes on; ``on_progress(done, failed, total)`` is called after
    each item. Cancelling the caller cancels every call in flight and starts no more; an error
    raised by ``on_progress`` or by the journal does the same and then propagates, and so does
    the ``TypeError`` for an ``fn`` that returns something not awaitable (a blocking function:
    use ``run``). ``journal``, ``key`` and ``shard``: see the module docstring.
    """
    check_concurrency(concurrency)
    store, opened = open_journal(journal)
    try:
        return await _arun(fn, items, concurrency, on_progress, store, key, shard)
    finally:
        if opened is not None:
            opened.close()


async def _arun(
    fn: Callable[[ItemT], Awaitable[ResultT]],
    items: Iterable[ItemT],
    concurrency: int,
    on_progress: ProgressCallback | None,
    journal: JournalStore | None,
    key: Callable[[ItemT], str] | None,
    shard: tuple[int, int] | None,
) -> BulkResult[ItemT, ResultT]:
    job: Job[ItemT, ResultT] = Job(items, on_progress, key=key, journal=journal, shard=shard)
    batch, tally = job.items, job.tally
    # One shared iterator: each worker takes the next index when it is free, so at most
    # ``concurrency`` calls run and memory holds no backlog of started tasks.
    indices = iter(job.pending)
    aborted: list[BaseException] = []
    refused: list[TypeError] = []

    async def worker(scope: anyio.CancelScope) -> None:
        for index in indices:
            if refused:
                # Workers that start after the refusal must not call fn: a blocking fn would run
                # to completion before the cancellation could reach it.
                return
            try:
                pending = fn(batch[index])
                try:
                    check_arun_result(pending)
                except TypeError as refusal:
                    refused.append(refusal)
                    aborted.append(refusal)
                    scope.cancel()
                    return
                value = await pending
            except Exception as exc:
                record = partial(tally.fail, index, exc)
            else:
                record = partial(tally.succeed, index, value)
            try:
                record()
            except Exception as exc:  # from on_progress or the journal: stop, re-raise unwrapped
                aborted.append(exc)
                scope.cancel()
                return

    async with anyio.create_task_group() as group:
        for _ in range(min(concurrency, len(job.pending))):
            group.start_soon(worker, group.cancel_scope)
    if aborted:
        raise aborted[0]
    return tally.result()
