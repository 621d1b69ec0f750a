"""The settings file: defaults when missing, clear file:line messages when broken, atomic save."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskclient.settings import (
    Mode,
    Paths,
    Settings,
    SettingsError,
    load_settings,
    parse_settings,
    save_settings,
)


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.toml") == Settings()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    s = parse_settings('[station]\ncode = "ZX07"\nname = "青山镇便民服务中心"\n[central]\nexit_sync_timeout_s = 3\n',
                       path)
    save_settings(path, s)
    again = load_settings(path)
    assert again == s
    assert again.station.name == "青山镇便民服务中心"
    assert again.central.exit_sync_timeout_s == 3.0


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[station]\ncode = "ZX01"\nname = 青山镇\n', encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(path) in info.value.message
    assert "第 3 行" in info.value.message


def test_every_semantic_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    text = '[station]\ncode = "ZX01"\nwindw = "1"\n\n[central]\nexit_sync_timeout_s = "fast"\n[printer]\ncolumns = -3\n'
    with pytest.raises(SettingsError) as info:
        parse_settings(text, tmp_path / "s.toml")
    msg = info.value.message
    assert "第 3 行" in msg and "windw" in msg
    assert "第 6 行" in msg and "exit_sync_timeout_s" in msg
    assert "第 8 行" in msg and "columns" in msg


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes('[station]\nname = "青山镇"\n'.encode("gb18030"))
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert "UTF-8" in info.value.message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_either_parses_or_gives_a_settings_error(text: str) -> None:
    try:
        parse_settings(text, Path("settings.toml"))
    except SettingsError as err:
        assert "settings.toml" in err.message


def test_data_dir_override_puts_everything_under_it(tmp_path: Path) -> None:
    p = Paths.resolve(tmp_path)
    assert p.config_file.parent == tmp_path.resolve()
    assert p.ledger_file.parent == tmp_path.resolve()
    demo = Paths.resolve(tmp_path, Mode.DEMO)
    training = Paths.resolve(tmp_path, Mode.TRAINING)
    assert len({p.ledger_file, demo.ledger_file, training.ledger_file}) == 3


def test_env_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKCLIENT_HOME", str(tmp_path / "h"))
    assert Paths.resolve().data_dir == (tmp_path / "h").resolve()
