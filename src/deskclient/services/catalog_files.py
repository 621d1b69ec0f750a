"""Reading the service catalog from disk, and keeping the last good one when an edit breaks it.

The shipped sample catalog lives in ``data/catalog/``; a station replaces it by putting its own
``.toml`` files in ``<data_dir>/catalog/``. A broken catalog must never stop the counter: after
every successful load a copy is saved to ``<data_dir>/catalog-last-good.json`` (atomically), and a
failed load falls back to that copy while the problems are returned for the UI to show.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from deskclient.domain.catalog import Catalog, CatalogProblem, catalog_to_data
from deskclient.resources import data_path
from deskclient.services.catalog_search import (
    FILES_PREFIX,
    INDEX_PREFIX,
    files_hash,
    index_file,
    station_folder,
    toml_files,
)
from deskclient.strings import catalog as T

if TYPE_CHECKING:
    from deskclient.domain.search import CatalogIndex

LAST_GOOD_NAME = "catalog-last-good.json"

Source = Literal["shipped", "station", "last_good", "empty"]


@dataclass(frozen=True)
class CatalogLoad:
    """The catalog in use, where it came from, and every problem found on the way."""

    catalog: Catalog
    problems: tuple[CatalogProblem, ...]
    source: Source
    is_sample: bool
    files_key: str | None = None  # the hash of the TOML files it was parsed from, when it loaded cleanly

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_text(path: Path, label: str) -> tuple[str | None, CatalogProblem | None, bytes]:
    """The file's text (UTF-8, a Windows BOM tolerated), or a problem saying why not; and its bytes."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, CatalogProblem(label, 0, T.FILE_UNREADABLE.format(reason=err.strerror or type(err).__name__)), b""
    try:
        return data.decode("utf-8-sig"), None, data
    except UnicodeDecodeError as err:
        return None, CatalogProblem(label, data.count(b"\n", 0, err.start) + 1, T.NOT_UTF8), data


def load_files_keyed(paths: list[Path]) -> tuple[Catalog, list[CatalogProblem], str | None]:
    texts: list[tuple[str, str]] = []
    problems: list[CatalogProblem] = []
    named: list[tuple[Path, bytes]] = []
    for path in paths:
        text, problem, data = _read_text(path, str(path))
        named.append((path, data))
        if problem is not None:
            problems.append(problem)
        elif text is not None:
            texts.append((str(path), text))
    from deskclient.domain.catalog_parse import build_catalog

    catalog, more = build_catalog(texts)
    problems += more
    return catalog, problems, (files_hash(named) if not problems and paths else None)


def _load_files(paths: list[Path]) -> tuple[Catalog, list[CatalogProblem]]:
    catalog, problems, _key = load_files_keyed(paths)
    return catalog, problems


def validate_path(path: Path) -> list[CatalogProblem]:
    """Every problem in a catalog file or folder (an empty list means it is fine to use)."""
    path = Path(path)
    if path.is_dir():
        files = toml_files(path)
        if not files:
            return [CatalogProblem(str(path), 0, T.FOLDER_EMPTY)]
        return _load_files(files)[1]
    if not path.exists():
        return [CatalogProblem(str(path), 0, T.PATH_NOT_FOUND)]
    if path.suffix.lower() != ".toml":
        return [CatalogProblem(str(path), 0, T.NOT_TOML_FILE)]
    return _load_files([path])[1]


def load_files(path: Path) -> tuple[Catalog, list[CatalogProblem]]:
    """The catalog in a file or folder, with its problems (for the command line's list/show)."""
    path = Path(path)
    files = toml_files(path) if path.is_dir() else [path]
    if not files:
        return Catalog(), [CatalogProblem(str(path), 0, T.FOLDER_EMPTY)]
    return _load_files(files)


def load_catalog(data_dir: Path | None, *, remember: bool = True) -> CatalogLoad:
    """The catalog to use: the station's own, else the shipped sample; the last good one if broken.

    ``remember=False`` (read-only commands) does not write the last-good copy.
    """
    station = station_folder(data_dir)
    folder = station if station is not None else data_path("catalog")
    source: Source = "station" if station is not None else "shipped"
    files = toml_files(folder) if folder.is_dir() else []
    key: str | None = None
    if files:
        catalog, problems, key = load_files_keyed(files)
    else:
        catalog, problems = Catalog(), [CatalogProblem(str(folder), 0, T.FOLDER_EMPTY)]

    if not problems:
        if data_dir is not None and remember:
            _save_last_good(Path(data_dir) / LAST_GOOD_NAME, catalog)
        return CatalogLoad(catalog, (), source, catalog.sample, key)

    fallback = _load_last_good(data_dir)
    if fallback is not None:
        good, note = fallback
        return CatalogLoad(good, (*problems, note), "last_good", good.sample)
    if data_dir is not None and (Path(data_dir) / LAST_GOOD_NAME).exists():
        problems.append(CatalogProblem(str(Path(data_dir) / LAST_GOOD_NAME), 0, T.LAST_GOOD_BROKEN))
    if source == "station":
        shipped_files = toml_files(data_path("catalog"))
        shipped, shipped_problems = _load_files(shipped_files) if shipped_files else (Catalog(), [])
        if shipped_files and not shipped_problems:
            problems.append(CatalogProblem(str(folder), 0, T.SHIPPED_IN_USE))
            return CatalogLoad(shipped, tuple(problems), "shipped", shipped.sample)
    problems.append(CatalogProblem(str(folder), 0, T.LAST_GOOD_MISSING))
    return CatalogLoad(Catalog(), tuple(problems), "empty", False)


