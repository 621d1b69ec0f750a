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
from functools import cache
from itertools import product

from pypinyin import Style, lazy_pinyin, pinyin

from deskclient.domain.catalog import ServiceItem
from deskclient.strings import catalog as T

_TOP = "\U0010ffff"  # sorts after every character: prefix + _TOP bounds a prefix range
_MAX_COMBOS = 16  # all reading combinations up to this many; beyond, one polyphone at a time
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


@cache
def _readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character (heteronyms included), ASCII letters only."""
    out = [r for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0] if r.isascii() and r.isalpha()]
    return tuple(dict.fromkeys(out))


def _units(text: str) -> list[tuple[str, ...]]:
    """Readings per syllable, the in-context (phrase) reading first; ASCII letter/digit runs are one unit."""
    units: list[tuple[str, ...]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if _is_han(ch):
            j = i
            while j < n and _is_han(text[j]):
                j += 1
            run = text[i:j]
            primary = lazy_pinyin(run, style=Style.NORMAL)
            aligned = len(primary) == len(run)
            for k, c in enumerate(run):
                alts = _readings(c)
                first = primary[k] if aligned and primary[k].isascii() and primary[k].isalpha() else None
                readings = tuple(dict.fromkeys(([first] if first else []) + list(alts)))
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
    return units


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
    """Sorted strings with the item index of each; a prefix lookup is two binary searches."""

    __slots__ = ("ids", "keys")

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        ordered = sorted(set(pairs))
        self.keys = [k for k, _ in ordered]
        self.ids = array("i", [i for _, i in ordered])

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
            key = keys[lo]
            if len(key) == n:
                lo += 1
                continue
            c = key[n]
            out.append(c)
            lo = bisect_left(keys, prefix + chr(ord(c) + 1) if ord(c) < 0x10FFFF else prefix + _TOP, lo, hi)
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
        pattern = re.compile("[^\n]*?".join(re.escape(c) for c in chars))
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
    initials: tuple[str, ...]  # initials variants


class CatalogIndex:
    """Built once per catalog; :meth:`search` is then a few binary searches per tier."""

    def __init__(self, items: Iterable[ServiceItem]) -> None:
        self.items: list[ServiceItem] = list(items)
        self._origins: list[list[_Origin]] = []
        code_exact: dict[str, int] = {}
        name_exact: dict[str, list[int]] = {}
        code0: list[tuple[str, int]] = []
        code_in: list[tuple[str, int]] = []
        name0: list[tuple[str, int]] = []
        name_in: list[tuple[str, int]] = []
        py0: list[tuple[str, int]] = []
        py_in: list[tuple[str, int]] = []
        ini0: list[tuple[str, int]] = []
        ini_in: list[tuple[str, int]] = []
        lines_names: list[tuple[str, int]] = []
        lines_initials: list[tuple[str, int]] = []

        for idx, item in enumerate(self.items):
            code = normalize_query(item.code)
            for form in dict.fromkeys((code, _alnum(code))):
                if not form:
                    continue
                code_exact.setdefault(form, idx)
                code0.append((form, idx))
                code_in.extend((form[k:], idx) for k in range(1, len(form)))
            origins: list[_Origin] = []
            for alias, raw in [(None, item.name), *((a, a) for a in item.aliases)]:
                text = normalize_query(raw)
                if not text:
                    continue
                name_exact.setdefault(text, []).append(idx)
                name0.append((text, idx))
                name_in.extend((text[k:], idx) for k in range(1, len(text)))
                lines_names.append((text, idx))
                units = _units(text)
                spellings = _variants(units)
                initial_units = [tuple(dict.fromkeys(r[0] for r in u)) for u in units]
                initials = _variants(initial_units)
                for sp in spellings:
                    py0.append(("".join(sp), idx))
                    py_in.extend(("".join(sp[k:]), idx) for k in range(1, len(sp)))
                for ini in initials:
                    joined = "".join(ini)
                    ini0.append((joined, idx))
                    ini_in.extend((joined[k:], idx) for k in range(1, len(joined)))
                    lines_initials.append((joined, idx))
                origins.append(_Origin(alias, text, tuple("".join(s) for s in spellings),
                                       tuple("".join(s) for s in initials)))
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
        order = sorted(range(len(self.items)), key=lambda i: (len(self.items[i].name), i))
        self._rank = [0] * len(self.items)
        for r, i in enumerate(order):
            self._rank[i] = r

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
            if 2 <= len(q) <= _SCATTER_MAX:
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
            fresh.sort(key=self._rank.__getitem__)
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
                    SCORE_CODE_PART: T.MATCH_CODE_PART}.get(score, "")
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


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance ≤ 1, an adjacent transposition counting as one edit."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])
    return a[i + 1:] == b[i:] if la > lb else a[i:] == b[i + 1:]


def _one_edit_somewhere(q: str, spellings: tuple[str, ...]) -> bool:
    """Some window of a spelling is one edit from ``q`` (used only to label a handful of hits)."""
    n = len(q)
    return any(_within_one_edit(q, s[k:k + m]) for s in spellings for k in range(len(s))
               for m in (n - 1, n, n + 1))


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
    SCORE_FUZZY: (T.MATCH_PINYIN_FUZZY, lambda o, q: _one_edit_somewhere(q, o.spellings)),
}
_ALIAS_LABELS = {SCORE_NAME_EXACT: T.MATCH_ALIAS_EXACT, SCORE_NAME_PREFIX: T.MATCH_ALIAS_PREFIX,
                 SCORE_NAME_PART: T.MATCH_ALIAS_PART}
