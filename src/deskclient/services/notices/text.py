"""Document → plain text at N columns, for line/needle printers, ESC/POS and the on-screen preview.

Widths are counted the way a Chinese printer in GB18030 mode prints: ASCII is one cell, everything
else (Han, full-width punctuation, East Asian "ambiguous" characters such as “ ” ·) two cells. Lines
wrap between characters, never inside a character or inside a number / case number / masked ID, and
Chinese closing punctuation never starts a line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from deskclient.domain.errors import ValidationError
from deskclient.domain.notices import NoticeData
from deskclient.services.notices import blocks as B
from deskclient.strings import notices as T

MIN_WIDTH = 20
# Print widths of the usual paper: 58 mm thermal, 80 mm thermal, a needle printer.
WIDTH_58MM = 32
WIDTH_80MM = 48
WIDTH_NEEDLE = 80


def char_cells(ch: str) -> int:
    """1 for ASCII and half-width forms, 0 for combining marks, 2 for everything else."""
    if ch.isascii():
        return 1 if ch.isprintable() else 0
    if unicodedata.combining(ch):
        return 0
    return 1 if unicodedata.east_asian_width(ch) in ("H", "Na") else 2


def cells(text: str) -> int:
    """How many printer columns ``text`` takes."""
    if text.isascii():
        return len(text)
    return sum(char_cells(ch) for ch in text)


# Never start a line with these (closing punctuation) and never end one with the openers.
_NO_START = set("，。、；：？！）》」』】〕〗”’％%,.;:?!)]}…—·")
_NO_END = set("（《「『【〔〖“‘([{")
# Unbreakable runs: numbers, case numbers, masked IDs, dates, ASCII words.
_TOKEN = re.compile(r"[A-Za-z0-9*#@&_.,:/+\-]+|[ ]+|.", re.S)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if out and not out[-1].isspace() and not tok.isspace() and (
            tok[0] in _NO_START or out[-1][-1] in _NO_END
        ):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _hard_split(token: str, room: int) -> tuple[str, str]:
    """Split a token longer than a whole line: only when there is no other way, at a character edge."""
    taken: list[str] = []
    used = 0
    for i, ch in enumerate(token):
        w = char_cells(ch)
        if used + w > room:
            return "".join(taken), token[i:]
        taken.append(ch)
        used += w
    return token, ""


def wrap(text: str, width: int, first: str = "", indent: int = 0) -> list[str]:
    """Wrap ``text`` to ``width`` cells; the first line starts with ``first``, the others with spaces."""
    lines: list[str] = []
    line, used = first, cells(first)
    start_used = used
    pad = " " * indent
    for tok in _tokens(text):
        w = cells(tok)
        if tok.isspace():
            if used > start_used and used + w <= width:
                line += tok
                used += w
            continue
        if used + w > width and used > start_used:
            lines.append(line.rstrip())
            line, used = pad, indent
            start_used = indent
        while used + w > width:  # longer than a whole line: cut at a character edge
            head, tok = _hard_split(tok, width - used)
            if not head:  # not even one character fits after the indent
                head, tok = _hard_split(tok, max(width - used, 2))
            lines.append((line + head).rstrip())
            line, used = pad, indent
            w = cells(tok)
        line += tok
        used += w
    lines.append(line.rstrip())
    return lines


def centre(text: str, width: int) -> str:
    gap = max(width - cells(text), 0)
    return (" " * (gap // 2) + text).rstrip()


def right(text: str, width: int) -> str:
    return " " * max(width - cells(text), 0) + text


@dataclass(frozen=True)
class Line:
    """One printed line and how it should look on a printer that can style it."""

    text: str
    style: str = "normal"  # normal | title | mark | heading | rule | cut


def _field_group(group: list[B.Field], width: int, label_w: int) -> list[Line]:
    """Rows of one copy share a label column, so values line up down the page."""
    if label_w > width * 2 // 5:
        label_w = 0
    out: list[Line] = []
    for f in group:
        head = f.label + "："
        if label_w:
            head += " " * (label_w - cells(head))
            out += [Line(t) for t in wrap(f.value, width, head, label_w)]
        else:
            out += [Line(t) for t in wrap(f.value, width, head, 2)]
    return out


def _table(table: B.Table, width: int) -> list[Line]:
    ncol = len(table.headers)
    rows = [tuple(r) + ("",) * (ncol - len(r)) for r in table.rows]
    col_w = [max([cells(table.headers[i])] + [cells(r[i]) for r in rows]) for i in range(ncol)]
    if sum(col_w) + 2 * (ncol - 1) <= width:
        def fmt(cols: tuple[str, ...]) -> str:
            parts = [c + " " * (col_w[i] - cells(c)) for i, c in enumerate(cols)]
            return "  ".join(parts).rstrip()

        return [Line(fmt(tuple(table.headers)), "heading"), *(Line(fmt(r)) for r in rows)]
    # Too wide for the paper: one block per row, "1. first column" then "   header：value".
    out: list[Line] = []
    first_is_number = table.headers and all(r[0].isdigit() for r in rows)
    for n, row in enumerate(rows, 1):
        if first_is_number and ncol > 1:
            marker, lead, rest = f"{row[0]}. ", row[1], list(zip(table.headers[2:], row[2:], strict=True))
        else:
            marker, lead, rest = f"{n}. ", row[0], list(zip(table.headers[1:], row[1:], strict=True))
        out += [Line(t) for t in wrap(lead, width, marker, len(marker))]
        for header, value in rest:
            if value:
                out += [Line(t) for t in wrap(value, width, " " * len(marker) + header + "：",
                                              len(marker) + 2)]
    return out


def layout(doc: B.Document, width: int) -> list[Line]:
    """The document as styled lines of at most ``width`` cells."""
    if width < MIN_WIDTH:
        raise ValidationError(T.WIDTH_TOO_SMALL.format(minimum=MIN_WIDTH, width=width))
    out: list[Line] = []
    for n, copy in enumerate(doc.copies):
        if n:
            cut = f" {T.CUT_LINE} "
            dashes = max((width - cells(cut)) // 2, 0)
            out += [Line(""), Line(("-" * dashes + cut + "-" * dashes).rstrip(), "cut"), Line("")]
        if copy.label:
            out += [Line(right(t, width)) for t in wrap(copy.label, width)]
        blocks = list(copy.blocks)
        label_w = max((cells(b.label) for b in blocks if isinstance(b, B.Field)), default=0) + 2
        i = 0
        while i < len(blocks):
            block = blocks[i]
            match block:
                case B.Field():
                    group: list[B.Field] = []
                    while i < len(blocks) and isinstance(field := blocks[i], B.Field):
                        group.append(field)
                        i += 1
                    out += _field_group(group, width, label_w)
                    continue
                case B.Title(text=text):
                    out += [Line(centre(t, width), "title") for t in wrap(text, width)]
                case B.Subtitle(text=text):
                    out += [Line(centre(t, width)) for t in wrap(text, width)]
                case B.Mark(text=text):
                    out += [Line(centre(t, width), "mark") for t in wrap(f"【{text}】", width)]
                case B.CopyLabel(text=text):
                    out += [Line(right(t, width)) for t in wrap(text, width)]
                case B.Heading(text=text):
                    if out and out[-1].text:
                        out.append(Line(""))
                    out += [Line(t, "heading") for t in wrap(text, width)]
                case B.Para(text=text):
                    out += [Line(t) for t in wrap(text, width)]
                case B.Item(marker=marker, text=text):
                    head = marker + " " if marker else ""
                    out += [Line(t) for t in wrap(text, width, head, cells(head))]
                case B.Table():
                    out += _table(block, width)
                case B.Sign(text=text):
                    out += [Line(right(t, width)) for t in wrap(text, width)]
                case B.Rule():
                    out.append(Line("-" * width, "rule"))
                case B.Blank():
                    if out and out[-1].text:
                        out.append(Line(""))
            i += 1
    while out and not out[-1].text:
        out.pop()
    return out


def render_text(doc: B.Document, width: int) -> str:
    """Plain text, one ``\\n`` per line, ending with a newline."""
    return "".join(line.text + "\n" for line in layout(doc, width))


def to_gb18030(text: str) -> bytes:
    """The bytes a Chinese line printer wants. GB18030 covers all of Unicode; only broken text fails."""
    try:
        return text.encode("gb18030")
    except UnicodeEncodeError as exc:
        bad = text[exc.start:exc.end]
        raise ValidationError(T.TEXT_NOT_ENCODABLE.format(chars=ascii(bad))) from None


def preview_text(data: NoticeData, width: int, *, data_dir: Path | None = None) -> str:
    """Exactly what the text / ESC-POS printer will print, for the preview screen."""
    from deskclient.services.notices.render import render_document

    return render_text(render_document(data, data_dir=data_dir), width)
