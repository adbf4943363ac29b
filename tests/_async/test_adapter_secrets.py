"""A payment provider's secrets passed to ``plug.adapters`` never show: not in a repr, a log
record at DEBUG (any logger), an error's message, repr or details, nor a traceback, locals
included, even when the server quotes the request back in its error answer."""

from __future__ import annotations

import logging
import random
import traceback
from collections.abc import Callable, Iterator

import httpx
import pytest
import respx

from plugipay import (
    AsyncPlugipayClient,
    BadRequestError,
    InternalServerError,
    InvalidResponseError,
    PlugipayError,
    UnprocessableEntityError,
)
from plugipay._request import prepare
from plugipay._secrets import REDACTED, hide
from tests._async.helpers import BASE_URL, KEY_ID, SECRET, FakeTime, envelope

pytestmark = pytest.mark.anyio

# Module constants, never locals of the test: a traceback's locals would show the test's own.
XENDIT_KEY = "xnd_development_LEAKCHECK_Qx7mP2vR9sT4uW6yZ8aB"
XENDIT_TOKEN = "cbt_LEAKCHECK_Hn3jK5lM7nP9qR"
PAYPAL_SECRET = "EHpp_LEAKCHECK_Ab1Cd2Ef3Gh4Ij5Kl6"
MIDTRANS_KEY = "SB-Mid-server-LEAKCHECK_Zz9Yy8Xx7Ww6"
FORBIDDEN = (XENDIT_KEY, XENDIT_TOKEN, PAYPAL_SECRET, MIDTRANS_KEY)


def echo_error(status: int, code: str) -> Callable[[httpx.Request], httpx.Response]:
    """An error answer quoting the whole request body in its message and its details."""

    def answer(request: httpx.Request) -> httpx.Response:
        sent = request.content.decode()
        return httpx.Response(
            status,
            json={
                "data": None,
                "error": {
                    "code": code,
                    "message": f"rejected {sent}",
                    "details": [{"field": "secretKey", "message": f"bad: {sent}"}],
                },
                "meta": {"requestId": "req_echo"},
            },
        )

    return answer


