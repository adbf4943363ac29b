"""The ``plugipay`` command's exit statuses, one per error class, and its one-line error report.

The table below is the contract scripts rely on; ``plugipay --help`` and README print it.
"""

from __future__ import annotations

from .._exceptions import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GoneError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    PlugipayError,
    PlugipayNetworkError,
    PlugipayTimeoutError,
    RateLimitError,
    UnprocessableEntityError,
)

__all__ = [
    "CONFIG",
    "IMPORT_FAILURES",
    "INTERRUPTED",
    "IO_ERROR",
    "OK",
    "PIPE_CLOSED",
    "TABLE",
    "UNEXPECTED",
    "USAGE",
    "ConfigError",
    "FileError",
    "InputError",
    "error_line",
    "exit_code_for",
    "table_text",
]


class InputError(ValueError):
    """Input refused before any request was sent (exit status ``USAGE``)."""


class ConfigError(Exception):
    """The client refused its settings: missing credentials, a plain-http remote URL...
    (exit status ``CONFIG``)."""


class FileError(Exception):
    """A file the command was to read or write can't be (exit status ``IO_ERROR``); the
    message names the file and the reason."""


OK = 0
UNEXPECTED = 1
USAGE = 2
CONFIG = 3
IMPORT_FAILURES = 4
IO_ERROR = 5
"""A file that can't be read or written, or another error of the operating system (``OSError``):
the machine's trouble, not plugipay's and not the API's."""
INTERRUPTED = 130
PIPE_CLOSED = 141
"""128 + SIGPIPE: stdout's reader went away (``plugipay ... | head``), as a shell reports it."""

_BY_CLASS: dict[type[PlugipayError], int] = {
    BadRequestError: 10,
    AuthenticationError: 11,
    PermissionDeniedError: 12,
    NotFoundError: 13,
    ConflictError: 14,
    GoneError: 15,
    UnprocessableEntityError: 16,
    RateLimitError: 17,
    InternalServerError: 18,
    PlugipayNetworkError: 19,
    PlugipayTimeoutError: 20,
    InvalidResponseError: 21,
    PlugipayError: 22,
}

TABLE: tuple[tuple[int, str], ...] = (
    (OK, "success"),
    (UNEXPECTED, "unexpected error (a bug in plugipay: please report it)"),
    (USAGE, "usage: bad arguments, or input refused before any request was sent"),
    (CONFIG, "configuration: missing or invalid credentials or base URL"),
    (IMPORT_FAILURES, "customers import finished, but some rows failed (see the failures file)"),
    (IO_ERROR, "I/O: a file can't be read or written (an upload, --output, @FILE...)"),
    (10, "400 bad request (BadRequestError, validation_error)"),
    (11, "401 authentication failed (AuthenticationError)"),
    (12, "403 permission denied (PermissionDeniedError)"),
    (13, "404 not found (NotFoundError)"),
    (14, "409 conflict (ConflictError)"),
    (15, "410 gone (GoneError)"),
    (16, "422 unprocessable (UnprocessableEntityError)"),
    (17, "429 rate limited, after the retries (RateLimitError)"),
    (18, "5xx server error, after the retries (InternalServerError)"),
    (19, "network error: no answer (PlugipayNetworkError)"),
    (20, "timed out (PlugipayTimeoutError)"),
    (21, "an answer that isn't the API's, or a redirect (InvalidResponseError)"),
    (22, "any other API error (PlugipayError)"),
    (INTERRUPTED, "interrupted (Ctrl-C); listen and serve stop with 0"),
    (PIPE_CLOSED, "stdout was closed early (plugipay ... | head)"),
)
"""Every exit status, with what it means."""


def exit_code_for(exc: PlugipayError) -> int:
    """The exit status of an API error: its class's, or the nearest base class's."""
    for cls in type(exc).__mro__:
        code = _BY_CLASS.get(cls)
        if code is not None:
            return code
    return _BY_CLASS[PlugipayError]


def error_line(exc: PlugipayError) -> str:
    """One line for stderr: the code, the message, the status, the request id and, for a write,
    the idempotency key that retries it safely."""
    parts = [f"status {exc.status}"]
    if exc.request_id:
        parts.append(f"request_id {exc.request_id}")
    if exc.idempotency_key:
        parts.append(f"idempotency_key {exc.idempotency_key}")
    message = " ".join(str(exc.message).split())
    return f"plugipay: error {exc.code}: {message} ({', '.join(parts)})"


def table_text() -> str:
    """The table as help text."""
    return "exit status:\n" + "\n".join(f"  {code:>3}  {meaning}" for code, meaning in TABLE)
