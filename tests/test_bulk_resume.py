"""Resumable and sharded bulk jobs: ``journal=``, ``key=`` and ``shard=`` on ``bulk.run`` and
``bulk.arun``, and a real import killed with SIGKILL half-way and restarted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import pytest

from plugipay import bulk
from plugipay.testing import FakePlugipay

WORKER = Path(__file__).resolve().parent / "bulk_kill_worker.py"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_restarted_run_calls_only_what_the_journal_lacks(tmp_path: Path) -> None:
    path = tmp_path / "job.journal"
    first: list[int] = []

    def flaky(n: int) -> str:
        first.append(n)
        if n in (2, 5):
            raise ValueError(f"row {n}")
        return f"id-{n}"

    result = bulk.run(flaky, range(8), concurrency=3, journal=path, key=str)
    assert sorted(first) == list(range(8))
    assert result.failed_count == 2 and result.resumed == 0
    # Failures are not journaled: they are what a restart retries.
    assert sorted(r["key"] for r in _lines(path)) == ["0", "1", "3", "4", "6", "7"]

    again: list[int] = []
    progress: list[tuple[int, int, int]] = []

    def fixed(n: int) -> str:
        again.append(n)
        return f"id-{n}"

    resumed = bulk.run(
        fixed, range(8), journal=path, key=str, on_progress=lambda *a: progress.append(a)
    )
    assert sorted(again) == [2, 5]
    assert resumed.ok and resumed.resumed == 6
    assert resumed.results == [f"id-{n}" for n in range(8)]
    assert sorted(progress) == [(7, 0, 8), (8, 0, 8)]  # journaled items count as done

    nothing: list[int] = []
    done = bulk.run(nothing.append, range(8), journal=path, key=str)
    assert nothing == [] and done.resumed == 8 and done.results == resumed.results


def test_arun_resumes_from_a_callers_store() -> None:
    store: dict[str, Any] = {"a": "from-before"}
    called: list[str] = []

    async def work(item: str) -> str:
        called.append(item)
        return item.upper()

    result = anyio.run(lambda: bulk.arun(work, ["a", "b", "c"], journal=store, key=lambda s: s))
    assert sorted(called) == ["b", "c"]
    assert result.results == ["from-before", "B", "C"] and result.resumed == 1
    assert store == {"a": "from-before", "b": "B", "c": "C"}


@pytest.mark.parametrize("flavour", ["run", "arun"])
def test_the_file_journal_survives_a_torn_last_line(tmp_path: Path, flavour: str) -> None:
    path = tmp_path / "job.journal"
    path.write_bytes(b'{"key": "0", "result": 0}\n{"key": "1", "res')  # killed inside write
    called: list[int] = []

    def work(n: int) -> int:
        called.append(n)
        return n

    async def awork(n: int) -> int:
        return work(n)

    if flavour == "run":
        result = bulk.run(work, range(3), journal=path, key=str)
    else:
        result = anyio.run(lambda: bulk.arun(awork, range(3), journal=str(path), key=str))
    assert sorted(called) == [1, 2] and result.results == [0, 1, 2]
    assert sorted(r["key"] for r in _lines(path)) == ["0", "1", "2"]


def test_a_journal_needs_unique_string_keys(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="journal= needs key="):
        bulk.run(str, range(3), journal={})
    with pytest.raises(ValueError, match="keys must be unique"):
        bulk.run(str, [1, 2, 1], journal={}, key=str)
    with pytest.raises(TypeError, match="must return a str"):
        bulk.run(str, [1, 2], journal={}, key=lambda n: n)  # type: ignore[arg-type, return-value]
    # A refused job leaves its journal file closed and empty.
    with pytest.raises(ValueError, match="keys must be unique"):
        bulk.run(str, [1, 1], journal=tmp_path / "j", key=str)
    assert (tmp_path / "j").read_bytes() == b""


def test_a_file_journal_refuses_a_result_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "job.journal"
    with pytest.raises(TypeError, match="not JSON serializable"):
        bulk.run(lambda n: object(), range(5), concurrency=1, journal=path, key=str)
    assert path.read_bytes() == b""

    async def work(n: int) -> object:
        return object()

    with pytest.raises(TypeError, match="not JSON serializable"):
        anyio.run(lambda: bulk.arun(work, range(5), concurrency=1, journal=path, key=str))


def test_a_bad_journal_file_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    with pytest.raises(ValueError, match=r"notes\.txt:1: not a bulk journal record"):
        bulk.run(str, range(2), journal=path, key=str)
    assert path.read_text() == "my notes\n"
    with pytest.raises(ValueError, match="fsync_every"):
        bulk.FileJournal(tmp_path / "x", fsync_every=0)


@pytest.mark.parametrize("flavour", ["run", "arun"])
def test_shards_split_a_job_without_overlap(flavour: str) -> None:
    items = list(range(10))
    seen: list[int] = []

    async def awork(n: int) -> int:
        seen.append(n)
        return n

    def work(n: int) -> int:
        seen.append(n)
        return n

    results = []
    for index in range(3):
        if flavour == "run":
            results.append(bulk.run(work, items, shard=(index, 3)))
        else:
            results.append(anyio.run(lambda i=index: bulk.arun(awork, items, shard=(i, 3))))
    assert sorted(seen) == items
    assert [r.results for r in results] == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]


@pytest.mark.parametrize("shard", [(3, 3), (-1, 2), (0, 0), (True, 2), [0, 2], (0, 1, 2)])
def test_a_bad_shard_is_refused(shard: Any) -> None:
    with pytest.raises(ValueError, match="shard must be"):
        bulk.run(str, range(3), shard=shard)


def test_a_journal_error_stops_the_async_run() -> None:
    class Full(dict[str, Any]):
        def __setitem__(self, key: str, value: Any) -> None:
            raise OSError("disk full")

    called: list[int] = []

    async def work(n: int) -> int:
        called.append(n)
        return n

    with pytest.raises(OSError, match="disk full"):
        anyio.run(lambda: bulk.arun(work, range(50), concurrency=2, journal=Full(), key=str))
    assert len(called) <= 3
    with pytest.raises(OSError, match="disk full"):
        bulk.run(lambda n: n, range(50), concurrency=2, journal=Full(), key=str)


def _start(journal: Path, count: int, env: dict[str, str], *stall: int) -> subprocess.Popen[str]:
    command = [sys.executable, str(WORKER), str(journal), str(count), *map(str, stall)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _journaled(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_an_import_killed_half_way_and_restarted_creates_nothing_twice(tmp_path: Path) -> None:
    count, stall_from, workers = 40, 17, 4
    fake = FakePlugipay()
    journal = tmp_path / "import.journal"
    with fake.serve() as base_url:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(sys.path),
            "PLUGIPAY_BASE_URL": base_url,
            "PLUGIPAY_KEY_ID": fake.key_id,
            "PLUGIPAY_SECRET": fake.secret,
        }
        child = _start(journal, count, env, stall_from)
        try:
            # The items before stall_from finish and are journaled; the next `workers` items
            # reach the server and then hang: the state a kill half-way leaves behind.
            deadline = time.monotonic() + 60
            while _journaled(journal) < stall_from or len(fake.customers) < stall_from + workers:
                assert child.poll() is None, child.communicate()
                assert time.monotonic() < deadline, "the worker never got half-way"
                time.sleep(0.01)
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.communicate()
        assert _journaled(journal) == stall_from
        assert len(fake.customers) == stall_from + workers  # in flight: created, not journaled

        again = _start(journal, count, env)
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        report = json.loads(out)

    # Only the unjournaled items were called again; the in-flight ones were replayed by their
    # idempotency keys (a second create would have failed on the taken externalId: not ok).
    assert report == {"ok": True, "resumed": stall_from, "calls": count - stall_from}
    external = Counter(str(c["externalId"]) for c in fake.customers)
    assert external == Counter(f"kill-{n}" for n in range(count))
    assert Counter(str(c["email"]) for c in fake.customers).most_common(1)[0][1] == 1
    records = _lines(journal)
    assert sorted(int(r["key"]) for r in records) == list(range(count))
    ids = {str(c["externalId"]): c["id"] for c in fake.customers}
    assert all(r["result"] == ids[f"kill-{r['key']}"] for r in records)


def test_an_import_killed_whenever_still_ends_with_each_item_once(tmp_path: Path) -> None:
    # No stall: the kill lands wherever the import is; the outcome is the same.
    count = 120
    fake = FakePlugipay()
    journal = tmp_path / "import.journal"
    with fake.serve() as base_url:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(sys.path),
            "PLUGIPAY_BASE_URL": base_url,
            "PLUGIPAY_KEY_ID": fake.key_id,
            "PLUGIPAY_SECRET": fake.secret,
        }
        child = _start(journal, count, env)
        deadline = time.monotonic() + 60
        while _journaled(journal) < 10 and child.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.communicate()
        journaled = _journaled(journal)
        again = _start(journal, count, env)
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        report = json.loads(out)

    assert report["ok"] and report["resumed"] == journaled
    assert report["calls"] == count - journaled
    assert Counter(str(c["externalId"]) for c in fake.customers) == Counter(
        f"kill-{n}" for n in range(count)
    )
