"""The service catalog (事项目录): what each item needs, who handles it and how long it may take.

A centre's administrator keeps the catalog as TOML files (one per department). This module is
pure: it parses text it is given and reports *every* problem with its file and line, so an
administrator can fix a whole file in one pass. Reading files and keeping the last good catalog
is :mod:`deskclient.services.catalog_files`' job.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from deskclient.domain.cases import ITEM_CLASSES, CaseClass
from deskclient.strings import cases as TC
from deskclient.strings import catalog as T

MAX_DAYS = 365  # a limit beyond a working year is surely a typo
MAX_COPIES = 20
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")


class MaterialForm(StrEnum):
    """How a material is presented: the original, a copy, or the original shown and a copy kept."""

    ORIGINAL = "original"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"

    @property
    def label(self) -> str:
        return T.MATERIAL_FORM_LABELS[self.value]


@dataclass(frozen=True)
class Material:
    """One line of the item's materials list (the one-time checklist is built from these)."""

    name: str
    form: MaterialForm = MaterialForm.ORIGINAL
    copies: int = 1
    main: bool = True  # 主件; False = 辅件 (supporting)
    notes: str = ""


@dataclass(frozen=True)
class Step:
    """A procedure step; ``counts=False`` steps (公示, 入户调查, 专家评审, 听证) pause the clock."""

    name: str
    counts: bool = True


@dataclass(frozen=True)
class ServiceItem:
    """A matter a window handles, with everything the one-time notification must tell the visitor."""

    code: str
    name: str
    department: str
    window: str
    item_class: CaseClass
    promised_days: int
    legal_days: int
    basis: str
    conditions: str
    steps: tuple[Step, ...]
    fee: str
    fee_basis: str
    aliases: tuple[str, ...]
    materials: tuple[Material, ...]
    source_file: str = field(default="", compare=False)
    source_line: int = field(default=0, compare=False)

    @property
    def non_counting_steps(self) -> tuple[Step, ...]:
        """Steps during which the time limit does not run."""
        return tuple(s for s in self.steps if not s.counts)

    @property
    def main_materials(self) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if m.main)

    @property
    def is_immediate(self) -> bool:
        return self.item_class is CaseClass.IMMEDIATE


@dataclass(frozen=True)
class CatalogProblem:
    """Something wrong in a catalog file; ``message`` is Chinese and safe to show."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Catalog:
    """The items in file order, looked up by code or window; immutable once built."""

    __slots__ = ("_by_code", "_by_code_folded", "_version", "items", "sample")

    def __init__(self, items: Sequence[ServiceItem] = (), *, sample: bool = False) -> None:
        self.items: tuple[ServiceItem, ...] = tuple(items)
        self.sample = sample
        self._by_code = {it.code: it for it in self.items}
        self._by_code_folded = {it.code.casefold(): it for it in self.items}
        self._version: str | None = None

    def get(self, code: str) -> ServiceItem | None:
        """The item with this code (case-insensitive), or None."""
        return self._by_code.get(code) or self._by_code_folded.get(code.strip().casefold())

    def by_window(self, window: str) -> list[ServiceItem]:
        return [it for it in self.items if it.window == window]

    @property
    def departments(self) -> list[str]:
        return list(dict.fromkeys(it.department for it in self.items))

    @property
    def version(self) -> str:
        """A stable hash of the content: equal catalogs have equal versions, whatever the file layout."""
        if self._version is None:
            payload = json.dumps([item_to_data(it) for it in self.items], ensure_ascii=False,
                                 sort_keys=True, separators=(",", ":"))
            self._version = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
        return self._version

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[ServiceItem]:
        return iter(self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Catalog) and self.items == other.items and self.sample == other.sample

    def __hash__(self) -> int:
        return hash(self.version)

    def __repr__(self) -> str:
        return f"Catalog({len(self.items)} items, version={self.version}, sample={self.sample})"


# --------------------------------------------------------------------------------------------
# Mapping tables and keys to lines: tomllib only reports positions for syntax errors.


@dataclass
class _Block:
    path: str  # "" for the top level, "item", "item.material", ...
    is_array: bool
    line: int
    keys: dict[str, int] = field(default_factory=dict)


_HEADER_RE = re.compile(r"^\s*(\[\[?)([^\[\]]+)\]\]?\s*(?:#.*)?$")
_KEY_RE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(?:\.\s*[A-Za-z0-9_\-"']+\s*)*=""")


