"""Document → A4 PDF with an embedded CJK font (fpdf2), for laser printers and the archive.

The shipped font (data/fonts/NoticeSansSC-Subset.ttf, OFL) covers GB2312 and common punctuation, so
a notice looks the same on every counter PC. A rare character in a name that the subset lacks is
drawn from a CJK font found on the machine at run time; if there is none, a clear error says which
characters are missing rather than printing empty boxes.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from deskclient.domain.errors import DeskError
from deskclient.resources import data_path
from deskclient.services.notices import blocks as B
from deskclient.strings import notices as T

FONT_FILE = "NoticeSansSC-Subset.ttf"
FAMILY = "notice"
FALLBACK_FAMILY = "notice-fallback"

# CJK fonts often present on counter PCs (Debian/UOS/Kylin and Windows), tried in this order.
SYSTEM_CJK_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simsunb.ttf", 0),
)

PAGE_MARGIN = 20.0  # mm
LINE = 6.5  # mm, body line height
RED = (190, 20, 20)
GREY = (110, 110, 110)


class FontProblem(DeskError):
    """No font can draw some character of the notice."""


def shipped_font() -> Path:
    path = data_path("fonts", FONT_FILE)
    if not path.is_file():
        raise FontProblem(T.FONT_MISSING.format(path=path))
    return path


@cache
def font_cmap(path: str, index: int = 0) -> frozenset[int]:
    """The code points a font file can draw (read once per file)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        font = TTCollection(path, lazy=True).fonts[index]
    else:
        font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap() or {})


