"""The service catalog (事项目录): what each item needs, who handles it and how long it may take.

This module is the catalog's *model* — the items, their materials and steps, the problems found in a
file, the :class:`Catalog` lookup — and its plain-data form (the TOML shape, used for the last-good
copy and the catalog's version hash). It is pure and small on purpose: every layer holds these types.

Parsing the administrator's TOML files, with every problem reported by file and line, is
:mod:`deskclient.domain.catalog_parse` (its line lookups are :mod:`deskclient.domain.catalog_layout`);
reading the files and keeping the last good catalog is :mod:`deskclient.services.catalog_files`' job.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from deskclient.domain.cases import CaseClass
from deskclient.strings import catalog as T

MAX_DAYS = 365  # a limit beyond a working year is surely a typo
MAX_COPIES = 20




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
    """A procedure step; a ``counts=False`` step pauses the clock and names its ``pause`` kind, which
    must be lawful for the item (art. 45's list, or one of the item's ``[[item.pause]]``)."""

    name: str
    counts: bool = True
    pause: str = ""  # domain.clock_types.PauseReason value when counts is False


def serving_window(item_window: str, here: str, station_windows: Collection[str]) -> str:
    """Which window of this station handles an item. The county catalog names the standard window
    number; a small station set up by the wizard may not have that window, and then the item is
    handled where the visitor asked (docs/decisions.md: a 2-window town station serves everything).
    An unknown station layout (empty ``station_windows``) trusts the catalog."""
    if not station_windows or item_window in station_windows:
        return item_window
    return here


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
    joint_departments: tuple[str, ...] = ()  # 联办件: every department that handles it (two or more)
    source_file: str = field(default="", compare=False)
    source_line: int = field(default=0, compare=False)
    #: Pauses the item's own law adds to art. 45's list, ``((PauseReason value, legal basis), ...)``.
    pause_bases: tuple[tuple[str, str], ...] = ()
    #: A stricter extension limit (working days) from the item's own law; None: art. 42's 10 (15 joint).
    extension_limit: int | None = None

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
# A plain-data form (the TOML shape) for the last-good copy; loading it goes through the parser's
# checks (``catalog_parse.catalog_from_data``).


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
        "step": [{"name": s.name, "counts": s.counts} | ({"pause": s.pause} if s.pause else {})
                 for s in item.steps],
        "fee": item.fee,
        "fee_basis": item.fee_basis,
        "aliases": list(item.aliases),
        **({"joint_departments": list(item.joint_departments)} if item.joint_departments else {}),
        "material": [{"name": m.name, "form": m.form.value, "copies": m.copies, "main": m.main,
                      "notes": m.notes} for m in item.materials],
    } | ({"pause": [{"kind": k, "basis": b} for k, b in item.pause_bases]} if item.pause_bases else {}) | (
        {"extension_limit": item.extension_limit} if item.extension_limit is not None else {})


def catalog_to_data(catalog: Catalog) -> dict[str, Any]:
    return {"format": 1, "version": catalog.version, "sample": catalog.sample,
            "items": [item_to_data(it) | {"source_file": it.source_file, "source_line": it.source_line}
                      for it in catalog]}

