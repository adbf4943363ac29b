"""Image uploads in the emulator (SPEC-MONEY §6; SURVEY §1.14, §3): multipart with one field
``file``, signed over the empty body (our way and the published Node and Go SDKs' way), sniffed
and size-checked, idempotent, and served back unsigned from the URL it answers."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any

import httpx
import pytest

from plugipay._signing import authorization_header, sign_request
from plugipay.testing import FakePlugipay
from plugipay.testing._multipart import Part, is_multipart, parse_form
from plugipay.testing._wire import ApiError
from plugipay.testing.resources.uploads import MAX_IMAGE_BYTES

from .emulator_helpers import data_of, error_of

UPLOAD = "/api/v1/uploads/image"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"j" * 100
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"w" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n"
GIF = b"GIF89a" + b"g" * 40
STORED = re.compile(r"/api/v1/files/[0-9a-hjkmnp-tv-z]{26}\.(png|jpg|webp)")


def form(
    data: bytes,
    *,
    boundary: str = "plugipay-test-boundary",
    filename: str | None = "logo.png",
    part_type: str | None = "image/png",
    field: str = "file",
) -> tuple[bytes, str]:
    """One file field as a multipart body (CRLF line ends), and its Content-Type."""
    disposition = f'form-data; name="{field}"' + (
        f'; filename="{filename}"' if filename is not None else ""
    )
    head = f"Content-Disposition: {disposition}\r\n"
    if part_type is not None:
        head += f"Content-Type: {part_type}\r\n"
    body = b"--%s\r\n%s\r\n%s\r\n--%s--\r\n" % (
        boundary.encode(),
        head.encode(),
        data,
        boundary.encode(),
    )
    return body, f"multipart/form-data; boundary={boundary}"


def upload(
    fake: FakePlugipay,
    body: bytes,
    content_type: str,
    *,
    idempotency_key: str | None = "up-1",
    signed_body: bytes = b"",
    http: httpx.Client | None = None,
    base_url: str | None = None,
    key_id: str | None = None,
    secret: str | None = None,
) -> httpx.Response:
    """POST a form to the upload route, signed over ``signed_body`` (the empty body, as Plugipay
    hashes a multipart one)."""
    timestamp = int(fake.clock.time())
    signature = sign_request(
        secret or fake.secret, "POST", UPLOAD, timestamp, signed_body, idempotency_key
    )
    headers = {
        "Authorization": authorization_header(key_id or fake.key_id, signature),
        "X-Plugipay-Timestamp": str(timestamp),
        "Accept": "application/json",
        "Content-Type": content_type,
    }
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    client = http or httpx.Client(transport=fake.transport)
    return client.post((base_url or fake.base_url) + UPLOAD, content=body, headers=headers)


def refused(response: httpx.Response) -> str:
    """The message of a 400 that names ``file``."""
    assert error_of(response) == (400, "VALIDATION_ERROR"), response.text
    details = response.json()["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [("file", "invalid")]
    message: str = details[0]["message"]
    return message


def test_an_upload_is_answered_and_served_back(fake: FakePlugipay) -> None:
    body, content_type = form(PNG)
    response = upload(fake, body, content_type)
    assert response.status_code == 201
    answer = data_of(response)
    assert list(answer) == ["url", "fileName", "fileSize"]
    assert STORED.fullmatch(answer["url"]) and answer["url"].endswith(".png")
    assert (answer["fileName"], answer["fileSize"]) == ("logo.png", len(PNG))
    served = httpx.Client(transport=fake.transport).get(fake.base_url + answer["url"])
    assert (served.status_code, served.headers["content-type"]) == (200, "image/png")
    assert served.content == PNG
    # the type comes from the bytes: a JPEG sent as image/png is stored and served as a JPEG
    jpeg = data_of(upload(fake, *form(JPEG, filename="photo.png"), idempotency_key="up-2"))
    assert jpeg["url"].endswith(".jpg")
    got = httpx.Client(transport=fake.transport).get(fake.base_url + jpeg["url"])
    assert (got.headers["content-type"], got.content) == ("image/jpeg", JPEG)
    webp = data_of(upload(fake, *form(WEBP, part_type=None), idempotency_key="up-3"))
    assert webp["url"].endswith(".webp") and webp["fileSize"] == len(WEBP)


def test_files_are_served_unsigned_over_http_and_unknown_ones_are_404(fake: FakePlugipay) -> None:
    with fake.serve() as url, httpx.Client() as http:
        made = data_of(upload(fake, *form(PNG), http=http, base_url=url))
        served = http.get(url + made["url"])
        assert (served.status_code, served.content) == (200, PNG)
        missing = http.get(url + "/api/v1/files/nope.png")
        assert error_of(missing) == (404, "NOT_FOUND")


def test_a_fake_under_a_path_prefix_serves_its_files_there() -> None:
    fake = FakePlugipay(seed=3, base_url="https://plugipay.test/proxy")
    body, content_type = form(PNG)
    timestamp = int(fake.clock.time())
    target = "/proxy" + UPLOAD
    signature = sign_request(fake.secret, "POST", target, timestamp, b"", None)
    http = httpx.Client(transport=fake.transport)
    response = http.post(
        "https://plugipay.test" + target,
        content=body,
        headers={
            "Authorization": authorization_header(fake.key_id, signature),
            "X-Plugipay-Timestamp": str(timestamp),
            "Content-Type": content_type,
        },
    )
    made = data_of(response)
    assert made["url"].startswith("/proxy/api/v1/files/")
    assert http.get("https://plugipay.test" + made["url"]).content == PNG


def test_refused_files_name_the_reason(fake: FakePlugipay) -> None:
    def send(data: bytes, key: str, **kwargs: Any) -> httpx.Response:
        return upload(fake, *form(data, **kwargs), idempotency_key=key)

    assert refused(send(b"", "e")) == "The file is empty"
    big = PNG + b"\x00" * (MAX_IMAGE_BYTES + 1 - len(PNG))
    assert refused(send(big, "b")) == (
        "The file is 5242881 bytes; images may be at most 5242880 bytes (5 MB)"
    )
    exact = PNG + b"\x00" * (MAX_IMAGE_BYTES - len(PNG))
    assert data_of(send(exact, "x"))["fileSize"] == 5 * 1024 * 1024
    for n, data in enumerate([PDF, GIF, b"just text", b"RIFF\x00\x00\x00\x00WAVE"]):
        message = refused(send(data, f"t{n}", filename="logo.png", part_type="image/png"))
        assert (
            message
            == "The file must be a PNG, JPEG or WEBP image (its type is read from its bytes)"
        )
    assert len([r for r in fake.requests if r.path == UPLOAD]) == 7


def test_the_form_must_hold_one_field_named_file(fake: FakePlugipay) -> None:
    body, content_type = form(PNG, field="image")
    assert refused(upload(fake, body, content_type)) == "The form has no field named file"
    one, _ = form(PNG, boundary="b")
    two = (
        one[: -len(b"--b--\r\n")]
        + b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--b--\r\n'
    )
    assert refused(upload(fake, two, "multipart/form-data; boundary=b", idempotency_key="2")) == (
        "The form must hold exactly one field, file; got file, note"
    )
    as_json = upload(
        fake,
        b'{"file":"iVBORw0KGgo="}',
        "application/json",
        idempotency_key="j",
        signed_body=b'{"file":"iVBORw0KGgo="}',
    )
    assert refused(as_json) == "Send the image as multipart/form-data with one field named file"
    unsigned_form = upload(fake, b"", "multipart/form-data; boundary=b", idempotency_key="n")
    assert (
        refused(unsigned_form) == "Send the image as multipart/form-data with one field named file"
    )


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc',
            "multipart/form-data; boundary=b",
            "the body ends before the closing boundary",
        ),
        (
            b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n--b--',
            "multipart/form-data",
            "the Content-Type has no usable boundary",
        ),
        (
            b"no delimiter at all",
            "multipart/form-data; boundary=b",
            "no part starts with the boundary",
        ),
        (
            b"--b\r\nContent-Type: image/png\r\n\r\nx\r\n--b--",
            "multipart/form-data; boundary=b",
            "a part has no Content-Disposition",
        ),
        (
            b'--b\r\nContent-Disposition: attachment; name="file"\r\n\r\nx\r\n--b--',
            "multipart/form-data; boundary=b",
            "a part's Content-Disposition is not form-data with a name",
        ),
        (
            b"--bjunk\r\n\r\nx\r\n--b--",
            "multipart/form-data; boundary=b",
            "a delimiter line is followed by junk or never ends",
        ),
    ],
)
def test_malformed_forms_are_400(
    fake: FakePlugipay, body: bytes, content_type: str, reason: str
) -> None:
    response = upload(fake, body, content_type)
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["message"] == (
        f"The request body is not valid multipart/form-data: {reason}"
    )


def test_signature_covers_the_empty_body_not_the_form(fake: FakePlugipay) -> None:
    body, content_type = form(PNG)
    hashed_form = upload(fake, body, content_type, signed_body=body)
    assert error_of(hashed_form) == (401, "BAD_SIGNATURE")
    over_empty = upload(fake, body, content_type, idempotency_key="a", signed_body=b"")
    assert over_empty.status_code == 201
    bearer = httpx.Client(transport=fake.transport).post(
        fake.base_url + UPLOAD,
        content=body,
        headers={"Authorization": f"Bearer {fake.api_key}", "Content-Type": content_type},
    )
    assert data_of(bearer)["fileName"] == "logo.png"


def test_idempotency_replays_the_same_file_and_refuses_another(fake: FakePlugipay) -> None:
    first = data_of(upload(fake, *form(PNG, boundary="one"), idempotency_key="same"))
    # a retry may choose a new boundary: the file decides what "the same request" is
    again = data_of(upload(fake, *form(PNG, boundary="two"), idempotency_key="same"))
    assert again == first
    other = upload(fake, *form(JPEG, boundary="one"), idempotency_key="same")
    assert error_of(other) == (409, "IDEMPOTENCY_KEY_REUSED")
    renamed = upload(fake, *form(PNG, filename="other.png"), idempotency_key="same")
    assert error_of(renamed) == (409, "IDEMPOTENCY_KEY_REUSED")
    without = [data_of(upload(fake, *form(PNG), idempotency_key=None))["url"] for _ in range(2)]
    assert len({first["url"], *without}) == 3


def test_file_names_keep_their_last_segment_only(fake: FakePlugipay) -> None:
    cases = [
        ("C:\\fakepath\\logo.png", "logo.png"),
        ("../../etc/passwd.png", "passwd.png"),
        ("a%22b.png", "a%22b.png"),
    ]
    for n, (given, kept) in enumerate(cases):
        answer = data_of(upload(fake, *form(PNG, filename=given), idempotency_key=f"n{n}"))
        assert answer["fileName"] == kept
    nameless = data_of(upload(fake, *form(PNG, filename=None), idempotency_key="none"))
    assert nameless["fileName"] == nameless["url"].rsplit("/", 1)[1]


def test_only_admins_upload(fake: FakePlugipay) -> None:
    key = fake.add_key(role="member")
    response = upload(fake, *form(PNG), key_id=key.key_id, secret=key.secret)
    assert error_of(response) == (403, "INSUFFICIENT_SCOPE")


def _node_style_upload(
    url: str, fake: FakePlugipay, data: bytes, filename: str, part_type: str, call: int
) -> httpx.Response:
    """An upload built as the published Node SDK (SURVEY §3) sends it: ``fetch`` with a
    ``FormData`` (undici's ``----formdata-undici-0…`` boundary, a ``Content-Type`` on the part,
    ``application/octet-stream`` for a Blob without one), the HMAC string
    ``METHOD\\nPATH\\nTS\\nsha256("")\\nIDEMPOTENCY_KEY`` computed here from scratch, an
    ``idem_<uuid4>`` key, no SDK headers but ``Accept`` and the credentials."""
    boundary = "----formdata-undici-0" + "71829312045"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: {part_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    timestamp = str(int(fake.clock.time()))
    idem = f"idem_{uuid.UUID(int=call, version=4)}"  # a fresh uuid4 per call, as Node makes
    empty_hash = hashlib.sha256(b"").hexdigest()
    to_sign = f"POST\n{UPLOAD}\n{timestamp}\n{empty_hash}\n{idem}"
    signature = hmac.new(fake.secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers = {
        "Accept": "application/json",
        "Authorization": f"Plugipay-HMAC-SHA256 keyId={fake.key_id}, scope=*, signature={signature}",
        "X-Plugipay-Timestamp": timestamp,
        "Idempotency-Key": idem,
        "content-type": f"multipart/form-data; boundary={boundary}",
    }
    with httpx.Client() as http:
        return http.post(url + UPLOAD, content=body, headers=headers)


def test_the_node_sdk_upload_is_accepted(fake: FakePlugipay) -> None:
    with fake.serve() as url:
        made = _node_style_upload(url, fake, PNG, "logo.png", "image/png", 1)
        assert made.status_code == 201, made.text
        assert data_of(made)["fileName"] == "logo.png"
        # its 0.8 shape: base64 + name, sent as a Blob without a type named "image"
        blob = _node_style_upload(url, fake, JPEG, "image", "application/octet-stream", 2)
        answer = data_of(blob)
        assert (answer["fileName"], answer["url"][-4:]) == ("image", ".jpg")
        with httpx.Client() as http:
            served = http.get(url + answer["url"])
        assert served.content == JPEG


def test_the_go_sdk_upload_is_accepted(fake: FakePlugipay) -> None:
    """Go's ``mime/multipart`` (``CreateFormFile``): a 60-hex-digit boundary, an
    ``application/octet-stream`` part, backslash-escaped quotes in the file name."""
    boundary = "3b0b1ae8c2d0d1c47f3a0f5e2c9b0d7a6e5f4c3b2a1908f7e6d5c4b3a291"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="my \\"best\\" logo.png"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + PNG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = upload(fake, body, f"multipart/form-data; boundary={boundary}")
    assert data_of(response)["fileName"] == 'my "best" logo.png'


def test_parse_form_reads_what_clients_write() -> None:
    body = (
        b"preamble to ignore\r\n--q b\r\n"
        b'Content-Disposition: form-data; name="file"; filename="x.png"; '
        b"filename*=UTF-8''caf%C3%A9.png\r\n\r\nDATA\r\n--q b--\r\nepilogue"
    )
    assert is_multipart('Multipart/Form-Data; boundary="q b"')
    assert not is_multipart("application/json") and not is_multipart(None)
    parsed = parse_form('multipart/form-data; boundary="q b"', body)
    assert parsed.parts == (Part("file", "café.png", None, b"DATA"),)
    with pytest.raises(ApiError, match="a part has no Content-Disposition"):
        parse_form("multipart/form-data; boundary=z", b"--z\r\n\r\nno headers\r\n--z--")
    empty = parse_form("multipart/form-data; boundary=z", b"--z--\r\n")
    assert empty.parts == ()
    digest = parse_form(*reversed(form(PNG, boundary="a"))).digest()
    assert parse_form(*reversed(form(PNG, boundary="b"))).digest() == digest
    assert parse_form(*reversed(form(JPEG, boundary="a"))).digest() != digest


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """``plug.uploads.image`` (issue 16), for the strict-converter walk in ``test_sdk.py``: our
    client's form is accepted and the image served back from its ``url``."""
    made = plug.uploads.image(PNG, filename="logo.png")
    assert (made.file_name, made.file_size) == ("logo.png", len(PNG))
    assert STORED.fullmatch(str(made.url))
    served = httpx.Client(transport=fake.transport).get(fake.base_url + str(made.url))
    assert (served.headers["content-type"], served.content) == ("image/png", PNG)
    again = plug.uploads.image(JPEG)
    assert (again.file_name, str(again.url)[-4:]) == ("image.jpg", ".jpg")
