"""The one converter between wire payloads and models (SPEC §3, §7, §10).

The wire rules live here, not on the models: camelCase keys map to snake_case attributes,
timestamps become aware UTC datetimes, unknown keys stay in ``raw``, enum-like values stay plain
strings, and a webhook event's ``data`` becomes the model its type names.

Decoding runs for every item of every page, so it is generated code: when the converter first
meets a model class (a cattrs hook factory under ``attrs.has``), it compiles one function for
the class and one for ``list[cls]`` (the same body in a loop). The body reads every key with one
``itemgetter`` call, then assembles the object in a private mutable twin of the class (same
slots, plain attribute stores) and hands it its real, frozen class by ``__class__`` assignment.
A frozen class's ``__init__`` pays a setattr call per field, over twice what the whole decoding
costs this way; the models have no validators or converters for it to run (checked when
generating).

``make_converter(forbid_extra_keys=True)`` builds the strict variant for fidelity tests: a key
the model doesn't know raises ``cattrs.errors.ForbiddenExtraKeysError``, every value's JSON type
is checked, and timestamps must be exactly ``YYYY-MM-DDTHH:MM:SS.mmmZ``. In both, a payload that
doesn't fit (not an object, no ``id``, a timestamp that doesn't parse) raises
``InvalidResponseError``.
"""

from __future__ import annotations

import copy
import linecache
import re
import types
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError

from ._exceptions import InvalidResponseError
from ._models import event_model
from ._models._base import EXPANDED, Resource
from ._models.events import WebhookEvent
from ._urls import format_datetime

__all__ = ["converter", "make_converter", "structure", "structure_many", "to_wire"]

T = TypeVar("T")

_Check = Callable[[object], bool]
_Reader = Callable[[dict[str, Any]], Any]
_Kind = Literal["plain", "datetime", "event", "model", "models"]

