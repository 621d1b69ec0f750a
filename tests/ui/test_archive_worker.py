"""The desk renders archive PDFs in its own worker (issue #15): a notice issued but left without its
archive (the PC died before the worker ran) is rendered when the desk starts again; asserted on the
notice row, its ``notice.archived`` event and the file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ui.conftest import FIXED_NOW, SIZE, Ledger, new_app, settle

from deskclient.domain.clock import FixedClock
from deskclient.domain.notices import NoticeKind
from deskclient.services.cases import Intake, PersonInput
from deskclient.services.context import open_context
from deskclient.settings import Paths


async def test_the_desk_renders_a_pending_archive_at_start(station: Paths, ledger: Ledger) -> None:
    ctx = open_context(station, clock=FixedClock(FIXED_NOW))
    try:
        item = ctx.catalog.get("MZ-005")
        clerk = next(c for c in ctx.people.clerks() if c.login == "wangfang")
        case = ctx.cases.register(Intake(window=item.window, item=item, enquiry=True,
                                         applicant=PersonInput("张三", "11010519491231002X", "13800138000")),
                                  clerk.id)
        ctx.archive_worker = lambda: None  # a desk whose worker never ran: the PC died after the commit
        issued = ctx.notices.issue(case.id, NoticeKind.CHECKLIST, clerk.id)
    finally:
        ctx.close()
    row = ledger.rows("SELECT * FROM notice WHERE id = ?", issued.notice_id)[0]
    assert "_archive" in json.loads(row["detail"]) and not Path(row["archive_path"]).exists()

    app = new_app(station)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, rounds=6)  # sign-in screen; the archive worker has run meanwhile

    row = ledger.rows("SELECT * FROM notice WHERE id = ?", issued.notice_id)[0]
    assert "_archive" not in json.loads(row["detail"])
    assert Path(row["archive_path"]).read_bytes().startswith(b"%PDF")
    assert ledger.events(case.id)[-1] == "notice.archived"
