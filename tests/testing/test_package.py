"""The package surface: explicit ``__all__``, lazy names, a pytest plugin that imports cheaply."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import plugipay.testing

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def test_all_is_sorted_and_every_name_loads() -> None:
    names = plugipay.testing.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(plugipay.testing, name) is not None
    assert set(dir(plugipay.testing)) >= set(names)


def test_pytest_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, pytest; import plugipay.testing.pytest_plugin; "
        "print(sorted(m for m in ('httpx', 'anyio', 'cattrs', 'plugipay.testing._fake') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=ENV
    ).stdout
    assert out.strip() == "[]"


def test_emulator_does_not_import_the_clients() -> None:
    code = (
        "import sys; from plugipay.testing import FakePlugipay; FakePlugipay(); "
        "print([m for m in sys.modules if m.startswith(('plugipay._async', 'plugipay._sync'))])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=ENV
    ).stdout
    assert out.strip() == "[]"


def test_async_fixture_docs_say_how_to_use_it_under_pytest_asyncio() -> None:
    from plugipay.testing import pytest_plugin

    for doc in (pytest_plugin.__doc__, pytest_plugin.async_plugipay_client.__doc__):
        assert doc is not None
        assert "@pytest.mark.anyio" in doc and "pytest-asyncio" in doc
        assert "async with plugipay_fake.async_client() as" in doc
