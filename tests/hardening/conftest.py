"""Hardening options: ``--soak`` runs the long variants (more kills, more generated inputs)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--soak", action="store_true", default=False,
                     help="hardening: run the long soak variants (power cuts, fuzzing)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The suite-wide privacy scan must see every file the other tests wrote: run it last."""
    last = [i for i in items if i.get_closest_marker("run_last")]
    if last:
        items[:] = [i for i in items if not i.get_closest_marker("run_last")] + last


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "run_last: run after every other test (suite-wide scans)")


@pytest.fixture(scope="session")
def soak(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--soak"))
