"""``python -m plugipay demo``: a platform's whole day on the built-in emulator, with a report.

No account and no network: provision merchants with a platform-admin key, bulk-import customers
with caller-chosen idempotency keys while the emulator drops responses and answers 429, re-run
the import to show nothing is created twice, page through the result, verify a signed webhook.
``--base-url`` runs the same flow against a real server with credentials from the environment.
The exit code is 0 only when every check in the report holds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

import anyio
import httpx

from .. import bulk, webhooks
from .._async._client import AsyncPlugipayClient
from .._concurrency import asleep
from .._exceptions import PlugipayError
from .._json import canonical_json

if TYPE_CHECKING:
    from ..testing import FakePlugipay

__all__ = ["DemoOptions", "main", "parse_args", "run_demo"]

WEBHOOK_SECRET = "whsec_demo_only_not_a_real_secret"
MERCHANTS = 3
CUSTOMER_CREATED = "plugipay.customer.created.v1"


@dataclass(frozen=True)
class DemoOptions:
    """What the demo runs: sizes, faults, and where the API lives."""

    customers: int = 2000
    concurrency: int = 16
    faults: bool = True
    base_url: str | None = None
    partner: str = "storlaunch"


@dataclass
class Meter:
    """Counts attempts and answers on the wire, and the time spent waiting between attempts."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    waited: float = 0.0
    waits: int = 0

    async def on_request(self, request: httpx.Request) -> None:
        """httpx hook: one attempt is leaving."""
        self.requests += 1

    async def on_response(self, response: httpx.Response) -> None:
        """httpx hook: an answer came back."""
        self.statuses[response.status_code] += 1

    async def sleep(self, seconds: float) -> None:
        """The client's sleep (backoff and Retry-After waits), measured."""
        self.waits += 1
        self.waited += seconds
        await asleep(seconds)

    @property
    def dropped(self) -> int:
        """Attempts that never got an answer (dropped connections)."""
        return self.requests - sum(self.statuses.values())


