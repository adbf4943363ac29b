"""Building a request: the signed target, the canonical body, and each attempt's headers.

A call is prepared once (so its idempotency key and body bytes are fixed for every retry) and
signed per attempt (each attempt carries its own timestamp and signature, SPEC §2, §5). A JSON
body is signed as sent; a multipart upload is signed over the empty body, as Plugipay's server
hashes none of it (SPEC-MONEY §6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from ._config import ClientConfig
from ._json import canonical_body
from ._signing import authorization_header, sign_request
from ._urls import check_header_value, check_path, encode_query
from ._validation import check_idempotency_key
from ._version import __version__

__all__ = [
    "JSON",
    "WRITE_METHODS",
    "PreparedRequest",
    "attempt_headers",
    "new_idempotency_key",
    "prepare",
    "prepare_upload",
]

JSON = "application/json"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
USER_AGENT = f"plugipay-python/{__version__}"
_METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"})


class PreparedRequest(NamedTuple):
    """One call's fixed parts: what every attempt sends and signs."""

    method: str
    target: str
    """The request target as sent and signed: base-URL prefix + route + ``?query``."""
    body: bytes
    idempotency_key: str | None
    accept: str = JSON
    """The ``Accept`` header: JSON for API calls; a download names its media type (and JSON, the
    form of an error answer)."""
    content_type: str = JSON
    """The body's media type: canonical JSON, or ``multipart/form-data; boundary=…`` for an
    upload (which is signed over the empty body)."""

    def __repr__(self) -> str:
        # The body stays out: it may carry personal data or a provider's secret (adapters).
        return (
            f"PreparedRequest(method={self.method!r}, target={self.target!r}, "
            f"body=<{len(self.body)} bytes>, idempotency_key={self.idempotency_key!r})"
        )


def new_idempotency_key() -> str:
    """A fresh key for a write the caller didn't key: ``idem_<uuid4>``."""
    import uuid  # on first use: uuid pulls in platform, a few ms of import time

    return f"idem_{uuid.uuid4()}"


MAX_TARGET_LENGTH = 8192
"""The longest path and query sent (servers and proxies commonly refuse longer request lines)."""


def prepare(
    config: ClientConfig,
    method: str,
    path: str,
    *,
    query: Iterable[tuple[str, object]] | None = None,
    body: Mapping[str, object] | None = None,
    idempotency_key: str | None = None,
    accept: str = JSON,
) -> PreparedRequest:
    """Validate and freeze a call. ``path`` is the route with its ids already encoded."""
    method = method.upper()
    if method not in _METHODS:
        raise ValueError(f"unsupported HTTP method {method!r}")
    target = _target(config, path, query)
    content = canonical_body(body)
    idempotency_key = _key_for(method, idempotency_key)
    check_header_value("accept", accept)
    return PreparedRequest(method, target, content, idempotency_key, accept)


def prepare_upload(
    config: ClientConfig,
    path: str,
    content: bytes,
    content_type: str,
    *,
    idempotency_key: str | None = None,
) -> PreparedRequest:
    """Freeze a ``POST`` whose body is already made (a multipart form): its bytes go out, and
    every retry resends them, exactly as given."""
    if not content:
        raise ValueError("an upload must have a body")
    check_header_value("content_type", content_type)
    target = _target(config, path, None)
    key = _key_for("POST", idempotency_key)
    return PreparedRequest("POST", target, content, key, JSON, content_type)


def _target(config: ClientConfig, path: str, query: Iterable[tuple[str, object]] | None) -> str:
    if "?" in path or "#" in path:
        raise ValueError(f"path must carry no query or fragment (use query=), got {path!r}")
    check_path(path)
    target = config.base_path + path
    if query:
        encoded = encode_query(query)
        if encoded:
            target = f"{target}?{encoded}"
    if len(target) > MAX_TARGET_LENGTH:
        raise ValueError(
            f"the request's path and query are {len(target)} characters once encoded; at most "
            f"{MAX_TARGET_LENGTH} are sent"
        )
    return target


def _key_for(method: str, idempotency_key: str | None) -> str | None:
    """The caller's key (checked), else a new one for a write, else none."""
    if idempotency_key is not None:
        check_idempotency_key(idempotency_key)
        return idempotency_key
    return new_idempotency_key() if method in WRITE_METHODS else None


def attempt_headers(
    config: ClientConfig, prepared: PreparedRequest, timestamp: int
) -> dict[str, str]:
    """The headers of one attempt, signed for ``timestamp`` (unix seconds)."""
    headers = {"Accept": prepared.accept, "User-Agent": USER_AGENT}
    if config.secret is not None and config.key_id is not None:
        # Plugipay hashes a JSON body's canonical form and no multipart body at all.
        signed = prepared.body if prepared.content_type == JSON else b""
        signature = sign_request(
            config.secret,
            prepared.method,
            prepared.target,
            timestamp,
            signed,
            prepared.idempotency_key,
        )
        headers["Authorization"] = authorization_header(config.key_id, signature)
        headers["X-Plugipay-Timestamp"] = str(timestamp)
    elif config.api_key is not None:
        headers["Authorization"] = f"Bearer {config.api_key}"
    if prepared.body:
        headers["Content-Type"] = prepared.content_type
    if prepared.idempotency_key is not None:
        headers["Idempotency-Key"] = prepared.idempotency_key
    if config.on_behalf_of is not None:
        headers["X-Plugipay-On-Behalf-Of"] = config.on_behalf_of
    if config.mode is not None:
        headers["X-Plugipay-Mode"] = config.mode
    return headers
