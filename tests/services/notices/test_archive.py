"""Archive files: named by case number and kind, reprints marked, never overwritten."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from notice_samples import sample

from deskclient.domain.notices import NoticeKind
from deskclient.services.notices.archive import archive_name, archive_notice


def test_names(tmp_path: Path) -> None:
    d = sample(NoticeKind.ACCEPTANCE)
    assert archive_name(d, "pdf") == "QS01-20261124-0007-acceptance.pdf"
    r = replace(d, reprint_at=datetime(2026, 11, 25, 10, 15, 3))
    assert archive_name(r, "txt") == "QS01-20261124-0007-acceptance-补打-20261125T101503.txt"
    h = sample(NoticeKind.HANDOVER)
    assert archive_name(h, "pdf").endswith("-handover.pdf") and "/" not in archive_name(h, "pdf")


def test_written_under_the_year_and_never_overwritten(tmp_path: Path) -> None:
    d = sample(NoticeKind.SUPPLEMENT)
    first = archive_notice(tmp_path, d, b"one")
    second = archive_notice(tmp_path, d, b"two")
    assert first == tmp_path / "2026" / "QS01-20261124-0007-supplement.pdf"
    assert second.name == "QS01-20261124-0007-supplement-2.pdf"
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert not list(tmp_path.rglob("*.tmp"))
