"""A station made by the first-run wizard issues every notice kind without anyone editing files
(issue #15): the wizard asks for the county, the reconsideration body and the court (pre-filled from
the county centre's name, editable) and the notice phones; the 联办件通知书 names the departments the
clerk confirmed in the desk's dialog. Asserted on the ledger (rows, events) and the archived notice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.ui.conftest import SIZE, Ledger, new_app, screen_text, settle, sign_in
from tests.ui.test_desk_paths import register, start_intake
from textual.widgets import OptionList, TextArea

from deskclient.settings import Mode, Paths, load_settings
from deskclient.ui.screens.dialogs import ConfirmDialog, ReasonsDialog
from deskclient.ui.screens.joint_dialog import JointDepartmentsDialog
from deskclient.ui.screens.notice_preview import NoticePreviewScreen
from deskclient.ui.screens.sign_in import SignInScreen


async def make_wizard_station(root: Path) -> Paths:
    """The first-run wizard at 80×24, typed as a head would: the county and the remedy bodies come
    pre-filled from the county centre's name; the court is edited by hand."""
    paths = Paths.resolve(root, Mode.STATION)
    app = new_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_wizard(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot, rounds=6)
        assert isinstance(app.screen, SignInScreen), screen_text(app)
    return paths


async def fill_wizard(app: Any, pilot: Any) -> None:
    await settle(app, pilot)
    s = app.screen
    for fid, value in (("code", "QS13"), ("name", "青山镇便民服务中心"), ("url", ""),
                       ("head", "zhou 周主任 8888")):
        s.query_one(f"#{fid}").value = value
    s.query_one("#centre").focus()
    await pilot.press(*"某某县政务服务中心")
    await settle(app, pilot)
    assert s.query_one("#county").value == "某某县"  # pre-filled from the centre's name
    assert s.query_one("#reconsideration_body").value == "某某县人民政府"
    assert s.query_one("#court").value == "某某县人民法院"
    s.query_one("#court").value = "某某市某某区人民法院"  # 集中管辖: the head corrects it
    s.query_one("#progress_phone").value = "0851-86001234"
    s.query_one("#windows", TextArea).text = "1 民政残联窗口 民政办\n2 社保窗口 社保所"
    s.query_one("#clerks", TextArea).text = "1 A wang 王芳 1234\n2 A zhang 张敏 1234"


async def accept(app: Any, pilot: Any) -> None:
    await pilot.press("f9")
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("f9")
    await settle(app, pilot)


async def test_wizard_station_issues_a_rejection_naming_the_reconsideration_body_and_court(tmp_path: Path) -> None:
    from pypdf import PdfReader

    paths = await make_wizard_station(tmp_path / "desk")
    ledger = Ledger(paths)
    assert ledger.rows("SELECT county FROM station")[0]["county"] == "某某县"
    station = load_settings(paths.config_file).station  # written by the wizard, not by hand
    assert (station.reconsideration_body, station.court) == ("某某县人民政府", "某某市某某区人民法院")
    assert station.progress_phone == "0851-86001234" and station.complaint_phone == ""

    app = new_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", "1234")
        await start_intake(app, pilot, "mz-004")
        await register(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonsDialog)
        await pilot.press("enter", "f9")  # the first common reason
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen)
        await pilot.press("f9")  # issue
        await settle(app, pilot, rounds=6)  # the archive worker renders the PDF after the commit
    case = ledger.case()
    notice = ledger.rows("SELECT * FROM notice WHERE case_id = ? AND kind = 'rejection'", case["id"])[0]
    assert "notice.issued" in ledger.events(case["id"]) and "notice.archived" in ledger.events(case["id"])
    assert "_archive" not in json.loads(notice["detail"])  # rendered: no longer pending
    text = "".join(p.extract_text() for p in PdfReader(notice["archive_path"]).pages).replace(" ", "")
    assert "某某县人民政府申请行政复议" in text and "某某市某某区人民法院提起行政诉讼" in text
    assert "0851-86001234" in text and "12345" in text  # the progress phone; no complaint phone: 12345


async def test_joint_notice_names_the_departments_the_clerk_confirmed(tmp_path: Path) -> None:
    from pypdf import PdfReader

    paths = await make_wizard_station(tmp_path / "desk")
    ledger = Ledger(paths)
    app = new_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "wang", "1234")
        await start_intake(app, pilot, "cl-005")
        await register(app, pilot)
        await pilot.press("a")
        await accept(app, pilot)  # accepted → the 联办件通知书's preview → the dialog
        dialog = app.screen
        assert isinstance(dialog, JointDepartmentsDialog)
        listing = dialog.query_one("#departments", OptionList)
        assert listing.option_count == 3  # the catalog's: 镇残联、县残疾人联合会、县住房和城乡建设局
        shown = screen_text(app)
        assert "县住房和城乡建设局" in shown and "F9" in shown  # all of it visible at 80×24
        listing.focus()
        await pilot.press("down", "down", "delete")  # remove 县住房和城乡建设局
        await pilot.press("tab")
        await pilot.press(*"县财政局", "enter")  # add one
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticePreviewScreen)
        assert "县财政局" in screen_text(app)
        await pilot.press("f9")  # issue
        await settle(app, pilot, rounds=6)
    case = ledger.case()
    assert ledger.payloads(case["id"], "case.joint_departments_confirmed") == [{
        "departments": ["镇残联", "县残疾人联合会", "县财政局"],
        "catalog": ["镇残联", "县残疾人联合会", "县住房和城乡建设局"], "edited": True}]
    notice = ledger.rows("SELECT * FROM notice WHERE case_id = ? AND kind = 'joint'", case["id"])[0]
    assert json.loads(notice["detail"])["departments"] == ["镇残联", "县残疾人联合会", "县财政局"]
    text = "".join(p.extract_text() for p in PdfReader(notice["archive_path"]).pages).replace(" ", "")
    assert "联办部门：镇残联、县残疾人联合会、县财政局" in text
    assert "县住房和城乡建设局" not in text


