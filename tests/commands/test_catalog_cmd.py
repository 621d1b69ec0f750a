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
