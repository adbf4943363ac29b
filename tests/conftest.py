"""Shared test helpers: where the wire-contract vectors live."""

from __future__ import annotations

from pathlib import Path

import pytest

VECTORS_DIR = Path(__file__).resolve().parents[2] / "shared" / "vectors"
"""``shared/vectors`` beside the repository checkout (``/work/main`` and ``/work/shared``)."""


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    """The directory holding ``signing.jsonl`` and ``webhooks.jsonl``."""
    return VECTORS_DIR


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every ``pytest.mark.anyio`` test runs on asyncio and on trio."""
    backend: str = request.param
    return backend
