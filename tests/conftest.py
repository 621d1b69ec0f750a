"""Shared fixtures: a station context on a temporary data dir with a fixed clock."""

from __future__ import annotations

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
