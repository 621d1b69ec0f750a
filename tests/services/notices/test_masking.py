"""No full ID number or mobile number in any output of any kind (text, ESC/POS, PDF, archive name)."""

from __future__ import annotations

import io
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notice_samples import ALL, sample

from deskclient.domain.identity import PROVINCE_CODES, id_check_char
from deskclient.domain.notices import NoticeKind, NoticeMaterial, Person
from deskclient.services.notices.escpos import escpos_bytes
from deskclient.services.notices.pdf import render_pdf
from deskclient.services.notices.render import render_document
from deskclient.services.notices.text import render_text


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    body = (draw(st.sampled_from(sorted(PROVINCE_CODES))) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
            + draw(st.dates().map(lambda d: f"{max(d.year, 1900):04d}{d.month:02d}{d.day:02d}"))
            + draw(st.from_regex(r"[0-9]{3}", fullmatch=True)))
    return body + id_check_char(body)


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def _stuffed(kind: NoticeKind, id_no: str, phone: str):
    """A notice with the numbers everywhere a clerk or visitor could type them."""
    free = f"身份证{id_no},电话{phone}"
    return replace(
        sample(kind), applicant=Person("张三", id_no, phone), agent=Person("李四", id_no, phone, free),
        note=free, reasons=(free,), remedies=(), basis=(free,), procedure=(free,), extra_lines=(free,),
        delivery_detail=free, progress_check=free, complaint=free, result=free, pause_reason=free,
        extension_reason=free, missing=(NoticeMaterial(free, problem=free), *sample(kind).missing),
        materials=(NoticeMaterial(free, problem=free), *sample(kind).materials),
    )


def _assert_clean(blob: str, id_no: str, phone: str) -> None:
    assert id_no not in blob and id_no.lower() not in blob
    assert phone not in blob


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(id_numbers(), mobiles, st.sampled_from(list(NoticeKind)))
def test_text_and_escpos_never_show_a_full_number(id_no: str, phone: str, kind: NoticeKind) -> None:
    doc = render_document(_stuffed(kind, id_no, phone))
    for width in (32, 80):
        _assert_clean(render_text(doc, width), id_no, phone)
    job = escpos_bytes(doc, 32)
    assert id_no.encode("gb18030") not in job and phone.encode() not in job
    _assert_clean("".join(doc.texts()), id_no, phone)


def test_pdf_never_shows_a_full_number() -> None:
    from pypdf import PdfReader

    id_no, phone = "11010519491231002X", "13812345678"
    for d in ALL:
        data = render_pdf(render_document(_stuffed(d.kind, id_no, phone)))
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")
        _assert_clean(text, id_no, phone)
        assert "110105" in text or d.kind in (NoticeKind.HANDOVER, NoticeKind.PAUSE_SIGN)
