"""Parsing the administrator's catalog TOML files into :mod:`deskclient.domain.catalog`'s model.

A centre's administrator keeps the catalog as TOML files (one per department). This module is pure:
it parses text it is given and reports *every* problem with its file and line (via
:mod:`deskclient.domain.catalog_layout`), so an administrator can fix a whole file in one pass. Each
field reader appends a problem and returns a default rather than stopping. The last-good copy
(:func:`catalog_from_data`) goes through the same item checks.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deskclient.domain.cases import ITEM_CLASSES, CaseClass
from deskclient.domain.catalog import (
    MAX_COPIES,
    MAX_DAYS,
    Catalog,
    CatalogProblem,
    Material,
    MaterialForm,
    ServiceItem,
    Step,
)
from deskclient.domain.catalog_layout import Layout, Where
from deskclient.strings import cases as TC
from deskclient.strings import catalog as T

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")

_TOP_KEYS = {"sample", "catalog_version", "updated", "title", "description", "department", "window", "item"}
_ITEM_KEYS = {"joint_departments", "code", "name", "department", "window", "class", "promised_days", "legal_days",
              "basis", "conditions", "step", "fee", "fee_basis", "aliases", "material", "pause", "extension_limit"}
_MATERIAL_KEYS = {"name", "form", "copies", "main", "notes"}
_STEP_KEYS = {"name", "counts", "pause"}
_PAUSE_KEYS = {"kind", "basis"}
#: 《行政许可法》第四十五条's list (domain.pauses.ART45_REASONS; repeated here so the parser stays
#: independent of the clocks module).
ART45_PAUSES = ("hearing", "tender", "auction", "inspection", "testing", "quarantine", "appraisal",
                "expert_review")
_PAUSE_VALUES = (*ART45_PAUSES, "public_notice")

_CLASS_VALUES: dict[str, CaseClass] = {c.value: c for c in ITEM_CLASSES}
_CLASS_VALUES.update({TC.CASE_CLASS_LABELS[c.value]: c for c in ITEM_CLASSES})
_FORM_VALUES: dict[str, MaterialForm] = {f.value: f for f in MaterialForm}
_FORM_VALUES.update({f.label: f for f in MaterialForm})


class _Reader:
    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems

    def add(self, where: Where, line: int, message: str) -> None:
        self.problems.append(CatalogProblem(where.filename, line, message))

    def unknown_keys(self, raw: Mapping[str, Any], allowed: set[str], where: Where) -> None:
        for key in raw:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
            msg = (T.UNKNOWN_KEY_SUGGEST.format(key=key, suggestion=close[0]) if close
                   else T.UNKNOWN_KEY.format(key=key))
            self.add(where, where.key(key), msg)

    def text(self, raw: Mapping[str, Any], key: str, where: Where, *, required: bool,
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

    def boolean(self, raw: Mapping[str, Any], key: str, where: Where, default: bool) -> bool:
        if key not in raw:
            return default
        value = raw[key]
        if not isinstance(value, bool):
            self.add(where, where.key(key), T.NOT_BOOL.format(key=key))
            return default
        return value

    def integer(self, raw: Mapping[str, Any], key: str, where: Where, *, required: bool,
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

    def days(self, raw: Mapping[str, Any], key: str, where: Where) -> int | None:
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

    def text_list(self, raw: Mapping[str, Any], key: str, where: Where) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(where, where.key(key), T.NOT_LIST_OF_TEXT.format(key=key))
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value))

    def tables(self, raw: Mapping[str, Any], key: str, where: Where) -> list[Mapping[str, Any] | None]:
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


def _parse_material(rd: _Reader, raw: Mapping[str, Any], where: Where) -> Material | None:
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


def _parse_step(rd: _Reader, raw: Mapping[str, Any], where: Where) -> Step | None:
    start = len(rd.problems)
    rd.unknown_keys(raw, _STEP_KEYS, where)
    name = rd.text(raw, "name", where, required=True)
    counts = rd.boolean(raw, "counts", where, default=True)
    pause = rd.text(raw, "pause", where, required=False)
    if pause and pause not in _PAUSE_VALUES:
        rd.add(where, where.key("pause"), T.BAD_PAUSE_KIND.format(value=pause, allowed="、".join(_PAUSE_VALUES)))
    elif counts and pause:
        rd.add(where, where.key("pause"), T.PAUSE_ON_COUNTING_STEP.format(step=name))
    if len(rd.problems) > start:
        return None
    return Step(name=name, counts=counts, pause=pause)


def _parse_pause(rd: _Reader, raw: Mapping[str, Any], where: Where) -> tuple[str, str] | None:
    """One ``[[item.pause]]``: a kind the item's own law adds to art. 45, with that law as basis."""
    start = len(rd.problems)
    rd.unknown_keys(raw, _PAUSE_KEYS, where)
    kind = rd.text(raw, "kind", where, required=True)
    basis = rd.text(raw, "basis", where, required=True)
    if kind and kind not in _PAUSE_VALUES:
        rd.add(where, where.key("kind"), T.BAD_PAUSE_KIND.format(value=kind, allowed="、".join(_PAUSE_VALUES)))
    if len(rd.problems) > start:
        return None
    return kind, basis


