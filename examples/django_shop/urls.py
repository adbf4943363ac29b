"""The example's URLs."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("customers/<str:customer_id>", views.customer_detail),
    path("orders/<str:order_id>/checkout", views.start_checkout),
    path("orders/<str:order_id>/refund", views.refund_order),
    path("webhooks/plugipay", views.plugipay_webhook),
]
