"""The catalog format: the shipped sample is complete and valid; broken files report file:line for all problems."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from deskclient.domain.cases import ITEM_CLASSES, CaseClass
from deskclient.domain.catalog import Catalog, MaterialForm, Step, catalog_to_data
from deskclient.domain.catalog_parse import build_catalog, catalog_from_data, parse_catalog_file
from deskclient.resources import data_path

VALID_ITEM = """
[[item]]
code = "{code}"
name = "{name}"
department = "民政"
window = "{window}"
class = "promised"
promised_days = 10
legal_days = 20
basis = "《社会救助暂行办法》"
fee = "不收费"

[[item.step]]
name = "受理"

[[item.step]]
name = "公示"
counts = false

[[item.material]]
name = "申请书"
form = "original"
copies = 1
main = true

[[item.material]]
name = "户口簿"
form = "copy"
main = false
"""


def item_text(code: str = "T-001", name: str = "测试事项", window: str = "1") -> str:
    return VALID_ITEM.format(code=code, name=name, window=window)


def shipped_files() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(data_path("catalog").glob("*.toml"))]


# --- the shipped sample -------------------------------------------------------------------------


def test_every_shipped_file_is_valid_and_marked_as_sample() -> None:
    files = shipped_files()
    assert len(files) >= 10
    for name, text in files:
        items, problems = parse_catalog_file(text, name)
        assert problems == [], name
        assert items, name
        assert text.lstrip().startswith("#") and "sample = true" in text
    catalog, problems = build_catalog(files)
    assert problems == []
    assert catalog.sample is True
    assert len(catalog) >= 45


def test_shipped_catalog_covers_the_required_matters() -> None:
    catalog, _ = build_catalog(shipped_files())
    names = " ".join(it.name + " " + " ".join(it.aliases) for it in catalog)
    for needle in ["最低生活保障", "特困人员", "临时救助", "城乡居民基本养老保险参保登记", "养老保险待遇领取",
                   "城乡居民基本医疗保险参保", "残疾人证", "两项补贴", "重度残疾人护理补贴", "高龄津贴", "生育登记",
                   "宅基地和建房", "就业创业证", "法律援助", "林木采伐许可", "优待证", "独生子女父母奖励", "医疗救助",
                   "户口迁移", "居住证", "计划生育家庭特别扶助", "老年人优待证", "农业补贴", "土地承包经营权流转备案",
                   "流动人口婚育证明", "长期护理保险", "银行", "行业", "重新核定"]:
        assert needle in names, needle
    assert {it.item_class for it in catalog} == set(ITEM_CLASSES)
    for it in catalog:
        assert 3 <= len(it.materials) <= 8, it.code
        assert it.main_materials, it.code
        assert it.basis.startswith("《"), it.code
        if it.item_class is CaseClass.IMMEDIATE:
            assert it.promised_days == 0 and it.legal_days == 0
        else:
            assert 1 <= it.promised_days <= (it.legal_days or it.promised_days)
    assert any(it.non_counting_steps for it in catalog)


# --- parsing ------------------------------------------------------------------------------------


def test_a_valid_item_is_parsed_completely() -> None:
    text = 'sample = false\ncatalog_version = "1"\n' + item_text().replace(
        'fee = "不收费"', 'fee = "不收费"\naliases = ["测试", "别名"]\nconditions = "本地户籍"')
    items, problems = parse_catalog_file(text, "t.toml")
    assert problems == []
    (item,) = items
    assert item.code == "T-001" and item.item_class is CaseClass.PROMISED
    assert item.aliases == ("测试", "别名") and item.conditions == "本地户籍"
    assert item.steps == (Step("受理", True), Step("公示", False))
    assert item.non_counting_steps == (Step("公示", False),)
    assert item.materials[0].form is MaterialForm.ORIGINAL and item.materials[0].main is True
    assert item.materials[1].form is MaterialForm.COPY and item.materials[1].main is False
    assert item.source_file == "t.toml" and item.source_line == 4


def test_chinese_labels_are_accepted_for_class_and_form() -> None:
    text = item_text().replace('class = "promised"', 'class = "承诺件"').replace('form = "copy"', 'form = "复印件"')
    items, problems = parse_catalog_file(text, "t.toml")
    assert problems == []
    assert items[0].item_class is CaseClass.PROMISED and items[0].materials[1].form is MaterialForm.COPY


BROKEN = """\
sample = true
colour = "red"

