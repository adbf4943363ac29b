"""``plugipay customers import FILE.csv``: create a customer per CSV row, safely re-runnable.

Columns map to ``customers.create``'s keyword arguments by header: ``email``, ``name``,
``external_id`` (``External ID`` and ``externalId`` read the same), ``metadata.KEY`` for one
metadata entry, or any header with ``--map COLUMN=FIELD`` (``--map COLUMN=`` ignores a column).
An unknown column stops the import before anything is sent. Every row needs an ``external_id``,
unique in the file: the idempotency key of the row's create is made from it, the merchant acted
for and the row's other fields, so a re-run, or a retry after a lost answer, never creates a
customer twice, while a row corrected after it failed is a new request rather than a reuse of
the failed one's key. A row whose ``external_id`` already exists is fetched instead and counted
as existing, not changed; so is a create the server answers as a replay of one made before the
run (``Idempotent-Replayed: true``, seen through the client's httpx pool).

Rows run through ``plugipay.bulk`` (``--concurrency`` at once); ``--journal PATH`` records each
finished row, so an interrupted import run again with the same journal sends only the rest. A
progress bar is drawn on stderr (plain counts when stderr is not a terminal). Failed rows are
written to ``--failures`` (default ``FILE.failures.csv``; a ``.jsonl`` name writes JSON lines)
with their line, ``external_id``, error code, message and request id. The failures file and the
journal are checked for writing before anything is sent. Prints a JSON summary; exit status 4
when a row failed, 5 when the failures file couldn't be written after all (the failed rows then
follow the error on stderr, as JSON lines).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx

from .. import bulk
from .._exceptions import PlugipayError
from .._sync._client import PlugipayClient
from .connection import add_connection_options, make_client
from .exit_codes import IMPORT_FAILURES, IO_ERROR, OK, FileError, InputError
from .methods import method_specs, namespaces
from .output import check_writable, write_json
from .progress import ProgressBar
from .values import ArgType, parse_value

__all__ = ["ReplayWatch", "Row", "add_command", "idempotency_key", "read_rows", "run"]

NAMESPACE = "customers"
KEY_FIELD = "external_id"
MAX_CONCURRENCY = 64
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass
class Row:
    """One CSV record, ready to send (or already known to fail)."""

    line: int
    """The file line the record ends on."""
    external_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    """``customers.create`` keyword arguments besides ``external_id``."""
    error: tuple[str, str] | None = None
    """``(code, message)`` when the row is refused before sending."""

    @property
    def job_key(self) -> str:
        """The row's key in the bulk journal."""
        return f"external_id:{self.external_id}" if self.error is None else f"line:{self.line}"


class RowError(Exception):
    """A row refused before anything was sent for it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _mapping(text: str) -> tuple[str, str]:
    column, sep, target = text.partition("=")
    if not sep or not column:
        raise argparse.ArgumentTypeError("expected COLUMN=FIELD")
    return column, target.strip()


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected an integer") from None
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_CONCURRENCY}")
    return value


def add_command(methods: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``import`` under ``customers``."""
    parser = methods.add_parser(
        "import",
        help="create a customer per row of a CSV file (idempotent by external_id)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE.csv", help="UTF-8 CSV with a header row")
    parser.add_argument(
        "--map",
        dest="mapping",
        type=_mapping,
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD (a create argument, or metadata.KEY); COLUMN= ignores it",
    )
    parser.add_argument(
        "--concurrency",
        type=_concurrency,
        default=bulk.DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"rows sent at once (default {bulk.DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--failures", metavar="PATH", help="where failed rows go (default FILE.failures.csv)"
    )
    parser.add_argument(
        "--journal", metavar="PATH", help="record finished rows here; a re-run skips them"
    )
    add_connection_options(parser)
    parser.set_defaults(handler=run)


def create_fields(client_cls: type = PlugipayClient) -> dict[str, ArgType]:
    """``customers.create``'s keyword arguments and their types (the idempotency key aside)."""
    classes = dict(namespaces(client_cls))
    spec = next(s for s in method_specs(NAMESPACE, classes[NAMESPACE]) if s.method == "create")
    return {
        p.name: p.kind
        for p in spec.params
        if not p.positional and not p.variadic and p.name != "idempotency_key"
    }


def _normalize(header: str) -> str:
    """``External ID`` / ``externalId`` / ``external-id`` → ``external_id``."""
    return _SEPARATORS.sub("_", _CAMEL.sub("_", header.strip())).lower()


Target = tuple[str, str | None]
"""A column's field, and the key inside it for a ``metadata.KEY`` column."""


def _target(spelled: str, fields: Mapping[str, ArgType]) -> Target | None:
    name, dot, key = spelled.partition(".")
    name = _normalize(name)
    if name not in fields:
        return None
    if dot:
        if fields[name].kind != "json" or fields[name].shape != "object" or not key:
            return None
        return name, key
    return name, None


