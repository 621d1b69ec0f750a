"""Find a catalog item the way a clerk types: code, Chinese name or alias, full pinyin or initials.

Clerks type ``低保``, ``dbsq``, ``zuidishenghuo`` or ``MZ-001`` on slow counter PCs, so the index
does the work once: every string a query could match is precomputed and kept in sorted lists, and
a query is a handful of binary searches (prefix ranges) instead of a scan over all items.
Polyphonic characters (重 zhong/chong, 长 chang/zhang, 行 xing/hang) are indexed under every reading.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from itertools import product
from typing import TYPE_CHECKING, NamedTuple, Protocol

from deskclient.strings import catalog as T

if TYPE_CHECKING:
    from deskclient.domain.catalog import ServiceItem

_TOP = "\U0010ffff"  # sorts after every character: prefix + _TOP bounds a prefix range
_SEP = "\x00"  # ends an indexed key; sorts before every character a query can contain
_MAX_ITEMS = 0x10FFFE  # an item index is stored as one character after _SEP
_MAX_COMBOS = 4  # all reading combinations up to this many; beyond, one polyphone at a time
_MAX_READINGS = 2  # readings per character kept (pypinyin lists rare archaic ones too)
_MAX_PHRASE = 8  # longest phrase tried when choosing in-context readings
_SCATTER_MAX = 12  # longest query tried as a scattered subsequence (regex cost grows with it)
_FUZZY_MIN = 4  # one-typo tolerance for pinyin queries of at least this many letters

# Tier scores: higher is better; the order is the ranking the clerk sees.
SCORE_CODE_EXACT = 100
SCORE_CODE_PREFIX = 90
SCORE_NAME_EXACT = 85
SCORE_NAME_PREFIX = 80
SCORE_NAME_PART = 70
SCORE_CODE_PART = 65
SCORE_PINYIN_PREFIX = 60
SCORE_PINYIN = 55
SCORE_INITIALS_PREFIX = 50
SCORE_INITIALS = 45
SCORE_SCATTERED = 30
SCORE_FUZZY = 20


class SearchHit(NamedTuple):
    """One result: the item, its tier score and why it matched (Chinese, for the clerk).

    This module's records are NamedTuples, not dataclasses: ``deskclient catalog search`` imports
    it, and ``dataclasses`` (with inspect, ast, dis) is ~8 ms of a ~50 ms command."""

    item: ServiceItem
    score: int
    matched: str


def normalize_query(text: str) -> str:
    """Full-width to half-width, case-folded, without spaces or control characters."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ")


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def _plain(toned: str) -> str:
    """A toned syllable as typed on a keyboard: no tone marks, ü as v."""
    decomposed = unicodedata.normalize("NFD", toned).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@cache
def _dicts() -> tuple[Mapping[int, str], Mapping[str, list[list[str]]]]:
    """pypinyin's dictionaries (~50 MB once loaded), imported only when an index is built from
    scratch: a desk whose catalog index is cached (``services/catalog_files.py``) never loads them."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict, phrases_dict


@cache
def _readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, most common first (heteronyms included)."""
    raw = _dicts()[0].get(ord(ch), "")
    out = (_plain(r) for r in raw.split(","))
    return tuple(dict.fromkeys(r for r in out if r.isascii() and r.isalpha()))


@cache
def _phrase(run: str) -> tuple[str, ...] | None:
    entry = _dicts()[1].get(run)
    if entry is None or len(entry) != len(run):
        return None
    return tuple(_plain(readings[0]) for readings in entry)


def _context_readings(run: str) -> list[str | None]:
    """The in-context reading of each character of a Han run (forward maximum matching over phrases)."""
    out: list[str | None] = []
    i, n = 0, len(run)
    while i < n:
        for size in range(min(_MAX_PHRASE, n - i), 1, -1):
            phrase = _phrase(run[i:i + size])
            if phrase is not None:
                out.extend(phrase)
                i += size
                break
        else:
            readings = _readings(run[i])
            out.append(readings[0] if readings else None)
            i += 1
    return out


