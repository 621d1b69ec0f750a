"""Case detail: timeline of events, current materials, notices issued, the case's clocks (ClockPanel);
and the follow-up actions (decide a 收件待审 case, receive supplement, complete, transfer, mark urgent,
extend with the head's approval, pause/resume the clock for a 特别程序 step, rate, complaint)."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from deskclient.domain.case_actions import CaseAction, PauseChoice, notice_for_case, pause_choices
from deskclient.domain.cases import CaseClass, CaseStatus, Delivery, MaterialState
from deskclient.domain.catalog import ServiceItem
from deskclient.services.case_clock import Extended
from deskclient.services.case_view import CaseDetail
from deskclient.strings import clocks_ui as TC
from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.clocks import ClockPanel

log = logging.getLogger(__name__)


def _event_detail(type_: str, p: dict[str, Any]) -> str:
    """A short, human line from an event's payload (payloads never hold full numbers)."""
    if type_ == "case.accepted" and p.get("due_date"):
        return T.EV_DUE.format(date=p["due_date"]) + (T.DUE_PROVISIONAL if p.get("due_provisional") else "")
    if type_ == "case.supplement_requested":
        return T.EV_SUPPLEMENT.format(n=len(p.get("missing") or [])) + ":" + "、".join(
            str(m.get("name", "")) for m in (p.get("missing") or []) if isinstance(m, dict))
    if type_ == "case.supplement_received" and p.get("still_missing"):
        return T.EV_SUPPLEMENT.format(n=len(p["still_missing"]))
    if type_ == "case.transferred":
        return T.EV_TRANSFER.format(frm=p.get("from_window", ""), to=p.get("to_window", ""), reason=p.get("reason", ""))
    if type_ == "case.rated":
        return T.RATING_LABELS.get(str(p.get("level", "")), str(p.get("level", "")))
    if type_ == "case.completed":
        try:
            return Delivery(str(p.get("delivery", ""))).label
        except ValueError:
            return ""
    if type_ == "case.returned":
        return ";".join(str(r) for r in (p.get("reasons") or []))
    if type_ == "case.registered":
        return str(p.get("item_name", ""))
    if type_ in ("notice.issued", "notice.printed", "notice.print_failed", "notice.superseded"):
        from deskclient.domain.notices import NoticeKind

        try:  # the notice's Chinese name, never the stored code ("supplement")
            label = NoticeKind(str(p.get("kind", ""))).label
        except ValueError:
            label = ""
        return label + (T.EV_REPRINT if p.get("reprint_of") else "")
    return _clock_event_detail(type_, p)


def _clock_event_detail(type_: str, p: dict[str, Any]) -> str:
    """The clocks' events: extension, pause/resume, deemed acceptance, the head's routing."""
    if type_ == "case.extended":
        return TC.EV_EXTENDED.format(days=p.get("days", ""), date=p.get("due_date", ""), reason=p.get("reason", ""))
    if type_ == "case.clock_paused":
        from deskclient.domain.clock_types import PauseReason

        try:
            reason = PauseReason(str(p.get("reason", ""))).label
        except ValueError:
            reason = str(p.get("reason", ""))
        return str(p.get("step") or reason)
    if type_ == "case.clock_resumed":
        return TC.EV_RESUMED.format(days=p.get("paused_working_days", ""))
    if type_ == "case.deemed_accepted":
        return TC.EV_DEEMED.format(date=p.get("acceptance_date", ""))
    if type_ == "case.routed":
        return TC.EV_ROUTED.format(to=p.get("to_window", ""), days=p.get("limit_days", ""))
    return ""


