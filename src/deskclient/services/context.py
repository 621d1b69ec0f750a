"""Everything a running desk needs, opened once: paths, settings, ledger, catalog, calendar, services.

The CLI, the Textual app and the tests all build a :class:`DeskContext` with :func:`open_context`;
the app receives it ready-made from ``make_app``. Opening is cheap on purpose (no Alembic when the
schema is current; the catalog and its search index are loaded lazily, on first use).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from deskclient.domain.clock import Clock, SystemClock
from deskclient.settings import Mode, Paths, Settings, load_settings
from deskclient.store.db import open_ledger
from deskclient.store.ledger import Ledger

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from deskclient.domain.calendar import WorkCalendar
    from deskclient.domain.search import CatalogIndex
    from deskclient.services.cases import CaseService
    from deskclient.services.catalog_files import CatalogLoad
    from deskclient.services.people import PeopleService

PROVISIONAL_STATION = "ZX00"  # the code used before first-run set-up has named the station


@dataclass
class DeskContext:
    paths: Paths
    settings: Settings
    engine: Engine
    clock: Clock
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def mode(self) -> str:
        return self.paths.mode

    @property
    def is_training(self) -> bool:
        return self.paths.mode == Mode.TRAINING

    @property
    def is_demo(self) -> bool:
        return self.paths.mode == Mode.DEMO

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger(self.engine, self.station_code, self.clock)

    @property
    def station_code(self) -> str:
        from sqlmodel import Session, select

        from deskclient.store.models import Station

        if self.settings.station.code:
            return self.settings.station.code
        with Session(self.engine) as s:
            st = s.exec(select(Station)).first()
            return st.code if st else PROVISIONAL_STATION

    def refresh_station(self) -> None:
        """After first-run set-up names the station, every later event carries its code."""
        for name in ("ledger", "people", "cases"):
            self.__dict__.pop(name, None)

    # --- lazily built: the catalog and its index, the calendar --------------------------------
    @cached_property
    def catalog_load(self) -> CatalogLoad:
        from deskclient.services.catalog_files import load_catalog

        with self._lock:
            return load_catalog(self.paths.data_dir)

    @property
    def catalog(self):
        return self.catalog_load.catalog

    @cached_property
    def catalog_index(self) -> CatalogIndex:
        from deskclient.services.catalog_files import catalog_index

        return catalog_index(self.catalog, self.paths.data_dir)

    @cached_property
    def calendar_load(self) -> tuple[WorkCalendar, list[str]]:
        from deskclient.services.holidays import load_calendar

        return load_calendar([self.paths.data_dir / "holidays"])

    @property
    def calendar(self) -> WorkCalendar:
        return self.calendar_load[0]

    @cached_property
    def people(self) -> PeopleService:
        from deskclient.services.people import PeopleService

        return PeopleService(self.ledger)

    @cached_property
    def cases(self) -> CaseService:
        from deskclient.services.cases import CaseService
        from deskclient.services.clocks import rules_for

        return CaseService(self.ledger, self.calendar, rules=rules_for(self.settings))

    def close(self) -> None:
        self.engine.dispose()


def open_context(paths: Paths, *, settings: Settings | None = None, clock: Clock | None = None) -> DeskContext:
    """Open the ledger for ``paths`` (creating or upgrading it) and read the settings file.

    Raises DeskError subclasses (SettingsError, SchemaTooNewError, LedgerOpenError) whose message a
    clerk can read; the CLI prints them and exits without a traceback.
    """
    settings = settings if settings is not None else load_settings(paths.config_file)
    engine = open_ledger(paths.ledger_file)
    return DeskContext(paths=paths, settings=settings, engine=engine, clock=clock or SystemClock())
