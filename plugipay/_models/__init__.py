"""The models, one module per family, and what is derived from their declarations.

A model is a class in a family module (``customers.py``, ``workspaces.py``, ...) listed in that
module's ``__all__``, declaring its event types (``_events``). Everything else is built from
those: ``MODELS``, the converter's event map, ``plugipay.models`` and ``plugipay.__all__`` at run
time. To add a family, write ``<family>.py`` and add it to ``FAMILIES`` and to the star imports
that type checkers read in ``plugipay/__init__.py`` and ``plugipay/models.py`` (mypy follows
only star imports of modules whose ``__all__`` is a literal); ``tests/test_registry.py`` fails
when a module is left out of any of them.

Code inside the SDK imports a model from its family module (``._models.customers``).
"""

from __future__ import annotations

from types import ModuleType

import attrs

from . import (
    billing,
    checkout,
    configuration,
    customers,
    events,
    gift_cards,
    invoices,
    ledger,
    payouts,
    platform,
    refunds,
    webhooks,
    workspaces,
)
from ._base import Resource
from .events import event_kind

FAMILIES: tuple[ModuleType, ...] = (
    billing,
    checkout,
    configuration,
    customers,
    events,
    gift_cards,
    invoices,
    ledger,
    payouts,
    platform,
    refunds,
    webhooks,
    workspaces,
)
"""Every model module."""

PUBLIC: dict[str, object] = {"Resource": Resource}
"""Every public name of the families (models and type aliases), and ``Resource``."""
for _family in FAMILIES:
    PUBLIC.update((name, getattr(_family, name)) for name in _family.__all__)
del _family

MODELS: tuple[type[Resource], ...] = tuple(
    value
    for value in PUBLIC.values()
    if isinstance(value, type) and issubclass(value, Resource) and value is not Resource
)
"""Every model class (``Resource`` itself aside)."""


def _event_map() -> tuple[dict[str, type[Resource]], tuple[tuple[str, type[Resource]], ...]]:
    """Exact event types and type prefixes, each to the model that declared it, in the short
    spelling (``customer.created``: no ``plugipay.`` prefix, no ``.vN`` suffix)."""
    exact: dict[str, type[Resource]] = {}
    prefixes: dict[str, type[Resource]] = {}
    for model in MODELS:
        for declared in model._events:
            if declared.endswith("*"):
                table, key = prefixes, declared[:-1].removeprefix("plugipay.")
            else:
                table, key = exact, event_kind(declared)
            if key in table:
                raise TypeError(
                    f"{model.__name__} and {table[key].__name__} both declare event {declared!r}"
                )
            table[key] = model
    # Longest prefix first, so a narrower declaration wins over a wider one.
    ordered = tuple(sorted(prefixes.items(), key=lambda item: -len(item[0])))
    return exact, ordered


EVENT_TYPES, EVENT_PREFIXES = _event_map()


def event_model(event_type: object) -> type[Resource] | None:
    """The model an event's ``data.object`` is, by event type in either spelling
    (``plugipay.refund.issued.v1`` or ``refund.issued``); ``None`` keeps the payload dict."""
    if not isinstance(event_type, str):
        return None
    event_type = event_kind(event_type)
    found = EVENT_TYPES.get(event_type)
    if found is not None:
        return found
    for prefix, model in EVENT_PREFIXES:
        if event_type.startswith(prefix):
            return model
    return None


# Public classes report their public home, as httpx's do (``plugipay.Customer``); the field types
# are resolved first, so nothing later looks annotations up in the ``plugipay`` namespace.
def _publish(models: tuple[type[Resource], ...]) -> None:
    for model in models:
        attrs.resolve_types(model)
        model.__module__ = "plugipay"


_publish((Resource, *MODELS))