async def test_joint_notice_is_not_issued_before_the_departments_are_confirmed(tmp_path: Path) -> None:
    paths = await make_wizard_station(tmp_path / "desk")
    ledger = Ledger(paths)
    app = new_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", "1234")
        await start_intake(app, pilot, "cl-005")
        await register(app, pilot)
        await pilot.press("a")
        await accept(app, pilot)
        assert isinstance(app.screen, JointDepartmentsDialog)
        await pilot.press("escape")  # not now
        await settle(app, pilot)
        await pilot.press("f9")  # F9 asks again instead of issuing an unconfirmed list
        await settle(app, pilot)
        assert isinstance(app.screen, JointDepartmentsDialog)
        case: Any = ledger.case()
        assert ledger.count("SELECT count(*) FROM notice WHERE case_id = ?", case["id"]) == 0
        await pilot.press("f9")  # the catalog's list as it is
        await settle(app, pilot, rounds=6)
        assert isinstance(app.screen, NoticePreviewScreen)
    assert ledger.payloads(case["id"], "case.joint_departments_confirmed")[0]["edited"] is False
    assert ledger.count("SELECT count(*) FROM notice WHERE case_id = ? AND kind = 'joint'", case["id"]) == 1


async def test_head_changes_the_notice_lines_and_the_administrators_notes_stay(tmp_path: Path) -> None:
    """F8 → G, S on a wizard-made station whose settings.toml the administrator annotated by hand:
    the S write changes the court and keeps the notes; while the file does not parse, the same
    write is refused on screen and the file is left byte for byte (docs/decisions.md)."""
    from textual.widgets import Static

    from deskclient.ui.widgets.desk_forms import FormDialog

    paths = await make_wizard_station(tmp_path / "desk")
    ledger = Ledger(paths)
    written = paths.config_file.read_text(encoding="utf-8")
    annotated = ("# 李工 2026-11-20:法院按集中管辖改过,勿删本行\n" + written).replace(
        'court = "某某市某某区人民法院"', 'court = "某某市某某区人民法院"  # 市中院指定')
    broken = annotated.replace("[printer]", "[printer")  # a hand edit half done while the desk runs

    async def notice_lines(app: Any, pilot: Any, court: str) -> None:
        await pilot.press("s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#f-court").value = court
        dialog.query_one("#f-head_pin").value = "8888"
        await pilot.press("f9")
        await settle(app, pilot)

    app = new_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "zhou", "8888")
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        paths.config_file.write_text(broken, encoding="utf-8")
        await notice_lines(app, pilot, "某某市铁路运输法院")
        message = str(app.screen.query_one("#admin-message", Static).render())
        assert "格式错误" in message and "没有保存" in message, message
        assert paths.config_file.read_text(encoding="utf-8") == broken
        assert ledger.rows("SELECT * FROM event WHERE type = 'station.notice_lines_changed'") == []

        paths.config_file.write_text(annotated, encoding="utf-8")  # the administrator finishes the edit
        await notice_lines(app, pilot, "某某市铁路运输法院")
        assert "告知书信息已保存" in screen_text(app)
    text = paths.config_file.read_text(encoding="utf-8")
    assert text.startswith("# 李工 2026-11-20:法院按集中管辖改过,勿删本行\n")
    assert 'court = "某某市铁路运输法院"  # 市中院指定' in text
    assert text == annotated.replace('court = "某某市某某区人民法院"', 'court = "某某市铁路运输法院"')
    assert load_settings(paths.config_file).station.court == "某某市铁路运输法院"
    [row] = ledger.rows("SELECT payload FROM event WHERE type = 'station.notice_lines_changed'")
    assert json.loads(row["payload"])["court"] == "某某市铁路运输法院"


async def test_the_wizard_refuses_a_settings_file_broken_meanwhile_and_can_be_saved_again(tmp_path: Path) -> None:
    """A half-done hand edit while the wizard is open: saving is refused with the file's line and
    nothing is set up or written; once the file is fixed, F9 sets the station up and keeps the notes."""
    paths = Paths.resolve(tmp_path / "desk", Mode.STATION)
    app = new_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_wizard(app, pilot)
        broken = "# 李工:打印机待定\n[printer\nkind = \"none\"\n"
        paths.config_file.write_text(broken, encoding="utf-8")
        await pilot.press("f9")
        await settle(app, pilot, rounds=6)
        assert not isinstance(app.screen, SignInScreen)
        shown = str(app.screen.query_one("#setup-error").render())
        assert "第 2 行" in shown and "没有保存" in shown, shown
        assert paths.config_file.read_text(encoding="utf-8") == broken
        assert Ledger(paths).rows("SELECT code FROM station") == []  # not set up: F9 may be pressed again

        paths.config_file.write_text(broken.replace("[printer", "[printer]"), encoding="utf-8")
        await pilot.press("f9")
        await settle(app, pilot, rounds=6)
        assert isinstance(app.screen, SignInScreen), screen_text(app)
    text = paths.config_file.read_text(encoding="utf-8")
    assert text.startswith("# 李工:打印机待定\n[printer]\nkind = \"none\"\n")
    station = load_settings(paths.config_file).station
    assert (station.court, station.progress_phone) == ("某某市某某区人民法院", "0851-86001234")
    assert [r["code"] for r in Ledger(paths).rows("SELECT code FROM station")] == ["QS13"]
