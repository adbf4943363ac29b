"""``Resource``, the base of every model: typed fields plus the payload they were read from.

Attributes are snake_case and typed (``customer.external_id``, aware UTC ``datetime``s); every
field but ``id`` may be absent and is then ``None``. The wire view is the payload exactly as
received, unknown fields included: ``obj["externalId"]``, ``obj.get("email", "")``, ``"phone" in
obj``, ``obj.raw`` and ``obj.to_dict()``. Enum-like fields are typed as their known values but hold
any string, so a region or role the SDK doesn't know yet never raises.

A model declares, next to its fields, the event types whose ``data.object`` it is (``_events``:
exact names, or a prefix ending in ``*``); the converter's event map is built from those
declarations. How payloads become models is the business of ``_convert``; models hold values only.

The model modules do not use ``from __future__ import annotations``: their field types are real
objects at class creation, so nothing has to resolve annotation strings against the module a
class reports (``plugipay``, its public home).
"""

import copy
from typing import Any, ClassVar

import attrs

__all__ = ["EXPANDED", "Resource", "expanded"]

EXPANDED = "plugipay.expanded"
"""The attrs metadata key that marks a field only ``expand`` answers carry."""

_REPR_VALUE_MAX = 60


@attrs.frozen(kw_only=True, repr=False)
class Resource:
    """Base of every model: typed fields plus the payload they were read from."""

    raw: dict[str, Any] = attrs.field(factory=dict, eq=False)
    """The whole payload as received, wire names and unknown fields included; read-only by contract."""

    _repr_fields: ClassVar[tuple[str, ...]] = ()
    _events: ClassVar[tuple[str, ...]] = ()
    """Event types whose ``data.object`` is this model: exact names, or a prefix ending in ``*``."""
    # Not iterable: a model is not a mapping, and the legacy protocol would call __getitem__(0).
    __iter__: ClassVar[None] = None

    def __attrs_post_init__(self) -> None:
        # Only objects built by hand (or by attrs.evolve) get here: the converter assembles decoded
        # payloads without __init__. Their wire view must agree with their fields.
        from .._convert import to_wire

        object.__setattr__(self, "raw", to_wire(self))

    def __getitem__(self, key: str) -> Any:
        """The payload's value under a wire name (``obj["createdAt"]``); ``KeyError`` when absent."""
        return self.raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The payload's value under a wire name, or ``default`` when absent."""
        return self.raw.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the payload, safe to change or serialize."""
        return copy.deepcopy(self.raw)

    def __repr__(self) -> str:
        # A few identifying fields only: no personal data, never the whole payload.
        shown = []
        for name in self._repr_fields:
            value = getattr(self, name)
            if value is not None:
                text = repr(value)
                if len(text) > _REPR_VALUE_MAX:
                    text = text[: _REPR_VALUE_MAX - 3] + "..."
                shown.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(shown)})"


def expanded() -> Any:
    """A field present only in answers that ask for it with ``expand`` (``None`` otherwise)."""
    return attrs.field(default=None, metadata={EXPANDED: True})
