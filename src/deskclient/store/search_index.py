"""The catalog search index on disk: one SQLite file per catalog content, opened in a millisecond.

Building the index (pinyin of every name and alias, every key a query could match) costs seconds
and ~300 MB for a 10,000-item county catalog, and pypinyin's dictionaries alone are ~50 MB. So it
is built once when the catalog changes (``services/catalog_files.py``) and written here; the desk
and ``deskclient catalog search`` then open the file and answer each keystroke with B-tree range
lookups (the same tiers and ranking as the in-memory index, ``domain/search.py``). Plain
``sqlite3``: no ORM, nothing unpickled, a damaged file is simply rebuilt.

Layout: ``keys(kind, key, item, rank)`` holds the in-memory index's sorted keys (``key`` ends with
the separator and the item tag, so it is unique); ``top`` keeps the best items of every prefix
that matches more than ``TOP_MIN_KEYS`` keys (``shen`` matches tens of thousands; sorting them per
keystroke took 25 ms), so every lookup reads at most that many keys; ``lines`` holds the
scattered-characters tier's names and initials, one line per name, best ranked first; ``origins`` the names and their pinyin, for "why it matched"; ``cards`` each item's code, name and window, so
``deskclient catalog search`` prints its hits without parsing the catalog's TOML (format 2; 3 adds ``chars``; 4 stores the lines' items and offsets as int32 arrays).
"""

from __future__ import annotations

import os
import sqlite3
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from deskclient.domain.search import (
    KEY_KINDS,
    LINE_KINDS,
    IndexParts,
    MemoryParts,
    Origin,
    StoredParts,
    scatter_pattern,
)

FORMAT = "4"  # bump when the layout or the key scheme of domain/search.py changes
TOP_MIN_KEYS = 256  # a prefix matching more keys than this has its best items precomputed
TOP_ITEMS = 64  # items kept per precomputed prefix; a larger request reads the range
_TOP = "\U0010ffff"
_SEP = "\x00"

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE keys (kind TEXT NOT NULL, key TEXT NOT NULL, item INTEGER NOT NULL, rank INTEGER NOT NULL,
                   PRIMARY KEY (kind, key)) WITHOUT ROWID;
CREATE TABLE top (kind TEXT NOT NULL, prefix TEXT NOT NULL, items TEXT NOT NULL,
                  PRIMARY KEY (kind, prefix)) WITHOUT ROWID;
CREATE TABLE lines (kind TEXT PRIMARY KEY, blob TEXT NOT NULL, items BLOB NOT NULL, starts BLOB NOT NULL)
                    WITHOUT ROWID;
CREATE TABLE origins (item INTEGER NOT NULL, pos INTEGER NOT NULL, alias TEXT, text TEXT NOT NULL,
                      spellings TEXT NOT NULL, starts TEXT NOT NULL, initials TEXT NOT NULL,
                      PRIMARY KEY (item, pos)) WITHOUT ROWID;
CREATE TABLE chars (kind TEXT NOT NULL, ch TEXT NOT NULL, bits BLOB NOT NULL,
                    PRIMARY KEY (kind, ch)) WITHOUT ROWID;
