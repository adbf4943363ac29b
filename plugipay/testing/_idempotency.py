"""Idempotency (SPEC §5): replay, ``IDEMPOTENCY_KEY_REUSED``, ``IDEMPOTENCY_KEY_IN_USE``.

Keys are scoped to the API key. A request is identified by its method, path (without the query),
on-behalf-of header and the SHA-256 of its canonical body. The first request claims the key;
a twin arriving while it runs gets 409 ``IDEMPOTENCY_KEY_IN_USE``; afterwards an identical
request replays the stored answer (plus ``Idempotent-Replayed: true``) and a different one gets
409 ``IDEMPOTENCY_KEY_REUSED``. Answers below 500 are kept for 24 hours on the fake's clock;
5xx answers (and claims abandoned by a cancelled request) free the key. Expired answers are
purged as new keys are claimed, oldest first, so the store does not grow without bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from ._wire import ApiError, RawResponse

__all__ = ["TTL_SECONDS", "Claim", "IdempotencyStore"]

TTL_SECONDS = 24 * 60 * 60

Fingerprint = tuple[str, str, str, str, str]
"""``(method, path, on-behalf-of, mode, body hash)``: what makes two requests the same one."""


@dataclass(slots=True)
class _Entry:
    fingerprint: Fingerprint
    response: RawResponse | None = None
    expires_at: float = 0.0


@dataclass(frozen=True, slots=True)
class Claim:
    """A key held by a running request."""

    scope: tuple[str, str]
    fingerprint: Fingerprint


class IdempotencyStore:
    """Claimed and completed idempotency keys, per API key."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        # Stored answers' expiry times, oldest first. An OrderedDict, not a dict: peeking at
        # and popping its front stay O(1) after many deletions there.
        self._expiry: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def claim(
        self, key_id: str, idempotency_key: str, fingerprint: Fingerprint, now: float
    ) -> Claim | RawResponse:
        """Claim the key for a new request, or return the stored answer to replay."""
        scope = (key_id, idempotency_key)
        with self._lock:
            self._purge(now)
            entry = self._entries.get(scope)
            if entry is not None and entry.response is not None and entry.expires_at <= now:
                entry = None
            if entry is None:
                self._expiry.pop(scope, None)
                self._entries[scope] = _Entry(fingerprint)
                return Claim(scope, fingerprint)
            if entry.fingerprint != fingerprint:
                raise ApiError(
                    409,
                    "IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was already used with a different request",
                )
            if entry.response is None:
                raise ApiError(
                    409,
                    "IDEMPOTENCY_KEY_IN_USE",
                    "A request with this Idempotency-Key is still being processed; retry later",
                )
            stored = entry.response
        return RawResponse(
            stored.status, [*stored.headers, ("idempotent-replayed", "true")], stored.body
        )

    def complete(self, claim: Claim, response: RawResponse, now: float) -> None:
        """Store the answer (below 500) or free the key (5xx)."""
        with self._lock:
            self._expiry.pop(claim.scope, None)
            if response.status >= 500:
                self._entries.pop(claim.scope, None)
            else:
                expires_at = now + TTL_SECONDS
                self._entries[claim.scope] = _Entry(claim.fingerprint, response, expires_at)
                self._expiry[claim.scope] = expires_at

    def _purge(self, now: float) -> None:
        # Stored in order, so expired answers sit at the front: stop at the first live one
        # (a clock moved back may leave a few expired ones behind it until later).
        expiry = self._expiry
        while expiry:
            scope, expires_at = next(iter(expiry.items()))
            if expires_at > now:
                return
            del expiry[scope]
            self._entries.pop(scope, None)

    def release(self, claim: Claim) -> None:
        """Free a key whose request never finished (cancelled or dropped before commit)."""
        with self._lock:
            entry = self._entries.get(claim.scope)
            if entry is not None and entry.response is None:
                del self._entries[claim.scope]

    def __len__(self) -> int:
        return len(self._entries)
