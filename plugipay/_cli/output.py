"""What the ``plugipay`` command prints: JSON in the API's own wire form, and documents.

JSON is indented on a terminal and one compact line when piped (for ``jq`` and scripts). A model
prints as the payload the API sent (camelCase keys, unknown fields kept); a list method prints
``{"data": [...], "hasMore": ..., "nextCursor": ...}``. Documents (PDF, HTML, ESC/POS, CSV) are
written byte for byte to ``--output`` or stdout, and binary ones are never sent to a terminal.
A file the command will write is checked before anything is sent (``check_writable``), so a
mistyped path costs no request.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta
from typing import IO, Any, TextIO

from .._models._base import Resource
from .._sync._download import Download
from .._urls import format_datetime
from .exit_codes import FileError, InputError

__all__ = ["BinaryToTerminalError", "check_writable", "to_json", "write_document", "write_json"]


class BinaryToTerminalError(InputError):
    """A binary document would have gone to a terminal."""


def check_writable(path: str, option: str) -> None:
    """Raises ``FileError`` unless the file at ``path`` (given as ``option``) can be written;
    an existing file is left as it is, and no new file is left behind."""
    if os.path.isdir(path):
        raise FileError(f"{option} {path} is a directory")
    try:
        if os.path.exists(path):
            with open(path, "ab"):
                pass
        else:
            with open(path, "xb"):
                pass
            os.remove(path)
    except OSError as exc:
        raise FileError(f"can't write {option} {path}: {exc.strerror or exc}") from None


def _default(value: object) -> Any:
    if isinstance(value, Resource):
        return value.to_dict()
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} has no JSON form")


def to_json(value: object, *, pretty: bool) -> str:
    """``value`` as JSON text: indented when ``pretty``, else one compact line."""
    if pretty:
        return json.dumps(value, default=_default, ensure_ascii=False, indent=2)
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def _is_terminal(stream: IO[Any]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


def write_json(value: object, out: TextIO) -> None:
    """Prints ``value`` as JSON to ``out``: indented on a terminal, one line otherwise."""
    out.write(to_json(value, pretty=_is_terminal(out)) + "\n")
    out.flush()


def _binary(out: TextIO) -> IO[bytes]:
    out.flush()
    buffer: IO[bytes] | None = getattr(out, "buffer", None)
    if buffer is None:
        raise TypeError("stdout has no binary buffer to write a document to")
    return buffer


def _refuse_terminal(out: TextIO, what: str) -> None:
    if _is_terminal(out):
        raise BinaryToTerminalError(
            f"not writing {what} to a terminal: pass --output FILE or redirect stdout"
        )


def write_document(result: object, out: TextIO, path: str | None) -> None:
    """Writes a document method's answer (``bytes``, ``str`` or a streamed ``Download``) to the
    file at ``path``, or to ``out``."""
    if isinstance(result, Download):
        with result as download:
            text = (download.content_type or "").startswith(("text/", "application/json"))
            if path is not None:
                download.write_to(path)
                return
            if not text:
                _refuse_terminal(out, f"a {download.content_type or 'binary'} document")
            sink = _binary(out)
            for chunk in download.iter_bytes():
                sink.write(chunk)
            sink.flush()
        return
    if isinstance(result, str):
        if path is not None:
            with open(path, "w", encoding="utf-8", newline="") as file:
                file.write(result)
            return
        out.write(result)
        out.flush()
        return
    if isinstance(result, bytes | bytearray):
        if path is not None:
            with open(path, "wb") as file:
                file.write(result)
            return
        _refuse_terminal(out, "a binary document")
        sink = _binary(out)
        sink.write(result)
        sink.flush()
        return
    write_json(result, out)
