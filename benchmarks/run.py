"""Benchmarks against the field (``nox -s bench``): prints one table and updates RESULTS.md.

Phases, each bounded to seconds and talking only to 127.0.0.1:

1. per-call CPU (``time.process_time``) of sequential calls against a fixed-response server in
   its own process; each client runs in its own subprocess (forjio-plugipay 0.6.0, which also
   imports as ``plugipay``, in its own venv under ``benchmarks/_venvs``), rounds interleaved so
   every ratio is measured side by side; medians over rounds;
2. ``python -X importtime`` of ``import plugipay`` against ``import httpx`` and forjio-plugipay;
3. bulk creates against the emulator's loopback server, async and sync, concurrency 1/8/32/64,
   as it is and with 20 ms of latency per request;
4. peak memory while paging 100,000 customers from the in-process emulator, and while streaming
   a 100,000-entry ledger CSV from the emulator in another process (``csv_memory.py``);
5. in-process emulator requests/second;
6. decoding list pages of 100 customers and workspaces: our generated converter against cattrs'
   generated hooks (``decode.py``; the issue's bar is ours ≥ 1.5× faster per page);
7. the async client on httpx's transport against aiohttp's (``transports.py``, its own block);
8. a bulk import against the emulator's write bucket, paced by ``X-RateLimit-*`` against unpaced
   (``paced_import.py``; the bar: ≥ 90 % of the allowed rate with ≤ 1 % answered 429);
9. a killed-and-resumed import (``resumed_import.py``: items created twice, items redone).

``--quick`` shrinks every phase (for a smoke run); ``--decode-only`` runs phase 6 alone. RESULTS.md
is only rewritten by a full run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENVS = HERE / "_venvs"
VENVS.mkdir(exist_ok=True)
FORJIO = "forjio-plugipay==0.6.0"
FORJIO_VENV = VENVS / "forjio-plugipay-0.6.0"
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
OPS = ("get", "create", "list20")
CONCURRENCY = (1, 8, 32, 64)
LATENCY = 0.02
"""Seconds the emulator server waits per request in the latency-bound bulk rows."""


def _python_in(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_forjio() -> Path | None:
    """forjio-plugipay 0.6.0 in its own venv; ``None`` when PyPI can't provide it."""
    python = _python_in(FORJIO_VENV)
    if python.exists():
        return python
    print(f"creating {FORJIO_VENV.relative_to(HERE.parent)} with {FORJIO} …", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(FORJIO_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", FORJIO],
            check=True,
            timeout=300,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"forjio-plugipay unavailable ({exc}); its rows are dropped", flush=True)
        return None
    return python


@contextmanager
def server(*command: str) -> Iterator[list[str]]:
    """Run a server script; yields the lines it prints first; stops it by closing stdin."""
    proc = subprocess.Popen(
        [sys.executable, *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        first = proc.stdout.readline().strip()
        if not first:
            raise RuntimeError(f"{command[0]} did not start")
        lines = [first]
        if "emulator" in command[0]:
            lines += [proc.stdout.readline().strip(), proc.stdout.readline().strip()]
        yield lines
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _json_of(command: Sequence[str], timeout: float) -> dict[str, float]:
    out = subprocess.run(
        list(command), check=True, capture_output=True, text=True, timeout=timeout, cwd=HERE
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# -- phase 1: per-call CPU ------------------------------------------------------------------------


def cpu_phase(forjio: Path | None, rounds: int, calls: int) -> dict[str, dict[str, float]]:
    """Median CPU µs per call for each client and operation."""
    clients: list[tuple[str, str]] = [
        ("raw_httpx", sys.executable),
        ("sync", sys.executable),
        ("async", sys.executable),
        ("raw_async", sys.executable),
    ]
    if forjio is not None:
        clients.append(("forjio", str(forjio)))
    samples: dict[str, dict[str, list[float]]] = {c: {op: [] for op in OPS} for c, _ in clients}
    with server("fixed_server.py") as (url,):
        for r in range(rounds):
            # Rotate the order so no client always runs first (cache, frequency effects).
            order = clients[r % len(clients) :] + clients[: r % len(clients)]
            for name, python in order:
                result = _json_of([python, "cpu_worker.py", name, url, str(calls)], timeout=300)
                for op in OPS:
                    samples[name][op].append(result[op])
            print(f"  cpu round {r + 1}/{rounds} done", flush=True)
    return {
        name: {op: statistics.median(values) for op, values in per_op.items()}
        for name, per_op in samples.items()
    }


# -- phase 2: import time -------------------------------------------------------------------------

_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_us(python: str, statement: str) -> int:
    """Cumulative µs of every top-level import ``statement`` makes (``-X importtime``).

    Startup imports (up to and including ``site``) are left out. Runs in a scratch directory
    so ``-c`` never picks up this checkout's ``plugipay`` instead of the venv's.
    """
    out = subprocess.run(
        [python, "-X", "importtime", "-c", statement],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=VENVS,
    )
    total = 0
    started = False
    for line in out.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if not match or len(match.group(3)) != 1:
            continue
        if started:
            total += int(match.group(2))
        elif match.group(4) == "site":
            started = True
    if not total:
        raise RuntimeError(f"no importtime lines for {statement!r}")
    return total


IMPORT_ROWS = (
    ("httpx", "import httpx"),
    ("plugipay", "import plugipay"),
    ("plugipay_client", "from plugipay import PlugipayClient, AsyncPlugipayClient"),
    ("forjio", "import plugipay"),
)


def import_phase(forjio: Path | None, runs: int) -> dict[str, float]:
    """Median import µs of each row of ``IMPORT_ROWS``; interleaved runs.

    plugipay is compiled to bytecode first, as ``pip install`` does for httpx and forjio-plugipay:
    an editable checkout under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module
    from source on each run and measure the compiler, not the import.
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "plugipay")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows = [
        (name, str(forjio) if name == "forjio" else sys.executable, statement)
        for name, statement in IMPORT_ROWS
        if name != "forjio" or forjio is not None
    ]
    samples: dict[str, list[int]] = {name: [] for name, _, _ in rows}
    for _ in range(runs):
        for name, python, statement in rows:
            samples[name].append(import_us(python, statement))
    return {name: statistics.median(values) for name, values in samples.items()}


# -- phase 3: bulk --------------------------------------------------------------------------------


def bulk_phase(creates: int, latency_creates: int) -> dict[str, float]:
    """Creates per second: ``async@N`` / ``sync@N`` against the emulator server as it is, and
    ``lag-async@N`` / ``lag-sync@N`` when it takes ``LATENCY`` seconds per request
    (``latency_creates × (1 + N)`` creates per cell)."""
    results: dict[str, float] = {}
    runs = (("", creates, ()), ("lag-", latency_creates, ("--latency", str(LATENCY))))
    for prefix, count, flags in runs:
        with server("emulator_server.py", *flags) as (url, key_id, secret):
            for mode in ("async", "sync"):
                for n in CONCURRENCY:
                    # With latency, calls scale with n so every cell lasts a few seconds.
                    total = count * (1 + n) if prefix else count
                    command = [sys.executable, "bulk_worker.py", mode, url, key_id, secret]
                    out = _json_of([*command, str(total), str(n)], timeout=600)
                    results[f"{prefix}{mode}@{n}"] = out["per_second"]
                    print(f"  bulk {prefix}{mode}@{n}: {out['per_second']:.0f}/s", flush=True)
    return results


# -- phase 4: paging memory -----------------------------------------------------------------------


def emulator_phase(seconds: float) -> dict[str, float]:
    """In-process emulator requests/second (issue 4): handler alone, httpx on it, our client."""
    return _json_of([sys.executable, "emulator_throughput.py", str(seconds)], timeout=120)


def paging_phase(count: int) -> dict[str, float]:
    """Peak MiB while paging ``count`` customers, and for a plain list of them; then the same
    for streaming a ledger CSV of ``count`` entries against downloading it whole (``csv_*``)."""
    paging = _json_of([sys.executable, "paging_memory.py", str(count)], timeout=600)
    csv = _json_of([sys.executable, "csv_memory.py", str(count)], timeout=600)
    return {**paging, **{f"csv_{key}": value for key, value in csv.items()}}


# -- phase 7: paced import ------------------------------------------------------------------------

PACED_RATE, PACED_CONCURRENCY = 100, 32
"""The emulator's write bucket (per second) and the import's concurrency in the paced rows."""


def paced_phase(creates: int) -> dict[str, Any]:
    """``paced_import.py``: the client paced by ``X-RateLimit-*`` against it unpaced."""
    command = [sys.executable, "paced_import.py", str(creates), str(PACED_RATE)]
    out: dict[str, Any] = _json_of([*command, str(PACED_CONCURRENCY)], timeout=900)
    return out


def paced_table(result: dict[str, Any]) -> str:
    """The paced and unpaced rows and the issue's target (≥ 90 % of the allowed rate, ≤ 1 % 429)."""
    lines = [
        f"**Paced bulk import**: {result['creates']} creates, c={result['concurrency']}, "
        f"{result['latency'] * 1000:.0f} ms latency, emulator write bucket {PACED_RATE}/s "
        "(starts full)",
        "",
        "| client | creates/s | of allowed rate | of the bucket's most | requests | answered 429 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for mode in ("paced", "unpaced"):
        row = result[mode]
        lines.append(
            f"| {mode} | {row['per_second']:.0f} | {row['of_allowed']:.0%} "
            f"| {row['of_bucket_max']:.0%} | {row['requests']} | {row['share_429']:.1%} |"
        )
    paced = result["paced"]
    ok = paced["of_allowed"] >= 0.9 and paced["share_429"] <= 0.01
    lines += [
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| paced import ≥ 90 % of the allowed rate, ≤ 1 % answered 429 | "
        f"{paced['of_allowed']:.0%}, {paced['share_429']:.1%} (unpaced: "
        f"{result['unpaced']['of_allowed']:.0%}, {result['unpaced']['share_429']:.1%}) "
        f"| {_mark(ok)} |",
    ]
    return "\n".join(lines)


# -- phase 6: decoding ----------------------------------------------------------------------------


def decode_phase(seconds: float) -> dict[str, float]:
    """µs per 100-item page, ours against cattrs (``decode.py``, its own process)."""
    return _json_of([sys.executable, "decode.py", str(seconds)], timeout=120)


def decode_table(result: dict[str, float]) -> str:
    """``decode.py``'s Markdown rows."""
    from decode import table  # beside this script; imports plugipay, so only when needed

    return table(result)


# -- phase: killed-and-resumed import -------------------------------------------------------------


def resume_phase(count: int) -> dict[str, float]:
    """A bulk import of ``count`` items SIGKILLed half-way and resumed (``resumed_import.py``)."""
    return _json_of([sys.executable, "resumed_import.py", str(count)], timeout=900)


def resume_table(r: dict[str, float]) -> str:
    """One line: items created twice (must be 0) and items redone after the kill."""
    return (
        f"**Killed-and-resumed import**: {r['items']:.0f} items, SIGKILL once "
        f"{r['journaled_at_kill']:.0f} were journaled: created twice {r['duplicates']:.0f} "
        f"{_mark(r['duplicates'] == 0 and r['failed'] == 0)}, redone {r['redone']:.0f} "
        f"(in flight at the kill, replayed by idempotency key), resumed run "
        f"{r['calls_after_restart']:.0f} calls in {r['resume_seconds']:.1f} s."
    )


# -- report ---------------------------------------------------------------------------------------


def machine() -> str:
    """One line: CPU model, cores, Python, OS."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(
    cpu: dict[str, dict[str, float]],
    imports: dict[str, float],
    bulk: dict[str, float],
    paging: dict[str, float],
    settings: str,
) -> str:
    """The Markdown tables (also printed)."""
    lines = [
        f"Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{settings}.",
        "",
        "**Per-call client CPU** (µs per call, median over rounds; ratio vs the row's floor)",
        "",
        "| client | GET one | POST create | list 20 → models | floor |",
        "|---|---:|---:|---:|---|",
    ]
    floors = {
        "raw_httpx": "raw_httpx",
        "sync": "raw_httpx",
        "forjio": "raw_httpx",
        "raw_async": "raw_async",
        "async": "raw_async",
    }
    labels = {
        "raw_httpx": "raw httpx.Client, hand-signed + json.loads",
        "sync": "plugipay PlugipayClient",
        "forjio": "forjio-plugipay 0.6.0",
        "raw_async": "raw httpx.AsyncClient, hand-signed + json.loads",
        "async": "plugipay AsyncPlugipayClient",
    }
    for name in ("raw_httpx", "sync", "forjio", "raw_async", "async"):
        if name not in cpu:
            lines.append(f"| {labels[name]} | n/a | n/a | n/a | not installable |")
            continue
        floor = cpu[floors[name]]
        cells = [f"{cpu[name][op]:.0f} ({cpu[name][op] / floor[op]:.2f}×)" for op in OPS]
        lines.append(f"| {labels[name]} | {' | '.join(cells)} | {floors[name]} |")
    lines += [
        "",
        "**Import time** (`python -X importtime`, cumulative µs, median; plugipay byte-compiled "
        "first, as pip installs it)",
        "",
    ]
    lines += ["| import | µs | vs httpx |", "|---|---:|---:|"]
    for name, label in (
        ("httpx", "import httpx"),
        ("plugipay", "import plugipay (lazy: httpx not loaded yet)"),
        ("plugipay_client", "from plugipay import PlugipayClient, AsyncPlugipayClient"),
        ("forjio", "import plugipay (forjio-plugipay 0.6.0)"),
    ):
        if name in imports:
            ratio = imports[name] / imports["httpx"]
            lines.append(f"| {label} | {imports[name]:.0f} | {ratio:.2f}× |")
    lines += ["", "**Bulk creates** against the emulator's loopback server (creates/s)", ""]
    lines += ["| client | " + " | ".join(f"c={n}" for n in CONCURRENCY) + " |"]
    lines += ["|---|" + "---:|" * len(CONCURRENCY)]
    lag = f"{LATENCY * 1000:.0f} ms server latency"
    for mode, label in (
        ("async", "async, task group"),
        ("sync", "sync, thread pool"),
        ("lag-async", f"async, {lag}"),
        ("lag-sync", f"sync, {lag}"),
    ):
        base = bulk[f"{mode}@1"]
        cells = [
            f"{bulk[f'{mode}@{n}']:.0f} ({bulk[f'{mode}@{n}'] / base:.2f}×)" for n in CONCURRENCY
        ]
        lines.append(f"| {label} | {' | '.join(cells)} |")
    lines += [
        "",
        f"**Paging memory**: {paging['customers']:.0f} customers, pages of 100: peak growth "
        f"{paging['paging_peak_mib']:.2f} MiB while iterating ({paging['seconds']:.1f} s); "
        f"a plain list of the same customers: {paging['list_peak_mib']:.1f} MiB.",
        "",
        f"**Ledger CSV memory**: {paging['csv_entries']:.0f} entries "
        f"({paging['csv_bytes'] / 1024 / 1024:.1f} MiB of CSV) streamed with "
        f"`reports.ledger_csv()`: client peak growth {paging['csv_stream_peak_mib']:.2f} MiB "
        f"({paging['csv_seconds']:.1f} s); downloaded whole: {paging['csv_whole_peak_mib']:.1f} MiB.",
        "",
        "**Targets**",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    raw, raw_async = cpu["raw_httpx"], cpu["raw_async"]
    sync_ratio = max(cpu["sync"][op] / raw[op] for op in ("get", "create"))
    lines.append(
        f"| sync CPU/call ≤ 1.10 × raw httpx (GET, POST) | {sync_ratio:.2f}× (worst) "
        f"| {_mark(sync_ratio <= 1.10)} |"
    )
    if "forjio" in cpu:
        worst = max(cpu["sync"][op] / cpu["forjio"][op] for op in ("get", "create"))
        forjio_ratio = max(cpu["forjio"][op] / raw[op] for op in ("get", "create"))
        lines.append(
            f"| sync ≤ forjio-plugipay (forjio: {forjio_ratio:.2f}× raw) | "
            f"{worst:.2f}× forjio (worst) | {_mark(worst <= 1.0)} |"
        )
    async_ratio = max(cpu["async"][op] / raw_async[op] for op in ("get", "create"))
    lines.append(
        f"| async CPU/call ≤ 1.10 × raw httpx.AsyncClient | {async_ratio:.2f}× (worst) "
        f"| {_mark(async_ratio <= 1.10)} |"
    )
    import_ratio = imports["plugipay"] / imports["httpx"]
    client_ratio = imports["plugipay_client"] / imports["httpx"]
    lines.append(
        f"| import plugipay ≤ 1.25 × import httpx | {import_ratio:.2f}× bare, "
        f"{client_ratio:.2f}× with the clients | {_mark(client_ratio <= 1.25)} |"
    )
    page_ratio = cpu["sync"]["list20"] / raw["list20"]
    lines.append(
        f"| list page of 20 → models ≤ 1.15 × raw httpx + json.loads | {page_ratio:.2f}× sync, "
        f"{cpu['async']['list20'] / raw_async['list20']:.2f}× async | {_mark(page_ratio <= 1.15)} |"
    )
    lines.append(
        f"| paging 100,000: peak growth < 10 MiB | {paging['paging_peak_mib']:.2f} MiB "
        f"| {_mark(paging['paging_peak_mib'] < 10)} |"
    )
    lines.append(
        f"| ledger CSV 100,000 entries streamed: client growth < 10 MiB | "
        f"{paging['csv_stream_peak_mib']:.2f} MiB | {_mark(paging['csv_stream_peak_mib'] < 10)} |"
    )
    bulk_ratio = bulk["async@32"] / bulk["async@1"]
    lag_ratio = bulk["lag-async@32"] / bulk["lag-async@1"]
    lines.append(
        f"| async bulk c=32 ≥ 3 × sequential | {bulk_ratio:.2f}× (CPU-bound loopback); "
        f"{lag_ratio:.2f}× with {LATENCY * 1000:.0f} ms server latency | {_mark(bulk_ratio >= 3)} |"
    )
    return "\n".join(lines)


def write_results(table: str) -> None:
    """Replace the generated block of RESULTS.md, keeping the hand-written analysis."""
    text = RESULTS.read_text() if RESULTS.exists() else f"# Benchmark results\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    RESULTS.write_text(f"{head}{START}\n{table}\n{END}{tail}")


def emulator_table(rates: dict[str, float]) -> str:
    """The in-process emulator's requests/second (the aim is 5,000/s for create and get)."""
    rows = [
        ("transport handler, pre-signed requests", "handler_create", "handler_get"),
        ("httpx.Client on the transport, hand-signed", None, "httpx_get"),
        ("plugipay PlugipayClient on the transport", "sdk_create", "sdk_get"),
    ]
    lines = [
        "**Emulator in-process** (requests/s; aim ≥ 5,000 for create and get)",
        "",
        "| path | create | get |",
        "|---|---:|---:|",
    ]
    for label, create, get in rows:
        cells = [f"{rates[k]:.0f}" if k else "" for k in (create, get)]
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run every phase, print the table, update RESULTS.md (full runs only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument(
        "--decode-only",
        action="store_true",
        help="only the decode rows (ours against cattrs); prints them, RESULTS.md untouched",
    )
    args = parser.parse_args(argv)
    decode_seconds = 2.0 if args.quick else 8.0
    if args.decode_only:
        print("decoding list pages …", flush=True)
        print()
        print(decode_table(decode_phase(decode_seconds)))
        return
    rounds, calls, imports_n, creates, lagged, customers = (
        (2, 200, 3, 300, 10, 10_000) if args.quick else (5, 1000, 9, 5000, 60, 100_000)
    )
    settings = (
        f"CPU: {rounds} rounds × {calls} calls per op after 200 warm-up; imports: {imports_n} "
        f"runs; bulk: {creates} creates per cell ({lagged} × (1 + c) with latency); paging: "
        f"{customers}"
    )
    forjio = ensure_forjio()
    print("per-call CPU …", flush=True)
    cpu = cpu_phase(forjio, rounds, calls)
    print("import time …", flush=True)
    imports = import_phase(forjio, imports_n)
    print("bulk …", flush=True)
    bulk = bulk_phase(creates, lagged)
    print("paging memory …", flush=True)
    paging = paging_phase(customers)
    print("emulator throughput …", flush=True)
    emulator = emulator_phase(0.5 if args.quick else 2.0)
    print("decoding list pages …", flush=True)
    decode = decode_phase(decode_seconds)
    print("killed-and-resumed import …", flush=True)
    resumed = resume_phase(1000 if args.quick else 10_000)
    print("paced import …", flush=True)
    paced = paced_phase(300 if args.quick else 2000)
    table = "\n\n".join(
        (
            report(cpu, imports, bulk, paging, settings),
            emulator_table(emulator),
            decode_table(decode),
            resume_table(resumed),
            paced_table(paced),
        )
    )
    print()
    print(table)
    if not args.quick:
        write_results(table)
        print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")
    # httpx against aiohttp for the async client: its own table and RESULTS.md block.
    import transports

    transports.main(["--quick"] if args.quick else [])


if __name__ == "__main__":
    main()
