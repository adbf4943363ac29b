"""Secrets stay secret: no key secret, API key or signature in reprs, errors, tracebacks (locals included) or logs.

A full run of every resource method through the emulator, with retries and failures, is logged at
DEBUG on every logger (plugipay, httpx, httpcore); the secret, the dashboard key, every signature
the fake received and the Authorization scheme are then searched for in everything captured.
"""

from __future__ import annotations

import logging
import random
import traceback
from collections.abc import Iterator

import anyio
import anyio.lowlevel
import httpx
import pytest

from plugipay import AsyncPlugipayClient, PlugipayClient, PlugipayError
from plugipay.testing import DropAfterCommit, DropBeforeCommit, FakePlugipay, RateLimit, StatusFault

SECRET = "sk_test_SECRETVALUE_9f8e7d6c5b4a"
WRONG_SECRET = "sk_test_WRONGSECRET_0a1b2c3d4e5f"


@pytest.fixture
def fake() -> FakePlugipay:
    return FakePlugipay(seed=9, secret=SECRET)


def _forbidden(fake: FakePlugipay) -> list[str]:
    """Everything that must never show: secrets, API key, every signature sent, the scheme."""
    signatures = [
        r.headers["authorization"].rpartition("signature=")[2]
        for r in fake.requests
        if "signature=" in r.headers.get("authorization", "")
    ]
    assert signatures
    return [SECRET, WRONG_SECRET, fake.api_key, "Plugipay-HMAC-SHA256", "Bearer ", *signatures]


def _error_texts(err: BaseException) -> Iterator[str]:
    yield str(err)
    yield repr(err)
    yield "".join(traceback.format_exception(err))
    # What pytest --showlocals or a crash reporter would print: every frame's locals.
    yield "".join(traceback.TracebackException.from_exception(err, capture_locals=True).format())
    if isinstance(err, PlugipayError) and err.response is not None:
        yield repr(err.response)
        yield repr(err.response.headers)
        yield repr(err.response.request.headers)


def _sync_run(fake: FakePlugipay, errors: list[BaseException]) -> list[str]:
    """Every sync resource method, a retried write, and each kind of failure; returns reprs."""
    add = fake.faults.add
    add(DropBeforeCommit(method="POST", path="/api/v1/customers", times=1))
    add(DropAfterCommit(method="PATCH", path="/api/v1/customers/*", times=1))
    add(StatusFault(503, method="GET", path="/api/v1/workspaces", times=1))
    add(RateLimit(method="GET", path="/api/v1/customers", times=1, retry_after=0.5))
    with fake.client(max_retries=3, _sleep=lambda s: None) as plug:
        c = plug.customers.create(email="a@example.com", external_id="ext-1", metadata={"k": "v"})
        plug.customers.get(c.id)
        plug.customers.update(c.id, phone="+6281234", name="A")
        assert [x.id for x in plug.customers.list(limit=1)] == [c.id]
        plug.customers.find_by_external_id("ext-1")
        assert plug.customers.get_or_create(external_id="ext-1")[1] is False
        plug.customers.archive(c.id)
        plug.customers.redact(c.id)
        ws = next(iter(plug.workspaces.list()))
        plug.workspaces.get(ws.id)
        plug.workspaces.update(ws.id, brand_name="Brand")
        member = plug.workspaces.invite_member(ws.id, email="m@example.com", role="member")
        list(plug.workspaces.list_members(ws.id))
        plug.workspaces.update_member(ws.id, member.id, role="admin")
        plug.workspaces.remove_member(ws.id, member.id)
        plug.request("GET", f"/api/v1/customers/{c.id}")
        clones = [plug.for_merchant(fake.account_id), plug.with_options(max_retries=0)]
        for call in (
            lambda: plug.customers.get("cus_missing"),
            lambda: plug.customers.create(email="not-an-email"),
            lambda: plug.admin.get_workspace(fake.account_id),
            lambda: plug.with_options(max_retries=0).request("POST", "/api/v1/nowhere", body={}),
        ):
            with pytest.raises(PlugipayError) as err:
                call()
            errors.append(err.value)
        add(DropBeforeCommit(method="GET", path="/api/v1/customers/*", times=1))
        with pytest.raises(PlugipayError) as err:
            plug.with_options(max_retries=0).customers.get(c.id)
        errors.append(err.value)
        with pytest.raises(ValueError) as bad:
            plug.customers.create(idempotency_key="k\r\nAuthorization: x")
        errors.append(bad.value)
        shown = [repr(plug), repr(plug._config), *(repr(x) for x in clones)]
    wrong = PlugipayClient(
        key_id=fake.key_id,
        secret=WRONG_SECRET,
        base_url=fake.base_url,
        http_client=httpx.Client(transport=fake.transport),
        max_retries=0,
    )
    with pytest.raises(PlugipayError) as err:
        wrong.customers.get(c.id)
    assert err.value.code == "bad_signature"
    errors.append(err.value)
    bearer = fake.client(api_key=fake.api_key)
    bearer.customers.get(c.id)
    return [*shown, repr(wrong), repr(wrong._config), repr(bearer), repr(bearer._config)]


