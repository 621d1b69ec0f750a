"""Home: this window's queue (today's cases, open ones it owns, transferred-out ones still followed),
today's counts and the sync state. Paged, index-backed queries: instant on a 100,000-case ledger.

Whenever home is shown a second worker reads the overdue / due-soon reminders and the window's
暂停服务 state, shown in two lines above and below the counts (a panel, not a toast: a toast would cover
the next screen the clerk opens). Showing home never writes: art. 32 deemed acceptance runs at sign-in
and on the app's timer (``DeskContext.run_due_clocks``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from deskclient.services.home_reads import (
    PAGE_SIZE,
    SCOPES,
    CaseQuery,
    ChecklistCase,
    DayCounts,
    OtherReminders,
    PauseRow,
    ReminderLine,
    shown_count,
)
from deskclient.strings import clocks_ui as TC
from deskclient.strings import ui as T
from deskclient.ui.clock_view import due_states
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.case_table import CaseTable, QueueLine
from deskclient.ui.widgets.fields import DeskInput

if TYPE_CHECKING:  # home reads through ``ctx.home`` (plain sqlite3): no ORM row type is imported to show it
    from deskclient.services.records import Draft


@dataclass(frozen=True)
class QueuePage:
    today: date
    lines: list[QueueLine]
    total: int
    counts: DayCounts  # today's figures as the F12 report has them, and the overdue count
    pending: int
    online: bool


@dataclass(frozen=True)
class DeskState:
    """What the reminders worker found: the reminders and the window's pause."""

    reminders: ReminderLine | None  # None if they could not be computed
    pause: PauseRow | None
    other: OtherReminders | None = None  # missed milestones, complaints to tell of a delay


def reminder_text(r: ReminderLine | None, other: OtherReminders | None = None) -> Text:
    """One line of counts (and the other reminders: missed milestones, complaints to tell of a delay),
    the most urgent case, then F4 to open the list (each plain text, never markup)."""
    if r is None:
        return Text("")
    extra = other.count if other is not None else 0
    if not r.count and not extra:
        return Text(TC.REMINDERS_NONE, style="dim")
    t = Text()
    t.append(TC.REMINDERS_TITLE + ":", style="bold")
    t.append(TC.REMINDERS_LINE.format(overdue=r.overdue, today=r.due_today, soon=r.due_soon),
             style="bold red" if r.overdue else "bold yellow")
    if extra:
        t.append(TC.REMINDERS_OTHER.format(n=extra), style="bold red")
    first = r.first
    if first is not None and first.due_date is not None:
        t.append("  ")
        t.append(TC.REMINDER_CASE.format(case_no=first.case_no, due=f"{first.due_date:%Y-%m-%d}"), style="dim")
    t.append(TC.REMINDERS_OPEN_HINT, style="bold")  # the key bar shows F4 at 80 columns too
    return t


def pause_text(p: PauseRow) -> Text:
    text = TC.DESK_PAUSED.format(reason=p.reason)
    if p.expected_back is not None:
        text += TC.DESK_PAUSED_BACK.format(back=f"{p.expected_back:%H:%M}")
    if p.redirect_window:
        text += TC.DESK_PAUSED_REDIRECT.format(window=p.redirect_window)
    return Text(text, style="bold reverse yellow")


