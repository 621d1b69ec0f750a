"""Loading the catalog: shipped sample, the station's own folder, and the last good copy when it breaks."""

from __future__ import annotations

import json
from pathlib import Path

from deskclient.services.catalog_files import LAST_GOOD_NAME, load_catalog, load_files, validate_path

ITEM = """
[[item]]
code = "{code}"
name = "{name}"
department = "民政"
window = "1"
class = "immediate"
promised_days = 0
legal_days = 0
basis = "《依据》"
fee = "不收费"

[[item.step]]
name = "受理"

[[item.material]]
name = "申请书"
"""


def write_station(data_dir: Path, name: str, text: str) -> Path:
    folder = data_dir / "catalog"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sample_loads_without_a_data_dir() -> None:
    load = load_catalog(None)
    assert load.source == "shipped" and load.problems == () and load.ok
    assert load.is_sample and len(load.catalog) >= 45


def test_shipped_sample_is_remembered_as_last_good(tmp_path: Path) -> None:
    load = load_catalog(tmp_path)
    assert load.source == "shipped"
    saved = json.loads((tmp_path / LAST_GOOD_NAME).read_text(encoding="utf-8"))
    assert saved["version"] == load.catalog.version and len(saved["items"]) == len(load.catalog)
    assert not list(tmp_path.glob("*.tmp"))


def test_station_folder_replaces_the_sample(tmp_path: Path) -> None:
    write_station(tmp_path, "ours.toml", ITEM.format(code="Z-1", name="本站事项"))
    load = load_catalog(tmp_path)
    assert load.source == "station" and not load.is_sample
    assert [it.code for it in load.catalog] == ["Z-1"]
    assert load.catalog.items[0].source_file.endswith("ours.toml")


def test_an_empty_station_folder_keeps_the_sample(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "readme.txt").write_text("x", encoding="utf-8")
    assert load_catalog(tmp_path).source == "shipped"


def test_a_broken_edit_keeps_the_last_good_catalog(tmp_path: Path) -> None:
    path = write_station(tmp_path, "ours.toml", ITEM.format(code="Z-1", name="本站事项"))
    good = load_catalog(tmp_path)
    path.write_text(ITEM.format(code="Z-1", name="本站事项").replace('class = "immediate"', 'class = "??"'),
                    encoding="utf-8")
    load = load_catalog(tmp_path)
    assert load.source == "last_good"
    assert load.catalog == good.catalog and load.catalog.version == good.catalog.version
    assert load.problems[0].file == str(path) and load.problems[0].line == 7
    assert any(good.catalog.version in p.message for p in load.problems)
    # the broken catalog did not overwrite the good copy
    saved = json.loads((tmp_path / LAST_GOOD_NAME).read_text(encoding="utf-8"))
    assert saved["version"] == good.catalog.version


def test_broken_without_last_good_falls_back_to_the_sample(tmp_path: Path) -> None:
    write_station(tmp_path, "ours.toml", "[[item]\n")
    load = load_catalog(tmp_path)
    assert load.source == "shipped" and load.is_sample and len(load.catalog) >= 45
    assert load.problems[0].line == 1


def test_a_corrupt_last_good_copy_is_reported_not_fatal(tmp_path: Path) -> None:
    write_station(tmp_path, "ours.toml", "[[item]\n")
    (tmp_path / LAST_GOOD_NAME).write_text("{not json", encoding="utf-8")
    load = load_catalog(tmp_path)
    assert load.source == "shipped"
    assert any(p.file.endswith(LAST_GOOD_NAME) for p in load.problems)


def test_remember_false_writes_nothing(tmp_path: Path) -> None:
    load_catalog(tmp_path, remember=False)
    assert not (tmp_path / LAST_GOOD_NAME).exists()


def test_validate_path_file_folder_and_missing(tmp_path: Path) -> None:
    good = write_station(tmp_path, "a.toml", ITEM.format(code="A-1", name="甲"))
    assert validate_path(good) == []
    assert validate_path(good.parent) == []
    write_station(tmp_path, "b.toml", ITEM.format(code="a-1", name="乙"))
    (problem,) = validate_path(good.parent)
    assert problem.file.endswith("b.toml") and problem.line == 2
    assert validate_path(tmp_path / "nope.toml")[0].line == 0
    assert validate_path(tmp_path / "empty")[0].line == 0
    (tmp_path / "empty").mkdir()
    assert validate_path(tmp_path / "empty")
    txt = tmp_path / "x.txt"
    txt.write_text("x", encoding="utf-8")
    assert validate_path(txt)


def test_validate_the_shipped_folder() -> None:
    from deskclient.resources import data_path

    assert validate_path(data_path("catalog")) == []


def test_gbk_file_is_reported_with_its_line_and_bom_is_fine(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(('# 注释\n' + ITEM.format(code="G-1", name="国标编码")).encode("gbk"))
    (problem,) = validate_path(gbk)
    assert problem.line == 1 and "UTF-8" in problem.message
    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff".encode() + ITEM.format(code="B-1", name="带BOM").encode("utf-8"))
    assert validate_path(bom) == []
    catalog, problems = load_files(bom)
    assert problems == [] and catalog.get("B-1") is not None
