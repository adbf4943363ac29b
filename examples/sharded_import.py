"""A resumable import split across processes: ``bulk.run`` with ``shard=`` and ``journal=``.

Run: ``python sharded_import.py JOURNAL_DIR [COUNT] [SHARDS]`` with ``PLUGIPAY_KEY_ID`` and
``PLUGIPAY_SECRET`` set (and ``PLUGIPAY_BASE_URL`` for a local emulator from
``python -m plugipay.testing serve``). Each process runs one shard of the same rows with its own
client and its own journal file; run it again after a crash (or Ctrl-C) and each shard calls the
API only for the rows its journal lacks. The idempotency keys come from the rows, so a row that
was in flight when the process died is replayed by the server, not created twice.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from plugipay import PlugipayClient, bulk


def rows(count: int) -> list[dict[str, str]]:
    """The import's input: the same list, in the same order, in every process."""
    return [{"ref": f"crm-{n}", "email": f"member{n}@example.com"} for n in range(count)]


def import_shard(index: int, shards: int, count: int, journal_dir: str) -> tuple[int, int, int]:
    """Runs shard ``index`` of ``shards``; returns (rows in the shard, from the journal, failed)."""
    with PlugipayClient() as plug:

        def create(row: dict[str, str]) -> str:
            customer = plug.customers.create(
                email=row["email"], external_id=row["ref"], idempotency_key=f"import-{row['ref']}"
            )
            return customer.id  # a JSON value, as a journal file needs

        result = bulk.run(
            create,
            rows(count),
            concurrency=8,
            shard=(index, shards),
            journal=Path(journal_dir) / f"shard-{index}-of-{shards}.journal",
            key=lambda row: row["ref"],
        )
    for failure in result.failed:
        print(f"{failure.item['ref']}: {failure.exception}", file=sys.stderr)
    return result.total, result.resumed, result.failed_count


def main() -> int:
    journal_dir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    shards = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    Path(journal_dir).mkdir(parents=True, exist_ok=True)
    # "spawn": each worker starts a fresh interpreter, the portable choice (fork is unsafe once
    # threads exist, and is not available on Windows or the default on macOS).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=shards, mp_context=context) as pool:
        outcomes = list(
            pool.map(
                import_shard,
                range(shards),
                [shards] * shards,
                [count] * shards,
                [journal_dir] * shards,
            )
        )
    total = sum(o[0] for o in outcomes)
    resumed = sum(o[1] for o in outcomes)
    failed = sum(o[2] for o in outcomes)
    print(f"{total} rows in {shards} shards: {resumed} from the journals, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