_STRICT_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
# The keys of a webhook event's "data" (SPEC-MONEY §2: the union of both observed envelopes).
_EVENT_DATA_KEYS = frozenset(
    {
        "object",
        "previousAttributes",
        "aggregateType",
        "aggregateId",
        "to",
        "reason",
        "entry",
        "daysAdvanced",
    }
)
# WebhookEvent fields read from inside the wire "data" object rather than from a key of their own.
_EVENT_FIELDS = frozenset({"data", "previous_attributes", "aggregate_type", "aggregate_id"})
# WebhookEvent timestamps: each envelope has one of the two keys; either field reads either key.
_EVENT_TIMES = {
    "created_at": ("createdAt", "occurredAt"),
    "occurred_at": ("occurredAt", "createdAt"),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


# --- field plans -------------------------------------------------------------------------------


@attrs.frozen
class _Field:
    """How one attribute is read from the wire."""

    name: str
    wire: str
    kind: _Kind
    check: _Check | None
    """Strict mode's type check of a non-null value; ``None`` accepts anything."""
    required: bool
    model: type | None = None
    """For ``model`` and ``models`` fields: the nested model class."""
    on_request: bool = False
    """Present only in answers that ask for it (``expand``); see ``plugipay._models.expanded``."""


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_list(value: object) -> bool:
    return isinstance(value, list)


def _is_object(value: object) -> bool:
    return isinstance(value, dict)


def _is_str_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


_SCALAR_CHECKS: frozenset[_Check | None] = frozenset({_is_str, _is_number, _is_int, _is_bool})
"""Checks of values stored as they are, so a union of them needs no copying or nesting rule."""


def _any_of(checks: set[_Check | None]) -> _Check:
    """Strict mode's check of a union of scalars: the value has one of its members' JSON types."""
    members = tuple(sorted((c for c in checks if c is not None), key=lambda c: c.__name__))

    def check(value: object) -> bool:
        return any(member(value) for member in members)

    return check


def _union_members(tp: Any) -> list[Any]:
    if get_origin(tp) in (Union, types.UnionType):
        return [m for arg in get_args(tp) for m in _union_members(arg)]
    return [tp]


def _check_for(tp: Any) -> _Check | None:
    if tp is str or (get_origin(tp) is Literal and all(isinstance(v, str) for v in get_args(tp))):
        return _is_str
    if tp is float:
        return _is_number
    if tp is int:
        return _is_int
    if tp is bool:
        return _is_bool
    if tp is list or get_origin(tp) is list:
        return _is_list
    if tp is Any:
        return None
    if tp is dict or get_origin(tp) is dict:
        return _is_str_map if get_args(tp) == (str, str) else _is_object
    raise TypeError(f"no wire rule for the model field type {tp!r}")


def _field_for(cls: type, attribute: attrs.Attribute[Any], tp: Any) -> _Field:
    field = _field_of_type(cls, attribute, tp)
    if attribute.metadata.get(EXPANDED):
        return attrs.evolve(field, on_request=True)
    return field


def _field_of_type(cls: type, attribute: attrs.Attribute[Any], tp: Any) -> _Field:
    name = attribute.name
    required = attribute.default is attrs.NOTHING
    if cls is WebhookEvent and name in _EVENT_FIELDS:
        return _Field(name, "data", "event", None, required)
    if cls is WebhookEvent and name in _EVENT_TIMES:
        return _Field(name, _EVENT_TIMES[name][0], "event", None, required)
    members = [m for m in _union_members(tp) if m is not types.NoneType]
    if datetime in members:
        return _Field(name, _camel(name), "datetime", None, required)
    if len(members) == 1 and _is_model(members[0]):
        return _Field(name, _camel(name), "model", None, required, members[0])
    if len(members) == 1 and _is_model_list(members[0]):
        (item,) = get_args(members[0])
        return _Field(name, _camel(name), "models", None, required, item)
    checks = {_check_for(m) for m in members}
    if len(checks) > 1 and checks <= _SCALAR_CHECKS:
        # A union of scalars (PriceTier.up_to: ``int | Literal["inf"]``): any member's JSON type.
        return _Field(name, _camel(name), "plain", _any_of(checks), required)
    if len(checks) != 1:
        raise TypeError(f"no wire rule for the model field type {tp!r}")
    (check,) = checks
    return _Field(name, _camel(name), "plain", check, required)


_PLANS: dict[type, tuple[_Field, ...]] = {}


def _plan(cls: type[Resource]) -> tuple[_Field, ...]:
    """The wire reading of every typed field of a model (``raw`` excluded), made once per class."""
    plan = _PLANS.get(cls)
    if plan is None:
        # The models package resolved its models' field types when it loaded (before they moved
        # to module "plugipay"); this resolves any other model's, once.
        attrs.resolve_types(cls)
        plan = _PLANS[cls] = tuple(
            _field_for(cls, attribute, attribute.type)
            for attribute in attrs.fields(cls)
            if attribute.name != "raw"
        )
    return plan


# --- values ------------------------------------------------------------------------------------


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _parse_datetime(value: object, cls: type, name: str) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return _as_utc(parsed)
        shown = repr(value[:40])
    else:
        shown = _json_type(value)
    raise InvalidResponseError(f"{cls.__name__}.{name}: {shown} is not an ISO 8601 timestamp")


def _parse_datetime_strict(value: object, cls: type, name: str) -> datetime:
    if not isinstance(value, str) or not _STRICT_TIMESTAMP.fullmatch(value):
        shown = repr(value[:40]) if isinstance(value, str) else _json_type(value)
        raise InvalidResponseError(
            f"{cls.__name__}.{name}: {shown} is not a timestamp like 2026-05-12T10:42:00.123Z"
        )
    return _parse_datetime(value, cls, name)


def _as_payload(value: object, cls: type) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise InvalidResponseError(
        f"expected a JSON object for {cls.__name__}, got {_json_type(value)}"
    )


def _as_items(value: object, cls: type) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    raise InvalidResponseError(
        f"expected a JSON array of {cls.__name__} objects, got {_json_type(value)}"
    )


def _missing(cls: type, wire: str) -> InvalidResponseError:
    return InvalidResponseError(f"{cls.__name__} payload has no {wire!r}")


def _wrong_type(cls: type, name: str, value: object) -> InvalidResponseError:
    return InvalidResponseError(f"{cls.__name__}.{name}: unexpected {_json_type(value)}")


def _extra_keys(cls: type, payload: Mapping[str, Any], known: frozenset[str]) -> Exception:
    extra = set(payload) - known
    return ForbiddenExtraKeysError(
        f"Extra fields in the payload of {cls.__name__}: {', '.join(sorted(extra))}", cls, extra
    )


# --- webhook events ----------------------------------------------------------------------------


def _event_readers(conv: cattrs.Converter, strict: bool) -> dict[str, _Reader]:
    """Readers of ``data.object`` (typed by event type) and ``data.previousAttributes``."""

    def container(payload: dict[str, Any]) -> dict[str, Any] | None:
        data = payload.get("data")
        if data is None:
            return None
        if not isinstance(data, dict):
            raise InvalidResponseError(f"WebhookEvent.data: unexpected {_json_type(data)}")
        if strict and not _EVENT_DATA_KEYS.issuperset(data):
            raise _extra_keys(WebhookEvent, data, _EVENT_DATA_KEYS)
        return data

    def read_object(payload: dict[str, Any]) -> Any:
        data = container(payload)
        # SPEC §10 nests the object under data.object; the customers reference sends it as
        # data itself. Read both.
        obj = data.get("object", data) if data is not None else None
        if obj is None:
            return None
        if not isinstance(obj, dict):
            raise InvalidResponseError(f"WebhookEvent.data.object: unexpected {_json_type(obj)}")
        model = event_model(payload.get("type"))
        return obj if model is None else conv.structure(obj, model)

    def read_previous(payload: dict[str, Any]) -> Any:
        data = container(payload)
        previous = data.get("previousAttributes") if data is not None else None
        if previous is not None and not isinstance(previous, dict):
            raise InvalidResponseError(
                f"WebhookEvent.previous_attributes: unexpected {_json_type(previous)}"
            )
        return previous

    def data_string(name: str, wire: str) -> _Reader:
        def read(payload: dict[str, Any]) -> Any:
            data = container(payload)
            value = data.get(wire) if data is not None else None
            if value is not None and not isinstance(value, str):
                raise InvalidResponseError(f"WebhookEvent.{name}: unexpected {_json_type(value)}")
            return value

        return read

    parse = _parse_datetime_strict if strict else _parse_datetime

    def timestamp(name: str) -> _Reader:
        own, other = _EVENT_TIMES[name]

        def read(payload: dict[str, Any]) -> Any:
            value = payload.get(own)
            if value is None:
                value = payload.get(other)
            return None if value is None else parse(value, WebhookEvent, name)

        return read

    return {
        "data": read_object,
        "previous_attributes": read_previous,
        "aggregate_type": data_string("aggregate_type", "aggregateType"),
        "aggregate_id": data_string("aggregate_id", "aggregateId"),
        "created_at": timestamp("created_at"),
        "occurred_at": timestamp("occurred_at"),
    }


# --- the generated structuring functions -------------------------------------------------------


_TWINS: dict[type, type] = {}


def _mutable_twin(cls: type[Resource]) -> type:
    """A private subclass of ``cls`` with the same slots but plain attribute stores."""
    twin = _TWINS.get(cls)
    if twin is None:
        namespace = {
            "__slots__": (),
            "__module__": __name__,
            # Both, so the type keeps CPython's generic setattr (and its specialized slot stores).
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        }
        twin = _TWINS[cls] = type(f"_Assembling{cls.__name__}", (cls,), namespace)
    return twin


def _build_lines(
    cls: type[Resource], conv: cattrs.Converter, strict: bool, namespace: dict[str, Any]
) -> list[str]:
    """Lines (indented once) that turn the payload ``d`` into the model ``o``."""
    if any(a.validator is not None or a.converter is not None for a in attrs.fields(cls)):
        raise TypeError(f"{cls.__name__} has validators or converters that decoding would skip")
    plan = _plan(cls)
    readers = _event_readers(conv, strict) if cls is WebhookEvent else {}
    namespace.update(
        cls=cls,
        twin=_mutable_twin(cls),
        new=object.__new__,
        as_payload=_as_payload,
        as_items=_as_items,
        missing=_missing,
        wrong_type=_wrong_type,
        extra=_extra_keys,
        known=frozenset(f.wire for f in plan),
        parse_datetime=_parse_datetime_strict if strict else _parse_datetime,
        fromisoformat=datetime.fromisoformat,
        UTC=UTC,
        as_utc=_as_utc,
    )
    lines = ["    if d.__class__ is not dict:", "        d = as_payload(d, cls)"]
    if strict:
        lines += ["    if not known.issuperset(d):", "        raise extra(cls, d, known)"]

    read = [(i, f) for i, f in enumerate(plan) if f.kind != "event" and not f.on_request]
    # Fields only some answers carry (``expand``) are read apart, so their absence from most
    # payloads never costs the one-call path below.
    lines += [f"    v{i} = d.get({f.wire!r})" for i, f in enumerate(plan) if f.on_request]
    gets = [f"        v{i} = g({f.wire!r})" for i, f in read]
    if len(read) >= 2:
        # One C call when every key is present (the server sends them all); .get otherwise.
        namespace["get_all"] = itemgetter(*(f.wire for _, f in read))
        targets = ", ".join(f"v{i}" for i, _ in read)
        lines += ["    try:", f"        {targets} = get_all(d)", "    except KeyError:"]
        lines += ["        g = d.get", *gets]
    elif read:
        lines += ["    g = d.get", *(line[4:] for line in gets)]

    for i, f in [(i, f) for i, f in enumerate(plan) if f.kind != "event"]:
        if f.required:
            lines += [f"    if v{i} is None:", f"        raise missing(cls, {f.wire!r})"]
        if strict and f.check is not None:
            namespace[f"check{i}"] = f.check
            lines += [
                f"    if v{i} is not None and not check{i}(v{i}):",
                f"        raise wrong_type(cls, {f.name!r}, v{i})",
            ]

    lines += ["    o = new(twin)", "    o.raw = d"]
    for i, f in enumerate(plan):
        if f.kind == "event":
            namespace[f"read{i}"] = readers[f.name]
            lines.append(f"    o.{f.name} = read{i}(d)")
        elif f.kind == "model" or f.kind == "models":
            # Nested models decode through the same converter (strict within strict).
            target = f.model if f.kind == "model" else list[f.model]  # type: ignore[name-defined]
            namespace[f"nested{i}"] = conv.get_structure_hook(target)
            namespace[f"target{i}"] = target
            # Each nested model gets its own payload dict, not a part of the parent's ``raw``.
            own = (
                f"dict(v{i})"
                if f.kind == "model"
                else f"[dict(x) if x.__class__ is dict else x for x in v{i}]"
            )
            lines.append(
                f"    o.{f.name} = None if v{i} is None else nested{i}("
                f"{own} if v{i}.__class__ is {'dict' if f.kind == 'model' else 'list'} else v{i}, target{i})"
            )
        elif f.kind == "datetime" and strict:
            value = f"None if v{i} is None else parse_datetime(v{i}, cls, {f.name!r})"
            lines.append(f"    o.{f.name} = {value}")
        elif f.kind == "datetime":
            # _parse_datetime inlined for the common "...Z" string; it still reports the errors.
            lines += [
                f"    if v{i} is not None:",
                "        try:",
                f"            v{i} = fromisoformat(v{i})",
                "        except (TypeError, ValueError):",
                f"            v{i} = parse_datetime(v{i}, cls, {f.name!r})",
                f"        if v{i}.tzinfo is not UTC:",
                f"            v{i} = as_utc(v{i})",
                f"    o.{f.name} = v{i}",
            ]
        elif f.check is _is_str_map:
            # The field gets its own dict: changing it must not change ``raw`` (or the reverse).
            lines.append(f"    o.{f.name} = dict(v{i}) if v{i}.__class__ is dict else v{i}")
        elif f.check is _is_object or f.check is _is_list:
            namespace["deepcopy"] = copy.deepcopy
            lines.append(f"    o.{f.name} = v{i} if v{i} is None else deepcopy(v{i})")
        else:
            lines.append(f"    o.{f.name} = v{i}")
    lines.append("    o.__class__ = cls")
    return lines


def _compile(function: str, title: str, lines: list[str], namespace: dict[str, Any]) -> Any:
    source = "\n".join(lines) + "\n"
    filename = f"<plugipay {title}>"
    exec(compile(source, filename, "exec"), namespace)
    # Tracebacks through generated code show its source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return namespace[function]


def _make_structure_fn(
    cls: type[Resource], conv: cattrs.Converter, strict: bool
) -> Callable[[Any, Any], Resource]:
    """Generate the function that builds one ``cls`` from a payload (see the module docstring)."""
    namespace: dict[str, Any] = {}
    body = _build_lines(cls, conv, strict, namespace)
    lines = ["def structure(d, _cls=None):", *body, "    return o"]
    suffix = " strict" if strict else ""
    fn: Callable[[Any, Any], Resource] = _compile(
        "structure", f"structure {cls.__qualname__}{suffix}", lines, namespace
    )
    return fn


def _make_structure_many_fn(
    list_type: Any, conv: cattrs.Converter, strict: bool
) -> Callable[[Any, Any], list[Resource]]:
    """Generate the function that builds ``list[cls]``: the same body, in one loop (no call per item)."""
    (cls,) = get_args(list_type)
    namespace: dict[str, Any] = {}
    body = _build_lines(cls, conv, strict, namespace)
    lines = [
        "def structure_many(items, _cls=None):",
        "    if items.__class__ is not list:",
        "        items = as_items(items, cls)",
        "    out = []",
        "    append = out.append",
        "    for d in items:",
        *("    " + line for line in body),
        "        append(o)",
        "    return out",
    ]
    suffix = " strict" if strict else ""
    fn: Callable[[Any, Any], list[Resource]] = _compile(
        "structure_many", f"structure list[{cls.__qualname__}]{suffix}", lines, namespace
    )
    return fn


# --- back to the wire --------------------------------------------------------------------------


def _wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Resource):
        return to_wire(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return [_wire_value(item) for item in value]
    return value


def to_wire(obj: Resource) -> dict[str, Any]:
    """The wire form of a model: its payload with every typed field written under its wire name.

    A field that is ``None`` and absent from the payload stays absent.
    """
    wire = dict(obj.raw)
    for f in _plan(type(obj)):
        value = getattr(obj, f.name)
        if f.kind == "event" or (value is None and f.wire not in wire):
            continue
        wire[f.wire] = _wire_value(value)
    if isinstance(obj, WebhookEvent):
        for name, (own, other) in _EVENT_TIMES.items():
            value = getattr(obj, name)
            # Each envelope has one timestamp key, which both fields read: write a field under
            # its own key only where that key was sent, or where neither was (a model built by hand).
            if own in obj.raw or (value is not None and other not in obj.raw):
                wire[own] = _wire_value(value)
        data = wire.get("data")
        container = dict(data) if isinstance(data, dict) else {}
        for key, value in (
            ("object", obj.data),
            ("previousAttributes", obj.previous_attributes),
            ("aggregateType", obj.aggregate_type),
            ("aggregateId", obj.aggregate_id),
        ):
            if value is not None or key in container:
                container[key] = _wire_value(value)
        if container:
            wire["data"] = container
    return wire


# --- the converter -----------------------------------------------------------------------------


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and attrs.has(tp) and issubclass(tp, Resource)


def _is_model_list(tp: Any) -> bool:
    return get_origin(tp) is list and len(get_args(tp)) == 1 and _is_model(get_args(tp)[0])


def make_converter(forbid_extra_keys: bool = False) -> cattrs.Converter:
    """A converter for the models; ``forbid_extra_keys=True`` makes the strict one tests use."""
    conv = cattrs.Converter(forbid_extra_keys=forbid_extra_keys)
    conv.register_structure_hook_factory(
        _is_model, lambda cls: _make_structure_fn(cls, conv, forbid_extra_keys)
    )
    conv.register_structure_hook_factory(
        _is_model_list, lambda tp: _make_structure_many_fn(tp, conv, forbid_extra_keys)
    )
    conv.register_unstructure_hook_factory(_is_model, lambda _cls: to_wire)
    parse = _parse_datetime_strict if forbid_extra_keys else _parse_datetime
    conv.register_structure_hook(datetime, lambda value, _: parse(value, datetime, "value"))
    conv.register_unstructure_hook(datetime, format_datetime)
    return conv


converter = make_converter()
"""The SDK's converter: lenient, unknown keys kept in ``raw``."""


def structure(data: Mapping[str, Any], cls: type[T]) -> T:
    """Build a model (or any type the converter knows) from a decoded JSON payload."""
    try:
        return converter.structure(data, cls)
    except RecursionError:
        raise _too_deep(cls) from None


def structure_many(items: Sequence[Mapping[str, Any]], cls: type[T]) -> list[T]:
    """Build one model per item of a JSON array (a list page's ``data``)."""
    try:
        result: list[T] = converter.structure(items, list[cls])  # type: ignore[valid-type]
    except RecursionError:
        raise _too_deep(cls) from None
    return result


def _too_deep(cls: type) -> InvalidResponseError:
    # Copying a deeply nested field (deepcopy) recurses; the answer is then no use to the caller.
    return InvalidResponseError(f"a {cls.__name__} payload nests too deeply to read")
