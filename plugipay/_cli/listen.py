"""``plugipay listen --forward-to URL``: each new event, POSTed to a local app as a signed delivery.

It follows the events API (the emulator's or a real server's), so the app under development
receives what a webhook endpoint would, with no public URL. It starts from now: the events that
exist when it starts are remembered, never sent. Every poll walks the list newest first until it
meets an event it has seen, then forwards the new ones oldest first, each signed with a secret
made for this run (``whsec_…``, printed first; ``PLUGIPAY_WEBHOOK_SECRET`` keeps one across runs
and is then not printed) exactly as Plugipay signs deliveries: the body is the event envelope and
``X-Plugipay-Signature`` is ``plugipay.webhooks.sign``'s. Each delivery is shown with the app's
answer; a failed one is shown and not retried. Ctrl-C (or SIGTERM) stops it, with status 0.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import threading
import time
from collections import deque
from collections.abc import Sequence
from types import FrameType
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx

from .. import webhooks
from .._exceptions import InternalServerError, PlugipayNetworkError, RateLimitError
from .._models.events import EventRecord
from .._sync.resources.events import Events
from .._urls import check_header_value
from .._validation import MAX_LIMIT
from .connection import add_connection_options, make_client
from .exit_codes import error_line

__all__ = ["ENV_WEBHOOK_SECRET", "Follower", "add_command", "delivery_body", "run"]

ENV_WEBHOOK_SECRET = "PLUGIPAY_WEBHOOK_SECRET"
"""A secret to sign with instead of a new one (so the app's setting survives a restart)."""
MAX_NEW_PER_POLL = 1_000
"""Most events one poll forwards; more than that since the last poll are reported, not sent."""
POLL_PAGE = 20
"""Events asked for per page while polling: a quiet account costs one small page a poll, a
burst walks more pages."""
REMEMBERED = 10_000
"""How many event ids are remembered, to find where the previous poll stopped."""
_ENVELOPE_KEYS = ("id", "type", "accountId", "workspaceId", "createdAt", "occurredAt", "data")
_TRANSIENT = (PlugipayNetworkError, RateLimitError, InternalServerError)


def _url(text: str) -> str:
    try:
        check_header_value("--forward-to", text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError("expected an http(s) URL with a host")
    return text


def _seconds(low: float, high: float) -> Any:
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError("expected seconds") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low:g} to {high:g} seconds")
        return value

    return convert


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``listen`` to the top-level commands."""
    parser = commands.add_parser(
        "listen",
        help="forward new events to a local URL as signed webhook deliveries",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--forward-to", required=True, type=_url, metavar="URL", help="where to POST each event"
    )
    parser.add_argument(
        "--events",
        nargs="+",
        action="extend",
        default=[],
        metavar="TYPE",
        help="forward only these types (plugipay.customer.created.v1 or customer.created); "
        "default: every type",
    )
    parser.add_argument(
        "--interval",
        type=_seconds(0.05, 60.0),
        default=1.0,
        metavar="SECONDS",
        help="wait between polls of the events API (default 1)",
    )
    parser.add_argument(
        "--forward-timeout",
        type=_seconds(0.1, 300.0),
        default=10.0,
        metavar="SECONDS",
        help="how long the app may take to answer a delivery (default 10)",
    )
    add_connection_options(parser)
    parser.set_defaults(handler=run)


class _Recent:
    """The last ``REMEMBERED`` ids seen, oldest forgotten first."""

    def __init__(self) -> None:
        self._order: deque[str] = deque()
        self._ids: set[str] = set()

    def __contains__(self, ident: str) -> bool:
        return ident in self._ids

    def add(self, ident: str) -> None:
        if ident in self._ids:
            return
        self._order.append(ident)
        self._ids.add(ident)
        if len(self._order) > REMEMBERED:
            self._ids.discard(self._order.popleft())


class Follower:
    """Finds the events created since the last look, through ``plug.events.list``."""

    def __init__(self, events: Events) -> None:
        self._events = events
        self._seen = _Recent()
        self.overflowed = False
        """The last poll found more than ``MAX_NEW_PER_POLL`` new events: the oldest of them
        were never reached."""

    def prime(self) -> None:
        """Remembers the newest events, so only later ones count as new."""
        for record in self._events.list(limit=MAX_LIMIT).data:
            self._seen.add(record.id)

    def poll(self) -> list[EventRecord]:
        """The events created since the previous poll, oldest first."""
        new: list[EventRecord] = []
        for page in self._events.list(limit=POLL_PAGE).iter_pages():
            for record in page.data:
                if record.id in self._seen:
                    return self._take(new)
                new.append(record)
                if len(new) > MAX_NEW_PER_POLL:
                    return self._take(new)
        return self._take(new)

    def _take(self, newest_first: list[EventRecord]) -> list[EventRecord]:
        kept = newest_first[:MAX_NEW_PER_POLL]
        self.overflowed = len(kept) < len(newest_first)
        for record in newest_first:
            self._seen.add(record.id)
        return kept[::-1]


def delivery_body(record: EventRecord) -> bytes:
    """The envelope a webhook endpoint receives for this event, as compact JSON bytes."""
    raw = record.to_dict()
    envelope = {key: raw[key] for key in _ENVELOPE_KEYS if key in raw}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _wanted(types: Sequence[str]) -> frozenset[str]:
    return frozenset(webhooks.event_kind(t) for t in types)


def _forward(http: httpx.Client, url: str, secret: str, record: EventRecord) -> str:
    """POSTs one delivery; the outcome as a few words."""
    body = delivery_body(record)
    headers = {
        "content-type": "application/json",
        webhooks.SIGNATURE_HEADER: webhooks.sign(body, secret),
    }
    started = time.perf_counter()
    try:
        response = http.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        detail = " ".join(str(exc).split())
        return f"failed: {type(exc).__name__}{': ' + detail if detail else ''}"
    elapsed = (time.perf_counter() - started) * 1000
    return f"{response.status_code} {response.reason_phrase} in {elapsed:.0f} ms"


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Follows events and forwards them until Ctrl-C or SIGTERM."""
    given = os.environ.get(ENV_WEBHOOK_SECRET)
    secret = given or "whsec_" + secrets.token_hex(32)
    wanted = _wanted(args.events)
    stop = threading.Event()
    forwarded = 0
    with make_client(args) as plug:
        if given:
            out.write(f"# signing with the secret in {ENV_WEBHOOK_SECRET}\n")
        else:
            out.write(f"export {ENV_WEBHOOK_SECRET}={secret}\n")
        out.flush()
        previous = _on_sigterm(stop)
        try:
            with httpx.Client(timeout=args.forward_timeout, trust_env=False) as http:
                follower = Follower(plug.events)
                follower.prime()
                err.write(
                    f"# forwarding new events from {plug.base_url} to {args.forward_to}; "
                    "Ctrl-C to stop\n"
                )
                err.flush()
                while not stop.is_set():
                    try:
                        new = follower.poll()
                    except _TRANSIENT as exc:
                        err.write(f"{error_line(exc)}; polling again\n")
                        err.flush()
                        new = []
                    if follower.overflowed:
                        err.write(
                            f"# more than {MAX_NEW_PER_POLL} events came in since the last poll: "
                            f"only the newest {MAX_NEW_PER_POLL} are forwarded\n"
                        )
                    for record in new:
                        if stop.is_set():
                            break
                        if wanted and webhooks.event_kind(record.type or "") not in wanted:
                            continue
                        outcome = _forward(http, args.forward_to, secret, record)
                        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                        out.write(f"{stamp}  {record.type}  {record.id}  -> {outcome}\n")
                        out.flush()
                        forwarded += 1
                    stop.wait(args.interval)
        except KeyboardInterrupt:
            pass
        finally:
            _restore(previous)
    err.write(f"# stopped; events forwarded: {forwarded}\n")
    err.flush()
    return 0


def _on_sigterm(stop: threading.Event) -> Any:
    """SIGTERM sets ``stop`` (from the main thread only, where handlers can be installed)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    return signal.signal(signal.SIGTERM, handler)


def _restore(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)