CREATE TABLE cards (item INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, window TEXT NOT NULL);
"""


def write_index(path: Path, parts: MemoryParts, version: str,
                cards: Sequence[tuple[str, str, str]] = ()) -> None:
    """Write ``parts`` (and each item's code, name and window) to ``path`` (atomically: a temp file
    renamed over it). Not durable on purpose: a lost index is rebuilt from the catalog."""
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-65536")  # 64 MB for the build only; readers keep the default
        con.executescript(_SCHEMA)
        con.execute("BEGIN")
        # kinds in key order and each kind's keys already sorted: the B-tree is filled by appending
        # (2 M rows at 10,000 items; inserted out of order they split pages all over the tree)
        for kind, store in sorted(parts.keys.items()):
            rank = store.rank
            con.executemany("INSERT INTO keys VALUES (?, ?, ?, ?)",
                            ((kind, k, i, rank[i]) for k, i in zip(store.keys, store.ids, strict=True)))
            con.executemany("INSERT INTO top VALUES (?, ?, ?)", _tops(kind, store.keys, store.ids, rank))
        for kind, lines in parts.lines.items():
            ordered = sorted(lines.lines(), key=lambda pair: lines.rank[pair[1]])
            texts = [t for t, _ in ordered]
            con.execute("INSERT INTO lines VALUES (?, ?, ?, ?)", (
                kind, "\n".join(texts) + "\n", array("i", [i for _, i in ordered]).tobytes(),
                array("i", accumulate(map((1).__add__, map(len, texts)), initial=0)).tobytes()))
            con.executemany("INSERT INTO chars VALUES (?, ?, ?)",
                            ((kind, ch, bits) for ch, bits in _char_bits(texts).items()))
        con.executemany("INSERT INTO origins VALUES (?, ?, ?, ?, ?, ?, ?)", (
            (item, pos, o.alias, o.text, " ".join(o.spellings), ";".join(",".join(map(str, s)) for s in o.starts),
             " ".join(o.initials))
            for item, origins in enumerate(parts.origin_lists) for pos, o in enumerate(origins)))
        con.executemany("INSERT INTO cards VALUES (?, ?, ?, ?)", ((i, *card) for i, card in enumerate(cards)))
        con.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("format", FORMAT), ("version", version), ("initial_letters", "".join(sorted(parts.initial_letters))),
            ("name_rank", " ".join(map(str, parts.keys["name0"].rank))),
            ("code_rank", " ".join(map(str, parts.keys["code0"].rank)))])
        con.execute("COMMIT")
    finally:
        con.close()
    os.replace(tmp, path)


def _char_bits(lines: Sequence[str]) -> dict[str, bytes]:
    """For each character, a bitset (little-endian bytes) of the lines that contain it."""
    size = (len(lines) + 7) // 8
    out: dict[str, bytearray] = {}
    for n, line in enumerate(lines):
        byte, bit = n >> 3, 1 << (n & 7)
        for ch in set(line):
            bits = out.get(ch)
            if bits is None:
                bits = out[ch] = bytearray(size)
            bits[byte] |= bit
    return {ch: bytes(bits) for ch, bits in out.items()}


def _tops(kind: str, keys: Sequence[str], ids: Sequence[int], rank: Sequence[int]):
    """(kind, prefix, best items) for every prefix matching more than TOP_MIN_KEYS keys.

    Walks down from the one-character prefixes, descending only into big ranges (found with
    binary searches over the sorted keys), so the work is about the keys times the depth of the
    big prefixes, not every prefix of every key.
    """
    stack: list[str] = [""]
    while stack:
        prefix = stack.pop()
        lo = bisect_left(keys, prefix)
        hi = bisect_left(keys, prefix + _TOP, lo)
        n = len(prefix)
        while lo < hi:
            c = keys[lo][n]
            nxt = bisect_left(keys, prefix + chr(ord(c) + 1), lo, hi)
            if c != _SEP and nxt - lo > TOP_MIN_KEYS:
                child = prefix + c
                best = sorted(set(ids[lo:nxt]), key=rank.__getitem__)[:TOP_ITEMS]
                yield kind, child, " ".join(map(str, best))
                stack.append(child)
            lo = nxt


def open_index(path: Path, version: str) -> IndexParts | None:
    """The parts of the index at ``path`` if it is a complete index of catalog ``version``; else None."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        meta = dict(con.execute("SELECT name, value FROM meta").fetchall())
    except sqlite3.DatabaseError:
        return None
    if meta.get("format") != FORMAT or meta.get("version") != version:
        con.close()
        return None
    keys = {kind: _DiskKeys(con, kind) for kind in KEY_KINDS}
    lines = {kind: _DiskLines(con, kind) for kind in LINE_KINDS}
    ranks = (array("i", map(int, meta.get("name_rank", "").split())),
             array("i", map(int, meta.get("code_rank", "").split())))
    return StoredParts(keys, lines, frozenset(meta.get("initial_letters", "")), _origins_reader(con), ranks)


def read_cards(path: Path, items: Sequence[int]) -> list[tuple[str, str, str]]:
    """(code, name, window) of each of ``items``, in that order, from the index file at ``path``."""
    if not items:
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        marks = ",".join("?" * len(items))
        found = {row[0]: row[1:] for row in con.execute(
            f"SELECT item, code, name, window FROM cards WHERE item IN ({marks})", list(items))}
    finally:
        con.close()
    return [found[i] for i in items]


_CACHE_MAX = 1024  # answers kept per kind: the file never changes, and typing reuses prefixes


