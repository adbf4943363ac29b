"""``plug.uploads``: images Plugipay stores and serves (a logo, a static QR code; SPEC-MONEY §6).

An image goes out as ``multipart/form-data`` with one field ``file``, signed over the empty body
(Plugipay hashes no multipart body) and with an Idempotency-Key. It is checked before anything is
sent: not empty, at most 5 MiB, and a PNG, JPEG or WebP image by its first bytes. It is read
once, whole, before the first attempt, so every retry resends the same bytes.
"""

from __future__ import annotations

import io
import os
from typing import IO

from ..._models.configuration import UploadedFile
from ..._uploads import (
    MAX_IMAGE_BYTES,
    check_image,
    form_content_type,
    image_filename,
    multipart_form,
    new_boundary,
    too_large,
)
from ._base import AsyncResource

__all__ = ["AsyncUploads"]

_PATH = "/api/v1/uploads/image"
_BOUNDARY_TRIES = 8


def read_image(
    file: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes],
) -> tuple[bytes, str | None, str]:
    """The bytes of ``file`` (a path, bytes, or a binary file object read from where it stands
    to its end), the name it came with, and how messages name it; at most one byte past the
    limit is read. A plain blocking read, as ``Download.write_to``'s writes: local, ≤ 5 MiB."""
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file), None, "file"
    if isinstance(file, str | os.PathLike):
        path = os.fspath(file)
        if not isinstance(path, str):
            raise TypeError("a path must be a str or a PathLike of str, not bytes")
        if os.path.getsize(path) > MAX_IMAGE_BYTES:
            # Not read at all: the size alone refuses it.
            raise too_large(f"file {os.path.basename(path)!r}")
        with open(path, "rb") as opened:
            return _read_at_most(opened), path, f"file {os.path.basename(path)!r}"
    source: object = file  # typed as a caller may pass it, text files included
    if isinstance(source, io.TextIOBase):
        raise TypeError("file is open in text mode: open it in binary mode ('rb')")
    if not callable(getattr(file, "read", None)):
        raise TypeError(
            "file must be a path, bytes, or a binary file object, not " + type(file).__name__
        )
    name = getattr(file, "name", None)
    name = name if isinstance(name, str) else None
    label = "file" if name is None else f"file {os.path.basename(name)!r}"
    offset = _offset(file)
    if offset:
        # Read from where it stands: a file already read (part-way or whole) says so.
        label += f" (read from offset {offset}; seek(0) to send it whole)"
    return _read_at_most(file), name, label


def _offset(file: IO[bytes]) -> int | None:
    """Where a file object stands, when it can tell."""
    try:
        return file.tell() if file.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _read_at_most(file: IO[bytes]) -> bytes:
    """Read to the end, or to one byte past the limit (enough to refuse it)."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_IMAGE_BYTES:
        chunk = file.read(MAX_IMAGE_BYTES + 1 - size)
        if chunk is None:
            # A non-blocking stream with nothing yet: taking it for the end would send part of
            # an image whose first bytes passed the check.
            raise TypeError(
                "file.read() gave None (a non-blocking stream with no data yet): "
                "pass the image's bytes or a blocking binary file"
            )
        if not chunk:
            break
        if not isinstance(chunk, bytes | bytearray):
            raise TypeError(
                f"file.read() gave {type(chunk).__name__}, not bytes: open it in binary mode ('rb')"
            )
        chunks.append(bytes(chunk))
        size += len(chunk)
    return b"".join(chunks)


class AsyncUploads(AsyncResource):
    """Upload images to show on the checkout page and documents."""

    __slots__ = ()

    async def image(
        self,
        file: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes],
        *,
        filename: str | None = None,
        idempotency_key: str | None = None,
    ) -> UploadedFile:
        """Upload a PNG, JPEG or WebP image of at most 5 MiB: a path, its bytes, or a binary file
        object (read once, from where it stands). ``filename`` names it (else the path's or the
        file's name, else ``image.<ext>``). Returns where it is served: pass its ``url`` as
        ``brand_logo_url`` or ``static_qr_image_url``."""
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"filename must be a str, not {type(filename).__name__}")
        data, name, label = read_image(file)
        media_type = check_image(data, label)
        sent_name = image_filename(filename if filename is not None else name, media_type)
        for _ in range(_BOUNDARY_TRIES):
            boundary = new_boundary()
            if b"--" + boundary.encode("ascii") not in data:
                break
        else:  # each of eight random 128-bit boundaries is in the file: not by chance
            raise ValueError("no multipart boundary could be found that the file does not contain")
        content = multipart_form(data, filename=sent_name, media_type=media_type, boundary=boundary)
        return await self._upload(
            UploadedFile,
            _PATH,
            content,
            form_content_type(boundary),
            idempotency_key=idempotency_key,
        )
