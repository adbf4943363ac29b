"""Developer sessions: ``nox -s lint types codegen tests docs`` is the whole check (README, CI)."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "types", "codegen", "tests", "docs"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole tree."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def types(session: nox.Session) -> None:
    """mypy --strict over plugipay/, the generated _sync/ included."""
    session.install("-e", ".[types]")
    session.run("mypy", "--strict", "plugipay")


@nox.session
def codegen(session: nox.Session) -> None:
    """The generated sync tier matches its async source (python codegen/generate_sync.py --check)."""
    session.install("-e", ".[lint]")
    session.run("python", "codegen/generate_sync.py", "--check")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (async tests on asyncio and trio); extra args go to pytest."""
    session.install("-e", ".[tests]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site (mkdocs.yml), built in strict mode: any warning fails it. The site
    goes to the session's temporary directory; extra args go to ``mkdocs build``."""
    session.install("-e", ".[docs]")
    site = Path(session.create_tmp()) / "site"
    # Material's banner about its successor says nothing about this build.
    env = {"NO_MKDOCS_2_WARNING": "1"}
    session.run("mkdocs", "build", "--strict", "--site-dir", str(site), *session.posargs, env=env)


@nox.session
def live(session: nox.Session) -> None:
    """The end-to-end payment flows against real Plugipay too (never in CI): needs test-mode keys
    in PLUGIPAY_LIVE_KEY_ID and PLUGIPAY_LIVE_SECRET (and PLUGIPAY_LIVE_BASE_URL to aim elsewhere);
    without them the live cases skip. Steps only the emulator can play (the buyer) skip live."""
    session.install("-e", ".[tests]")
    session.run("python", "-m", "pytest", "--live", "-k", "take_a_payment", *session.posargs)


@nox.session
def mutation(session: nox.Session) -> None:
    """Mutation testing of the sans-IO core (not part of the check; see TESTING.md): one-token
    mutants of each core module against its fast tests. Extra args go to benchmarks/mutation.py."""
    session.install("-e", ".[tests]")
    session.run("python", "benchmarks/mutation.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against the field (not part of the check): prints a table, writes RESULTS.md."""
    session.install("-e", ".[tests]")
    session.run("python", "benchmarks/run.py", *session.posargs)