def test_no_secret_in_reprs_errors_tracebacks_or_debug_logs(
    fake: FakePlugipay, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    reprs = _sync_run(fake, errors)
    assert {type(e).__name__ for e in errors} >= {
        "NotFoundError",
        "BadRequestError",
        "PermissionDeniedError",
        "PlugipayNetworkError",
        "AuthenticationError",
        "ValueError",
    }
    # The run was really logged: one DEBUG line per attempt and INFO for each retry.
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        m.startswith("retrying POST /api/v1/customers after network_error") for m in messages
    )
    assert any("rate_limited" in m for m in messages)
    assert sum(r.name == "plugipay" and r.levelno == logging.DEBUG for r in caplog.records) >= 20
    texts = [caplog.text, *messages, *reprs]
    for err in errors:
        texts.extend(_error_texts(err))
    forbidden = _forbidden(fake)
    for text in texts:
        for secret in forbidden:
            assert secret not in text, (secret[:12], text[:200])


@pytest.mark.anyio
async def test_async_run_leaks_no_secret(
    fake: FakePlugipay, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def no_wait(seconds: float) -> None:
        await anyio.lowlevel.checkpoint()

    fake.faults.add(StatusFault(500, method="POST", path="/api/v1/customers", times=1))
    fake.faults.add(DropAfterCommit(method="POST", path="/api/v1/customers", times=1))
    errors: list[BaseException] = []
    async with fake.async_client(max_retries=3, _sleep=no_wait, _rng=random.Random(1)) as plug:
        c = await plug.customers.create(email="a@example.com")
        await plug.customers.update(c.id, name=None)
        assert [x.id async for x in plug.customers.list()] == [c.id]
        await plug.onboarding.provision_managed()
        with pytest.raises(PlugipayError) as err:
            await plug.customers.get("cus_missing")
        errors.append(err.value)
        # A closed loopback port: a real connection error from httpx, not from the fake.
        async with AsyncPlugipayClient(
            key_id=fake.key_id, secret=WRONG_SECRET, base_url="http://127.0.0.1:9", max_retries=0
        ) as broken:
            with pytest.raises(PlugipayError) as err:
                await broken.customers.get(c.id)
            assert err.value.code == "network_error"
            errors.append(err.value)
            reprs = [repr(plug), repr(broken), repr(plug.for_merchant("acc_1"))]
    texts = [caplog.text, *reprs]
    for e in errors:
        texts.extend(_error_texts(e))
    forbidden = _forbidden(fake)
    for text in texts:
        for secret in forbidden:
            assert secret not in text, (secret[:12], text[:200])
    assert any("retrying POST /api/v1/customers" in r.getMessage() for r in caplog.records)
