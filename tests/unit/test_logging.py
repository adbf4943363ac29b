"""PLUGIPAY_LOG switches on one stderr handler on the ``plugipay`` logger, at the named level."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from plugipay import _logging


@pytest.fixture
def clean_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("plugipay")
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    for handler in _logging._installed:
        logger.removeHandler(handler)
    _logging._installed.clear()
    logger.setLevel(level)
    assert logger.handlers == handlers


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), (" INFO ", logging.INFO)])
def test_plugipay_log_installs_one_stderr_handler(
    clean_logger: logging.Logger, value: str, level: int, capsys: pytest.CaptureFixture[str]
) -> None:
    _logging.setup_from_env({"PLUGIPAY_LOG": value})
    _logging.setup_from_env({"PLUGIPAY_LOG": value})  # a second client adds nothing
    assert len(_logging._installed) == 1
    assert clean_logger.level == level
    handler = _logging._installed[0]
    assert isinstance(handler, logging.StreamHandler)
    clean_logger.info("retrying GET /api/v1/customers")
    handler.flush()
    err = capsys.readouterr().err
    assert err.count("plugipay INFO retrying GET /api/v1/customers") == 1


@pytest.mark.parametrize("value", ["", "verbose", "0"])
def test_other_values_install_nothing(clean_logger: logging.Logger, value: str) -> None:
    _logging.setup_from_env({"PLUGIPAY_LOG": value})
    _logging.setup_from_env({})
    assert _logging._installed == []
