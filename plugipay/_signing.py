"""Request signing: the string to sign, its HMAC-SHA256, and the auth header values (SPEC §2).

Shared by the clients (to sign) and the emulator (to verify). Pure functions; the timestamp
comes in as an argument.
"""

from __future__ import annotations

import hashlib
import hmac
import re

__all__ = [
    "AUTH_SCHEME",
    "EMPTY_SHA256",
    "ParsedAuthorization",
    "SigningKey",
    "authorization_header",
    "body_sha256",
    "parse_authorization",
    "sign_request",
    "signatures_equal",
    "string_to_sign",
]

AUTH_SCHEME = "Plugipay-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

_AUTH_RE = re.compile(
    r"Plugipay-HMAC-SHA256 keyId=([^,\s]+), ?scope=([^,\s]+), ?signature=([0-9a-fA-F]+)"
)


class SigningKey:
    """A key secret held for signing: encoded once, never shown by ``repr``, ``str`` or locals.

    Tracebacks that print local variables show ``SigningKey(<hidden>)``, not the secret.
    """

    __slots__ = ("_key",)

    def __init__(self, secret: str) -> None:
        if not isinstance(secret, str) or not secret:
            raise ValueError("the key secret must be a non-empty str")
        self._key = secret.encode("utf-8")

    def __repr__(self) -> str:
        return "SigningKey(<hidden>)"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("a SigningKey is not picklable")

    def hexdigest(self, message: str) -> str:
        """Lower-case hex HMAC-SHA256 of ``message`` (UTF-8) with this key."""
        return hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def body_sha256(body: bytes) -> str:
    """Lower-case hex SHA-256 of the body bytes (of ``b""`` when there is no body)."""
    return hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256


def string_to_sign(
    method: str,
    path_and_query: str,
    timestamp: int | str,
    body: bytes,
    idempotency_key: str | None = None,
) -> str:
    """The newline-joined lines that get signed; the idempotency key is a fifth line when sent."""
    lines = [method.upper(), path_and_query, str(timestamp), body_sha256(body)]
    if idempotency_key is not None:
        lines.append(idempotency_key)
    return "\n".join(lines)


def sign_request(
    secret: str | SigningKey,
    method: str,
    path_and_query: str,
    timestamp: int | str,
    body: bytes,
    idempotency_key: str | None = None,
) -> str:
    """Lower-case hex HMAC-SHA256 of the string to sign, keyed with the secret's UTF-8 bytes."""
    key = secret if isinstance(secret, SigningKey) else SigningKey(secret)
    return key.hexdigest(string_to_sign(method, path_and_query, timestamp, body, idempotency_key))


def authorization_header(key_id: str, signature: str) -> str:
    """The ``Authorization`` header value for a signed request."""
    return f"{AUTH_SCHEME} keyId={key_id}, scope=*, signature={signature}"


class ParsedAuthorization:
    """The three parts of a signed ``Authorization`` header, as the server reads them."""

    __slots__ = ("key_id", "scope", "signature")

    def __init__(self, key_id: str, scope: str, signature: str) -> None:
        self.key_id = key_id
        self.scope = scope
        self.signature = signature

    def __repr__(self) -> str:
        return f"ParsedAuthorization(key_id={self.key_id!r}, scope={self.scope!r})"


def parse_authorization(value: str | None) -> ParsedAuthorization | None:
    """Parse a signed ``Authorization`` header; ``None`` when it is missing or malformed."""
    if not value:
        return None
    match = _AUTH_RE.fullmatch(value.strip())
    if match is None:
        return None
    return ParsedAuthorization(match.group(1), match.group(2), match.group(3).lower())


def signatures_equal(expected: str, given: str) -> bool:
    """Compare two hex signatures in constant time."""
    return hmac.compare_digest(
        expected.encode("ascii", "replace"), given.encode("ascii", "replace")
    )
