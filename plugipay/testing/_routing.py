"""Routes (SPEC §1): how a resource module declares an endpoint, and the table that finds it.

A ``Route`` names a method, a path template under ``/api/v1`` (``"/customers/{customer}"``), the
handler, the scope the key needs and the idempotency rule. ``RouteTable`` compiles every route
into buckets by segment count. Matching happens on the raw path segments, each then
percent-decoded, so ``acc%2F..%2Fx`` is one parameter; within a bucket a literal segment wins
over a parameter at the same place, otherwise declaration order decides. The engine answers an
unknown path with 404 ``NOT_FOUND`` and a known path with another method with 405
``METHOD_NOT_ALLOWED`` (``Allow`` lists the methods in declaration order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote

from ._idempotency import Claim
from ._store import PLATFORM_SCOPE, ApiKey, Obj, Store

__all__ = ["PLATFORM", "Call", "Idempotency", "Result", "Route", "RouteTable"]

PLATFORM = PLATFORM_SCOPE
"""The scope of platform-admin routes: the key must also act for a partner."""

Result = tuple[int, object, dict[str, object] | None]
"""What a handler returns: ``(status, data, page meta or None)``."""

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
    """The workspace the call acts in: the key's own, or the on-behalf-of merchant's."""
    params: Mapping[str, str]
    """The path parameters by name, percent-decoded."""
    query: Mapping[str, str]
    """The first value of each query parameter."""
    body: object | None
    claim: Claim | None
    """The idempotency key this call holds until it finishes, if any."""
    now: float = 0.0
    """The fake's clock when the handler runs."""


_Bucket = list[tuple[tuple[str | None, ...], dict[str, Route]]]


class RouteTable:
    """Every route, compiled for matching by segment count."""

    def __init__(self, routes: Iterable[Route]) -> None:
        by_pattern: dict[tuple[str | None, ...], dict[str, Route]] = {}
        for route in routes:
            methods = by_pattern.setdefault(route.pattern, {})
            if route.method in methods:
                raise ValueError(f"route {route.method} {route.path} is declared twice")
            methods[route.method] = route
        self._buckets: dict[int, _Bucket] = {}
        for pattern, methods in by_pattern.items():
            self._buckets.setdefault(len(pattern), []).append((pattern, methods))
        for bucket in self._buckets.values():
            # Stable: literals before parameters, position by position; else declaration order.
            bucket.sort(key=lambda entry: tuple(want is None for want in entry[0]))

    def match(self, path: str, prefix: str = "") -> tuple[dict[str, Route], list[str]] | None:
        """The routes (by method) on ``path`` and its decoded parameters, or ``None``."""
        if not path.startswith(prefix + _API):
            return None
        segments = path[len(prefix) + len(_API) :].split("/")
        for pattern, methods in self._buckets.get(len(segments), ()):
            params: list[str] = []
            for want, got in zip(pattern, segments, strict=True):
                if want is None:
                    if not got:
                        break
                    params.append(unquote(got))
                elif want != got:
                    break
            else:
                return methods, params
        return None
