"""The index file's own parts: the scattered tier's per-character line bitsets answer exactly as the
in-memory regex over every line, and the item cards come back in the order asked."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from deskclient.domain.catalog import Catalog
from deskclient.domain.search import CatalogIndex
from deskclient.services.catalog_files import load_catalog
from deskclient.store.search_index import _char_bits, open_index, read_cards, write_index


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(None).catalog


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, shipped: Catalog) -> tuple[CatalogIndex, Path]:
    memory = CatalogIndex(list(shipped))
    path = tmp_path_factory.mktemp("index") / "index.sqlite"
    write_index(path, memory.parts, "v1", [(it.code, it.name, it.window) for it in shipped])  # type: ignore[arg-type]
    return memory, path


def test_char_bits_marks_the_lines_holding_each_character() -> None:
    bits = _char_bits(["ab", "b", "", "ca"] + ["x"] * 6)
    assert bits["a"] == bytes([0b1001, 0]) and bits["b"] == bytes([0b0011, 0]) and bits["x"] == bytes([0b11110000, 0b11])
    assert "" not in bits and len(bits["c"]) == 2


@pytest.mark.parametrize("kind", ["initials", "names"])
def test_disk_scattered_equals_the_regex_over_every_line(written: tuple[CatalogIndex, Path], kind: str) -> None:
    memory, path = written
    parts = open_index(path, "v1")
    assert parts is not None
    disk, mem = parts.lines[kind], memory.parts.lines[kind]
    alphabet = "dbsqzylhj" if kind == "initials" else "残疾人证申请补贴"
    patterns = [*["".join(p) for k in (2, 3, 4) for p in permutations(alphabet, k)][:600], "qqq", "zz", "证证"]
    for pattern in patterns:
        for n in (1, 5, 40):
            assert disk.scattered(pattern, n) == mem.scattered(pattern, n), (pattern, n)


def test_cards_and_a_version_mismatch(written: tuple[CatalogIndex, Path], shipped: Catalog) -> None:
    _memory, path = written
    items = list(shipped)
    assert read_cards(path, [3, 0]) == [(items[3].code, items[3].name, items[3].window),
                                        (items[0].code, items[0].name, items[0].window)]
    assert read_cards(path, []) == []
    assert open_index(path, "another catalog") is None


def test_find_is_search_without_the_items(written: tuple[CatalogIndex, Path], shipped: Catalog) -> None:
    memory, path = written
    parts = open_index(path, "v1")
    assert parts is not None
    bare = CatalogIndex((), parts)  # searched by item number only, as ``catalog search`` does
    assert len(bare) == len(shipped)
    for query in ("dbsq", "低保", "zuidishenhuo", "mz-00", "cjr"):
        assert [(h.item.code, h.score, h.matched) for h in memory.search(query)] == \
            [(list(shipped)[i].code, score, why) for i, score, why in bare.find(query)]
