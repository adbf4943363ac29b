"""What every resource module shares: refusals, query parsing, page meta, role checks, scopes,
and the workspace a path names as the caller may see it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from .._ids import iso_ms, parse_iso
from .._routing import Call, Result
from .._store import ROLE_RANK, Kind, Obj, SortKey, Store, decode_cursor, encode_cursor, wire
from .._validate import problem, validation_error
from .._wire import ApiError

__all__ = [
    "READ_WORKSPACE",
    "WRITE_WORKSPACE",
    "after",
    "bad_query",
    "choice",
    "conflict",
    "date_bound",
    "filtered_page",
    "forbidden",
    "limit",
    "list_page",
    "new_owner",
    "not_found",
    "opt_str",
    "path_workspace",
    "role_at_least",
    "time_query",
    "visible",
]

READ_WORKSPACE = "plugipay:workspace:read"
WRITE_WORKSPACE = "plugipay:workspace:write"


def not_found(what: str) -> ApiError:
    """404 ``NOT_FOUND`` for a ``what`` that doesn't exist (or the caller may not see)."""
    return ApiError(404, "NOT_FOUND", f"{what} not found")


def forbidden(message: str) -> ApiError:
    """403 ``INSUFFICIENT_SCOPE``."""
    return ApiError(403, "INSUFFICIENT_SCOPE", message)


def conflict(message: str) -> ApiError:
    """409 ``CONFLICT``: a unique value is taken, or the object is in the wrong state."""
    return ApiError(409, "CONFLICT", message)


def bad_query(name: str, message: str) -> ApiError:
    """400 ``VALIDATION_ERROR`` about the query parameter ``name``."""
    return validation_error([problem(name, "invalid", message)])


def limit(call: Call, default: int) -> int:
    """The ``limit`` query parameter, clamped to 1..100."""
    text = call.query.get("limit")
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise bad_query("limit", "limit must be an integer") from None
    return min(max(value, 1), 100)


def after(call: Call) -> SortKey | None:
    """The position the ``cursor`` query parameter names, if any."""
    cursor = call.query.get("cursor")
    if not cursor:
        return None
    key = decode_cursor(cursor)
    if key is None:
        raise bad_query("cursor", "cursor is not a cursor this API returned")
    return key


# Stamps of four-digit years compare correctly as strings; nothing stored lies outside them.
_MIN_UNIX = -30_610_224_000.0  # 1000-01-01T00:00:00Z
_MAX_UNIX = 253_402_300_800.0  # 10000-01-01T00:00:00Z


def time_query(call: Call, name: str, *, upper: bool = False) -> str | None:
    """The query parameter ``name`` (ISO 8601 or unix seconds) as a stored stamp, to compare
    with ``createdAt``-like fields as strings: ``stamp > bound`` is strictly after it, and with
    ``upper`` (the bound rounded up to the millisecond) ``stamp < bound`` strictly before it."""
    text = call.query.get(name)
    if not text:
        return None
    try:
        unix: float | None = float(text)
    except ValueError:
        unix = parse_iso(text)
    if unix is None or not _MIN_UNIX <= unix < _MAX_UNIX:  # also refuses nan and ±inf
        raise bad_query(
            name, f"{name} must be ISO 8601 or unix seconds, from year 1000 to year 9999"
        )
    # Stored stamps have whole milliseconds: "strictly after t" equals "after floor(t) in ms",
    # and "strictly before t" equals "before ceil(t) in ms".
    return iso_ms(math.ceil(unix * 1000) / 1000 if upper else unix)


_DAY = 86_400.0


def date_bound(call: Call, name: str, *, upper: bool) -> str | None:
    """The query parameter ``name`` (an ISO 8601 date or date-time, or unix seconds) as a stored
    stamp, for an inclusive window: ``stamp >= bound`` from it, or with ``upper``
    ``stamp <= bound`` up to it, where a bare date means the end of that day."""
    text = call.query.get(name)
    if not text:
        return None
    try:
        unix: float | None = float(text)
    except ValueError:
        unix = parse_iso(text)
        if unix is not None and upper and len(text) == 10:  # a date: through its last ms
            unix += _DAY - 0.001
    if unix is None or not _MIN_UNIX <= unix < _MAX_UNIX:
        raise bad_query(name, f"{name} must be an ISO 8601 date or date-time, or unix seconds")
    return iso_ms(math.ceil(unix * 1000) / 1000 if upper else math.floor(unix * 1000) / 1000)


