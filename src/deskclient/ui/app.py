"""The desk app and the one factory (``make_app``) shared by the CLI, the tests and the snapshots.

Paint first, load after (docs/performance.md): the first frame is a loading screen; a thread worker
(:meth:`DeskApp._open_desk`) reads the clerk list with plain sqlite3 (``services.sign_in``) and the
sign-in screen is painted from it; only then does a second worker open the :class:`DeskContext`
(:meth:`DeskApp._load_core`), which is light too: sign-in and home run on plain sqlite3 and SQLAlchemy,
SQLModel and pydantic load when the clerk first opens a screen that needs them (:meth:`when_loaded`,
docs/decisions.md, "The desk's light path"). When that light read cannot
answer (no ledger yet, a migration pending, first run, training mode, a context handed in), the
context is opened first, as before. A PIN check or a ``signed_in`` that comes before the context
waits for it. A DeskError while opening (a broken settings file, a newer schema, a locked or
read-only ledger) is shown on a Chinese error screen.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from deskclient.domain.clock import Clock
from deskclient.domain.errors import DeskError
from deskclient.services.sign_in import ClerkEntry, SignInList
from deskclient.settings import Mode, Paths
from deskclient.strings import ui as T
from deskclient.ui import navigation
from deskclient.ui.key_order import KeysInOrder

if TYPE_CHECKING:  # the ORM stack loads in a worker after the first paint
    from deskclient.services.context import DeskContext
    from deskclient.services.records import Clerk, Draft
    from deskclient.ui.training import TrainingController

log = logging.getLogger(__name__)

DEMO_CASES = 200
HOME_MODULE = "deskclient.ui.screens.home"
DUE_CLOCKS_INTERVAL_S = 600.0  # deemed acceptance while a desk stays open (it also runs at sign-in)



@dataclass(frozen=True)
class Opened:
    ctx: DeskContext
    configured: bool
    clerks: list[ClerkEntry]


class DeskApp(KeysInOrder, App[int]):
    """The clerk's full-screen desk. ``ctx`` is None until the loading worker has opened the ledger."""

    TITLE = T.APP_TITLE
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {navigation.DeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", T.KEY_QUIT, id="app.quit", priority=True, show=False),
        # declared here so the bar says 命令, not Textual's English "palette"
        Binding("ctrl+p", "command_palette", T.KEY_PALETTE, id="app.palette", priority=True, show=False),
    ]

    def __init__(self, paths: Paths, *, clock: Clock | None = None, context: DeskContext | None = None,
                 size: tuple[int, int] | None = None, cursor_blink: bool = True,
                 demo_cases: int = DEMO_CASES) -> None:
        super().__init__()
        self.paths = paths
        self.clock = clock
        self.ctx: DeskContext | None = context
        self._own_context = context is None
        self.size_hint = size
        self.cursor_blink = cursor_blink
        self.demo_cases = demo_cases
        self.clerk: ClerkEntry | None = None
        self.clerks: list[ClerkEntry] = []
        self.pending_draft: Draft | None = None  # offered back on the home screen after sign-in
        self.offer_resume = False  # after sign-in: offer to go on with checklists left unconfirmed
        self.training: TrainingController | None = None
        if paths.mode == Mode.TRAINING:
            from deskclient.ui.training import TrainingController

            self.training = TrainingController(self)
        self._context_ready = threading.Event()  # set once self.ctx is open (or failed to open)
        self._early_sign_in = False  # sign-in was painted from the sqlite3 read, before the context
        self._signed_in_early: ClerkEntry | None = None  # signed_in() before the context was open
        self._syncing_on_exit = False
        self.exit_message = ""  # what the exit sync said; printed on the terminal after the desk closes
        self.ready = False  # set when the ledger is open (tests wait on it via workers)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on the keyboard and in the clerk's guide: F2, Esc, Ctrl+F."""
        display = super().get_key_display(binding)
        if display[:1] in ("f", "F") and display[1:].isdigit():
            return display.upper()
        if display.startswith("^") and len(display) == 2:
            return "Ctrl+" + display[1].upper()
        if len(display) == 1 and display.isalpha():
            return display.upper()  # the guide says "按 D", as printed on the key
        return T.KEY_NAMES.get(display, display)

    # --- start-up --------------------------------------------------------------------------------
    def on_mount(self) -> None:
        import os

        from deskclient.ui.screens.loading import LoadingScreen

        if os.environ.get("DESKCLIENT_PROJECTOR"):  # `serve --projector`: light theme for a training room
            self.theme = "textual-light"

        self.push_screen(LoadingScreen(demo=self.paths.mode != Mode.STATION and self.ctx is None))
        self._open_desk()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_desk(self) -> None:
        """Paint sign-in from a sqlite3 read when it can answer; else open the context first."""
        if self.ctx is None and self.training is None:
            try:
                early = self._sign_in_list()
            except Exception:  # the full open below reports what is wrong
                log.debug("sign-in list not read early", exc_info=True)
                early = None
            if early is not None and early.clerks:
                if not get_current_worker().is_cancelled:
                    self.call_from_thread(self._paint_sign_in, early)
                return
        self._load_core_blocking()

    def _sign_in_list(self) -> SignInList | None:
        from deskclient.services.sign_in import sign_in_list

        return sign_in_list(self.paths)

    def _paint_sign_in(self, early: SignInList) -> None:
        self.clerks = list(early.clerks)
        self._early_sign_in = True
        if early.station_name:
            self.title = early.station_name
        self.show_sign_in()
        self.call_after_refresh(self._load_core)  # the ORM loads once sign-in is on the screen

    @work(thread=True, exclusive=True, group="core", exit_on_error=False)
    def _load_core(self) -> None:
        self._load_core_blocking()

    def _load_core_blocking(self) -> None:
        worker = get_current_worker()
        try:
            result = self._open_blocking()
        except DeskError as err:
            log.warning("desk could not open: %s", err.message)
            self._context_ready.set()
            self.call_from_thread(self._open_failed, err.message)
            return
        except Exception as err:
            log.exception("desk could not open")
            self._context_ready.set()
            self.call_from_thread(self._open_failed, T.UNEXPECTED.format(kind=type(err).__name__))
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._opened, result)

    def _open_blocking(self) -> Opened:
        from deskclient.services.context import open_context

        ctx = self.ctx or open_context(self.paths, clock=self.clock)  # light: SQLAlchemy opens on first use
        if self.paths.mode in (Mode.DEMO, Mode.TRAINING) and not ctx.station.configured:
            from deskclient.services.demo import add_follow_up_samples, ensure_demo_station, generate_cases

            if ensure_demo_station(ctx) and self.demo_cases:
                try:
                    generate_cases(ctx, self.demo_cases)
                    add_follow_up_samples(ctx)
                except DeskError:
                    raise
                except Exception:  # the sample cases are a nicety: the desk still opens without them
                    log.exception("demo cases could not be generated")
        configured = ctx.station.configured
        clerks = ctx.people.sign_in_clerks() if configured else []
        return Opened(ctx, configured, clerks)

    def wait_for_context(self) -> DeskContext:
        """From a worker thread: the context, once the loading worker has opened it (sign-in painted
        before it is open, and a PIN typed quickly, wait here). Raises DeskError if opening failed."""
        self._context_ready.wait()
        if self.ctx is None:
            raise DeskError(T.UNEXPECTED.format(kind="open"))
        return self.ctx

    def _opened(self, result: Opened) -> None:
        self.ctx = result.ctx
        self._context_ready.set()
        self.ready = True
        self._refresh_title()
        self.start_background_sync()
        result.ctx.archive_worker = self._archives_pending
        self.render_archives()  # notices a crash left without their archive file
        self.set_interval(DUE_CLOCKS_INTERVAL_S, self._run_due_clocks, name="due-clocks")
        if self._own_context and result.configured:
            self.run_worker(self._ready_for_home, thread=True, group="warm", exit_on_error=False)
        early, self._early_sign_in = self._early_sign_in, False
        if result.configured and early:
            self.clerks = result.clerks  # the same rows; sign-in stays as painted (a PIN may be half typed)
            pending, self._signed_in_early = self._signed_in_early, None
            if pending is not None:
                self.signed_in(pending)
        elif result.configured:
            self.clerks = result.clerks
            self.show_sign_in()
        else:
            from deskclient.ui.screens.first_run import FirstRunScreen

            self.switch_screen(FirstRunScreen())

    def _ready_for_home(self) -> None:
        """While the clerk types the PIN: what sign-in and home need next and is light (the calendar and
        the clock rules for the deemed-acceptance check and the due marks, home's module). Never the
        ORM: it loads when a screen needs it (``when_loaded``)."""
        ctx = self.ctx
        if ctx is None:
            return
        ctx.calendar  # noqa: B018  (loads the holidays)
        ctx.rules  # noqa: B018
        importlib.import_module(HOME_MODULE)

    def _open_failed(self, message: str) -> None:
        from deskclient.ui.screens.loading import OpenErrorScreen

        self.switch_screen(OpenErrorScreen(message))

    def _refresh_title(self) -> None:
        if self.ctx is None:
            return
        self.run_worker(self._station_name, thread=True, group="title", exit_on_error=False)

    def _station_name(self) -> None:
        assert self.ctx is not None
        st = self.ctx.station
        if st.configured:
            self.call_from_thread(setattr, self, "title", st.name)

    # --- where the clerk is -----------------------------------------------------------------------
    def show_sign_in(self) -> None:
        from deskclient.ui.screens.sign_in import SignInScreen

        self._unwind()
        self.switch_screen(SignInScreen())

    def signed_in(self, clerk: Clerk | ClerkEntry) -> None:
        if self.ctx is None:  # sign-in was painted before the context: home needs it, so wait
            self._signed_in_early = ClerkEntry.of(clerk)
            return
        if self._own_context and HOME_MODULE not in sys.modules:
            # home's module (and the services it reads through) is imported off the UI thread
            self.run_worker(lambda: self._import_home(ClerkEntry.of(clerk)), thread=True, group="home-import",
                            exit_on_error=False)
            return
        from deskclient.ui.screens.home import HomeScreen

        clerk = ClerkEntry.of(clerk)
        self.clerk = clerk
        self.sub_title = (T.WINDOW_CLERK.format(window=clerk.window, name=clerk.name) if clerk.window
                          else T.HEAD_NO_WINDOW.format(name=clerk.name))
        self._unwind()
        self.switch_screen(HomeScreen())

    def when_loaded(self, module: str, then: Callable[[], None]) -> None:
        """Run ``then`` (on the UI thread) once ``module`` is imported: at once if it already is, else after
        a thread worker has imported it. The first screen that reads through the ORM (intake, a case, the
        reminders list...) brings SQLAlchemy, SQLModel and pydantic with it; they load here, off the UI
        thread, while the current screen stays painted (docs/decisions.md, "The desk's light path")."""
        if module in sys.modules:
            then()
            return

        def job() -> None:
            importlib.import_module(module)
            self.call_from_thread(then)

        self.run_worker(job, thread=True, group="load-screen", exit_on_error=False)

    def _import_home(self, clerk: ClerkEntry) -> None:
        importlib.import_module(HOME_MODULE)
        self.call_from_thread(self.signed_in, clerk)

    def go_home(self) -> None:
        from deskclient.ui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def _unwind(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    @property
    def window(self) -> str:
        """The window this desk serves: the clerk's, else the settings', else the first one."""
        if self.clerk is not None and self.clerk.window:
            return self.clerk.window
        if self.ctx is not None and self.ctx.settings.station.window:
            return self.ctx.settings.station.window
        return "1"

    # --- actions ------------------------------------------------------------------------------------
    # --- training mode ------------------------------------------------------------------------------
    def action_training(self, what: str) -> None:
        """The trainer's keys (Ctrl+O pick, Ctrl+→/← step, Ctrl+D demonstrate, Ctrl+R reset, ...)."""
        if self.training is None or self.ctx is None:
            return
        getattr(self.training, what)()

    # --- leaving: the exit sync (never in training, never trapping the clerk) ---------------------------
    async def action_quit(self) -> None:
        if self.ctx is None or self.training is not None or self._syncing_on_exit:
            self.exit(0)
            return
        from deskclient.ui.screens.sync_exit import SyncExitScreen, SyncOutcome

        self._syncing_on_exit = True

        def done(outcome: SyncOutcome | None) -> None:
            self.exit_message = outcome.message if outcome else ""
            self.exit(0, message=self.exit_message or None)

        await self.push_screen(SyncExitScreen(self.ctx), done)

    def start_background_sync(self) -> None:
        """While the desk is open and the office is configured, send the outbox now and then."""
        ctx = self.ctx
        if ctx is None or self.training is not None or not ctx.link.enabled:
            return
        self.set_interval(max(10.0, ctx.settings.central.background_interval_s), self._background_sync,
                          name="background-sync")

    def _archives_pending(self) -> None:
        """``ctx.archive_worker``: a notice was just issued (usually from a worker thread)."""
        try:
            self.call_from_thread(self.render_archives)
        except RuntimeError:  # already on the app's thread
            self.render_archives()

    def render_archives(self) -> None:
        """Render the archive PDF of every notice issued but not yet archived, in a worker off the
        clerk's path (``notices.render_pending_archives``; the service serialises the rendering)."""
        ctx = self.ctx
        if ctx is None:
            return

        def job() -> None:
            for archived in ctx.notices.render_pending_archives():
                if archived.warning:  # a character no font has: archived as text, say which one
                    self.call_from_thread(self.notify_text, archived.warning, severity="warning", timeout=10)

        self.run_worker(job, thread=True, group="archives", exit_on_error=False)

    def _run_due_clocks(self) -> None:
        """The app-level timer of art. 32 deemed acceptance (showing a screen never writes)."""
        ctx = self.ctx
        if ctx is None or self.clerk is None:
            return

        def job() -> None:
            moved = ctx.run_due_clocks()
            if moved:
                self.call_from_thread(self.notify_deemed, moved)

        self.run_worker(job, thread=True, group="due-clocks", exclusive=True, exit_on_error=False)

    def notify_deemed(self, moved: list[str]) -> None:
        """Cases moved by deemed acceptance: say so, and show them with their promised date."""
        if not moved:
            return
        from deskclient.strings import clocks_ui as TC

        self.notify_text(TC.DEEMED_ACCEPTED.format(n=len(moved)), severity="warning", timeout=10)
        self.action_refresh_queue()

    def _background_sync(self) -> None:
        ctx = self.ctx
        if ctx is None or self._syncing_on_exit:
            return

        def job() -> None:
            if not ctx.link.enabled:
                return
            # the outbox, then the catalog / holiday updates (applied at the next start)
            result, _updates = ctx.link.background_round(timeout_s=10.0)
            if result.sent:
                self.call_from_thread(self.action_refresh_queue)

        self.run_worker(job, thread=True, group="background-sync", exclusive=True, exit_on_error=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "training":
            return self.training is not None
        if action == "nav" and parameters:
            e = navigation.get(str(parameters[0]))
            if e is not None and e.needs_clerk and self.clerk is None:
                return False
        return not (action in ("sign_out", "refresh_queue", "find_case") and self.clerk is None)

    def action_nav(self, entry_id: str) -> None:
        e = navigation.get(entry_id)
        if e is None:
            return
        if e.needs_clerk and self.clerk is None:
            self.notify(T.NAV_NEEDS_SIGN_IN, severity="warning", markup=False)
            return
        if entry_id == "home":
            self.go_home()
            return
        module = e.screen.partition(":")[0]
        if module and module not in sys.modules:  # the screen (and the ORM it reads through) loads off the UI thread
            self.when_loaded(module, lambda: self.action_nav(entry_id))
            return
        if entry_id == "intake":
            from deskclient.ui.screens.intake import IntakeScreen

            if isinstance(self.screen, IntakeScreen):
                return
            self.go_home()  # a new visitor starts from home: no earlier visitor's screens stay underneath
        if e.factory is not None:
            self.push_screen(e.factory(self))

    def action_sign_out(self) -> None:
        clerk, self.clerk = self.clerk, None
        if clerk is not None and self.ctx is not None:
            ctx = self.ctx
            self.run_worker(lambda: ctx.people.sign_out(clerk.id), thread=True, group="signout",
                            exit_on_error=False)
        self.sub_title = ""
        self.show_sign_in()

    def action_command_palette(self) -> None:
        """The palette with a Chinese prompt, listing the registry's screens and actions."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=T.PALETTE_PLACEHOLDER, id="--command-palette"))

    def get_system_commands(self, screen: Any) -> Iterable[Any]:
        """Textual's own commands (theme, screenshot...) are English and not for clerks: only the
        registry's entries are offered (quit is one of them)."""
        return iter(())

    def action_refresh_queue(self) -> None:
        from deskclient.ui.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.load()

    def action_find_case(self) -> None:
        from deskclient.ui.screens.home import HomeScreen

        self.go_home()
        if isinstance(self.screen, HomeScreen):
            self.screen.action_search()

    def notify_text(self, message: str, *, severity: Any = "information", timeout: float = 5) -> None:
        """Notifications with visitor data go through here: always plain text, never markup."""
        self.notify(message, severity=severity, timeout=timeout, markup=False)

    def on_unmount(self) -> None:
        if self._own_context and self.ctx is not None:
            self.ctx.close()


def make_app(paths: Paths, *, clock: Clock | None = None, context: DeskContext | None = None,
             size: tuple[int, int] | None = None, cursor_blink: bool = True,
             demo_cases: int = DEMO_CASES) -> DeskApp:
    """The desk for ``paths`` (station, demo or training). Tests pass a FixedClock and ``cursor_blink=False``."""
    return app_class(paths.mode == Mode.TRAINING)(paths, clock=clock, context=context, size=size,
                                                  cursor_blink=cursor_blink, demo_cases=demo_cases)


@cache
def app_class(training: bool) -> type[DeskApp]:
    """DeskApp with the navigation registry's global keys as class BINDINGS (Textual's public way to
    declare bindings; each has an id). Training mode adds the trainer's keys, so it gets its own class.
    The registry's manifest has every key without importing a screen module."""
    if training:
        navigation.load_training_keys()
    # the trainer's keys are priority bindings: they work over a dialog or a notice preview too
    nav: list[BindingType] = [Binding(e.key or "", e.action, T.NAV_KEY_LABELS.get(e.id, e.title), tooltip=e.title,
                                      id=f"nav.{e.id}", priority=e.training_only)
                              for e in navigation.keyed_entries(training)]
    return type(DeskApp.__name__, (DeskApp,), {"BINDINGS": nav, "__module__": DeskApp.__module__,
                                                "__doc__": DeskApp.__doc__})
