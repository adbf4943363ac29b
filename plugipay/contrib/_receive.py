"""What the framework helpers share: the secret, the verification, and the refusal.

A refused delivery is logged (its ``code`` only) and answered with a bare 400: the sender learns
nothing about why, and the logs tell the operator. The secret comes from the helper's argument
or, when none is given, from ``PLUGIPAY_WEBHOOK_SECRET`` at each delivery; an unset variable is a
``RuntimeError`` (a 500, so Plugipay retries the delivery once the setting is fixed) rather than
a refusal that would blame the sender.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from .._exceptions import InvalidResponseError, PlugipaySignatureError
from .._logging import logger
from .._models.events import WebhookEvent
from ..webhooks import _as_secrets, _check_tolerance, verify

__all__ = ["ENV_WEBHOOK_SECRET", "Receiver"]

ENV_WEBHOOK_SECRET = "PLUGIPAY_WEBHOOK_SECRET"
"""The environment variable a helper reads its endpoint secret from when given none."""


class Receiver:
    """The secret(s) and tolerance one helper verifies deliveries with."""

    __slots__ = ("_secret", "_tolerance")

    def __init__(self, secret: str | Sequence[str] | None, tolerance: float) -> None:
        if secret is not None:
            _as_secrets(secret)  # a wrong secret is an error now, not at the first delivery
            secret = secret if isinstance(secret, str) else tuple(secret)
        _check_tolerance(tolerance)
        self._secret = secret
        self._tolerance = tolerance

    def __repr__(self) -> str:
        source = ENV_WEBHOOK_SECRET if self._secret is None else "<hidden>"
        return f"Receiver(secret={source}, tolerance={self._tolerance!r})"

    def _secrets(self) -> str | Sequence[str]:
        if self._secret is not None:
            return self._secret
        value = os.environ.get(ENV_WEBHOOK_SECRET, "").strip()
        if not value:
            raise RuntimeError(
                f"{ENV_WEBHOOK_SECRET} is not set: set it to the webhook endpoint's secret "
                "(whsec_…) or pass secret= to the webhook helper"
            )
        return value

    def receive(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent | None:
        """The verified event, or ``None`` (logged) for a delivery to refuse."""
        secrets = self._secrets()
        try:
            return verify(raw_body, headers, secrets, tolerance=self._tolerance)
        except (PlugipaySignatureError, InvalidResponseError) as exc:
            # The code only: the reason is for the operator, and never the header or the body.
            logger.warning("Refused a webhook delivery: %s", exc.code)
            return None
