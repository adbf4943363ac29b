"""``plugipay trigger TYPE``: emit a synthetic event (test mode), to try a webhook handler.

``TYPE`` is a catalogue name (``plugipay.customer.created.v1``) or its short spelling
(``customer.created``), looked up in ``GET /api/v1/events/types``. The event is about the object
``--aggregate-id`` (default: a made-up id), with ``--data`` merged into its ``data.object``;
``POST /api/v1/events/trigger`` records it and delivers it to the webhook endpoints (and to a
running ``plugipay listen``). Prints the event.
"""

from __future__ import annotations

import argparse
import secrets
from typing import TextIO

from .. import webhooks
from .._sync.resources.events import Events
from .connection import add_connection_options, make_client
from .output import write_json
from .values import ArgType, parse_value

__all__ = ["add_command", "full_type", "run"]


def _json_object(text: str) -> object:
    try:
        return parse_value(ArgType("json", "object"), text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``trigger`` to the top-level commands."""
    parser = commands.add_parser(
        "trigger",
        help="emit a test event of TYPE (test-mode keys only)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("type", metavar="TYPE", help="e.g. customer.created")
    parser.add_argument(
        "--aggregate-id", metavar="ID", help="the object the event is about (default: made up)"
    )
    parser.add_argument(
        "--data", type=_json_object, metavar="JSON", help="fields of the event's data.object"
    )
    parser.add_argument("--idempotency-key", metavar="KEY", help="makes a retry safe")
    add_connection_options(parser)
    parser.set_defaults(handler=run)


def full_type(events: Events, given: str) -> str:
    """The catalogue name of ``given``: itself when it is one, else the one type whose short
    spelling matches; as given when none (or several) match, for the server to judge."""
    if given.startswith("plugipay."):
        return given
    catalogue = events.types()
    if given in catalogue:
        return given
    kind = webhooks.event_kind(given)
    matches = [name for name in catalogue if webhooks.event_kind(name) == kind]
    return matches[0] if len(matches) == 1 else given


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Triggers the event and prints it."""
    with make_client(args) as plug:
        event_type = full_type(plug.events, args.type)
        subject = webhooks.event_kind(event_type).split(".", 1)[0]
        aggregate_id = args.aggregate_id or f"{subject}_cli_{secrets.token_hex(8)}"
        record = plug.events.trigger(
            type=event_type,
            aggregate_id=aggregate_id,
            data=args.data,
            idempotency_key=args.idempotency_key,
        )
    write_json(record, out)
    return 0
