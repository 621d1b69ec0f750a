"""Document → A4 PDF with an embedded CJK font (fpdf2), for laser printers and the archive.

The shipped font (data/fonts/NoticeSansSC-Subset.ttf, OFL) covers GB2312 and common punctuation, so
a notice looks the same on every counter PC; the shipped fallback face NoticeSansSC-Ext.otf covers
the rest of GB18030's required Han repertoire (all of U+4E00..U+9FFF, Extension A) and the
Extension B characters Noto has. Fallback is per glyph: a character neither face has (𠀀) is drawn
from a CJK font found on the machine; if there is none, the error names exactly that character.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Collection, Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from deskclient.domain.errors import DeskError
from deskclient.resources import data_path
from deskclient.services.notices import blocks as B
from deskclient.strings import notices as T

FONT_FILE = "NoticeSansSC-Subset.ttf"
EXT_FONT_FILE = "NoticeSansSC-Ext.otf"
FAMILY = "notice"

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


def _candidate_fonts(chars: Collection[str] = ()) -> Iterable[tuple[str, int]]:
    """Fonts of this machine to take the missing ``chars`` from, in order: the usual CJK fonts, the
    ones fontconfig tags Chinese, then any font fontconfig says draws one of them (lazily: only
    asked when the earlier ones left some character; ``chars`` is the caller's live set)."""
    yield from SYSTEM_CJK_FONTS
    yield from _fontconfig_chinese()
    yield from _fontconfig_fonts_for(chars)


def _fontconfig_chinese() -> Iterable[tuple[str, int]]:
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


def missing_glyphs(texts: Iterable[str], cmap: frozenset[int]) -> set[str]:
    return {c for text in texts for c in text if not c.isspace() and ord(c) not in cmap}


def shipped_ext_font() -> Path | None:
    """The fallback face with the rest of GB18030's required Han repertoire (None if not installed)."""
    path = data_path("fonts", EXT_FONT_FILE)
    return path if path.is_file() else None


def _describe_chars(chars: Iterable[str]) -> str:
    return "、".join(f"“{c}”(U+{ord(c):04X})" for c in sorted(chars))


def choose_fallbacks(missing: set[str]) -> list[tuple[str, int]]:
    """Fonts for the characters the main subset lacks, chosen per glyph: the shipped extension face
    first, then CJK fonts on this machine. Raises FontProblem naming every character no font has."""
    chosen: list[tuple[str, int]] = []
    left = set(missing)
    ext = shipped_ext_font()
    shipped = [(str(ext), 0)] if ext is not None else []
    for path, index in itertools.chain(shipped, _candidate_fonts(left)):
        if not left:
            break
        if not Path(path).is_file() or path.lower().endswith((".pcf", ".pcf.gz", ".otb")):
            continue
        try:
            cmap = font_cmap(path, index)
        except Exception:  # an unreadable font file is just not a candidate
            continue
        covered = {c for c in left if ord(c) in cmap}
        if covered and (path, index) not in chosen:
            chosen.append((path, index))
            left -= covered
    if left:
        raise FontProblem(T.FONT_GLYPHS_MISSING.format(chars=_describe_chars(left)))
    return chosen


MAX_FONTCONFIG_QUERIES = 16  # one fc-list per missing character, at most this many per notice


def _fontconfig_fonts_for(chars: Collection[str]) -> list[tuple[str, int]]:
    """Fonts fontconfig says cover each character (``fc-list ':charset=<hex>' file index``), whatever
    their language tag: an Extension B name character is often only in a Japanese-tagged face
    (Debian ``fonts-hanazono``: HanaMinB) that ``:lang=zh-cn`` never lists."""
    if not chars or shutil.which("fc-list") is None:
        return []
    found: list[tuple[str, int]] = []
    for ch in sorted(chars)[:MAX_FONTCONFIG_QUERIES]:
        try:
            out = subprocess.run(["fc-list", f":charset={ord(ch):x}", "file", "index"], capture_output=True,
                                 text=True, timeout=10, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return found
        for row in sorted(out.splitlines()):
            path, _, rest = row.partition(":")
            index = rest.strip().removeprefix("index=").strip()
            entry = (path.strip(), int(index) if index.isdigit() else 0)
            if entry[0] and entry not in found and not entry[0].lower().endswith((".pcf", ".pcf.gz", ".otb")):
                found.append(entry)
    return found


def render_pdf(doc: B.Document, *, created: datetime | None = None) -> bytes:
    """The notice as A4 PDF bytes: every copy (联) starts on a new page, every page says which copy it
    belongs to and "第N页 共M页" within its copy, lines break by Chinese rules (:func:`pdf_lines`)."""
    from deskclient.services.notices.pdf_layout import draw_document

    font_path = shipped_font()
    missing = missing_glyphs(doc.texts(), font_cmap(str(font_path)))
    fallbacks = choose_fallbacks(missing) if missing else []
    return draw_document(doc, font_path, fallbacks, created)