def _candidate_fonts() -> Iterable[tuple[str, int]]:
    yield from SYSTEM_CJK_FONTS
    if shutil.which("fc-list"):
        try:
            found = subprocess.run(["fc-list", ":lang=zh-cn", "file", "index"], capture_output=True,
                                   text=True, timeout=10, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return
        for row in sorted(found.splitlines()):
            path, _, rest = row.partition(":")
            index = rest.strip().removeprefix("index=").strip()
            yield path.strip(), int(index) if index.isdigit() else 0


def find_fallback_font(missing: set[str]) -> tuple[str, int] | None:
    """A font on this machine that has every one of ``missing``, or None."""
    for path, index in _candidate_fonts():
        if not Path(path).is_file() or path.lower().endswith((".pcf", ".pcf.gz", ".otb")):
            continue
        try:
            cmap = font_cmap(path, index)
        except Exception:  # an unreadable font file is just not a candidate
            continue
        if all(ord(c) in cmap for c in missing):
            return path, index
    return None


def missing_glyphs(texts: Iterable[str], cmap: frozenset[int]) -> set[str]:
    return {c for text in texts for c in text if not c.isspace() and ord(c) not in cmap}


def render_pdf(doc: B.Document, *, created: datetime | None = None) -> bytes:
    """The notice as PDF bytes; every copy (联) starts on a new page."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font_path = shipped_font()
    missing = missing_glyphs(doc.texts(), font_cmap(str(font_path)))
    fallback = find_fallback_font(missing) if missing else None
    if missing and fallback is None:
        raise FontProblem(T.FONT_GLYPHS_MISSING.format(chars="".join(sorted(missing))))

    watermark = next((b.text for c in doc.copies for b in c.blocks if isinstance(b, B.Mark)
                      and b.role == "training"), "")

    class NoticePDF(FPDF):
        def header(self) -> None:
            if not watermark:
                return
            self.set_font(FAMILY, size=40)
            self.set_text_color(225, 225, 225)
            with self.rotation(35, x=self.w / 2, y=self.h / 2):
                self.text(self.w / 2 - self.get_string_width(watermark) / 2, self.h / 2, watermark)
            self.set_text_color(0, 0, 0)
            self.set_xy(self.l_margin, self.t_margin)

    pdf = NoticePDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
    pdf.set_auto_page_break(True, margin=PAGE_MARGIN)
    pdf.add_font(FAMILY, "", str(font_path))
    if fallback is not None:
        pdf.add_font(FALLBACK_FAMILY, "", fallback[0], collection_font_number=fallback[1])
        pdf.set_fallback_fonts([FALLBACK_FAMILY], exact_match=False)
    pdf.set_title(doc.title)
    pdf.set_creator("deskclient")
    pdf.set_producer("deskclient")
    if created is not None:
        pdf.set_creation_date(created)
    heading_style = FontFace(family=FAMILY, emphasis="", fill_color=(235, 235, 235))

    for copy in doc.copies:
        pdf.add_page()
        pdf.set_font(FAMILY, size=11)
        if copy.label:
            pdf.set_font(FAMILY, size=11)
            width = pdf.get_string_width(copy.label) + 6
            pdf.set_x(pdf.w - pdf.r_margin - width)
            pdf.cell(width, 7, copy.label, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
        blocks = list(copy.blocks)
        pdf.set_font(FAMILY, size=11)
        labels = [b.label + "：" for b in blocks if isinstance(b, B.Field)]
        label_w = min(max((pdf.get_string_width(t) for t in labels), default=0) + 2, pdf.epw / 3)
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if isinstance(block, B.Field):
                group: list[B.Field] = []
                while i < len(blocks) and isinstance(field := blocks[i], B.Field):
                    group.append(field)
                    i += 1
                pdf.set_font(FAMILY, size=11)
                for f in group:
                    pdf.set_text_color(*GREY)
                    pdf.cell(label_w, LINE, f.label + "：")
                    pdf.set_text_color(0, 0, 0)
                    pdf.multi_cell(0, LINE, f.value, new_x="LMARGIN", new_y="NEXT")
                continue
            _draw(pdf, block, heading_style)
            i += 1
    return bytes(pdf.output())


def _draw(pdf: object, block: B.Block, heading_style: object) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    match block:
        case B.Title(text=text):
            pdf.set_font(FAMILY, size=20)
            pdf.ln(2)
            pdf.multi_cell(0, 11, text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        case B.Subtitle(text=text):
            pdf.set_font(FAMILY, size=13)
            pdf.multi_cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")
        case B.Mark(text=text):
            pdf.set_font(FAMILY, size=13)
            pdf.set_text_color(*RED)
            pdf.set_draw_color(*RED)
            width = min(pdf.get_string_width(text) + 10, pdf.epw)
            pdf.set_x(pdf.l_margin + (pdf.epw - width) / 2)
            pdf.multi_cell(width, 8, text, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.set_draw_color(0, 0, 0)
            pdf.ln(1)
        case B.CopyLabel(text=text):
            pdf.set_font(FAMILY, size=9)
            pdf.cell(0, 5, text, align="R", new_x="LMARGIN", new_y="NEXT")
        case B.Heading(text=text):
            pdf.set_font(FAMILY, size=12)
            pdf.ln(2)
            pdf.multi_cell(0, 7.5, text, new_x="LMARGIN", new_y="NEXT")
        case B.Para(text=text):
            pdf.set_font(FAMILY, size=11)
            pdf.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")
        case B.Item(marker=marker, text=text):
            pdf.set_font(FAMILY, size=11)
            indent = pdf.get_string_width(marker + " ") + 1 if marker else 0
            if marker:
                pdf.cell(indent, LINE, marker)
            pdf.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")
        case B.Table(headers=headers, rows=rows):
            pdf.set_font(FAMILY, size=10)
            ncol = len(headers)
            weights = [max([pdf.get_string_width(headers[c])] + [pdf.get_string_width(r[c]) for r in rows
                                                                     if c < len(r)]) + 4 for c in range(ncol)]
            with pdf.table(col_widths=weights, text_align="LEFT", line_height=6,
                           headings_style=heading_style, first_row_as_headings=True) as table:
                for cells in (headers, *rows):
                    row = table.row()
                    for c in range(ncol):
                        row.cell(cells[c] if c < len(cells) else "")
            pdf.ln(2)
        case B.Sign(text=text):
            pdf.set_font(FAMILY, size=11)
            pdf.multi_cell(0, LINE + 1, text, align="R", new_x="LMARGIN", new_y="NEXT")
        case B.Rule():
            y = pdf.get_y() + 1
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            pdf.ln(3)
        case B.Blank():
            pdf.ln(3)
