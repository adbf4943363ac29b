"""Verifying and signing webhook deliveries (SPEC §10).

A delivery carries ``X-Plugipay-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]``, where hex
is the HMAC-SHA256, keyed with the endpoint secret, of ``<t>.`` followed by the raw body bytes.
``verify`` checks it over the bytes exactly as received (never a re-serialization), in constant
time, within ``tolerance`` seconds of the sender's clock either way, and accepts any ``v1`` that
matches any of the given secrets (secret rotation). The checks run in this order, each failure
raising ``PlugipaySignatureError`` with its ``code``:

- ``signature_missing``: no header, or an empty one;
- ``signature_malformed``: no ``t``, a ``t`` that isn't an integer, or no ``v1``;
- ``signature_stale``: ``t`` is more than ``tolerance`` seconds away from now;
- ``signature_invalid``: no ``v1`` matches (one that isn't hex never does).

The header may also be spelled ``Plugipay-Signature`` (Plugipay's portal docs); given the
request's headers, ``verify`` finds either.

The returned ``WebhookEvent`` has ``data`` decoded into the model its type names
(``CheckoutSession``, ``Refund``, ``WebhookEndpoint``, ``Customer``, ...), whichever spelling the
type has (``plugipay.checkout_session.completed.v1`` or ``checkout_session.completed``), and
``kind``, the short spelling, to branch on::

    event = webhooks.verify(body, headers, secret)
    if event.kind == "checkout_session.completed":
        fulfil(event.data)  # a CheckoutSession

A body whose signature checks out but that isn't a JSON event object raises
``InvalidResponseError``: it was signed with the secret, so the sender is at fault, not a forger.
Secrets and signatures never appear in an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping, Sequence

from ._convert import structure
from ._exceptions import InvalidResponseError, PlugipaySignatureError
from ._json import MAX_DEPTH
from ._models.events import EventKind, WebhookEvent
from ._models.events import event_kind as _event_kind

__all__ = ["SIGNATURE_HEADER", "event_kind", "sign", "verify"]

SIGNATURE_HEADER = "X-Plugipay-Signature"
"""The request header that carries a delivery's signature."""

DEFAULT_TOLERANCE = 300
"""Seconds a signature's timestamp may be away from the receiver's clock."""

# Lower-cased, "_" read as "-": the header, the spelling of Plugipay's portal docs
# (SPEC-MONEY §2), and Django's META spellings of both.
_HEADER_NAMES = frozenset(
    {
        "x-plugipay-signature",
        "plugipay-signature",
        "http-x-plugipay-signature",
        "http-plugipay-signature",
    }
)
_TIMESTAMP = re.compile(r"[0-9]{1,15}")


def event_kind(event_type: str) -> EventKind:
    """An event type in its short spelling, as ``WebhookEvent.kind`` gives it:
    ``plugipay.refund.issued.v1`` → ``refund.issued`` (a short one is returned as it is)."""
    if not isinstance(event_type, str):
        raise TypeError(f"event_type must be a str, not {type(event_type).__name__}")
    return _event_kind(event_type)


def _as_bytes(raw_body: object) -> bytes:
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, str):
        return raw_body.encode("utf-8")
    if isinstance(raw_body, bytearray | memoryview):
        return bytes(raw_body)
    raise TypeError(
        "raw_body must be the request body exactly as received (bytes or str), "
        f"not {type(raw_body).__name__}"
    )


def _as_secrets(secret: object) -> list[bytes]:
    secrets = [secret] if isinstance(secret, str) else secret
    if not isinstance(secrets, Sequence) or not secrets:
        raise TypeError("secret must be a non-empty str or a non-empty list of str")
    keys = []
    for item in secrets:
        if not isinstance(item, str) or not item:
            raise TypeError("every webhook secret must be a non-empty str")
        keys.append(item.encode("utf-8"))
    return keys


def _text(value: object) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _header_value(source: object) -> str | None:
    """The signature header from a header value or any mapping of headers (names in any case)."""
    if source is None or isinstance(source, str):
        return source
    items = getattr(source, "items", None)
    if not callable(items):
        raise TypeError(
            "signature_header_or_headers must be the X-Plugipay-Signature value or the "
            f"request's headers, not {type(source).__name__}"
        )
    found = [
        _text(value)
        for name, value in items()
        if _text(name).lower().replace("_", "-") in _HEADER_NAMES
    ]
    return ",".join(found) if found else None