def plan_columns(
    header: Sequence[str], mapping: Sequence[tuple[str, str]], fields: Mapping[str, ArgType]
) -> dict[str, Target]:
    """Which field each used column fills; ``InputError`` naming every column that fits none."""
    given = dict(mapping)
    missing = [column for column in given if column not in header]
    if missing:
        raise InputError(f"--map names columns the file lacks: {', '.join(missing)}")
    plan: dict[str, Target] = {}
    unknown: list[str] = []
    for column in header:
        if not column.strip() or given.get(column) == "":
            continue  # an unnamed or ignored column
        found = _target(given.get(column, column), fields)
        if found is None:
            unknown.append(column)
        else:
            plan[column] = found
    if unknown:
        raise InputError(
            f"columns that match no customer field: {', '.join(unknown)} (fields: "
            f"{', '.join(fields)}, or metadata.KEY); map one with --map COLUMN=FIELD, or ignore "
            "it with --map COLUMN="
        )
    targets = Counter(plan.values())
    twice = [column for column, target in plan.items() if targets[target] > 1]
    if twice:
        raise InputError(f"columns that fill the same field: {', '.join(twice)}")
    if (KEY_FIELD, None) not in plan.values():
        raise InputError(f"no {KEY_FIELD} column: every row needs one (or use --map)")
    return plan


def _cell_value(kind: ArgType, text: str) -> Any:
    if kind.kind == "strings":
        return [part.strip() for part in text.split(",") if part.strip()]
    return parse_value(kind, text)


def _row(
    line: int,
    record: Mapping[str | None, Any],
    plan: Mapping[str, Target],
    fields: Mapping[str, ArgType],
) -> Row:
    values: dict[str, Any] = {}
    problem: tuple[str, str] | None = None
    if record.get(None):
        problem = ("too_many_cells", "the row has more cells than the header has columns")
    for column, (name, key) in plan.items():
        text = (record.get(column) or "").strip()
        if not text:
            continue
        if key is not None:
            values.setdefault(name, {})[key] = text
            continue
        try:
            value = _cell_value(fields[name], text)
        except ValueError as exc:
            problem = problem or ("invalid_value", f"column {column!r}: {exc}")
            continue
        if isinstance(value, dict) and isinstance(values.get(name), dict):
            value = {**value, **values[name]}
        values[name] = value
    external_id = values.pop(KEY_FIELD, "")
    if not isinstance(external_id, str) or not external_id:
        problem = problem or ("missing_external_id", f"the row has no {KEY_FIELD}")
        external_id = ""
    return Row(line, external_id, values, problem)


def read_rows(
    path: str, mapping: Sequence[tuple[str, str]], fields: Mapping[str, ArgType]
) -> list[Row]:
    """The file's rows; refuses the file (``InputError``) when its columns don't fit."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            header = reader.fieldnames
            if not header:
                raise InputError(f"{path} is empty: it needs a header row")
            plan = plan_columns(header, mapping, fields)
            rows = [_row(reader.line_num, record, plan, fields) for record in reader]
    except OSError as exc:
        raise FileError(f"can't read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(f"{path} is not valid CSV: {exc}") from None
    first: dict[str, int] = {}
    for row in rows:
        if row.error is not None:
            continue
        if row.external_id in first:
            row.error = (
                "duplicate_external_id",
                f"{KEY_FIELD} {row.external_id!r} is also on line {first[row.external_id]}",
            )
        else:
            first[row.external_id] = row.line
    return rows


def idempotency_key(external_id: str, on_behalf_of: str | None, fields: Mapping[str, Any]) -> str:
    """The create's idempotency key: the same for the same row (its ``external_id`` and its other
    fields) of the same merchant's import, another once the row is changed."""
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    basis = "\x00".join((on_behalf_of or "", external_id, body)).encode()
    return "customers-import-" + hashlib.sha256(basis).hexdigest()[:48]


