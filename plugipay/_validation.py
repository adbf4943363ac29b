"""Client-side argument checks, run before any request exists (SPEC §7 limits).

Each failure is a ``ValueError`` (or ``TypeError`` for a wrong type) that names the argument, so
a bad call never reaches the network.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from ._fields import Check
from ._types import NotGiven
from ._urls import check_header_value

__all__ = [
    "MAX_LIMIT",
    "amount",
    "as_list",
    "check_amount",
    "check_choice",
    "check_created_after",
    "check_cursor",
    "check_datetime",
    "check_idempotency_key",
    "check_limit",
    "check_metadata",
    "check_str",
    "choice",
    "currency",
    "duration",
    "duration_seconds",
    "email",
    "line_items",
    "line_items_wire",
    "metadata",
    "prefixed",
    "slug",
    "strings",
    "text",
]

MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 2048
"""The longest cursor sent or taken from a server (Plugipay's are about 100 characters)."""
METADATA_MAX_ENTRIES = 50
METADATA_MAX_KEY = 40
METADATA_MAX_VALUE = 500
EMAIL_MAX = 320
IDEMPOTENCY_KEY_MAX = 255
_KEY_CHARACTERS = re.compile(r"[\x21-\x7e]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_str(name: str, value: object, *, max_length: int | None = None) -> None:
    """A string argument (``None`` and ``NOT_GIVEN`` allowed: "leave out" or "clear")."""
    if value is None or isinstance(value, NotGiven):
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(value)}")


def check_choice(name: str, value: object, choices: Collection[str]) -> None:
    """One of a fixed set of strings (``None`` and ``NOT_GIVEN`` allowed)."""
    if value is None or isinstance(value, NotGiven):
        return
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in sorted(choices))
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def check_limit(value: object) -> None:
    """A page size: an int from 1 to 100."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"limit must be an int, not {type(value).__name__}")
    if not 1 <= value <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {value}")


def check_cursor(value: object) -> None:
    """An opaque cursor from an earlier page."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"cursor must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError("cursor must not be empty")
    if len(value) > MAX_CURSOR_LENGTH:
        raise ValueError(f"cursor must be at most {MAX_CURSOR_LENGTH} characters, got {len(value)}")
    check_header_value("cursor", value)


