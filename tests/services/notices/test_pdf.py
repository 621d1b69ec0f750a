"""PDF: the text can be extracted back, every glyph is in the embedded font, the page renders."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from notice_samples import ALL, sample

from deskclient.domain.notices import NoticeKind, Person
from deskclient.services.notices import pdf as P
from deskclient.services.notices.render import render_document


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_chinese_fields_come_back_out() -> None:
    d = sample(NoticeKind.SUPPLEMENT)
    text = _text(P.render_pdf(render_document(d), created=d.issued_at)).replace(" ", "")
    for needle in ("补正告知书", "青山镇便民服务中心", "张晓梅", "110105********002X", "QS01-20261124-0007",
                   "居民身份证", "家庭财产申报表", "城乡居民最低生活保障申请", "王芳"):
        assert needle in text, needle


def test_every_copy_is_its_own_page() -> None:
    from pypdf import PdfReader

    data = P.render_pdf(render_document(sample(NoticeKind.PROMISE)))
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 3
    assert "审批部门联" in pages[1].extract_text().replace(" ", "")


def test_every_character_of_every_sample_is_in_the_shipped_font() -> None:
    cmap = P.font_cmap(str(P.shipped_font()))
    for d in ALL:
        assert P.missing_glyphs(render_document(d).texts(), cmap) == set(), d.kind


def test_shipped_font_is_small_and_licensed() -> None:
    font = P.shipped_font()
    assert font.stat().st_size < 4_000_000
    ext = P.shipped_ext_font()
    assert ext is not None and ext.stat().st_size < 8_000_000
    # the fallback face completes GB18030's required Han repertoire (U+4E00..U+9FA5 and Extension A)
    cmap = P.font_cmap(str(font)) | P.font_cmap(str(ext))
    required = [*range(0x4E00, 0x9FA6), *range(0x3400, 0x4DB6)]
    assert [f"U+{cp:04X}" for cp in required if cp not in cmap] == []
    assert "SIL OPEN FONT LICENSE" in (font.parent / "OFL.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("rare", ["镕", "䶮"])  # U+9555 (outside GB2312), U+4DAE (Extension A)
def test_gb18030_required_characters_print_from_the_shipped_fonts(rare: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #15 item 12: GB18030's required Han repertoire needs no font on the machine."""
    monkeypatch.setattr(P, "_candidate_fonts", lambda *_: iter(()))  # a counter PC without CJK fonts
    d = replace(sample(NoticeKind.ACCEPTANCE), applicant=Person("朱" + rare + "基", "11010519491231002X"))
    doc = render_document(d)
    assert rare in P.missing_glyphs(doc.texts(), P.font_cmap(str(P.shipped_font())))  # not in the main subset
    assert P.shipped_ext_font() is not None
    assert rare in _text(P.render_pdf(doc))


def test_a_character_no_font_has_is_named_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    rare = "\U00020000"  # 𠀀, Extension B: neither shipped face has it
    monkeypatch.setattr(P, "_candidate_fonts", lambda *_: iter(()))
    d = replace(sample(NoticeKind.ACCEPTANCE), applicant=Person("刘" + rare + "镕", "11010519491231002X"))
    with pytest.raises(P.FontProblem) as err:
        P.render_pdf(render_document(d))
    assert f"“{rare}”(U+20000)" in err.value.message
    assert "镕" not in err.value.message  # only the character that really failed is named


def test_extension_b_character_with_a_system_font() -> None:
    rare = "\U00020000"
    try:
        P.choose_fallbacks({rare})
    except P.FontProblem:
        pytest.skip("no font with U+20000 on this machine (e.g. apt-get install fonts-hanazono)")
    d = replace(sample(NoticeKind.ACCEPTANCE), applicant=Person("刘" + rare))
    assert rare in _text(P.render_pdf(render_document(d)))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_page_renders_without_tofu(tmp_path: Path) -> None:
    from PIL import Image

    d = replace(sample(NoticeKind.CHECKLIST), training=True)
    pdf_path = tmp_path / "n.pdf"
    pdf_path.write_bytes(P.render_pdf(render_document(d)))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "p")],
                   check=True, capture_output=True, timeout=60)
    png = next(tmp_path.glob("p*.png"))
    with Image.open(png) as img:
        gray = img.convert("L")
        dark = sum(gray.histogram()[:128])
    assert dark > 2000  # text was drawn
    # No tofu: poppler complains about missing glyphs and every character is in the embedded font.
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, timeout=60).stdout
    assert "yes" in fonts  # embedded (emb column)
    cmap = P.font_cmap(str(P.shipped_font()))
    assert P.missing_glyphs(render_document(d).texts(), cmap) == set()


