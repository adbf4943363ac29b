"""Image uploads (SPEC-MONEY §6; SURVEY §1.14, §3 "File uploads"): a logo or a static QR image,
served back from the URL the upload answers.

``POST /uploads/image`` takes ``multipart/form-data`` with exactly one field, ``file``, and is
signed over the empty body (the engine decodes the form; the parts never enter the signature);
an Idempotency-Key replays the first answer, a different file under the same key is
``IDEMPOTENCY_KEY_REUSED``. The type is sniffed from the bytes (the part's declared
``Content-Type`` and the file name's extension are not trusted): PNG, JPEG or WEBP, at most
``MAX_IMAGE_BYTES``; an empty file, another type, a bigger file, a JSON body, a missing ``file``
field or any other field is a 400 ``VALIDATION_ERROR`` naming ``file``. The answer is
``{url, fileName, fileSize}``: ``url`` is ``/api/v1/files/<name>`` (a path on the API's host, as
Plugipay's; after the base URL's own path, if the fake has one), ``fileName`` the name the
client gave (its last path segment; the stored name without one).

``GET /api/v1/files/<name>`` is public, as an ``<img>`` loads it: the bytes with their sniffed
type; an unknown name is 404 ``NOT_FOUND``.
"""

from __future__ import annotations

from .._ids import iso_ms
from .._multipart import Form
from .._routing import Call, Result, Route
from .._store import Kind, Obj
from .._validate import problem, validation_error
from .._wire import ApiError, Document
from ._common import WRITE_WORKSPACE, not_found

__all__ = ["FILES", "MAX_IMAGE_BYTES", "ROUTES", "sniff_image"]

FILES = Kind("files", id_field="name")
"""Every uploaded file (all workspaces: its URL is public), by its stored name."""

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""The largest image ``uploads/image`` takes: 5 MB (5,242,880 bytes)."""
FILES_PATH = "/api/v1/files/"
_MAX_FILE_NAME = 255


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """``(content type, extension)`` of PNG, JPEG or WEBP bytes, by their signature; ``None``
    for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _refuse(message: str) -> ApiError:
    return validation_error([problem("file", "invalid", message)])


def _given_name(filename: str | None) -> str | None:
    """The last path segment of the name a client gave (RFC 7578 §4.2), if any."""
    if not filename:
        return None
    last = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return last[:_MAX_FILE_NAME] or None


def upload_image(call: Call) -> Result:
    form = call.body
    if not isinstance(form, Form):
        raise _refuse("Send the image as multipart/form-data with one field named file")
    names = [part.name for part in form.parts]
    if names != ["file"]:
        if "file" not in names:
            raise _refuse("The form has no field named file")
        raise _refuse(f"The form must hold exactly one field, file; got {', '.join(names)}")
    part = form.parts[0]
    data = part.data
    if not data:
        raise _refuse("The file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise _refuse(
            f"The file is {len(data)} bytes; images may be at most {MAX_IMAGE_BYTES} bytes (5 MB)"
        )
    sniffed = sniff_image(data)
    if sniffed is None:
        raise _refuse(
            "The file must be a PNG, JPEG or WEBP image (its type is read from its bytes)"
        )
    content_type, extension = sniffed
    stored = f"{call.store.ids.ulid().lower()}.{extension}"
    record: Obj = {
        "name": stored,
        "createdAt": iso_ms(call.now),
        "_type": content_type,
        "_data": data,
    }
    call.store[FILES].insert(record)
    answer: Obj = {
        "url": call.store.base_path + FILES_PATH + stored,
        "fileName": _given_name(part.filename) or stored,
        "fileSize": len(data),
    }
    return 201, answer, None


def get_file(call: Call) -> Result:
    found = call.store[FILES].get(call.params["file"])
    if found is None:
        raise not_found("File")
    data = found["_data"]
    assert isinstance(data, bytes)
    return 200, Document(str(found["_type"]), data), None


ROUTES = [
    Route("POST", "/uploads/image", upload_image, WRITE_WORKSPACE, "honoured"),
    Route("GET", "/files/{file}", get_file, "", "none", public=True),
]
