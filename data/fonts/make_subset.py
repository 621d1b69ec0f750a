"""Rebuild ``NoticeSansSC-Subset.ttf`` from Noto Sans CJK SC (OFL 1.1).

Why: the PDF notices must look the same on every counter PC, so a CJK font is embedded; the full
Noto Sans CJK collection is ~19 MB, so we ship a subset (GB2312 + ASCII + common punctuation +
a few name characters outside GB2312) with TrueType outlines (converted from CFF with cu2qu), which
every PDF library and viewer handles.

Run (Debian: ``apt-get install fonts-noto-cjk``)::

    python data/fonts/make_subset.py [/path/to/NotoSansCJK-Regular.ttc]
    python data/fonts/make_subset.py --ext [/path/to/NotoSansCJK-Regular.ttc]

The second builds ``NoticeSansSC-Ext.otf``, the fallback face: the rest of GB18030's required
repertoire (implementation level 1: the two-byte GBK symbols, all of U+4E00..U+9FFF and Extension A)
plus the Extension B+ characters Noto SC draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC_INDEX = 2  # JP, KR, SC, TC, HK in the Regular collection
OUT = Path(__file__).with_name("NoticeSansSC-Subset.ttf")
FAMILY = "Notice Sans SC Subset"

# Name characters outside GB2312 that registries see often (人名常用字).
EXTRA_HAN = "喆堃昇珺玥赟燚垚祎琇旻玙珉瑄璟琤炜煜曌犇淼焱鑫晞昕彧钰瑀珈婧婕娅妤姝嫣琍琳瑾瑜璐"


def charset() -> set[int]:
    cps: set[int] = set(range(0x20, 0x7F))
    cps |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    cps |= set(range(0xFF01, 0xFF5F))  # full-width forms
    cps |= set(range(0x2010, 0x2027)) | {0x00B7, 0x00D7, 0x00F7, 0x2030, 0x2103, 0x2116, 0xFFE5}
    cps |= set(range(0x2460, 0x2474)) | set(range(0x25A0, 0x25D0)) | {0x2713, 0x2714, 0x2610, 0x2611}
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.add(ord(ch))
    cps |= {ord(c) for c in EXTRA_HAN}
    return cps


def cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines with quadratic TrueType outlines (what most PDF tooling expects)."""
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                 "maxComponentDepth"):
        setattr(maxp, attr, 0)
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["post"].glyphOrder = font.getGlyphOrder()
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    names = font["name"]
    for rec in list(names.names):
        if rec.nameID in (1, 16):
            names.setName(FAMILY, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 4:
            names.setName(FAMILY + " Regular", 4, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 6:
            names.setName("NoticeSansSC-Subset", 6, rec.platformID, rec.platEncID, rec.langID)


EXT_OUT = Path(__file__).with_name("NoticeSansSC-Ext.otf")
EXT_FAMILY = "Notice Sans SC Ext"
# GB18030's required Han repertoire: CJK Unified Ideographs (U+4E00..U+9FFF) and Extension A
# (U+3400..U+4DBF), plus compatibility ideographs, radicals and whatever Extension B+ Noto SC has.
EXT_RANGES = ((0x2E80, 0x2FDF), (0x3100, 0x312F), (0x31A0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
              (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0x20000, 0x3134F))


def gbk_two_byte() -> set[int]:
    """GB18030's one- and two-byte repertoire (GBK: symbols, box drawing, small Roman numerals… as
    well as Han), private-use mappings left out: part of implementation level 1."""
    out: set[int] = set()
    for hi in range(0x81, 0xFF):
        for lo in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            try:
                ch = bytes([hi, lo]).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= ord(ch) <= 0xF8FF:
                out.add(ord(ch))
    return out


def ext_charset(cmap: set[int]) -> set[int]:
    """Everything in EXT_RANGES and the GBK two-byte repertoire the source font draws that the main
    subset does not."""
    main_set = charset()
    wanted = {cp for lo, hi in EXT_RANGES for cp in range(lo, hi + 1)} | gbk_two_byte()
    return {cp for cp in wanted if cp in cmap and cp not in main_set}


def main_ext(source: str = SOURCE) -> None:
    """The fallback face: kept as CFF (OpenType), which fpdf2 embeds and subsets per document; it is
    only loaded when a notice has a character the main subset lacks."""
    font = TTCollection(source).fonts[SC_INDEX]
    cps = ext_charset(set(font.getBestCmap()))
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "GPOS", "GSUB", "DSIG"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(cps))
    sub.subset(font)
    names = font["name"]
    for rec in list(names.names):
        if rec.nameID in (1, 16):
            names.setName(EXT_FAMILY, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 4:
            names.setName(EXT_FAMILY + " Regular", 4, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 6:
            names.setName("NoticeSansSC-Ext", 6, rec.platformID, rec.platEncID, rec.langID)
    font.save(EXT_OUT)
    print(f"{EXT_OUT}: {EXT_OUT.stat().st_size / 1e6:.2f} MB, {len(font.getBestCmap())} code points")


def main(source: str = SOURCE) -> None:
    font = TTCollection(source).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = ["vert", "vrt2"]
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "GPOS", "GSUB", "DSIG"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(charset()))
    sub.subset(font)
    cff_to_glyf(font)
    rename(font)
    font.save(OUT)
    print(f"{OUT}: {OUT.stat().st_size / 1e6:.2f} MB, {len(font.getBestCmap())} code points")


if __name__ == "__main__":
    if "--ext" in sys.argv:
        main_ext(*[a for a in sys.argv[1:] if a != "--ext"][:1])
    else:
        main(*sys.argv[1:2])
