"""Non-JSON answers: a handler's ``Document`` goes out as is, whole or chunk by chunk, through the
in-process transport (sync and async) and the loopback server."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import httpx
import pytest

from plugipay.testing import FakePlugipay, _engine
from plugipay.testing._documents import ReceiptDoc, escpos_document, format_money
from plugipay.testing._routing import Call, Result, Route, RouteTable
from plugipay.testing._wire import Document

from .emulator_helpers import RawClient

produced: list[int] = []


def _rows() -> Iterator[bytes]:
    yield b"code,amount\n"
    for i in range(1000):
        produced.append(i)
        yield f"balance,{i}\n".encode()


def export(call: Call) -> Result:
    produced.clear()
    return 200, Document("text/csv", _rows(), "export.csv"), None


@pytest.fixture
def with_export(monkeypatch: pytest.MonkeyPatch) -> None:
    from plugipay.testing import resources

    table = RouteTable([*resources.ROUTES, Route("GET", "/test-export", export, "*", "none")])
    monkeypatch.setattr(_engine, "ROUTES", table)


EXPECTED = b"code,amount\n" + b"".join(f"balance,{i}\n".encode() for i in range(1000))


def test_chunked_document_in_process_is_streamed(fake: FakePlugipay, with_export: None) -> None:
    raw = RawClient(fake)
    with raw.http.stream("GET", fake.base_url + "/api/v1/test-export", headers=_headers(fake)) as r:
        assert r.headers["content-type"] == "text/csv"
        assert r.headers["content-disposition"] == 'inline; filename="export.csv"'
        chunks = r.iter_raw()
        first = next(chunks)
        assert first == b"code,amount\n" and produced == []  # nothing made ahead of the reader
        body = first + b"".join(chunks)
    assert body == EXPECTED


def test_chunked_document_async(fake: FakePlugipay, with_export: None) -> None:
    async def main() -> bytes:
        async with httpx.AsyncClient(transport=fake.transport) as client:
            response = await client.get(
                fake.base_url + "/api/v1/test-export", headers=_headers(fake)
            )
            return response.content

    assert anyio.run(main) == EXPECTED


def test_chunked_document_over_http(fake: FakePlugipay, with_export: None) -> None:
    with fake.serve() as url, httpx.Client() as client:
        response = client.get(url + "/api/v1/test-export", headers=_headers(fake))
        assert response.headers["transfer-encoding"] == "chunked"
        assert response.content == EXPECTED
        # the connection is kept alive and serves the next request
        assert (
            client.get(
                url + "/api/v1/customers", headers=_headers(fake, "/api/v1/customers")
            ).status_code
            == 200
        )


def _headers(fake: FakePlugipay, path: str = "/api/v1/test-export") -> dict[str, str]:
    from .emulator_helpers import signed_headers

    return signed_headers(
        "GET", path, b"", key_id=fake.key_id, secret=fake.secret, timestamp=int(fake.clock.time())
    )


def test_money_formatting() -> None:
    assert format_money(150_000, "IDR") == "IDR 150,000"
    assert format_money(123_456, "USD") == "USD 1,234.56"
    assert format_money(5, "SGD") == "SGD 0.05"
    assert format_money(-5, "SGD") == "SGD -0.05"


def test_escpos_refuses_other_widths_and_wraps_unicode() -> None:
    doc = ReceiptDoc(
        number="RCPT-000001",
        issued_at="2026-05-12T10:42:00.000Z",
        business="Toko Ádá 😀",
        amount=1,
        currency="IDR",
        method=None,
        source_id="cs_1",
        customer=None,
        lines=[],
    )
    with pytest.raises(ValueError):
        escpos_document(doc, 40)
    data = escpos_document(doc, 32)
    assert data.isascii() and b"Toko ?d? ?" in data
