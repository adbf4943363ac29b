"""What a price charges for a quantity (SPEC-MONEY §4; SURVEY §2 "Price"), and billing periods.

Prices are integers in minor units. ``tiers`` are ``[{upTo, unitAmount, flatAmount}]`` with
strictly increasing integer ``upTo`` (inclusive) and a last tier ``upTo: "inf"``:

- ``flat``: ``quantity × unitAmount``;
- ``tiered`` (graduated): each tier charges the units that fall in it at its ``unitAmount``, plus
  its ``flatAmount`` once if any unit falls in it: 15 units over tiers up to 10 and ``inf`` are 10
  at the first rate and 5 at the second;
- ``volume``: every unit at the rate of the tier the whole quantity falls in, plus that tier's
  ``flatAmount`` (a quantity of 0 charges nothing);
- ``usage``: metered; ``quantity × unitAmount``, or graduated like ``tiered`` when it has tiers.

``add_interval`` steps a billing period: ``day`` and ``week`` add whole days; ``month`` and
``year`` move the calendar from the anchor, clamping to the month's last day (anchored on
31 January: 28 or 29 February, then 31 March), keeping the time of day.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

__all__ = ["INTERVALS", "MODELS", "add_interval", "price_amount", "tiered", "volume"]

MODELS = ("flat", "tiered", "volume", "usage")
INTERVALS = ("day", "week", "month", "year")

Tier = Mapping[str, object]


def _bound(tier: Tier) -> float:
    up_to = tier["upTo"]
    return float("inf") if up_to == "inf" else float(int(str(up_to)))


def _amounts(tier: Tier) -> tuple[int, int]:
    unit, flat = tier.get("unitAmount") or 0, tier.get("flatAmount") or 0
    assert isinstance(unit, int) and isinstance(flat, int)
    return unit, flat


def tiered(tiers: Sequence[Tier], quantity: int) -> int:
    """Graduated: each tier's slice of ``quantity`` at its rate, plus its flat amount."""
    total, floor = 0, 0
    for tier in tiers:
        if quantity <= floor:
            break
        bound = _bound(tier)
        units = int(min(quantity, bound) - floor)
        unit, flat = _amounts(tier)
        total += units * unit + flat
        if bound == float("inf"):
            break
        floor = int(bound)
    return total


def volume(tiers: Sequence[Tier], quantity: int) -> int:
    """Every unit at the tier ``quantity`` falls in, plus that tier's flat amount."""
    if quantity <= 0:
        return 0
    for tier in tiers:
        if quantity <= _bound(tier):
            unit, flat = _amounts(tier)
            return quantity * unit + flat
    raise ValueError("tiers must end with upTo 'inf'")


def price_amount(price: Mapping[str, object], quantity: int) -> int:
    """What ``price`` charges for ``quantity`` units, in minor units."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValueError(f"quantity must be a non-negative int, got {quantity!r}")
    model, tiers, unit = price["model"], price.get("tiers"), price.get("unitAmount")
    if model == "volume":
        assert isinstance(tiers, list)
        return volume(tiers, quantity)
    if model == "tiered" or (model == "usage" and tiers):
        assert isinstance(tiers, list)
        return tiered(tiers, quantity)
    assert isinstance(unit, int)
    return quantity * unit


def add_interval(anchor: float, interval: str, count: int) -> float:
    """``anchor`` (unix seconds) moved ``count`` intervals ahead, month ends clamped."""
    start = datetime.fromtimestamp(anchor, UTC)
    if interval == "day":
        return (start + timedelta(days=count)).timestamp()
    if interval == "week":
        return (start + timedelta(weeks=count)).timestamp()
    months = count * (12 if interval == "year" else 1)
    if interval not in ("month", "year"):
        raise ValueError(f"interval must be one of {INTERVALS}, got {interval!r}")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day).timestamp()
