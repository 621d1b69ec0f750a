"""ESC/POS byte stream: init, Chinese (GB18030) mode, the text, a cut at the end."""

from __future__ import annotations

import pytest
from notice_samples import sample

from deskclient.domain.notices import NoticeKind
from deskclient.services.notices.escpos import CHINESE_ON, INIT, escpos_bytes, write_document
from deskclient.services.notices.render import render_document
from deskclient.services.notices.text import layout


@pytest.mark.parametrize("width", [32, 48])
def test_byte_stream(width: int) -> None:
    job = escpos_bytes(render_document(sample(NoticeKind.ACCEPTANCE)), width)
    assert job.startswith(INIT + CHINESE_ON)  # ESC @, FS &
    assert "受理通知书".encode("gb18030") in job
    assert "青山镇便民服务中心".encode("gb18030") in job
    assert "110105********002X".encode("gb18030") in job
    assert job.rstrip(b"\x00\x01")[-3:-1] == b"\x1dV" or job.endswith(b"\x1dV\x00")  # GS V: cut
    assert "受理通知书".encode() not in job  # not UTF-8


def test_every_printed_line_is_the_text_layout() -> None:
    doc = render_document(sample(NoticeKind.SUPPLEMENT))
    job = escpos_bytes(doc, 32)
    for line in layout(doc, 32):
        if line.text and line.style != "cut":
            assert line.text.encode("gb18030") in job


def test_copies_are_cut_apart() -> None:
    job = escpos_bytes(render_document(sample(NoticeKind.PROMISE)), 48)
    assert job.count(b"\x1dV") == 3  # two partial cuts between three copies, one at the end


def test_to_a_file_printer(tmp_path) -> None:
    from escpos.printer import File

    path = tmp_path / "job.bin"
    printer = File(devfile=str(path))
    printer.open()
    write_document(printer, render_document(sample(NoticeKind.ACCEPTANCE)), 32)
    printer.close()
    assert path.read_bytes().startswith(INIT + CHINESE_ON)
