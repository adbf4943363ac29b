"""The example's URLs."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [path("customers/<str:customer_id>", views.customer_detail)]
