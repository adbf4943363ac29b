"""Shared test helpers: where the wire-contract vectors live, and a clean environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# A CI runner's proxy would carry our 127.0.0.1 traffic off the machine (httpx's NO_PROXY
# matching skips bare IPs), and a PLUGIPAY_* setting would leak into every client the tests
# build. Tests that need one set it themselves; subprocesses inherit the cleaned environment.
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


LIVE_CREDENTIALS = pytest.StashKey[tuple[str, str, str | None] | None]()
"""Test-mode credentials for real Plugipay, read only under ``--live`` (``nox -s live``)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--live",
        action="store_true",
        help="also run the end-to-end flows against real Plugipay with the test-mode keys in "
        "PLUGIPAY_LIVE_KEY_ID / PLUGIPAY_LIVE_SECRET (nox -s live; never in CI)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Drop proxy and ``PLUGIPAY_*`` variables before any test (or client) runs; under
    ``--live``, the live test keys are kept aside first (nothing else reads them)."""
    live = None
    if config.getoption("--live"):
        key_id = os.environ.get("PLUGIPAY_LIVE_KEY_ID", "")
        secret = os.environ.get("PLUGIPAY_LIVE_SECRET", "")
        base_url = os.environ.get("PLUGIPAY_LIVE_BASE_URL") or None
        live = (key_id, secret, base_url) if key_id and secret else None
    config.stash[LIVE_CREDENTIALS] = live
    config.addinivalue_line(
        "markers",
        "in_memory_only: the test asserts what only respx's in-memory transport shows (how the "
        "mocked body is pulled, the request's extensions), which no socket carries; it skips the "
        "aiohttp run, and tests/test_aiohttp.py checks the same guarantee over real sockets",
    )
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
    """Every ``pytest.mark.anyio`` test runs on asyncio and on trio; the respx-mocked client
    tests also run as ``aiohttp``: asyncio, with the client on ``DefaultAioHttpClient``."""
    backend: str = request.param
    return "asyncio" if backend == "aiohttp" else backend


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give the async client tests that take ``http_client`` (``plug`` does) a third run, on the
    aiohttp transport. A mark, added before pytest reads marks, so it takes the place of the
    fixture's own two params."""
    names = metafunc.fixturenames
    if (
        "anyio_backend" in names
        and "http_client" in names
        and metafunc.definition.get_closest_marker("in_memory_only") is None
    ):
        metafunc.definition.add_marker(
            pytest.mark.parametrize("anyio_backend", ["asyncio", "trio", "aiohttp"], indirect=True)
        )


@pytest.fixture
def http_client(request: pytest.FixtureRequest) -> object:
    """The HTTP client under the test's Plugipay client: None (the SDK's own httpx client), or
    for the ``aiohttp`` run a ``DefaultAioHttpClient``: bridged to the respx ``server`` when the
    test mocks one (``tests/aiohttp_bridge.py``), else as a user gets it, for real servers."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is None or callspec.params.get("anyio_backend") != "aiohttp":
        return None
    if "server" not in request.fixturenames:
        from plugipay import DefaultAioHttpClient

        return DefaultAioHttpClient(trust_env=False)
    from tests._async.helpers import BASE_URL
    from tests.aiohttp_bridge import BridgedAioHttpClient

    return BridgedAioHttpClient(request.getfixturevalue("server"), BASE_URL)