[[item]]
code = "B-001"
name = "第一个"
department = "民政"
window = "1"
class = "weekly"
promised_days = -3
legal_days = 20
basis = "依据"
fee = "不收费"

[[item.step]]
name = "受理"

[[item.material]]
name = "申请书"
main = "yes"

[[item]]
code = "B-002"
department = "民政"
window = "1"
class = "promised"
promised_day = 5
legal_days = 20
basis = "依据"
fee = "不收费"

[[item.step]]
name = "受理"

[[item]]
code = "B-003"
name = "第三个"
department = "民政"
window = "1"
class = "immediate"
promised_days = 0
legal_days = 0
basis = "依据"
fee = "不收费"

[[item.step]]
name = "受理"

[[item.material]]
name = "身份证"
form = "photo"
copies = 0
"""


def test_a_broken_file_reports_every_problem_with_its_line() -> None:
    items, problems = parse_catalog_file(BROKEN, "minzheng.toml")
    assert items == []
    found = {(p.line, p.message) for p in problems}
    lines = [p.line for p in problems]
    assert all(p.file == "minzheng.toml" for p in problems)

    def at(line: int, fragment: str) -> None:
        assert any(ln == line and fragment in msg for ln, msg in found), (line, fragment, sorted(found))

    at(2, "colour")  # unknown top-level key
    at(9, "weekly")  # unknown class, on the class line
    at(10, "不能为负数")  # negative days
    at(20, "true 或 false")  # main flag is not a boolean, on the material's own line
    at(22, "name")  # second item has no name: reported at its [[item]] header
    at(27, "promised_days")  # typo key suggestion, on the typo's line
    at(22, "promised_days")  # ... and the real field is then missing
    at(22, "材料")  # no materials at all
    at(51, "photo")  # bad form in the third item's material
    at(52, "份数")  # copies = 0
    assert lines == sorted(lines)
    assert len(problems) >= 10


def test_a_syntax_error_reports_tomls_line() -> None:
    text = item_text() + '\n[[item]]\ncode = "X-1\nname = "坏"\n'
    items, problems = parse_catalog_file(text, "bad.toml")
    assert items == []
    (problem,) = problems
    assert problem.file == "bad.toml"
    assert problem.line == text.splitlines().index('code = "X-1') + 1
    assert "TOML" in problem.message


def test_days_limits_are_checked_against_the_class() -> None:
    immediate = item_text().replace('class = "promised"', 'class = "immediate"')
    _, problems = parse_catalog_file(immediate, "t.toml")
    assert any("即办件" in p.message for p in problems)
    over = item_text().replace("promised_days = 10", "promised_days = 30")
    _, problems = parse_catalog_file(over, "t.toml")
    assert [p.line for p in problems] == [over.splitlines().index("promised_days = 30") + 1]


def test_an_empty_file_and_a_missing_main_document_are_problems() -> None:
    _, problems = parse_catalog_file("sample = true\n", "empty.toml")
    assert [p.line for p in problems] == [1]
    no_main = item_text().replace("main = true", "main = false")
    _, problems = parse_catalog_file(no_main, "t.toml")
    assert len(problems) == 1 and "主件" in problems[0].message


def test_inline_materials_still_get_a_line() -> None:
    text = item_text().split("[[item.step]]")[0] + (
        'step = [{name = "受理"}]\nmaterial = [{name = "申请书", form = "xerox"}]\n')
    _, problems = parse_catalog_file(text, "inline.toml")
    assert len(problems) == 1
    assert problems[0].line == text.splitlines().index('material = [{name = "申请书", form = "xerox"}]') + 1


def test_duplicate_codes_within_and_across_files() -> None:
    catalog, problems = build_catalog([
        ("a.toml", item_text("A-1") + item_text("A-2")),
        ("b.toml", item_text("a-1", name="另一个")),
    ])
    assert [it.code for it in catalog] == ["A-1", "A-2"]
    (problem,) = problems
    assert problem.file == "b.toml" and problem.line == 2
    assert "a.toml" in problem.message and "A-1" not in problem.message.replace("a-1", "")

    _, problems = parse_catalog_file(item_text("D-1") + item_text("D-1"), "d.toml")
    assert len(problems) == 1 and problems[0].line == item_text("D-1").count("\n") + 2


# --- the Catalog object -------------------------------------------------------------------------


def test_catalog_lookup_and_version() -> None:
    catalog, _ = build_catalog([("a.toml", item_text("A-1") + item_text("A-2", window="2"))])
    assert len(catalog) == 2 and [it.code for it in catalog] == ["A-1", "A-2"]
    assert catalog.get("A-2") is catalog.items[1] and catalog.get("a-2") is catalog.items[1]
    assert catalog.get("nope") is None
    assert [it.code for it in catalog.by_window("2")] == ["A-2"]
    split, _ = build_catalog([("x.toml", item_text("A-1")), ("y.toml", item_text("A-2", window="2"))])
    assert split.version == catalog.version  # content, not file layout
    changed, _ = build_catalog([("a.toml", item_text("A-1") + item_text("A-2", window="3"))])
    assert changed.version != catalog.version
    assert len(catalog.version) == 16


def test_plain_data_round_trip() -> None:
    catalog, _ = build_catalog(shipped_files())
    again, problems = catalog_from_data(catalog_to_data(catalog), "last-good.json")
    assert problems == []
    assert again == catalog and again.version == catalog.version and again.sample
    assert again.items[0].source_file == catalog.items[0].source_file
    _, problems = catalog_from_data({"items": [{"code": "X"}]}, "last-good.json")
    assert problems and all(p.file == "last-good.json" for p in problems)
    empty, problems = catalog_from_data(["not", "a", "dict"], "lg.json")
    assert len(empty) == 0 and problems


def test_catalog_default_is_empty() -> None:
    assert len(Catalog()) == 0 and list(Catalog()) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_parsing_never_raises(text: str) -> None:
    items, problems = parse_catalog_file(text, "fuzz.toml")
    assert items or problems
    assert all(isinstance(p.line, int) and p.line >= 0 for p in problems)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["code", "name", "class", "promised_days", "basis", "main", "form", "copies"]),
       st.one_of(st.integers(-5, 500), st.booleans(), st.text(max_size=5), st.floats(allow_nan=False)))
def test_any_wrong_value_is_a_problem_not_a_crash(key: str, value: object) -> None:
    import json

    text = item_text()
    rendered = json.dumps(value, ensure_ascii=False) if not isinstance(value, bool) else str(value).lower()
    lines = [f"{key} = {rendered}" if line.split(" = ")[0] == key else line for line in text.splitlines()]
    items, problems = parse_catalog_file("\n".join(lines), "t.toml")
    assert len(items) + len(problems) >= 1


def test_shipped_folder_exists() -> None:
    assert Path(data_path("catalog")).is_dir()


# --- issue #16: pause kinds with their legal basis, extension limit ------------------------------------


def test_art45_a_non_counting_step_names_a_lawful_pause_kind() -> None:
    """公示 is not in art. 45: the item must name its own law for it in [[item.pause]]."""
    unlisted = item_text().replace('name = "公示"\ncounts = false', 'name = "公示"\ncounts = false\npause = "public_notice"')
    _, problems = parse_catalog_file(unlisted, "t.toml")
    assert any("第四十五条" in p.message for p in problems)
    listed = unlisted.replace('[[item.step]]\nname = "受理"',
                              '[[item.pause]]\nkind = "public_notice"\nbasis = "《最低生活保障审核确认办法》"\n\n'
                              '[[item.step]]\nname = "受理"', 1)
    items, problems = parse_catalog_file(listed, "t.toml")
    assert problems == []
    assert items[0].pause_bases == (("public_notice", "《最低生活保障审核确认办法》"),)
    assert [s.pause for s in items[0].non_counting_steps] == ["public_notice"]
    appraisal = item_text().replace('name = "公示"\ncounts = false', 'name = "鉴定"\ncounts = false\npause = "appraisal"')
    assert parse_catalog_file(appraisal, "t.toml")[1] == []  # art. 45 lists 鉴定: no item law needed


def test_art42_item_extension_limit_is_parsed_and_bounded() -> None:
    text = item_text().replace('fee = "不收费"', 'fee = "不收费"\nextension_limit = 5')
    items, problems = parse_catalog_file(text, "t.toml")
    assert problems == [] and items[0].extension_limit == 5
    too_loose = item_text().replace('fee = "不收费"', 'fee = "不收费"\nextension_limit = 45')
    assert any("extension_limit" in p.message for p in parse_catalog_file(too_loose, "t.toml")[1])


def test_shipped_catalog_pauses_only_for_lawful_kinds() -> None:
    """Issue #16 item 3: no shipped item stops the clock for 实地核查 / 入户调查 (not in art. 45)."""
    catalog, _ = build_catalog(shipped_files())
    for it in catalog:
        for step in it.non_counting_steps:
            assert step.pause, (it.code, step.name)
            assert "核查" not in step.name and "调查" not in step.name, (it.code, step.name)
