"""Notice rendering per notice kind: blocks (template), plain text, ESC/POS bytes, PDF.

Reported only (no target): how long the clerk waits between "print" and the job leaving. The PDF
path is the slow one (font subsetting), so it is imported lazily and timed separately.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime

from bench.common import Row, median

ISSUED = datetime(2026, 11, 24, 9, 30)


def sample_notices() -> list[object]:
    """One filled-in NoticeData per kind (every field a kind may require is present)."""
    from deskclient.domain.notices import HandoverLine, NoticeData, NoticeKind, NoticeMaterial, Person

    mats = (NoticeMaterial("最低生活保障申请书", "original", 1, True, "received"),
            NoticeMaterial("户口簿", "original_and_copy", 1, True, "received"),
            NoticeMaterial("家庭收入情况说明", "original", 1, False, "received"))
    missing = (NoticeMaterial("家庭收入情况说明", "original", 1, False, "missing", "未提供近三个月收入证明"),)
    base = NoticeData(
        kind=NoticeKind.ACCEPTANCE, issued_at=ISSUED, centre="青山镇便民服务中心", station="QS01",
        window="3号窗口(民政)", case_no="QS01-20261124-0007",
        applicant=Person("张晓梅", "110105********002X", "138****5678"), item_name="城乡居民最低生活保障申请",
        item_code="MZ-0012", case_class="承诺件", clerk="王芳", acceptance_date=date(2026, 11, 24),
        promised_date=date(2026, 12, 8), time_limit="10个工作日", fee="不收费", fee_basis="无",
        department="县民政局", departments=("县民政局", "镇财政所"), delivery="window",
        materials=mats, missing=missing, reasons=("申请事项不属于本中心受理范围",),
        basis=("《社会救助暂行办法》",), procedure=("受理", "审核", "审批", "办结"),
        progress_phone="0851-86001234", progress_url="https://zwfw.example.gov.cn/progress",
        complaint_phone="0851-86009999", reconsideration_body="某某县人民政府", court="某某县人民法院",
        legal_article="《中华人民共和国行政许可法》第三十二条", received_date=date(2026, 11, 24),
        completed_at=datetime(2026, 12, 4, 15, 0), doc_no="青山镇便民服务中心〔2026〕受字第1号",
        handover_from="王芳", handover_to="李强",
        handover_cases=(HandoverLine("QS01-20261124-0007", "城乡居民最低生活保障申请", "已受理",
                                     date(2026, 12, 8)),),
        extension_days=5, extension_reason="需实地核查", original_date=date(2026, 12, 1),
        pause_reason="外出核查", expected_back=datetime(2026, 11, 24, 11, 0), redirect_window="2号窗口",
        result="准予登记", pause_basis="《中华人民共和国行政许可法》第四十五条", pause_days=10,
        pause_start=date(2026, 11, 26), follow_up_by=date(2026, 12, 1),
    )
    return [replace(base, kind=k) for k in NoticeKind]


def run(quick: bool = False) -> list[Row]:
    from deskclient.services.notices.escpos import escpos_bytes
    from deskclient.services.notices.pdf import render_pdf
    from deskclient.services.notices.render import render_document
    from deskclient.services.notices.text import render_text

    reps = 2 if quick else 7
    rows: list[Row] = []
    notices = sample_notices()  # every kind, quick or not: a kind the sample cannot issue fails here
    t0 = time.perf_counter()
    render_pdf(render_document(notices[0]), created=ISSUED)  # first PDF pays the font load: reported
    first_pdf = (time.perf_counter() - t0) * 1000
    for data in notices:
        kind = data.kind.value  # type: ignore[attr-defined]
        timings: dict[str, list[float]] = {"blocks": [], "text": [], "escpos": [], "pdf": []}
        for _ in range(reps):
            t = time.perf_counter()
            doc = render_document(data)  # type: ignore[arg-type]
            timings["blocks"].append(time.perf_counter() - t)
            t = time.perf_counter()
            render_text(doc, 48)
            timings["text"].append(time.perf_counter() - t)
            t = time.perf_counter()
            escpos_bytes(doc, 32)
            timings["escpos"].append(time.perf_counter() - t)
            t = time.perf_counter()
            render_pdf(doc, created=ISSUED)
            timings["pdf"].append(time.perf_counter() - t)
        ms = {k: round(median(v) * 1000, 2) for k, v in timings.items()}
        rows.append(Row(f"notice {kind}: template / text / ESC-POS / PDF", ms["pdf"], "ms (PDF)",
                        note=f"template {ms['blocks']} ms, text {ms['text']} ms, ESC/POS {ms['escpos']} ms, "
                             f"PDF {ms['pdf']} ms", details=ms))
    rows.append(Row("notice: first PDF of a session (font load)", round(first_pdf, 1), "ms", note="reported only"))
    return rows