class _DiskKeys:
    """A key store read from the file. Answers are cached (bounded): the file is immutable, and a
    clerk typing ``shenf``, ``shenfe``, ... asks the fuzzy tier the same neighbours again."""

    __slots__ = ("_cache", "con", "kind")

    def __init__(self, con: sqlite3.Connection, kind: str) -> None:
        self.con = con
        self.kind = kind
        self._cache: dict[tuple[str, str, int], object] = {}

    def _cached(self, what: str, prefix: str, n: int, compute):
        key = (what, prefix, n)
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            hit = self._cache[key] = compute()
        return hit

    def top(self, prefix: str, n: int) -> list[int]:
        return list(self._cached("top", prefix, n, lambda: self._top(prefix, n)))

    def has_prefix(self, prefix: str) -> bool:
        return bool(self._cached("has", prefix, 0, lambda: self._has_prefix(prefix)))

    def next_chars(self, prefix: str) -> list[str]:
        return list(self._cached("next", prefix, 0, lambda: self._next_chars(prefix)))

    def _top(self, prefix: str, n: int) -> list[int]:
        if n <= TOP_ITEMS:
            row = self.con.execute("SELECT items FROM top WHERE kind = ? AND prefix = ?",
                                   (self.kind, prefix)).fetchone()
            if row is not None:
                return [int(x) for x in row[0].split()[:n]]
        rows = self.con.execute(
            "SELECT item FROM keys WHERE kind = ? AND key >= ? AND key < ? GROUP BY item ORDER BY min(rank) LIMIT ?",
            (self.kind, prefix, prefix + _TOP, n)).fetchall()
        return [r[0] for r in rows]

    def _has_prefix(self, prefix: str) -> bool:
        return self.con.execute("SELECT 1 FROM keys WHERE kind = ? AND key >= ? AND key < ? LIMIT 1",
                                (self.kind, prefix, prefix + _TOP)).fetchone() is not None

    def _next_chars(self, prefix: str) -> list[str]:
        out: list[str] = []
        lo, n = prefix, len(prefix)
        while True:
            row = self.con.execute("SELECT key FROM keys WHERE kind = ? AND key >= ? AND key < ? LIMIT 1",
                                   (self.kind, lo, prefix + _TOP)).fetchone()
            if row is None or len(row[0]) <= n:
                return out
            c = row[0][n]
            if c != _SEP:
                out.append(c)
            lo = prefix + chr(ord(c) + 1)


class _DiskLines:
    """The scattered tier: the names (or initials) one line each, best ranked first, read from
    the file on first use. A query first ANDs the bitsets of the lines holding each of its
    characters (one per character, from the file), then tries the ordered-characters regex on
    those lines only, in rank order, stopping at the ``n``-th distinct item: a rare pattern no
    longer reads the whole text (it did: 2-6 ms per keystroke at 10,000 items), a common one
    stops after a few lines."""

    __slots__ = ("_bits", "blob", "con", "ids", "kind", "starts")

    def __init__(self, con: sqlite3.Connection, kind: str) -> None:
        self.con = con
        self.kind = kind
        self.blob: str | None = None
        self.ids: Sequence[int] = ()
        self.starts: Sequence[int] = ()
        self._bits: dict[str, int] = {}

    def _load(self) -> str:
        """One row: the text, each line's item and each line's offset (one past the end too), the
        last two as int32 arrays, so the first scattered query costs ~1 ms, not ~15 ms of parsing."""
        row = self.con.execute("SELECT blob, items, starts FROM lines WHERE kind = ?", (self.kind,)).fetchone()
        blob, items, starts = row if row else ("", b"", b"")
        self.ids = array("i", items)
        self.starts = array("i", starts) if starts else array("i", [0])
        self.blob = blob
        return blob

    def _lines_with(self, ch: str) -> int:
        bits = self._bits.get(ch)
        if bits is None:
            row = self.con.execute("SELECT bits FROM chars WHERE kind = ? AND ch = ?", (self.kind, ch)).fetchone()
            bits = self._bits[ch] = int.from_bytes(row[0], "little") if row else 0
        return bits

    def scattered(self, chars: str, n: int) -> list[int]:
        blob = self.blob if self.blob is not None else self._load()
        candidates = -1
        for ch in set(chars):
            candidates &= self._lines_with(ch)
            if not candidates:
                return []
        pattern, starts, ids = scatter_pattern(chars), self.starts, self.ids
        found: dict[int, None] = {}
        flags = bin(candidates)[:1:-1]  # flags[i] == "1": line i holds every character
        line = flags.find("1")
        while line >= 0 and line < len(ids):
            if pattern.search(blob, starts[line], starts[line + 1] - 1):
                found[ids[line]] = None
                if len(found) >= n:
                    break
            line = flags.find("1", line + 1)
        return list(found)


def _origins_reader(con: sqlite3.Connection):
    @lru_cache(maxsize=256)
    def origins(item: int) -> tuple[Origin, ...]:
        rows = con.execute("SELECT alias, text, spellings, starts, initials FROM origins WHERE item = ? "
                           "ORDER BY pos", (item,)).fetchall()
        return tuple(Origin(alias, text, tuple(sp.split()) if sp else (),
                            tuple(tuple(int(x) for x in s.split(",") if x) for s in st.split(";")) if sp else (),
                            tuple(ini.split()) if ini else ())
                     for alias, text, sp, st, ini in rows)

    return origins
