"""Command-line text to the Python values a parameter's annotation asks for.

A resource method's annotation decides how its argument is typed on the command line: ``int``
and ``float`` as numbers, ``bool`` as a ``--flag`` / ``--no-flag`` pair, ``Sequence[str]`` as a
repeatable option, mappings, models and lists of objects as JSON, a ``Literal`` as choices, and
``str`` (with ``datetime`` or ``date`` beside it, which the SDK reads as ISO text) as text.
``None`` and ``NOT_GIVEN`` in a union only make the argument optional or clearable.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from .._types import NotGiven

__all__ = ["ArgType", "arg_type", "parse_bool", "parse_value"]

_SEQUENCES = (list, tuple, set, frozenset, Sequence)
_MAPPINGS = (dict, Mapping)


@dataclass(frozen=True)
class ArgType:
    """How one parameter is read from the command line."""

    kind: Literal["text", "int", "float", "bool", "strings", "json", "datetime", "date", "seconds"]
    """``strings`` repeats; ``json`` is a JSON value of ``shape``; ``seconds`` is a timedelta."""
    shape: Literal["object", "array", "any"] = "any"
    """What a ``json`` argument must be."""
    choices: tuple[str, ...] | None = None
    """The values a ``Literal`` annotation allows."""
    nullable: bool = False
    """``None`` is among the annotation's members (on an update, it clears the field)."""

    @property
    def label(self) -> str:
        """A few words for the help text."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return {
            "text": "text",
            "int": "integer",
            "float": "number",
            "bool": "flag",
            "strings": "text, repeatable",
            "json": f"JSON {self.shape if self.shape != 'any' else 'value'}",
            "datetime": "ISO 8601 date-time",
            "date": "ISO 8601 date",
            "seconds": "seconds",
        }[self.kind]


def _members(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        members: list[Any] = []
        for member in get_args(annotation):
            members.extend(_members(member))
        return members
    return [annotation]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and attrs.has(tp)


def _is_mapping(tp: Any) -> bool:
    origin = get_origin(tp) or tp
    return _is_model(tp) or (isinstance(origin, type) and issubclass(origin, _MAPPINGS))


def _is_sequence(tp: Any) -> bool:
    origin = get_origin(tp)
    return isinstance(origin, type) and issubclass(origin, _SEQUENCES)


def arg_type(annotation: Any) -> ArgType:
    """How a parameter with this (evaluated) annotation is read; unknown types read as text."""
    members = _members(annotation)
    nullable = type(None) in members
    members = [m for m in members if m is not type(None) and m is not NotGiven]
    if not members:
        return ArgType("text", nullable=nullable)
    literals = [m for m in members if get_origin(m) is Literal]
    if literals and len(literals) == len(members):
        choices = tuple(str(value) for m in literals for value in get_args(m))
        return ArgType("text", choices=choices, nullable=nullable)
    if all(m is bool for m in members):
        return ArgType("bool", nullable=nullable)
    if any(_is_mapping(m) for m in members):
        return ArgType("json", "object", nullable=nullable)
    sequences = [m for m in members if _is_sequence(m)]
    if sequences:
        items = [arg for s in sequences for arg in get_args(s)]
        if items and all(item is str for item in items):
            return ArgType("strings", nullable=nullable)
        return ArgType("json", "array", nullable=nullable)
    if str in members:
        return ArgType("text", nullable=nullable)
    if int in members and float not in members:
        return ArgType("int", nullable=nullable)
    if float in members:
        return ArgType("float", nullable=nullable)
    if datetime in members:
        return ArgType("datetime", nullable=nullable)
    if date in members:
        return ArgType("date", nullable=nullable)
    if timedelta in members:
        return ArgType("seconds", nullable=nullable)
    if Any in members:
        return ArgType("json", nullable=nullable)
    return ArgType("text", nullable=nullable)


_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off"})


def parse_bool(text: str) -> bool:
    """``true``/``yes``/``1``/``on`` or ``false``/``no``/``0``/``off``, in any case."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected true or false")


def _parse_json(text: str, shape: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc.args[0]})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if shape == "object" and not isinstance(value, dict):
        raise ValueError('expected a JSON object, like \'{"key": "value"}\'')
    if shape == "array" and not isinstance(value, list):
        raise ValueError('expected a JSON array, like \'[{"key": "value"}]\'')
    return value


def _parse_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("expected an ISO 8601 date-time") from None


def parse_value(kind: ArgType, text: str) -> Any:
    """The value ``text`` stands for under ``kind`` (one item of a ``strings`` argument);
    ``ValueError`` with a short reason when it doesn't fit, which never quotes ``text`` (it may
    be a secret given in the wrong place)."""
    if kind.choices and text not in kind.choices:
        raise ValueError(f"expected one of {', '.join(kind.choices)}")
    if kind.kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError("expected an integer") from None
    if kind.kind == "float":
        try:
            number = float(text.strip())
        except ValueError:
            raise ValueError("expected a number") from None
        if not math.isfinite(number):
            raise ValueError("expected a finite number")
        return number
    if kind.kind == "bool":
        return parse_bool(text)
    if kind.kind == "json":
        return _parse_json(text, kind.shape)
    if kind.kind == "datetime":
        return _parse_datetime(text)
    if kind.kind == "date":
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise ValueError("expected an ISO 8601 date") from None
    if kind.kind == "seconds":
        return timedelta(seconds=parse_value(ArgType("float"), text))
    return text
