"""Shared fixtures: a station context on a temporary data dir with a fixed clock."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from deskclient.domain.clock import FixedClock
from deskclient.services.context import DeskContext, open_context
from deskclient.settings import Mode, Paths

FIXED_NOW = datetime(2026, 11, 24, 9, 30)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever touches the real per-user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DESKCLIENT_HOME", str(home))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.resolve(tmp_path / "desk", Mode.STATION)


@pytest.fixture
def ctx(paths: Paths, clock: FixedClock) -> Iterator[DeskContext]:
    """An empty station ledger (not yet set up)."""
    context = open_context(paths, clock=clock)
    yield context
    context.close()


@pytest.fixture
def demo_ctx(ctx: DeskContext) -> DeskContext:
    """The sample station with its windows and clerks, no cases."""
    from deskclient.services.demo import ensure_demo_station

    ensure_demo_station(ctx)
    return ctx


# --------------------------------------------------------------------------------------------------
# Checks of the whole run that pytest-xdist would otherwise lose (docs/testing.md, "Running the tests")
# --------------------------------------------------------------------------------------------------

_DESELECTED: list[pytest.Item] = []


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Remember what ``-k``/``-m`` left out: their snapshot files are not orphans
    (tests/test_snapshot_files.py)."""
    _DESELECTED.extend(items)


def known_items(session: pytest.Session) -> list[pytest.Item]:
    """Every test collected in this run, selected or not."""
    return [*session.items, *_DESELECTED]


def _is_xdist_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput") and config.pluginmanager.has_plugin("dsession")


_PRIVACY_SCAN = "tests/hardening/test_privacy.py::test_suite_wide_scan"
_RAN: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.nodeid == _PRIVACY_SCAN:
        _RAN.add(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under xdist each worker's ``test_suite_wide_scan`` sees only its own worker's files, at the
    time it runs; so once every worker is done, the controller scans what all of them wrote (the
    workers' base temps are folders of its own) and fails the run on any full number."""
    config = session.config
    if not _is_xdist_controller(config) or _PRIVACY_SCAN not in _RAN:
        return
    from tests.hardening.privacy_scan import scan_suite_output

    started = time.monotonic()
    leaks = scan_suite_output(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
    took = f"({time.monotonic() - started:.1f} s)"
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if leaks:
        if reporter is not None:
            reporter.write_sep("=", f"suite-wide privacy scan of every worker's files: FAILED {took}", red=True)
            reporter.write_line(json.dumps(leaks, ensure_ascii=False, indent=1))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter is not None:
        reporter.write_sep("-", f"suite-wide privacy scan of every worker's files: no full number {took}",
                           green=True)
