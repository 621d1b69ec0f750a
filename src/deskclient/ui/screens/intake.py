"""Intake (受理): find the item, enter the applicant and an optional agent (checked as you type),
register the matter (an enquiry too: 每件一登记) or transfer it to the right window (首问负责).

Nothing typed is lost: every change is saved as a local draft (debounced, in a worker); the draft is
deleted once the intake is confirmed and offered back at the next sign-in otherwise.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Checkbox, Static

from deskclient.domain import identity
from deskclient.domain.catalog import serving_window
from deskclient.strings import clocks_ui as TC
from deskclient.strings import intake as TI
from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.fields import ValidatedField
from deskclient.ui.widgets.item_picker import ItemPicker

DRAFT_DEBOUNCE_S = 0.4


def draft_summary(data: dict[str, Any]) -> str:
    """One line for the restore question (the ID number never appears, only name and item)."""
    return " · ".join(x for x in (str(data.get("applicant_name", "")), str(data.get("item_name", ""))) if x) or "—"


def _required_text(value: str) -> str | None:
    return None if value.strip() else TI.REQUIRED


class IntakeScreen(DeskScreen):
    CSS_PATH = "intake.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "confirm", T.KEY_CONFIRM_INTAKE, id="intake.confirm"),
        Binding("f4", "transfer", T.KEY_TRANSFER, id="intake.transfer"),
        Binding("f6", "toggle_agent", T.KEY_AGENT, id="intake.agent"),
        Binding("f7", "toggle_enquiry", T.KEY_ENQUIRY, id="intake.enquiry"),
        Binding("f3", "toggle_unowned", TC.UNOWNED, id="intake.unowned"),
        Binding("escape", "back", T.KEY_BACK, id="intake.back"),
    ]

    def __init__(self, *, draft_id: str | None = None, restore: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.draft_id = draft_id or uuid.uuid4().hex
        self.restore = restore or {}
        self.item: Any = None
        self._station_windows: frozenset[str] = frozenset()  # this station's window numbers, once loaded
        self.busy = False
        self._draft_timer: Timer | None = None
        self._draft_lock = threading.Lock()
        self._draft_latest: dict[str, Any] | None = None
        self._restoring = False

    # --- layout -----------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="intake"):
            with Horizontal(classes="row"):
                yield Static(T.ITEM_SEARCH, classes="label", markup=False)
                yield ItemPicker(self._search, id="picker")
            yield Static(Text(T.ITEM_NONE), id="item-info", markup=False)
            yield Static(T.APPLICANT, classes="section", markup=False)
            yield ValidatedField(T.NAME, identity.check_name, id="a-name", max_length=40)
            yield ValidatedField(T.ID_NO, self._check_applicant_id, id="a-id", max_length=24)
            yield ValidatedField(T.PHONE, identity.check_mobile, id="a-phone", max_length=20)
            with Horizontal(classes="row"):
                yield Checkbox(T.HAS_AGENT + " F6", id="has-agent")
                yield Checkbox(T.ENQUIRY + " F7", id="enquiry")
                yield Checkbox(TC.UNOWNED + " F3", id="unowned", tooltip=TC.UNOWNED_HINT)
            with VerticalScroll(id="agent-box"):
                yield ValidatedField(T.NAME, identity.check_name, id="g-name", max_length=40)
                yield ValidatedField(T.ID_NO, lambda v: identity.check_id_number(v, required=True), id="g-id",
                                     max_length=24)
                yield ValidatedField(T.PHONE, identity.check_mobile, id="g-phone", max_length=20)
                yield ValidatedField(T.RELATION, _required_text, id="g-relation", placeholder=T.RELATION_PLACEHOLDER,
                                     max_length=20)
                yield Checkbox(T.POWER_OF_ATTORNEY, id="poa")
            yield ValidatedField(T.NOTE, None, id="note", max_length=200)
            yield Static("", id="intake-error", classes="error", markup=False)
            yield Static(T.PHRASE_INTAKE, classes="hint", markup=False)

    def on_mount(self) -> None:
        self.title = T.INTAKE_TITLE
        self.sub_title = self.desk.sub_title
        self.query_one("#agent-box").display = False
        self.query_one(ItemPicker).query_input.focus()
        ctx = self.ctx

        def load() -> tuple[Any, frozenset[str]]:
            return ctx.catalog_index, frozenset(w.number for w in ctx.people.windows())

        self.run_db(load, self._catalog_ready,
                    failed=lambda m: self._error(T.CATALOG_FAILED.format(message=m)), group="catalog")

    def _catalog_ready(self, loaded: tuple[Any, frozenset[str]]) -> None:
        self._station_windows = loaded[1]
        if self.item is not None:  # chosen from a restored draft before the windows were known
            self._set_item(self.item)
        if self.restore:
            self._apply_restore(self.restore)

    def _search(self, text: str) -> list[Any]:
        return self.ctx.catalog_index.search(text, limit=8)

    def _check_applicant_id(self, value: str) -> str | None:
        enquiry = self.query_one("#enquiry", Checkbox).value if self.is_mounted else False
        return identity.check_id_number(value, required=not enquiry)

    def _field(self, fid: str) -> ValidatedField:
        return self.query_one(f"#{fid}", ValidatedField)

    def _error(self, message: str) -> None:
        self.query_one("#intake-error", Static).update(Text(message))

    # --- item -------------------------------------------------------------------------------------
    @on(ItemPicker.Selected)
    def _item_selected(self, event: ItemPicker.Selected) -> None:
        self._set_item(event.item)
        self._field("a-name").focus()
        self._changed()

    def _set_item(self, item: Any) -> None:
        self.item = item
        picker = self.query_one(ItemPicker)
        with picker.query_input.prevent(picker.query_input.Changed):
            picker.set_query(item.name)
        if item.is_immediate:
            line = T.ITEM_CHOSEN_IMMEDIATE.format(name=item.name, code=item.code, window=item.window)
        else:
            line = T.ITEM_CHOSEN.format(name=item.name, code=item.code, cls=item.item_class.label,
                                        days=item.promised_days, window=item.window)
        text = Text(line, style="bold")
        serving = serving_window(item.window, self.desk.window, self._station_windows)
        if serving != self.desk.window:
            text.append("\n" + T.ITEM_OTHER_WINDOW.format(window=serving), style="yellow")
        elif item.window != self.desk.window:
            text.append("\n" + T.ITEM_NO_SUCH_WINDOW.format(window=item.window), style="yellow")
        self.query_one("#item-info", Static).update(text)

    # --- changes → draft ----------------------------------------------------------------------------
    @on(ValidatedField.Changed)
    def _field_changed(self) -> None:
        self._changed()

    @on(Checkbox.Changed, "#has-agent")
    def _agent_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#agent-box").display = event.value
        self._changed()

    @on(Checkbox.Changed, "#enquiry")
    def _enquiry_toggled(self) -> None:
        self._field("a-id").validate_now(show_empty=False)
        self._changed()

    @on(Checkbox.Changed, "#unowned")
    def _unowned_toggled(self) -> None:
        self._changed()

    def action_toggle_unowned(self) -> None:
        box = self.query_one("#unowned", Checkbox)
        box.value = not box.value

    @on(Checkbox.Changed, "#poa")
    def _poa_toggled(self) -> None:
        self._changed()

    def action_toggle_agent(self) -> None:
        box = self.query_one("#has-agent", Checkbox)
        box.value = not box.value
        if box.value:
            self._field("g-name").focus()

    def action_toggle_enquiry(self) -> None:
        box = self.query_one("#enquiry", Checkbox)
        box.value = not box.value

    def form_data(self) -> dict[str, Any]:
        """What the draft keeps (local only: it may hold a full ID number, never sent anywhere)."""
        f = self._field
        return {
            "item_code": self.item.code if self.item else "", "item_name": self.item.name if self.item else "",
            "applicant_name": f("a-name").value, "applicant_id": f("a-id").value,
            "applicant_phone": f("a-phone").value,
            "has_agent": self.query_one("#has-agent", Checkbox).value,
            "agent_name": f("g-name").value, "agent_id": f("g-id").value, "agent_phone": f("g-phone").value,
            "agent_relation": f("g-relation").value, "power_of_attorney": self.query_one("#poa", Checkbox).value,
            "enquiry": self.query_one("#enquiry", Checkbox).value, "note": f("note").value,
            "unowned": self.query_one("#unowned", Checkbox).value,
        }

    def _changed(self) -> None:
        if self._restoring or self.desk.clerk is None:
            return
        self._draft_latest = self.form_data()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        delay = getattr(self.desk, "draft_debounce", DRAFT_DEBOUNCE_S)
        if delay <= 0:
            self._save_draft()
        else:
            self._draft_timer = self.set_timer(delay, self._save_draft)

    def _save_draft(self) -> None:
        ctx, clerk_id, draft_id = self.ctx, self.clerk.id, self.draft_id

        def save() -> None:
            with self._draft_lock:  # the newest form state wins, whatever order the workers run in
                data = self._draft_latest
                if data is not None:
                    ctx.intake.save_draft(draft_id, clerk_id, data)

        self.run_db(save, group="draft", exclusive=False)

    def _apply_restore(self, data: dict[str, Any]) -> None:
        self._restoring = True
        try:
            code = str(data.get("item_code") or "")
            item = self.ctx.catalog.get(code) if code else None
            if item is not None:
                self._set_item(item)
            f = self._field
            for fid, key in (("a-name", "applicant_name"), ("a-id", "applicant_id"), ("a-phone", "applicant_phone"),
                             ("g-name", "agent_name"), ("g-id", "agent_id"), ("g-phone", "agent_phone"),
                             ("g-relation", "agent_relation"), ("note", "note")):
                f(fid).value = str(data.get(key) or "")
            self.query_one("#has-agent", Checkbox).value = bool(data.get("has_agent"))
            self.query_one("#enquiry", Checkbox).value = bool(data.get("enquiry"))
            self.query_one("#poa", Checkbox).value = bool(data.get("power_of_attorney"))
            self.query_one("#unowned", Checkbox).value = bool(data.get("unowned"))
            self.query_one("#agent-box").display = bool(data.get("has_agent"))
        finally:
            self.call_after_refresh(setattr, self, "_restoring", False)
        self._field("a-name").focus()

    # --- confirm -------------------------------------------------------------------------------------
    def _intake(self) -> Any:
        """Validate every field (showing each problem beside it) and build the Intake, or None."""
        from deskclient.services.cases import Intake, PersonInput, unowned_item

        unowned = self.query_one("#unowned", Checkbox).value
        item = self.item if self.item is not None or not unowned else unowned_item(self.desk.window)
        if item is None:
            self._error(T.ITEM_NONE)
            self.query_one(ItemPicker).query_input.focus()
            return None
        fields = ["a-name", "a-id", "a-phone"]
        has_agent = self.query_one("#has-agent", Checkbox).value
        if has_agent:
            fields += ["g-name", "g-id", "g-phone", "g-relation"]
        for fid in fields:
            problem = self._field(fid).validate_now()
            if problem:
                self._error(TI.FIELD_ERROR.format(field=self._label_of(fid), message=problem))
                self._field(fid).focus()
                return None
        f = self._field
        agent = PersonInput(f("g-name").value, f("g-id").value, f("g-phone").value) if has_agent else None
        return Intake(window=self.desk.window, item=item, unowned=unowned,
                      applicant=PersonInput(f("a-name").value, f("a-id").value, f("a-phone").value),
                      agent=agent, agent_relation=f("g-relation").value if has_agent else "",
                      power_of_attorney=has_agent and self.query_one("#poa", Checkbox).value,
                      enquiry=self.query_one("#enquiry", Checkbox).value, note=f("note").value.strip())

    @staticmethod
    def _label_of(fid: str) -> str:
        who = T.AGENT if fid.startswith("g-") else T.APPLICANT
        what = {"name": T.NAME, "id": T.ID_NO, "phone": T.PHONE, "relation": T.RELATION}[fid.split("-", 1)[1]]
        return who + what

    def action_confirm(self) -> None:
        if self.busy:
            return
        intake = self._intake()
        if intake is None:
            return
        self.busy = True
        ctx, clerk_id, draft_id = self.ctx, self.clerk.id, self.draft_id
        if self._draft_timer is not None:
            self._draft_timer.stop()

        def register() -> Any:
            with self._draft_lock:  # no draft save may slip in after the case is registered
                self._draft_latest = None
                return ctx.intake.confirm(intake, clerk_id, draft_id=draft_id)  # one transaction

        self.run_db(register, self._registered, failed=self._failed, group="confirm")

    def _failed(self, message: str) -> None:
        self.busy = False
        self._error(message)

    def _registered(self, case: Any) -> None:
        from deskclient.domain.cases import CaseClass
        from deskclient.ui.screens.checklist import ChecklistScreen

        if case.case_class == CaseClass.UNOWNED:  # nothing to check yet: the head routes it first
            from deskclient.ui.screens.case_detail import CaseDetailScreen

            self.desk.notify_text(TC.UNOWNED_REGISTERED.format(case_no=case.case_no))
            self.app.switch_screen(CaseDetailScreen(case.id))
            return
        self.desk.notify_text(T.REGISTERED.format(case_no=case.case_no))
        self.app.switch_screen(ChecklistScreen(case.id))

    def action_transfer(self) -> None:
        from deskclient.ui.screens.dialogs import TransferAnswer, TransferDialog

        if self.busy:
            return
        intake = self._intake()
        if intake is None:
            return
        ctx = self.ctx

        def windows() -> list[tuple[str, str]]:
            return [(w.number, w.name) for w in ctx.people.windows() if w.number != self.desk.window]

        def ask(options: list[tuple[str, str]]) -> None:
            suggested = (serving_window(self.item.window, self.desk.window, self._station_windows)
                         if self.item else None)
            self.app.push_screen(TransferDialog(options, suggested=suggested), self._do_transfer)

        self._pending_intake = intake
        self.run_db(windows, ask, group="windows")
        _ = TransferAnswer

    def _do_transfer(self, answer: Any) -> None:
        if answer is None:
            return
        intake = self._pending_intake
        ctx, clerk_id, draft_id = self.ctx, self.clerk.id, self.draft_id
        self.busy = True

        def register_and_transfer() -> Any:
            with self._draft_lock:
                self._draft_latest = None
                # register + transfer + delete the draft: one transaction, all or nothing
                return ctx.intake.confirm_and_transfer(intake, clerk_id, to_window=answer.window,
                                                       reason=answer.reason, draft_id=draft_id)

        def done(case: Any) -> None:
            self.desk.notify_text(T.TRANSFERRED.format(window=case.window, case_no=case.case_no))
            self.desk.go_home()  # the visitor is finished here: home, never an earlier visitor's case

        self.run_db(register_and_transfer, done, failed=self._failed, group="confirm")

    def action_back(self) -> None:
        """Leave without confirming: the draft stays and is offered back at the next sign-in."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._save_draft()
        self.app.pop_screen()
