"""Client-side argument checks, run before any request exists (SPEC §7 limits).

Each failure is a ``ValueError`` (or ``TypeError`` for a wrong type) that names the argument, so
a bad call never reaches the network.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, timedelta

from ._fields import Check
from ._secrets import Secret
from ._types import NotGiven
from ._urls import check_header_value, format_datetime

__all__ = [
    "ESCPOS_WIDTHS",
    "MAX_LIMIT",
    "amount",
    "as_dict",
    "as_list",
    "bank_accounts",
    "bank_accounts_wire",
    "boolean",
    "check_amount",
    "check_choice",
    "check_created_after",
    "check_cursor",
    "check_date_or_datetime",
    "check_datetime",
    "check_escpos_width",
    "check_idempotency_key",
    "check_limit",
    "check_metadata",
    "check_price",
    "check_str",
    "choice",
    "count",
    "currency",
    "date_or_datetime_wire",
    "duration",
    "duration_seconds",
    "email",
    "hex_color",
    "invoice_lines",
    "invoice_lines_wire",
    "json_object",
    "line_items",
    "line_items_wire",
    "link",
    "metadata",
    "portal_features",
    "portal_features_wire",
    "prefixed",
    "price_wire",
    "prices",
    "prices_wire",
    "secret",
    "slug",
    "string_map",
    "strings",
    "text",
    "tiers",
    "tiers_wire",
    "timestamp",
    "timestamp_wire",
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
ESCPOS_WIDTHS = (32, 48)
"""Receipt printer widths in characters: 58 mm and 80 mm paper."""


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


def check_date_or_datetime(name: str, value: object, *, required: bool = False) -> None:
    """A report's bound: a ``date``, a ``datetime`` or an ISO 8601 string of either
    (``None`` allowed unless ``required``)."""
    if value is None:
        if required:
            raise ValueError(f"{name} is required")
        return
    if isinstance(value, date):  # a datetime is a date too
        return
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a date, a datetime or an ISO string, not {type(value).__name__}"
        )
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be an ISO 8601 date or time, got {value!r}") from None


def date_or_datetime_wire(value: object) -> object:
    """The query form of a value ``check_date_or_datetime`` accepted: a ``date`` as
    ``YYYY-MM-DD``; a ``datetime`` as ISO 8601 UTC with milliseconds and ``Z`` (naive means
    UTC); a string as given."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


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


def _item_fields(name: str, item: object, keys: Mapping[str, str], model: str) -> dict[str, object]:
    """The fields of one item of a list argument (a line, a price, a tier), from a dict keyed by
    Python or wire names, or from a model of that kind (``keys``: Python name → wire name)."""
    if isinstance(item, Mapping):
        aliases = {wire: python for python, wire in keys.items()}
        fields: dict[str, object] = {}
        for key, value in item.items():
            python = aliases.get(key, key)
            if not isinstance(python, str) or python not in keys:
                *first, last = keys
                raise ValueError(f"{name} items take {', '.join(first)} and {last}, not {key!r}")
            if python in fields:
                raise ValueError(f"{name} item gives {python} twice")
            fields[python] = value
        return fields
    if all(hasattr(item, key) for key in keys):
        return {key: getattr(item, key) for key in keys}
    raise TypeError(f"{name} items must be dicts or {model} models, not {type(item).__name__}")


def _line_item_fields(name: str, item: object) -> dict[str, object]:
    """A line item's ``name``, ``quantity`` and ``unit_amount``, from a dict or a model."""
    return _item_fields(name, item, _LINE_ITEM_KEYS, "LineItem")


