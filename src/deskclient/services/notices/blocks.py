"""The neutral intermediate form of a notice: what every renderer (text, ESC/POS, PDF) consumes.

Templates produce these blocks by calling functions (``title(...)``, ``field(...)``); visitor text
only ever arrives as a function argument, so it is data and can never become template code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Subtitle:
    """Centred, normal weight: the centre's name above the title, a "（退回件通知单）" below it."""

    text: str


@dataclass(frozen=True)
class Mark:
    """A prominent centred mark: 培训样张 (role "training"), 补打 (role "reprint"), 暂定."""

    text: str
    role: str = ""


@dataclass(frozen=True)
class CopyLabel:
    """Which copy this is: 第一联 窗口联 (right-aligned)."""

    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Field:
    """One "label: value" row."""

    label: str
    value: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Item:
    """A list item with a hanging indent: "1. text"."""

    marker: str
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Sign:
    """Right-aligned signature / seal / date line."""

    text: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Blank:
    pass


@dataclass(frozen=True)
class QR:
    """A QR code: PDF draws it as an image, ESC/POS as a raster image; plain text shows the caption."""

    payload: str
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    """Not a page break by itself: "keep the next ``keep`` blocks together" (PDF moves them to a new
    page when they would not fit; text and ESC/POS have no pages and ignore it)."""

    keep: int = 3


Block = (Title | Subtitle | Mark | CopyLabel | Heading | Field | Para | Item | Table | Sign | Rule | Blank | QR
         | PageBreak)


@dataclass(frozen=True)
class Copy:
    """One physical copy (联) of a notice; a single-copy notice has one with an empty label."""

    label: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    copies: tuple[Copy, ...]
    warnings: tuple[str, ...] = field(default=())  # e.g. "the centre's template was broken"
    template_source: str = "builtin"  # builtin | override

    def texts(self) -> Iterator[str]:
        """Every piece of text on the document (for glyph checks and privacy checks)."""
        for copy in self.copies:
            yield copy.label
            for block in copy.blocks:
                match block:
                    case Field(label=label, value=value):
                        yield label
                        yield value
                    case Item(marker=marker, text=text):
                        yield marker
                        yield text
                    case Table(headers=headers, rows=rows):
                        yield from headers
                        for row in rows:
                            yield from row
                    case QR(caption=caption):
                        yield caption
                    case Rule() | Blank() | PageBreak():
                        pass
                    case _:
                        yield block.text


_BLOCK_TYPES: dict[str, type] = {t.__name__: t for t in (Title, Subtitle, Mark, CopyLabel, Heading, Field, Para,
                                                          Item, Table, Sign, Rule, Blank, QR, PageBreak)}


def _block_to_json(block: Block) -> dict[str, object]:
    out: dict[str, object] = {"t": type(block).__name__}
    for name in getattr(block, "__dataclass_fields__", {}):
        value = getattr(block, name)
        out[name] = [list(r) for r in value] if name == "rows" else list(value) if isinstance(value, tuple) else value
    return out


def _block_from_json(raw: dict[str, object]) -> Block:
    cls = _BLOCK_TYPES[str(raw.pop("t"))]
    if "headers" in raw:
        raw["headers"] = tuple(raw["headers"])  # type: ignore[arg-type]
    if "rows" in raw:
        raw["rows"] = tuple(tuple(r) for r in raw["rows"])  # type: ignore[attr-defined]
    block: Block = cls(**raw)
    return block


def document_to_json(doc: Document) -> str:
    """The document exactly as issued, as JSON: what the pending archive renders later (the case rows
    may have moved on by then; the archive must be the very notice the applicant was given)."""
    import json

    return json.dumps({"kind": doc.kind, "title": doc.title, "template_source": doc.template_source,
                       "warnings": list(doc.warnings),
                       "copies": [{"label": c.label, "blocks": [_block_to_json(b) for b in c.blocks]}
                                  for c in doc.copies]}, ensure_ascii=False)


def document_from_json(text: str) -> Document:
    import json

    raw = json.loads(text)
    return Document(kind=raw["kind"], title=raw["title"], template_source=raw.get("template_source", "builtin"),
                    warnings=tuple(raw.get("warnings", ())),
                    copies=tuple(Copy(c["label"], tuple(_block_from_json(dict(b)) for b in c["blocks"]))
                                 for c in raw["copies"]))
