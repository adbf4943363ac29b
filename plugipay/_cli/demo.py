"""``python -m plugipay demo``: a platform's whole day on the built-in emulator, with a report.

No account and no network: provision merchants with a platform-admin key, bulk-import customers
with caller-chosen idempotency keys while the emulator drops responses and answers 429, re-run
the import to show nothing is created twice, page through the result, verify a signed webhook,
then take payments: checkout sessions for some customers, paid by the emulator's buyer, a few
refunded (half, then the rest), with the webhooks and the ledger's totals checked.
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

__all__ = ["DemoOptions", "add_arguments", "main", "parse_args", "run", "run_demo"]

WEBHOOK_SECRET = "whsec_demo_only_not_a_real_secret"
MERCHANTS = 3
CUSTOMER_CREATED = "plugipay.customer.created.v1"
SESSION_COMPLETED = "plugipay.checkout_session.completed.v1"
REFUND_ISSUED = "plugipay.refund.issued.v1"
PAYING_CUSTOMERS = 20
"""How many of the imported customers pay (every fourth of them is then refunded)."""


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


@dataclass
class Payments:
    """What the payment phase made: sessions by row, refunds, and the amounts involved."""

    wanted: int = 0
    """How many sessions the phase set out to create."""
    sessions: dict[int, str] = field(default_factory=dict)
    paid: int = 0
    refunds: list[str] = field(default_factory=list)
    refunded: int = 0
    requests: int = 0


def _amount(row: int) -> int:
    return 25_000 + 5_000 * (row % 7)  # whole rupiah: IDR has no minor unit


async def _payments(
    merchant: AsyncPlugipayClient,
    customer_ids: dict[int, str],
    fake: FakePlugipay | None,
    options: DemoOptions,
) -> Payments:
    """Checkout sessions for the first customers; on the emulator the buyer pays them and every
    fourth is refunded in two halves. Keys name the merchant and row, so a re-run creates nothing."""
    account = merchant.on_behalf_of
    rows = sorted(customer_ids)[:PAYING_CUSTOMERS]
    made = Payments(wanted=len(rows))

    async def open_session(row: int) -> str:
        session = await merchant.checkout_sessions.create(
            amount=_amount(row),
            currency="IDR",
            methods=["qris", "va"],
            success_url=f"https://shop.example/orders/{row}/paid",
            cancel_url=f"https://shop.example/orders/{row}",
            customer_id=customer_ids[row],
            metadata={"row": str(row)},
            idempotency_key=f"checkout-{account}-{row}",
        )
        return session.id

    opened = await bulk.arun(open_session, rows, concurrency=options.concurrency)
    made.sessions = {row: sid for row, sid in zip(rows, opened.results, strict=True) if sid}
    made.requests += len(rows)
    if fake is None:
        return made  # only the emulator can play the buyer
    for row, session_id in made.sessions.items():
        fake.pay_checkout_session(session_id, method="qris" if row % 2 else "va")
        made.paid += _amount(row)
    for row, session_id in made.sessions.items():
        if row % 4:
            continue
        half = _amount(row) // 2
        for part, amount in (("half", half), ("rest", None)):
            refund = await merchant.refunds.create(
                source_type="checkout_session",
                source_id=session_id,
                amount=amount,
                reason="requested_by_customer",
                idempotency_key=f"refund-{account}-{row}-{part}",
            )
            made.refunds.append(refund.id)
            made.refunded += refund.amount or 0
            made.requests += 1
    return made


async def _payment_checks(
    merchant: AsyncPlugipayClient,
    made: Payments,
    fake: FakePlugipay | None,
    deliveries: list[tuple[bytes, dict[str, str]]] | None,
    account_id: str,
    report: Report,
) -> None:
    expected = len(made.sessions)
    report.lines.append(f"checkout       {expected} sessions created")
    report.check(
        f"{made.wanted} checkout sessions, one per customer",
        expected == made.wanted == len(set(made.sessions.values())),
    )
    if fake is None or deliveries is None:
        report.lines.append("payments       not paid: only the built-in emulator plays the buyer")
        return
    completed = [s async for s in merchant.checkout_sessions.list(status="completed", limit=100)]
    refunds = [r async for r in merchant.refunds.list(limit=100)]
    made.requests += 2
    kinds: Counter[str] = Counter()
    for body, headers in deliveries:
        event = webhooks.verify(body, headers, WEBHOOK_SECRET)
        if event.account_id == account_id:
            kinds[event.kind] += 1
    balances = fake.ledger_balances(account_id)
    fees = balances["platform_fees"]
    report.lines.append(
        f"payments       {len(completed)} paid, IDR {made.paid:,}; {len(made.refunds)} refunds, "
        f"IDR {made.refunded:,}; fees IDR {fees:,}"
    )
    report.lines.append(
        f"payment hooks  {kinds['checkout_session.completed']} completed, "
        f"{kinds['refund.issued']} refund deliveries verified"
    )
    report.check("every session paid", len(completed) == expected)
    report.check(
        "refunds: every fourth payment, in two halves, in full",
        len(refunds) == len(made.refunds) == 2 * len(range(0, expected, 4))
        and sum(r.amount or 0 for r in refunds)
        == made.refunded
        == sum(_amount(row) for row in made.sessions if row % 4 == 0),
    )
    report.check(
        "each payment and refund webhook verified, exactly once",
        kinds["checkout_session.completed"] == expected
        and kinds["refund.issued"] == len(made.refunds),
    )
    report.check(
        "the ledger balances: revenue = paid, refunds = refunded, balance = paid - fees - refunds",
        sum(balances.values()) == 0
        and -balances["revenue"] == made.paid
        and balances["refunds"] == made.refunded
        and balances["balance"] == made.paid - fees - made.refunded,
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
            money: list[tuple[bytes, dict[str, str]]] = []
            fake.add_webhook(
                lambda body, headers: money.append((body, dict(headers))),
                secret=WEBHOOK_SECRET,
                account_id=account_id,
                types=[SESSION_COMPLETED, REFUND_ISSUED],
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
        customer_ids = {row: cid for row, cid in enumerate(first.results) if cid is not None}
        made = await _payments(merchant, customer_ids, fake, options)
        payment_report = Report()
        await _payment_checks(
            merchant, made, fake, money if fake is not None else None, account_id, payment_report
        )
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
    report.lines.extend(payment_report.lines)
    report.checks.extend(payment_report.checks)
    pages = -(-max(n, 1) // 100)
    retries = meter.requests - (MERCHANTS * 3 + 2 * n + pages + made.requests)
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


def add_arguments(demo: argparse.ArgumentParser) -> None:
    """The demo's options (``python -m plugipay demo`` and ``plugipay demo``)."""
    demo.add_argument("--customers", type=_positive, default=DemoOptions.customers)
    demo.add_argument("--concurrency", type=_positive, default=DemoOptions.concurrency)
    demo.add_argument("--faults", action=argparse.BooleanOptionalAction, default=True)
    demo.add_argument(
        "--base-url",
        default=None,
        help="run against this server (PLUGIPAY_KEY_ID / PLUGIPAY_SECRET: a platform-admin key)",
    )
    demo.add_argument("--partner", default=DemoOptions.partner)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parses ``python -m plugipay demo`` arguments."""
    parser = argparse.ArgumentParser(prog="python -m plugipay", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add_arguments(commands.add_parser("demo", help="run the demo on the built-in emulator"))
    return parser.parse_args(list(argv))


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected an integer >= 1") from None
    if value < 1:
        raise argparse.ArgumentTypeError("expected an integer >= 1")
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
    """The demo alone: parses ``demo ...``, runs it, prints the report, returns the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run(args, out if out is not None else sys.stdout)


def run(args: argparse.Namespace, stream: TextIO) -> int:
    """Runs the demo with parsed options, prints the report; 0 only when every check holds."""
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