class ReplayWatch:
    """Which creates the server answered as replays (``Idempotent-Replayed: true``), from the
    client's httpx event hooks, and whether an attempt of the same call went unanswered before."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: Counter[str] = Counter()
        self._answered: Counter[str] = Counter()
        self._last: dict[str, tuple[bool, int]] = {}
        """Per key: whether the latest answer was a replay, and how many attempts before it
        got no answer at all."""

    def hooks(self) -> dict[str, list[Any]]:
        """The ``event_hooks`` of the ``httpx.Client`` the client sends through."""
        return {"request": [self._on_request], "response": [self._on_response]}

    def _on_request(self, request: httpx.Request) -> None:
        key = request.headers.get("idempotency-key")
        if key is not None:
            with self._lock:
                self._sent[key] += 1

    def _on_response(self, response: httpx.Response) -> None:
        key = response.request.headers.get("idempotency-key")
        if key is None:
            return
        replayed = response.headers.get("idempotent-replayed", "").lower() == "true"
        with self._lock:
            self._answered[key] += 1
            self._last[key] = (replayed, self._sent[key] - self._answered[key])

    def made_before(self, key: str, created_at: datetime | None, started: datetime) -> bool:
        """The customer answered under ``key`` was created before this run, not by it.

        A replay means an earlier request with the key made it. When every attempt of this
        run was answered, that request was not this run's; when one went unanswered (a lost
        answer, then a retry), it may have been, and the customer's ``created_at`` decides."""
        with self._lock:
            replayed, unanswered = self._last.get(key, (False, 0))
        if not replayed:
            return False
        if unanswered == 0:
            return True
        return created_at is not None and created_at < started


def _failure(row: Row, exc: Exception) -> dict[str, Any]:
    if isinstance(exc, RowError):
        code, message, request_id = exc.code, exc.message, None
    elif isinstance(exc, PlugipayError):
        code, message, request_id = exc.code, exc.message, exc.request_id
    else:
        code = "invalid_input" if isinstance(exc, ValueError | TypeError) else "error"
        message, request_id = str(exc), None
    return {
        "line": row.line,
        "external_id": row.external_id,
        "code": code,
        "message": " ".join(str(message).split()),
        "request_id": request_id,
    }


def write_failures(path: str, failures: Sequence[Mapping[str, Any]]) -> None:
    """The failed rows, as CSV, or as JSON lines when ``path`` ends in ``.jsonl``."""
    columns = ["line", "external_id", "code", "message", "request_id"]
    with open(path, "w", newline="", encoding="utf-8") as file:
        if path.endswith(".jsonl"):
            for failure in failures:
                file.write(json.dumps({c: failure[c] for c in columns}, ensure_ascii=False) + "\n")
            return
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(failures)


def _started() -> datetime:
    """Now, to the millisecond the API's timestamps have, rounded down."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Imports the file; prints the summary."""
    rows = read_rows(args.file, args.mapping, create_fields())
    failures_path = args.failures or str(Path(args.file).with_suffix(".failures.csv"))
    check_writable(failures_path, "--failures")
    if args.journal:
        check_writable(args.journal, "--journal")
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    watch = ReplayWatch()
    started = _started()
    with httpx.Client(event_hooks=watch.hooks()) as http, make_client(args, http) as plug:
        _ = plug.customers.list(limit=1).data  # bad credentials fail here, not once per row
        account = plug.on_behalf_of

        def create(row: Row) -> str:
            if row.error is not None:
                raise RowError(*row.error)
            key = idempotency_key(row.external_id, account, row.fields)
            customer, created = plug.customers.get_or_create(
                external_id=row.external_id, idempotency_key=key, **row.fields
            )
            if created and watch.made_before(key, customer.created_at, started):
                created = False
            with lock:
                counts["created" if created else "existing"] += 1
            return customer.id

        bar = ProgressBar(err, "customers import")
        try:
            result = bulk.run(
                create,
                rows,
                concurrency=args.concurrency,
                on_progress=bar,
                journal=args.journal,
                key=(lambda row: row.job_key) if args.journal else None,
            )
        except KeyboardInterrupt:
            bar.close()
            again = "with the same --journal" if args.journal else "(finished rows replay)"
            err.write(f"customers import interrupted: run it again {again}\n")
            raise
    failures = [_failure(f.item, f.exception) for f in result.failed]
    written: str | None = None
    unwritten: str | None = None
    if failures:
        try:
            write_failures(failures_path, failures)
            written = failures_path
        except OSError as exc:  # the summary is printed all the same
            unwritten = exc.strerror or str(exc)
    summary = {
        "rows": result.total,
        "created": counts["created"],
        "existing": counts["existing"],
        "resumed": result.resumed,
        "failed": len(failures),
        "failuresFile": written,
    }
    err.write(
        f"customers import: {result.succeeded_count} of {result.total} rows done "
        f"({counts['created']} created, {counts['existing']} existing, {result.resumed} resumed); "
        f"{len(failures)} failed" + (f", listed in {written}\n" if written else "\n")
    )
    write_json(summary, out)
    if unwritten is not None:
        err.write(
            f"plugipay: I/O error: can't write --failures {failures_path}: {unwritten}; "
            "the failed rows follow as JSON lines\n"
        )
        for failure in failures:
            err.write(json.dumps(failure, ensure_ascii=False) + "\n")
        err.flush()
        return IO_ERROR
    return IMPORT_FAILURES if failures else OK
