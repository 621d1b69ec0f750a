"""中心负责人工作台: every window's open and overdue cases, urgent approvals, 复核, 不管件, complaints (the
complainant's name shown here only), bad-rating follow-ups and monthly 回访."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from deskclient.strings import admin as TA
from deskclient.strings import clocks_ui as TC
from deskclient.strings import desk as T
from deskclient.strings import ui as TU
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.screens.handover import RANK_STYLES, due_text
from deskclient.ui.widgets.desk_forms import FormDialog, FormField

TABS = ("windows", "urgent", "reviews", "unowned", "complaints", "followups")


UNROUTED_PREFIX = "case:"  # 不管件 tab rows of cases not routed yet (the others are routing follow-ups)
WINDOW_COLUMN_WIDTH = 18  # "4 退役军人服务窗口": number, space, the longest sample window name
NAME_COLUMN_WIDTH = 6  # a clerk's name (on duty) or a count


@dataclass(frozen=True)
class HeadData:
    loads: list[Any]
    open_cases: list[Any]
    reviews: list[Any]
    unowned: list[Any]
    complaints: list[Any]
    followups: list[Any]
    revisits: dict[str, int]
    unrouted: list[Any]  # 不管件 not routed yet (desk.unrouted_unowned)
    other: Any = None  # reminders besides the promised dates (ctx.reminders.other_counts)


def _red(flag: bool, text: str) -> Text:
    return Text(text, style="bold red" if flag else "")


def _complaint_state(c: Any) -> Text:
    """待答复 / 已答复, or the delay reminder: 需告知延期 (due soon or late, not told), 已告知延期."""
    if c.needs_delay_notice:
        return Text(T.COMPLAINT_NEEDS_DELAY, style="bold yellow")
    if c.delay_told and c.complaint.status == "open":
        return Text(T.COMPLAINT_DELAY_TOLD)
    return Text(T.COMPLAINT_STATUS_LABELS.get(c.complaint.status, c.complaint.status))


class HeadScreen(DeskScreen):
    CSS_PATH = "head.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", T.KEY_APPROVE, id="head.approve"),
        Binding("u", "review('upheld')", T.KEY_UPHOLD, id="head.uphold"),
        Binding("o", "review('overturned')", T.KEY_OVERTURN, id="head.overturn"),
        Binding("t", "route", T.KEY_ROUTE, id="head.route"),
        Binding("d", "outcome", T.KEY_OUTCOME, id="head.outcome"),
        Binding("c", "new_complaint", T.KEY_NEW_COMPLAINT, id="head.complaint"),
        Binding("w", "answer", T.KEY_ANSWER, id="head.answer"),
        Binding("l", "delay", T.KEY_DELAY, id="head.delay"),
        Binding("v", "visit", T.KEY_VISIT, id="head.visit"),
        Binding("x", "rectified", T.KEY_RECTIFIED, id="head.rectified"),
        Binding("m", "revisit", T.KEY_REVISIT, id="head.revisit"),
        # not in the key bar (full at 80×24): the reminders line above the keys says F4
        Binding("f4", "reminders", TC.KEY_REMINDERS, show=False, id="head.reminders"),
        Binding("f5", "refresh", T.KEY_REFRESH, id="head.refresh"),
        Binding("g", "app.nav('admin')", TA.NAV_ADMIN, id="head.admin"),
        Binding("escape", "back", TU.KEY_BACK, id="head.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.head_data: HeadData | None = None

    def compose_body(self) -> ComposeResult:
        titles = (T.TAB_WINDOWS, T.TAB_URGENT, T.TAB_REVIEWS, T.TAB_UNOWNED, T.TAB_COMPLAINTS, T.TAB_FOLLOWUPS)
        with TabbedContent(id="head-tabs"):
            for tab, title in zip(TABS, titles, strict=True):
                with TabPane(title, id=f"tab-{tab}"):
                    yield DataTable(id=f"t-{tab}", cursor_type="row", zebra_stripes=True)
        yield Static("", id="head-message", markup=False)

    def on_mount(self) -> None:
        self.title = T.HEAD_TITLE
        cols = {
            "windows": (T.COL_WINDOW, T.COL_OPEN, T.COL_OVERDUE, T.COL_DUE_SOON, T.COL_URGENT, T.COL_PAUSED,
                        T.COL_ON_DUTY),
            "urgent": (T.COL_RANK, T.COL_WINDOW, T.COL_CASE_NO, T.COL_ITEM, T.COL_STATUS, T.COL_DUE, T.COL_URGENT),
            "reviews": (T.COL_CASE_NO, T.COL_WINDOW, T.COL_ITEM, T.COL_REQUESTED, T.COL_REVIEW_DUE, T.COL_REASON),
            "unowned": (T.COL_CASE_NO, T.COL_WINDOW, T.COL_DUE, T.COL_STATE, T.COL_OUTCOME),
            "complaints": (T.COL_CHANNEL, T.COL_WINDOW, T.COL_COMPLAINANT, T.COL_CONTENT, T.COL_COMPLAINT_DUE,
                           T.COL_STATE),
            "followups": (T.COL_KIND_FU, T.COL_CASE_NO, T.COL_WINDOW, T.COL_LEVEL, T.COL_VISIT_DUE,
                          T.COL_RECTIFY_DUE, T.COL_STATE),
        }
        for tab, labels in cols.items():
            table = self.query_one(f"#t-{tab}", DataTable)
            if tab == "windows":  # fixed widths: auto-sizing (an idle pass) raced the first rows
                table.add_column(labels[0], width=WINDOW_COLUMN_WIDTH)
                for label in labels[1:]:
                    table.add_column(label, width=max(cell_len(label), NAME_COLUMN_WIDTH))
                continue
            table.add_columns(*labels)
        if self.clerk.role != "head":
            self._message(T.NOT_HEAD_SCREEN, "red")
            return
        self.action_refresh()

    # --- loading -----------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        ctx, head_id = self.ctx, self.clerk.id

        def load() -> HeadData:
            desk = ctx.head_desk
            return HeadData(desk.window_loads(), desk.open_cases(limit=500), desk.reviews(),
                            desk.followups("unowned", open_only=False), desk.complaints(head_id),
                            [*desk.followups("bad_rating")], desk.revisits_this_month(), desk.unrouted_unowned(),
                            ctx.reminders.other_counts())

        self.run_db(load, self._show)

    def _table(self, tab: str) -> DataTable:
        return self.query_one(f"#t-{tab}", DataTable)

    def _show(self, d: HeadData) -> None:
        self.head_data = d
        t = self._table("windows")
        t.clear()
        for w in d.loads:
            t.add_row(Text(f"{w.window} {w.name}"), str(w.open_cases), _red(w.overdue > 0, str(w.overdue)),
                      str(w.due_soon), str(w.urgent), _red(w.paused, T.PAUSED_YES if w.paused else T.PAUSED_NO),
                      Text(w.on_duty), key=w.window)
        t = self._table("urgent")
        t.clear()
        for ln in d.open_cases:
            t.add_row(Text(ln.rank_label, style=RANK_STYLES.get(ln.rank, "")), ln.window, Text(ln.case_no),
                      Text(ln.item_name), Text(ln.status_label), due_text(ln), "★" if ln.is_urgent else "",
                      key=ln.case_id)
        t = self._table("reviews")
        t.clear()
        for r in d.reviews:
            t.add_row(Text(r.case_no), r.window, Text(r.item_name), f"{r.review.requested_at:%Y-%m-%d}",
                      _red(r.overdue, r.review.due_date.isoformat()), Text(r.review.reason), key=r.review.id)
        t = self._table("unowned")
        t.clear()
        for ln in d.unrouted:  # first: waiting for the head to route them (T on the row)
            t.add_row(Text(ln.case_no), ln.window, Text("—"), Text(T.UNOWNED_NOT_ROUTED, style="bold yellow"),
                      Text(ln.item_name), key=UNROUTED_PREFIX + ln.case_id)
        for f in d.unowned:
            fu = f.followup
            t.add_row(Text(f.case_no), fu.window, _red(f.overdue, fu.due_date.isoformat() if fu.due_date else "—"),
                      Text(T.FOLLOWUP_STATUS_LABELS.get(fu.status, fu.status)), Text(fu.outcome), key=fu.id)
        t = self._table("complaints")
        t.clear()
        for c in d.complaints:
            cp = c.complaint
            t.add_row(Text(c.channel_label), cp.window or "—", Text(c.complainant), Text(cp.content[:30]),
                      _red(c.overdue, cp.due_date.isoformat() + (f" {T.OVERDUE_MARK}" if c.overdue else "")),
                      _complaint_state(c), key=cp.id)
        t = self._table("followups")
        t.clear()
        for f in d.followups:
            fu = f.followup
            t.add_row(Text(T.FOLLOWUP_KIND_LABELS.get(fu.kind, fu.kind)), Text(f.case_no), fu.window,
                      Text(f.detail), _red(f.overdue and fu.status == "open",
                                           fu.visit_due.isoformat() if fu.visit_due else "—"),
                      _red(f.overdue and fu.status != "open", fu.due_date.isoformat() if fu.due_date else "—"),
                      Text(T.FOLLOWUP_STATUS_LABELS.get(fu.status, fu.status)), key=fu.id)
        if d.other is not None and d.other.count:
            lines = [T.HEAD_OTHER_REMINDERS.format(missed=d.other.missed, complaints=d.other.complaints)]
        else:
            lines = [T.HEAD_REMINDERS_KEY]
        missing = [w.window for w in d.loads if not d.revisits.get(w.window)]
        if missing:
            lines.append(T.HEAD_REVISIT_NONE.format(windows="、".join(missing)))
        if lines:
            self._message("\n".join(lines))

    def _message(self, text: str, style: str = "") -> None:
        self.query_one("#head-message", Static).update(Text(text, style=style))

    def _selected_key(self, tab: str) -> str | None:
        self.query_one("#head-tabs", TabbedContent).active = f"tab-{tab}"
        t = self._table(tab)
        if t.row_count == 0 or t.cursor_row is None:
            self._message(T.NOTHING_SELECTED, "red")
            return None
        return str(t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value)

    def _do(self, fn: Any, then: Any = None) -> None:
        ctx, head_id = self.ctx, self.clerk.id

        def done(result: object) -> None:
            self._message(T.HEAD_DONE, "green")
            self.action_refresh()
            if then is not None:
                then(result)

        self.run_db(lambda: fn(ctx.head_desk, head_id), done, failed=lambda m: self._message(m, "red"))

    def _ask(self, title: str, fields: list[FormField], then: Any, *, hint: str = "") -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                then(values)

        self.app.push_screen(FormDialog(title, fields, hint=hint, required_message=T.PAUSE_REQUIRED), done)

    @property
    def _tab(self) -> str:
        return self.query_one("#head-tabs", TabbedContent).active.removeprefix("tab-")

    # --- actions ----------------------------------------------------------------------------------
    def action_approve(self) -> None:
        case_id = self._selected_key("urgent")
        if case_id:
            self._ask(T.KEY_APPROVE, [FormField("reason", T.URGENT_REASON, required=True)],
                      lambda v: self._do(lambda desk, head: desk.approve_urgent(case_id, head, v["reason"]),
                                         then=lambda _case: self._show_notice(case_id, "urgent")))

    def _show_notice(self, case_id: str, kind: str) -> None:
        """The notice the approval issued by itself (急办件通知单, queued): previewed, F9 prints it."""
        from deskclient.ui.screens.notice_preview import NoticePreviewScreen

        self.app.push_screen(NoticePreviewScreen(case_id, kind))

    def action_review(self, decision: str) -> None:
        review_id = self._selected_key("reviews")
        if review_id:
            title = T.KEY_UPHOLD if decision == "upheld" else T.KEY_OVERTURN
            self._ask(title, [FormField("note", T.REVIEW_NOTE, required=True)],
                      lambda v: self._do(lambda desk, head: desk.decide_review(review_id, head, decision, v["note"])))

    def action_route(self) -> None:
        """Route a 不管件: the row picked in the 不管件 tab (not routed yet) or in the list of open cases."""
        if self._tab == "unowned":
            key = self._selected_key("unowned") or ""
            if not key.startswith(UNROUTED_PREFIX):
                self._message(T.ROUTE_PICK_UNROUTED, "red")
                return
            case_id: str | None = key.removeprefix(UNROUTED_PREFIX)
        else:
            case_id = self._selected_key("urgent")
        if not case_id:
            return

        def go(v: dict[str, str]) -> None:
            if not v["days"].isdigit():
                self._message(T.ROUTE_DAYS_BAD, "red")
                return
            self._do(lambda desk, head: desk.route_unowned(case_id, head, window=v["window"], days=int(v["days"]),
                                                           note=v["note"]))

        self._ask(T.KEY_ROUTE, [FormField("window", T.ROUTE_WINDOW, required=True),
                                FormField("days", T.ROUTE_DAYS, "5", required=True),
                                FormField("note", T.ROUTE_NOTE)], go)

    def action_outcome(self) -> None:
        fu_id = self._selected_key("unowned")
        if fu_id and fu_id.startswith(UNROUTED_PREFIX):
            self._message(T.OUTCOME_ROUTE_FIRST, "red")
            return
        if fu_id:
            self._ask(T.KEY_OUTCOME, [FormField("outcome", T.OUTCOME_LABEL, required=True)],
                      lambda v: self._do(lambda desk, head: desk.record_unowned_outcome(fu_id, head, v["outcome"])))

    def action_new_complaint(self) -> None:
        from deskclient.ui.screens.dialogs import ComplaintDialog

        def done(ans: Any) -> None:
            if ans is not None:
                self._do(lambda desk, head: desk.record_complaint(
                    head, channel=ans.channel, content=ans.content, complainant_name=ans.complainant,
                    multi_unit=ans.multi_unit))

        self.query_one("#head-tabs", TabbedContent).active = "tab-complaints"
        self.app.push_screen(ComplaintDialog(), done)

    def action_answer(self) -> None:
        cp_id = self._selected_key("complaints")
        if cp_id:
            self._ask(T.KEY_ANSWER, [FormField("answer", T.ANSWER_LABEL, required=True)],
                      lambda v: self._do(lambda desk, head: desk.answer_complaint(cp_id, head, v["answer"])))

    def action_delay(self) -> None:
        """已告知投诉人延期答复: the new date and the reason told (投诉制度第六条); the reminder ends."""
        from datetime import date

        cp_id = self._selected_key("complaints")
        if not cp_id:
            return
        line = next((c for c in (self.head_data.complaints if self.head_data else []) if c.complaint.id == cp_id), None)
        hint = T.DELAY_HINT.format(content=line.complaint.content[:40], due=line.complaint.due_date.isoformat()
                                   ) if line is not None else ""

        def go(v: dict[str, str]) -> None:
            try:
                expected = date.fromisoformat(v["date"].strip())
            except ValueError:
                self._message(T.DELAY_DATE_FORMAT, "red")
                return
            self._do(lambda desk, head: desk.tell_complaint_delay(cp_id, head, expected_on=expected,
                                                                  reason=v["reason"]))

        self._ask(T.DELAY_TITLE, [FormField("date", T.DELAY_DATE, required=True, max_length=10),
                                  FormField("reason", T.DELAY_REASON, required=True, max_length=200)], go, hint=hint)

    def action_reminders(self) -> None:
        """F4: every reminder of every window; Enter opens the case."""
        from deskclient.ui.screens.reminders import ReminderListScreen

        self.app.push_screen(ReminderListScreen())

    def action_visit(self) -> None:
        fu_id = self._selected_key("followups")
        if fu_id:
            self._ask(T.KEY_VISIT, [FormField("note", T.VISIT_LABEL, required=True)],
                      lambda v: self._do(lambda desk, head: desk.record_visit(fu_id, head, v["note"])))

    def action_rectified(self) -> None:
        fu_id = self._selected_key("followups")
        if fu_id:
            self._ask(T.KEY_RECTIFIED, [FormField("outcome", T.RECTIFIED_LABEL, required=True)],
                      lambda v: self._do(lambda desk, head: desk.close_followup(fu_id, head, v["outcome"])))

    def action_revisit(self) -> None:
        self._ask(T.KEY_REVISIT, [FormField("window", T.REVISIT_WINDOW, required=True),
                                  FormField("outcome", T.REVISIT_OUTCOME, required=True)],
                  lambda v: self._do(lambda desk, head: desk.record_revisit(head, window=v["window"],
                                                                            outcome=v["outcome"])))

    def action_back(self) -> None:
        """Esc: back to where the clerk came from (home)."""
        self.app.pop_screen()
