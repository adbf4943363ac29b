"""httpx's transport against aiohttp's (``plugipay.DefaultAioHttpClient``) for the async client.

``python transports.py [--quick]`` prints one table, and (full runs) writes it into RESULTS.md
between its own markers:

- per-call CPU (``time.process_time``) of sequential calls against the fixed-response server,
  each transport in its own subprocess (``cpu_worker.py``), rounds interleaved, medians;
- creates per second and client CPU per create against the emulator's loopback server, at
  concurrency 8/32/64, as it is and with 20 ms of latency per request, for the async client on
  each transport and the sync client's thread pool (``bulk_worker.py``), medians over rounds.

Run by ``run.py`` as its transport phase too (``--transports``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence

from run import HERE, LATENCY, OPS, RESULTS, _json_of, server

START, END = "<!-- transports:start -->", "<!-- transports:end -->"
MODES = ("async", "async_aiohttp", "sync")
CONCURRENCY = (8, 32, 64)
LABEL = {"async": "async, httpx", "async_aiohttp": "async, aiohttp", "sync": "sync thread pool"}


def cpu_rows(rounds: int, calls: int) -> dict[str, dict[str, float]]:
    """Median CPU µs per sequential call, per transport and operation."""
    clients = ("async", "async_aiohttp")
    samples: dict[str, dict[str, list[float]]] = {c: {op: [] for op in OPS} for c in clients}
    with server("fixed_server.py") as (url,):
        for r in range(rounds):
            for name in clients[r % 2 :] + clients[: r % 2]:
                result = _json_of([sys.executable, "cpu_worker.py", name, url, str(calls)], 300)
                for op in OPS:
                    samples[name][op].append(result[op])
    return {c: {op: statistics.median(v) for op, v in ops.items()} for c, ops in samples.items()}


def bulk_rows(rounds: int, creates: int, lagged: int) -> dict[str, tuple[float, float]]:
    """Median (creates/s, CPU µs per create) per ``[lag-]mode@c``."""
    samples: dict[str, list[tuple[float, float]]] = {}
    for prefix, flags in (("", ()), ("lag-", ("--latency", str(LATENCY)))):
        with server("emulator_server.py", *flags) as (url, key_id, secret):
            for _ in range(rounds):
                for n in CONCURRENCY:
                    for mode in MODES:
                        total = lagged * (1 + n) if prefix else creates
                        command = [sys.executable, "bulk_worker.py", mode, url, key_id, secret]
                        out = _json_of([*command, str(total), str(n)], timeout=600)
                        cell = (out["per_second"], out["cpu_us"])
                        samples.setdefault(f"{prefix}{mode}@{n}", []).append(cell)
                        print(f"  {prefix}{mode}@{n}: {cell[0]:.0f}/s {cell[1]:.0f} µs", flush=True)
    return {
        key: (statistics.median(r for r, _ in cells), statistics.median(c for _, c in cells))
        for key, cells in samples.items()
    }


def table(cpu: dict[str, dict[str, float]], bulk: dict[str, tuple[float, float]]) -> str:
    lines = [
        "**Async transports: httpx (httpcore's pool) against aiohttp** "
        "(`AsyncPlugipayClient(http_client=plugipay.DefaultAioHttpClient())`)",
        "",
        "Per-call CPU, sequential, fixed-response server (µs per call, median):",
        "",
        "| transport | " + " | ".join(OPS) + " |",
        "|---|" + "---:|" * len(OPS),
    ]
    for name in ("async", "async_aiohttp"):
        cells = " | ".join(f"{cpu[name][op]:.0f}" for op in OPS)
        lines.append(f"| {LABEL[name]} | {cells} |")
    for prefix, title in (("", "as it is"), ("lag-", f"{LATENCY * 1000:.0f} ms latency")):
        lines += [
            "",
            f"Creates against the emulator server, {title}: creates/s (client CPU µs per create)",
            "",
            "| client | " + " | ".join(f"c={n}" for n in CONCURRENCY) + " |",
            "|---|" + "---:|" * len(CONCURRENCY),
        ]
        for mode in MODES:
            cells = " | ".join(
                f"{bulk[f'{prefix}{mode}@{n}'][0]:.0f} ({bulk[f'{prefix}{mode}@{n}'][1]:.0f})"
                for n in CONCURRENCY
            )
            lines.append(f"| {LABEL[mode]} | {cells} |")
    aio, sync = bulk["lag-async_aiohttp@32"][0], bulk["lag-sync@32"][0]
    cpu_ok = all(cpu["async_aiohttp"][op] <= cpu["async"][op] for op in OPS)
    lines += [
        "",
        f"Targets: aiohttp async c=32 with latency ≥ the sync pool's rate: {aio:.0f} vs "
        f"{sync:.0f}/s {'✅' if aio >= sync else '❌'}; aiohttp per-call CPU ≤ httpx's on every "
        f"operation {'✅' if cpu_ok else '❌'}",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    """Replace this phase's block of RESULTS.md (appended the first time)."""
    current = RESULTS.read_text()
    if START in current:
        head, _, rest = current.partition(START)
        _, _, tail = rest.partition(END)
        RESULTS.write_text(f"{head}{START}\n{text}\n{END}{tail}")
    else:
        RESULTS.write_text(f"{current.rstrip()}\n\n{START}\n{text}\n{END}\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    args = parser.parse_args(argv)
    rounds, calls, creates, lagged = (1, 200, 300, 5) if args.quick else (2, 1000, 2000, 30)
    print("transports: per-call CPU …", flush=True)
    cpu = cpu_rows(rounds + 2, calls)
    print("transports: bulk …", flush=True)
    bulk = bulk_rows(rounds, creates, lagged)
    text = table(cpu, bulk)
    print()
    print(text)
    if not args.quick:
        write(text)
        print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
