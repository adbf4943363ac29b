"""Image uploads without I/O: what Plugipay takes, told from the bytes, and the multipart form
that carries it (SPEC-MONEY §6).

``uploads/image`` takes one field ``file`` holding a PNG, JPEG or WebP image of at most 5 MiB,
its type told from its first bytes (never from its name). The form is made here byte for byte
from a boundary, so the same image and boundary always give the same body, and a retry resends
exactly what the first attempt sent.
"""

from __future__ import annotations

import re

__all__ = [
    "IMAGE_TYPES",
    "MAX_IMAGE_BYTES",
    "check_image",
    "form_content_type",
    "image_filename",
    "multipart_form",
    "new_boundary",
    "sniff_image",
    "too_large",
]

MAX_IMAGE_BYTES = 5 * 2**20
"""The largest image ``uploads/image`` takes: 5 MiB (5,242,880 bytes)."""

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
"""The media types Plugipay takes, each with the file extension it gets when a name has none."""

# What a refused file most likely is, told from its first bytes, for a clearer message.
_OTHER_KINDS = (
    (b"%PDF-", "a PDF document"),
    (b"GIF87a", "a GIF image (not taken: PNG, JPEG or WebP only)"),
    (b"GIF89a", "a GIF image (not taken: PNG, JPEG or WebP only)"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"<svg", "an SVG image (not taken: PNG, JPEG or WebP only)"),
    (b"<?xml", "an XML document"),
    (b"BM", "a BMP image (not taken: PNG, JPEG or WebP only)"),
    (b"II*\x00", "a TIFF image (not taken: PNG, JPEG or WebP only)"),
    (b"MM\x00*", "a TIFF image (not taken: PNG, JPEG or WebP only)"),
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_TOKEN = re.compile(r"[A-Za-z0-9._-]+")
_MEDIA_TYPE = re.compile(r"[a-z]+/[a-z0-9.+-]+")
_MAX_NAME = 100
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,./:=?-]{1,70}")


def sniff_image(data: bytes) -> str | None:
    """The media type of a PNG, JPEG or WebP image, told from its first bytes; else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image(data: bytes, what: str = "file") -> str:
    """The media type of an image Plugipay takes; ``ValueError`` naming what is wrong (empty,
    over 5 MiB, or not a PNG, JPEG or WebP image, and what it looks like instead)."""
    if not data:
        raise ValueError(f"{what} is empty: upload a PNG, JPEG or WebP image")
    if len(data) > MAX_IMAGE_BYTES:
        raise too_large(what)
    media_type = sniff_image(data)
    if media_type is None:
        head = data[:16].lstrip()
        kind = next(
            (name for magic, name in _OTHER_KINDS if head.startswith(magic)), "not an image"
        )
        raise ValueError(
            f"{what} is not a PNG, JPEG or WebP image (its first bytes say: {kind}); the type is "
            "told from the bytes, not from the file name"
        )
    return media_type


def too_large(what: str) -> ValueError:
    """The error of an image over the limit (raised before all of it is read)."""
    return ValueError(
        f"{what} is larger than the 5 MiB limit ({MAX_IMAGE_BYTES:,} bytes) Plugipay takes"
    )


def image_filename(name: str | None, media_type: str) -> str:
    """The file name sent in the form: ``name``'s last path part with every character other than
    letters, digits, ``.``, ``_`` and ``-`` made ``_`` (so nothing can break out of the part's
    header), at most 100 characters, given the image's extension when it has none; ``image.<ext>``
    without a name."""
    extension = IMAGE_TYPES[media_type]
    base = re.split(r"[/\\]", name)[-1] if name else ""
    safe = _UNSAFE.sub("_", base).lstrip(".")
    stem, dot, suffix = safe.rpartition(".")
    if not dot or not stem:
        stem, suffix = safe, ""
    if not stem.strip("_"):
        stem = "image"
    suffix = suffix or extension
    return f"{stem[: _MAX_NAME - len(suffix) - 1]}.{suffix[:10]}"


def new_boundary() -> str:
    """A fresh multipart boundary: 32 random hex digits after a fixed prefix."""
    import secrets  # on first use: uploads are rare

    return f"plugipay-{secrets.token_hex(16)}"


def multipart_form(
    data: bytes, *, filename: str, media_type: str, boundary: str, field: str = "file"
) -> bytes:
    """The ``multipart/form-data`` body of one file field (RFC 7578), CRLF line ends; the same
    arguments always give the same bytes. ``ValueError`` when the boundary is not a valid one or
    occurs in the data."""
    if not _BOUNDARY.fullmatch(boundary) or boundary.endswith(" "):
        raise ValueError(f"not a usable multipart boundary: {boundary!r}")
    # Anything else could end the part's header early (a quote, CR, LF).
    for text, name in ((filename, "filename"), (field, "field")):
        if not _TOKEN.fullmatch(text):
            raise ValueError(f"{name} must be letters, digits, '.', '_' and '-' only: {text!r}")
    if not _MEDIA_TYPE.fullmatch(media_type):
        raise ValueError(f"not a media type: {media_type!r}")
    delimiter = b"--" + boundary.encode("ascii")
    if delimiter in data:
        raise ValueError("the multipart boundary occurs in the file; pick another")
    head = (
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {media_type}\r\n\r\n"
    ).encode("ascii")
    return b"".join((delimiter, b"\r\n", head, data, b"\r\n", delimiter, b"--\r\n"))


def form_content_type(boundary: str) -> str:
    """The ``Content-Type`` of a form made with ``boundary``."""
    return f"multipart/form-data; boundary={boundary}"
