"""The benchmark scripts that reach into the emulator's private store still run (a smoke run on
small counts; the measurements themselves are ``nox -s bench``'s business, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_paging_memory_seeds_and_pages_a_small_list() -> None:
    done = subprocess.run(
        [sys.executable, "paging_memory.py", "250"],
        cwd=BENCHMARKS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["customers"] == 250


def test_csv_memory_seeds_serves_and_streams_a_small_ledger() -> None:
    done = subprocess.run(
        [sys.executable, "csv_memory.py", "400"],
        cwd=BENCHMARKS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["entries"], result["rows"]) == (400, 401)


def test_resumed_import_kills_resumes_and_counts_a_small_import() -> None:
    done = subprocess.run(
        [sys.executable, "resumed_import.py", "300", "4"],
        cwd=BENCHMARKS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["customers"], result["duplicates"], result["failed"]) == (300, 0, 0)
    assert result["resumed"] + result["calls_after_restart"] == 300


def test_paced_import_runs_paced_and_unpaced_on_small_counts() -> None:
    done = subprocess.run(
        [sys.executable, "paced_import.py", "40", "20", "8", "0"],
        cwd=BENCHMARKS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["creates"] == 40
    for mode in ("paced", "unpaced"):
        assert result[mode]["requests"] >= 40
        assert 0 <= result[mode]["share_429"] < 1
