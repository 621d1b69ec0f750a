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
    assert "SIL OPEN FONT LICENSE" in (font.parent / "OFL.txt").read_text(encoding="utf-8")


def test_rare_character_uses_a_system_font_or_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    rare = "䶮"  # U+4DAE, in a name; not in the GB2312 subset
    d = replace(sample(NoticeKind.ACCEPTANCE), applicant=Person("刘" + rare, "11010519491231002X"))
    doc = render_document(d)
    cmap = P.font_cmap(str(P.shipped_font()))
    assert rare in P.missing_glyphs(doc.texts(), cmap)
    monkeypatch.setattr(P, "find_fallback_font", lambda missing: None)
    with pytest.raises(P.FontProblem) as err:
        P.render_pdf(doc)
    assert rare in err.value.message and "字体" in err.value.message


def test_rare_character_with_a_system_font() -> None:
    rare = "䶮"
    if P.find_fallback_font({rare}) is None:
        pytest.skip("no system CJK font with U+4DAE on this machine (apt-get install fonts-noto-cjk)")
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
