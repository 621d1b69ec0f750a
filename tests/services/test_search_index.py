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


def test_search_catalog_reads_the_index_alone_until_the_files_change(tmp_path: Path) -> None:
    """``catalog search``'s service: the first search parses and indexes; the next one answers from
    the index file alone (no parse); an edited file is parsed again and its new text found."""
    import shutil

    from deskclient.resources import data_path
    from deskclient.services.catalog_search import search_catalog

    shutil.copytree(data_path("catalog"), tmp_path / "catalog")
    first = search_catalog("dbsq", 5, tmp_path, tmp_path)
    again = search_catalog("dbsq", 5, tmp_path, tmp_path)
    assert not first.from_index_only and again.from_index_only
    assert again.hits == first.hits and again.hits[0].code == "MZ-001" and again.problems == ()
    toml = tmp_path / "catalog" / "minzheng.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('code = "MZ-001"', 'code = "MZ-901"'), encoding="utf-8")
    edited = search_catalog("dbsq", 5, tmp_path, tmp_path)
    assert not edited.from_index_only and edited.hits[0].code == "MZ-901"
    assert search_catalog("dbsq", 5, tmp_path, tmp_path).from_index_only


def test_search_catalog_of_a_path_and_of_a_missing_one(tmp_path: Path) -> None:
    from deskclient.resources import data_path
    from deskclient.services.catalog_search import search_catalog

    one = data_path("catalog") / "minzheng.toml"
    assert search_catalog("dbsq", 3, None, tmp_path, one).hits[0].code == "MZ-001"
    assert search_catalog("dbsq", 3, None, tmp_path, one).from_index_only
    missing = search_catalog("dbsq", 3, None, tmp_path, tmp_path / "nope")
    assert missing.hits == () and missing.problems[0].file.endswith("nope")
