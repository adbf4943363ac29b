"""The simulated payment provider behind the emulator's money: its fee and what a test makes it
refuse.

Real Plugipay takes money through providers (Xendit, PayPal, a manual bank transfer). The
emulator's provider settles at once and charges ``fee_rate`` of every payment (rounded half up to
the currency's minor unit, SPEC-MONEY §5); a test can make it refuse the next refunds
(``FakePlugipay.refuse_next_refund``), which then answer 422 ``PROVIDER_DECLINED``.
"""

from __future__ import annotations

from collections import deque
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["DEFAULT_FEE_RATE", "Provider", "adapter_for"]

DEFAULT_FEE_RATE = 0.02
"""The share of each payment the provider and Plugipay keep, by default."""

_ADAPTERS = {
    "qris": "xendit",
    "va": "xendit",
    "ewallet": "xendit",
    "card": "xendit",
    "retail": "xendit",
    "paypal": "paypal",
    "bank_transfer": "manual",
}


def adapter_for(method: str) -> str:
    """The provider (adapter kind) that takes payments by ``method``."""
    return _ADAPTERS[method]


class Provider:
    """The provider's fee rate and the refund refusals queued by tests (store lock held)."""

    def __init__(self) -> None:
        self._fee_rate = Decimal(str(DEFAULT_FEE_RATE))
        self._refusals: deque[str] = deque()

    @property
    def fee_rate(self) -> float:
        """The share of a payment kept as fees, from 0 to 1."""
        return float(self._fee_rate)

    @fee_rate.setter
    def fee_rate(self, rate: float) -> None:
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise ValueError(f"fee_rate must be a number from 0 to 1, got {rate!r}")
        self._fee_rate = Decimal(str(rate))

    def fee(self, amount: int) -> int:
        """The fee on a payment of ``amount`` minor units, rounded half up to a whole unit."""
        return int((Decimal(amount) * self._fee_rate).quantize(Decimal(1), ROUND_HALF_UP))

    def refuse_refunds(self, reason: str, count: int) -> None:
        """Refuse the next ``count`` refunds with ``reason``."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a positive int, got {count!r}")
        if not isinstance(reason, str) or not reason:
            raise ValueError("reason must be a non-empty string")
        self._refusals.extend([reason] * count)

    def take_refund_refusal(self) -> str | None:
        """The reason to refuse this refund with, or ``None`` to let it through."""
        return self._refusals.popleft() if self._refusals else None

    @property
    def pending_refusals(self) -> int:
        """How many refunds will still be refused."""
        return len(self._refusals)