def _save_last_good(path: Path, catalog: Catalog) -> None:
    """Keep a copy of a catalog that loaded cleanly; skipped when the saved copy is already this version."""
    try:
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(saved, dict) and saved.get("version") == catalog.version \
                    and saved.get("sample") == catalog.sample:
                return
    except (OSError, ValueError):
        pass  # unreadable or corrupt: overwrite it below
    # A read-only or full disk must not stop the counter: the catalog itself loaded fine.
    from deskclient.services.files import atomic_write_text

    with contextlib.suppress(OSError):
        atomic_write_text(path, json.dumps(catalog_to_data(catalog), ensure_ascii=False, indent=1))


def _load_last_good(data_dir: Path | None) -> tuple[Catalog, CatalogProblem] | None:
    if data_dir is None:
        return None
    path = Path(data_dir) / LAST_GOOD_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    from deskclient.domain.catalog_parse import catalog_from_data

    catalog, problems = catalog_from_data(data, str(path))
    if problems or not len(catalog):
        return None
    return catalog, CatalogProblem(str(path), 0, T.LAST_GOOD_IN_USE.format(version=catalog.version))


# --- the search index, cached per catalog content ------------------------------------------------

def index_path(cache_dir: Path, catalog: Catalog) -> Path:
    """The index file of this catalog's content in ``cache_dir`` (the content hash names it)."""
    return index_file(cache_dir, catalog.version)


def catalog_index(catalog: Catalog, cache_dir: Path | None, files_key: str | None = None) -> CatalogIndex:
    """The search index of ``catalog``: opened from ``cache_dir`` when built before (milliseconds,
    pypinyin never imported), else built now and written there for next time.

    Called when a catalog is validated or first loaded, so the desk's search box opens the file.
    ``files_key`` (the hash of the TOML files the catalog was cleanly parsed from) is recorded
    beside the index, so :func:`search_catalog` can answer from it without parsing the files.
    An unwritable cache dir only costs the build next time; a damaged file is rebuilt.
    """
    from deskclient.domain.search import CatalogIndex
    from deskclient.store.search_index import open_index, write_index

    items = list(catalog)
    index: CatalogIndex | None = None
    if cache_dir is not None:
        path = index_path(cache_dir, catalog)
        parts = open_index(path, catalog.version)
        if parts is not None:
            index = CatalogIndex(items, parts)
    if index is None:
        index = CatalogIndex(items)
        if cache_dir is not None:
            with contextlib.suppress(OSError, sqlite3_error()):
                Path(cache_dir).mkdir(parents=True, exist_ok=True)
                write_index(path, index.parts, catalog.version,  # type: ignore[arg-type]
                            [(it.code, it.name, it.window) for it in items])
                _prune_indexes(Path(cache_dir), keep=path)
    if cache_dir is not None and files_key is not None:
        _remember_files(Path(cache_dir), files_key, catalog.version)
    return index


def _remember_files(cache_dir: Path, key: str, version: str) -> None:
    """Record that the files with ``key`` parse cleanly into catalog ``version`` (whose index is
    in ``cache_dir``). Not durable: a lost record only costs one full search."""
    mark = cache_dir / f"{FILES_PREFIX}{key}"
    with contextlib.suppress(OSError):
        if not (mark.is_file() and mark.read_text(encoding="utf-8") == version):
            tmp = mark.with_name(mark.name + ".tmp")
            tmp.write_text(version, encoding="utf-8")
            tmp.replace(mark)


def sqlite3_error() -> type[Exception]:
    import sqlite3

    return sqlite3.Error


def _prune_indexes(cache_dir: Path, keep: Path) -> None:
    """Older catalogs' index files are dead weight once a new catalog is indexed."""
    for old in cache_dir.glob(f"{INDEX_PREFIX}*.sqlite"):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
    version = keep.name[len(INDEX_PREFIX):].split("-f")[0]
    for mark in cache_dir.glob(f"{FILES_PREFIX}*"):  # records pointing at a pruned index
        with contextlib.suppress(OSError):
            if mark.read_text(encoding="utf-8").strip() != version:
                mark.unlink()
