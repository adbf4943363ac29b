"""``plug.checkout_settings``: the checkout page of the acting workspace, its payment methods and
its brand (SURVEY §1.14, §2 "CheckoutSettings")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models import configuration as models
from ..._types import NOT_GIVEN, NotGivenOr
from ._base import AsyncResource

__all__ = ["AsyncCheckoutSettings"]

# ``models.CheckoutSettings``, not the bare name: the blocking namespace class is named
# CheckoutSettings too.

_PATH = "/api/v1/checkout/settings"
FIELDS = Fields(
    {
        "enabled_methods": Field(
            "enabledMethods", checks.strings(64), clearable=False, convert=checks.as_list
        ),
        "method_order": Field(
            "methodOrder", checks.strings(64), clearable=False, convert=checks.as_list
        ),
        "method_adapter": Field(
            "methodAdapter", checks.string_map(), clearable=False, convert=checks.as_dict
        ),
        "brand_name": Field("brandName", checks.text(255)),
        "brand_logo_url": Field("brandLogoUrl", checks.link()),
        "brand_accent_color": Field("brandAccentColor", checks.hex_color()),
        "brand_tagline": Field("brandTagline", checks.text(255)),
        "business_phone": Field("businessPhone", checks.text(64)),
        "business_email": Field("businessEmail", checks.email()),
        "business_address": Field("businessAddress", checks.text(1000)),
        "business_tax_id": Field("businessTaxId", checks.text(64)),
        "receipt_template": Field("receiptTemplate", checks.json_object(), convert=checks.as_dict),
    }
)
"""Every writable setting; ``None`` clears the brand and business ones and the receipt
template, never the method lists."""


class AsyncCheckoutSettings(AsyncResource):
    """Read and change the checkout page: which methods it offers, in what order, through which
    adapter, and how it is branded."""

    __slots__ = ()

    async def get(self) -> models.CheckoutSettings:
        """The settings, with the methods the connected adapters can take now."""
        return await self._call(models.CheckoutSettings, "GET", _PATH)

    retrieve = get

    async def update(
        self,
        *,
        enabled_methods: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        method_order: NotGivenOr[Sequence[str]] = NOT_GIVEN,
        method_adapter: NotGivenOr[Mapping[str, str]] = NOT_GIVEN,
        brand_name: NotGivenOr[str | None] = NOT_GIVEN,
        brand_logo_url: NotGivenOr[str | None] = NOT_GIVEN,
        brand_accent_color: NotGivenOr[str | None] = NOT_GIVEN,
        brand_tagline: NotGivenOr[str | None] = NOT_GIVEN,
        business_phone: NotGivenOr[str | None] = NOT_GIVEN,
        business_email: NotGivenOr[str | None] = NOT_GIVEN,
        business_address: NotGivenOr[str | None] = NOT_GIVEN,
        business_tax_id: NotGivenOr[str | None] = NOT_GIVEN,
        receipt_template: NotGivenOr[Mapping[str, Any] | None] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> models.CheckoutSettings:
        """Change some settings; omitted ones are untouched and ``None`` clears a brand or
        business field. ``brand_accent_color`` is ``#RRGGBB``; ``brand_logo_url`` an http(s)
        URL or the path ``uploads.image`` returned; ``method_adapter`` maps a method to the
        adapter kind that takes it (``{"qris": "xendit"}``). Returns the settings."""
        body = FIELDS.update_body(locals())
        return await self._call(
            models.CheckoutSettings, "PATCH", _PATH, body=body, idempotency_key=idempotency_key
        )
