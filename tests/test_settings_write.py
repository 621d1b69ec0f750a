"""Writing settings.toml keeps what a centre administrator wrote: comments, blank lines, key order,
keys and tables this version does not know. The writes are the ones a station makes: the first-run
wizard's service (``ctx.save_station_settings``) and the head's S 告知书信息 (``ctx.admin``), on a
station set up by the wizard's service; asserted on the file's bytes, its parsed values and the
ledger's event. A file that no longer parses is refused and left byte for byte as it was."""

from __future__ import annotations

import json
import tempfile
import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from deskclient.domain.clock import FixedClock
from deskclient.services.context import DeskContext, open_context
from deskclient.services.people import parse_setup
from deskclient.settings import (
    Mode,
    Paths,
    PrinterSettings,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    update_settings,
)
from deskclient.store.models import Event
from deskclient.strings import settings as T

HEAD, PIN = "zhouzhuren", "8888"

# What an administrator made of the file: notes, their own order, a key and a table from a newer
# version (the reader would name those as unknown; the writer must not drop them).
HAND_WRITTEN = """\
# 青石镇便民服务中心 设置文件 —— 李工 2026-11-20 修改,改前先备份!

# 80 毫米小票机,驱动没装好之前先打印到文件
[printer]
kind = "file"         # 临时
device = "prints/notice.txt"
columns = 48

[station]
# 复议机关按县政府 2026 年第 3 号文件
reconsideration_body = "某某县人民政府"
court = "某某县人民法院"   # 集中管辖以前的写法
progress_phone = "0851-86001234"
screen_saver = "off"   # 新版本才有的设置

[county_portal]   # 新版本才有的分组
enabled = true
districts = ["青石镇", "白沙镇"]
"""


def wizard_ctx(root: Path) -> DeskContext:
    """A station set up by the first-run wizard's service (its parser and PeopleService.setup_station)."""
    ctx = open_context(Paths.resolve(root, Mode.STATION), clock=FixedClock(datetime(2026, 11, 24, 9, 30)))
    windows, clerks = parse_setup("1 民政窗口 民政办\n2 社保窗口 人社所", "1 A wangfang 王芳 1234",
                                  f"{HEAD} 周主任 {PIN}")
    ctx.people.setup_station(code="ZX07", name="青石镇便民服务中心", centre="某某县政务服务中心", county="某某县",
                             central_url="", windows=windows, clerks=clerks)
    return ctx


def _events(ctx: DeskContext, type_: str) -> list[dict[str, str]]:
    with ctx.ledger.read() as s:
        return [json.loads(e.payload) for e in s.exec(select(Event).where(Event.type == type_))]


def test_first_run_writes_the_commented_template(tmp_path: Path) -> None:
    ctx = wizard_ctx(tmp_path)
    assert not ctx.paths.config_file.exists()
    ctx.save_station_settings(reconsideration_body="某某县人民政府", court="某某县人民法院",
                              progress_phone=" 0851-86001234 ", complaint_phone="")
    text = ctx.paths.config_file.read_text(encoding="utf-8")
    assert text.startswith(T.FILE_HEADER + "\n")
    assert all(f"[{section}]" in text for section in Settings().to_dict())  # every key to see and edit
    station = load_settings(ctx.paths.config_file).station
    assert (station.court, station.progress_phone) == ("某某县人民法院", "0851-86001234")
    assert ctx.settings.station.court == "某某县人民法院"  # used from now on
    ctx.close()


def test_wizard_and_head_writes_keep_comments_order_and_unknown_keys(tmp_path: Path) -> None:
    ctx = wizard_ctx(tmp_path)
    path = ctx.paths.config_file
    path.write_text(HAND_WRITTEN, encoding="utf-8")

    ctx.save_station_settings(court="某某市某某区人民法院", complaint_phone="0851-86005678",
                              reconsideration_body="某某县人民政府", progress_phone="0851-86001234")
    # exactly the changed line and one added key; every other byte as the administrator left it
    expected = HAND_WRITTEN.replace('court = "某某县人民法院"   #', 'court = "某某市某某区人民法院"   #').replace(
        'screen_saver = "off"   # 新版本才有的设置\n',
        'screen_saver = "off"   # 新版本才有的设置\ncomplaint_phone = "0851-86005678"\n')
    assert path.read_text(encoding="utf-8") == expected

    lines = {"reconsideration_body": "某某市人民政府", "court": "某某市铁路运输法院",
             "progress_phone": "0851-86001234", "complaint_phone": ""}
    ctx.admin.set_notice_lines(HEAD, PIN, lines)

    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    assert raw["station"] == {"reconsideration_body": "某某市人民政府", "court": "某某市铁路运输法院",
                              "progress_phone": "0851-86001234", "screen_saver": "off", "complaint_phone": ""}
    assert raw["county_portal"] == {"enabled": True, "districts": ["青石镇", "白沙镇"]}
    assert raw["printer"] == {"kind": "file", "device": "prints/notice.txt", "columns": 48}
    for note in ("# 青石镇便民服务中心 设置文件 —— 李工 2026-11-20 修改,改前先备份!", "# 临时",
                 "# 复议机关按县政府 2026 年第 3 号文件", "# 集中管辖以前的写法", "# 新版本才有的设置",
                 "# 新版本才有的分组", "# 80 毫米小票机,驱动没装好之前先打印到文件"):
        assert note in text, note
    order = [line.split("=")[0].strip() for line in text.splitlines() if line and not line.startswith("#")]
    assert order == ["[printer]", "kind", "device", "columns", "[station]", "reconsideration_body", "court",
                     "progress_phone", "screen_saver", "complaint_phone", "[county_portal]   # 新版本才有的分组",
                     "enabled", "districts"]
    assert _events(ctx, "station.notice_lines_changed") == [lines]
    assert ctx.settings.station.court == "某某市铁路运输法院"
    ctx.close()


