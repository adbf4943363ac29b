"""``resource``: declares a resource namespace on a client in one typed line.

``customers: resource[AsyncCustomers] = resource("customers", "AsyncCustomers")`` in the client's
class body gives ``plug.customers``: the class ``AsyncCustomers`` of the module ``customers`` in the
client's ``resources`` package, imported and made on first access, then kept on that client. The
annotation (with the class imported under ``TYPE_CHECKING``) lets type checkers and editors see the
namespace's own type; the import waits for first use, so importing the client stays cheap however
many resources it has. Tests find every namespace of a client by looking for these.
"""

from __future__ import annotations

import importlib
from typing import Any, Generic, Self, TypeVar, overload

__all__ = ["resource"]

R = TypeVar("R")


class resource(Generic[R]):
    """A client attribute holding one resource namespace per client, made on first access."""

    __slots__ = ("_factory", "class_name", "module", "name", "package")

    def __init__(self, module: str, class_name: str) -> None:
        self.module = module
        """The module's name inside the client's ``resources`` package."""
        self.class_name = class_name
        """The namespace class in that module; called with the client."""
        self.name = ""
        self.package = ""
        self._factory: Any = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        # The owner's module, read while the class is made (public classes re-home later).
        self.package = owner.__module__.rpartition(".")[0]

    def load(self) -> type[R]:
        """The namespace class, imported on first call."""
        if self._factory is None:
            module = importlib.import_module(f"{self.package}.resources.{self.module}")
            self._factory = getattr(module, self.class_name)
        factory: type[R] = self._factory
        return factory

    @overload
    def __get__(self, client: None, owner: type) -> Self: ...
    @overload
    def __get__(self, client: object, owner: type) -> R: ...
    def __get__(self, client: object | None, owner: type) -> Self | R:
        if client is None:
            return self
        namespace = self.load()(client)  # type: ignore[call-arg]
        # Stored on the instance, which then shadows this (non-data) descriptor: one per client.
        client.__dict__[self.name] = namespace
        return namespace
