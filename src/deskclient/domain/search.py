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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product

from pypinyin.phrases_dict import phrases_dict as PHRASES_DICT
from pypinyin.pinyin_dict import pinyin_dict as PINYIN_DICT

from deskclient.domain.catalog import ServiceItem
from deskclient.strings import catalog as T

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


@dataclass(frozen=True)
class SearchHit:
    """One result: the item, its tier score and why it matched (Chinese, for the clerk)."""

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
def _readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, most common first (heteronyms included)."""
    raw = PINYIN_DICT.get(ord(ch), "")
    out = (_plain(r) for r in raw.split(","))
    return tuple(dict.fromkeys(r for r in out if r.isascii() and r.isalpha()))


@cache
def _phrase(run: str) -> tuple[str, ...] | None:
    entry = PHRASES_DICT.get(run)
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


class _SortedKeys:
    """Sorted ``key + SEP + tag`` strings (tag = item index as one character) with the index of each.

    Plain strings, not tuples: sorting is fast and the garbage collector never has to walk them.
    A prefix lookup is two binary searches; the matching item indexes are a slice of ``ids``.
    """

    __slots__ = ("ids", "keys")

    def __init__(self, entries: set[str]) -> None:
        self.keys = sorted(entries)
        self.ids = array("i", [ord(k[-1]) - 1 for k in self.keys])

    def span(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self.keys, prefix)
        return lo, bisect_left(self.keys, prefix + _TOP, lo)

    def ids_with_prefix(self, prefix: str) -> set[int]:
        lo, hi = self.span(prefix)
        return set(self.ids[lo:hi]) if hi > lo else set()

    def has_prefix(self, prefix: str) -> bool:
        lo = bisect_left(self.keys, prefix)
        return lo < len(self.keys) and self.keys[lo].startswith(prefix)

    def next_chars(self, prefix: str) -> list[str]:
        """The characters that follow ``prefix`` in some key (a trie walk over the sorted list)."""
        lo, hi = self.span(prefix)
        keys, n, out = self.keys, len(prefix), []
        while lo < hi:
            c = keys[lo][n]
            if c != _SEP:
                out.append(c)
            lo = bisect_left(keys, prefix + chr(ord(c) + 1), lo, hi)
        return out


class _Lines:
    """Strings joined by newlines, searched with a regex; a match offset maps back to its item."""

    __slots__ = ("blob", "ids", "starts")

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
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

    def scattered(self, chars: str) -> set[int]:
        """Items with a line containing ``chars`` in order, not necessarily next to each other."""
        # Greedy negated classes take the first occurrence of each next character: no backtracking.
        pattern = re.compile(re.escape(chars[0]) + "".join(
            f"[^\n{re.escape(c)}]*{re.escape(c)}" for c in chars[1:]))
        found: set[int] = set()
        for m in pattern.finditer(self.blob):
            found.add(self.ids[bisect_right(self.starts, m.start()) - 1])
        return found


@dataclass(frozen=True)
class _Origin:
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


def _origin(alias: str | None, text: str) -> _Origin | None:
    if not text:
        return None
    spellings, starts, initials = _spelled(text)
    return _Origin(alias, text, spellings, starts, initials)


class CatalogIndex:
    """Built once per catalog; :meth:`search` is then a few binary searches per tier."""

    def __init__(self, items: Iterable[ServiceItem]) -> None:
        self.items: list[ServiceItem] = list(items)
        if len(self.items) >= _MAX_ITEMS:
            raise ValueError("catalog too large to index")
        self._origins: list[list[_Origin]] = []
        code_exact: dict[str, int] = {}
        name_exact: dict[str, list[int]] = {}
        code0: set[str] = set()
        code_in: set[str] = set()
        name0: set[str] = set()
        name_in: set[str] = set()
        py0: set[str] = set()
        py_in: set[str] = set()
        ini0: set[str] = set()
        ini_in: set[str] = set()
        lines_names: list[tuple[str, int]] = []
        lines_initials: list[tuple[str, int]] = []
        initial_letters: set[str] = set()

        for idx, item in enumerate(self.items):
            tag = _SEP + chr(idx + 1)
            code = normalize_query(item.code)
            for form in dict.fromkeys((code, _alnum(code))):
                if not form:
                    continue
                code_exact.setdefault(form, idx)
                code0.add(form + tag)
                code_in.update(form[k:] + tag for k in range(1, len(form)))
            origins: list[_Origin] = []
            for alias, raw in [(None, item.name), *((a, a) for a in item.aliases)]:
                origin = _origin(alias, normalize_query(raw))
                if origin is None:
                    continue
                text = origin.text
                name_exact.setdefault(text, []).append(idx)
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
                origins.append(origin)
            self._origins.append(origins)

        self._code_exact = code_exact
        self._name_exact = {k: tuple(dict.fromkeys(v)) for k, v in name_exact.items()}
        self._code0 = _SortedKeys(code0)
        self._code_in = _SortedKeys(code_in)
        self._name0 = _SortedKeys(name0)
        self._name_in = _SortedKeys(name_in)
        self._py0 = _SortedKeys(py0)
        self._py_in = _SortedKeys(py_in)
        self._ini0 = _SortedKeys(ini0)
        self._ini_in = _SortedKeys(ini_in)
        self._name_lines = _Lines(lines_names)
        self._initial_lines = _Lines(lines_initials)
        self._initial_letters = frozenset(initial_letters)
        order = sorted(range(len(self.items)), key=lambda i: (len(self.items[i].name), i))
        self._rank = [0] * len(self.items)
        for r, i in enumerate(order):
            self._rank[i] = r
        by_code = sorted(range(len(self.items)), key=lambda i: (self.items[i].code.casefold(), i))
        self._code_rank = [0] * len(self.items)
        for r, i in enumerate(by_code):
            self._code_rank[i] = r

    def __len__(self) -> int:
        return len(self.items)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Best matches first (code > name > pinyin > initials > scattered > one typo); never raises."""
        q = normalize_query(query)
        if not q or limit <= 0:
            return []
        letters = q.isascii() and q.isalpha()
        alnum = _alnum(q) if q.isascii() else ""
        tiers: list[tuple[int, Callable[[], Iterable[int]]]] = []
        exact_code = self._code_exact.get(q, self._code_exact.get(alnum) if alnum else None)
        if exact_code is not None:
            tiers.append((SCORE_CODE_EXACT, lambda: (exact_code,)))
        if q.isascii():
            tiers.append((SCORE_CODE_PREFIX, lambda: self._code0.ids_with_prefix(q)
                          | (self._code0.ids_with_prefix(alnum) if alnum and alnum != q else set())))
        tiers.append((SCORE_NAME_EXACT, lambda: self._name_exact.get(q, ())))
        tiers.append((SCORE_NAME_PREFIX, lambda: self._name0.ids_with_prefix(q)))
        tiers.append((SCORE_NAME_PART, lambda: self._name_in.ids_with_prefix(q)))
        if alnum and any(c.isdigit() for c in alnum):
            tiers.append((SCORE_CODE_PART, lambda: self._code_in.ids_with_prefix(alnum)))
        if letters:
            tiers.append((SCORE_PINYIN_PREFIX, lambda: self._py0.ids_with_prefix(q)))
            tiers.append((SCORE_PINYIN, lambda: self._py_in.ids_with_prefix(q)))
            tiers.append((SCORE_INITIALS_PREFIX, lambda: self._ini0.ids_with_prefix(q)))
            tiers.append((SCORE_INITIALS, lambda: self._ini_in.ids_with_prefix(q)))
            if 2 <= len(q) <= _SCATTER_MAX and self._initial_letters.issuperset(q):
                tiers.append((SCORE_SCATTERED, lambda: self._initial_lines.scattered(q)))
            if len(q) >= _FUZZY_MIN:
                tiers.append((SCORE_FUZZY, lambda: self._fuzzy(q)))
        elif not q.isascii() and 2 <= len(q) <= _SCATTER_MAX:
            tiers.append((SCORE_SCATTERED, lambda: self._name_lines.scattered(q)))

        seen: set[int] = set()
        hits: list[SearchHit] = []
        for score, find in tiers:
            if score == SCORE_FUZZY and any(h.score > SCORE_SCATTERED for h in hits):
                break  # one-typo matching is a fallback, not extra noise under good matches
            fresh = [i for i in find() if i not in seen]
            if not fresh:
                continue
            code_tier = score in (SCORE_CODE_EXACT, SCORE_CODE_PREFIX, SCORE_CODE_PART)
            fresh.sort(key=(self._code_rank if code_tier else self._rank).__getitem__)
            for i in fresh[: limit - len(hits)]:
                hits.append(SearchHit(self.items[i], score, self._describe(i, score, q)))
            seen.update(fresh)
            if len(hits) >= limit:
                break
        return hits

    def _fuzzy(self, q: str) -> set[int]:
        """Items whose pinyin (from a syllable start) is one edit away from ``q``."""
        found: set[int] = set()
        n = len(q)
        for keys in (self._py0, self._py_in):
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
            for cand in candidates:
                if len(cand) >= 3:
                    found |= keys.ids_with_prefix(cand)
        return found

    def _describe(self, idx: int, score: int, q: str) -> str:
        """Why the item matched, naming the alias when it was the alias that matched."""
        label, test = _DESCRIPTIONS.get(score, (None, None))
        if score == SCORE_SCATTERED and not q.isascii():
            label = T.MATCH_CHARS_SCATTERED
        if label is None or test is None:
            return {SCORE_CODE_EXACT: T.MATCH_CODE_EXACT, SCORE_CODE_PREFIX: T.MATCH_CODE_PREFIX,
                    SCORE_CODE_PART: T.MATCH_CODE_PART, SCORE_FUZZY: T.MATCH_PINYIN_FUZZY}.get(score, "")
        origins = self._origins[idx]
        for origin in origins:
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


_DESCRIPTIONS: dict[int, tuple[str, Callable[[_Origin, str], bool]]] = {
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
