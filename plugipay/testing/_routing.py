"""Routes (SPEC §1): how a resource module declares an endpoint, and the table that finds it.

A ``Route`` names a method, a path template under ``/api/v1`` (``"/customers/{customer}"``), the
handler, the scope the key needs and the idempotency rule. ``RouteTable`` compiles every route
into buckets by segment count. Matching happens on the raw path segments, each then
percent-decoded, so ``acc%2F..%2Fx`` is one parameter; within a bucket a literal segment wins
over a parameter at the same place, otherwise declaration order decides. The engine answers an
unknown path with 404 ``NOT_FOUND`` and a known path with another method with 405
``METHOD_NOT_ALLOWED`` (``Allow`` lists the methods in declaration order).

A ``public`` route (the buyer-side checkout routes a browser calls) is served without
authentication: its ``Call`` carries the ``ANONYMOUS`` key and no acting workspace, and its
handler finds the workspace from the object the path names. A ``PERSON`` route (API keys) is
served only to a signed-in person's session, never to a key (403 ``PERSON_ONLY``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote

from ._idempotency import Claim
from ._store import PLATFORM_SCOPE, ApiKey, Obj, Store

__all__ = [
    "ANONYMOUS",
    "PERSON",
    "PLATFORM",
    "Call",
    "Idempotency",
    "Result",
    "Route",
    "RouteTable",
]

PLATFORM = PLATFORM_SCOPE
"""The scope of platform-admin routes: the key must also act for a partner."""
PERSON = "person"
"""The scope of person-only routes: a signed-in person's session (``ApiKey.person``), no key."""

Result = tuple[int, object, dict[str, object] | None]
"""What a handler returns: ``(status, data, page meta or None)``; ``data`` may be a
``_wire.Document`` (a PDF, a page, a CSV), sent as it is instead of the JSON envelope."""

ANONYMOUS = ApiKey(key_id="anonymous", secret="", workspace_id="", role="read_only", scopes=())
"""The caller of a ``public`` route: unsigned, no workspace, no scope."""

Idempotency = Literal["required", "honoured", "none"]
"""``required``: no ``Idempotency-Key`` is a 400; ``honoured``: a key replays; ``none``: ignored."""

_API = "/api/v1/"


@dataclass(frozen=True, slots=True)
class Route:
    """One method on one path template, with its handler, required scope and idempotency rule."""

    method: str
    path: str
    """Under ``/api/v1``, parameters in braces: ``"/workspaces/{workspace}/members"``."""
    handler: Callable[[Call], Result]
    scope: str
    idempotency: Idempotency
    public: bool = False
    """Served without authentication (``ANONYMOUS`` caller, empty ``acting``); ``scope`` unused."""
    pattern: tuple[str | None, ...] = field(init=False, repr=False, compare=False)
    """The literal segments, ``None`` where a parameter goes."""
    names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The parameter names, in path order."""

    def __post_init__(self) -> None:
        if self.method != self.method.upper() or not self.method:
            raise ValueError(f"route method must be upper case, got {self.method!r}")
        if not self.path.startswith("/") or "//" in self.path or self.path.endswith("/"):
            raise ValueError(f"route path must look like '/customers/{{id}}', got {self.path!r}")
        pattern: list[str | None] = []
        names: list[str] = []
        for segment in self.path[1:].split("/"):
            if segment.startswith("{") and segment.endswith("}"):
                pattern.append(None)
                names.append(segment[1:-1])
            else:
                pattern.append(segment)
        object.__setattr__(self, "pattern", tuple(pattern))
        object.__setattr__(self, "names", tuple(names))


@dataclass(slots=True)
class Call:
    """One authenticated, routed request: prepared by the engine, then read by its handler."""

    route: Route
    store: Store
    key: ApiKey
    acting: Obj
    """The workspace the call acts in: the key's own, or the on-behalf-of merchant's (empty on a
    public route)."""
    params: Mapping[str, str]
    """The path parameters by name, percent-decoded."""
    query: Mapping[str, str]
    """The first value of each query parameter."""
    body: object | None
    claim: Claim | None
    """The idempotency key this call holds until it finishes, if any."""
    now: float = 0.0
    """The fake's clock when the handler runs."""
    mode: str = "test"
    """``test`` or ``live``: what the call makes and sees. The key's own mode, or the one a
    platform key or a person's session chose with ``X-Plugipay-Mode``."""


@dataclass(slots=True)
class _Path:
    """A compiled path template: what its segments must be, and the routes on it by method."""

    pattern: tuple[str | None, ...]
    literals: tuple[tuple[int, str], ...]
    """``(position, text)`` of each literal segment after the first (the bucket key)."""
    slots: tuple[tuple[int, str], ...]
    """``(position, name)`` of each parameter."""
    methods: dict[str, Route]


class RouteTable:
    """Every route, compiled for matching by segment count and first segment."""

    def __init__(self, routes: Iterable[Route]) -> None:
        paths: dict[tuple[str | None, ...], _Path] = {}
        for route in routes:
            path = paths.get(route.pattern)
            if path is None:
                pattern = route.pattern
                literals = tuple((i, w) for i, w in enumerate(pattern) if w is not None and i)
                slots = tuple(
                    zip((i for i, w in enumerate(pattern) if w is None), route.names, strict=True)
                )
                path = paths[pattern] = _Path(pattern, literals, slots, {})
            elif route.names != tuple(name for _, name in path.slots):
                raise ValueError(
                    f"route {route.method} {route.path} names its parameters unlike the other "
                    "methods on that path"
                )
            if route.method in path.methods:
                raise ValueError(f"route {route.method} {route.path} is declared twice")
            path.methods[route.method] = route
        # Most paths start with a literal (the resource's name), so one dict lookup finds the
        # few candidates; paths starting with a parameter are tried after those.
        self._buckets: dict[tuple[int, str | None], list[_Path]] = {}
        for path in paths.values():
            self._buckets.setdefault((len(path.pattern), path.pattern[0]), []).append(path)
        for bucket in self._buckets.values():
            # Stable: literals before parameters, position by position; else declaration order.
            bucket.sort(key=lambda path: tuple(want is None for want in path.pattern))

    def match(self, path: str, prefix: str = "") -> tuple[dict[str, Route], dict[str, str]] | None:
        """The routes (by method) on ``path`` and its decoded parameters by name, or ``None``."""
        if not path.startswith(prefix + _API):
            return None
        segments = path[len(prefix) + len(_API) :].split("/")
        count = len(segments)
        found = self._find(self._buckets.get((count, segments[0])), segments)
        if found is None:
            found = self._find(self._buckets.get((count, None)), segments)
        return found

    @staticmethod
    def _find(
        bucket: list[_Path] | None, segments: list[str]
    ) -> tuple[dict[str, Route], dict[str, str]] | None:
        if bucket is None:
            return None
        for candidate in bucket:
            for i, want in candidate.literals:
                if segments[i] != want:
                    break
            else:
                params: dict[str, str] = {}
                for i, name in candidate.slots:
                    got = segments[i]
                    if not got:
                        break
                    params[name] = unquote(got)
                else:
                    return candidate.methods, params
        return None
