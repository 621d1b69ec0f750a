"""Catalog search: codes, Chinese names and aliases, full pinyin, initials, polyphones, one typo, ranking."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskclient.domain.cases import CaseClass
from deskclient.domain.catalog import Material, ServiceItem, Step
from deskclient.domain.catalog_parse import build_catalog
from deskclient.domain.search import (
    SCORE_CODE_EXACT,
    SCORE_CODE_PREFIX,
    SCORE_FUZZY,
    SCORE_INITIALS,
    SCORE_INITIALS_PREFIX,
    SCORE_NAME_EXACT,
    SCORE_NAME_PART,
    SCORE_NAME_PREFIX,
    SCORE_PINYIN,
    SCORE_PINYIN_PREFIX,
    SCORE_SCATTERED,
    CatalogIndex,
    normalize_query,
)
from deskclient.resources import data_path


def make_item(code: str, name: str, aliases: tuple[str, ...] = ()) -> ServiceItem:
    return ServiceItem(code=code, name=name, department="民政", window="1", item_class=CaseClass.PROMISED,
                       promised_days=5, legal_days=10, basis="《依据》", conditions="", steps=(Step("受理"),),
                       fee="不收费", fee_basis="", aliases=aliases, materials=(Material("申请书"),))


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(data_path("catalog").glob("*.toml"))]
    catalog, problems = build_catalog(files)
    assert not problems
    return CatalogIndex(catalog)


def codes(index: CatalogIndex, query: str, limit: int = 20) -> list[str]:
    return [h.item.code for h in index.search(query, limit)]


def first(index: CatalogIndex, query: str) -> tuple[str, int, str]:
    hit = index.search(query)[0]
    return hit.item.code, hit.score, hit.matched


# --- what a clerk types -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["MZ-001", "mz-001", "mz001", "ＭＺ－００１", " MZ 001 "])
def test_exact_code_in_any_spelling(index: CatalogIndex, query: str) -> None:
    assert first(index, query) == ("MZ-001", SCORE_CODE_EXACT, "编号")


def test_code_prefix_lists_that_department_in_code_order(index: CatalogIndex) -> None:
    hits = index.search("ga-0")
    assert [h.item.code for h in hits] == ["GA-001", "GA-002", "GA-003", "GA-004"]
    assert {h.score for h in hits} == {SCORE_CODE_PREFIX}


def test_chinese_name_and_alias(index: CatalogIndex) -> None:
    assert first(index, "低保") == ("MZ-001", SCORE_NAME_EXACT, "别名")
    assert first(index, "最低生活保障申请") == ("MZ-001", SCORE_NAME_EXACT, "名称")
    assert first(index, "最低生活")[:2] == ("MZ-001", SCORE_NAME_PREFIX)
    code, score, matched = first(index, "生活保障")
    assert code == "MZ-001" and score == SCORE_NAME_PART and matched == "名称包含"
    assert "YB-002" in codes(index, "医疗救助")
    assert first(index, "残疾证")[0] == "CL-001"


@pytest.mark.parametrize("query", ["zuidishenghuobaozhang", "zui di sheng huo bao zhang", "ZuiDi", "zuidi",
                                   "zuidish"])
def test_full_pinyin_with_or_without_spaces_and_while_typing(index: CatalogIndex, query: str) -> None:
    code, score, matched = first(index, query)
    assert code == "MZ-001" and score == SCORE_PINYIN_PREFIX and matched == "全拼开头"


def test_pinyin_of_a_later_word(index: CatalogIndex) -> None:
    hits = index.search("canjirenjujia")  # 重度[残疾人居家]托养…
    assert hits[0].item.code == "CL-004" and hits[0].score == SCORE_PINYIN and hits[0].matched == "全拼"


def test_initials_over_name_and_alias(index: CatalogIndex) -> None:
    assert first(index, "zdshbz")[:2] == ("MZ-001", SCORE_INITIALS_PREFIX)
    code, score, matched = first(index, "dbsq")  # 低保申请, the colloquial name
    assert (code, score) == ("MZ-001", SCORE_INITIALS_PREFIX) and "低保申请" in matched
    assert first(index, "cjrz")[0] == "CL-001"
    hits = index.search("bzsq")  # inside the initials: 保障申请
    assert hits[0].item.code == "MZ-001" and hits[0].score == SCORE_INITIALS


@pytest.mark.parametrize(("readings", "code"), [
    (("zhongdu", "chongdu", "zdcj", "cdcj"), "CL-004"),  # 重度残疾人…
    (("changqi", "zhangqi", "cqhl", "zqhl"), "YB-003"),  # 长期护理保险
    (("yinhang", "yinxing"), "RS-005"),  # 银行
    (("chongxin", "zhongxin"), "MZ-007"),  # 重新核定
])
def test_polyphonic_characters_match_every_reading(index: CatalogIndex, readings: tuple[str, ...],
                                                   code: str) -> None:
    for query in readings:
        assert codes(index, query)[0] == code, query


def test_hangye_and_xingye_both_find_the_trade_licence(index: CatalogIndex) -> None:
    for query in ("hangye", "xingye"):
        assert "GA-004" in codes(index, query)


def test_one_typo_in_pinyin_is_tolerated_as_a_fallback(index: CatalogIndex) -> None:
    for typo in ("zuidu", "zuidishengho", "zuidishenhuo", "gaolinjintie", "gaolingjntie", "zuidsihenghuo"):
        hits = index.search(typo)
        assert hits, typo
        assert hits[0].score == SCORE_FUZZY and hits[0].matched == "拼音近似"
    assert index.search("zuid")[0].score == SCORE_PINYIN_PREFIX  # exact beats fuzzy
    assert index.search("zud") == []  # too short to guess


def test_scattered_chinese_characters(index: CatalogIndex) -> None:
    hits = index.search("残疾护理")
    assert hits[0].item.code == "MZ-006" and hits[0].score == SCORE_SCATTERED
    assert hits[0].matched == "名称含这些字"


def test_nothing_matches_nonsense(index: CatalogIndex) -> None:
    assert index.search("qqqqqq") == []
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("低保", limit=0) == []


# --- ranking on a small hand-made catalog ---------------------------------------------------------


def test_tier_order_code_then_name_then_pinyin_then_initials() -> None:
    items = [
        make_item("HJ-9", "城乡合作医疗"),  # only its code starts with hj
        make_item("X-2", "户籍证明", aliases=("开户籍证明",)),  # name prefix 户籍
        make_item("X-3", "办理户籍迁移"),  # name substring 户籍
        make_item("X-4", "婚检登记"),  # initials hj
        make_item("X-5", "会计服务"),  # full pinyin "kuaiji"/"huiji" both
    ]
    index = CatalogIndex(items)
    assert [(h.item.code, h.score) for h in index.search("hj")] == [
        ("HJ-9", SCORE_CODE_PREFIX), ("X-2", SCORE_INITIALS_PREFIX), ("X-4", SCORE_INITIALS_PREFIX),
        ("X-5", SCORE_INITIALS_PREFIX), ("X-3", SCORE_INITIALS)]
    assert [(h.item.code, h.score) for h in index.search("户籍")] == [
        ("X-2", SCORE_NAME_PREFIX), ("X-3", SCORE_NAME_PART)]
    assert [h.item.code for h in index.search("huji")] == ["X-2", "X-3"]
    assert index.search("huiji")[0].item.code == "X-5" and index.search("kuaiji")[0].item.code == "X-5"
    hits = index.search("kaihuji")
    assert hits[0].item.code == "X-2" and "别名" in hits[0].matched


def test_shorter_names_rank_first_within_a_tier() -> None:
    index = CatalogIndex([make_item("A", "低保家庭补贴申请"), make_item("B", "低保申请")])
    assert [h.item.code for h in index.search("低保")] == ["B", "A"]


def test_limit_is_respected(index: CatalogIndex) -> None:
    assert len(index.search("s", limit=5)) == 5
    assert len(index.search("申请")) == 20


def test_normalize_query() -> None:
    assert normalize_query(" Ｚui　Di\t") == "zuidi"


def test_an_empty_catalog_finds_nothing() -> None:
    assert CatalogIndex([]).search("低保") == []


def test_items_with_only_punctuation_or_latin_names() -> None:
    index = CatalogIndex([make_item("P-1", "()—"), make_item("P-2", "ETC 办理")])
    assert index.search("etc")[0].item.code == "P-2"
    assert index.search("etcbanli")[0].item.code == "P-2"


# --- never raises, always ordered -----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(query=st.text(max_size=40), limit=st.integers(-2, 30))
def test_search_never_raises_and_ranks_best_first(index: CatalogIndex, query: str, limit: int) -> None:
    hits = index.search(query, limit)
    assert len(hits) <= max(limit, 0)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len({h.item.code for h in hits}) == len(hits)
    assert all(h.matched for h in hits)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8), st.text(max_size=12))
def test_index_builds_from_any_names(names: list[str], query: str) -> None:
    template = make_item("Z-0", "x")
    items = [dataclasses.replace(template, code=f"Z-{i}", name=n, aliases=(n[::-1],)) for i, n in enumerate(names)]
    index = CatalogIndex(items)
    index.search(query)
    for item in items:  # an item is always found by its own exact name
        assert item.code in [h.item.code for h in index.search(item.name, limit=len(items))] \
            or not normalize_query(item.name)
