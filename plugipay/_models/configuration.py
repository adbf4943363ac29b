"""A merchant's configuration: payment-provider adapters, the checkout page, document templates,
uploaded images and API keys (SPEC-MONEY §1, §6; SURVEY §1.13, §1.14, §2 "AdapterConfig",
"CheckoutSettings", "Template", "UploadedFile", "ApiKey")."""

from datetime import datetime
from typing import Any, Literal, TypeAlias

import attrs

from ._base import Resource
from .workspaces import Mode

__all__ = [
    "AdapterConfig",
    "AdapterKind",
    "AdapterStatus",
    "ApiKey",
    "CheckoutSettings",
    "ManualBankAccount",
    "Template",
    "TemplateKind",
    "UploadedFile",
]

AdapterKind: TypeAlias = Literal["xendit", "paypal", "midtrans", "manual", "managed"] | str
AdapterStatus: TypeAlias = Literal["unconfigured", "active", "error"] | str
TemplateKind: TypeAlias = Literal["receipt", "invoice", "checkout"] | str


@attrs.frozen(kw_only=True, repr=False)
class AdapterConfig(Resource):
    """One payment provider's connection in one mode. Secrets are never returned: only the last
    four characters of the secret key."""

    _repr_fields = ("kind", "status", "mode")

    kind: AdapterKind | None = None
    """``xendit``, ``paypal``, ``midtrans``, ``manual`` or ``managed``."""
    mode: Mode | None = None
    """``test`` or ``live``: each mode has its own configuration."""
    status: AdapterStatus | None = None
    """``unconfigured``, ``active`` or ``error`` (see ``last_error_code``)."""
    secret_key_last4: str | None = None
    """The last four characters of the stored secret key, to tell keys apart."""
    public_config: dict[str, Any] | None = None
    """What is not secret: a PayPal client id and mode, a Midtrans client key and environment, a
    manual adapter's bank accounts and instructions."""
    configured_at: datetime | None = None
    """When it was last configured."""
    last_error_at: datetime | None = None
    """When the provider last refused a call made with it."""
    last_error_code: str | None = None
    """What the provider said then."""


@attrs.frozen(kw_only=True, repr=False)
class ManualBankAccount(Resource):
    """A bank account buyers pay into by transfer (the manual adapter); build one to pass in
    ``bank_accounts=[...]``."""

    _repr_fields = ("bank_name",)

    bank_name: str | None = None
    """The bank's name (``BCA``, ``Mandiri``, ...)."""
    account_number: str | None = None
    """The account number buyers transfer to."""
    account_holder: str | None = None
    """The name on the account."""


@attrs.frozen(kw_only=True, repr=False)
class CheckoutSettings(Resource):
    """How the checkout page looks and which payment methods it offers, through which adapter."""

    _repr_fields = ("brand_name", "enabled_methods")

    account_id: str | None = None
    """The workspace's account id."""
    mode: Mode | None = None
    """``test`` or ``live``: the mode these settings are for."""
    enabled_methods: list[str] | None = None
    """The payment methods buyers may choose (``qris``, ``va``, ``ewallet``, ``card``, ...)."""
    method_order: list[str] | None = None
    """The order the methods are shown in."""
    method_adapter: dict[str, str] | None = None
    """Which adapter kind takes each method (``{"qris": "xendit"}``)."""
    brand_name: str | None = None
    """The name shown on the page."""
    brand_logo_url: str | None = None
    """The logo shown on the page (an ``uploads.image`` URL, say)."""
    brand_accent_color: str | None = None
    """The page's accent colour, ``#RRGGBB``."""
    brand_tagline: str | None = None
    """A line under the name."""
    business_phone: str | None = None
    """The business's phone number, on the page and on receipts."""
    business_email: str | None = None
    """The business's email address, on the page and on receipts."""
    business_address: str | None = None
    """The business's address, on receipts."""
    business_tax_id: str | None = None
    """The business's tax id (NPWP), on receipts."""
    receipt_template: dict[str, Any] | None = None
    """The receipt's settings (thank-you text, footer, tax line, ...)."""
    available_methods: list[str] | None = None
    """The methods the connected adapters can take now (computed by Plugipay)."""
    method_support: dict[str, list[str]] | None = None
    """Each method and the adapter kinds that can take it (computed by Plugipay)."""
    updated_at: datetime | None = None
    """When the settings last changed."""


@attrs.frozen(kw_only=True, repr=False)
class Template(Resource):
    """A receipt, invoice or checkout template: how that document looks."""

    _repr_fields = ("id", "kind", "name", "is_default")

    id: str
    """Template id, ``tpl_`` + ULID."""
    account_id: str | None = None
    """The workspace's account id."""
    mode: Mode | None = None
    """``test`` or ``live``."""
    kind: TemplateKind | None = None
    """``receipt``, ``invoice`` or ``checkout``."""
    name: str | None = None
    """The merchant's name for it (a copy is named ``"<name> (copy)"``)."""
    is_default: bool | None = None
    """Whether documents of its kind use it when none is named (one per kind)."""
    config: dict[str, Any] | None = None
    """Its settings, under wire names: ``thankYouText``, ``footerText``, ``showTax``,
    ``taxLabel``, ``taxRate`` (0-1), ``cashierLabel``, ``showBusinessDetails``, ``accentColor``
    (receipt); ``termsText`` in place of the cashier and thank-you lines (invoice);
    ``accentColor``, ``successMessage``, ``footerTagline``, ``showBusinessDetails`` (checkout)."""
    created_at: datetime | None = None
    """When it was created."""
    updated_at: datetime | None = None
    """When it last changed."""


@attrs.frozen(kw_only=True, repr=False)
class UploadedFile(Resource):
    """An image Plugipay stored: where it is served from, under what name, and its size."""

    _repr_fields = ("url", "file_size")

    url: str | None = None
    """Where it is served (``/api/v1/files/<name>``, relative to the API's host)."""
    file_name: str | None = None
    """The name it is stored under."""
    file_size: int | None = None
    """Its size in bytes."""


@attrs.frozen(kw_only=True, repr=False)
class ApiKey(Resource):
    """A dashboard API key (``pk_test_…``/``pk_live_…``), used as ``Authorization: Bearer``."""

    # Never the key itself: a repr ends up in logs.
    _repr_fields = ("id", "name", "key_prefix", "environment")

    id: str
    """Key id, ``key_`` + ULID."""
    name: str | None = None
    """The merchant's name for it."""
    key_prefix: str | None = None
    """The key's first 12 characters, to tell keys apart."""
    environment: Mode | None = None
    """``test`` or ``live``: the mode it acts in."""
    scopes: list[str] | None = None
    """What it may do (``*`` for everything)."""
    last_used_at: datetime | None = None
    """When it was last used."""
    created_at: datetime | None = None
    """When it was created."""
    key: str | None = attrs.field(default=None, repr=False)
    """The key itself, in the answer to ``create`` only: keep it then, it is never shown again."""
