"""Drawing a Document on A4 pages with fpdf2, with Chinese line-breaking and page rules.

Why not fpdf2's own ``multi_cell`` / ``table``: they break lines anywhere, so a line could start
with "。" or "）", a "（" could end a line, and a table cell could split a case number or a date
across two lines. Here every text is broken into unbreakable tokens first (the same tokens as the
text renderer: numbers, case numbers, masked IDs, dates, ASCII words stay whole; closing
punctuation sticks to what precedes it, opening punctuation to what follows), and lines are filled
with whole tokens. Pages: a ``keep(n)`` block keeps the next n blocks on one page (a heading with
what follows it, the signature block with the date — no page holds only the date); every page
says which copy (联) it belongs to and "第N页 共M页" within that copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from deskclient.services.notices import blocks as B
from deskclient.services.notices.text import _tokens
from deskclient.strings import notices as T

FAMILY = "notice"
PAGE_MARGIN = 20.0  # mm
LINE = 6.5  # mm, body line height
BODY = 11  # pt
RED = (190, 20, 20)
GREY = (110, 110, 110)
QR_SIZE = 26.0  # mm
CELL_PAD = 1.5  # mm
SHORT_CELL = 5  # characters: a cell this short is never broken over two lines


def pdf_lines(pdf: Any, text: str, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` mm at the current font, by Chinese rules."""
    lines: list[str] = []
    line, used = "", 0.0
    width += 0.01  # widths are sums of floats: a text measured to fit exactly must still fit
    for tok in _tokens(text):
        w = pdf.get_string_width(tok)
        if tok.isspace():
            if line and used + w <= width:
                line, used = line + tok, used + w
            continue
        if used + w > width and line:
            lines.append(line.rstrip())
            line, used = "", 0.0
        while w > width:  # a token longer than the whole line: split at a character edge (rare)
            head = ""
            for ch in tok:
                if pdf.get_string_width(head + ch) > width and head:
                    break
                head += ch
            lines.append(head)
            tok = tok[len(head):]
            w = pdf.get_string_width(tok)
        line, used = line + tok, used + w
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


@dataclass
class _Plan:
    height: float
    draw: Callable[[], None]


