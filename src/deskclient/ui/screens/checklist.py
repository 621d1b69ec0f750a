"""One-time checklist (一次性告知): every material one line, toggled with single keys; basis, procedure,
time limit and fee beside; the screen proposes the outcome and the clerk confirms it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from deskclient.domain.case_actions import notice_for_outcome
from deskclient.domain.cases import (
    CaseClass,
    CaseStatus,
    MaterialCheck,
    MaterialState,
    Outcome,
    follow_up_materials,
    main_defective,
    main_missing,
    propose_outcome,
    supplement_materials,
)
from deskclient.domain.errors import RuleViolation
from deskclient.domain.notices import NoticeKind
from deskclient.strings import clocks_ui as TC
from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.checklist import MaterialChecklist, MaterialLine


def material_notes(item: Any) -> list[str]:
    """The catalog's notes on its materials (e.g. 共同生活的家庭成员均需签字或按手印), numbered as on the
    checklist, so the clerk tells the visitor once and completely."""
    return [T.MATERIAL_NOTE_LINE.format(no=i + 1, name=m.name, notes=m.notes)
            for i, m in enumerate(getattr(item, "materials", ()) or ()) if getattr(m, "notes", "")]


def _defect_line(checks: list[MaterialCheck]) -> Text:
    """A line naming every material marked 需补正 with what is wrong (empty when none)."""
    items = [T.DEFECT_ITEM.format(name=c.name, problem=c.problem) for c in checks
             if c.state is MaterialState.DEFECTIVE]
    return Text("\n" + T.DEFECT_LINE.format(items=";".join(items)), style="yellow") if items else Text()


@dataclass(frozen=True)
class Loaded:
    case: Any
    lines: list[MaterialLine]
    item: Any


class ChecklistScreen(DeskScreen):
    """``supplement=True``: the visitor came back with the missing materials (补齐材料).
    ``decide=True``: opened from the case detail to decide a case taken in for examination (收件待审)."""

    CSS_PATH = "checklist.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "confirm", T.KEY_CONFIRM_OUTCOME, id="checklist.confirm"),
        Binding("f4", "examine", TC.KEY_EXAMINE, id="checklist.examine"),
        Binding("f6", "reject", T.KEY_REJECT, id="checklist.reject"),
        Binding("escape", "back", T.KEY_BACK, id="checklist.back"),
    ]

    def __init__(self, case_id: str, *, supplement: bool = False, decide: bool = False) -> None:
        super().__init__()
        self.case_id = case_id
        self.supplement = supplement
        self.decide = decide
        self.case: Any = None
        self.item: Any = None
        self.proposal: Outcome | None = None
        self.busy = False
        self._marks_lock = threading.Lock()
        self._marks_latest: list[Any] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="case-line", markup=False)
        with Horizontal(id="check-body"):
            yield Static("", id="check-table-slot")
            with VerticalScroll(id="item-panel"):
                yield Static("", id="item-text", markup=False)
        yield Static("", id="proposal", markup=False)
        yield Static("", id="check-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self.title = T.SUPPLEMENT_TITLE if self.supplement else T.CHECKLIST_TITLE
        self.sub_title = self.desk.sub_title
        ctx, case_id = self.ctx, self.case_id

        def load() -> Loaded:
            from deskclient.domain.catalog import MaterialForm

            case = ctx.cases.get(case_id)
            mats = ctx.cases.materials(case_id)
            try:
                item = ctx.catalog.get(case.item_code)
            except Exception:
                item = None

            def form_label(form: str) -> str:
                try:
                    return MaterialForm(form).label
                except ValueError:
                    return form

            lines = [MaterialLine(m.position, m.name, form_label(m.form), m.copies, m.is_main,
                                  MaterialState(m.state), m.problem) for m in mats]
            return Loaded(case, lines, item)

        self.run_db(load, self._loaded, group="load")

    def _loaded(self, data: Loaded) -> None:
        self.case, self.item = data.case, data.item
        c = data.case
        line = Text.assemble((c.case_no, "bold"), "  ", c.applicant_name, "  ", c.item_name, "  ",
                             (CaseClass(c.case_class).label, "italic"))
        self.query_one("#case-line", Static).update(line)
        table = MaterialChecklist(data.lines, id="materials")
        self.query_one("#check-table-slot").remove()
        self.query_one("#check-body").mount(table, before=0)
        table.focus()
        self.query_one("#item-text", Static).update(self._item_text())
        self._propose(data.lines)
        self.refresh_bindings()

    def _item_text(self) -> Text:
        it, c = self.item, self.case
        t = Text()

        def add(label: str, body: str) -> None:
            t.append(label + "\n", style="bold")
            t.append(body + "\n")

        notes = material_notes(it)
        if notes:  # first: what to check on the materials now, before what to tell the visitor
            add(T.MATERIAL_NOTES, "\n".join(notes))
        if c.item_class == CaseClass.IMMEDIATE:
            add(T.TIME_LIMIT, T.TIME_LIMIT_IMMEDIATE)
        else:
            add(T.TIME_LIMIT, T.TIME_LIMIT_DAYS.format(days=c.promised_days, legal=c.legal_days))
        if it is not None:
            add(T.FEE, it.fee + (f"({it.fee_basis})" if it.fee_basis else ""))
            add(T.BASIS, it.basis)
            add(T.PROCEDURE, " → ".join(s.name for s in it.steps))
            if it.conditions:
                add(T.CONDITIONS, it.conditions)
        return t

    # --- proposal -------------------------------------------------------------------------------------
    @on(MaterialChecklist.Changed)
    def _changed(self, event: MaterialChecklist.Changed) -> None:
        self._propose(event.lines)
        self._save_marks(event.lines)

    def _save_marks(self, lines: list[MaterialLine]) -> None:
        """Every mark is saved as it is made (one transaction in a worker): Esc or a crash loses nothing.
        The latest marks win: a worker that starts late saves whatever is newest, one save at a time."""
        from deskclient.services.cases import CheckInput

        with self._marks_lock:
            self._marks_latest = [CheckInput(x.position, x.state, x.problem) for x in lines]
        ctx, clerk_id, case_id = self.ctx, self.clerk.id, self.case_id

        def save() -> None:
            with self._marks_lock:
                checks, self._marks_latest = self._marks_latest, None
                if checks is not None:
                    ctx.cases.save_marks(case_id, clerk_id, checks)

        self.run_db(save, group="marks", exclusive=False,
                    failed=lambda m: self.query_one("#check-error", Static).update(Text(m)))

    def _propose(self, lines: list[MaterialLine]) -> None:
        c = self.case
        checks = [MaterialCheck(x.name, x.is_main, x.state, x.problem) for x in lines]
        enquiry = c.case_class == CaseClass.ENQUIRY and CaseStatus(c.status) is CaseStatus.REGISTERED
        out = Text()
        try:
            self.proposal = propose_outcome(checks, enquiry_only=enquiry)
        except RuleViolation:
            self.proposal = None
            pending = sum(1 for x in lines if x.state is MaterialState.PENDING)
            out.append(T.PROPOSAL_PENDING.format(n=pending), style="dim")
            out.append(_defect_line(checks))
            self.query_one("#proposal", Static).update(out)
            return
        if self.supplement and self.proposal is not Outcome.ACCEPT:
            self.proposal = Outcome.SUPPLEMENT
        out.append(T.PROPOSAL.format(outcome=self.proposal.label), style="bold")
        out.append("  ")
        if self.proposal is Outcome.ACCEPT:
            if c.item_class == CaseClass.IMMEDIATE and not c.is_urgent:
                out.append(T.PROPOSAL_IMMEDIATE)
            else:
                due = self.ctx.calendar.add_working_days(self.ctx.clock.today(), c.promised_days)
                out.append(T.PROPOSAL_DUE.format(date=f"{due.date:%Y-%m-%d}",
                                                 provisional=T.DUE_PROVISIONAL if due.provisional else ""),
                           style="bold green")
            follow = follow_up_materials(checks)
            if follow:  # 容缺受理 (seed 003): the general materials to bring later or to correct
                out.append("\n" + T.PROPOSAL_FOLLOW_UP.format(names="、".join(
                    T.DEFECT_ITEM.format(name=x.name, problem=x.problem) if x.state is MaterialState.DEFECTIVE
                    else x.name for x in follow)), style="bold yellow")
            out.append("\n" + T.PHRASE_ACCEPT, style="dim")
        elif self.proposal is Outcome.REJECT:
            names = "、".join(x.name for x in main_missing(checks))
            out.append(T.PROPOSAL_RETURN.format(names=names) if names else T.PROPOSAL_RETURN_INELIGIBLE,
                       style="bold red")
            out.append(_defect_line(checks))
        elif self.proposal is Outcome.SUPPLEMENT:
            if main_defective(checks):  # art. 32: a main material not in legal form
                out.append(T.PROPOSAL_CORRECT, style="bold yellow")
                out.append(_defect_line(checks))
                out.append("\n" + T.PHRASE_CORRECT, style="dim")
            else:  # back with the materials, something still not there
                out.append(T.PROPOSAL_MISSING.format(n=len(supplement_materials(checks))), style="bold yellow")
                out.append("\n" + T.PHRASE_MISSING, style="dim")
        elif self.proposal is Outcome.ENQUIRY:
            out.append(T.PROPOSAL_ENQUIRY)
        self.query_one("#proposal", Static).update(out)

    # --- confirm --------------------------------------------------------------------------------------
    def _checks(self) -> list[Any]:
        from deskclient.services.cases import CheckInput

        table = self.query_one(MaterialChecklist)
        return [CheckInput(x.position, x.state, x.problem) for x in table.lines]

    def action_confirm(self) -> None:
        from deskclient.ui.screens.dialogs import ConfirmDialog

        if self.case is None or self.busy:
            return
        if self.proposal is None:
            self.query_one("#check-error", Static).update(Text(T.PROPOSAL_PENDING.format(
                n=sum(1 for x in self.query_one(MaterialChecklist).lines if x.state is MaterialState.PENDING))))
            return
        outcome = self.proposal
        if outcome is Outcome.REJECT:  # 退回件: the reasons go on the 退回件通知单 (seed 003)
            lines = self.query_one(MaterialChecklist).lines
            names = "、".join(x.name for x in lines if x.is_main and x.state is MaterialState.MISSING)
            self.action_reject(first=T.RETURN_REASON_MAIN.format(names=names) if names else "")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._commit(outcome, [])

        self.app.push_screen(ConfirmDialog(T.CONFIRM_OUTCOME_Q.format(outcome=outcome.label)), answer)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """收件待审 is offered only for a newly registered, non-enquiry case."""
        if action == "examine":
            c = self.case
            return (not self.supplement and c is not None and CaseStatus(c.status) is CaseStatus.REGISTERED
                    and c.case_class != CaseClass.ENQUIRY)
        return True

    def action_examine(self) -> None:
        """Take the materials in for examination: the art. 32 five-day clock starts today."""
        from deskclient.ui.screens.dialogs import ConfirmDialog

        if self.case is None or self.busy or not self.check_action("examine", ()):
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._commit(Outcome.EXAMINE, [])

        self.app.push_screen(ConfirmDialog(TC.EXAMINE_Q, TC.EXAMINE_DETAIL), answer)

    def action_reject(self, first: str = "") -> None:
        from deskclient.ui.screens.dialogs import ReasonsDialog

        if self.case is None or self.busy:
            return
        common = (first, *T.REJECT_REASONS) if first else T.REJECT_REASONS

        def answer(reasons: list[str] | None) -> None:
            if reasons:
                self._commit(Outcome.REJECT, reasons)

        self.app.push_screen(ReasonsDialog(T.REJECT_TITLE, common), answer)

    def _commit(self, outcome: Outcome, reasons: list[str]) -> None:
        ctx, clerk_id, case_id, checks = self.ctx, self.clerk.id, self.case_id, self._checks()
        supplement = self.supplement and outcome is not Outcome.REJECT
        self.busy = True

        def write() -> Any:
            with self._marks_lock:  # the outcome carries every mark: no separate save may follow it
                self._marks_latest = None
                if supplement:
                    case = ctx.cases.receive_supplement(case_id, clerk_id, checks)
                else:
                    case = ctx.cases.confirm_outcome(case_id, clerk_id, checks, outcome, reasons=reasons)
            # 容缺受理: the service issued the 补报材料通知单 with the acceptance; it is shown too
            follow = outcome is Outcome.ACCEPT and ctx.notices.has_original(case_id, NoticeKind.FOLLOW_UP)
            return case, follow

        def failed(message: str) -> None:
            self.busy = False
            self.query_one("#check-error", Static).update(Text(message))

        self.run_db(write, lambda r: self._done(r[0], outcome, follow_up=r[1]), failed=failed, group="confirm")

    def _done(self, case: Any, outcome: Outcome, *, follow_up: bool = False) -> None:
        from deskclient.ui.screens.case_detail import CaseDetailScreen
        from deskclient.ui.screens.notice_preview import NoticePreviewScreen

        if self.supplement and CaseStatus(case.status) is CaseStatus.AWAITING_SUPPLEMENT:
            outcome = Outcome.SUPPLEMENT
        if outcome is Outcome.EXAMINE:  # no notice yet: the decision follows within five days
            self.desk.notify_text(TC.EXAMINED.format(case_no=case.case_no))
            self.app.switch_screen(CaseDetailScreen(case.id))
            return
        self.desk.notify_text(T.OUTCOME_DONE.format(outcome=outcome.label, case_no=case.case_no))
        kind = str(notice_for_outcome(CaseClass(case.item_class), outcome))
        if self.supplement or self.decide:
            self.app.pop_screen()  # back to the case detail, which reloads on resume
        else:
            self.app.switch_screen(CaseDetailScreen(case.id))
        # 容缺受理: the 补报材料通知单 the service issued with the acceptance is shown and printed with it
        companions = (str(NoticeKind.FOLLOW_UP),) if follow_up else ()
        self.app.push_screen(NoticePreviewScreen(case.id, kind, companions=companions))

    def action_back(self) -> None:
        self.app.pop_screen()