@dataclass(frozen=True)
class _Defaults:
    department: str = ""
    window: str = ""


def _parse_item(rd: _Reader, raw: Mapping[str, Any], where: Where, layout: Layout | None,
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
    joint_departments = tuple(d.strip() for d in rd.text_list(raw, "joint_departments", where) if d.strip())
    if item_class is CaseClass.JOINT and len(set(joint_departments)) < 2:
        rd.add(where, where.key("joint_departments") if "joint_departments" in raw else where.line,
               T.JOINT_NEEDS_DEPARTMENTS)
    elif item_class is not None and item_class is not CaseClass.JOINT and joint_departments:
        rd.add(where, where.key("joint_departments"), T.JOINT_DEPARTMENTS_NOT_JOINT.format(label=item_class.label))

    steps: list[Step] = []
    raw_steps = rd.tables(raw, "step", where)
    for i, entry in enumerate(raw_steps):
        sub = layout.sub_where(index, "step", i, where) if layout else where
        step = _parse_step(rd, entry, sub) if entry is not None else None
        if step is not None:
            steps.append(step)
    if not raw_steps and "step" not in raw:
        rd.add(where, where.line, T.NO_STEPS)

    pause_bases: dict[str, str] = {}
    for i, entry in enumerate(rd.tables(raw, "pause", where)):
        sub = layout.sub_where(index, "pause", i, where) if layout else where
        found = _parse_pause(rd, entry, sub) if entry is not None else None
        if found is not None:
            pause_bases[found[0]] = found[1]
    for i, step in enumerate(steps):
        if step.pause and step.pause not in ART45_PAUSES and step.pause not in pause_bases:
            sub = layout.sub_where(index, "step", i, where) if layout else where
            rd.add(sub, sub.key("pause"), T.PAUSE_NOT_LAWFUL.format(step=step.name, kind=step.pause))
    extension_limit: int | None = None
    if "extension_limit" in raw:
        extension_limit = rd.integer(raw, "extension_limit", where, required=False)
        if extension_limit is not None and not 0 <= extension_limit <= 15:
            rd.add(where, where.key("extension_limit"), T.BAD_EXTENSION_LIMIT.format(value=extension_limit))
            extension_limit = None

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
                       materials=tuple(materials), joint_departments=joint_departments,
                       source_file=where.filename, source_line=where.line,
                       pause_bases=tuple(pause_bases.items()), extension_limit=extension_limit)


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

    layout = Layout(filename, text)
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



def catalog_from_data(data: Any, label: str) -> tuple[Catalog, list[CatalogProblem]]:
    """Rebuild a catalog from :func:`catalog_to_data` output, checking it like a file (line 0)."""
    problems: list[CatalogProblem] = []
    rd = _Reader(problems)
    where = Where(label, None, 0)
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
