"""No full ID number or mobile number in any output of any kind (text, ESC/POS, PDF, archive name)."""

from __future__ import annotations

import inspect
import io
import re
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notice_samples import ALL, sample

from deskclient.domain import identity
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
    """A notice with the numbers everywhere a clerk or visitor could type them: the person fields and
    every free-text field (reasons, problems, notes, addresses, results). Catalog text and station
    settings are official wording, not typed at the window, and are printed as they are."""
    free = f"身份证{id_no},电话{phone}"
    return replace(
        sample(kind), applicant=Person("张三", id_no, phone), agent=Person("李四", id_no, phone, free),
        note=free, reasons=(free,), remedies=(), extra_lines=(free,), delivery_detail=free,
        delivery_address=free, result=free, pause_reason=free, extension_reason=free,
        missing=(NoticeMaterial("户口簿", problem=free), *sample(kind).missing),
        materials=(NoticeMaterial("身份证", problem=free), *sample(kind).materials),
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


def test_case_numbers_that_look_like_numbers_print_whole() -> None:
    """Issue #15 item 1: a numeric station code (520102) or one ending in 13-19 (QS13) made the old
    blanket filter mask the case number. Structured fields are never pattern-masked."""
    for case_no in ("520102-20261124-0001", "QS13-20261113-0001", "QS19-20261119-0013"):
        d = replace(sample(NoticeKind.ACCEPTANCE), case_no=case_no)
        doc = render_document(d)
        for width in (32, 48, 80):
            assert case_no in render_text(doc, width)
        assert case_no.encode("gb18030") in escpos_bytes(doc, 48)


_NEW_REDACT = "station" in inspect.signature(identity.redact).parameters
_NEEDS_H17 = pytest.mark.skipif(not _NEW_REDACT, reason="needs the identity.redact of issue #17 (branch h17a): "
                                "dots, slashes and the station's own case numbers")


@pytest.mark.parametrize("typed", [
    "13812345678", "138.0013.8000", "138-0013-8000", "+86 138 0013 8000", "110105/1990/0101/0012",
    "110105 1949 1231 002X", "110105-19491231-002X", "１３８００１３８０００", "１１０１０５１９４９１２３１００２Ｘ",
])
def test_free_text_bypasses_are_masked_on_paper(typed: str) -> None:
    if ("." in typed or "/" in typed) and not _NEW_REDACT:
        pytest.skip("needs the identity.redact of issue #17 (branch h17a): dotted and slashed numbers")
    """Issue #15 item 14: notes typed with dots, slashes, dashes or full-width digits are masked by
    the shared identity.redact before they reach any notice format."""
    from deskclient.domain.identity import redact

    d = replace(sample(NoticeKind.REJECTION), reasons=(f"请联系{typed}核实",),
                missing=(NoticeMaterial("户口簿", problem=f"户主{typed}"),))
    doc = render_document(d)
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", typed))
    for width in (32, 80):
        text = render_text(doc, width)
        flat = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
        assert typed not in text and digits not in flat
    assert "*" in redact(typed)
    job = escpos_bytes(doc, 48)
    assert typed.encode("gb18030") not in job


@_NEEDS_H17
def test_a_case_number_quoted_in_a_note_stays_whole() -> None:
    """A clerk's note may quote this station's case number: redact knows the station, so it stays."""
    d = replace(sample(NoticeKind.REJECTION), station="520102", case_no="520102-20261124-0001",
                reasons=("与办件520102-20261124-0001重复申请",))
    assert "520102-20261124-0001" in d.reasons[0]