def test_a_file_that_no_longer_parses_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    ctx = wizard_ctx(tmp_path)
    path = ctx.paths.config_file
    broken = HAND_WRITTEN.replace('court = "某某县人民法院"', 'court = "某某县人民法院').encode("utf-8")
    path.write_bytes(broken)
    lines = {"reconsideration_body": "某某市人民政府", "court": "某某市铁路运输法院",
             "progress_phone": "", "complaint_phone": ""}
    with pytest.raises(SettingsError) as info:
        ctx.admin.set_notice_lines(HEAD, PIN, lines)
    assert str(path) in info.value.message and "第 12 行" in info.value.message
    assert "没有保存" in info.value.message
    assert path.read_bytes() == broken
    assert _events(ctx, "station.notice_lines_changed") == []  # nothing was changed, nothing recorded
    assert ctx.settings.station.court == ""
    ctx.close()


@pytest.mark.parametrize("content", [
    '[station]\ncourt = "某某县人民法院"\n'.encode("gb18030"),  # saved by Notepad as ANSI
    b"station = 3\n",  # [station] is no table
])
def test_other_files_the_writer_cannot_edit_are_left_as_they_were(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(content)
    with pytest.raises(SettingsError) as info:
        update_settings(path, {"station": {"court": "某某市铁路运输法院"}})
    assert "没有保存" in info.value.message
    assert path.read_bytes() == content


def test_windows_line_ends_stay_and_unchanged_values_leave_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    crlf = HAND_WRITTEN.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(crlf)
    update_settings(path, {"station": {"court": "某某县人民法院", "complaint_phone": "", "window": ""}})
    assert path.read_bytes() == crlf  # same values, defaults for absent keys: nothing to write
    update_settings(path, {"station": {"window": "2"}})
    data = path.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") and b'window = "2"\r\n' in data


def test_save_settings_changes_only_the_keys_that_differ(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('# 说明\n[central]\nexit_sync_timeout_s = 3  # 秒\n\n[station]\ncode = "ZX07"\n',
                    encoding="utf-8")
    loaded = load_settings(path)
    wanted = Settings(station=loaded.station, central=loaded.central,
                      printer=PrinterSettings(kind="file", device="out.txt"))
    save_settings(path, wanted)
    assert load_settings(path) == wanted
    assert path.read_text(encoding="utf-8") == ('# 说明\n[central]\nexit_sync_timeout_s = 3  # 秒\n\n'
                                                '[station]\ncode = "ZX07"\n\n'
                                                '[printer]\nkind = "file"\ndevice = "out.txt"\n')


def test_only_the_programs_own_keys_are_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        update_settings(tmp_path / "settings.toml", {"station": {"screen_saver": "off"}})
    assert not (tmp_path / "settings.toml").exists()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["court", "progress_phone", "window"]), st.booleans())
def test_any_text_written_reads_back_and_nothing_else_moves(value: str, key: str, new_file: bool) -> None:
    """Quotes, backslashes, newlines, control characters: what is saved is what is read back; in a
    hand-written file every other line stays where it was."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.toml"
        if not new_file:
            path.write_text(HAND_WRITTEN, encoding="utf-8")
        update_settings(path, {"station": {key: value}})
        text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text)["station"].get(key, "") == value
    if new_file:
        assert text.startswith(T.FILE_HEADER) and all(f"[{s}]" in text for s in Settings().to_dict())
    else:
        kept = [line for line in HAND_WRITTEN.splitlines() if not line.startswith(f"{key} =")]
        assert [line for line in text.splitlines() if line in kept] == kept
