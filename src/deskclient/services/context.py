"""The front door: everything a running desk needs, resolved once, and the feature services.

The CLI, the Textual app, the training runner and the tests all build a :class:`DeskContext` with
:func:`open_context`; the app receives it ready-made from ``make_app``. Configuration is resolved here
and nowhere else: the station's identity (:class:`StationIdentity`, merged from the ledger's station
row and settings.toml by the rule in docs/decisions.md), the clock rules and the rating preset. Screens
and commands then call one method of one feature service (``ctx.cases``, ``ctx.case_view``, ``ctx.case_clock``,
``ctx.followups``, ``ctx.queue``, ``ctx.handover``, ``ctx.workday``, ``ctx.head_desk``, ``ctx.notices``,
``ctx.link``, ``ctx.reports``, ``ctx.intake``); none of them re-reads the settings.

Opening is cheap on purpose (no Alembic when the schema is current, no SQLAlchemy until a service needs
the ORM: docs/decisions.md; the catalog and its search index
are loaded lazily, on first use).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from deskclient.domain.clock import Clock, SystemClock
from deskclient.settings import Mode, Paths, RatingSettings, Settings, load_settings
from deskclient.store.db import prepare_ledger
from deskclient.store.ledger import Ledger
from deskclient.store.lite import LiteDB, StationRow, station_row

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Engine

    from deskclient.domain.calendar import WorkCalendar
    from deskclient.domain.catalog import Catalog
    from deskclient.domain.clock_types import ClockRules
    from deskclient.domain.search import CatalogIndex
    from deskclient.services.case_clock import CaseClockService
    from deskclient.services.case_view import CaseViewService
    from deskclient.services.cases import CaseService
    from deskclient.services.catalog_files import CatalogLoad
    from deskclient.services.followups import FollowUpService
    from deskclient.services.handover import HandoverService
    from deskclient.services.head_desk import HeadDeskService
    from deskclient.services.home_reads import HomeReads
    from deskclient.services.intake import IntakeService
    from deskclient.services.notice_desk import NoticeDesk
    from deskclient.services.people import PeopleService
    from deskclient.services.queue import QueueService
    from deskclient.services.reminders import ReminderService
    from deskclient.services.reports import ReportService
    from deskclient.services.station_admin import StationAdmin
    from deskclient.services.station_link import StationLink
    from deskclient.services.workday import WorkdayService

PROVISIONAL_STATION = "ZX00"  # the code used before first-run set-up has named the station


@dataclass(frozen=True)
class StationIdentity:
    """Who this station is and how it reaches the county office, resolved once (docs/decisions.md)."""

    code: str
    name: str
    centre: str
    county: str
    office_url: str
    token: str
    ca_file: str
    configured: bool  # the first-run wizard (or sample data) wrote the station row

    @property
    def can_sync(self) -> bool:
        """An office address and a token are both known (the code always is)."""
        return bool(self.office_url and self.token)


def resolve_identity(settings: Settings, row: StationRow | None) -> StationIdentity:
    """THE rule merging the station row and settings.toml (written down in docs/decisions.md):

    * who the station is (code, name, centre, county): the ledger's station row, written by the
      first-run wizard, wins; every case number and event already carries that code. settings.toml
      ``[station]`` fills only what the row leaves empty (or everything before first run).
    * how it reaches the office: settings.toml ``[central] url`` wins when set (the county may move the
      office without anyone re-running the wizard), else the wizard's address from the row. The token
      and the CA file live only in settings.toml (secrets never go into the ledger).
    """
    st, central = settings.station, settings.central
    code = (row.code if row else "") or st.code or PROVISIONAL_STATION
    return StationIdentity(
        code=code,
        name=(row.name if row else "") or st.name,
        centre=(row.centre if row else "") or st.centre,
        county=(row.county if row else "") or st.county,
        office_url=(central.url or (row.central_url if row else "")).strip(),
        token=central.token.strip(),
        ca_file=central.ca_file.strip(),
        configured=row is not None,
    )


@dataclass
class DeskContext:
    """Opened without SQLAlchemy (docs/decisions.md, "The desk's light path"): the station is read with
    sqlite3 and ``lite`` is the light path's connection; ``engine`` (and with it SQLAlchemy, SQLModel and
    pydantic) is opened on first use, by the first service that needs the ORM."""

    paths: Paths
    settings: Settings
    clock: Clock
    _engine: Engine | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _open_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Set by the desk app: called after a notice is issued so its worker renders the archive PDF off
    # the clerk's path (``notices.render_pending_archives``). None (CLI, scripts): rendered at once.
    archive_worker: Callable[[], None] | None = field(default=None, repr=False)

    # --- mode -------------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self.paths.mode

    @property
    def is_training(self) -> bool:
        return self.paths.mode == Mode.TRAINING

    @property
    def is_demo(self) -> bool:
        return self.paths.mode == Mode.DEMO

    # --- the ledger: the light connection now, SQLAlchemy's engine on first use ----------------------
    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine, opened once on first use (thread-safe); importing SQLAlchemy is the cost."""
        if self._engine is None:
            with self._open_lock:
                if self._engine is None:
                    from deskclient.store.db import make_engine

                    self._engine = make_engine(self.paths.ledger_file)
        return self._engine

    @property
    def orm_loaded(self) -> bool:
        """The engine is open (SQLAlchemy imported): what the desk checks before an ORM-backed screen."""
        return self._engine is not None

    @cached_property
    def lite(self) -> LiteDB:
        return LiteDB(self.paths.ledger_file)

    # --- configuration, resolved once -------------------------------------------------------------
    @cached_property
    def station(self) -> StationIdentity:
        with self.lite.read() as con:
            row = station_row(con)
        return resolve_identity(self.settings, row)

    @property
    def station_code(self) -> str:
        return self.station.code

    @cached_property
    def rating(self) -> RatingSettings:
        """The rating scores and follow-up deadlines, with the province's preset applied."""
        from deskclient.services.rules import effective_rating

        return effective_rating(self.settings.rating)

    @cached_property
    def rules(self) -> ClockRules:
        from deskclient.domain.clock_types import ClockRules

        return ClockRules.from_settings(self.settings.clocks, self.rating)

    def save_station_settings(self, **values: str) -> None:
        """Write ``[station]`` keys into this desk's settings.toml and use them from now on: the
        first-run wizard's notice lines (progress and complaint phones, reconsideration body, court;
        docs/decisions.md). Only these keys change: the administrator's comments, order and other
        settings stay (``settings.update_settings``, the one writer; a file that no longer parses is
        refused with a SettingsError and left as it is)."""
        from dataclasses import replace

        from deskclient.settings import update_settings

        station = {k: v.strip() for k, v in values.items()}
        update_settings(self.paths.config_file, {"station": station})
        self.settings = replace(self.settings, station=replace(self.settings.station, **station))
        self.refresh_station()

    def refresh_station(self) -> None:
        """After first-run set-up names the station, every later event carries its code."""
        for name in ("station", "ledger", *_SERVICES):
            self.__dict__.pop(name, None)

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger(lambda: self.engine, self.station_code, self.clock, lite=self.lite)

    # --- lazily built: the catalog and its index, the calendar --------------------------------
    @cached_property
    def catalog_load(self) -> CatalogLoad:
        from deskclient.services.catalog_files import load_catalog

        with self._lock:
            return load_catalog(self.paths.data_dir)

    @property
    def catalog(self) -> Catalog:
        return self.catalog_load.catalog

    @cached_property
    def catalog_index(self) -> CatalogIndex:
        from deskclient.services.catalog_files import catalog_index

        return catalog_index(self.catalog, self.paths.data_dir, files_key=self.catalog_load.files_key)

    @cached_property
    def calendar_load(self) -> tuple[WorkCalendar, list[str]]:
        from deskclient.services.holidays import load_calendar

        return load_calendar([self.paths.data_dir / "holidays"])

    @property
    def calendar(self) -> WorkCalendar:
        return self.calendar_load[0]

    # --- the feature services ---------------------------------------------------------------------
    @cached_property
    def people(self) -> PeopleService:
        from deskclient.services.people import PeopleService

        return PeopleService(self.ledger)

    @cached_property
    def admin(self) -> StationAdmin:
        from deskclient.services.station_admin import StationAdmin

        return StationAdmin(self.ledger, self.people, save_station=self.save_station_settings)

    @cached_property
    def cases(self) -> CaseService:
        from deskclient.services.cases import CaseService

        return CaseService(self.ledger, self.calendar, rules=self.rules, notices=self.notices)

    @cached_property
    def intake(self) -> IntakeService:
        from deskclient.services.intake import IntakeService

        return IntakeService(self)

    @cached_property
    def case_view(self) -> CaseViewService:
        from deskclient.services.case_view import CaseViewService

        return CaseViewService(self)

    @cached_property
    def case_clock(self) -> CaseClockService:
        from deskclient.services.case_clock import CaseClockService

        return CaseClockService(self.ledger, self.calendar, self.rules, people=self.people, notices=self.notices)

    @cached_property
    def followups(self) -> FollowUpService:
        from deskclient.services.followups import FollowUpService

        return FollowUpService(self.ledger, self.calendar, self.rules, self.rating)

    @cached_property
    def queue(self) -> QueueService:
        from deskclient.services.queue import QueueService

        return QueueService(self)

    @cached_property
    def home(self) -> HomeReads:
        """The home screen's reads on the light connection (no SQLAlchemy)."""
        from deskclient.services.home_reads import HomeReads

        return HomeReads(self)

    @cached_property
    def reminders(self) -> ReminderService:
        from deskclient.services.reminders import ReminderService

        return ReminderService(self)

    @cached_property
    def handover(self) -> HandoverService:
        from deskclient.services.handover import HandoverService

        return HandoverService(self)

    @cached_property
    def workday(self) -> WorkdayService:
        from deskclient.services.workday import WorkdayService

        return WorkdayService(self)

    @cached_property
    def head_desk(self) -> HeadDeskService:
        from deskclient.services.head_desk import HeadDeskService

        return HeadDeskService(self)

    @cached_property
    def notices(self) -> NoticeDesk:
        from deskclient.services.notice_desk import NoticeDesk

        return NoticeDesk(self)

    @cached_property
    def link(self) -> StationLink:
        from deskclient.services.station_link import StationLink

        return StationLink(self)

    @cached_property
    def reports(self) -> ReportService:
        from deskclient.services.reports import ReportService

        return ReportService(self.engine, self.clock)

    def run_due_clocks(self) -> list[str]:
        """Art. 32 deemed acceptance of every 收件待审 case whose days ran out (the app's timer and
        sign-in call this; showing a screen never writes). Returns the ids of the cases moved.

        A light check first (``clock_read.deemed_acceptance_due``: the 收件待审 cases' clocks read on
        plain sqlite3); the ORM's writes run only when some case is due."""
        from deskclient.services.clock_read import deemed_acceptance_due

        today = self.clock.today()
        if not deemed_acceptance_due(self.ledger, self.calendar, self.rules, today):
            return []
        return self.case_clock.apply_deemed_acceptance(today)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self.lite.close()


# the cached services that hold the ledger (and so the station code): rebuilt after first-run set-up
_SERVICES = ("people", "home", "cases", "intake", "case_view", "case_clock", "followups", "queue", "reminders", "handover",
             "workday", "head_desk", "notices", "link", "reports")


def open_context(paths: Paths, *, settings: Settings | None = None, clock: Clock | None = None) -> DeskContext:
    """Open the ledger for ``paths`` (creating or upgrading it) and read the settings file.

    Raises DeskError subclasses (SettingsError, SchemaTooNewError, LedgerOpenError) whose message a
    clerk can read; the CLI prints them and exits without a traceback.
    """
    settings = settings if settings is not None else load_settings(paths.config_file)
    prepare_ledger(paths.ledger_file)  # migrations only when behind; SQLAlchemy's engine opens on first use
    return DeskContext(paths=paths, settings=settings, clock=clock or SystemClock())
