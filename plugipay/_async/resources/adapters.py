"""``plug.adapters``: the payment providers of the acting workspace, per mode (SPEC-MONEY §1;
SURVEY §1.14).

A provider's secrets (Xendit's secret key and callback token, PayPal's secret, Midtrans's server
key) go into the request body as ``Secret``s: no repr, log line, error or traceback of the SDK
shows them, even when a server quotes them back in an error, and Plugipay never returns them
(an ``AdapterConfig`` carries only ``secret_key_last4``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ... import _validation as checks
from ..._envelope import Envelope
from ..._exceptions import InvalidResponseError, PlugipayError
from ..._fields import Field, Fields
from ..._models.configuration import AdapterConfig, ManualBankAccount
from ..._models.platform import ManagedOnboardingState
from ..._secrets import conceal, hide, scrub, scrubbed_text, secrets_in
from ._base import AsyncResource, structure_many

__all__ = ["AsyncAdapters"]

_PATH = "/api/v1/adapters"
_ONBOARDING = f"{_PATH}/managed/onboarding"
KINDS = ("xendit",)
PAYPAL_MODES = ("live", "sandbox")
MIDTRANS_ENVS = ("sandbox", "production")
ONBOARDING_FIELDS = Fields(
    {
        "email": Field("email", checks.email()),
        "kind": Field("kind", checks.choice(*KINDS)),
    }
)
"""The fields of a managed onboarding start."""
XENDIT = Fields(
    {
        "secret_key": Field("secretKey", checks.secret(), required=True, convert=hide),
        "callback_token": Field("callbackToken", checks.secret(), convert=hide),
    }
)
"""Xendit's keys: the secret API key, and the token its callbacks carry."""
PAYPAL = Fields(
    {
        "client_id": Field("clientId", checks.text(255), required=True),
        "secret": Field("secret", checks.secret(), required=True, convert=hide),
        "mode": Field("mode", checks.choice(*PAYPAL_MODES)),
    }
)
"""PayPal's REST app credentials and its environment."""
MIDTRANS = Fields(
    {
        "server_key": Field("serverKey", checks.secret(), required=True, convert=hide),
        # The client key is public by design: Midtrans's browser widget carries it.
        "client_key": Field("clientKey", checks.text(255), required=True),
        "merchant_id": Field("merchantId", checks.text(255), required=True),
        "env": Field("env", checks.choice(*MIDTRANS_ENVS)),
    }
)
"""Midtrans's keys, merchant id and environment."""
MANUAL = Fields(
    {
        "bank_accounts": Field(
            "bankAccounts", checks.bank_accounts(), convert=checks.bank_accounts_wire
        ),
        "static_qr_image_url": Field("staticQrImageUrl", checks.link()),
        "instructions": Field("instructions", checks.text(2000)),
    }
)
"""The manual adapter: bank accounts to transfer to, a static QR image, and instructions."""


def _adapter_list(envelope: Envelope) -> list[AdapterConfig]:
    """``GET /adapters`` answers an object keyed by kind (a list is read too; ``null`` is none)."""
    data = envelope.data
    if data is None:
        return []
    if isinstance(data, dict):
        data = list(data.values())
    if not isinstance(data, list):
        raise InvalidResponseError("GET /api/v1/adapters answered neither an object nor a list")
    return structure_many(data, AdapterConfig)


