"""The catalog search index cached on disk answers exactly as the in-memory index, and opening it
never loads pypinyin (the desk's memory and start-up depend on that)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from deskclient.domain.catalog import Catalog
from deskclient.domain.search import CatalogIndex
from deskclient.services.catalog_files import catalog_index, index_path, load_catalog

QUERIES = ["dbsq", "dibao", "zuidishenghuo", "zuidishenhuo", "低保", "户口", "MZ-001", "mz", "hukou", "yl",
           "shenfenzheng", "残疾", "cjr", "证明", "hy", "xingye", "hangye", "z", "养老保险", "ylbx", "xx", "qq"]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(None).catalog


def _answers(index: CatalogIndex, query: str, limit: int) -> list[tuple[str, int, str]]:
    return [(h.item.code, h.score, h.matched) for h in index.search(query, limit)]


@pytest.mark.parametrize("limit", [1, 5, 20, 100])
def test_cached_index_answers_as_the_in_memory_one(tmp_path: Path, shipped: Catalog, limit: int) -> None:
    memory = CatalogIndex(list(shipped))
    catalog_index(shipped, tmp_path)  # first load: built and written
    cached = catalog_index(shipped, tmp_path)
    assert index_path(tmp_path, shipped).is_file()
    assert cached.parts is not memory.parts
    for query in QUERIES:
        for k in range(1, len(query) + 1):
            assert _answers(cached, query[:k], limit) == _answers(memory, query[:k], limit), query[:k]


def test_a_damaged_index_file_is_rebuilt(tmp_path: Path, shipped: Catalog) -> None:
    catalog_index(shipped, tmp_path)
    path = index_path(tmp_path, shipped)
    path.write_bytes(b"not an index")
    assert [h.item.code for h in catalog_index(shipped, tmp_path).search("dbsq")]
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_opening_the_cached_index_does_not_import_pypinyin(tmp_path: Path, shipped: Catalog) -> None:
    catalog_index(shipped, tmp_path)
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from deskclient.services.catalog_files import catalog_index, load_catalog
        index = catalog_index(load_catalog(None).catalog, Path({str(tmp_path)!r}))
        assert index.search("dbsq") and index.search("zuidishenhuo") and index.search("低保")
        print(sorted(m for m in sys.modules if m.startswith("pypinyin")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
