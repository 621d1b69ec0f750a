"""Stations and cases made the way a station makes them: the first-run service, the shipped
catalog, the case service, the clocks service. Every notice kind gets a real case here."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from deskclient.domain.cases import CaseClass, Completion, CompletionResult, Delivery, MaterialState, Outcome
from deskclient.domain.clock import FixedClock
from deskclient.domain.clock_types import PauseReason
from deskclient.domain.notices import NoticeKind
from deskclient.services.cases import CheckInput, Intake, PersonInput
from deskclient.services.context import DeskContext, open_context
from deskclient.services.demo import make_id_number, make_name
from deskclient.services.people import ROLE_HEAD, ClerkInput, WindowInput
from deskclient.settings import Mode, Paths, Settings, StationSettings

NOW = datetime(2026, 11, 24, 9, 30)

STATION_SETTINGS = StationSettings(
    progress_phone="0851-86001234", progress_url="https://zwfw.example.gov.cn/progress",
    complaint_phone="0851-86009999", reconsideration_body="某某县人民政府", court="某某县人民法院",
)
STATION_NAME = "青山镇便民服务中心"
COUNTY_CENTRE = "某某县政务服务中心"
PIN = "2468"


@dataclass
class Station:
    ctx: DeskContext
    clerk_id: str
    head_id: str

    @property
    def code(self) -> str:
        return self.ctx.station_code


def make_station(root: Path, code: str) -> Station:
    """A station set up through the first-run service (PeopleService.setup_station)."""
    paths = Paths.resolve(root / code, Mode.STATION)
    ctx = open_context(paths, settings=Settings(station=STATION_SETTINGS), clock=FixedClock(NOW))
    windows = [WindowInput(str(n), name, dept) for n, name, dept in (
        (1, "民政残联窗口", "民政办"), (2, "社保医保窗口", "社保所"), (3, "卫生健康窗口", "卫健办"),
        (4, "退役军人服务窗口", "退役军人服务站"), (5, "农业农村窗口", "农业农村办"), (6, "司法调解窗口", "司法所"),
        (7, "户籍窗口", "派出所"))]
    ctx.people.setup_station(
        code=code, name=STATION_NAME, centre=COUNTY_CENTRE, county="某某县", windows=windows,
        clerks=[ClerkInput("wangfang", "王芳", PIN, window="1", post="A"),
                ClerkInput("lizhuren", "李主任", PIN, role=ROLE_HEAD)])
    ctx.refresh_station()
    clerks = {c.login: c.id for c in ctx.people.clerks()}
    return Station(ctx, clerks["wangfang"], clerks["lizhuren"])


def _item(ctx: DeskContext, item_class: CaseClass) -> Any:
    return next(it for it in ctx.catalog if it.item_class is item_class and len(it.materials) >= 3)


def _register(st: Station, item: Any, seed: int, *, enquiry: bool = False) -> str:
    rng = random.Random(seed)
    case = st.ctx.cases.register(Intake(window=item.window, item=item, enquiry=enquiry,
                                        applicant=PersonInput(make_name(rng), make_id_number(rng),
                                                              "13812345678")), st.clerk_id)
    return case.id


def _checks(st: Station, case_id: str, missing: int = 0, na: int = 0) -> list[CheckInput]:
    """Mark the first ``missing`` non-main lines missing (or main ones if none), the next ``na`` 不适用."""
    lines = st.ctx.cases.materials(case_id)
    out = []
    for n, m in enumerate(lines):
        if n < missing:
            out.append(CheckInput(m.position, MaterialState.MISSING, "复印件不清晰，请重新复印"))
        elif n < missing + na:
            out.append(CheckInput(m.position, MaterialState.NOT_APPLICABLE))
        else:
            out.append(CheckInput(m.position, MaterialState.RECEIVED))
    return out


def case_for(st: Station, kind: NoticeKind, seed: int = 1) -> tuple[str, Any, dict[str, Any]]:
    """(case id, catalog item, what the clerk confirms at issue) for a notice of ``kind``."""
    ctx, cases = st.ctx, st.ctx.cases
    if kind is NoticeKind.CHECKLIST:
        item = _item(ctx, CaseClass.PROMISED)
        case_id = _register(st, item, seed, enquiry=True)
        cases.confirm_outcome(case_id, st.clerk_id, [], Outcome.ENQUIRY)
        return case_id, item, {}
    if kind is NoticeKind.JOINT:
        item = _item(ctx, CaseClass.JOINT)
    elif kind is NoticeKind.ACCEPTANCE:
        item = _item(ctx, CaseClass.IMMEDIATE)
    else:
        item = _item(ctx, CaseClass.PROMISED)
    case_id = _register(st, item, seed)
    if kind is NoticeKind.SUPPLEMENT:
        cases.confirm_outcome(case_id, st.clerk_id, _checks(st, case_id, missing=1, na=1), Outcome.SUPPLEMENT)
        return case_id, item, {}
    if kind is NoticeKind.REJECTION:
        cases.confirm_outcome(case_id, st.clerk_id, _checks(st, case_id), Outcome.REJECT,
                              reasons=["申请事项依法不属于本中心受理范围，请向县自然资源局申请。"])
        return case_id, item, {}
    if kind is NoticeKind.FOLLOW_UP:  # 容缺受理 (seed 003): main materials in, a general one to follow
        lines = st.ctx.cases.materials(case_id)
        general = next(m for m in lines if not m.is_main)
        cases.confirm_outcome(case_id, st.clerk_id, [
            CheckInput(m.position, MaterialState.MISSING if m.position == general.position
                       else MaterialState.RECEIVED) for m in lines], Outcome.ACCEPT)
        return case_id, item, {}
    cases.confirm_outcome(case_id, st.clerk_id, _checks(st, case_id, na=1), Outcome.ACCEPT)
    if kind is NoticeKind.EXTENSION:
        from deskclient.services.case_clock import extend_case

        extend_case(ctx.ledger, case_id, st.clerk_id, head_id=st.head_id, days=5, reason="需入户核查家庭财产情况",
                    calendar=ctx.calendar, settings=ctx.settings, applicant_told=True, item=item)
    if kind is NoticeKind.COMPLETION:
        cases.complete(case_id, st.clerk_id, Completion(CompletionResult.APPROVED, Delivery.POST,
                                                        address="某某县青山镇青山村二组18号"))
        return case_id, item, {"result": "准予享受最低生活保障，每月780元",
                               "delivery_address": "某某县青山镇青山村二组18号"}
    if kind is NoticeKind.CLOCK_PAUSE:  # 特别程序告知书 (art. 45): an expert review, ten days
        ctx.case_clock.pause(case_id, st.clerk_id, PauseReason.EXPERT_REVIEW, note="组织专家评审", item=item,
                             notice_days=10)
    if kind is NoticeKind.URGENT:  # 急办件通知单: the head recognises the case as urgent
        ctx.head_desk.approve_urgent(case_id, st.head_id, "申请人住院,急需办理")
    if kind is NoticeKind.JOINT:
        from deskclient.services.notices.issue import joint_departments

        return case_id, item, {"departments": joint_departments(item)}
    return case_id, item, {}


CASE_KINDS = tuple(k for k in NoticeKind if k.is_about_a_case)