NO_LINE_START = "。，、；：？！）」』》】"
NO_LINE_END = "（「『《【"


def _pdf_lines_of(data: bytes) -> list[str]:
    from pypdf import PdfReader

    out: list[str] = []
    for page in PdfReader(io.BytesIO(data)).pages:
        out += [line.strip() for line in page.extract_text().splitlines() if line.strip()]
    return out


def test_chinese_line_breaking_rules() -> None:
    """Issue #15 item 11: no closing punctuation at a line start, no opening one at a line end."""
    long_reason = ("申请人提交的《房屋所有权证》（复印件）与原件不一致，" * 6) + "请核对后重新提交。"
    for d in ALL:
        d = replace(d, reasons=(long_reason,), result=long_reason) if d.kind in (
            NoticeKind.REJECTION, NoticeKind.COMPLETION) else d
        for line in _pdf_lines_of(P.render_pdf(render_document(d))):
            assert line[0] not in NO_LINE_START, (d.kind, line)
            assert line[-1] not in NO_LINE_END, (d.kind, line)


def test_pdf_lines_never_split_a_number_or_a_case_number() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font(P.FAMILY, "", str(P.shipped_font()))
    pdf.set_font(P.FAMILY, size=11)
    from deskclient.services.notices.pdf_layout import pdf_lines

    text = "办件编号520102-20261124-0001已受理，金额12345.67元（含税）。" * 3
    for width in (50, 60, 75, 90):
        lines = pdf_lines(pdf, text, width)
        assert "".join(lines) == text
        for line in lines:
            assert line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END
        joined = "\n".join(lines)
        assert joined.count("520102-20261124-0001") == 3 and joined.count("12345.67") == 3


def test_page_numbers_count_within_each_copy() -> None:
    from pypdf import PdfReader

    many = tuple(f"第{i}项理由：申请材料中的《证明》（原件）缺少公章，请到出具单位加盖公章后重新提交。"
                 for i in range(1, 40))
    d = replace(sample(NoticeKind.REJECTION), reasons=many)
    pages = PdfReader(io.BytesIO(P.render_pdf(render_document(d)))).pages
    texts = [p.extract_text().replace(" ", "") for p in pages]
    assert len(pages) >= 4
    first_copy = [t for t in texts if "窗口联" in t]
    second_copy = [t for t in texts if "申请人联" in t]
    assert len(first_copy) + len(second_copy) == len(pages)  # every page says which copy it is
    total = len(first_copy)
    for n, t in enumerate(first_copy, 1):
        assert f"第{n}页共{total}页" in t
    assert any("(续)" in t or "（续）" in t for t in first_copy[1:])


def test_no_page_holds_only_the_date_and_signature() -> None:
    """The signature block is kept with the progress/complaint lines: whatever the length of the
    notice, a page that has the date also has the lines above it."""
    from pypdf import PdfReader

    for n in range(8, 30, 3):
        reasons = tuple(f"理由{i}：材料不符合要求，需要重新提交。" for i in range(n))
        d = replace(sample(NoticeKind.REJECTION), reasons=reasons)
        for page in PdfReader(io.BytesIO(P.render_pdf(render_document(d)))).pages:
            text = page.extract_text().replace(" ", "")
            if "经办人" in text or "（盖章）" in text:
                assert "投诉监督" in text and "进度查询" in text and "经办人" in text, n
                assert "（盖章）" in text, n