class _Drawer:
    def __init__(self, pdf: Any, heading_fill: tuple[int, int, int] = (235, 235, 235)) -> None:
        self.pdf = pdf
        self.fill = heading_fill
        self.label_w = 0.0

    # --- plans: how tall a block is and how to draw it ---------------------------------------
    def plan(self, block: B.Block) -> _Plan:
        pdf = self.pdf
        match block:
            case B.Title(text=text):
                return self._lines_plan(text, 20, 11, "C", before=2, after=1)
            case B.Subtitle(text=text):
                return self._lines_plan(text, 13, 7, "C")
            case B.Mark(text=text):
                return self._mark_plan(text)
            case B.CopyLabel(text=text):
                return self._lines_plan(text, 9, 5, "R")
            case B.Heading(text=text):
                return self._lines_plan(text, 12, 7.5, "L", before=2)
            case B.Para(text=text):
                return self._lines_plan(text, BODY, LINE, "L")
            case B.Item(marker=marker, text=text):
                return self._item_plan(marker, text)
            case B.Field():
                return self._field_plan(block)
            case B.Table():
                return self._table_plan(block)
            case B.Sign(text=text):
                return self._lines_plan(text, BODY, LINE + 1, "R")
            case B.QR(payload=payload, caption=caption):
                return self._qr_plan(payload, caption)
            case B.Rule():
                def rule() -> None:
                    y = pdf.get_y() + 1
                    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
                    pdf.ln(3)
                return _Plan(3, rule)
            case B.Blank():
                return _Plan(3, lambda: pdf.ln(3))
            case _:
                return _Plan(0, lambda: None)

    def _lines_plan(self, text: str, size: float, lh: float, align: str, before: float = 0,
                    after: float = 0) -> _Plan:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=size)
        lines = pdf_lines(pdf, text, pdf.epw)

        def draw() -> None:
            pdf.set_font(FAMILY, size=size)
            if before:
                pdf.ln(before)
            for line in lines:
                pdf.cell(pdf.epw, lh, line, align=align, new_x="LMARGIN", new_y="NEXT")
            if after:
                pdf.ln(after)
        return _Plan(before + after + lh * len(lines), draw)

    def _mark_plan(self, text: str) -> _Plan:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=13)
        width = min(pdf.get_string_width(text) + 10, pdf.epw)
        lines = pdf_lines(pdf, text, width - 4)

        def draw() -> None:
            pdf.set_font(FAMILY, size=13)
            pdf.set_text_color(*RED)
            pdf.set_draw_color(*RED)
            x = pdf.l_margin + (pdf.epw - width) / 2
            y = pdf.get_y()
            for line in lines:
                pdf.set_x(x)
                pdf.cell(width, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.rect(x, y, width, 8 * len(lines))
            pdf.set_text_color(0, 0, 0)
            pdf.set_draw_color(0, 0, 0)
            pdf.ln(1)
        return _Plan(8 * len(lines) + 1, draw)

    def _item_plan(self, marker: str, text: str) -> _Plan:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=BODY)
        indent = pdf.get_string_width(marker + " ") + 1 if marker else 0
        lines = pdf_lines(pdf, text, pdf.epw - indent)

        def draw() -> None:
            pdf.set_font(FAMILY, size=BODY)
            for n, line in enumerate(lines):
                pdf.set_x(pdf.l_margin)
                if marker and n == 0:
                    pdf.cell(indent, LINE, marker)
                else:
                    pdf.set_x(pdf.l_margin + indent)
                pdf.cell(pdf.epw - indent, LINE, line, new_x="LMARGIN", new_y="NEXT")
        return _Plan(LINE * len(lines), draw)

    def _field_plan(self, f: B.Field) -> _Plan:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=BODY)
        label_w = self.label_w
        lines = pdf_lines(pdf, f.value, pdf.epw - label_w)

        def draw() -> None:
            pdf.set_font(FAMILY, size=BODY)
            for n, line in enumerate(lines):
                pdf.set_x(pdf.l_margin)
                if n == 0:
                    pdf.set_text_color(*GREY)
                    pdf.cell(label_w, LINE, f.label + "：")
                    pdf.set_text_color(0, 0, 0)
                else:
                    pdf.set_x(pdf.l_margin + label_w)
                pdf.cell(pdf.epw - label_w, LINE, line, new_x="LMARGIN", new_y="NEXT")
        return _Plan(LINE * len(lines), draw)

    def _qr_plan(self, payload: str, caption: str) -> _Plan:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=9)
        lines = pdf_lines(pdf, caption, pdf.epw - QR_SIZE - 4)

        def draw() -> None:
            from deskclient.services.notices.qr import qr_image

            y = pdf.get_y() + 1
            pdf.image(qr_image(payload, scale=6), x=pdf.l_margin, y=y, w=QR_SIZE, h=QR_SIZE)
            pdf.set_font(FAMILY, size=9)
            pdf.set_xy(pdf.l_margin + QR_SIZE + 3, y + QR_SIZE / 2 - 2.5 * len(lines))
            for line in lines:
                pdf.set_x(pdf.l_margin + QR_SIZE + 3)
                pdf.cell(pdf.epw - QR_SIZE - 4, 5, line, new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(y + QR_SIZE + 1)
        return _Plan(QR_SIZE + 2, draw)

    def _table_plan(self, table: B.Table) -> _Plan:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=10)
        ncol = len(table.headers)
        rows = [tuple(r) + ("",) * (ncol - len(r)) for r in table.rows]
        natural = [max([pdf.get_string_width(table.headers[c])] + [pdf.get_string_width(r[c]) for r in rows])
                   + 2 * CELL_PAD for c in range(ncol)]
        # the narrowest a column may get: its header, a short cell ("主件", "1份") and its longest
        # unbreakable token (a number, a date, a case number) — none of these is ever split
        def unbreakable(text: str) -> list[str]:
            return [text] if len(text) <= SHORT_CELL else _tokens(text)

        floor = [max([pdf.get_string_width(table.headers[c])]
                     + [pdf.get_string_width(t) for r in rows for t in unbreakable(r[c])]) + 2 * CELL_PAD
                 for c in range(ncol)]
        widths = list(natural)
        if sum(widths) > pdf.epw:
            spare = pdf.epw - sum(floor)
            extra = [n - f for n, f in zip(natural, floor, strict=True)]
            total_extra = sum(extra) or 1
            widths = [f + max(spare, 0) * e / total_extra for f, e in zip(floor, extra, strict=True)]
        lh = 5.5

        def cell_lines(row: tuple[str, ...]) -> list[list[str]]:
            return [pdf_lines(pdf, row[c], widths[c] - 2 * CELL_PAD) for c in range(ncol)]

        head_lines = cell_lines(tuple(table.headers))
        body = [cell_lines(r) for r in rows]

        def row_h(cells: list[list[str]]) -> float:
            return max(len(c) for c in cells) * lh + 2

        def draw_row(cells: list[list[str]], fill: bool) -> None:
            h = row_h(cells)
            if pdf.will_page_break(h):
                pdf.add_page()
                draw_row(head_lines, True)
            x, y = pdf.l_margin, pdf.get_y()
            for c, lines in enumerate(cells):
                if fill:
                    pdf.set_fill_color(*self.fill)
                pdf.rect(x, y, widths[c], h, style="DF" if fill else "D")
                for n, line in enumerate(lines):
                    pdf.set_xy(x + CELL_PAD, y + 1 + n * lh)
                    pdf.cell(widths[c] - 2 * CELL_PAD, lh, line)
                x += widths[c]
            pdf.set_xy(pdf.l_margin, y + h)

        def draw() -> None:
            pdf.set_font(FAMILY, size=10)
            draw_row(head_lines, True)
            for cells in body:
                draw_row(cells, False)
            pdf.ln(2)
        # what must stay with the table's heading: the header row and the first row
        first = row_h(head_lines) + (row_h(body[0]) if body else 0)
        return _Plan(first, draw)