def test_a_joint_item_names_its_departments() -> None:
    """Issue #15: the 联办件通知书 names the joint departments, so the catalog must have them."""
    joint = item_text().replace('class = "promised"', 'class = "joint"')
    items, problems = parse_catalog_file(joint, "t.toml")
    assert not items and any("joint_departments" in p.message for p in problems)
    named = joint.replace('class = "joint"', 'class = "joint"\njoint_departments = ["镇民政办", "县民政局"]')
    items, problems = parse_catalog_file(named, "t.toml")
    assert problems == [] and items[0].joint_departments == ("镇民政办", "县民政局")
    one = joint.replace('class = "joint"', 'class = "joint"\njoint_departments = ["县民政局"]')
    assert parse_catalog_file(one, "t.toml")[1]
    again, problems = catalog_from_data(catalog_to_data(Catalog(items)), "last-good")
    assert problems == [] and next(iter(again)).joint_departments == ("镇民政办", "县民政局")


def test_joint_departments_only_on_joint_items() -> None:
    text = item_text().replace('class = "promised"', 'class = "promised"\njoint_departments = ["甲", "乙"]')
    items, problems = parse_catalog_file(text, "t.toml")
    assert not items and any("联办件" in p.message for p in problems)


def test_every_shipped_joint_item_names_two_or_more_departments() -> None:
    catalog, problems = build_catalog(shipped_files())
    assert problems == []
    joint = [it for it in catalog if it.item_class is CaseClass.JOINT]
    assert joint and all(len(it.joint_departments) >= 2 for it in joint)


def test_every_material_form_in_the_shipped_catalog_has_a_chinese_label() -> None:
    """Issue #15 item 9: what reaches paper is a label, never a code such as original_and_copy."""
    from deskclient.domain.notices import NoticeMaterial

    catalog, _ = build_catalog(shipped_files())
    forms = {m.form for it in catalog for m in it.materials}
    assert forms
    for form in forms:
        label = NoticeMaterial("x", str(form)).form_label
        assert label and label == form.label and not label.isascii()


def test_serving_window_a_station_without_the_catalogs_window_serves_the_item_where_asked() -> None:
    from deskclient.domain.catalog import serving_window

    assert serving_window("5", "1", {"1", "2"}) == "1"  # a two-window town station
    assert serving_window("2", "1", {"1", "2"}) == "2"  # its other window: 首问负责, transfer
    assert serving_window("1", "1", {"1", "2"}) == "1"
    assert serving_window("5", "1", set()) == "5"  # layout not known: trust the county catalog
