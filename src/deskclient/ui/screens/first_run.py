"""First start on a new data directory: the station, its windows, A/B clerks and a centre head."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Button, Label, Static, TextArea

from deskclient.domain.errors import ValidationError
from deskclient.domain.notices import county_of, remedy_bodies
from deskclient.services.people import parse_setup
from deskclient.strings import ui as T
from deskclient.ui.screens.base import DeskScreen
from deskclient.ui.widgets.fields import ValidatedField


def _required(value: str) -> str | None:
    from deskclient.strings import intake as TI

    return None if value.strip() else TI.REQUIRED


def _code(value: str) -> str | None:
    import re

    from deskclient.strings import people as TP

    return None if re.fullmatch(r"[A-Za-z0-9]{2,12}", value.strip()) else TP.STATION_CODE_FORMAT


NOTICE_KEYS = ("county", "reconsideration_body", "court", "progress_phone", "complaint_phone")


class FirstRunScreen(DeskScreen):
    CSS_PATH = "first_run.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "save", T.FIRST_RUN_SAVE, id="first_run.save")]

    def __init__(self) -> None:
        super().__init__()
        self._prefilled: dict[str, str] = {}  # what the wizard itself put in a field (the clerk may edit)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="first-run"):
            yield Static(T.FIRST_RUN_INTRO, classes="hint", markup=False)
            yield ValidatedField(T.STATION_CODE, _code, placeholder=T.STATION_CODE_HINT, id="code")
            yield ValidatedField(T.STATION_NAME, _required, placeholder=T.STATION_NAME_HINT, id="name")
            yield ValidatedField(T.STATION_CENTRE, None, placeholder=T.STATION_CENTRE_HINT, id="centre")
            yield ValidatedField(T.STATION_URL, None, placeholder=T.STATION_URL_HINT, id="url")
            # what every notice prints (issue #15): a wizard-made station can issue every kind
            yield Static(T.FIRST_RUN_NOTICE_INTRO, classes="hint", markup=False)
            yield ValidatedField(T.STATION_COUNTY, None, placeholder=T.STATION_COUNTY_HINT, id="county")
            yield ValidatedField(T.STATION_REVIEW_BODY, _required, placeholder=T.STATION_REVIEW_BODY_HINT,
                                 id="reconsideration_body")
            yield ValidatedField(T.STATION_COURT, _required, placeholder=T.STATION_COURT_HINT, id="court")
            yield ValidatedField(T.STATION_PROGRESS_PHONE, None, placeholder=T.STATION_PHONE_HINT,
                                 id="progress_phone")
            yield ValidatedField(T.STATION_COMPLAINT_PHONE, None, placeholder=T.STATION_PHONE_HINT,
                                 id="complaint_phone")
            yield Label(Text(f"{T.WINDOWS_LABEL}  {T.WINDOWS_HINT}"), classes="hint")
            yield TextArea(id="windows", soft_wrap=False)
            yield Label(Text(f"{T.CLERKS_LABEL}  {T.CLERKS_HINT}"), classes="hint")
            yield TextArea(id="clerks", soft_wrap=False)
            yield ValidatedField(T.HEAD_LABEL, _required, placeholder=T.HEAD_HINT, id="head")
            yield Static("", id="setup-error", classes="error", markup=False)
            yield Button(T.FIRST_RUN_SAVE + " (F9)", id="save", variant="primary")

    def on_mount(self) -> None:
        self.title = T.FIRST_RUN_TITLE
        self.query_one("#code", ValidatedField).focus()

    def _prefill(self, key: str, value: str) -> None:
        """Fill a field from another one unless the clerk typed something of their own there."""
        field = self.query_one(f"#{key}", ValidatedField)
        if field.value.strip() and field.value != self._prefilled.get(key, ""):
            return
        self._prefilled[key] = value
        field.value = value

    @on(ValidatedField.Changed, "#centre")
    def _centre_changed(self, event: ValidatedField.Changed) -> None:
        self._prefill("county", county_of(event.value))

    @on(ValidatedField.Changed, "#county")
    def _county_changed(self, event: ValidatedField.Changed) -> None:
        body, court = remedy_bodies(event.value)
        self._prefill("reconsideration_body", body)
        self._prefill("court", court)

    @on(Button.Pressed, "#save")
    def _pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        err = self.query_one("#setup-error", Static)
        fields = {k: self.query_one(f"#{k}", ValidatedField) for k in ("code", "name", "centre", "url", *NOTICE_KEYS,
                                                                        "head")}
        for f in fields.values():
            if f.validate_now():
                err.update(Text(f.problem or ""))
                f.focus()
                return
        try:
            windows, clerks = parse_setup(self.query_one("#windows", TextArea).text,
                                          self.query_one("#clerks", TextArea).text, fields["head"].value)
        except ValidationError as e:
            err.update(Text(e.message))
            return
        code, name = fields["code"].value.strip(), fields["name"].value.strip()
        centre, url = fields["centre"].value.strip(), fields["url"].value.strip()
        county = fields["county"].value.strip()
        lines = {k: fields[k].value.strip() for k in NOTICE_KEYS if k != "county"}
        ctx = self.ctx

        def setup() -> list:
            # settings.toml [station] first: a file that no longer parses is refused (SettingsError)
            # before the station exists, so the head can fix it and press F9 again
            ctx.save_station_settings(**lines)
            ctx.people.setup_station(code=code, name=name, centre=centre, county=county, central_url=url,
                                     windows=windows, clerks=clerks, is_training=ctx.is_training)
            ctx.refresh_station()
            return ctx.people.clerks()

        err.update("")
        self.run_db(setup, self._done, failed=lambda m: err.update(Text(m)), group="setup")

    def _done(self, clerks: list) -> None:
        self.desk.clerks = clerks
        self.desk.notify_text(T.FIRST_RUN_DONE)
        self.desk._refresh_title()
        self.desk.show_sign_in()
