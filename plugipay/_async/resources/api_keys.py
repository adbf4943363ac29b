"""``plug.api_keys``: dashboard API keys of the acting workspace (SURVEY §1.13).

These routes are person-only: Plugipay answers any API key here (HMAC-signed or a Bearer
dashboard key) with 403 ``person_only``, raised as ``PersonOnlyError``, because a key must not
mint or revoke keys. They work for a person's dashboard session, and against the emulator's.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.configuration import ApiKey
from ..._urls import quote_segment
from ._base import AsyncResource

__all__ = ["AsyncApiKeys"]

_PATH = "/api/v1/api-keys"
ENVIRONMENTS = ("test", "live")
FIELDS = Fields(
    {
        "name": Field("name", checks.text(255), required=True),
        "environment": Field("environment", checks.choice(*ENVIRONMENTS)),
        "scopes": Field("scopes", checks.strings(255), convert=checks.as_list),
    }
)
"""What a key is made with; keys are never changed, only revoked."""


class AsyncApiKeys(AsyncResource):
    """List, create and revoke dashboard API keys (a person's dashboard session only)."""

    __slots__ = ()

    async def list(self) -> builtins.list[ApiKey]:
        """The workspace's keys (their prefixes, never the keys)."""
        return await self._call_list(ApiKey, "GET", _PATH)

    async def create(
        self,
        *,
        name: str,
        environment: str | None = None,
        scopes: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> ApiKey:
        """A new key named ``name`` for ``environment`` (``"test"`` or ``"live"``) with
        ``scopes`` (every scope when left out). The returned model's ``key`` holds the key,
        shown this once (never in its repr): keep it."""
        body = FIELDS.create_body(locals())
        return await self._call(ApiKey, "POST", _PATH, body=body, idempotency_key=idempotency_key)

    async def delete(self, key_id: str, *, idempotency_key: str | None = None) -> None:
        """Revoke a key: every call made with it fails from now on."""
        path = f"{_PATH}/{quote_segment(key_id, 'key_id')}"
        await self._call_no_content("DELETE", path, idempotency_key=idempotency_key)
