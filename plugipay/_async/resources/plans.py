"""``plug.plans``: what is sold on a schedule, and the prices it is sold at (SPEC-MONEY §4;
SURVEY §1.5)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.billing import Plan, PortalFeatures, Price, PriceTier
from ..._types import NOT_GIVEN, NotGivenOr
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_limit
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncPlans"]

_PATH = "/api/v1/plans"
ORDERS = ("asc", "desc")
FIELDS = Fields(
    {
        "name": Field("name", checks.text(255), clearable=False, required=True),
        "interval": Field("interval", checks.text(64), clearable=False, required=True),
        "prices": Field("prices", checks.prices(), convert=checks.prices_wire),
        # The shorthand for one flat price; ``create`` sends it as ``prices``.
        "currency": Field("currency", checks.currency()),
        "amount": Field("amount", checks.amount()),
        "interval_count": Field("intervalCount", checks.count(1)),
        "trial_days": Field("trialDays", checks.count(0)),
        "description": Field("description", checks.text(2000)),
        "portal_features": Field(
            "portalFeatures",
            checks.portal_features(),
            clearable=False,
            convert=checks.portal_features_wire,
        ),
        "metadata": Field("metadata", checks.metadata()),
        "usage_aggregate": Field("usageAggregate", checks.text(64)),
        "metered_unit": Field("meteredUnit", checks.text(64)),
        "active": Field("active", checks.boolean(), clearable=False),
    },
    path_ids=frozenset({"plan_id"}),
)
"""Every writable plan field; on update, ``None`` clears the description, the trial days and
the metadata."""
PRICE_FIELDS = Fields(
    {
        "currency": Field("currency", checks.currency(), required=True),
        "model": Field("model", checks.text(64)),
        "unit_amount": Field("unitAmount", checks.amount()),
        "tiers": Field("tiers", checks.tiers(), convert=checks.tiers_wire),
        "tax_mode": Field("taxMode", checks.text(64)),
        "active": Field("active", checks.boolean()),
    },
    path_ids=frozenset({"plan_id"}),
)
"""What a price is added to a plan with."""


def _plan_path(plan_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(plan_id, "plan_id"), *rest))


def _with_shorthand(body: dict[str, object]) -> dict[str, object]:
    """The create body with ``currency`` + ``amount`` made one flat price in ``prices``, as the
    Node SDK sends them; giving both forms, or half the shorthand, is refused."""
    has_currency, has_amount = "currency" in body, "amount" in body
    if not has_currency and not has_amount:
        if "prices" not in body:
            raise ValueError("give prices, or currency and amount for one flat price")
        return body
    if "prices" in body:
        raise ValueError("give either prices or currency and amount, not both")
    if not (has_currency and has_amount):
        missing = "amount" if has_currency else "currency"
        raise ValueError(f"{missing} is required with currency and amount (one flat price)")
    out: dict[str, object] = {}
    for key, value in body.items():
        if key == "currency":
            out["prices"] = [{"currency": value, "model": "flat", "unitAmount": body["amount"]}]
        elif key != "amount":
            out[key] = value
    return out


class AsyncPlans(AsyncResource):
    """Create, read, list, change and archive plans; add prices to them."""

    __slots__ = ()

    async def create(
        self,
        *,
        name: str,
        interval: str,
        prices: Sequence[Price | Mapping[str, Any]] | None = None,
        currency: str | None = None,
        amount: int | None = None,
        interval_count: int | None = None,
        trial_days: int | None = None,
        description: str | None = None,
        portal_features: PortalFeatures | Mapping[str, bool] | None = None,
        metadata: Mapping[str, str] | None = None,
        usage_aggregate: str | None = None,
        metered_unit: str | None = None,
        idempotency_key: str | None = None,
    ) -> Plan:
        """A new plan billed every ``interval_count`` × ``interval`` (``day``, ``week``,
        ``month`` or ``year``). Give its ``prices`` (dicts or ``Price`` models: ``currency``,
        ``model``, ``unit_amount``, ``tiers``, ``tax_mode``, ``active``), or ``currency`` and
        ``amount`` (an ``int`` in the currency's minor unit) for one flat price. Returns the plan
        with its prices."""
        body = _with_shorthand(FIELDS.create_body(locals()))
        return await self._call(Plan, "POST", _PATH, body=body, idempotency_key=idempotency_key)

    async def get(self, plan_id: str) -> Plan:
        """One plan by ``plan_`` id, with its prices."""
        return await self._call(Plan, "GET", _plan_path(plan_id))

    retrieve = get

    def list(
        self,
        *,
        active: bool | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncCursorPaginator[Plan]:
        """Plans of the key's mode, newest first unless ``order="asc"``; ``active=False`` lists
        archived ones."""
        if active is not None:
            checks.boolean()("active", active)
        check_limit(limit)
        check_cursor(cursor)
        check_choice("order", order, ORDERS)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("active", active),
            ("order", order),
        ]
        return self._paginate(Plan, _PATH, query, cursor)

    async def update(
        self,
        plan_id: str,
        *,
        name: NotGivenOr[str] = NOT_GIVEN,
        description: NotGivenOr[str | None] = NOT_GIVEN,
        trial_days: NotGivenOr[int | None] = NOT_GIVEN,
        portal_features: NotGivenOr[PortalFeatures | Mapping[str, bool]] = NOT_GIVEN,
        metadata: NotGivenOr[Mapping[str, str] | None] = NOT_GIVEN,
        active: NotGivenOr[bool] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Plan:
        """Change a plan: omitted fields are untouched; ``None`` clears the description, the
        trial days or the metadata; ``portal_features`` changes the features it names. Returns
        the plan."""
        body = FIELDS.update_body(locals())
        return await self._call(
            Plan, "PATCH", _plan_path(plan_id), body=body, idempotency_key=idempotency_key
        )

    async def archive(self, plan_id: str, *, idempotency_key: str | None = None) -> Plan:
        """Archive a plan: no new subscriptions or prices; existing subscriptions go on. Returns
        the plan (``active`` ``False``, ``archived_at`` set)."""
        path = _plan_path(plan_id, "archive")
        # An empty object: sent as no body at all, signed over the empty string (SPEC §2).
        return await self._call(Plan, "POST", path, body={}, idempotency_key=idempotency_key)

    async def add_price(
        self,
        plan_id: str,
        *,
        currency: str,
        model: str = "flat",
        unit_amount: int | None = None,
        tiers: Sequence[PriceTier | Mapping[str, Any]] | None = None,
        tax_mode: str | None = None,
        active: bool | None = None,
        idempotency_key: str | None = None,
    ) -> Price:
        """Add a price to a plan: ``flat`` takes ``unit_amount``; ``tiered`` and ``volume``
        take ``tiers`` (dicts or ``PriceTier`` models, ``up_to`` ascending, the last
        ``"inf"``); ``usage`` takes one of the two. Returns the new price."""
        body = PRICE_FIELDS.create_body(locals())
        checks.check_price(
            "",
            {
                "currency": currency,
                "model": model,
                "unit_amount": unit_amount,
                "tiers": tiers,
                "tax_mode": tax_mode,
                "active": active,
            },
        )
        path = _plan_path(plan_id, "prices")
        return await self._call(Price, "POST", path, body=body, idempotency_key=idempotency_key)
