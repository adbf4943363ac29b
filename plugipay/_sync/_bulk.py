"""``run``: the blocking twin of ``plugipay.bulk.arun``, on a thread pool (hand-written).

Not generated: a task group and a thread pool differ in structure, so codegen lists this file in
``HAND_WRITTEN``. Same arguments and result as ``arun``; ``fn`` is a plain function.

An async function is refused with ``TypeError``: up front when it is an ``async def``, else when
its first call returns an awaitable (a lambda around one). Type checkers see the first overload
return ``NoReturn`` for a function typed to return an awaitable, marked deprecated so pyright (and
mypy with ``enable_error_code = deprecated``) name the mistake; an untyped lambda is only caught
at run time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

if TYPE_CHECKING:
    # For type checkers only (typing_extensions is not a run-time dependency): pyright, and mypy
    # with ``enable_error_code = deprecated``, report a call that picks the overload below.
    from typing_extensions import deprecated
else:

    def deprecated(message: str) -> Any:
        return lambda function: function


from .._bulk_core import (
    DEFAULT_CONCURRENCY,
    BulkResult,
    Job,
    JournalArg,
    ProgressCallback,
    check_concurrency,
    check_run_function,
    check_run_result,
    open_journal,
)
from .._journal import JournalStore

__all__ = ["run"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


@overload
@deprecated("bulk.run never awaits: pass an async function to bulk.arun")
def run(
    fn: Callable[[ItemT], Awaitable[Any]],
    items: Iterable[ItemT],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    journal: JournalArg | None = None,
    key: Callable[[ItemT], str] | None = None,
    shard: tuple[int, int] | None = None,
) -> NoReturn: ...


@overload
def run(
    fn: Callable[[ItemT], ResultT],
    items: Iterable[ItemT],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    journal: JournalArg | None = None,
    key: Callable[[ItemT], str] | None = None,
    shard: tuple[int, int] | None = None,
) -> BulkResult[ItemT, ResultT]: ...


def run(
    fn: Callable[[ItemT], ResultT],
    items: Iterable[ItemT],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    journal: JournalArg | None = None,
    key: Callable[[ItemT], str] | None = None,
    shard: tuple[int, int] | None = None,
) -> BulkResult[ItemT, ResultT]:
    """Calls ``fn(item)`` for every item on at most ``concurrency`` threads; returns a BulkResult.

    ``items`` is read into a list first. An ``Exception`` from one call is recorded in
    ``result.failed`` and the batch goes on; ``on_progress(done, failed, total)`` is called from
    the calling thread after each item. On KeyboardInterrupt, or an error from ``on_progress``,
    no further item starts, calls already running finish, and the exception propagates; so does
    an error from the journal (recorded from the calling thread too). So does the ``TypeError``
    for an async ``fn`` (see the module docstring). ``journal``, ``key`` and ``shard``: as
    ``plugipay.bulk.arun``.
    """
    check_concurrency(concurrency)
    check_run_function(fn)
    store, opened = open_journal(journal)
    try:
        return _run(fn, items, concurrency, on_progress, store, key, shard)
    finally:
        if opened is not None:
            opened.close()


def _run(
    fn: Callable[[ItemT], ResultT],
    items: Iterable[ItemT],
    concurrency: int,
    on_progress: ProgressCallback | None,
    journal: JournalStore | None,
    key: Callable[[ItemT], str] | None,
    shard: tuple[int, int] | None,
) -> BulkResult[ItemT, ResultT]:
    job: Job[ItemT, ResultT] = Job(items, on_progress, key=key, journal=journal, shard=shard)
    batch, tally = job.items, job.tally
    if not job.pending:
        return tally.result()
    indices = iter(job.pending)
    pool = ThreadPoolExecutor(
        max_workers=min(concurrency, len(job.pending)), thread_name_prefix="plugipay-bulk"
    )
    running: dict[Future[ResultT], int] = {}
    refused: list[TypeError] = []

    def call(item: ItemT) -> ResultT:
        value = fn(item)
        try:
            check_run_result(value)
        except TypeError as exc:
            refused.append(exc)  # told apart from a TypeError of fn's own, which is per-item
            raise
        return value

    def submit_next() -> None:
        index = next(indices, None)
        if index is not None:
            running[pool.submit(call, batch[index])] = index

    try:
        # Submit only as many as can run, topping up as each finishes: a cancelled batch never
        # has a backlog of queued calls, and memory stays ``concurrency`` deep.
        for _ in range(min(concurrency, len(job.pending))):
            submit_next()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                exc = future.exception()
                if exc is None:
                    tally.succeed(index, future.result())
                elif any(exc is refusal for refusal in refused):
                    raise exc
                elif isinstance(exc, Exception):
                    tally.fail(index, exc)
                else:
                    raise exc
                submit_next()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return tally.result()
