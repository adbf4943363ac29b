"""Building a request: the signed target, the canonical body, and each attempt's headers.

A call is prepared once (so its idempotency key and body bytes are fixed for every retry) and
signed per attempt (each attempt carries its own timestamp and signature, SPEC §2, §5).
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

__all__ = ["WRITE_METHODS", "PreparedRequest", "attempt_headers", "new_idempotency_key", "prepare"]

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
    accept: str = "application/json"
    """The ``Accept`` header: JSON for API calls; a download names its media type (and JSON, the
    form of an error answer)."""


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
    accept: str = "application/json",
) -> PreparedRequest:
    """Validate and freeze a call. ``path`` is the route with its ids already encoded."""
    method = method.upper()
    if method not in _METHODS:
        raise ValueError(f"unsupported HTTP method {method!r}")
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
    content = canonical_body(body)
    if idempotency_key is not None:
        check_idempotency_key(idempotency_key)
    elif method in WRITE_METHODS:
        idempotency_key = new_idempotency_key()
    check_header_value("accept", accept)
    return PreparedRequest(method, target, content, idempotency_key, accept)


def attempt_headers(
    config: ClientConfig, prepared: PreparedRequest, timestamp: int
) -> dict[str, str]:
    """The headers of one attempt, signed for ``timestamp`` (unix seconds)."""
    headers = {"Accept": prepared.accept, "User-Agent": USER_AGENT}
    if config.secret is not None and config.key_id is not None:
        signature = sign_request(
            config.secret,
            prepared.method,
            prepared.target,
            timestamp,
            prepared.body,
            prepared.idempotency_key,
        )
        headers["Authorization"] = authorization_header(config.key_id, signature)
        headers["X-Plugipay-Timestamp"] = str(timestamp)
    elif config.api_key is not None:
        headers["Authorization"] = f"Bearer {config.api_key}"
    if prepared.body:
        headers["Content-Type"] = "application/json"
    if prepared.idempotency_key is not None:
        headers["Idempotency-Key"] = prepared.idempotency_key
    if config.on_behalf_of is not None:
        headers["X-Plugipay-On-Behalf-Of"] = config.on_behalf_of
    return headers