def _norm_path(raw: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


def _scan_blocks(text: str) -> list[_Block]:
    """Every table header with its line and the line of each key directly under it."""
    blocks = [_Block("", False, 1)]
    in_multi: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if in_multi is not None:
            if line.count(in_multi) % 2 == 1:
                in_multi = None
            continue
        header = _HEADER_RE.match(line)
        if header:
            blocks.append(_Block(_norm_path(header.group(2)), header.group(1) == "[[", lineno))
            continue
        key = _KEY_RE.match(line)
        if key:
            blocks[-1].keys.setdefault(key.group(1).strip("\"'"), lineno)
        for delim in ('"""', "'''"):
            if line.count(delim) % 2 == 1:
                in_multi = delim
                break
    return blocks


class _Where:
    """Line lookups for one table: a key's own line, else the table header's line."""

    def __init__(self, filename: str, block: _Block | None, fallback: int) -> None:
        self.filename = filename
        self.block = block
        self.fallback = fallback

    @property
    def line(self) -> int:
        return self.block.line if self.block else self.fallback

    def key(self, name: str) -> int:
        if self.block is not None and name in self.block.keys:
            return self.block.keys[name]
        return self.line


class _Layout:
    """Which header block holds the n-th [[item]] and its m-th [[item.material]] / [[item.step]]."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.blocks = _scan_blocks(text) if text else [_Block("", False, 0)]
        self.top = self.blocks[0]
        self.items: list[tuple[_Block, dict[str, list[_Block]]]] = []
        current: dict[str, list[_Block]] | None = None
        for b in self.blocks[1:]:
            if b.path == "item" and b.is_array:
                current = {}
                self.items.append((b, current))
            elif current is not None and b.path.startswith("item."):
                current.setdefault(b.path[5:], []).append(b)

    def top_where(self) -> _Where:
        return _Where(self.filename, self.top, self.top.line)

    def item_where(self, index: int) -> _Where:
        if index < len(self.items):
            return _Where(self.filename, self.items[index][0], self.items[index][0].line)
        return _Where(self.filename, None, self.top.keys.get("item", self.top.line))

    def sub_where(self, index: int, key: str, sub_index: int, parent: _Where) -> _Where:
        if index < len(self.items):
            subs = self.items[index][1].get(key, [])
            if sub_index < len(subs):
                return _Where(self.filename, subs[sub_index], subs[sub_index].line)
        return _Where(self.filename, None, parent.key(key))


# --------------------------------------------------------------------------------------------
# Field readers: each appends a problem and returns a default rather than stopping.

_TOP_KEYS = {"sample", "catalog_version", "updated", "title", "description", "department", "window", "item"}
_ITEM_KEYS = {"code", "name", "department", "window", "class", "promised_days", "legal_days", "basis",
              "conditions", "step", "fee", "fee_basis", "aliases", "material"}
_MATERIAL_KEYS = {"name", "form", "copies", "main", "notes"}
_STEP_KEYS = {"name", "counts"}

_CLASS_VALUES: dict[str, CaseClass] = {c.value: c for c in ITEM_CLASSES}
_CLASS_VALUES.update({TC.CASE_CLASS_LABELS[c.value]: c for c in ITEM_CLASSES})
_FORM_VALUES: dict[str, MaterialForm] = {f.value: f for f in MaterialForm}
_FORM_VALUES.update({f.label: f for f in MaterialForm})


class _Reader:
    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems

    def add(self, where: _Where, line: int, message: str) -> None:
        self.problems.append(CatalogProblem(where.filename, line, message))

    def unknown_keys(self, raw: Mapping[str, Any], allowed: set[str], where: _Where) -> None:
        for key in raw:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
            msg = (T.UNKNOWN_KEY_SUGGEST.format(key=key, suggestion=close[0]) if close
                   else T.UNKNOWN_KEY.format(key=key))
            self.add(where, where.key(key), msg)

    def text(self, raw: Mapping[str, Any], key: str, where: _Where, *, required: bool,
             default: str = "") -> str:
        if key not in raw:
            if required and not default:
                self.add(where, where.line, T.MISSING_FIELD.format(key=key))
            return default
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.add(where, where.key(key), T.NOT_TEXT.format(key=key))
            return default
        text = str(value).strip()
        if required and not text:
            self.add(where, where.key(key), T.EMPTY_FIELD.format(key=key))
        return text

    def boolean(self, raw: Mapping[str, Any], key: str, where: _Where, default: bool) -> bool:
        if key not in raw:
            return default
        value = raw[key]
        if not isinstance(value, bool):
            self.add(where, where.key(key), T.NOT_BOOL.format(key=key))
            return default
        return value

    def integer(self, raw: Mapping[str, Any], key: str, where: _Where, *, required: bool,
                default: int = 0) -> int | None:
        if key not in raw:
            if required:
                self.add(where, where.line, T.MISSING_FIELD.format(key=key))
                return None
            return default
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, where.key(key), T.NOT_INT.format(key=key))
            return None
        return value

    def days(self, raw: Mapping[str, Any], key: str, where: _Where) -> int | None:
        value = self.integer(raw, key, where, required=True)
        if value is None:
            return None
        if value < 0:
            self.add(where, where.key(key), T.NEGATIVE_DAYS.format(key=key, value=value))
            return None
        if value > MAX_DAYS:
            self.add(where, where.key(key), T.DAYS_TOO_LARGE.format(key=key, value=value, maximum=MAX_DAYS))
            return None
        return value

    def text_list(self, raw: Mapping[str, Any], key: str, where: _Where) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(where, where.key(key), T.NOT_LIST_OF_TEXT.format(key=key))
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value))

    def tables(self, raw: Mapping[str, Any], key: str, where: _Where) -> list[Mapping[str, Any] | None]:
        value = raw.get(key, [])
        if not isinstance(value, list):
            self.add(where, where.key(key), T.TABLE_LIST_EXPECTED.format(key=key))
            return []
        out: list[Mapping[str, Any] | None] = []
        for i, entry in enumerate(value, start=1):
            if isinstance(entry, dict):
                out.append(entry)
            else:
                self.add(where, where.key(key), T.ENTRY_NOT_TABLE.format(key=key, index=i))
                out.append(None)
        return out


def _parse_material(rd: _Reader, raw: Mapping[str, Any], where: _Where) -> Material | None:
    start = len(rd.problems)
    rd.unknown_keys(raw, _MATERIAL_KEYS, where)
    name = rd.text(raw, "name", where, required=True)
    form_raw = raw.get("form", MaterialForm.ORIGINAL.value)
    form = _FORM_VALUES.get(form_raw) if isinstance(form_raw, str) else None
    if form is None:
        allowed = "、".join(f.value for f in MaterialForm)
        rd.add(where, where.key("form"), T.BAD_FORM.format(value=form_raw, allowed=allowed))
    copies = rd.integer(raw, "copies", where, required=False, default=1)
    if copies is not None and not 1 <= copies <= MAX_COPIES:
        rd.add(where, where.key("copies"), T.BAD_COPIES.format(value=copies, maximum=MAX_COPIES))
    main = rd.boolean(raw, "main", where, default=True)
    notes = rd.text(raw, "notes", where, required=False)
    if len(rd.problems) > start or form is None or copies is None:
        return None
    return Material(name=name, form=form, copies=copies, main=main, notes=notes)


def _parse_step(rd: _Reader, raw: Mapping[str, Any], where: _Where) -> Step | None:
    start = len(rd.problems)
    rd.unknown_keys(raw, _STEP_KEYS, where)
    name = rd.text(raw, "name", where, required=True)
    counts = rd.boolean(raw, "counts", where, default=True)
    if len(rd.problems) > start:
        return None
    return Step(name=name, counts=counts)


@dataclass(frozen=True)
class _Defaults:
    department: str = ""
    window: str = ""


def _parse_item(rd: _Reader, raw: Mapping[str, Any], where: _Where, layout: _Layout | None,
                index: int, defaults: _Defaults) -> ServiceItem | None:
    start = len(rd.problems)
    rd.unknown_keys(raw, _ITEM_KEYS, where)
    code = rd.text(raw, "code", where, required=True)
    if code and not _CODE_RE.match(code):
        rd.add(where, where.key("code"), T.BAD_CODE.format(code=code))
    name = rd.text(raw, "name", where, required=True)
    department = rd.text(raw, "department", where, required=True, default=defaults.department)
    window = rd.text(raw, "window", where, required=True, default=defaults.window)

    item_class: CaseClass | None = None
    if "class" not in raw:
        rd.add(where, where.line, T.MISSING_FIELD.format(key="class"))
    else:
        value = raw["class"]
        item_class = _CLASS_VALUES.get(value) if isinstance(value, str) else None
        if item_class is None:
            allowed = "、".join(c.value for c in ITEM_CLASSES)
            rd.add(where, where.key("class"), T.BAD_CLASS.format(value=value, allowed=allowed))

    promised = rd.days(raw, "promised_days", where)
    legal = rd.days(raw, "legal_days", where)
    if item_class is not None and promised is not None and legal is not None:
        if item_class is CaseClass.IMMEDIATE:
            if promised or legal:
                rd.add(where, where.key("promised_days"),
                       T.IMMEDIATE_WITH_DAYS.format(promised=promised, legal=legal))
        elif promised < 1:
            rd.add(where, where.key("promised_days"), T.PROMISED_DAYS_REQUIRED.format(label=item_class.label))
        elif legal and promised > legal:
            rd.add(where, where.key("promised_days"), T.PROMISE_OVER_LEGAL.format(promised=promised, legal=legal))

    basis = rd.text(raw, "basis", where, required=True)
    conditions = rd.text(raw, "conditions", where, required=False)
    fee = rd.text(raw, "fee", where, required=True)
    fee_basis = rd.text(raw, "fee_basis", where, required=False)
    aliases = rd.text_list(raw, "aliases", where)

    steps: list[Step] = []
    raw_steps = rd.tables(raw, "step", where)
    for i, entry in enumerate(raw_steps):
        sub = layout.sub_where(index, "step", i, where) if layout else where
        step = _parse_step(rd, entry, sub) if entry is not None else None
        if step is not None:
            steps.append(step)
    if not raw_steps and "step" not in raw:
        rd.add(where, where.line, T.NO_STEPS)

    materials: list[Material] = []
    raw_materials = rd.tables(raw, "material", where)
    seen: set[str] = set()
    for i, entry in enumerate(raw_materials):
        sub = layout.sub_where(index, "material", i, where) if layout else where
        material = _parse_material(rd, entry, sub) if entry is not None else None
        if material is not None:
            if material.name in seen:
                rd.add(sub, sub.key("name"), T.DUPLICATE_MATERIAL.format(name=material.name))
            seen.add(material.name)
            materials.append(material)
    if not raw_materials:
        rd.add(where, where.key("material"), T.NO_MATERIALS)
    elif len(materials) == len(raw_materials) and not any(m.main for m in materials):
        rd.add(where, where.line, T.NO_MAIN_MATERIAL)

    if len(rd.problems) > start or item_class is None or promised is None or legal is None:
        return None
    return ServiceItem(code=code, name=name, department=department, window=window, item_class=item_class,
                       promised_days=promised, legal_days=legal, basis=basis, conditions=conditions,
                       steps=tuple(steps), fee=fee, fee_basis=fee_basis, aliases=aliases,
                       materials=tuple(materials), source_file=where.filename, source_line=where.line)


_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass
class _FileResult:
    items: list[ServiceItem]
    problems: list[CatalogProblem]
    sample: bool


def _parse_file(text: str, filename: str) -> _FileResult:
    problems: list[CatalogProblem] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        detail = str(err)
        pos = _TOML_POS_RE.search(detail)
        if pos:
            line, col = int(pos.group(1)), int(pos.group(2))
            msg = T.TOML_SYNTAX.format(line=line, col=col, detail=detail[: pos.start()])
        else:
            line, msg = max(1, text.count("\n") + 1), T.TOML_SYNTAX_NO_POS.format(detail=detail)
        return _FileResult([], [CatalogProblem(filename, line, msg)], False)

    layout = _Layout(filename, text)
    rd = _Reader(problems)
    top = layout.top_where()
    rd.unknown_keys(data, _TOP_KEYS, top)
    sample = rd.boolean(data, "sample", top, default=False)
    rd.text(data, "catalog_version", top, required=False)
    rd.text(data, "title", top, required=False)
    rd.text(data, "description", top, required=False)
    if "updated" in data and not isinstance(data["updated"], str | _dt.date):
        rd.add(top, top.key("updated"), T.NOT_DATE.format(key="updated"))
    defaults = _Defaults(department=rd.text(data, "department", top, required=False),
                         window=rd.text(data, "window", top, required=False))

    raw_items = data.get("item", [])
    items: list[ServiceItem] = []
    if not isinstance(raw_items, list):
        rd.add(top, top.key("item"), T.ITEM_NOT_TABLE)
        raw_items = []
    elif not raw_items:
        rd.add(top, 1, T.NO_ITEMS)
    for i, raw in enumerate(raw_items):
        where = layout.item_where(i)
        if not isinstance(raw, dict):
            rd.add(where, where.line, T.ITEM_NOT_TABLE)
            continue
        item = _parse_item(rd, raw, where, layout, i, defaults)
        if item is not None:
            items.append(item)
    items = _check_duplicates(items, problems, {})
    problems.sort(key=lambda p: p.line)
    return _FileResult(items, problems, sample)


def _check_duplicates(items: list[ServiceItem], problems: list[CatalogProblem],
                      seen: dict[str, ServiceItem]) -> list[ServiceItem]:
    """Report every item whose code was used before (case-insensitive); return the first-seen ones."""
    kept: list[ServiceItem] = []
    for it in items:
        key = it.code.casefold()
        first = seen.get(key)
        if first is not None:
            problems.append(CatalogProblem(it.source_file, it.source_line, T.DUPLICATE_CODE.format(
                code=it.code, file=first.source_file, line=first.source_line)))
            continue
        seen[key] = it
        kept.append(it)
    return kept


def parse_catalog_file(text: str, filename: str) -> tuple[list[ServiceItem], list[CatalogProblem]]:
    """The valid items of one catalog file and every problem found in it (file and line each)."""
    result = _parse_file(text, filename)
    return result.items, result.problems


def build_catalog(files: list[tuple[str, str]]) -> tuple[Catalog, list[CatalogProblem]]:
    """A catalog from ``(filename, text)`` pairs, in the order given; duplicate codes are problems."""
    problems: list[CatalogProblem] = []
    items: list[ServiceItem] = []
    sample = False
    for filename, text in files:
        result = _parse_file(text, filename)
        problems.extend(result.problems)
        items.extend(result.items)
        sample = sample or result.sample
    items = _check_duplicates(items, problems, {})
    return Catalog(items, sample=sample), problems


# --------------------------------------------------------------------------------------------
# A plain-data form (the TOML shape) for the last-good copy; loading it goes through the same checks.


def item_to_data(item: ServiceItem) -> dict[str, Any]:
    """The item as the TOML-shaped dict it was parsed from (without source positions)."""
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department,
        "window": item.window,
        "class": item.item_class.value,
        "promised_days": item.promised_days,
        "legal_days": item.legal_days,
        "basis": item.basis,
        "conditions": item.conditions,
        "step": [{"name": s.name, "counts": s.counts} for s in item.steps],
        "fee": item.fee,
        "fee_basis": item.fee_basis,
        "aliases": list(item.aliases),
        "material": [{"name": m.name, "form": m.form.value, "copies": m.copies, "main": m.main,
                      "notes": m.notes} for m in item.materials],
    }


def catalog_to_data(catalog: Catalog) -> dict[str, Any]:
    return {"format": 1, "version": catalog.version, "sample": catalog.sample,
            "items": [item_to_data(it) | {"source_file": it.source_file, "source_line": it.source_line}
                      for it in catalog]}


def catalog_from_data(data: Any, label: str) -> tuple[Catalog, list[CatalogProblem]]:
    """Rebuild a catalog from :func:`catalog_to_data` output, checking it like a file (line 0)."""
    problems: list[CatalogProblem] = []
    rd = _Reader(problems)
    where = _Where(label, None, 0)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return Catalog(), [CatalogProblem(label, 0, T.LAST_GOOD_BROKEN)]
    items: list[ServiceItem] = []
    for raw in data["items"]:
        if not isinstance(raw, dict):
            problems.append(CatalogProblem(label, 0, T.ITEM_NOT_TABLE))
            continue
        body = {k: v for k, v in raw.items() if k not in ("source_file", "source_line")}
        item = _parse_item(rd, body, where, None, 0, _Defaults())
        if item is not None:
            src_file = raw.get("source_file")
            src_line = raw.get("source_line")
            items.append(dataclasses.replace(
                item,
                source_file=src_file if isinstance(src_file, str) else label,
                source_line=src_line if isinstance(src_line, int) and not isinstance(src_line, bool) else 0,
            ))
    items = _check_duplicates(items, problems, {})
    sample = data.get("sample") is True
    return Catalog(items, sample=sample), problems