def draw_document(doc: B.Document, font_path: Path, fallbacks: list[tuple[str, int]],
                  created: datetime | None) -> bytes:
    from fpdf import FPDF

    watermark = next((b.text for c in doc.copies for b in c.blocks if isinstance(b, B.Mark)
                      and b.role == "training"), "")
    page_copy: dict[int, int] = {}
    copy_start: dict[int, int] = {}
    state = {"copy": 0}

    class NoticePDF(FPDF):
        def header(self) -> None:
            page_copy[self.page] = state["copy"]
            copy_start.setdefault(state["copy"], self.page)
            if watermark:
                self.set_font(FAMILY, size=40)
                self.set_text_color(225, 225, 225)
                with self.rotation(35, x=self.w / 2, y=self.h / 2):
                    self.text(self.w / 2 - self.get_string_width(watermark) / 2, self.h / 2, watermark)
                self.set_text_color(0, 0, 0)
            label = doc.copies[state["copy"]].label
            if label and copy_start[state["copy"]] != self.page:  # a continuation page says its copy too
                self.set_font(FAMILY, size=9)
                self.set_text_color(*GREY)
                self.set_xy(self.l_margin, 10)
                self.cell(self.epw, 5, label + T.PDF_CONTINUED, align="R")
                self.set_text_color(0, 0, 0)
            self.set_xy(self.l_margin, self.t_margin)

    pdf = NoticePDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
    pdf.set_auto_page_break(True, margin=PAGE_MARGIN)
    pdf.add_font(FAMILY, "", str(font_path))
    names = []
    for n, (path, index) in enumerate(fallbacks):
        name = f"{FAMILY}-fallback-{n}"
        pdf.add_font(name, "", path, collection_font_number=index)
        names.append(name)
    if names:
        pdf.set_fallback_fonts(names, exact_match=False)
    pdf.set_title(doc.title)
    pdf.set_creator("deskclient")
    pdf.set_producer("deskclient")
    if created is not None:
        pdf.set_creation_date(created)

    drawer = _Drawer(pdf)
    for index, copy in enumerate(doc.copies):
        state["copy"] = index
        pdf.add_page()
        pdf.set_font(FAMILY, size=BODY)
        if copy.label:
            width = pdf.get_string_width(copy.label) + 6
            pdf.set_x(pdf.w - pdf.r_margin - width)
            pdf.cell(width, 7, copy.label, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
        blocks = list(copy.blocks)
        labels = [b.label + "：" for b in blocks if isinstance(b, B.Field)]
        drawer.label_w = min(max((pdf.get_string_width(t) for t in labels), default=0) + 2, pdf.epw / 3)
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if isinstance(block, B.PageBreak):
                group = [b for b in blocks[i + 1:i + 1 + block.keep] if not isinstance(b, B.PageBreak)]
                need = sum(drawer.plan(b).height for b in group)
                room = pdf.h - pdf.b_margin - pdf.get_y()
                if need > room and need <= pdf.h - pdf.t_margin - pdf.b_margin and pdf.get_y() > pdf.t_margin + 20:
                    pdf.add_page()
                i += 1
                continue
            drawer.plan(block).draw()
            i += 1

    # page numbers within each copy, written once every page exists
    last = pdf.page
    pdf.set_auto_page_break(False)
    pages_of: dict[int, list[int]] = {}
    for page, copy_index in sorted(page_copy.items()):
        pages_of.setdefault(copy_index, []).append(page)
    for pages in pages_of.values():
        for n, page in enumerate(pages, 1):
            pdf.page = page
            pdf.set_font(FAMILY, size=9)
            pdf.set_text_color(*GREY)
            pdf.set_xy(pdf.l_margin, pdf.h - 14)
            pdf.cell(pdf.epw, 5, T.PDF_PAGE_NUMBER.format(n=n, total=len(pages)), align="C")
            pdf.set_text_color(0, 0, 0)
    pdf.page = last
    return bytes(pdf.output())