def _signature(key: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def _parse(header: str) -> tuple[str, list[str]]:
    """The header's timestamp (digits as sent) and its ``v1`` signatures."""
    timestamp: str | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if key == "t":
            if timestamp is not None and value != timestamp:
                raise PlugipaySignatureError(
                    "The signature header has conflicting t= values", code="signature_malformed"
                )
            timestamp = value
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None:
        raise PlugipaySignatureError(
            "The signature header has no t= timestamp", code="signature_malformed"
        )
    if not _TIMESTAMP.fullmatch(timestamp):
        raise PlugipaySignatureError(
            "The signature header's t= is not a unix timestamp", code="signature_malformed"
        )
    if not signatures:
        raise PlugipaySignatureError(
            "The signature header has no v1= signature", code="signature_malformed"
        )
    return timestamp, signatures


def verify(
    raw_body: bytes | bytearray | memoryview | str,
    signature_header_or_headers: str | Mapping[str, str] | None,
    secret: str | Sequence[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> WebhookEvent:
    """Check a delivery's signature and return its event; raise ``PlugipaySignatureError`` if not.

    ``signature_header_or_headers`` is the header's value or the request's headers (a dict in
    any case, ``httpx.Headers``, Starlette's or Django's headers), where the header is
    ``X-Plugipay-Signature`` or ``Plugipay-Signature``; ``secret`` may be a list
    while rotating; ``now`` (unix seconds) replaces the clock.
    """
    body = _as_bytes(raw_body)
    keys = _as_secrets(secret)
    _check_tolerance(tolerance)
    header = _header_value(signature_header_or_headers)
    if header is None or not header.strip():
        raise PlugipaySignatureError(
            f"The request has no {SIGNATURE_HEADER} header", code="signature_missing"
        )
    timestamp, signatures = _parse(header)
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        raise PlugipaySignatureError(
            f"The signature's timestamp is more than {tolerance} s away from now",
            code="signature_stale",
        )
    expected = [_signature(key, timestamp, body).encode("ascii") for key in keys]
    # Every pair is compared (each in constant time), so timing doesn't tell which one matched.
    matched = False
    for candidate in signatures:
        given = candidate.lower().encode("utf-8", "replace")
        for digest in expected:
            matched |= hmac.compare_digest(digest, given)
    if not matched:
        raise PlugipaySignatureError(
            "No signature matches the body and secret", code="signature_invalid"
        )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidResponseError("The webhook body is signed but isn't JSON") from None
    except RecursionError:
        raise InvalidResponseError("The webhook body is nested too deeply to read") from None
    if _depth(payload) > MAX_DEPTH:
        raise InvalidResponseError(
            f"The webhook body nests objects and arrays deeper than {MAX_DEPTH} levels"
        )
    if not isinstance(payload, dict):
        raise InvalidResponseError("The webhook body is signed but isn't a JSON object")
    return structure(payload, WebhookEvent)


def _depth(value: object) -> int:
    """How deeply objects and arrays nest in a parsed JSON value (iterative: no recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def sign(
    raw_body: bytes | bytearray | memoryview | str, secret: str, timestamp: int | None = None
) -> str:
    """The ``X-Plugipay-Signature`` value for a body, as Plugipay sends it (for tests, emulators).

    ``timestamp`` is unix seconds, now by default.
    """
    body = _as_bytes(raw_body)
    if not isinstance(secret, str) or not secret:
        raise TypeError("secret must be a non-empty str")
    if timestamp is None:
        timestamp = int(time.time())
    elif isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be unix seconds as a non-negative int")
    t = str(timestamp)
    return f"t={t},v1={_signature(secret.encode('utf-8'), t, body)}"


def _check_tolerance(tolerance: object) -> None:
    """Refuse a tolerance that isn't zero or more seconds (``plugipay.contrib`` checks it too)."""
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
        raise TypeError(f"tolerance must be a number of seconds, not {type(tolerance).__name__}")
    if not tolerance >= 0:  # also refuses NaN
        raise ValueError("tolerance must be zero or more seconds")
