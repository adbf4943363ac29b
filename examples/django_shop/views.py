"""Views calling Plugipay with the sync client: a customer page and a checkout flow (start a
payment, learn from the webhook that it was paid, refund it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from plugipay import CheckoutSession, NotFoundError, WebhookEvent
from plugipay.contrib.django import webhook_view

from .client import plugipay_client

PAID: dict[str, str] = {}
"""Order id → checkout session id, filled by the webhook (a model in a real shop)."""


@require_GET
def customer_detail(request: HttpRequest, customer_id: str) -> JsonResponse:
    """Shows one customer, or a 404 the SDK's NotFoundError turns into."""
    try:
        customer = plugipay_client().customers.get(customer_id)
    except NotFoundError:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse({"id": customer.id, "email": customer.email, "name": customer.name})


@require_POST
def start_checkout(request: HttpRequest, order_id: str) -> HttpResponse:
    """Sends the buyer to Plugipay's payment page; one session per order, however often they click."""
    session = plugipay_client().checkout_sessions.create(
        amount=int(request.POST["amount"]),
        currency="IDR",
        methods=["qris", "va"],
        success_url=request.build_absolute_uri(f"/orders/{order_id}/thanks"),
        cancel_url=request.build_absolute_uri(f"/orders/{order_id}"),
        metadata={"order_id": order_id},
        idempotency_key=f"checkout-{order_id}",
    )
    return redirect(session.hosted_url or f"https://plugipay.com/c/{session.id}")


# POST only and CSRF-exempt (the signature stands in for the token); a delivery not signed with
# PLUGIPAY_WEBHOOK_SECRET is answered 400 before the view runs.
@webhook_view
def plugipay_webhook(request: HttpRequest, event: WebhookEvent) -> JsonResponse:
    """Records a completed payment once (deliveries are at least once)."""
    session = event.data
    if event.kind == "checkout_session.completed" and isinstance(session, CheckoutSession):
        PAID[(session.metadata or {}).get("order_id", "")] = session.id
    return JsonResponse({"received": event.type})


@require_POST
def refund_order(request: HttpRequest, order_id: str) -> JsonResponse:
    """Refunds what is left of a paid order; the key names the order, so a retry refunds once."""
    if order_id not in PAID:
        return JsonResponse({"error": "order not paid"}, status=409)
    refund = plugipay_client().refunds.create(
        source_type="checkout_session",
        source_id=PAID[order_id],
        reason="requested_by_customer",
        idempotency_key=f"refund-{order_id}",
    )
    return JsonResponse({"refund_id": refund.id, "amount": refund.amount, "status": refund.status})
