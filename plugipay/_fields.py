"""Write fields, declared once per resource: one spec builds the body of ``create`` and ``update``.

A ``Fields`` spec maps each Python argument to its wire name, its checker and whether ``None``
clears it on update. ``create_body`` leaves out ``None``; ``update_body`` leaves out
``NOT_GIVEN`` and sends ``None`` as ``null`` where the field can be cleared (elsewhere it is
refused before any request). Both take the method's ``locals()`` as its first statement: every
argument must be a field, a path id the spec names, ``self`` or ``idempotency_key``, so an
argument that would be checked and never sent is a ``TypeError`` the first time a test calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ._types import NotGiven

__all__ = ["Check", "Convert", "Field", "Fields"]

Check = Callable[[str, object], None]
"""``check(argument_name, value)``: raises ``TypeError``/``ValueError`` naming the argument."""

Convert = Callable[[object], object]
"""``convert(value)``: the wire value of a value its field's check accepted."""

_ALWAYS_SKIPPED = frozenset({"self", "idempotency_key"})


class Field:
    """One writable field: its wire name, its checker, whether ``None`` clears it on update,
    whether a create must send it (``None`` is then refused rather than left out), and how a
    checked value becomes its wire value (``convert``; e.g. a ``timedelta`` to seconds)."""

    # A plain slotted class, not attrs: resources build these at import, which stays cheap.
    __slots__ = ("check", "clearable", "convert", "required", "wire")

    def __init__(
        self,
        wire: str,
        check: Check,
        *,
        clearable: bool = True,
        required: bool = False,
        convert: Convert | None = None,
    ) -> None:
        self.wire = wire
        self.check = check
        self.clearable = clearable
        self.required = required
        self.convert = convert


class Fields:
    """The writable fields of one resource (Python argument name → ``Field``), and the arguments
    that go into the path, not the body (``path_ids``, e.g. ``customer_id``)."""

    __slots__ = ("fields", "path_ids")

    def __init__(self, fields: Mapping[str, Field], path_ids: frozenset[str] = frozenset()) -> None:
        self.fields = dict(fields)
        self.path_ids = path_ids

    def create_body(self, arguments: Mapping[str, object]) -> dict[str, object]:
        """The JSON body of a create: checked fields under wire names; ``None`` is left out."""
        body: dict[str, object] = {}
        for name, value in self._fields_of(arguments):
            field = self.fields[name]
            if value is None:
                if field.required:
                    raise ValueError(f"{name} is required")
                continue
            field.check(name, value)
            body[field.wire] = value if field.convert is None else field.convert(value)
        return body

    def update_body(self, arguments: Mapping[str, object]) -> dict[str, object]:
        """The JSON body of an update: ``NOT_GIVEN`` is left out, ``None`` clears (``null``)."""
        body: dict[str, object] = {}
        for name, value in self._fields_of(arguments):
            if isinstance(value, NotGiven):
                continue
            field = self.fields[name]
            if value is None:
                if not field.clearable:
                    raise ValueError(f"{name} can't be cleared: pass a value or leave it out")
            else:
                field.check(name, value)
                if field.convert is not None:
                    value = field.convert(value)
            body[field.wire] = value
        return body

    def _fields_of(self, arguments: Mapping[str, object]) -> list[tuple[str, object]]:
        found = []
        for name, value in arguments.items():
            if name in _ALWAYS_SKIPPED or name in self.path_ids:
                continue
            if name not in self.fields:
                # A programming error in a resource method, not a caller's mistake.
                raise TypeError(f"argument {name!r} has no field spec, so it would never be sent")
            found.append((name, value))
        return found
