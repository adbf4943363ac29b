"""``resource``: declares a resource namespace on a client in one typed line.

``customers = resource(AsyncCustomers)`` in the client's class body gives ``plug.customers``: made
on first access, then kept on that client. Type checkers and editors see the namespace's own
type (``AsyncCustomers``), and tests find every namespace of a client by looking for these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

__all__ = ["resource"]

R = TypeVar("R")


class resource(Generic[R]):
    """A client attribute holding one resource namespace per client, made on first access."""

    __slots__ = ("factory", "name")

    def __init__(self, factory: Callable[[Any], R]) -> None:
        self.factory = factory
        """The namespace class; called with the client."""
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, client: None, owner: type) -> Self: ...
    @overload
    def __get__(self, client: object, owner: type) -> R: ...
    def __get__(self, client: object | None, owner: type) -> Self | R:
        if client is None:
            return self
        namespace = self.factory(client)
        # Stored on the instance, which then shadows this (non-data) descriptor: one per client.
        client.__dict__[self.name] = namespace
        return namespace
