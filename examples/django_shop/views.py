"""Views calling Plugipay with the sync client."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from plugipay import NotFoundError

from .client import plugipay_client


@require_GET
def customer_detail(request: HttpRequest, customer_id: str) -> JsonResponse:
    """Shows one customer, or a 404 the SDK's NotFoundError turns into."""
    try:
        customer = plugipay_client().customers.get(customer_id)
    except NotFoundError:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse({"id": customer.id, "email": customer.email, "name": customer.name})