def choice(call: Call, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    """The query parameter ``name``, one of ``allowed`` (``default`` when absent or empty)."""
    value = call.query.get(name)
    if value is None or value == "":
        return default
    if value not in allowed:
        raise bad_query(name, f"{name} must be one of: {', '.join(allowed)}")
    return value


def list_page(
    page: tuple[list[Obj], SortKey | None, bool],
    size: int,
    shape: Callable[[Obj], object] = wire,
) -> tuple[int, object, dict[str, object]]:
    """A list handler's result from ``Collection.page``: each item as ``shape`` answers it (wire
    copies by default) and the page meta."""
    items, last, has_more = page
    cursor = encode_cursor(last) if has_more and last is not None else None
    meta: dict[str, object] = {
        "page": {"limit": size, "hasMore": has_more, "nextCursor": cursor},
        "cursor": cursor,
        "hasMore": has_more,
    }
    return 200, [shape(obj) for obj in items], meta


Choices = Sequence[str] | Mapping[str, object]
"""The values a query filter accepts: the stored values themselves, or each query text mapped to
the stored value it stands for (``{"true": True, "false": False}``)."""


def filtered_page(
    call: Call,
    kind: Kind,
    fields: Mapping[str, str] | None = None,
    *,
    choices: Mapping[str, Choices] | None = None,
    window: tuple[str, str, str] | None = None,
    mode_field: str | None = None,
    scope: str | None = None,
    default_limit: int = 20,
    sortable: bool = True,
    shape: Callable[[Obj], object] = wire,
) -> Result:
    """One page of ``kind`` as a list route answers it.

    The query is read in this order, so the first bad parameter is the one reported: ``limit``;
    ``order`` (``asc``/``desc``, newest first by default; ignored unless ``sortable``); then each
    of ``fields`` (wire field → query name), keeping the objects whose field equals the query's
    value (an empty value filters nothing; a name in ``choices`` must be one of its values); then
    ``window`` (field, after, before), strict time bounds on that field. ``mode_field`` keeps only
    the key's mode; ``scope`` defaults to the acting workspace's ``accountId``.
    """
    size = limit(call, default_limit)
    descending = not sortable or choice(call, "order", ("asc", "desc"), "desc") == "desc"
    allowed = choices or {}
    wanted: list[tuple[str, object]] = []
    for field, name in (fields or {}).items():
        accepted = allowed.get(name)
        if accepted is None:
            text = call.query.get(name) or None
            value: object = text
        else:
            text = choice(call, name, tuple(accepted), None)
            value = accepted[text] if isinstance(accepted, Mapping) and text is not None else text
        if text is not None:
            wanted.append((field, value))
    stamp, since, until = window if window is not None else ("", "", "")
    lower = time_query(call, since) if since else None
    upper = time_query(call, until, upper=True) if until else None
    if mode_field is not None:
        wanted.insert(0, (mode_field, call.mode))
    keep: Callable[[Obj], bool] | None = None
    if wanted or lower is not None or upper is not None:

        def keep(obj: Obj) -> bool:
            if not all(obj[field] == value for field, value in wanted):
                return False
            at = str(obj[stamp]) if stamp else ""
            return (lower is None or at > lower) and (upper is None or at < upper)

    page = call.store[kind].page(
        str(call.acting["accountId"]) if scope is None else scope,
        after=after(call),
        descending=descending,
        limit=size,
        keep=keep,
    )
    return list_page(page, size, shape)


def role_at_least(call: Call, role: str, action: str) -> None:
    """Refuse ``action`` unless the key's role is ``role`` or higher."""
    if ROLE_RANK[call.key.role] < ROLE_RANK[role]:
        raise forbidden(f"{action} needs the {role} role or higher; this key is {call.key.role}")


def opt_str(value: object) -> str | None:
    """``value`` if it is a string, else ``None`` (bodies are validated before this)."""
    return value if isinstance(value, str) else None


def new_owner(store: Store, email: str | None) -> str:
    """A new owner identity, with ``email`` or a made-up one."""
    return store.new_identity(email or f"owner+{store.ids.ulid().lower()}@example.com")


def visible(call: Call, ws: Obj) -> bool:
    """Whether the caller may see ``ws``: a platform key its partner's merchants, any other key
    the workspaces of its own workspace's owner."""
    key = call.key
    if key.is_platform:
        return ws["_partner"] == key.partner
    return ws["_owner"] == call.store.workspaces[key.workspace_id]["_owner"]


def path_workspace(call: Call) -> Obj:
    """The workspace the ``workspace`` path parameter names (id, ``acc_`` id or slug)."""
    ref = call.params["workspace"]
    ws, gone = call.store.find_workspace(ref)
    if ws is None or not visible(call, ws):
        raise not_found("Workspace")
    if gone:
        raise ApiError(410, "GONE", f"Workspace slug {ref!r} was renamed; use the workspace id")
    return ws
