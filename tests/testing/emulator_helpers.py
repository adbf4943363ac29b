"""Hand-signed raw requests for the emulator's fidelity tests (independent of the SDK).

``RawClient`` signs with ``plugipay._signing`` exactly as SPEC §2 says and sends through
``httpx.Client(transport=fake.transport)`` (or to a real URL), so these tests check the
emulator, not our client.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from plugipay._json import canonical_json
from plugipay._signing import authorization_header, sign_request
from plugipay.testing import FakePlugipay

_UNSET: Any = object()
START = 1_778_582_520.0
"""2026-05-12T10:42:00Z: the frozen start of the ``fake`` fixture's clock."""


def signed_headers(
    method: str,
    target: str,
    body: bytes,
    *,
    key_id: str,
    secret: str,
    timestamp: int,
    idempotency_key: str | None = None,
    on_behalf_of: str | None = None,
) -> dict[str, str]:
    """The headers of a request signed by hand per SPEC §2."""
    signature = sign_request(secret, method, target, timestamp, body, idempotency_key)
    headers = {
        "Authorization": authorization_header(key_id, signature),
        "X-Plugipay-Timestamp": str(timestamp),
        "Accept": "application/json",
    }
    if body:
        headers["Content-Type"] = "application/json"
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    if on_behalf_of is not None:
        headers["X-Plugipay-On-Behalf-Of"] = on_behalf_of
    return headers


def body_bytes(json_body: object, content: bytes | None) -> bytes:
    """Canonical bytes for a JSON value (``b""`` for ``{}``), or ``content`` as given."""
    if content is not None:
        return content
    if json_body is _UNSET or json_body == {}:
        return b""
    return canonical_json(json_body).encode()


class RawClient:
    """Hand-signed requests to a fake through its in-process transport (or a real URL)."""

    def __init__(
        self,
        fake: FakePlugipay,
        *,
        key_id: str | None = None,
        secret: str | None = None,
        base_url: str | None = None,
    ) -> None:
        self.fake = fake
        self.key_id = key_id or fake.key_id
        self.secret = secret or fake.secret
        self.base_url = base_url or fake.base_url
        transport = None if base_url else fake.transport
        self.http = httpx.Client(transport=transport)

    def request(
        self,
        method: str,
        target: str,
        *,
        json: object = _UNSET,
        content: bytes | None = None,
        idempotency_key: str | None = None,
        on_behalf_of: str | None = None,
        timestamp: int | None = None,
        headers: Mapping[str, str] | None = None,
        key_id: str | None = None,
        secret: str | None = None,
    ) -> httpx.Response:
        """Sign and send ``method target``; ``json`` goes out canonical, ``content`` as is."""
        body = body_bytes(json, content)
        prefix = httpx.URL(self.base_url).raw_path.decode().rstrip("/")
        sent = signed_headers(
            method,
            prefix + target,
            body,
            key_id=key_id or self.key_id,
            secret=secret or self.secret,
            timestamp=int(self.fake.clock.time()) if timestamp is None else timestamp,
            idempotency_key=idempotency_key,
            on_behalf_of=on_behalf_of,
        )
        sent.update(headers or {})
        return self.http.request(method, self.base_url + target, content=body, headers=sent)

    def get(self, target: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", target, **kwargs)

    def post(self, target: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("idempotency_key", None)
        return self.request("POST", target, **kwargs)

    def patch(self, target: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", target, **kwargs)

    def put(self, target: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", target, **kwargs)

    def delete(self, target: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", target, **kwargs)

    def create_customer(
        self, idempotency_key: str | None = None, **fields: object
    ) -> dict[str, Any]:
        """Create a customer and return its ``data``; fails the test unless it answers 201."""
        key = idempotency_key or f"idem_{uuid.uuid4()}"
        response = self.post("/api/v1/customers", json=fields, idempotency_key=key)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data


class BearerClient:
    """Requests sent with ``Authorization: Bearer <token>`` (a dashboard key, or a person's
    session such as ``fake.session_token``) through the fake's in-process transport."""

    def __init__(self, fake: FakePlugipay, token: str) -> None:
        self.fake = fake
        self.token = token
        self.http = httpx.Client(transport=fake.transport)

    def request(
        self,
        method: str,
        target: str,
        *,
        json: object = _UNSET,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send ``method target`` with a canonical JSON body, unsigned."""
        body = body_bytes(json, None)
        sent = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if body:
            sent["Content-Type"] = "application/json"
        if idempotency_key is not None:
            sent["Idempotency-Key"] = idempotency_key
        sent.update(headers or {})
        return self.http.request(method, self.fake.base_url + target, content=body, headers=sent)

    def get(self, target: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", target, **kwargs)

    def post(self, target: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", target, **kwargs)

    def delete(self, target: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", target, **kwargs)


def error_of(response: httpx.Response) -> tuple[int, str]:
    """``(status, error.code)`` of an error answer."""
    return response.status_code, response.json()["error"]["code"]


def data_of(response: httpx.Response) -> Any:
    """The ``data`` of a success envelope."""
    assert response.status_code < 300, response.text
    return response.json()["data"]


def loads(raw: bytes) -> Any:
    """JSON-decode bytes (for recorded bodies and webhook payloads)."""
    return json.loads(raw)


class AsyncRawClient:
    """The async twin of ``RawClient`` over ``httpx.AsyncClient`` and the same transport."""

    def __init__(
        self, fake: FakePlugipay, *, key_id: str | None = None, secret: str | None = None
    ) -> None:
        self.fake = fake
        self.key_id = key_id or fake.key_id
        self.secret = secret or fake.secret
        self.http = httpx.AsyncClient(transport=fake.transport)

    async def request(
        self,
        method: str,
        target: str,
        *,
        json: object = _UNSET,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Sign and send ``method target`` with a canonical JSON body."""
        body = body_bytes(json, None)
        headers = signed_headers(
            method,
            target,
            body,
            key_id=self.key_id,
            secret=self.secret,
            timestamp=int(self.fake.clock.time()),
            idempotency_key=idempotency_key,
        )
        return await self.http.request(
            method, self.fake.base_url + target, content=body, headers=headers
        )
