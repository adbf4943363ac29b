"""Bulk work: run one function over many items with bounded concurrency (API.md, "Bulk work").

``arun`` runs an async function on one anyio task group (asyncio or trio); ``run`` is its twin
for a blocking function, on a thread pool. Both return a ``BulkResult``: results in input order
and every per-item exception collected, never cancelling the rest of the batch. Cancellation
(and any ``BaseException``) is not a per-item failure: it stops the whole batch and propagates.

The async flavour lives here rather than in ``plugipay/_async/`` because it needs a task group,
which only anyio provides and ``_async/`` never imports anyio; the sync flavour is the
hand-written ``plugipay/_sync/_bulk.py``. What both share lives in the tier-neutral
``plugipay/_bulk_core.py``.
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
    ProgressCallback,
    Tally,
    check_arun_result,
    check_concurrency,
)
from ._sync._bulk import run

__all__ = ["DEFAULT_CONCURRENCY", "BulkFailure", "BulkResult", "ProgressCallback", "arun", "run"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


async def arun(
    fn: Callable[[ItemT], Awaitable[ResultT]],
    items: Iterable[ItemT],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
) -> BulkResult[ItemT, ResultT]:
    """Awaits ``fn(item)`` for every item, at most ``concurrency`` at a time; returns a BulkResult.

    ``items`` is read into a list first. An ``Exception`` from one call is recorded in
    ``result.failed`` and the batch goes on; ``on_progress(done, failed, total)`` is called after
    each item. Cancelling the caller cancels every call in flight and starts no more; an error
    raised by ``on_progress`` does the same and then propagates, and so does the ``TypeError``
    for an ``fn`` that returns something not awaitable (a blocking function: use ``run``).
    """
    check_concurrency(concurrency)
    batch = list(items)
    tally: Tally[ItemT, ResultT] = Tally(batch, on_progress)
    # One shared iterator: each worker takes the next index when it is free, so at most
    # ``concurrency`` calls run and memory holds no backlog of started tasks.
    indices = iter(range(len(batch)))
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
            except Exception as exc:  # from on_progress: stop everything, re-raise it unwrapped
                aborted.append(exc)
                scope.cancel()
                return

    async with anyio.create_task_group() as group:
        for _ in range(min(concurrency, len(batch))):
            group.start_soon(worker, group.cancel_scope)
    if aborted:
        raise aborted[0]
    return tally.result()
