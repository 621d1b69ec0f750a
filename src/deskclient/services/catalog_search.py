"""``catalog search`` answered from the cached index file alone, when the catalog is unchanged.

The desk and ``catalog validate`` build the search index once per catalog content
(``catalog_files.catalog_index``) and record beside it the hash of the TOML files it came from. A
search whose files hash the same reads its hits (item number, score, why) and their code, name
and window from that file: no TOML parse, no catalog objects, no pypinyin (issue 20: the parse
was a third of the command's 0.6 s). Anything else (files edited, no index, a problem in the
catalog) takes the full way in ``catalog_files`` and records the files for next time. Kept light
on purpose: this module imports only the standard library at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from deskclient.resources import data_path
from deskclient.strings import catalog as T

if TYPE_CHECKING:
    from deskclient.domain.catalog import CatalogProblem

STATION_FOLDER = "catalog"
INDEX_PREFIX = "catalog-index-"
FILES_PREFIX = "catalog-files-"


def toml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def station_folder(data_dir: Path | None) -> Path | None:
    """The station's own catalog folder, if it holds any .toml file."""
    if data_dir is None:
        return None
    folder = Path(data_dir) / STATION_FOLDER
    return folder if folder.is_dir() and toml_files(folder) else None


def index_file(cache_dir: Path, version: str) -> Path:
    """The index file of catalog ``version`` in ``cache_dir``."""
    from deskclient.store.search_index import FORMAT

    return Path(cache_dir) / f"{INDEX_PREFIX}{version}-f{FORMAT}.sqlite"


def user_cache_dir() -> Path:
    """Where the index of a catalog outside any data dir is kept (``$XDG_CACHE_HOME/deskclient``)."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deskclient"


def files_hash(named: list[tuple[Path, bytes]]) -> str:
    """What the index cache is keyed by from the files' side: each file's name, length, CRC-32 and
    Adler-32 (zlib: already loaded by argparse's shutil, where hashlib's OpenSSL costs ~3 ms of a
    ~70 ms command). Not a defence against forgery, which a local cache does not need; an edit of
    any kind (even back to the same items) gets a new key, so a search never answers from an index
    of what the files used to say."""
    import zlib

    desc = "\0".join(f"{path.name}\0{len(data)}\0{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
                     for path, data in named).encode()
    return f"{zlib.crc32(desc):08x}{zlib.adler32(desc):08x}"


def files_key(paths: list[Path]) -> str | None:
    """The key of these catalog files as they are now; None when there are none or one cannot be read."""
    try:
        return files_hash([(p, p.read_bytes()) for p in paths]) if paths else None
    except OSError:
        return None


class CatalogHit(NamedTuple):
    """One search result as the command line prints it."""

    code: str
    name: str
    window: str
    score: int
    matched: str


class CatalogSearch(NamedTuple):
    """What a search found, and the catalog's problems (none when answered from the index alone).
    NamedTuples here, as in ``domain/search.py``: the search path never imports ``dataclasses``."""

    hits: tuple[CatalogHit, ...]
    problems: tuple[CatalogProblem, ...]
    from_index_only: bool  # answered from the cached index file without parsing the catalog


def search_catalog(query: str, limit: int, data_dir: Path | None, cache_dir: Path,
                   path: Path | None = None) -> CatalogSearch:
    """Best matches for ``query`` in the catalog at ``path`` (a file or folder), else in the one
    the desk would load from ``data_dir``.

    When the catalog's files are byte for byte those an index in ``cache_dir`` was built from
    (their hash was recorded by :func:`catalog_index`), the answer comes from that index file
    alone: no TOML parse, no catalog objects. Otherwise (files edited, index missing, a problem
    in the catalog) the catalog is loaded as usual, its index opened or rebuilt, and the files
    recorded for next time.
    """
    if path is not None:
        files = (toml_files(path) if path.is_dir() else [path]) if path.exists() else []
    else:
        station = station_folder(data_dir)
        folder = station if station is not None else data_path("catalog")
        files = toml_files(folder) if folder.is_dir() else []
    key = files_key(files)
    if key is not None:
        answer = _search_recorded(query, limit, cache_dir, key)
        if answer is not None:
            return answer
    from deskclient.domain.catalog import CatalogProblem
    from deskclient.services import catalog_files

    if path is not None:
        if not path.exists():
            return CatalogSearch((), (CatalogProblem(str(path), 0, T.PATH_NOT_FOUND),), False)
        catalog, problems, loaded_key = catalog_files.load_files_keyed(files)
        if not files:
            problems = [CatalogProblem(str(path), 0, T.FOLDER_EMPTY)]
    else:
        load = catalog_files.load_catalog(data_dir, remember=False)
        catalog, problems, loaded_key = load.catalog, list(load.problems), load.files_key
    index = catalog_files.catalog_index(catalog, cache_dir, files_key=loaded_key)
    hits = tuple(CatalogHit(h.item.code, h.item.name, h.item.window, h.score, h.matched)
                 for h in index.search(query, limit))
    return CatalogSearch(hits, tuple(problems), False)


def _search_recorded(query: str, limit: int, cache_dir: Path, key: str) -> CatalogSearch | None:
    """The answer from the index recorded for files ``key``; None when there is none usable."""
    import sqlite3

    from deskclient.domain.search import CatalogIndex
    from deskclient.store.search_index import open_index, read_cards

    try:
        version = (cache_dir / f"{FILES_PREFIX}{key}").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = index_file(cache_dir, version)
    parts = open_index(path, version)
    if parts is None:
        return None
    found = CatalogIndex((), parts).find(query, limit)
    try:
        cards = read_cards(path, [i for i, _, _ in found])
    except (KeyError, sqlite3.Error):
        return None
    return CatalogSearch(tuple(CatalogHit(code, name, window, score, matched)
                               for (code, name, window), (_, score, matched) in zip(cards, found, strict=True)),
                         (), True)
