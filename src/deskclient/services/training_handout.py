"""Handouts for a training class: a scenario's steps with what to say (请说) and what never to say
(忌语), and the whole phrasebook — A4 PDF with the project's CJK font, so a trainer can print them
on any printer the training room has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from deskclient.domain.scenarios import Phrasebook, Scenario
from deskclient.strings import training as T

if TYPE_CHECKING:
    from fpdf import FPDF

_MARGIN = 18
_WIDTH = 210 - 2 * _MARGIN


def _pdf() -> FPDF:
    from fpdf import FPDF

    from deskclient.services.notices.pdf import shipped_font

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN)
    pdf.add_font("cjk", "", str(shipped_font()))
    pdf.set_title(T.HANDOUT_TITLE)
    pdf.set_creator("deskclient")
    return pdf


def _write(pdf: FPDF, text: str, size: float, *, gap: float = 1.5) -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(_WIDTH, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _scenario_pages(pdf: FPDF, scenario: Scenario) -> None:
    pdf.add_page()
    _write(pdf, T.HANDOUT_SCENARIO_HEAD.format(title=scenario.title), 16, gap=3)
    _write(pdf, T.HANDOUT_GOAL.format(goal=scenario.goal), 11, gap=4)
    for n, step in enumerate(scenario.steps, start=1):
        _write(pdf, T.HANDOUT_STEP.format(n=n, title=step.title), 13)
        _write(pdf, step.do, 11)
        if step.say:
            _write(pdf, T.HANDOUT_SAY.format(say=step.say), 11)
        for bad in step.avoid:
            _write(pdf, T.HANDOUT_AVOID.format(avoid=bad), 11)
        pdf.ln(2)


def _phrasebook_pages(pdf: FPDF, book: Phrasebook) -> None:
    pdf.add_page()
    _write(pdf, T.HANDOUT_PHRASEBOOK_HEAD, 16, gap=3)
    _write(pdf, T.HANDOUT_COURTESY.format(words="、".join(book.courtesy)), 12, gap=3)
    _write(pdf, T.HANDOUT_PRESCRIBED, 13)
    for p in book.prescribed:
        _write(pdf, "· " + p, 11)
    pdf.ln(2)
    _write(pdf, T.HANDOUT_FORBIDDEN, 13)
    for p in book.forbidden:
        _write(pdf, "× " + p, 11)


def handout_pdf(scenarios: Sequence[Scenario], book: Phrasebook | None) -> bytes:
    """One PDF: each scenario's steps, then (if given) the phrasebook."""
    pdf = _pdf()
    for s in scenarios:
        _scenario_pages(pdf, s)
    if book is not None:
        _phrasebook_pages(pdf, book)
    return bytes(pdf.output())