class CaseDetailScreen(DeskScreen):
    CSS_PATH = "case_detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "decide", TC.KEY_DECIDE, id="case.decide"),
        Binding("s", "supplement", T.KEY_SUPPLEMENT_IN, id="case.supplement"),
        Binding("c", "complete", T.KEY_COMPLETE, id="case.complete"),
        Binding("t", "transfer", T.KEY_TRANSFER, id="case.transfer"),
        Binding("u", "urgent", T.KEY_URGENT, id="case.urgent"),
        Binding("e", "extend", TC.KEY_EXTEND, id="case.extend"),
        Binding("z", "pause_clock", TC.KEY_PAUSE_CLOCK, id="case.pause_clock"),
        Binding("x", "resume_clock", TC.KEY_RESUME_CLOCK, id="case.resume_clock"),
        Binding("j", "result_returned", TC.KEY_RESULT_RETURNED, id="case.result_returned"),
        Binding("r", "rate", T.KEY_RATE, id="case.rate"),
        Binding("p", "complain", T.KEY_COMPLAIN, id="case.complain"),
        Binding("f", "review", T.KEY_REVIEW, id="case.review"),
        Binding("v", "notice", T.KEY_VIEW_NOTICE, id="case.notice"),
        Binding("escape", "back", T.KEY_BACK, id="case.back"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.detail: CaseDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="summary", markup=False)
        yield ClockPanel(id="clocks", show_finished=True)
        with TabbedContent(id="tabs"):
            with TabPane(T.TIMELINE, id="tab-timeline"):
                yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
            with TabPane(T.MATERIALS, id="tab-materials"):
                yield DataTable(id="materials", cursor_type="row", zebra_stripes=True)
            with TabPane(T.NOTICES, id="tab-notices"):
                yield DataTable(id="notices", cursor_type="row")

    def on_mount(self) -> None:
        self.title = T.DETAIL_TITLE
        self.sub_title = self.desk.sub_title
        self.query_one("#timeline", DataTable).add_columns(T.COL_AT, T.COL_EVENT, T.COL_CLERK, T.COL_DETAIL)
        self.query_one("#materials", DataTable).add_columns(T.COL_NO, T.COL_STATE, T.COL_MAIN, T.COL_MATERIAL)
        self.query_one("#notices", DataTable).add_columns(T.COL_AT, T.COL_EVENT, T.COL_CLERK)
        self.query_one("#timeline", DataTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        ctx, case_id = self.ctx, self.case_id

        self.run_db(lambda: ctx.case_view.detail(case_id), self._show, group="load")

    def _show(self, d: CaseDetail) -> None:
        self.detail = d
        c = d.case
        t = Text()
        t.append(c.case_no, style="bold")
        t.append(f"  {c.item_name}  ")
        t.append(CaseClass(c.case_class).label + (f"·{T.URGENT_MARK}" if c.is_urgent else ""), style="italic")
        t.append("  " + CaseStatus(c.status).label, style="bold")
        t.append("\n" + T.DETAIL_APPLICANT.format(name=c.applicant_name, id=c.applicant_id_masked,
                                                  phone=c.applicant_phone_masked))
        if c.agent_name:
            t.append("\n" + T.DETAIL_AGENT.format(name=c.agent_name, relation=c.agent_relation, id=c.agent_id_masked))
        t.append("\n" + T.DETAIL_FIRST_ASKED.format(first=d.names.get(c.first_asked_clerk_id, ""),
                                                    owner=d.names.get(c.owner_clerk_id, ""), window=c.window))
        for tr in d.transfers:
            t.append("\n" + T.DETAIL_TRANSFER.format(frm=tr.from_window, to=tr.to_window, reason=tr.reason))
        panel = self.query_one("#clocks", ClockPanel)
        panel.show_clocks(d.clocks)
        panel.display = d.clocks is not None and bool(d.clocks.clocks)  # e.g. 待补正: no clock of the window's
        if d.clocks is None and c.due_date:
            t.append("\n" + T.DETAIL_DUE.format(due=f"{c.due_date:%Y-%m-%d}"
                                                + (T.DUE_PROVISIONAL if c.due_provisional else "")))
        self.query_one("#summary", Static).update(t)

        tl = self.query_one("#timeline", DataTable)
        tl.clear()
        for e in d.timeline:
            tl.add_row(Text(f"{e.at:%m-%d %H:%M}"), Text(T.EVENT_LABELS.get(e.type) or TC.EVENT_LABELS.get(e.type, e.type)), Text(e.clerk_name),
                       Text(_event_detail(e.type, e.payload), no_wrap=True, overflow="ellipsis"))
        mt = self.query_one("#materials", DataTable)
        mt.clear()
        for m in d.materials:
            style = {"missing": "bold red", "received": "green"}.get(m.state, "")
            mt.add_row(Text(str(m.position + 1)), Text(MaterialState(m.state).label, style=style),
                       Text(T.MAIN if m.is_main else T.SUPPORT), Text(m.name))
        nt = self.query_one("#notices", DataTable)
        nt.clear()
        for n in d.notices:
            from deskclient.domain.notices import NoticeKind

            try:
                label = NoticeKind(n.kind).label
            except ValueError:
                label = n.kind
            nt.add_row(Text(f"{n.issued_at:%m-%d %H:%M}"), Text(label), Text(d.names.get(n.issued_by, "")))
        self.refresh_bindings()

    # --- which actions apply -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys of the actions this case allows now (``domain.case_actions`` decides)."""
        if self.detail is None or action not in CaseAction.__members__.values():
            return True
        return CaseAction(action) in self.detail.actions

    # --- actions ----------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_decide(self) -> None:
        """收件待审: mark the checklist and accept, ask for a supplement, or refuse."""
        from deskclient.ui.screens.checklist import ChecklistScreen

        self.app.push_screen(ChecklistScreen(self.case_id, decide=True))

    def action_review(self) -> None:
        """The applicant asks the centre head to review the non-acceptance (复核); its clock starts today."""
        from deskclient.ui.widgets.desk_forms import FormDialog, FormField

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id

        def answer(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def write() -> Any:
                return ctx.followups.request_review(case_id, clerk_id, values["reason"])

            def done(review: Any) -> None:
                self.desk.notify_text(T.REVIEW_DONE.format(date=f"{review.due_date:%Y-%m-%d}"))
                self.load()

            self.run_db(write, done, group="write")

        self.app.push_screen(FormDialog(T.REVIEW_TITLE, [FormField("reason", T.REVIEW_REASON, required=True,
                                                                   max_length=200)],
                                        required_message=T.REVIEW_REASON_REQUIRED), answer)

    def action_result_returned(self) -> None:
        """The approving department (a county office for a 上报件) handed the result back to the window:
        the department-return clock stops; the clerk then tells the applicant and completes the case."""
        from deskclient.ui.widgets.desk_forms import FormDialog, FormField

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id

        def answer(values: dict[str, str] | None) -> None:
            if values is None:
                return

            def done(_none: None) -> None:
                self.desk.notify_text(TC.RESULT_RETURNED_DONE)
                self.load()

            self.run_db(lambda: ctx.case_clock.record_result_returned(case_id, clerk_id, values["note"]), done,
                        group="write")

        self.app.push_screen(FormDialog(TC.RESULT_RETURNED_TITLE, [FormField("note", TC.RESULT_RETURNED_NOTE,
                                                                             max_length=200)]), answer)

    def action_supplement(self) -> None:
        from deskclient.ui.screens.checklist import ChecklistScreen

        self.app.push_screen(ChecklistScreen(self.case_id, supplement=True))

    def action_notice(self) -> None:
        from deskclient.ui.screens.notice_preview import NoticePreviewScreen

        if self.detail is None:
            return
        c = self.detail.case
        kind = notice_for_case(CaseStatus(c.status), CaseClass(c.item_class))
        # a 容缺受理 acceptance: its 补报材料通知单 (issued with it) is shown and printed with the notice
        companions = tuple(dict.fromkeys(n.kind for n in self.detail.notices if n.kind == "follow_up"
                                         and kind in ("acceptance", "promise", "joint") and not n.reprint_of))
        self.app.push_screen(NoticePreviewScreen(self.case_id, str(kind), companions=companions))

    def action_complete(self) -> None:
        """办结: approved or refused (with reasons), handed over at the window or posted to an address."""
        from deskclient.ui.screens.dialogs import CompletionDialog

        def answer(a: Any) -> None:
            if a is None:
                return
            from deskclient.domain.cases import Completion, CompletionResult

            ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id
            completion = Completion(CompletionResult(a.result), Delivery(a.delivery), a.reasons, a.address)

            def done(case: Any) -> None:
                from deskclient.ui.screens.notice_preview import NoticePreviewScreen

                self.desk.notify_text(T.COMPLETED.format(case_no=case.case_no))
                self.load()
                self.app.push_screen(NoticePreviewScreen(case.id, "completion"))

            self.run_db(lambda: ctx.cases.complete(case_id, clerk_id, completion, a.note), done, group="write")

        self.app.push_screen(CompletionDialog(), answer)

    def action_transfer(self) -> None:
        from deskclient.ui.screens.dialogs import TransferDialog

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id
        here = self.detail.case.window if self.detail else ""

        def ask(options: list[tuple[str, str]]) -> None:
            def answer(a: Any) -> None:
                if a is None:
                    return

                def done(case: Any) -> None:
                    self.desk.notify_text(T.TRANSFERRED.format(window=case.window, case_no=case.case_no))
                    self.load()

                self.run_db(lambda: ctx.cases.transfer(case_id, clerk_id, a.window, a.reason), done, group="write")

            self.app.push_screen(TransferDialog(options), answer)

        self.run_db(lambda: [(w.number, w.name) for w in ctx.people.windows() if w.number != here], ask,
                    group="windows")

    def action_urgent(self) -> None:
        from deskclient.ui.screens.dialogs import PinDialog

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id

        def ask(heads: list[tuple[str, str]]) -> None:
            def answer(a: Any) -> None:
                if a is None:
                    return

                def approve() -> Any:
                    return ctx.head_desk.approve_urgent_at_window(case_id, clerk_id, head_login=a.login,
                                                                  head_pin=a.pin, reason=a.reason)

                def done(_case: Any) -> None:
                    from deskclient.ui.screens.notice_preview import NoticePreviewScreen

                    self.desk.notify_text(T.URGENT_DONE)
                    self.load()  # the 急办件通知单 was issued with the approval: shown, F9 prints it
                    self.app.push_screen(NoticePreviewScreen(case_id, "urgent"))

                self.run_db(approve, done, group="write")

            self.app.push_screen(PinDialog(T.URGENT_TITLE, heads, reason_label=T.URGENT_REASON), answer)

        self.run_db(lambda: [(c.login, c.name) for c in ctx.people.heads()], ask, group="heads")

    def action_rate(self) -> None:
        from deskclient.ui.screens.dialogs import ChoiceDialog

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id
        scores = ctx.followups.rating_scores()  # the province's preset, as the rating is recorded
        choices = [(k, TC.RATE_CHOICE.format(label=label, score=scores[k])) for k, label in T.RATING_LABELS.items()]

        def answer(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            level, comment = result

            def write() -> Any:
                return ctx.followups.rate(case_id, clerk_id, level, comment=comment)

            def done(_r: Any) -> None:
                self.desk.notify_text(T.RATED.format(level=T.RATING_LABELS[level]))
                self.load()

            self.run_db(write, done, group="write")

        self.app.push_screen(ChoiceDialog(T.RATE_TITLE, choices, note_label=T.RATE_COMMENT), answer)

    def action_complain(self) -> None:
        from deskclient.ui.screens.dialogs import ComplaintDialog

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id
        window = self.detail.case.window if self.detail else ""

        def answer(a: Any) -> None:
            if a is None:
                return

            def write() -> Any:
                return ctx.followups.record_complaint(
                    clerk_id, channel=a.channel, content=a.content, case_id=case_id, window=window,
                    complainant_name=a.complainant, multi_unit=a.multi_unit)

            def done(complaint: Any) -> None:
                self.desk.notify_text(T.COMPLAINT_DONE.format(date=f"{complaint.due_date:%Y-%m-%d}"))
                self.load()

            self.run_db(write, done, group="write")

        self.app.push_screen(ComplaintDialog(), answer)

    # --- clocks: extension (延期) and 特别程序 pauses ------------------------------------------------
    def action_extend(self) -> None:
        """Extend once, approved by the centre head's PIN; the extension notice is issued and shown."""
        from deskclient.ui.screens.dialogs import ExtensionDialog

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id
        code = self.detail.case.item_code if self.detail else ""  # the item's stricter extension limit

        def ask(heads: list[tuple[str, str]]) -> None:
            def answer(a: Any) -> None:
                if a is not None:
                    self.run_db(lambda: ctx.case_clock.extend_and_issue(
                        case_id, clerk_id, head_login=a.login, head_pin=a.pin, days=a.days, reason=a.reason,
                        item=_catalog_item(ctx, code)), self._extended, group="write")

            self.app.push_screen(ExtensionDialog(heads), answer)

        self.run_db(lambda: [(c.login, c.name) for c in ctx.people.heads()], ask, group="heads")

    def _extended(self, done: Extended) -> None:
        from deskclient.ui.screens.notice_preview import NoticePreviewScreen

        self.desk.notify_text(TC.EXTENDED.format(days=done.days, date=f"{done.new_date:%Y-%m-%d}"))
        self.load()
        if not done.issued:  # extended, but the notice could not be made: F9 in the preview retries
            self.desk.notify_text(done.message, severity="error", timeout=10)
        self.app.push_screen(NoticePreviewScreen(self.case_id, "extension", overrides=done.overrides,
                                                 issued_message=done.message if done.issued else None))

    def action_pause_clock(self) -> None:
        """特别程序 (art. 45): stop the promised clock for one of the item's lawful non-counting steps; the
        time needed is asked for and told to the applicant on the 特别程序告知书, issued at once."""
        from deskclient.ui.screens.dialogs import ChoiceDialog

        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id
        code = self.detail.case.item_code if self.detail else ""

        def ask(choices: list[PauseChoice]) -> None:
            def answer(result: tuple[str, str] | None) -> None:
                if result is None:
                    return
                chosen = next(c for c in choices if c.key == result[0])
                days_text = result[1].strip()
                days = int(days_text) if days_text.isascii() and days_text.isdigit() else None

                def write() -> str:
                    return ctx.case_clock.pause_and_issue(case_id, clerk_id, chosen.reason, step=chosen.step,
                                                          notice_days=days, item=_catalog_item(ctx, code))

                def done(message: str) -> None:
                    self.desk.notify_text(TC.PAUSED.format(reason=chosen.label))
                    self.desk.notify_text(message)
                    self.load()

                self.run_db(write, done, group="write")

            self.app.push_screen(ChoiceDialog(TC.PAUSE_TITLE, [(c.key, c.label) for c in choices],
                                              note_label=TC.PAUSE_DAYS), answer)

        self.run_db(lambda: pause_choices(_catalog_item(ctx, code)), ask, group="steps")

    def action_resume_clock(self) -> None:
        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id

        def write() -> Any:
            return ctx.case_clock.resume(case_id, clerk_id)

        def done(clocks: Any) -> None:
            due = clocks.promised.due if clocks.promised is not None else None
            self.desk.notify_text(TC.RESUMED.format(date=f"{due:%Y-%m-%d}" if due else "—"))
            self.load()

        self.run_db(write, done, group="write")


def _catalog_item(ctx: Any, code: str) -> ServiceItem | None:
    try:
        return ctx.catalog.get(code)
    except Exception:
        log.exception("catalog unavailable for the pause reasons")
        return None