def _check_items(name: str, value: object, what: str, *, max_items: int = 100) -> Sequence[object]:
    """A list argument of items (not a string or a single mapping) of at most ``max_items``."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of {what}, not {type(value).__name__}")
    if len(value) > max_items:
        raise ValueError(f"{name} may hold at most {max_items} items, got {len(value)}")
    return value


def _check_quantity(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be 1 or more, got {value}")


def line_items() -> Check:
    """Line items: a list of dicts or ``LineItem`` models, each with a ``name`` (1-255
    characters), a ``quantity`` (an int of 1 or more) and a ``unit_amount`` (see
    ``check_amount``)."""

    def check(name: str, value: object) -> None:
        for index, item in enumerate(_check_items(name, value, "line items")):
            where = f"{name}[{index}]"
            fields = _line_item_fields(name, item)
            for key in _LINE_ITEM_KEYS:
                if fields.get(key) is None:
                    raise ValueError(f"{where}.{key} is required")
            text(255)(f"{where}.name", fields["name"])
            _check_quantity(f"{where}.quantity", fields["quantity"])
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


def boolean() -> Check:
    """``True`` or ``False``."""

    def check(name: str, value: object) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be a bool, not {type(value).__name__}")

    return check


def count(minimum: int = 0) -> Check:
    """A whole number of at least ``minimum`` (days, periods): an ``int``, not a bool or float."""

    def check(name: str, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if value < minimum:
            raise ValueError(f"{name} must be {minimum} or more, got {value}")

    return check


def timestamp() -> Check:
    """A point in time: a ``datetime`` (naive means UTC) or an ISO 8601 string."""

    def check(name: str, value: object) -> None:
        check_datetime(name, value)

    return check


def timestamp_wire(value: object) -> object:
    """The wire form of a value ``timestamp()`` accepted: a ``datetime`` as ISO 8601 UTC with
    milliseconds and ``Z``; a string as given."""
    return format_datetime(value) if isinstance(value, datetime) else value


def check_escpos_width(width: object) -> None:
    """An ESC/POS document's width in characters: 32 or 48 (``None``: the server's default)."""
    if width is None:
        return
    if isinstance(width, bool) or not isinstance(width, int):
        raise TypeError(f"width must be an int, not {type(width).__name__}")
    if width not in ESCPOS_WIDTHS:
        raise ValueError(f"width must be 32 or 48 characters, got {width}")


# -- billing: portal features, prices and their tiers, invoice lines ----------------------------

_PORTAL_FEATURE_KEYS = {
    "self_serve_cancel": "selfServeCancel",
    "self_serve_pause": "selfServePause",
    "self_serve_upgrade": "selfServeUpgrade",
    "self_serve_downgrade": "selfServeDowngrade",
    "update_payment_method": "updatePaymentMethod",
}


def _portal_feature_fields(name: str, value: object) -> dict[str, object]:
    if isinstance(value, Mapping):
        aliases = {wire: python for python, wire in _PORTAL_FEATURE_KEYS.items()}
        fields: dict[str, object] = {}
        for key, item in value.items():
            python = aliases.get(key, key)
            if python not in _PORTAL_FEATURE_KEYS:
                raise ValueError(f"{name} takes {', '.join(_PORTAL_FEATURE_KEYS)}, not {key!r}")
            if python in fields:
                raise ValueError(f"{name} gives {python} twice")
            fields[python] = item
        return fields
    if all(hasattr(value, key) for key in _PORTAL_FEATURE_KEYS):
        return {key: getattr(value, key) for key in _PORTAL_FEATURE_KEYS}
    raise TypeError(f"{name} must be a dict or a PortalFeatures model, not {type(value).__name__}")


def portal_features() -> Check:
    """What a customer may do in the billing portal: a dict (Python or wire names) or a
    ``PortalFeatures`` model, each feature a bool (a model's ``None`` features are left out)."""

    def check(name: str, value: object) -> None:
        for key, item in _portal_feature_fields(name, value).items():
            if isinstance(value, Mapping) or item is not None:
                boolean()(f"{name}.{key}", item)

    return check


def portal_features_wire(value: object) -> object:
    """The wire form of portal features ``portal_features()`` accepted (camelCase keys)."""
    fields = _portal_feature_fields("portal_features", value)
    return {_PORTAL_FEATURE_KEYS[key]: item for key, item in fields.items() if item is not None}


_TIER_KEYS = {"up_to": "upTo", "unit_amount": "unitAmount", "flat_amount": "flatAmount"}
MAX_TIERS = 50


def tiers() -> Check:
    """The tiers of a ``tiered`` or ``volume`` price: a list of dicts or ``PriceTier`` models,
    each with ``up_to`` (an int above the previous tier's, ``"inf"`` for the last and only the
    last) and a ``unit_amount``, a ``flat_amount`` or both (see ``check_amount``)."""

    def check(name: str, value: object) -> None:
        items = _check_items(name, value, "tiers", max_items=MAX_TIERS)
        if not items:
            raise ValueError(f"{name} must not be empty")
        floor = 0
        for index, item in enumerate(items):
            where = f"{name}[{index}]"
            fields = _item_fields(name, item, _TIER_KEYS, "PriceTier")
            up_to = fields.get("up_to")
            if index == len(items) - 1:
                if up_to != "inf":
                    raise ValueError(
                        f'{where}.up_to must be "inf": the last tier has no bound, got {up_to!r}'
                    )
            elif up_to is None or up_to == "inf":
                raise ValueError(f'{where}.up_to must be an int: only the last tier is "inf"')
            elif isinstance(up_to, bool) or not isinstance(up_to, int):
                raise TypeError(f"{where}.up_to must be an int, not {type(up_to).__name__}")
            elif up_to <= floor:
                raise ValueError(f"{where}.up_to must be above {floor} (tiers ascend), got {up_to}")
            else:
                floor = up_to
            if fields.get("unit_amount") is None and fields.get("flat_amount") is None:
                raise ValueError(f"{where} needs a unit_amount, a flat_amount or both")
            check_amount(f"{where}.unit_amount", fields.get("unit_amount"))
            check_amount(f"{where}.flat_amount", fields.get("flat_amount"))

    return check


def tiers_wire(value: object) -> object:
    """The wire form of tiers ``tiers()`` accepted: ``{upTo, unitAmount, flatAmount}``, an
    amount left out where it was not given."""
    if not isinstance(value, Sequence):
        raise TypeError(f"tiers must be a list, not {type(value).__name__}")
    wire = []
    for item in value:
        fields = _item_fields("tiers", item, _TIER_KEYS, "PriceTier")
        wire.append(
            {
                wire_name: fields[key]
                for key, wire_name in _TIER_KEYS.items()
                if fields.get(key) is not None
            }
        )
    return wire


_PRICE_KEYS = {
    "currency": "currency",
    "model": "model",
    "unit_amount": "unitAmount",
    "tiers": "tiers",
    "tax_mode": "taxMode",
    "active": "active",
}
MAX_PRICES = 20


def check_price(where: str, fields: Mapping[str, object]) -> None:
    """One price's fields (Python names; ``model`` ``None`` means ``flat``): each field's own
    check, then what its model needs: ``unit_amount`` and no tiers for ``flat``, ``tiers`` and no
    unit amount for ``tiered`` and ``volume``, one of the two for ``usage``."""
    if fields.get("currency") is None:
        raise ValueError(f"{where}currency is required")
    currency()(f"{where}currency", fields["currency"])
    model = fields.get("model")
    if model is not None:
        text(64)(f"{where}model", model)
    check_amount(f"{where}unit_amount", fields.get("unit_amount"))
    if fields.get("tiers") is not None:
        tiers()(f"{where}tiers", fields["tiers"])
    if fields.get("tax_mode") is not None:
        text(64)(f"{where}tax_mode", fields["tax_mode"])
    if fields.get("active") is not None:
        boolean()(f"{where}active", fields["active"])
    has_unit = fields.get("unit_amount") is not None
    has_tiers = fields.get("tiers") is not None
    model = model or "flat"
    if model == "flat" and not (has_unit and not has_tiers):
        raise ValueError(f"{where}unit_amount is required for a flat price, and tiers are not")
    if model in ("tiered", "volume") and not (has_tiers and not has_unit):
        raise ValueError(f"{where}tiers are required for a {model} price, and unit_amount is not")
    if model == "usage" and has_unit == has_tiers:
        raise ValueError(f"{where}a usage price takes unit_amount or tiers, one of the two")


def price_wire(fields: Mapping[str, object]) -> dict[str, object]:
    """The wire form of one checked price: its given fields, ``model`` ``flat`` unless set."""
    wire: dict[str, object] = {}
    for key, wire_name in _PRICE_KEYS.items():
        value = fields.get(key)
        if key == "model" and value is None:
            value = "flat"
        if value is None:
            continue
        wire[wire_name] = tiers_wire(value) if key == "tiers" else value
    return wire


def prices() -> Check:
    """A plan's prices: a non-empty list of at most 20 dicts (Python or wire names) or ``Price``
    models, each checked by ``check_price``."""

    def check(name: str, value: object) -> None:
        items = _check_items(name, value, "prices", max_items=MAX_PRICES)
        if not items:
            raise ValueError(f"{name} must not be empty")
        for index, item in enumerate(items):
            check_price(f"{name}[{index}].", _item_fields(name, item, _PRICE_KEYS, "Price"))

    return check


def prices_wire(value: object) -> object:
    """The wire form of prices ``prices()`` accepted."""
    if not isinstance(value, Sequence):
        raise TypeError(f"prices must be a list, not {type(value).__name__}")
    return [price_wire(_item_fields("prices", item, _PRICE_KEYS, "Price")) for item in value]


_INVOICE_LINE_KEYS = {
    "description": "description",
    "quantity": "quantity",
    "unit_amount": "unitAmount",
    "price_id": "priceId",
    "metadata": "metadata",
}


def invoice_lines() -> Check:
    """An invoice's lines: a non-empty list of at most 100 dicts (Python or wire names) or
    ``InvoiceLine`` models, each with a ``description`` (1-500 characters), a ``quantity`` (an
    int of 1 or more) and a ``unit_amount`` (see ``check_amount``), and optionally a
    ``price_id`` and ``metadata``."""

    def check(name: str, value: object) -> None:
        items = _check_items(name, value, "invoice lines")
        if not items:
            raise ValueError(f"{name} must not be empty")
        for index, item in enumerate(items):
            where = f"{name}[{index}]"
            fields = _item_fields(name, item, _INVOICE_LINE_KEYS, "InvoiceLine")
            for key in ("description", "quantity", "unit_amount"):
                if fields.get(key) is None:
                    raise ValueError(f"{where}.{key} is required")
            text(500)(f"{where}.description", fields["description"])
            _check_quantity(f"{where}.quantity", fields["quantity"])
            check_amount(f"{where}.unit_amount", fields["unit_amount"])
            if fields.get("price_id") is not None:
                text(255)(f"{where}.price_id", fields["price_id"])
            check_metadata(fields.get("metadata"))

    return check


def invoice_lines_wire(value: object) -> object:
    """The wire form of lines ``invoice_lines()`` accepted: ``{description, quantity,
    unitAmount, priceId?, metadata?}``."""
    if not isinstance(value, Sequence):
        raise TypeError(f"invoice lines must be a list, not {type(value).__name__}")
    wire = []
    for item in value:
        fields = _item_fields("lines", item, _INVOICE_LINE_KEYS, "InvoiceLine")
        wire.append(
            {
                wire_name: fields[key]
                for key, wire_name in _INVOICE_LINE_KEYS.items()
                if fields.get(key) is not None
            }
        )
    return wire


# -- merchant configuration: provider secrets, colours, links, maps, bank accounts --------------

_HEX_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
URL_MAX = 2048


def secret(max_length: int = 1024) -> Check:
    """A payment provider's secret: a non-empty string of at most ``max_length`` characters
    with no space or line break around it (a copy-paste slip). Messages never quote it."""

    def check(name: str, value: object) -> None:
        # The string is only looked at inside _secret_problem, whose frame is gone by the time
        # this one raises: a traceback's locals here show the Secret, never its value.
        if isinstance(value, Secret):
            problem = _secret_problem(value, max_length)
        elif isinstance(value, str):
            problem = _secret_problem(Secret(value), max_length)
        else:
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        if problem is not None:
            raise ValueError(f"{name} {problem}")

    return check


def _secret_problem(secret: Secret, max_length: int) -> str | None:
    """What is wrong with a secret, in words that never quote it (``None`` when nothing is)."""
    value = secret.reveal()
    if not value:
        return "must not be empty"
    if len(value) > max_length:
        return f"must be at most {max_length} characters, got {len(value)}"
    if value != value.strip():
        return "starts or ends with a space or a line break; paste the key alone"
    return None


def hex_color() -> Check:
    """A colour as ``#RRGGBB`` (six hex digits, either case)."""

    def check(name: str, value: object) -> None:
        check_str(name, value)
        if not _HEX_COLOR.fullmatch(str(value)):
            raise ValueError(f"{name} must be a colour like '#1A2B3C' (#RRGGBB), got {value!r}")

    return check


def link(max_length: int = URL_MAX) -> Check:
    """A link Plugipay shows or fetches: an ``https://`` or ``http://`` URL, or a path on
    Plugipay's own host (``/api/v1/files/…``, what ``uploads.image`` returns)."""

    def check(name: str, value: object) -> None:
        text(max_length)(name, value)
        check_header_value(name, value)  # type: ignore[arg-type]
        link = str(value)
        if not (link.startswith(("https://", "http://")) and len(link) > len("https://")) and not (
            link.startswith("/") and not link.startswith("//")
        ):
            raise ValueError(
                f"{name} must be an http(s) URL or a path starting with '/' (as uploads.image "
                f"returns), got {link[:80]!r}"
            )

    return check


def string_map(*, max_entries: int = 50, max_length: int = 255) -> Check:
    """A dict of non-empty strings to non-empty strings (a payment method to its adapter)."""

    def check(name: str, value: object) -> None:
        if not isinstance(value, Mapping):
            raise TypeError(f"{name} must be a dict of str to str, not {type(value).__name__}")
        if len(value) > max_entries:
            raise ValueError(f"{name} may hold at most {max_entries} entries, got {len(value)}")
        for key, item in value.items():
            if not isinstance(key, str) or not isinstance(item, str):
                raise TypeError(f"{name} must map str to str, got {key!r}: {item!r}")
            if not key or not item or len(key) > max_length or len(item) > max_length:
                raise ValueError(
                    f"{name} keys and values must be 1 to {max_length} characters, "
                    f"got {key[:60]!r}: {item[:60]!r}"
                )

    return check


def as_dict(value: object) -> object:
    """The wire form of a mapping a check accepted: a plain ``dict`` (its keys' order kept)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a dict, not {type(value).__name__}")
    return dict(value)


def json_object(*, max_entries: int = 100) -> Check:
    """A JSON object given as a dict with string keys (a template's ``config``); its values are
    checked as the body is encoded (no NaN, no lone surrogates, nothing JSON can't hold)."""

    def check(name: str, value: object) -> None:
        if not isinstance(value, Mapping):
            raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
        if len(value) > max_entries:
            raise ValueError(f"{name} may hold at most {max_entries} entries, got {len(value)}")
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{name} keys must be str, not {type(key).__name__}")
        color = value.get("accentColor")
        if color is not None:
            hex_color()(f"{name}['accentColor']", color)

    return check


_BANK_ACCOUNT_KEYS = {
    "bank_name": "bankName",
    "account_number": "accountNumber",
    "account_holder": "accountHolder",
}
MAX_BANK_ACCOUNTS = 20


def bank_accounts() -> Check:
    """The manual adapter's bank accounts: a list of at most 20 dicts (Python or wire names) or
    ``ManualBankAccount`` models, each with a ``bank_name``, an ``account_number`` and an
    ``account_holder`` (1-255 characters each)."""

    def check(name: str, value: object) -> None:
        items = _check_items(name, value, "bank accounts", max_items=MAX_BANK_ACCOUNTS)
        for index, item in enumerate(items):
            where = f"{name}[{index}]"
            fields = _item_fields(name, item, _BANK_ACCOUNT_KEYS, "ManualBankAccount")
            for key in _BANK_ACCOUNT_KEYS:
                if fields.get(key) is None:
                    raise ValueError(f"{where}.{key} is required")
                text(255)(f"{where}.{key}", fields[key])

    return check


def bank_accounts_wire(value: object) -> object:
    """The wire form of bank accounts ``bank_accounts()`` accepted:
    ``{bankName, accountNumber, accountHolder}``."""
    if not isinstance(value, Sequence):
        raise TypeError(f"bank accounts must be a list, not {type(value).__name__}")
    wire = []
    for item in value:
        fields = _item_fields("bank_accounts", item, _BANK_ACCOUNT_KEYS, "ManualBankAccount")
        wire.append({wire_name: fields[key] for key, wire_name in _BANK_ACCOUNT_KEYS.items()})
    return wire
