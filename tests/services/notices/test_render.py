"""Templates: a centre's own wording, broken templates falling back, marks that cannot be dropped."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from notice_samples import sample

from deskclient.domain.errors import RuleViolation
from deskclient.domain.notices import NoticeKind, Person
from deskclient.services.notices import blocks as B
from deskclient.services.notices.render import builtin_template_dir, cjk_punctuation, render_document
from deskclient.services.notices.text import preview_text


def _override(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "templates" / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_every_kind_has_a_builtin_template() -> None:
    for kind in NoticeKind:
        assert (builtin_template_dir() / f"{kind.value}.j2").is_file()


def test_a_centre_can_change_the_wording(tmp_path: Path) -> None:
    src = (builtin_template_dir() / "acceptance.j2").read_text(encoding="utf-8")
    data_dir = _override(tmp_path, "acceptance.j2", src.replace("本中心决定予以受理", "本站决定予以受理"))
    doc = render_document(sample(NoticeKind.ACCEPTANCE), data_dir=data_dir)
    assert doc.template_source == "override" and not doc.warnings
    assert "本站决定予以受理" in preview_text(sample(NoticeKind.ACCEPTANCE), 80, data_dir=data_dir)
    # other kinds still use the built-in wording
    assert render_document(sample(NoticeKind.PROMISE), data_dir=data_dir).template_source == "builtin"


@pytest.mark.parametrize(("text", "expect"), [
    ('{{ title("受理通知书") }\n', "语法错误"),  # syntax error
    ('{{ title(no_such_field) }}\n', "no_such_field"),  # undefined variable (StrictUndefined)
    ('{{ title("受理通知书") }}\n这行字没有写进函数\n', "para"),  # stray text would be lost
    ('{{ title.__globals__ }}\n', ""),  # sandbox: no escaping into Python
])
def test_a_broken_template_falls_back_to_the_builtin_with_a_message(tmp_path: Path, text: str,
                                                                    expect: str) -> None:
    data_dir = _override(tmp_path, "acceptance.j2", text)
    doc = render_document(sample(NoticeKind.ACCEPTANCE), data_dir=data_dir)
    assert doc.template_source == "builtin"
    assert len(doc.warnings) == 1
    assert "acceptance.j2" in doc.warnings[0] and "内置模板" in doc.warnings[0]
    assert expect in doc.warnings[0]
    assert any(isinstance(b, B.Title) and b.text == "受理通知书" for b in doc.copies[0].blocks)


def test_visitor_text_is_data_not_template_code() -> None:
    d = replace(sample(NoticeKind.ACCEPTANCE), applicant=Person("{{ 7*7 }}{% raw %}"),
                item_name="{{ centre }} {# x #}")
    text = preview_text(d, 80)
    assert "{{ 7*7 }}{% raw %}" in text and "49" not in text
    assert "{{ centre }} {# x #}" in text


def test_training_mark_on_every_copy_even_if_a_template_forgets_it(tmp_path: Path) -> None:
    d = replace(sample(NoticeKind.PROMISE), training=True)
    text = preview_text(d, 48)
    assert text.count("培训样张") == 3 and "不作为正式凭证" in text
    data_dir = _override(tmp_path, "acceptance.j2", '{{ title("受理通知书") }}\n')
    doc = render_document(replace(sample(NoticeKind.ACCEPTANCE), training=True), data_dir=data_dir)
    marks = [b for b in doc.copies[0].blocks if isinstance(b, B.Mark)]
    assert marks and marks[0].role == "training" and "培训样张" in marks[0].text


def test_reprint_mark_with_its_time() -> None:
    d = replace(sample(NoticeKind.SUPPLEMENT), reprint_at=datetime(2026, 11, 25, 10, 15))
    text = preview_text(d, 32)
    assert "补打" in text and "2026年11月25日 10:15" in text
    assert "补打" not in preview_text(sample(NoticeKind.SUPPLEMENT), 32)


def test_provisional_promised_date_is_marked() -> None:
    text = preview_text(sample(NoticeKind.PROMISE), 48)
    assert "暂定" in text
    assert "暂定" not in preview_text(replace(sample(NoticeKind.PROMISE), promised_provisional=False), 48)


def test_incomplete_notice_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(RuleViolation) as err:
        render_document(replace(sample(NoticeKind.REJECTION), reasons=()))
    assert "不予受理的理由" in err.value.message


def test_rejection_lists_the_remedies_and_their_limits() -> None:
    text = preview_text(sample(NoticeKind.REJECTION), 80)
    for needle in ("复核", "3个工作日", "行政复议", "六十日", "行政诉讼", "六个月"):
        assert needle in text


def test_cjk_punctuation() -> None:
    assert cjk_punctuation("经办人:王芳") == "经办人\uff1a王芳"
    assert cjk_punctuation("09:30, ZX01-1 (A)") == "09:30, ZX01-1 (A)"
    assert cjk_punctuation("3号窗口(民政)") == "3号窗口\uff08民政\uff09"