def check_idempotency_key(value: object) -> None:
    """A caller's idempotency key: 1 to 255 printable ASCII characters, no spaces (``None``: the
    SDK makes one)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"idempotency_key must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError("idempotency_key must not be empty")
    check_header_value("idempotency_key", value)
    if len(value) > IDEMPOTENCY_KEY_MAX:
        raise ValueError(
            f"idempotency_key must be at most {IDEMPOTENCY_KEY_MAX} characters, got {len(value)}"
        )
    if not _KEY_CHARACTERS.fullmatch(value):
        raise ValueError("idempotency_key must be printable ASCII without spaces")


def check_created_after(value: object) -> None:
    """A ``datetime`` or an ISO 8601 string."""
    check_datetime("created_after", value)


def check_datetime(name: str, value: object) -> None:
    """A time filter: a ``datetime`` or an ISO 8601 string (``None`` allowed)."""
    if value is None or isinstance(value, datetime):
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a datetime or an ISO string, not {type(value).__name__}")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be ISO 8601, got {value!r}") from None


def check_amount(name: str, value: object) -> None:
    """An amount in the currency's minor unit: an ``int`` of 0 or more (``None`` allowed).

    A float, a bool or any other non-integer number is a ``ValueError`` (SPEC-MONEY §2: ``10.5``
    or ``True`` is a wrong amount, not just a wrong type); a non-number is a ``TypeError``.
    """
    if value is None or isinstance(value, NotGiven):
        return
    if isinstance(value, bool) or (
        isinstance(value, numbers.Number) and not isinstance(value, int)
    ):
        raise ValueError(
            f"{name} must be an int in the currency's minor unit (IDR: whole rupiah; USD, SGD: "
            f"cents), got {value!r}"
        )
    if not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def check_metadata(value: object) -> None:
    """At most 50 string → string entries, keys ≤ 40 and values ≤ 500 characters."""
    if value is None or isinstance(value, NotGiven):
        return
    if not isinstance(value, Mapping):
        raise TypeError(f"metadata must be a dict of str to str, not {type(value).__name__}")
    if len(value) > METADATA_MAX_ENTRIES:
        raise ValueError(
            f"metadata may hold at most {METADATA_MAX_ENTRIES} entries, got {len(value)}"
        )
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"metadata keys must be str, not {type(key).__name__}")
        if not key or len(key) > METADATA_MAX_KEY:
            raise ValueError(
                f"metadata keys must be 1 to {METADATA_MAX_KEY} characters, got {key[:60]!r}"
            )
        if not isinstance(item, str):
            raise TypeError(f"metadata values must be str, not {type(item).__name__} (key {key!r})")
        if len(item) > METADATA_MAX_VALUE:
            raise ValueError(
                f"metadata values must be at most {METADATA_MAX_VALUE} characters "
                f"(key {key!r} has {len(item)})"
            )


# -- checkers for field specs (``plugipay._fields``): each returns ``check(name, value)`` --------


def text(max_length: int) -> Check:
    """A non-empty string of at most ``max_length`` characters."""

    def check(name: str, value: object) -> None:
        check_str(name, value, max_length=max_length)
        if value == "":
            raise ValueError(f"{name} must not be empty")

    return check


def email() -> Check:
    """An email address: a non-empty string of at most 320 characters (the server checks its shape)."""
    return text(EMAIL_MAX)


def currency() -> Check:
    """An ISO 4217 code: three upper-case letters."""

    def check(name: str, value: object) -> None:
        check_str(name, value)
        if not _CURRENCY.fullmatch(str(value)):
            raise ValueError(
                f"{name} must be an ISO 4217 code of three upper-case letters, got {value!r}"
            )

    return check


def slug() -> Check:
    """1-63 lower-case letters and digits in runs joined by single hyphens."""

    def check(name: str, value: object) -> None:
        check_str(name, value, max_length=63)
        if not _SLUG.fullmatch(str(value)):
            raise ValueError(
                f"{name} must be lower-case letters and digits joined by single hyphens, got {value!r}"
            )

    return check


def choice(*choices: str) -> Check:
    """One of ``choices``."""

    def check(name: str, value: object) -> None:
        check_choice(name, value, choices)

    return check


def prefixed(prefix: str, max_length: int = 255) -> Check:
    """An id of another object: a non-empty string starting with ``prefix``."""

    def check(name: str, value: object) -> None:
        text(max_length)(name, value)
        if not str(value).startswith(prefix):
            raise ValueError(f"{name} must start with {prefix!r}, got {value!r}")

    return check


def amount() -> Check:
    """An amount: see ``check_amount``."""
    return check_amount


def strings(max_length: int = 255, *, max_items: int = 100, allow_empty: bool = True) -> Check:
    """A list (or tuple) of non-empty strings, e.g. payment methods or event types."""

    def check(name: str, value: object) -> None:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise TypeError(f"{name} must be a list of str, not {type(value).__name__}")
        if not value and not allow_empty:
            raise ValueError(f"{name} must not be empty")
        if len(value) > max_items:
            raise ValueError(f"{name} may hold at most {max_items} items, got {len(value)}")
        for item in value:
            if not isinstance(item, str):
                raise TypeError(f"{name} items must be str, not {type(item).__name__}")
            if not item or len(item) > max_length:
                raise ValueError(f"{name} items must be 1 to {max_length} characters, got {item!r}")

    return check


def as_list(value: object) -> object:
    """The wire form of a sequence ``strings()`` accepted: a list (a tuple is sent as one too)."""
    if not isinstance(value, Sequence):
        raise TypeError(f"expected a list, not {type(value).__name__}")
    return list(value)


def duration() -> Check:
    """A positive span: whole seconds as an ``int``, or a ``timedelta`` of whole seconds."""

    def check(name: str, value: object) -> None:
        if isinstance(value, timedelta):
            seconds = value.total_seconds()
            if seconds != int(seconds):
                raise ValueError(f"{name} must be whole seconds, got {value!r}")
        elif isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(
                f"{name} must be an int of seconds or a timedelta, not {type(value).__name__}"
            )
        else:
            seconds = value
        if seconds <= 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")

    return check


def duration_seconds(value: object) -> object:
    """The whole seconds of a value ``duration()`` accepted."""
    return int(value.total_seconds()) if isinstance(value, timedelta) else value


_LINE_ITEM_KEYS = {"name": "name", "quantity": "quantity", "unit_amount": "unitAmount"}
_LINE_ITEM_ALIASES = {"unitAmount": "unit_amount"}


def _line_item_fields(name: str, item: object) -> dict[str, object]:
    """A line item's ``name``, ``quantity`` and ``unit_amount``, from a dict or a model."""
    if isinstance(item, Mapping):
        fields: dict[str, object] = {}
        for key, value in item.items():
            python = _LINE_ITEM_ALIASES.get(key, key)
            if python not in _LINE_ITEM_KEYS:
                raise ValueError(f"{name} items take name, quantity and unit_amount, not {key!r}")
            if python in fields:
                raise ValueError(f"{name} item gives {python} twice")
            fields[python] = value
        return fields
    if all(hasattr(item, key) for key in _LINE_ITEM_KEYS):
        return {key: getattr(item, key) for key in _LINE_ITEM_KEYS}
    raise TypeError(f"{name} items must be dicts or LineItem models, not {type(item).__name__}")


def line_items() -> Check:
    """Line items: a list of dicts or ``LineItem`` models, each with a ``name`` (1-255
    characters), a ``quantity`` (an int of 1 or more) and a ``unit_amount`` (see
    ``check_amount``)."""

    def check(name: str, value: object) -> None:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
            raise TypeError(f"{name} must be a list of line items, not {type(value).__name__}")
        if len(value) > 100:
            raise ValueError(f"{name} may hold at most 100 items, got {len(value)}")
        for index, item in enumerate(value):
            where = f"{name}[{index}]"
            fields = _line_item_fields(name, item)
            for key in _LINE_ITEM_KEYS:
                if fields.get(key) is None:
                    raise ValueError(f"{where}.{key} is required")
            text(255)(f"{where}.name", fields["name"])
            quantity = fields["quantity"]
            if isinstance(quantity, bool) or not isinstance(quantity, int):
                raise TypeError(f"{where}.quantity must be an int, not {type(quantity).__name__}")
            if quantity < 1:
                raise ValueError(f"{where}.quantity must be 1 or more, got {quantity}")
            check_amount(f"{where}.unit_amount", fields["unit_amount"])

    return check


def line_items_wire(value: object) -> object:
    """The wire form of line items ``line_items()`` accepted: ``{name, quantity, unitAmount}``."""
    if not isinstance(value, Sequence):
        raise TypeError(f"line items must be a list, not {type(value).__name__}")
    wire = []
    for item in value:
        fields = _line_item_fields("line_items", item)
        wire.append({wire_name: fields[key] for key, wire_name in _LINE_ITEM_KEYS.items()})
    return wire


def metadata() -> Check:
    """Metadata: see ``check_metadata``."""

    def check(name: str, value: object) -> None:
        check_metadata(value)

    return check
