"""The upload core without I/O: sniffing, limits, the file name sent, and the multipart bytes."""

from __future__ import annotations

import pytest

from plugipay._secrets import REDACTED, Secret, hide, scrub, secrets_in
from plugipay._uploads import (
    MAX_IMAGE_BYTES,
    check_image,
    form_content_type,
    image_filename,
    multipart_form,
    new_boundary,
    sniff_image,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 8
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 4


def test_sniffing_tells_png_jpeg_and_webp_from_their_first_bytes() -> None:
    assert sniff_image(PNG) == "image/png"
    assert sniff_image(JPEG) == "image/jpeg"
    assert sniff_image(WEBP) == "image/webp"
    # A RIFF file that isn't WebP (a WAV), truncated magic, and a bare prefix are none of them.
    assert sniff_image(b"RIFF\x10\x00\x00\x00WAVEfmt ") is None
    assert sniff_image(b"\x89PNG\r\n") is None
    assert sniff_image(b"RIFF") is None
    assert sniff_image(b"") is None


def test_the_limit_is_five_mebibytes_inclusive() -> None:
    assert MAX_IMAGE_BYTES == 5_242_880
    assert check_image(PNG + b"\x00" * (MAX_IMAGE_BYTES - len(PNG))) == "image/png"
    with pytest.raises(
        ValueError, match=r"^file is larger than the 5 MiB limit \(5,242,880 bytes\)"
    ):
        check_image(PNG + b"\x00" * (MAX_IMAGE_BYTES - len(PNG) + 1))


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"GIF87a\x01\x00", "a GIF image"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive"),
        (b'  <svg xmlns="http://www.w3.org/2000/svg">', "an SVG image"),
        (b"BM\x36\x00", "a BMP image"),
        (b"hello, world", "not an image"),
    ],
)
def test_anything_else_is_refused_saying_what_it_looks_like(data: bytes, said: str) -> None:
    with pytest.raises(ValueError, match="is not a PNG, JPEG or WebP image") as err:
        check_image(data, "file 'logo.png'")
    assert said in str(err.value)
    assert str(err.value).startswith("file 'logo.png' is not")
    assert "not from the file name" in str(err.value)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^file is empty: upload a PNG, JPEG or WebP image$"):
        check_image(b"")


@pytest.mark.parametrize(
    ("name", "media_type", "sent"),
    [
        (None, "image/png", "image.png"),
        ("logo.png", "image/png", "logo.png"),
        ("/home/ada/brand/logo.jpeg", "image/jpeg", "logo.jpeg"),
        ("C:\\Users\\ada\\logo.webp", "image/webp", "logo.webp"),
        ("logo", "image/webp", "logo.webp"),
        ('my "logo"\r\nX-Injected: 1.png', "image/png", "my_logo_X-Injected_1.png"),
        ("résumé.jpg", "image/jpeg", "r_sum_.jpg"),
        ("..", "image/png", "image.png"),
        (".hidden.png", "image/png", "hidden.png"),
        ("", "image/jpeg", "image.jpg"),
        ("日本.png", "image/png", "image.png"),
        ("a" * 300 + ".png", "image/png", "a" * 96 + ".png"),
    ],
)
def test_the_name_sent_is_safe_in_a_part_header(
    name: str | None, media_type: str, sent: str
) -> None:
    assert image_filename(name, media_type) == sent


def test_the_form_is_byte_for_byte_what_rfc_7578_says_for_one_boundary() -> None:
    body = multipart_form(
        PNG, filename="logo.png", media_type="image/png", boundary="plugipay-0123abcd"
    )
    assert body == (
        b"--plugipay-0123abcd\r\n"
        b'Content-Disposition: form-data; name="file"; filename="logo.png"\r\n'
        b"Content-Type: image/png\r\n"
        b"\r\n" + PNG + b"\r\n"
        b"--plugipay-0123abcd--\r\n"
    )
    again = multipart_form(
        PNG, filename="logo.png", media_type="image/png", boundary="plugipay-0123abcd"
    )
    assert again == body
    assert (
        form_content_type("plugipay-0123abcd") == "multipart/form-data; boundary=plugipay-0123abcd"
    )


def test_the_form_refuses_what_could_break_out_of_it() -> None:
    with pytest.raises(ValueError, match="boundary occurs in the file"):
        multipart_form(b"x--b0x", filename="a.png", media_type="image/png", boundary="b0")
    for boundary in ("", "a b\r\n", "x" * 71, 'bad"quote'):
        with pytest.raises(ValueError, match="not a usable multipart boundary"):
            multipart_form(PNG, filename="a.png", media_type="image/png", boundary=boundary)
    with pytest.raises(ValueError, match="filename must be"):
        multipart_form(PNG, filename='a".png', media_type="image/png", boundary="b")
    with pytest.raises(ValueError, match="not a media type"):
        multipart_form(PNG, filename="a.png", media_type="image/png\r\nX: 1", boundary="b")


def test_boundaries_are_fresh_and_usable() -> None:
    first, second = new_boundary(), new_boundary()
    assert first != second
    assert first.startswith("plugipay-") and len(first) == len("plugipay-") + 32
    multipart_form(PNG, filename="a.png", media_type="image/png", boundary=first)


def test_a_secret_never_shows_and_is_scrubbed_from_an_error() -> None:
    secret = Secret("xnd_development_ABCDEF")
    assert repr(secret) == str(secret) == "Secret(<hidden>)"
    assert f"{secret}" == "Secret(<hidden>)"
    assert secret.reveal() == "xnd_development_ABCDEF"
    assert secret == Secret("xnd_development_ABCDEF") and secret != "xnd_development_ABCDEF"
    with pytest.raises(TypeError):
        hide(1)
    body = {"secretKey": hide("s3cr3t-long"), "nested": [{"token": hide("t0k3n-long")}], "n": 1}
    assert sorted(secrets_in(body)) == ["s3cr3t-long", "t0k3n-long"]
    error = ValueError("bad key s3cr3t-long (token t0k3n-long)")
    error.details = [{"field": "secretKey", "value": "s3cr3t-long"}]  # type: ignore[attr-defined]
    scrub(error, secrets_in(body))
    assert str(error) == f"bad key {REDACTED} (token {REDACTED})"
    assert error.details == [{"field": "secretKey", "value": REDACTED}]  # type: ignore[attr-defined]
    # A secret inside another is replaced whole, not in pieces.
    nested = ValueError("key abc-long-abc")
    scrub(nested, ["abc", "abc-long-abc"])
    assert str(nested) == f"key {REDACTED}"
