"""The emulator's resources: one module each, holding its rules, handlers and ``ROUTES``.

Adding a resource to the emulator is one new module here plus one entry in ``MODULES``:

1. declare its collection, if it stores objects: ``REFUNDS = Kind("refunds")``, then
   ``call.store[REFUNDS]`` is a ``Collection`` (by id, keyset order per scope, unique indexes);
2. write its field rules (``_validate``) and its handlers, ``handler(call) -> (status, data,
   page meta or None)``, raising ``ApiError`` for every refusal (``_common`` has the shared
   refusals, query parsing, page meta and role checks);
3. declare ``ROUTES = [Route("POST", "/refunds", create, "plugipay:refund:create",
   "required"), ...]``: method, path under ``/api/v1``, handler, scope, idempotency rule;
4. add the module to ``MODULES`` below (a test fails for any module left out).
"""

from __future__ import annotations

from types import ModuleType

from .._routing import Route
from . import (
    adapters,
    admin,
    api_keys,
    billing,
    checkout_sessions,
    checkout_settings,
    customers,
    events,
    gift_cards,
    invoices,
    ledger,
    members,
    onboarding,
    payouts,
    plans,
    portal_sessions,
    receipts,
    refunds,
    reports,
    subscriptions,
    templates,
    uploads,
    webhook_endpoints,
    workspaces,
)

__all__ = ["MODULES", "ROUTES"]

MODULES: tuple[ModuleType, ...] = (
    customers,
    workspaces,
    members,
    admin,
    onboarding,
    adapters,
    checkout_sessions,
    refunds,
    events,
    webhook_endpoints,
    plans,
    subscriptions,
    invoices,
    portal_sessions,
    payouts,
    ledger,
    reports,
    receipts,
    gift_cards,
    templates,
    checkout_settings,
    uploads,
    api_keys,
    billing,
)
"""Every resource module, in routing order."""

ROUTES: tuple[Route, ...] = tuple(route for module in MODULES for route in module.ROUTES)
"""Every route the emulator serves."""
