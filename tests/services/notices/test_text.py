"""Plain text at 32 / 48 / 80 columns: golden files for every kind, CJK widths, wrapping rules.

Regenerate the golden files after an intended wording or layout change with
``DESKCLIENT_UPDATE_GOLDEN=1 pytest tests/services/notices`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from notice_samples import ALL, sample
from rich.cells import cell_len

from deskclient.domain.errors import ValidationError
from deskclient.domain.notices import NoticeKind
from deskclient.services.notices.render import render_document
from deskclient.services.notices.text import cells, preview_text, render_text, to_gb18030, wrap

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DESKCLIENT_UPDATE_GOLDEN") == "1"
WIDTHS = (32, 48, 80)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(NoticeKind), ids=str)
def test_golden(kind: NoticeKind, width: int) -> None:
    text = render_text(render_document(sample(kind)), width)
    path = GOLDEN / f"{kind.value}-{width}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path.name}: run with DESKCLIENT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
    for line in text.splitlines():
        assert cell_len(line) <= width, line
        assert cells(line) <= width, line
    sample_data = sample(kind)
    if sample_data.case_no:  # never split across lines
        assert sample_data.case_no in text
    if sample_data.applicant:
        assert sample_data.applicant.id_masked in text


def test_preview_is_exactly_the_printed_text() -> None:
    d = sample(NoticeKind.PROMISE)
    assert preview_text(d, 32) == render_text(render_document(d), 32)


def test_every_copy_is_labelled() -> None:
    text = preview_text(sample(NoticeKind.PROMISE), 48)
    for label in ("窗口联", "审批部门联", "申请人联"):
        assert text.count(label) == 1
    assert preview_text(sample(NoticeKind.JOINT), 48).count("第二联") == 1
    assert preview_text(sample(NoticeKind.REJECTION), 48).count("联") >= 2


def test_wrap_keeps_numbers_whole_and_punctuation_off_line_starts() -> None:
    lines = wrap("办件编号QS01-20261124-0007已受理，请于2026-12-08前领取。谢谢！", 20)
    joined = "".join(lines)
    assert "QS01-20261124-0007" in lines[0] or any("QS01-20261124-0007" in ln for ln in lines)
    assert joined.replace(" ", "") == "办件编号QS01-20261124-0007已受理，请于2026-12-08前领取。谢谢！"
    for line in lines:
        assert cells(line) <= 20
        assert not line.startswith(("，", "。", "！"))


@given(st.text(alphabet=st.sampled_from(list("办件编号受理，。（）0123456789-AB *")), max_size=200),
       st.integers(min_value=20, max_value=90))
def test_wrap_never_exceeds_width_nor_loses_text(text: str, width: int) -> None:
    lines = wrap(text, width)
    for line in lines:
        assert cells(line) <= width
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_gb18030_round_trip() -> None:
    text = preview_text(sample(NoticeKind.SUPPLEMENT), 32)
    assert to_gb18030(text).decode("gb18030") == text
    with pytest.raises(ValidationError):
        to_gb18030("坏\udc80")


def test_width_too_small_is_a_clear_message() -> None:
    with pytest.raises(ValidationError) as err:
        preview_text(sample(NoticeKind.ACCEPTANCE), 10)
    assert "列" in err.value.message


def test_all_samples_render() -> None:
    assert len(ALL) == len(NoticeKind)
