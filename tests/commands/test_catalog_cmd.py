"""``deskclient catalog …``: validate exit codes and file:line output, list/show/search in text and JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from deskclient.commands import catalog as cmd
from deskclient.resources import data_path


def run(argv: list[str], data_dir: Path | None = None) -> int:
    parser = argparse.ArgumentParser()
    cmd.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    args.data_dir = str(data_dir) if data_dir else None
    return int(args.func(args))


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["catalog", "validate", str(data_path("catalog"))]) == 0
    out = capsys.readouterr().out
    assert "校验通过" in out and "个事项" in out


def test_validate_lists_every_problem_as_file_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / ("a-folder-with-a-long-name-" * 4) / "bad.toml"  # longer than the terminal: not wrapped
    bad.parent.mkdir()
    bad.write_text('sample = 1\ncolour = "x"\n', encoding="utf-8")
    assert run(["catalog", "validate", str(bad)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert f"{bad}:1: " in lines[0] and f"{bad}:2: " in "\n".join(lines)
    assert len(lines) >= 3  # sample not a boolean, unknown key, no items


def test_list_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["catalog", "list"], tmp_path) == 0
    out = capsys.readouterr().out
    assert "MZ-001" in out and "示例" in out
    assert run(["catalog", "list", "--json"], tmp_path) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sample"] is True and len(data["items"]) >= 45 and data["problems"] == []
    assert not (tmp_path / "catalog-last-good.json").exists()  # read-only command


def test_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["catalog", "show", "mz-001"]) == 0
    out = capsys.readouterr().out
    assert "最低生活保障申请" in out and "《社会救助暂行办法》" in out and "主件" in out
    assert run(["catalog", "show", "MZ-001", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "MZ-001" and data["class_label"] == "上报件" and len(data["material"]) >= 3
    assert run(["catalog", "show", "NOPE-1"]) == 1
    assert "NOPE-1" in capsys.readouterr().err


def test_search(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["catalog", "search", "dbsq", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hits"][0]["code"] == "MZ-001"
    assert run(["catalog", "search", "zhongdu"]) == 0
    assert "CL-004" in capsys.readouterr().out
    assert run(["catalog", "search", "qqqqqq"]) == 0
    assert "没有找到" in capsys.readouterr().out


def test_path_option_reads_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["catalog", "list", "--json", "--path", str(data_path("catalog"))]) == 0
    assert len(json.loads(capsys.readouterr().out)["items"]) >= 45
    assert run(["catalog", "list", "--path", str(tmp_path / "missing")]) == 1


def _station_catalog(data_dir: Path) -> Path:
    """The station's own catalog, as an administrator installs it: the shipped files copied into
    ``<data dir>/catalog``."""
    import shutil

    folder = data_dir / "catalog"
    shutil.copytree(data_path("catalog"), folder)
    return folder


def test_search_prints_aligned_chinese_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from deskclient.strings import catalog as T

    assert run(["catalog", "search", "dbsq"], tmp_path) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [T.COL_CODE, T.COL_NAME, T.COL_WINDOW, T.COL_SCORE, T.COL_MATCHED]
    assert set(lines[1]) == {"-", " "}
    first = lines[2].split()
    assert first[:4] == ["MZ-001", "最低生活保障申请", "1", "50"] and "低保申请" in first[4]
    # columns line up in terminal cells (a CJK character is two): the window column starts at the
    # same cell on every line
    from deskclient.commands.catalog import _width

    def window_cell(line: str, name: str) -> int:
        end = line.index(name) + len(name)
        return _width(line[:end]) + len(line[end:]) - len(line[end:].lstrip(" "))

    cells = {window_cell(lines[0], T.COL_NAME), *(window_cell(row, row.split()[1]) for row in lines[2:])}
    assert len(cells) == 1 and len(lines) > 3


def test_search_answers_from_the_index_until_the_catalog_is_edited(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = _station_catalog(tmp_path)
    assert run(["catalog", "search", "zuidi", "--json"], tmp_path) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["name"] == "最低生活保障申请"
    indexes = sorted(tmp_path.glob("catalog-index-*.sqlite"))
    assert len(indexes) == 1 and len(list(tmp_path.glob("catalog-files-*"))) == 1

    edited = folder / "minzheng.toml"
    edited.write_text(edited.read_text(encoding="utf-8").replace('name = "最低生活保障申请"',
                                                                 'name = "最低生活保障金申请"'), encoding="utf-8")
    assert run(["catalog", "search", "zuidi", "--json"], tmp_path) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["name"] == "最低生活保障金申请"  # not the stale index
    rebuilt = sorted(tmp_path.glob("catalog-index-*.sqlite"))
    assert len(rebuilt) == 1 and rebuilt != indexes  # the old catalog's index pruned
    assert len(list(tmp_path.glob("catalog-files-*"))) == 1


def test_a_broken_station_catalog_is_searched_the_full_way_with_its_problems(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _station_catalog(tmp_path)
    assert run(["catalog", "search", "dbsq"], tmp_path) == 0
    capsys.readouterr()
    (folder / "minzheng.toml").write_text("sample = 1\n", encoding="utf-8")
    assert run(["catalog", "search", "dbsq"], tmp_path) == 0
    captured = capsys.readouterr()
    err = captured.err.replace("\n", "")  # rich folds long paths
    assert "minzheng.toml:1:" in err and "事项目录有错误" in err  # the problems, as without the index cache
    assert "MZ-001" in captured.out  # the shipped sample is searched instead
    assert len(list(tmp_path.glob("catalog-files-*"))) == 1  # a broken catalog's files are never recorded
