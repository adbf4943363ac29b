"""The framework webhook helpers: ``plugipay.contrib.fastapi.webhook_event`` and
``plugipay.contrib.django.webhook_view``, driven through the frameworks' own test clients with
deliveries signed as Plugipay signs them, and refusals that say nothing."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from plugipay import Customer, WebhookEvent
from plugipay.webhooks import sign

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_contrib_test_secret"
OLD_SECRET = "whsec_contrib_old_secret"
BODY = (
    b'{"id":"evt_1","type":"plugipay.customer.created.v1","accountId":"acc_1",'
    b'"data":{"object":{"id":"cus_1","email":"ada@example.com"}}}'
)
PATH = "/webhooks/plugipay"


def _signed(body: bytes = BODY, secret: str = SECRET, *, at: int | None = None) -> str:
    return sign(body, secret, at)


def _forgery(case: str) -> tuple[bytes, dict[str, str], str]:
    """(body, headers, the code logged for it) of one thing a helper must refuse, signed now: a
    signature made at collection would go stale in a suite slower than the tolerance."""
    return {case: (body, headers, code) for case, body, headers, code in _forgeries()}[case]


def _forgeries() -> list[tuple[str, bytes, dict[str, str], str]]:
    hour_ago, hour_ahead = int(time.time()) - 3600, int(time.time()) + 3600
    return [
        ("wrong secret", BODY, {"X-Plugipay-Signature": _signed(secret="whsec_guess")}, "signature_invalid"),
        ("tampered body", BODY.replace(b"ada@", b"eve@"), {"X-Plugipay-Signature": _signed()}, "signature_invalid"),
        ("no header", BODY, {}, "signature_missing"),
        ("empty header", BODY, {"X-Plugipay-Signature": ""}, "signature_missing"),
        ("stale", BODY, {"X-Plugipay-Signature": _signed(at=hour_ago)}, "signature_stale"),
        ("from the future", BODY, {"Plugipay-Signature": _signed(at=hour_ahead)}, "signature_stale"),
        ("malformed", BODY, {"X-Plugipay-Signature": "t=soon,v1=00"}, "signature_malformed"),
        ("signed, not JSON", b"<xml/>", {"X-Plugipay-Signature": _signed(b"<xml/>")}, "invalid_response"),
        ("signed, not an event", b"[1]", {"X-Plugipay-Signature": _signed(b"[1]")}, "invalid_response"),
    ]  # fmt: skip


FORGERIES = [case for case, *_ in _forgeries()]


def _assert_says_nothing(text: str, headers: dict[str, str], sent: dict[str, str]) -> None:
    """Neither the reason, the secret nor the header sent comes back."""
    answer = (text + json.dumps(headers)).lower()
    for secret in (SECRET, OLD_SECRET, "whsec_guess"):
        assert secret not in answer
    for leak in ("signature", "stale", "invalid", "malformed", "missing", "v1="):
        assert leak not in answer
    for value in sent.values():
        if value:
            assert value.lower() not in answer


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "plugipay"]


# -- FastAPI ---------------------------------------------------------------------------------------


def _fastapi_shop(dependency: Callable[..., Any]) -> tuple[Any, list[WebhookEvent]]:
    """A FastAPI app whose webhook route records the events it is handed."""
    from fastapi import Depends, FastAPI

    app = FastAPI()
    handed: list[WebhookEvent] = []

    verified = Depends(dependency)

    # Depends as the default: this module's string annotations can't name a local.
    async def plugipay_webhook(shop: str, event: WebhookEvent = verified) -> dict[str, str]:
        handed.append(event)
        return {"received": event.id, "kind": event.kind, "shop": shop}

    app.post(PATH + "/{shop}")(plugipay_webhook)
    return app, handed


def _test_client(app: Any, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app, **options)


def test_fastapi_dependency_hands_the_route_the_typed_event_for_either_header() -> None:
    from plugipay.contrib.fastapi import webhook_event

    app, handed = _fastapi_shop(webhook_event(SECRET))
    shop = _test_client(app)

    spelled = [
        shop.post(f"{PATH}/main", content=BODY, headers={name: _signed()})
        for name in ("X-Plugipay-Signature", "Plugipay-Signature", "x-plugipay-signature")
    ]

    assert [(r.status_code, r.json()) for r in spelled] == [
        (200, {"received": "evt_1", "kind": "customer.created", "shop": "main"})
    ] * 3
    assert [type(e.data) for e in handed] == [Customer] * 3
    assert isinstance(handed[0].data, Customer) and handed[0].data.email == "ada@example.com"


def test_fastapi_dependency_takes_every_secret_of_a_rotation() -> None:
    from plugipay.contrib.fastapi import webhook_event

    app, handed = _fastapi_shop(webhook_event([SECRET, OLD_SECRET]))
    shop = _test_client(app)

    answers = [
        shop.post(f"{PATH}/a", content=BODY, headers={"X-Plugipay-Signature": _signed(secret=s)})
        for s in (OLD_SECRET, SECRET, "whsec_neither")
    ]

    assert [r.status_code for r in answers] == [200, 200, 400]
    assert len(handed) == 2


@pytest.mark.parametrize("case", FORGERIES)
def test_fastapi_dependency_refuses_with_a_bare_400(
    case: str, caplog: pytest.LogCaptureFixture
) -> None:
    from plugipay.contrib.fastapi import webhook_event

    body, headers, code = _forgery(case)

    app, handed = _fastapi_shop(webhook_event(SECRET))
    shop = _test_client(app)

    with caplog.at_level(logging.WARNING, logger="plugipay"):
        answer = shop.post(f"{PATH}/main", content=body, headers=headers)

    assert (answer.status_code, answer.json()) == (400, {"detail": "Bad Request"})
    assert handed == []  # the route never ran
    _assert_says_nothing(answer.text, dict(answer.headers), headers)
    assert _refusals(caplog) == [f"Refused a webhook delivery: {code}"]


def test_fastapi_dependency_reads_the_secret_from_the_environment_at_each_delivery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plugipay.contrib.fastapi import webhook_event

    app, handed = _fastapi_shop(webhook_event())
    with pytest.raises(RuntimeError, match=r"^PLUGIPAY_WEBHOOK_SECRET is not set") as unset:
        _test_client(app).post(
            f"{PATH}/a", content=BODY, headers={"X-Plugipay-Signature": _signed()}
        )
    unset_answer = _test_client(app, raise_server_exceptions=False).post(
        f"{PATH}/a", content=BODY, headers={"X-Plugipay-Signature": _signed()}
    )
    monkeypatch.setenv("PLUGIPAY_WEBHOOK_SECRET", f"  {SECRET}\n")  # as a secrets file leaves it
    verified = _test_client(app).post(
        f"{PATH}/a", content=BODY, headers={"X-Plugipay-Signature": _signed()}
    )
    monkeypatch.setenv("PLUGIPAY_WEBHOOK_SECRET", OLD_SECRET)  # changed: read again
    refused = _test_client(app).post(
        f"{PATH}/a", content=BODY, headers={"X-Plugipay-Signature": _signed()}
    )

    assert SECRET not in str(unset.value)
    assert unset_answer.status_code == 500  # Plugipay retries it once the setting is fixed
    assert (verified.status_code, refused.status_code) == (200, 400)
    assert [e.id for e in handed] == ["evt_1"]


def test_fastapi_dependency_honours_the_tolerance() -> None:
    from plugipay.contrib.fastapi import webhook_event

    minute_ago = {"X-Plugipay-Signature": _signed(at=int(time.time()) - 60)}
    strict, _ = _fastapi_shop(webhook_event(SECRET, tolerance=10))
    default, _ = _fastapi_shop(webhook_event(SECRET))

    assert (
        _test_client(strict).post(f"{PATH}/a", content=BODY, headers=minute_ago).status_code == 400
    )
    assert (
        _test_client(default).post(f"{PATH}/a", content=BODY, headers=minute_ago).status_code == 200
    )


def test_the_dependency_serves_a_plain_starlette_app() -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from plugipay.contrib.fastapi import webhook_event

    verified = webhook_event(SECRET)

    async def plugipay_webhook(request: Request) -> JSONResponse:
        event = await verified(request)
        return JSONResponse({"received": event.id})

    shop = _test_client(Starlette(routes=[Route(PATH, plugipay_webhook, methods=["POST"])]))
    good = shop.post(PATH, content=BODY, headers={"X-Plugipay-Signature": _signed()})
    forged = shop.post(PATH, content=BODY + b" ", headers={"X-Plugipay-Signature": _signed()})

    assert good.json() == {"received": "evt_1"}
    assert (forged.status_code, forged.text) == (400, "Bad Request")


# -- Django ----------------------------------------------------------------------------------------


@pytest.fixture
def django_urls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[list[Any]], None]]:
    """Routes these tests' views, with CSRF checks on. Django is configured once per process,
    so the same way ``examples/django_shop`` does (tests/test_examples.py relies on it)."""
    from django.test import override_settings

    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    importlib.import_module("django_shop.settings").configure()
    overrides: list[Any] = []

    def route(patterns: list[Any]) -> None:
        class Urls:
            urlpatterns = patterns

        override = override_settings(
            ROOT_URLCONF=Urls, MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"]
        )
        override.enable()
        overrides.append(override)

    yield route
    for override in reversed(overrides):
        override.disable()


def _django_post(body: bytes, headers: dict[str, str], path: str = PATH) -> Any:
    from django.test import Client

    # enforce_csrf_checks: a real browser-less POST carries no CSRF token either.
    return Client(enforce_csrf_checks=True).post(
        path, body, content_type="application/json", headers=headers
    )


def test_django_view_gets_the_typed_event_for_either_header_with_csrf_on(
    django_urls: Callable[[list[Any]], None],
) -> None:
    from django.http import JsonResponse
    from django.urls import path

    from plugipay.contrib.django import webhook_view

    handed: list[tuple[WebhookEvent, str]] = []

    @webhook_view(secret=SECRET)
    def plugipay_webhook(request: Any, event: WebhookEvent, shop: str) -> Any:
        handed.append((event, shop))
        return JsonResponse({"received": event.id})

    def unprotected(request: Any) -> Any:  # the control: CSRF is really being enforced
        return JsonResponse({})

    django_urls([path("webhooks/<str:shop>", plugipay_webhook), path("plain", unprotected)])
    answers = [
        _django_post(BODY, {name: _signed()}, "/webhooks/main")
        for name in ("X-Plugipay-Signature", "Plugipay-Signature")
    ]

    assert [(r.status_code, r.json()) for r in answers] == [(200, {"received": "evt_1"})] * 2
    assert [(type(e.data), shop) for e, shop in handed] == [(Customer, "main")] * 2
    assert _django_post(b"{}", {}, "/plain").status_code == 403
    assert plugipay_webhook.__name__ == "plugipay_webhook"


@pytest.mark.parametrize("case", FORGERIES)
def test_django_view_refuses_with_an_empty_400(
    case: str, django_urls: Callable[[list[Any]], None], caplog: pytest.LogCaptureFixture
) -> None:
    from django.http import JsonResponse
    from django.urls import path

    from plugipay.contrib.django import webhook_view

    body, headers, code = _forgery(case)

    handed: list[WebhookEvent] = []

    @webhook_view(secret=[SECRET, OLD_SECRET])
    def plugipay_webhook(request: Any, event: WebhookEvent) -> Any:
        handed.append(event)
        return JsonResponse({"received": event.id})

    django_urls([path(PATH.lstrip("/"), plugipay_webhook)])
    with caplog.at_level(logging.WARNING, logger="plugipay"):
        answer = _django_post(body, headers)

    assert (answer.status_code, answer.content) == (400, b"")
    assert handed == []
    _assert_says_nothing(answer.content.decode(), dict(answer.headers), headers)
    assert _refusals(caplog) == [f"Refused a webhook delivery: {code}"]


def test_django_view_answers_post_only(django_urls: Callable[[list[Any]], None]) -> None:
    from django.http import JsonResponse
    from django.test import Client
    from django.urls import path

    from plugipay.contrib.django import webhook_view

    handed: list[WebhookEvent] = []

    @webhook_view(secret=SECRET)
    def plugipay_webhook(request: Any, event: WebhookEvent) -> Any:
        handed.append(event)
        return JsonResponse({})

    django_urls([path(PATH.lstrip("/"), plugipay_webhook)])
    signed = {"X-Plugipay-Signature": _signed()}
    client = Client()
    answers = [
        client.get(PATH, headers=signed),
        client.put(PATH, BODY, content_type="application/json", headers=signed),
        client.delete(PATH, headers=signed),
    ]

    assert [(r.status_code, r["Allow"]) for r in answers] == [(405, "POST")] * 3
    assert handed == []


def test_django_async_view(django_urls: Callable[[list[Any]], None]) -> None:
    from django.http import JsonResponse
    from django.test import AsyncClient
    from django.urls import path

    from plugipay.contrib.django import webhook_view

    @webhook_view(secret=SECRET)
    async def plugipay_webhook(request: Any, event: WebhookEvent) -> Any:
        await asyncio.sleep(0)
        return JsonResponse({"received": event.id})

    django_urls([path(PATH.lstrip("/"), plugipay_webhook)])

    async def deliver() -> list[Any]:
        client = AsyncClient(enforce_csrf_checks=True)
        return [
            await client.post(PATH, body, content_type="application/json", headers=headers)
            for body, headers in (
                (BODY, {"X-Plugipay-Signature": _signed()}),
                (BODY + b" ", {"X-Plugipay-Signature": _signed()}),
            )
        ]

    good, forged = asyncio.run(deliver())

    assert asyncio.iscoroutinefunction(plugipay_webhook)
    assert (good.status_code, good.json()) == (200, {"received": "evt_1"})
    assert (forged.status_code, forged.content) == (400, b"")


def test_django_bare_decorator_reads_the_environment(
    django_urls: Callable[[list[Any]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.http import JsonResponse
    from django.urls import path

    from plugipay.contrib.django import webhook_view

    @webhook_view
    def plugipay_webhook(request: Any, event: WebhookEvent) -> Any:
        return JsonResponse({"received": event.id})

    django_urls([path(PATH.lstrip("/"), plugipay_webhook)])
    signed = {"X-Plugipay-Signature": _signed()}
    with pytest.raises(RuntimeError, match=r"^PLUGIPAY_WEBHOOK_SECRET is not set"):
        _django_post(BODY, signed)
    monkeypatch.setenv("PLUGIPAY_WEBHOOK_SECRET", SECRET)

    assert _django_post(BODY, signed).json() == {"received": "evt_1"}


# -- both ------------------------------------------------------------------------------------------


def _make(helper: str, secret: Any, **options: Any) -> Any:
    from plugipay.contrib.django import webhook_view
    from plugipay.contrib.fastapi import webhook_event

    if helper == "fastapi":
        return webhook_event(secret, **options)
    return webhook_view(secret=secret, **options)


@pytest.mark.parametrize("helper", ["fastapi", "django"])
def test_a_bad_secret_or_tolerance_is_refused_when_the_helper_is_made(helper: str) -> None:
    def make(secret: Any, **options: Any) -> Any:
        return _make(helper, secret, **options)

    for secret in ("", [], [SECRET, ""], [SECRET, 7], b"whsec_bytes"):
        with pytest.raises(TypeError, match="secret"):
            make(secret)
    not_numbers: tuple[object, ...] = (True, "300", None)
    for tolerance in not_numbers:
        with pytest.raises(TypeError, match=r"^tolerance must be a number of seconds"):
            make(SECRET, tolerance=tolerance)
    for tolerance in (-1, math.nan, -math.inf):
        with pytest.raises(ValueError, match=r"^tolerance must be zero or more seconds$"):
            make(SECRET, tolerance=tolerance)


def test_django_decorator_given_a_secret_positionally_says_how() -> None:
    from plugipay.contrib.django import webhook_view

    with pytest.raises(TypeError, match=r"@webhook_view\(secret=...\)"):
        webhook_view(SECRET)  # type: ignore[call-overload]


def test_the_helpers_never_show_the_secret() -> None:
    from plugipay.contrib._receive import Receiver
    from plugipay.contrib.fastapi import webhook_event

    dependency = webhook_event(SECRET)
    shown = [repr(Receiver(SECRET, 300)), repr(Receiver([SECRET], 300)), repr(dependency)]
    shown += [repr(cell.cell_contents) for cell in dependency.__closure__ or ()]

    assert not [text for text in shown if SECRET in text]
    assert repr(Receiver(None, 300)) == "Receiver(secret=PLUGIPAY_WEBHOOK_SECRET, tolerance=300)"


def test_importing_plugipay_imports_no_web_framework() -> None:
    frameworks = "('fastapi', 'starlette', 'django', 'asgiref', 'flask', 'aiohttp')"
    code = (
        "import sys, plugipay, plugipay.webhooks, plugipay.contrib\n"
        "from plugipay import WebhookEvent, webhooks\n"
        "loaded = lambda: sorted({m.split('.')[0] for m in sys.modules} & set("
        + frameworks
        + "))\n"
        "print(loaded())\n"
        "import plugipay.contrib.fastapi\n"
        "print(loaded())\n"
        "import plugipay.contrib.django\n"
        "print(loaded())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "[]",
        "['starlette']",  # FastAPI itself is never needed: the dependency is Starlette's
        "['asgiref', 'django', 'starlette']",
    ]
