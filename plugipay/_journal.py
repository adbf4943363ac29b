"""The bulk journal: which items of a job have finished, so a restarted job does only the rest.

A journal is anything with ``key in journal``, ``journal[key]`` and ``journal[key] = result``
(``JournalStore``): a ``dict`` (one process, in memory), a ``shelve`` file, a caller's own table,
or ``FileJournal``, the append-only JSON-lines file that ``bulk.run(..., journal=path)`` opens.

The journal only saves work; the idempotency keys keep the job correct. An item is journaled
after its call returned, so an item in flight when the process died is not in the journal and is
called again on restart with the same idempotency key, which the server answers by replaying the
first answer. Losing the tail of a journal therefore costs repeated calls, never a duplicate.

``FileJournal`` durability, chosen on that basis: every record is one ``write`` of a whole line
followed by ``flush``, so it is in the operating system's hands before the next item is reported
and survives the process being killed (SIGKILL, OOM, Ctrl-C). ``os.fsync`` runs every
``fsync_every`` records and on ``close``: only a machine crash or power loss can drop the records
since the last fsync, and those items are redone, not duplicated. A torn last line (the process
died inside ``write``) is cut off when the file is opened again.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any, Protocol

__all__ = ["FileJournal", "JournalStore"]


class JournalStore(Protocol):
    """Where a bulk job records its finished items: key → the call's result.

    ``dict``, ``shelve.Shelf`` and any ``MutableMapping[str, Any]`` qualify.
    """

    def __contains__(self, key: object, /) -> bool: ...

    def __getitem__(self, key: str, /) -> Any: ...

    def __setitem__(self, key: str, value: Any, /) -> None: ...


class FileJournal:
    """An append-only JSON-lines journal file: one ``{"key": ..., "result": ...}`` per item.

    Results must be JSON values (return ``customer.id`` rather than the ``Customer``); a result
    that is not raises ``TypeError`` from ``journal[key] = result``, which stops the bulk run.
    A key recorded twice keeps its last result. Use one file per process: shards each get their
    own.
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync_every: int = 256) -> None:
        if isinstance(fsync_every, bool) or not isinstance(fsync_every, int) or fsync_every < 1:
            raise ValueError(f"fsync_every must be an int >= 1, got {fsync_every!r}")
        self.path = os.fspath(path)
        self._fsync_every = fsync_every
        self._unsynced = 0
        self._done: dict[str, Any] = {}
        self._file: IO[bytes] = open(self.path, "a+b")  # noqa: SIM115 (closed by close())
        try:
            self._load()
        except BaseException:
            self._file.close()
            raise

    def _load(self) -> None:
        self._file.seek(0)
        data = self._file.read()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            # The process died inside a write: the partial line never counted as done.
            self._file.truncate(complete)
        for number, line in enumerate(data[:complete].splitlines(), start=1):
            try:
                record = json.loads(line)
                key = record["key"]
                result = record["result"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{self.path}:{number}: not a bulk journal record") from exc
            if not isinstance(key, str):
                raise ValueError(f"{self.path}:{number}: not a bulk journal record")
            self._done[key] = result
        self._file.seek(0, os.SEEK_END)

    def __contains__(self, key: object, /) -> bool:
        return key in self._done

    def __getitem__(self, key: str, /) -> Any:
        return self._done[key]

    def __setitem__(self, key: str, value: Any, /) -> None:
        line = json.dumps({"key": key, "result": value}, ensure_ascii=False, allow_nan=False)
        self._file.write(line.encode() + b"\n")
        self._file.flush()
        self._done[key] = value
        self._unsynced += 1
        if self._unsynced >= self._fsync_every:
            self.sync()

    def __len__(self) -> int:
        return len(self._done)

    def sync(self) -> None:
        """Forces the records written so far onto the disk (``os.fsync``)."""
        os.fsync(self._file.fileno())
        self._unsynced = 0

    def close(self) -> None:
        """Syncs and closes the file; the journal can be opened again from the same path."""
        if not self._file.closed:
            try:
                self.sync()
            finally:
                self._file.close()

    def __enter__(self) -> FileJournal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
