"""``plugipay.testing``: a stateful Plugipay emulator, in-process and on a loopback port.

    from plugipay.testing import FakePlugipay
    fake = FakePlugipay()
    plug = fake.client()                  # PlugipayClient on the in-process transport
    with fake.serve() as base_url: ...    # the same fake over real HTTP
    fake.faults.add(StatusFault(503, path="/api/v1/customers", times=1))

It follows SPEC.md: signatures over the canonical body, clock skew, scopes and roles,
on-behalf-of, idempotent replay, keyset pagination, field-by-field validation, events. It
depends on the sans-IO core only, never on the clients (those are imported when asked for).
Names load on first use, so the pytest plugin (a submodule) imports nothing heavy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._clock import FakeClock
    from ._events import WebhookEndpoint
    from ._fake import FakePlugipay
    from ._faults import (
        DropAfterCommit,
        DropBeforeCommit,
        Fault,
        FaultKind,
        Faults,
        Latency,
        RateLimit,
        StatusFault,
    )
    from ._store import ApiKey
    from ._transport import FakeTransport
    from ._wire import RawRequest

__all__ = [
    "ApiKey",
    "DropAfterCommit",
    "DropBeforeCommit",
    "FakeClock",
    "FakePlugipay",
    "FakeTransport",
    "Fault",
    "FaultKind",
    "Faults",
    "Latency",
    "RateLimit",
    "RawRequest",
    "StatusFault",
    "WebhookEndpoint",
]

_LAZY: dict[str, str] = {
    "ApiKey": "._store",
    "DropAfterCommit": "._faults",
    "DropBeforeCommit": "._faults",
    "FakeClock": "._clock",
    "FakePlugipay": "._fake",
    "FakeTransport": "._transport",
    "Fault": "._faults",
    "FaultKind": "._faults",
    "Faults": "._faults",
    "Latency": "._faults",
    "RateLimit": "._faults",
    "RawRequest": "._wire",
    "StatusFault": "._faults",
    "WebhookEndpoint": "._events",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'plugipay.testing' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
