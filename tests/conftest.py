"""Shared test helpers: where the wire-contract vectors live, and a clean environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# A CI runner's proxy would carry our 127.0.0.1 traffic off the machine (httpx's NO_PROXY
# matching skips bare IPs), and a PLUGIPAY_* setting would leak into every client the tests
# build. Tests that need one set it themselves; subprocesses inherit the cleaned environment.
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def pytest_configure(config: pytest.Config) -> None:
    """Drop proxy and ``PLUGIPAY_*`` variables before any test (or client) runs."""
    for name in list(os.environ):
        if name.lower() in _PROXY_VARIABLES or name.startswith("PLUGIPAY_"):
            del os.environ[name]


VECTORS_DIR = Path(__file__).resolve().parent / "vectors"
"""The repository's copy of the shared signing and webhook vectors (``tests/vectors``), so a clone
runs on its own; ``tests/unit/test_vectors_copy.py`` keeps it equal to the shared originals."""


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    """The directory holding ``signing.jsonl`` and ``webhooks.jsonl``."""
    return VECTORS_DIR


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every ``pytest.mark.anyio`` test runs on asyncio and on trio."""
    backend: str = request.param
    return backend