class AsyncAdapters(AsyncResource):
    """Connect payment providers (Xendit, PayPal, Midtrans, manual transfers), list them, and
    onboard with the managed provider."""

    __slots__ = ()

    async def list(self) -> builtins.list[AdapterConfig]:
        """The adapters of the key's mode (or of the client's ``mode``), one per kind."""
        return await self._client._request("GET", _PATH, _adapter_list)

    async def configure_xendit(
        self,
        *,
        secret_key: str,
        callback_token: str | None = None,
        idempotency_key: str | None = None,
    ) -> AdapterConfig:
        """Connect Xendit with its secret API key (and the callback token its webhooks carry);
        replaces the mode's earlier Xendit keys. Returns the adapter (``secret_key_last4`` only)."""
        # Held as Secrets from here on: no frame of the SDK, a failed check's included, keeps
        # the strings for a traceback's locals to show.
        secret_key, callback_token = conceal(secret_key), conceal(callback_token)  # type: ignore[assignment]
        body = XENDIT.create_body(locals())
        return await self._put("xendit", body, idempotency_key)

    async def configure_paypal(
        self,
        *,
        client_id: str,
        secret: str,
        mode: str | None = None,
        idempotency_key: str | None = None,
    ) -> AdapterConfig:
        """Connect PayPal with a REST app's client id and secret; ``mode`` is ``"live"`` or
        ``"sandbox"`` (PayPal's environment, not Plugipay's mode)."""
        secret = conceal(secret)  # type: ignore[assignment]
        body = PAYPAL.create_body(locals())
        return await self._put("paypal", body, idempotency_key)

    async def configure_midtrans(
        self,
        *,
        server_key: str,
        client_key: str,
        merchant_id: str,
        env: str | None = None,
        idempotency_key: str | None = None,
    ) -> AdapterConfig:
        """Connect Midtrans with its server key (secret), client key and merchant id; ``env`` is
        ``"sandbox"`` or ``"production"``."""
        server_key = conceal(server_key)  # type: ignore[assignment]
        body = MIDTRANS.create_body(locals())
        return await self._put("midtrans", body, idempotency_key)

    async def configure_manual(
        self,
        *,
        bank_accounts: Sequence[ManualBankAccount | Mapping[str, Any]] | None = None,
        static_qr_image_url: str | None = None,
        instructions: str | None = None,
        idempotency_key: str | None = None,
    ) -> AdapterConfig:
        """Take payments by hand: ``bank_accounts`` to transfer to (dicts or
        ``ManualBankAccount`` models: ``bank_name``, ``account_number``, ``account_holder``), a
        static QR image (an ``uploads.image`` URL, say) and instructions for the buyer. The
        merchant confirms each such payment (``checkout_sessions.confirm``)."""
        body = MANUAL.create_body(locals())
        return await self._put("manual", body, idempotency_key)

    async def _put(
        self, kind: str, body: dict[str, object], idempotency_key: str | None
    ) -> AdapterConfig:
        try:
            return await self._call(
                AdapterConfig,
                "PUT",
                f"{_PATH}/{kind}",
                body=body,
                idempotency_key=idempotency_key,
            )
        except PlugipayError as exc:
            # A server may quote the body in its error: no secret leaves in an error's text, nor
            # in the answer and request it carries.
            secrets = secrets_in(body)
            scrub(exc, secrets)
            if isinstance(exc.response, httpx.Response):
                exc.response = scrubbed_response(exc.response, secrets)
            del secrets  # plain strings: not for the traceback's locals
            raise

    async def managed_onboarding(self) -> ManagedOnboardingState | None:
        """The managed onboarding's current state, or ``None`` before it started."""
        return await self._call_optional(ManagedOnboardingState, _ONBOARDING)

    async def start_managed_onboarding(
        self,
        *,
        email: str | None = None,
        kind: str = "xendit",
        idempotency_key: str | None = None,
    ) -> ManagedOnboardingState:
        """Start managed onboarding (``kind`` names the provider); returns its state."""
        body = ONBOARDING_FIELDS.create_body(locals())
        return await self._call(
            ManagedOnboardingState,
            "POST",
            _ONBOARDING,
            body=body,
            idempotency_key=idempotency_key,
        )


def scrubbed_response(response: httpx.Response, secrets: builtins.list[str]) -> httpx.Response:
    """``response`` with every secret out of its body, and its request without the body the
    secrets went out in."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        content = b""
    clean = scrubbed_text(content.decode("utf-8", "replace"), secrets).encode() if content else b""
    # The body is kept decoded, so the headers that described its bytes on the wire go.
    headers = [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
    ]
    try:
        sent = response.request
    except RuntimeError:  # a response built without its request
        return httpx.Response(response.status_code, headers=headers, content=clean)
    bare = httpx.Request(sent.method, sent.url, headers=sent.headers)
    return httpx.Response(response.status_code, headers=headers, content=clean, request=bare)
