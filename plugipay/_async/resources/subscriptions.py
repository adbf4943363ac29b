"""``plug.subscriptions``: bill a customer for a plan's price every period (SPEC-MONEY §4;
SURVEY §1.4)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.billing import Subscription
from ..._types import NOT_GIVEN, NotGivenOr
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncSubscriptions"]

_PATH = "/api/v1/subscriptions"
ORDERS = ("asc", "desc")
CANCEL_AT = ("now", "period_end")
FIELDS = Fields(
    {
        "customer_id": Field("customerId", checks.prefixed("cus_"), required=True),
        "plan_id": Field("planId", checks.text(255), required=True),
        "price_id": Field("priceId", checks.text(255), clearable=False, required=True),
        "trial_days": Field("trialDays", checks.count(0)),
        "collection_method": Field("collectionMethod", checks.text(64)),
        "payment_token_id": Field("paymentTokenId", checks.text(255)),
        "coupon_id": Field("couponId", checks.text(255)),
        "start_at": Field("startAt", checks.timestamp(), convert=checks.timestamp_wire),
        "initial_discount": Field("initialDiscount", checks.amount()),
        "metadata": Field("metadata", checks.metadata()),
        "default_payment_token_id": Field("defaultPaymentTokenId", checks.text(255)),
    },
    path_ids=frozenset({"subscription_id"}),
)
"""Every writable subscription field; on update, ``None`` clears the default payment token and
the metadata."""
CANCEL_FIELDS = Fields(
    {
        "at": Field("at", checks.choice(*CANCEL_AT), required=True),
        "reason": Field("reason", checks.text(64)),
    },
    path_ids=frozenset({"subscription_id"}),
)
"""What a cancellation sends."""
PAUSE_FIELDS = Fields(
    {"resume_at": Field("resumeAt", checks.timestamp(), convert=checks.timestamp_wire)},
    path_ids=frozenset({"subscription_id"}),
)
"""What a pause sends."""


def _subscription_path(subscription_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(subscription_id, "subscription_id"), *rest))


class AsyncSubscriptions(AsyncResource):
    """Subscribe customers to plans; read, list and change subscriptions; cancel, pause and
    resume them."""

    __slots__ = ()

    async def create(
        self,
        *,
        customer_id: str,
        plan_id: str,
        price_id: str,
        trial_days: int | None = None,
        collection_method: str | None = None,
        payment_token_id: str | None = None,
        coupon_id: str | None = None,
        start_at: datetime | str | None = None,
        initial_discount: int | None = None,
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Subscription:
        """Subscribe a customer to a plan's price: ``trialing`` for ``trial_days`` (the plan's
        by default), then billed every period. ``collection_method`` is
        ``charge_automatically`` (renewals charge the saved payment method) or ``send_invoice``;
        ``initial_discount`` (an ``int`` in the currency's minor unit) comes off the first
        invoice only. Returns the subscription."""
        body = FIELDS.create_body(locals())
        return await self._call(
            Subscription, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )

    async def get(self, subscription_id: str) -> Subscription:
        """One subscription by ``sub_`` id."""
        return await self._call(Subscription, "GET", _subscription_path(subscription_id))

    retrieve = get

    def list(
        self,
        *,
        customer_id: str | None = None,
        plan_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncCursorPaginator[Subscription]:
        """Subscriptions of the key's mode, newest first unless ``order="asc"``."""
        check_str("customer_id", customer_id, max_length=255)
        check_str("plan_id", plan_id, max_length=255)
        check_str("status", status, max_length=64)
        check_limit(limit)
        check_cursor(cursor)
        check_choice("order", order, ORDERS)
        query: builtins.list[tuple[str, object]] = [
            ("limit", limit),
            ("customerId", customer_id),
            ("planId", plan_id),
            ("status", status),
            ("order", order),
        ]
        return self._paginate(Subscription, _PATH, query, cursor)

    async def update(
        self,
        subscription_id: str,
        *,
        price_id: NotGivenOr[str] = NOT_GIVEN,
        default_payment_token_id: NotGivenOr[str | None] = NOT_GIVEN,
        metadata: NotGivenOr[Mapping[str, str] | None] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Subscription:
        """Change a subscription: omitted fields are untouched; a new ``price_id`` bills from
        the next period; ``None`` clears the default payment token or the metadata."""
        body = FIELDS.update_body(locals())
        return await self._call(
            Subscription,
            "PATCH",
            _subscription_path(subscription_id),
            body=body,
            idempotency_key=idempotency_key,
        )

    async def cancel(
        self,
        subscription_id: str,
        *,
        at: str = "period_end",
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> Subscription:
        """Cancel ``at="now"``, or at the end of the current period (``"period_end"``, which
        sets ``cancel_at``). ``reason`` is ``customer_portal``, ``merchant``,
        ``failed_payment`` or ``user_request``. Returns the subscription."""
        body = CANCEL_FIELDS.create_body(locals())
        path = _subscription_path(subscription_id, "cancel")
        return await self._call(
            Subscription, "POST", path, body=body, idempotency_key=idempotency_key
        )

    async def pause(
        self,
        subscription_id: str,
        *,
        resume_at: datetime | str | None = None,
        idempotency_key: str | None = None,
    ) -> Subscription:
        """Pause billing (no renewals) until ``resume`` or, when given, ``resume_at``."""
        body = PAUSE_FIELDS.create_body(locals())
        path = _subscription_path(subscription_id, "pause")
        # Without ``resume_at``, an empty object: sent as no body at all (SPEC §2).
        return await self._call(
            Subscription, "POST", path, body=body, idempotency_key=idempotency_key
        )

    async def resume(
        self, subscription_id: str, *, idempotency_key: str | None = None
    ) -> Subscription:
        """Resume a paused subscription; returns it (``active``)."""
        path = _subscription_path(subscription_id, "resume")
        return await self._call(
            Subscription, "POST", path, body={}, idempotency_key=idempotency_key
        )
