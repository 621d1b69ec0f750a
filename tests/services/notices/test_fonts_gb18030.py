"""Rare characters (issue #15 item 12): what the shipped faces cover of GB 18030-2022, read from their
cmap with fontTools, and the per-glyph fallback to a font fontconfig finds on the machine.

GB 18030-2022 implementation level 1 is the one- and two-byte repertoire (GBK: Han, symbols, box
drawing, small Roman numerals…) plus the four-byte CJK Extension A (U+3400..U+4DB5); level 2 adds
196 Han characters of the 通用规范汉字表 encoded in Extensions B..F, which the project holds no
machine-readable list of — so level 2 is checked through the fallback (a face with Extension B, e.g.
Debian ``fonts-hanazono``), not by list. docs/notices.md says what a station installs.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from notice_samples import sample

from deskclient.domain.notices import NoticeKind, Person
from deskclient.services.notices import pdf as P
from deskclient.services.notices.render import render_document

# Noto Sans CJK SC (the source of both faces) draws every level-1 character but this one
# (≒ U+2252, GBK A892); a notice containing it takes it from a system font.
NOT_IN_NOTO_SC = {0x2252}


def _shipped_cmap() -> frozenset[int]:
    ext = P.shipped_ext_font()
    assert ext is not None, "data/fonts/NoticeSansSC-Ext.otf is part of the package"
    return P.font_cmap(str(P.shipped_font())) | P.font_cmap(str(ext))


def gb18030_level1() -> set[int]:
    """The one- and two-byte part, decoded with Python's gb18030 codec (private-use mappings left out:
    GB 18030-2022 moved those characters to their standard code points), plus Extension A."""
    out = set(range(0x20, 0x7F))
    for hi in range(0x81, 0xFF):
        for lo in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            try:
                ch = bytes([hi, lo]).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= ord(ch) <= 0xF8FF:
                out.add(ord(ch))
    out |= set(range(0x3400, 0x4DB6))  # CJK Extension A as GB 18030 maps it (four-byte)
    return out


def test_the_shipped_faces_cover_gb18030_2022_implementation_level_1() -> None:
    required = gb18030_level1()
    assert len(required) > 28_000  # 21,886 Han of GBK + 6,582 Extension A + the symbols
    assert {0x4E00, 0x9FA5, 0x9555, 0x4DAE, 0x2550, 0x2170, 0x20AC} <= required  # 一 龥 镕 䶮 ═ ⅰ €
    cmap = _shipped_cmap()
    missing = {cp for cp in required if cp not in cmap}
    assert missing == NOT_IN_NOTO_SC, [f"U+{cp:04X}" for cp in sorted(missing)]


def test_the_extension_face_carries_the_extension_b_characters_noto_draws() -> None:
    ext = P.font_cmap(str(P.shipped_ext_font()))
    beyond_bmp = {cp for cp in ext if cp >= 0x20000}
    assert len(beyond_bmp) >= 2_000 and 0x20000 not in beyond_bmp  # 𠀀 is not among them: the fallback's job


def _no_listed_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the per-character fontconfig lookup may find a font (no fixed paths, no zh-cn list)."""
    monkeypatch.setattr(P, "SYSTEM_CJK_FONTS", ())
    monkeypatch.setattr(P, "_fontconfig_chinese", lambda: iter(()))


def test_an_extension_b_name_prints_from_a_font_fontconfig_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    rare = "\U00020000"  # 𠀀
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig (fc-list) is not installed on this machine")
    _no_listed_system_fonts(monkeypatch)
    try:
        chosen = P.choose_fallbacks({rare, "镕"})
    except P.FontProblem:
        pytest.skip("no font with U+20000 on this machine (Debian: apt-get install fonts-hanazono)")
    assert chosen[0][0] == str(P.shipped_ext_font())  # 镕 from the shipped face, per glyph
    assert any(0x20000 in P.font_cmap(path, index) for path, index in chosen[1:])
    d = replace(sample(NoticeKind.ACCEPTANCE), applicant=Person("刘" + rare + "镕", "11010519491231002X"))
    pdf = P.render_pdf(render_document(d))
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "刘" + rare + "镕" in text.replace(" ", "").replace("\x00", "")  # pypdf marks the font switch


def test_without_such_a_font_the_message_names_the_character(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_listed_system_fonts(monkeypatch)
    monkeypatch.setattr(P, "_fontconfig_fonts_for", lambda chars: [])
    with pytest.raises(P.FontProblem) as err:
        P.choose_fallbacks({"\U00020000", "镕"})
    assert "“\U00020000”(U+20000)" in err.value.message and "镕" not in err.value.message
