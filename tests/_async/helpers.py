"""Test doubles shared by the client tests: virtual time and a signature-checking server."""

from __future__ import annotations

import json

import httpx

from plugipay._signing import parse_authorization, sign_request

KEY_ID = "ak_test_123"
SECRET = "sk_test_s3cr3t"
BASE_URL = "https://api.plugipay.test"


class FakeTime:
    """A clock that only moves when the code under test sleeps; every sleep is recorded."""

    def __init__(self, start: float = 1_778_582_520.0) -> None:
        self.now = start
        self.tick = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        """The current virtual time; it then moves on by ``tick`` seconds."""
        now = self.now
        self.now += self.tick
        return now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def verify_signature(request: httpx.Request, secret: str = SECRET) -> bool:
    """Recompute the signature the way the server does and compare."""
    auth = parse_authorization(request.headers.get("authorization"))
    if auth is None:
        return False
    timestamp = request.headers["x-plugipay-timestamp"]
    expected = sign_request(
        secret,
        request.method,
        request.url.raw_path.decode("ascii"),
        timestamp,
        request.content,
        request.headers.get("idempotency-key"),
    )
    return auth.key_id == KEY_ID and auth.signature == expected


def envelope(data: object, status: int = 200, **headers: str) -> httpx.Response:
    """A success answer in the Plugipay envelope."""
    body = {"data": data, "error": None, "meta": {"requestId": "req_1"}}
    return httpx.Response(status, json=body, headers=headers)


def error(status: int, code: str, message: str = "nope", **headers: str) -> httpx.Response:
    """An error answer in the Plugipay envelope."""
    body = {
        "data": None,
        "error": {"code": code, "message": message},
        "meta": {"requestId": "req_e"},
    }
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)