def echo_page(status: int) -> Callable[[httpx.Request], httpx.Response]:
    """A proxy's HTML page (not the envelope) quoting the request body."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=b"<html>upstream said: " + request.content)

    return answer


def texts_of(err: BaseException, *, with_locals: bool) -> Iterator[str]:
    yield str(err)
    yield repr(err)
    yield repr(err.args)
    yield "".join(traceback.format_exception(err))
    if with_locals:
        # What pytest --showlocals or a crash reporter prints: every frame's locals.
        yield "".join(
            traceback.TracebackException.from_exception(err, capture_locals=True).format()
        )
    if isinstance(err, PlugipayError):
        yield repr(err.details)
        yield repr(err.__reduce__())
        if err.response is not None:
            yield repr(err.response)
            yield repr(err.response.headers)
            yield err.response.text  # what the server answered, quotes and all
            yield repr(err.response.request)
            yield repr(err.response.request.headers)
            yield err.response.request.content.decode()  # the body the secrets went out in


async def test_no_adapter_secret_in_reprs_logs_errors_or_tracebacks(
    server: respx.MockRouter,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
    http_client: httpx.AsyncClient | None,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: plugipay's, httpx's, the root
    xendit = server.put("/api/v1/adapters/xendit")
    paypal = server.put("/api/v1/adapters/paypal")
    midtrans = server.put("/api/v1/adapters/midtrans")
    texts: list[str] = []
    async with AsyncPlugipayClient(
        http_client=http_client,
        key_id=KEY_ID,
        secret=SECRET,
        base_url=BASE_URL,
        max_retries=2,
        _clock=fake_time.time,
        _sleep=fake_time.sleep,
        _rng=random.Random(3),
    ) as plug:
        # Configured (after a retried 503): the answer has only the last four characters.
        xendit.mock(
            side_effect=[
                httpx.Response(503, json={"data": None, "error": {"code": "SERVICE_UNAVAILABLE"}}),
                envelope({"kind": "xendit", "status": "active", "secretKeyLast4": "Z8aB"}),
            ]
        )
        adapter = await plug.adapters.configure_xendit(
            secret_key=XENDIT_KEY, callback_token=XENDIT_TOKEN
        )
        texts += [repr(adapter), repr(plug), repr(plug._config)]
        # A 400 quoting the body in its message and details.
        xendit.mock(side_effect=echo_error(400, "VALIDATION_ERROR"))
        with pytest.raises(BadRequestError) as bad_request:
            await plug.adapters.configure_xendit(secret_key=XENDIT_KEY, callback_token=XENDIT_TOKEN)
        # A 500 page quoting the body, retried until the retries run out.
        paypal.mock(side_effect=echo_page(500))
        with pytest.raises(InvalidResponseError) as page:
            await plug.adapters.configure_paypal(client_id="AbC", secret=PAYPAL_SECRET)
        # A 422 quoting the body.
        midtrans.mock(side_effect=echo_error(422, "PROVIDER_DECLINED"))
        with pytest.raises(UnprocessableEntityError) as declined:
            await plug.adapters.configure_midtrans(
                server_key=MIDTRANS_KEY, client_key="SB-Mid-client-1", merchant_id="G1"
            )
        # A 500 in the envelope, quoting it too.
        midtrans.mock(side_effect=echo_error(500, "INTERNAL_ERROR"))
        with pytest.raises(InternalServerError) as internal:
            await plug.adapters.configure_midtrans(
                server_key=MIDTRANS_KEY, client_key="SB-Mid-client-1", merchant_id="G1"
            )
        # A 200 that isn't the envelope, quoting the body: the error text is scrubbed too.
        paypal.mock(side_effect=echo_page(200))
        with pytest.raises(InvalidResponseError) as not_envelope:
            await plug.adapters.configure_paypal(client_id="AbC", secret=PAYPAL_SECRET)
        # Refused before sending: the message names the argument, never its value.
        with pytest.raises(ValueError) as refused:
            await plug.adapters.configure_xendit(secret_key=" " + XENDIT_KEY)
        prepared = prepare(
            plug._config, "PUT", "/api/v1/adapters/xendit", body={"secretKey": hide(XENDIT_KEY)}
        )
        texts += [repr(prepared), repr(hide(XENDIT_KEY))]
    errors = [
        bad_request.value,
        page.value,
        declined.value,
        internal.value,
        not_envelope.value,
        refused.value,
    ]
    # A refusal before sending included: the secrets are held as Secrets from the method's
    # first line, so no frame of the failed check holds the string.
    for err in (bad_request.value, page.value, declined.value, internal.value, refused.value):
        texts.extend(texts_of(err, with_locals=True))
    # A decode failure passes through frames that hold the answer's bytes: its texts, without
    # locals.
    texts.extend(texts_of(not_envelope.value, with_locals=False))
    # The server really quoted each secret, and each quote was replaced.
    assert bad_request.value.message.count(REDACTED) == 2
    assert bad_request.value.details == [
        {"field": "secretKey", "message": f"bad: {bad_request.value.message[9:]}"}
    ]
    assert REDACTED in page.value.message and page.value.status == 500
    assert REDACTED in declined.value.message and REDACTED in internal.value.message
    assert REDACTED in not_envelope.value.message
    assert str(refused.value) == (
        "secret_key starts or ends with a space or a line break; paste the key alone"
    )
    assert [type(e).__name__ for e in errors] == [
        "BadRequestError",
        "InvalidResponseError",
        "UnprocessableEntityError",
        "InternalServerError",
        "InvalidResponseError",
        "ValueError",
    ]
    # The secrets did go out, in the bodies (and only there).
    sent = b"".join(call.request.content for call in server.calls)
    assert all(secret.encode() in sent for secret in FORBIDDEN)
    # The run was logged: DEBUG per attempt, INFO per retry.
    records = caplog.records
    assert sum(r.name == "plugipay" and r.levelno == logging.DEBUG for r in records) >= 10
    assert any(r.getMessage().startswith("retrying PUT /api/v1/adapters/paypal") for r in records)
    texts += [caplog.text]
    texts += [r.getMessage() for r in records]
    texts += [repr(r.args) for r in records]
    texts += [repr(r.__dict__) for r in records]
    assert len(texts) > 50
    for text in texts:
        for secret in FORBIDDEN:
            assert secret not in text, (secret[:16], text[:300])