class HomeScreen(DeskScreen):
    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "refresh", T.KEY_REFRESH, id="home.refresh"),
        Binding("f3", "scope", T.KEY_SCOPE, id="home.scope"),
        Binding("f4", "reminders", TC.KEY_REMINDERS, id="home.reminders"),
        Binding("ctrl+f", "search", T.KEY_SEARCH, id="home.search"),
        Binding("left_square_bracket", "page(-1)", T.KEY_PREV_PAGE, key_display="[", id="home.prev_page"),
        Binding("right_square_bracket", "page(1)", T.KEY_NEXT_PAGE, key_display="]", id="home.next_page"),
        Binding("escape", "to_table", T.KEY_BACK, show=False, id="home.to_table"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scope_index = 0
        self.page = 0
        self.total = 0
        self.text = ""
        self.desk_state: DeskState | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="desk-pause", markup=False)
        with Horizontal(id="home-status"):
            yield Static("", id="counts", markup=False)
            yield Static("", id="sync", markup=False)
        yield Static("", id="reminders", markup=False)
        with Horizontal(id="home-search"):
            yield Static("", id="scope", markup=False)
            yield DeskInput(placeholder=T.SEARCH_PLACEHOLDER, id="search")
        yield CaseTable(id="queue")
        yield Static("", id="pager", markup=False)

    def on_mount(self) -> None:
        self.title = T.HOME_TITLE
        self.sub_title = self.desk.sub_title
        self._show_scope()
        self.query_one(CaseTable).focus()
        self.query_one("#desk-pause").display = False
        # the page and the reminders load from on_screen_resume, which follows every mount (loading here
        # too read the first page twice, the first read thrown away: issue 20's home-after-PIN path)
        draft = self.desk.pending_draft
        resume, self.desk.offer_resume = self.desk.offer_resume, False
        if draft is not None:
            self.desk.pending_draft = None
            self._offer_draft(draft)
        elif resume:
            self._offer_resume()

    def on_screen_resume(self) -> None:
        self.load()
        self.check_clocks()

    # --- loading ----------------------------------------------------------------------------------
    @property
    def scope(self) -> str:
        return SCOPES[self.scope_index]

    def _show_scope(self) -> None:
        self.query_one("#scope", Static).update(Text(f"{T.SCOPE_LABELS[self.scope]} F3", style="bold"))

    def load(self) -> None:
        if self.desk.clerk is None or self.desk.ctx is None:
            return
        ctx, clerk = self.ctx, self.clerk
        q = CaseQuery(window=self.desk.window, clerk_id=clerk.id, today=ctx.clock.today(), scope=self.scope,
                      text=self.text)
        offset = self.page * PAGE_SIZE

        def fetch() -> QueuePage:
            page = ctx.home.page(q, offset=offset)
            states = due_states(ctx, page.rows, q.today)
            lines = [QueueLine(r, states.get(r.id, ""), transferred_out=r.window != q.window) for r in page.rows]
            return QueuePage(q.today, lines, page.total, page.counts, page.pending, page.online)

        self.run_db(fetch, self._show, group="queue")

    def check_clocks(self) -> None:
        """Reminders and the window's pause, in a worker of their own (reading only)."""
        if self.desk.clerk is None or self.desk.ctx is None:
            return
        ctx = self.ctx
        window = self.desk.window
        own_window = bool(self.clerk.window)  # the head has none: every window's reminders, no pause line
        scope = window if own_window else None

        def work() -> DeskState:
            import logging

            try:
                reminders: ReminderLine | None = ctx.home.reminder_line(scope)
                other: OtherReminders | None = ctx.home.other_counts(scope)
            except Exception:  # a nicety: the queue still shows
                logging.getLogger(__name__).exception("reminders failed")
                reminders, other = None, None
            return DeskState(reminders, ctx.home.current_pause(window) if own_window else None, other)

        self.run_db(work, self._show_state, group="home-clocks")

    def _show_state(self, st: DeskState) -> None:
        self.desk_state = st
        if not self.is_current:  # the clerk has moved on; shown again (and re-checked) on resume
            return
        pause = self.query_one("#desk-pause", Static)
        pause.display = st.pause is not None
        if st.pause is not None:
            pause.update(pause_text(st.pause))
        self.query_one("#reminders", Static).update(reminder_text(st.reminders, st.other))

    def _show(self, page: QueuePage) -> None:
        self.total = page.total
        self.query_one(CaseTable).show(page.lines, page.today)
        self.query_one("#counts", Static).update(Text(T.COUNTS.format(**asdict(page.counts))))
        shown = shown_count(page.pending)
        sync = T.SYNC_PENDING.format(n=shown) + " · " + (T.SYNC_ONLINE if page.online else T.SYNC_OFFLINE)
        self.query_one("#sync", Static).update(Text(sync, style="bold" if page.pending else "dim"))
        pages = max(1, -(-page.total // PAGE_SIZE))
        pager = T.PAGE.format(page=self.page + 1, pages=pages, total=page.total)
        if not page.lines:
            pager = T.EMPTY_QUEUE
        self.query_one("#pager", Static).update(Text(pager))

    # --- keys -----------------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.load()
        self.check_clocks()

    def action_reminders(self) -> None:
        """F4: every reminder of this window (all windows for the head); Enter opens the case."""
        def show() -> None:
            from deskclient.ui.screens.reminders import ReminderListScreen

            self.app.push_screen(ReminderListScreen())

        self.desk.when_loaded("deskclient.ui.screens.reminders", show)

    def action_scope(self) -> None:
        self.scope_index = (self.scope_index + 1) % len(SCOPES)
        self.page = 0
        self._show_scope()
        self.load()

    def action_search(self) -> None:
        self.query_one("#search", DeskInput).focus()

    def action_to_table(self) -> None:
        self.query_one(CaseTable).focus()

    def action_page(self, step: int) -> None:
        pages = max(1, -(-self.total // PAGE_SIZE))
        new = min(max(0, self.page + step), pages - 1)
        if new != self.page:
            self.page = new
            self.load()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.text = event.value
        self.page = 0
        if event.value.strip() and self.scope_index == 0:
            self.scope_index = SCOPES.index("all")  # searching means the whole ledger
            self._show_scope()
        self.load()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(CaseTable).focus()

    @on(CaseTable.Opened)
    def _open(self, event: CaseTable.Opened) -> None:
        def show() -> None:
            from deskclient.ui.screens.case_detail import CaseDetailScreen

            self.app.push_screen(CaseDetailScreen(event.case_id))

        self.desk.when_loaded("deskclient.ui.screens.case_detail", show)

    # --- the draft offered back after a crash ------------------------------------------------------
    def _offer_draft(self, draft: Draft) -> None:
        self.desk.when_loaded("deskclient.ui.screens.intake", lambda: self._offer_loaded_draft(draft))

    def _offer_loaded_draft(self, draft: Draft) -> None:
        from deskclient.ui.screens.dialogs import ConfirmDialog
        from deskclient.ui.screens.intake import IntakeScreen, draft_summary

        data = self.ctx.intake.draft_data(draft)

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(IntakeScreen(draft_id=draft.id, restore=data))
            else:
                self._confirm_discard(draft)

        detail = T.RESTORE_DRAFT_DETAIL.format(when=f"{draft.updated_at:%m-%d %H:%M}", summary=draft_summary(data))
        self.app.push_screen(ConfirmDialog(T.RESTORE_DRAFT, detail, yes=T.RESTORE_YES, no=T.RESTORE_NO), answer)

    def _confirm_discard(self, draft: Draft) -> None:
        """Losing typed work needs a second yes; cancelling keeps the draft (offered again next time)."""
        from deskclient.ui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                ctx = self.ctx
                self.run_db(lambda: ctx.intake.discard_draft(draft.id), group="draft")
            else:
                self.desk.notify_text(T.DRAFT_KEPT)

        self.app.push_screen(ConfirmDialog(T.DISCARD_DRAFT_Q, T.DISCARD_DRAFT_DETAIL, yes=T.DISCARD_DRAFT_YES,
                                           no=T.DISCARD_DRAFT_NO), answer)

    # --- checklists left unconfirmed (Esc, a crash, a transfer in) ----------------------------------
    def _offer_resume(self) -> None:
        from deskclient.ui.screens.dialogs import ConfirmDialog

        ctx, window = self.ctx, self.desk.window

        def offer(cases: list[ChecklistCase]) -> None:
            if not cases:
                return
            first = cases[0]
            listed = "、".join(f"{c.case_no}({c.applicant_name})" for c in cases[:5])

            def answer(yes: bool | None) -> None:
                if yes:
                    def show() -> None:
                        from deskclient.ui.screens.checklist import ChecklistScreen

                        self.app.push_screen(ChecklistScreen(first.id, decide=True))

                    self.desk.when_loaded("deskclient.ui.screens.checklist", show)

            self.app.push_screen(ConfirmDialog(T.RESUME_CHECKLIST_Q.format(n=len(cases)),
                                               T.RESUME_CHECKLIST_DETAIL.format(cases=listed, first=first.case_no),
                                               yes=T.RESUME_YES, no=T.RESUME_LATER), answer)

        self.run_db(lambda: ctx.home.unfinished_checklists(window), offer, group="resume")
