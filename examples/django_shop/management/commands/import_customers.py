"""``import_customers rows.csv``: bulk-import customers from a CSV (columns id, email, name).

Each row's idempotency key comes from its id, so re-running a crashed import creates nothing
twice.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plugipay import bulk

from ...client import plugipay_client


class Command(BaseCommand):
    help = "Import customers from a CSV file (id,email,name) into Plugipay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_path")
        parser.add_argument("--concurrency", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        with open(options["csv_path"], newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        plug = plugipay_client()

        def create(row: dict[str, str]) -> str:
            customer = plug.customers.create(
                email=row["email"],
                name=row["name"],
                external_id=row["id"],
                idempotency_key=f"import-{row['id']}",
            )
            return customer.id

        result = bulk.run(create, rows, concurrency=options["concurrency"])
        for failure in result.failed:
            self.stderr.write(f"row {failure.item['id']}: {failure.exception}")
        self.stdout.write(f"imported {result.succeeded_count} of {result.total} customers")
        if not result.ok:
            raise CommandError(f"{result.failed_count} rows failed")
