"""The ``NOT_GIVEN`` sentinel and type aliases shared by the resources.

``update`` methods default every field to ``NOT_GIVEN``: an omitted field is not sent at all,
while an explicit ``None`` is sent as ``null`` and clears the field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final, Literal, TypeAlias, TypeVar

__all__ = ["NOT_GIVEN", "AsyncSleep", "NotGiven", "NotGivenOr", "Sleep"]

_T = TypeVar("_T")


class NotGiven:
    """The type of ``NOT_GIVEN``: marks an argument the caller did not pass."""

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

NotGivenOr: TypeAlias = _T | NotGiven
"""A parameter that may be left out entirely (``NOT_GIVEN``), distinct from ``None``."""

AsyncSleep: TypeAlias = "Callable[[float], Awaitable[None]]"
"""An injectable async sleep (tests pass one that records instead of waiting)."""

Sleep: TypeAlias = "Callable[[float], None]"
"""An injectable blocking sleep, the twin of ``AsyncSleep``."""

NotGiven.__module__ = "plugipay"  # its public home, where pickle finds NOT_GIVEN too