@lru_cache(maxsize=8192)
def _units(text: str) -> tuple[tuple[str, ...], ...]:
    """Readings per syllable, the in-context reading first; ASCII letter/digit runs are one unit."""
    units: list[tuple[str, ...]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if _is_han(ch):
            j = i
            while j < n and _is_han(text[j]):
                j += 1
            run = text[i:j]
            for c, first in zip(run, _context_readings(run), strict=True):
                alts = _readings(c)[: _MAX_READINGS]
                readings = tuple(dict.fromkeys(([first] if first and first.isalpha() else []) + list(alts)))
                if readings:
                    units.append(readings)
            i = j
        elif ch.isascii() and ch.isalnum():
            j = i
            while j < n and text[j].isascii() and text[j].isalnum():
                j += 1
            units.append((text[i:j],))
            i = j
        else:
            i += 1
    return tuple(units)


def _variants(units: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Syllable sequences to index: every combination when few, else one polyphone switched at a time."""
    if not units:
        return []
    total = 1
    for u in units:
        total *= len(u)
        if total > _MAX_COMBOS:
            break
    if total <= _MAX_COMBOS:
        return [tuple(c) for c in product(*units)]
    primary = tuple(u[0] for u in units)
    out = [primary]
    for j, u in enumerate(units):
        for alt in u[1:]:
            out.append((*primary[:j], alt, *primary[j + 1:]))
    return out


class KeyStore(Protocol):
    """Sorted ``key + SEP + tag`` strings of one kind (tag = item index + 1 as one character).

    Two implementations: :class:`SortedKeys` in memory (built here) and the on-disk one of a
    cached index (``store/search_index.py``), so the tiers and ranking below exist once.
    """

    def top(self, prefix: str, n: int) -> list[int]:
        """Up to ``n`` distinct items with a key starting with ``prefix``, best ranked first."""
        ...

    def has_prefix(self, prefix: str) -> bool: ...

    def next_chars(self, prefix: str) -> list[str]:
        """The characters that follow ``prefix`` in some key (never the separator)."""
        ...


class ScatterStore(Protocol):
    def scattered(self, chars: str, n: int) -> list[int]:
        """Up to ``n`` items (best ranked first) with a line holding ``chars`` in order."""
        ...


class SortedKeys:
    """In memory: sorted plain strings (not tuples: fast to sort, never walked by the GC).

    A prefix lookup is two binary searches; the matching item indexes are a slice of ``ids``.
    """

    __slots__ = ("ids", "keys", "rank")

    def __init__(self, entries: set[str], rank: Sequence[int]) -> None:
        self.keys = sorted(entries)
        self.ids = array("i", [ord(k[-1]) - 1 for k in self.keys])
        self.rank = rank

    def span(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self.keys, prefix)
        return lo, bisect_left(self.keys, prefix + _TOP, lo)

    def top(self, prefix: str, n: int) -> list[int]:
        lo, hi = self.span(prefix)
        return sorted(set(self.ids[lo:hi]), key=self.rank.__getitem__)[:n] if hi > lo else []

    def has_prefix(self, prefix: str) -> bool:
        lo = bisect_left(self.keys, prefix)
        return lo < len(self.keys) and self.keys[lo].startswith(prefix)

    def next_chars(self, prefix: str) -> list[str]:
        """A trie walk over the sorted list."""
        lo, hi = self.span(prefix)
        keys, n, out = self.keys, len(prefix), []
        while lo < hi:
            c = keys[lo][n]
            if c != _SEP:
                out.append(c)
            lo = bisect_left(keys, prefix + chr(ord(c) + 1), lo, hi)
        return out


@lru_cache(maxsize=64)
def scatter_pattern(chars: str) -> re.Pattern[str]:
    """``chars`` in order within one line. Greedy negated classes take the first occurrence of each
    next character: no backtracking."""
    return re.compile(re.escape(chars[0]) + "".join(f"[^\n{re.escape(c)}]*{re.escape(c)}" for c in chars[1:]))


class Lines:
    """In memory: strings joined by newlines, searched with a regex; a match maps back to its item."""

    __slots__ = ("blob", "ids", "rank", "starts")

    def __init__(self, pairs: Iterable[tuple[str, int]], rank: Sequence[int]) -> None:
        starts: list[int] = []
        ids: list[int] = []
        parts: list[str] = []
        pos = 0
        for text, idx in dict.fromkeys(pairs):
            starts.append(pos)
            ids.append(idx)
            parts.append(text)
            pos += len(text) + 1
        self.blob = "\n".join(parts) + "\n"
        self.starts = starts
        self.ids = ids
        self.rank = rank

    def lines(self) -> list[tuple[str, int]]:
        return [(self.blob[a:self.blob.index("\n", a)], i) for a, i in zip(self.starts, self.ids, strict=True)]

    def scattered(self, chars: str, n: int) -> list[int]:
        found: set[int] = set()
        for m in scatter_pattern(chars).finditer(self.blob):
            found.add(self.ids[bisect_right(self.starts, m.start()) - 1])
        return sorted(found, key=self.rank.__getitem__)[:n]


class Origin(NamedTuple):
    """One searchable name of an item (its name or an alias), precomputed for matching and display."""

    alias: str | None  # None: the item's own name
    text: str  # normalized
    spellings: tuple[str, ...]  # full pinyin variants
    starts: tuple[tuple[int, ...], ...]  # per spelling: offsets where its 2nd, 3rd, ... syllable starts
    initials: tuple[str, ...]  # initials variants


@lru_cache(maxsize=8192)
def _spelled(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...], tuple[str, ...]]:
    units = _units(text)
    spellings: list[str] = []
    starts: list[tuple[int, ...]] = []
    for variant in _variants(units):
        offsets, pos = [], 0
        for syllable in variant[:-1]:
            pos += len(syllable)
            offsets.append(pos)
        spellings.append("".join(variant))
        starts.append(tuple(offsets))
    initial_units = [tuple(dict.fromkeys(r[0] for r in u)) for u in units]
    initials = tuple(dict.fromkeys("".join(v) for v in _variants(initial_units)))
    return tuple(spellings), tuple(starts), initials


def _origin(alias: str | None, text: str) -> Origin | None:
    if not text:
        return None
    spellings, starts, initials = _spelled(text)
    return Origin(alias, text, spellings, starts, initials)


KEY_KINDS = ("code0", "code_in", "name0", "name_in", "py0", "py_in", "ini0", "ini_in")
CODE_KINDS = frozenset({"code0", "code_in"})  # ranked by code; every other kind by name length
LINE_KINDS = ("names", "initials")


class IndexParts(Protocol):
    """What a search reads: key stores by kind, scattered-match stores, and each item's origins.
    Two shapes: :class:`StoredParts` (the index file's, ``store/search_index.py``) and
    :class:`MemoryParts` (built here)."""

    @property
    def keys(self) -> Mapping[str, KeyStore]: ...

    @property
    def lines(self) -> Mapping[str, ScatterStore]: ...

    @property
    def initial_letters(self) -> frozenset[str]: ...

    @property
    def origins(self) -> Callable[[int], Sequence[Origin]]: ...

    @property
    def ranks(self) -> tuple[Sequence[int], Sequence[int]] | None:
        """(name_rank, code_rank) when stored."""
        ...


class StoredParts(NamedTuple):
    """The parts of an index read from its file."""

    keys: Mapping[str, KeyStore]
    lines: Mapping[str, ScatterStore]
    initial_letters: frozenset[str]
    origins: Callable[[int], Sequence[Origin]]
    ranks: tuple[Sequence[int], Sequence[int]] | None = None


class MemoryParts(NamedTuple):
    """Parts built in memory from the items (pinyin computed here); exported by the index cache."""

    keys: Mapping[str, SortedKeys]
    lines: Mapping[str, Lines]
    initial_letters: frozenset[str]
    origins: Callable[[int], Sequence[Origin]]
    ranks: tuple[Sequence[int], Sequence[int]] | None = None
    origin_lists: Sequence[Sequence[Origin]] = ()


def name_rank(items: Sequence[ServiceItem]) -> list[int]:
    """Rank of each item within a name tier: shorter names first, then catalog order."""
    order = sorted(range(len(items)), key=lambda i: (len(items[i].name), i))
    rank = [0] * len(items)
    for r, i in enumerate(order):
        rank[i] = r
    return rank


def code_rank(items: Sequence[ServiceItem]) -> list[int]:
    """Rank of each item within a code tier: code order."""
    order = sorted(range(len(items)), key=lambda i: (items[i].code.casefold(), i))
    rank = [0] * len(items)
    for r, i in enumerate(order):
        rank[i] = r
    return rank


def origins_of(item: ServiceItem) -> list[Origin]:
    """The item's searchable names (its name, then its aliases) with their pinyin and initials."""
    out: list[Origin] = []
    for alias, raw in [(None, item.name), *((a, a) for a in item.aliases)]:
        origin = _origin(alias, normalize_query(raw))
        if origin is not None:
            out.append(origin)
    return out


def build_parts(items: Sequence[ServiceItem], rank: Sequence[int], by_code: Sequence[int],
                origins: Callable[[int, ServiceItem], Sequence[Origin]] | None = None) -> MemoryParts:
    """Every key a query could match, in memory. ``origins`` supplies precomputed pinyin per item
    (the index cache's); without it pinyin is computed here (pypinyin's dictionaries load)."""
    sets: dict[str, set[str]] = {k: set() for k in KEY_KINDS}
    code0, code_in, name0, name_in = sets["code0"], sets["code_in"], sets["name0"], sets["name_in"]
    py0, py_in, ini0, ini_in = sets["py0"], sets["py_in"], sets["ini0"], sets["ini_in"]
    lines_names: list[tuple[str, int]] = []
    lines_initials: list[tuple[str, int]] = []
    initial_letters: set[str] = set()
    all_origins: list[Sequence[Origin]] = []
    for idx, item in enumerate(items):
        tag = _SEP + chr(idx + 1)
        code = normalize_query(item.code)
        for form in dict.fromkeys((code, _alnum(code))):
            if not form:
                continue
            code0.add(form + tag)
            code_in.update(form[k:] + tag for k in range(1, len(form)))
        item_origins = origins(idx, item) if origins is not None else origins_of(item)
        for origin in item_origins:
            text = origin.text
            name0.add(text + tag)
            name_in.update(text[k:] + tag for k in range(1, len(text)))
            lines_names.append((text, idx))
            for spelling, starts in zip(origin.spellings, origin.starts, strict=True):
                py0.add(spelling + tag)
                py_in.update(spelling[k:] + tag for k in starts)
            for joined in origin.initials:
                ini0.add(joined + tag)
                ini_in.update(joined[k:] + tag for k in range(1, len(joined)))
            if origin.initials:  # scattered matching uses the in-context reading only
                lines_initials.append((origin.initials[0], idx))
                initial_letters.update(origin.initials[0])
        all_origins.append(item_origins)
    keys = {k: SortedKeys(v, by_code if k in CODE_KINDS else rank) for k, v in sets.items()}
    lines = {"names": Lines(lines_names, rank), "initials": Lines(lines_initials, rank)}
    return MemoryParts(keys, lines, frozenset(initial_letters), all_origins.__getitem__, origin_lists=all_origins)


class CatalogIndex:
    """Built once per catalog (or opened from the index cache); :meth:`search` is then a few
    prefix lookups per tier."""

    def __init__(self, items: Iterable[ServiceItem], parts: IndexParts | None = None) -> None:
        self.items: list[ServiceItem] = list(items)
        if len(self.items) >= _MAX_ITEMS:
            raise ValueError("catalog too large to index")
        stored = parts.ranks if parts is not None else None
        if stored is not None and (not self.items or len(stored[0]) == len(self.items) == len(stored[1])):
            self._rank, self._code_rank = stored  # no items: a stored index searched by item number only
        else:
            self._rank, self._code_rank = name_rank(self.items), code_rank(self.items)
        self.parts = parts if parts is not None else build_parts(self.items, self._rank, self._code_rank)

    def __len__(self) -> int:
        return len(self._rank)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Best matches first (code > name > pinyin > initials > scattered > one typo); never raises."""
        return [SearchHit(self.items[i], score, matched) for i, score, matched in self.find(query, limit)]

    def find(self, query: str, limit: int = 20) -> list[tuple[int, int, str]]:
        """(item number, score, why it matched), best first: :meth:`search` without the items, for
        a caller that reads only the hits' names from the index file (``catalog search``)."""
        q = normalize_query(query)
        if not q or limit <= 0:
            return []
        keys, lines = self.parts.keys, self.parts.lines
        letters = q.isascii() and q.isalpha()
        alnum = _alnum(q) if q.isascii() else ""
        tiers: list[tuple[int, Callable[[int], list[int]]]] = []
        exact = keys["code0"].top(q + _SEP, 1) or (keys["code0"].top(alnum + _SEP, 1) if alnum else [])
        if exact:
            tiers.append((SCORE_CODE_EXACT, lambda n: exact))
        if q.isascii():
            tiers.append((SCORE_CODE_PREFIX, lambda n: self._union(
                [keys["code0"].top(q, n)] + ([keys["code0"].top(alnum, n)] if alnum and alnum != q else []),
                self._code_rank, n)))
        tiers.append((SCORE_NAME_EXACT, lambda n: keys["name0"].top(q + _SEP, n)))
        tiers.append((SCORE_NAME_PREFIX, lambda n: keys["name0"].top(q, n)))
        tiers.append((SCORE_NAME_PART, lambda n: keys["name_in"].top(q, n)))
        if alnum and any(c.isdigit() for c in alnum):
            tiers.append((SCORE_CODE_PART, lambda n: keys["code_in"].top(alnum, n)))
        if letters:
            tiers.append((SCORE_PINYIN_PREFIX, lambda n: keys["py0"].top(q, n)))
            tiers.append((SCORE_PINYIN, lambda n: keys["py_in"].top(q, n)))
            tiers.append((SCORE_INITIALS_PREFIX, lambda n: keys["ini0"].top(q, n)))
            tiers.append((SCORE_INITIALS, lambda n: keys["ini_in"].top(q, n)))
            if 2 <= len(q) <= _SCATTER_MAX and self.parts.initial_letters.issuperset(q):
                tiers.append((SCORE_SCATTERED, lambda n: lines["initials"].scattered(q, n)))
            if len(q) >= _FUZZY_MIN:
                tiers.append((SCORE_FUZZY, lambda n: self._fuzzy(q, n)))
        elif not q.isascii() and 2 <= len(q) <= _SCATTER_MAX:
            tiers.append((SCORE_SCATTERED, lambda n: lines["names"].scattered(q, n)))

        seen: set[int] = set()
        hits: list[tuple[int, int, str]] = []
        for score, find in tiers:
            if score == SCORE_FUZZY and any(h[1] > SCORE_SCATTERED for h in hits):
                break  # one-typo matching is a fallback, not extra noise under good matches
            # Each tier yields its best ``limit + len(seen)`` items, ranked: enough to fill the page
            # whatever earlier tiers already showed (a tier is only cut when the page fills).
            fresh = [i for i in find(limit + len(seen)) if i not in seen]
            if not fresh:
                continue
            for i in fresh[: limit - len(hits)]:
                hits.append((i, score, self._describe(i, score, q)))
            seen.update(fresh)
            if len(hits) >= limit:
                break
        return hits

    @staticmethod
    def _union(groups: list[list[int]], rank: Sequence[int], n: int) -> list[int]:
        if len(groups) == 1:
            return groups[0]
        return sorted({i for g in groups for i in g}, key=rank.__getitem__)[:n]

    def _fuzzy(self, q: str, limit: int) -> list[int]:
        """Items whose pinyin (from a syllable start) is one edit away from ``q``."""
        found: list[list[int]] = []
        n = len(q)
        for keys in (self.parts.keys["py0"], self.parts.keys["py_in"]):
            matched = 0  # longest prefix of q some key starts with: an edit must happen by there
            while matched < n and keys.has_prefix(q[: matched + 1]):
                matched += 1
            candidates: set[str] = set()
            for i in range(min(matched, n - 1) + 1):
                pre, rest = q[:i], q[i + 1:]
                candidates.add(pre + rest)  # deletion
                if i + 1 < n:
                    candidates.add(pre + q[i + 1] + q[i] + q[i + 2:])  # transposition
                for c in keys.next_chars(pre):
                    if c != q[i]:
                        candidates.add(pre + c + rest)  # substitution
                    candidates.add(pre + c + q[i:])  # insertion
            found.extend(keys.top(cand, limit) for cand in candidates if len(cand) >= 3)
        return self._union(found, self._rank, limit) if found else []

    def _describe(self, idx: int, score: int, q: str) -> str:
        """Why the item matched, naming the alias when it was the alias that matched."""
        label, test = _DESCRIPTIONS.get(score, (None, None))
        if score == SCORE_SCATTERED and not q.isascii():
            label = T.MATCH_CHARS_SCATTERED
        if label is None or test is None:
            return {SCORE_CODE_EXACT: T.MATCH_CODE_EXACT, SCORE_CODE_PREFIX: T.MATCH_CODE_PREFIX,
                    SCORE_CODE_PART: T.MATCH_CODE_PART, SCORE_FUZZY: T.MATCH_PINYIN_FUZZY}.get(score, "")
        for origin in self.parts.origins(idx):
            if test(origin, q):
                if origin.alias is None:
                    return label
                if score in _ALIAS_LABELS:
                    return _ALIAS_LABELS[score]
                return T.MATCH_VIA_ALIAS.format(how=label, alias=origin.alias)
        return label


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _scattered_in(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


_DESCRIPTIONS: dict[int, tuple[str, Callable[[Origin, str], bool]]] = {
    SCORE_NAME_EXACT: (T.MATCH_NAME_EXACT, lambda o, q: o.text == q),
    SCORE_NAME_PREFIX: (T.MATCH_NAME_PREFIX, lambda o, q: o.text.startswith(q)),
    SCORE_NAME_PART: (T.MATCH_NAME_PART, lambda o, q: q in o.text),
    SCORE_PINYIN_PREFIX: (T.MATCH_PINYIN_PREFIX, lambda o, q: any(s.startswith(q) for s in o.spellings)),
    SCORE_PINYIN: (T.MATCH_PINYIN, lambda o, q: any(q in s for s in o.spellings)),
    SCORE_INITIALS_PREFIX: (T.MATCH_INITIALS_PREFIX, lambda o, q: any(s.startswith(q) for s in o.initials)),
    SCORE_INITIALS: (T.MATCH_INITIALS, lambda o, q: any(q in s for s in o.initials)),
    SCORE_SCATTERED: (T.MATCH_INITIALS_SCATTERED,
                      lambda o, q: any(_scattered_in(q, s) for s in (*o.initials, o.text))),
}
_ALIAS_LABELS = {SCORE_NAME_EXACT: T.MATCH_ALIAS_EXACT, SCORE_NAME_PREFIX: T.MATCH_ALIAS_PREFIX,
                 SCORE_NAME_PART: T.MATCH_ALIAS_PART}
