"""One realistic NoticeData per kind: the golden files, the PDF/ESC-POS tests and the docs use these."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from deskclient.domain.notices import HandoverLine, NoticeData, NoticeKind, NoticeMaterial, Person

if TYPE_CHECKING:
    from deskclient.store.ledger import Ledger

FULL_ID = "11010519491231002X"  # a valid-format sample number: must never appear on paper
FULL_PHONE = "13812345678"
AGENT_ID = "520102198506150018"

ISSUED = datetime(2026, 11, 24, 9, 30)

BASE = NoticeData(
    kind=NoticeKind.ACCEPTANCE,
    issued_at=ISSUED,
    centre="青山镇便民服务中心",
    station="青山镇",
    window="3号窗口(民政)",
    case_no="QS01-20261124-0007",
    applicant=Person("张晓梅", FULL_ID, FULL_PHONE),
    agent=Person("李建国", AGENT_ID, "", "村级代办员"),
    item_name="城乡居民最低生活保障申请",
    item_code="MZ-0012",
    case_class="承诺件",
    clerk="王芳",
    acceptance_date=date(2026, 11, 24),
    promised_date=date(2026, 12, 8),
    time_limit="10个工作日",
    doc_no="青山镇便民服务中心〔2026〕受字第12号",
    county_centre="某某县政务服务中心",
    application_date=date(2026, 11, 24),
    received_date=date(2026, 11, 24),
    progress_phone="0851-86001234",
    progress_url="https://zwfw.example.gov.cn/progress",
    progress_check="或在大厅查询屏输入办件编号",
    complaint_phone="0851-86009999",
    complaint="或投入大厅意见箱",
    reconsideration_body="某某县人民政府",
    court="某某县人民法院",
    department="县民政局",
    delivery="window",
    materials=(
        NoticeMaterial("最低生活保障申请书", "original", 1, True, "received"),
        NoticeMaterial("户口簿", "original_and_copy", 1, True, "received", notes="户主页及申请人本人页"),
        NoticeMaterial("家庭收入情况说明", "original", 1, False, "received"),
    ),
)

MISSING = (
    NoticeMaterial("居民身份证", "copy", 2, True, "missing", "复印件不清晰,请正反面复印在同一页"),
    NoticeMaterial("家庭财产申报表", "original", 1, True, "missing", "未签字,需全体家庭成员签字按手印"),
    NoticeMaterial("残疾人证", "copy", 1, False, "missing", ""),
)


def sample(kind: NoticeKind) -> NoticeData:
    """A complete notice of ``kind`` with a long item name, an agent and masked numbers."""
    from deskclient.strings.notices import DOC_NO_KIND_CHARS

    k = NoticeKind(kind)
    d = replace(BASE, kind=k, doc_no=f"青山镇便民服务中心〔2026〕{DOC_NO_KIND_CHARS[k.value]}字第12号")
    if k is NoticeKind.ACCEPTANCE:
        return replace(d, case_class="即办件", promised_date=None, time_limit="当场办结")
    if k is NoticeKind.PROMISE:
        return replace(d, promised_provisional=True, promised_date=date(2027, 1, 8))
    if k is NoticeKind.JOINT:
        return replace(d, case_class="联办件", departments=("县民政局", "县住房和城乡建设局", "镇人民政府"))
    if k is NoticeKind.SUPPLEMENT:
        return replace(d, missing=MISSING, materials=d.materials[:2])
    if k is NoticeKind.REJECTION:
        return replace(d, refused=True, legal_article="《中华人民共和国行政许可法》第三十二条、第三十八条第二款", reasons=(
            "申请人家庭人均收入高于本县当年最低生活保障标准(每人每月 780 元)。",
            "缺少主件:家庭成员收入证明。",
        ))
    if k is NoticeKind.CHECKLIST:
        return replace(
            d, case_no="QS01-20261124-0008", agent=None,
            materials=(*d.materials, *MISSING),
            basis=("《社会救助暂行办法》(国务院令第649号)第九条至第十三条", "《最低生活保障审核确认办法》"),
            procedure=("申请人向户籍所在地乡镇提出申请", "乡镇入户调查、民主评议并公示 7 天",
                       "县民政局审核确认", "发放低保金"),
            fee="不收费", fee_basis="《社会救助暂行办法》第五十九条",
            conditions="共同生活的家庭成员人均收入低于当地最低生活保障标准,且家庭财产状况符合当地规定。",
        )
    if k is NoticeKind.COMPLETION:
        return replace(d, result="准予享受最低生活保障,每月 780 元", delivery="post",
                       completed_at=datetime(2026, 12, 4, 15, 20), delivery_address="某某县青山镇青山村二组 18 号",
                       delivery_detail="EMS 1012345678900")
    if k is NoticeKind.HANDOVER:
        return replace(
            d, applicant=None, agent=None, case_no="", handover_from="王芳(A岗)", handover_to="刘强(B岗)",
            handover_cases=(
                HandoverLine("QS01-20261120-0003", "城乡居民最低生活保障申请", "办理中", date(2026, 12, 4),
                             "等待县民政局审核"),
                HandoverLine("QS01-20261123-0011", "临时救助申请", "待补正", None, "已告知补正户口簿"),
            ),
            extra_lines=("印章、票据、钥匙已当面点清。",),
        )
    if k is NoticeKind.EXTENSION:
        return replace(d, original_date=date(2026, 12, 8), promised_date=date(2026, 12, 15), extension_days=5,
                       extension_reason="需入户核查家庭财产情况")
    if k is NoticeKind.PAUSE_SIGN:
        return replace(d, applicant=None, agent=None, case_no="", pause_reason="参加业务培训",
                       expected_back=datetime(2026, 11, 24, 10, 30), redirect_window="5号窗口(综合)")
    if k is NoticeKind.CLOCK_PAUSE:
        return replace(d, case_class="承诺件", pause_reason="鉴定", pause_step="指定机构残疾评定",
                       pause_basis="《行政许可法》第四十五条", pause_days=15, pause_start=date(2026, 11, 26))
    if k is NoticeKind.URGENT:
        return replace(d, applicant=None, agent=None, reasons=("申请人住院治疗,急需办理医疗救助",),
                       promised_date=date(2027, 1, 4), promised_provisional=True)
    if k is NoticeKind.FOLLOW_UP:
        return replace(d, missing=(MISSING[2],), follow_up_by=date(2026, 12, 1))
    raise AssertionError(k)


ALL = tuple(sample(k) for k in NoticeKind)


def seeded_ledger(path: Path, now: datetime) -> Ledger:
    """A ledger with a station, window 3, clerk c1 and promised case k1 (one material missing)."""
    from deskclient.domain.clock import FixedClock
    from deskclient.store.db import open_ledger
    from deskclient.store.ledger import Ledger
    from deskclient.store.models import Case, CaseMaterial, Clerk, Station, Window

    ledger = Ledger(open_ledger(path), "QS01", FixedClock(now))
    with ledger.write(None) as tx:
        s = tx.session
        s.add(Station(code="QS01", name="青山镇便民服务中心", centre="某某县政务服务中心", county="某某县",
                      created_at=now))
        s.add(Window(number="3", name="民政"))
        s.flush()
        s.add(Clerk(id="c1", login="wangfang", name="王芳", window="3", post="A", pin_hash="x", created_at=now))
        s.flush()
        s.add(Case(
            id="k1", case_no="QS01-20261124-0007", window="3", item_code="MZ-0012",
            item_name="城乡居民最低生活保障申请", item_class="promised", case_class="promised",
            status="accepted", applicant_name="张晓梅", applicant_id_no=FULL_ID,
            applicant_id_masked="110105********002X", applicant_phone=FULL_PHONE, applicant_phone_masked="138****5678",
            first_asked_clerk_id="c1", owner_clerk_id="c1", created_at=now, received_at=now, accepted_at=now,
            acceptance_date=date(2026, 11, 24), due_date=date(2026, 12, 8), delivery="window", updated_at=now,
        ))
        s.flush()
        s.add(CaseMaterial(case_id="k1", position=1, name="申请书", state="received"))
        s.add(CaseMaterial(case_id="k1", position=2, name="户口簿", form="original_and_copy", state="missing",
                           problem="缺户主页"))
    return ledger