@dataclass
class Report:
    """The checks and figures the demo prints."""

    checks: list[tuple[str, bool]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def check(self, label: str, ok: bool) -> None:
        """Record one check."""
        self.checks.append((label, ok))

    @property
    def ok(self) -> bool:
        """Whether every check held."""
        return all(ok for _, ok in self.checks)


class Progress:
    """A live progress line on a terminal; a few plain lines otherwise."""

    def __init__(self, out: TextIO, label: str) -> None:
        self._out = out
        self._label = label
        self._tty = out.isatty()
        self._next_quarter = 1

    def __call__(self, done: int, failed: int, total: int) -> None:
        line = f"  {self._label:<8} {done:>6}/{total} done, {failed} failed"
        if self._tty:
            end = "\n" if done == total else ""
            self._out.write(f"\r{line}{end}")
            self._out.flush()
        elif done * 4 >= self._next_quarter * total:
            while self._next_quarter * total <= done * 4:
                self._next_quarter += 1
            self._out.write(line + "\n")


async def _provision(partner: AsyncPlugipayClient, options: DemoOptions, report: Report) -> str:
    """Provisions the merchants; returns the account id customers are imported into."""
    accounts: list[str] = []
    pending = 0
    for n in range(MERCHANTS):
        sub = await partner.onboarding.provision_managed()
        account_id = sub.sub_account_id
        assert account_id is not None
        await partner.admin.provision_workspace(
            account_id=account_id,
            partner=options.partner,
            discount_rate=0.1,
            brand_name=f"Demo merchant {n + 1}",
            business_email=f"merchant{n + 1}@example.com",
        )
        state = await partner.for_merchant(account_id).adapters.start_managed_onboarding(
            email=f"merchant{n + 1}@example.com"
        )
        pending += state.state == "pending"
        accounts.append(account_id)
    report.lines.append(f"merchants      {MERCHANTS} provisioned for {options.partner}")
    report.check(f"{MERCHANTS} merchants provisioned, onboarding pending", pending == MERCHANTS)
    return accounts[0]


async def _import(
    merchant: AsyncPlugipayClient, options: DemoOptions, out: TextIO, label: str
) -> bulk.BulkResult[int, str]:
    # Idempotency keys are scoped to the API key, not the merchant: naming the merchant in the key
    # lets a second run (new merchants, same platform key) create rather than collide, while the
    # re-run inside one demo replays.
    account = merchant.on_behalf_of

    async def create(row: int) -> str:
        customer = await merchant.customers.create(
            email=f"customer{row:05d}@example.com",
            name=f"Customer {row}",
            external_id=f"row-{row}",
            idempotency_key=f"import-{account}-{row}",
        )
        return customer.id

    return await bulk.arun(
        create,
        range(options.customers),
        concurrency=options.concurrency,
        on_progress=Progress(out, label),
    )


def _webhook_check(
    report: Report,
    deliveries: list[tuple[bytes, dict[str, str]]] | None,
    account_id: str,
    first_id: str | None,
    expected: int,
) -> None:
    if deliveries is None:
        # A real server delivers to URLs we don't run: sign an event the way it would.
        body = canonical_json(
            {
                "id": "evt_demo",
                "type": CUSTOMER_CREATED,
                "accountId": account_id,
                "createdAt": "2026-01-01T00:00:00.000Z",
                "data": {"object": {"id": first_id}},
            }
        ).encode()
        header = webhooks.sign(body, WEBHOOK_SECRET)
        event = webhooks.verify(body, header, WEBHOOK_SECRET)
        report.lines.append("webhooks       1 locally signed event verified")
        report.check("signed webhook verified", event.type == CUSTOMER_CREATED)
        return
    verified = 0
    for body, headers in deliveries:
        event = webhooks.verify(body, headers, WEBHOOK_SECRET)
        verified += event.type == CUSTOMER_CREATED and event.account_id == account_id
    report.lines.append(f"webhooks       {verified} customer.created deliveries verified")
    report.check("every customer.created webhook verified, exactly once", verified == expected)


async def run_demo(options: DemoOptions, out: TextIO) -> Report:
    """Runs the whole flow and returns its report (printing progress to ``out``)."""
    meter = Meter()
    hooks: dict[str, list[Callable[..., object]]] = {
        "request": [meter.on_request],
        "response": [meter.on_response],
    }
    fake: FakePlugipay | None = None
    deliveries: list[tuple[bytes, dict[str, str]]] | None = None
    if options.base_url is None:
        from ..testing import FakePlugipay

        fake = FakePlugipay(seed=1)
        http = httpx.AsyncClient(transport=fake.transport, event_hooks=hooks)
        partner = fake.async_client(
            platform=options.partner, max_retries=10, http_client=http, _sleep=meter.sleep
        )
    else:
        http = httpx.AsyncClient(event_hooks=hooks)
        partner = AsyncPlugipayClient(
            base_url=options.base_url, max_retries=10, http_client=http, _sleep=meter.sleep
        )
    report = Report()
    started = time.perf_counter()
    async with http, partner:
        account_id = await _provision(partner, options, report)
        merchant = partner.for_merchant(account_id)
        if fake is not None:
            collected: list[tuple[bytes, dict[str, str]]] = []
            deliveries = collected
            fake.add_webhook(
                lambda body, headers: collected.append((body, dict(headers))),
                secret=WEBHOOK_SECRET,
                account_id=account_id,
                types=[CUSTOMER_CREATED],
            )
            if options.faults:
                from ..testing import DropAfterCommit, RateLimit

                # ~1% of creates lose their answer after the commit or meet a 429.
                path, share = "/api/v1/customers", 0.005
                fake.faults.add(DropAfterCommit(method="POST", path=path, probability=share))
                fake.faults.add(
                    RateLimit(retry_after=0.01, method="POST", path=path, probability=share)
                )
        first = await _import(merchant, options, out, "import")
        again = await _import(merchant, options, out, "re-run")
        listed: list[str] = []
        external: set[str] = set()
        async for customer in merchant.customers.list(limit=100):
            listed.append(customer.id)
            external.add(customer.external_id or "")
    elapsed = time.perf_counter() - started

    n = options.customers
    report.lines.append(
        f"import         {first.succeeded_count} created, {first.failed_count} failed"
    )
    report.lines.append(
        f"re-run         {again.succeeded_count} replayed, "
        f"{len(set(again.succeeded) - set(first.succeeded))} new"
    )
    report.lines.append(f"paged          {len(listed)} customers, {len(external)} distinct rows")
    report.check("import: no failures", first.ok)
    report.check("re-run: same customers, nothing created twice", again.results == first.results)
    report.check(f"pages hold exactly {n} customers", len(listed) == n == len(set(listed)))
    report.check(f"{n} distinct external ids", len(external) == n)
    _webhook_check(report, deliveries, account_id, listed[0] if listed else None, n)
    if fake is not None and options.faults:
        report.check("faults were injected", fake.faults.fired > 0)
    retries = meter.requests - (MERCHANTS * 3 + 2 * n + -(-max(n, 1) // 100))
    report.lines.append(
        f"wire           {meter.requests} requests, {retries} retries, "
        f"{meter.dropped} dropped responses, {meter.statuses[429]} answered 429"
    )
    report.lines.append(
        f"waits          {meter.waits} task waits (backoff, Retry-After, 429 gate), "
        f"{meter.waited:.2f} task-seconds"
    )
    report.lines.append(
        f"elapsed        {elapsed:.2f}s, {meter.requests / max(elapsed, 1e-9):.0f} requests/s"
    )
    return report


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parses ``python -m plugipay`` arguments."""
    parser = argparse.ArgumentParser(prog="python -m plugipay", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the demo on the built-in emulator")
    demo.add_argument("--customers", type=_positive, default=DemoOptions.customers)
    demo.add_argument("--concurrency", type=_positive, default=DemoOptions.concurrency)
    demo.add_argument("--faults", action=argparse.BooleanOptionalAction, default=True)
    demo.add_argument(
        "--base-url",
        default=None,
        help="run against this server (PLUGIPAY_KEY_ID / PLUGIPAY_SECRET: a platform-admin key)",
    )
    demo.add_argument("--partner", default=DemoOptions.partner)
    return parser.parse_args(list(argv))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _plan(options: DemoOptions) -> str:
    """The first lines: where the demo runs and, on a real server, what it will create there."""
    if options.base_url is None:
        return (
            f"plugipay demo on the built-in emulator (in-process, no network): "
            f"{options.customers} customers, concurrency {options.concurrency}, "
            f"faults {'on' if options.faults else 'off'}\n"
        )
    # Only the emulator can inject faults: against a server, say what will really happen.
    return (
        f"plugipay demo on {options.base_url}: concurrency {options.concurrency}, no injected "
        "faults (only the built-in emulator injects them)\n"
        f"it will create, as partner {options.partner!r}: {MERCHANTS} managed merchant "
        f"workspaces, and {options.customers} customers in the first of them (then re-run the "
        "import, which creates nothing more)\n"
    )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The command line: runs the demo, prints the report, returns the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    stream = out if out is not None else sys.stdout
    options = DemoOptions(
        customers=args.customers,
        concurrency=args.concurrency,
        faults=args.faults,
        base_url=args.base_url or None,
        partner=args.partner,
    )
    stream.write(_plan(options))
    try:
        report = anyio.run(run_demo, options, stream)
    except (PlugipayError, ValueError) as exc:
        # An API error, or settings the client refused (a base URL, missing credentials).
        stream.write(f"demo stopped: {exc}\n")
        return 1
    stream.write("\n".join(report.lines) + "\n")
    for label, ok in report.checks:
        stream.write(f"  [{'ok' if ok else 'FAIL'}] {label}\n")
    stream.write("all checks hold\n" if report.ok else "some checks FAILED\n")
    return 0 if report.ok else 1
