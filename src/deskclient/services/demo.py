"""Sample station and generated cases, for ``--demo``, training, benchmarks and tests.

Generated people are fictitious: names from common characters, ID numbers with a valid check digit
but a random serial, phone numbers in the 1xx-0000-xxxx style. Never used on a station ledger.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import SQLModel, col
from sqlmodel import select as sm_select

from deskclient.domain.cases import CaseClass, CaseStatus, Delivery
from deskclient.domain.events import EventType
from deskclient.domain.identity import mask_id, mask_phone
from deskclient.services.context import DeskContext
from deskclient.services.people import ROLE_CLERK, ROLE_HEAD, ClerkInput, WindowInput, hash_pin
from deskclient.store.bulk import insert_many
from deskclient.store.ledger import Ledger, dump_payload, new_id
from deskclient.store.models import Case, CaseMaterial, Clerk, Counter, Event, Station
from deskclient.strings import demo as T

DEMO_PIN = "1234"
DEMO_HEAD_PIN = "8888"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅志鹏飞俊波辉林琳亮晶海燕雪文斌宇浩凯秀英婷颖慧欣佳子涵雨轩梓春生德福荣珍凤云翠兰淑贵"
MINORITY_NAMES = ("阿卜杜热西提·买买提艾力", "扎西顿珠", "次仁卓玛", "热依拉·艾合买提", "巴特尔", "古丽米拉·吐尔逊")
REGIONS = ("110105", "320582", "330302", "420106", "440305", "510107", "530102", "610113", "360102", "430104")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def make_id_number(rng: random.Random, birth: date | None = None) -> str:
    birth = birth or date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 62))
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


def make_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(0, 10)}0000{rng.randrange(0, 10000):04d}"


def make_name(rng: random.Random) -> str:
    if rng.random() < 0.02:
        return rng.choice(MINORITY_NAMES)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


@dataclass(frozen=True)
class DemoStation:
    code: str = "ZX01"
    name: str = "示例镇便民服务中心"
    centre: str = "示例县政务服务中心"
    county: str = "示例县"


WINDOWS = (
    WindowInput("1", "民政残联窗口", "民政办"),
    WindowInput("2", "社保医保窗口", "社保所"),
    WindowInput("3", "卫生健康窗口", "卫健办"),
    WindowInput("4", "退役军人服务窗口", "退役军人服务站"),
    WindowInput("5", "农业农村窗口", "农业农村办"),
    WindowInput("6", "司法调解窗口", "司法所"),
    WindowInput("7", "户籍窗口", "派出所"),
)
CLERKS = (
    ClerkInput("wangfang", "王芳", DEMO_PIN, ROLE_CLERK, "1", "A"),
    ClerkInput("liqiang", "李强", DEMO_PIN, ROLE_CLERK, "1", "B"),
    ClerkInput("zhangmin", "张敏", DEMO_PIN, ROLE_CLERK, "2", "A"),
    ClerkInput("liujun", "刘军", DEMO_PIN, ROLE_CLERK, "2", "B"),
    ClerkInput("chenjing", "陈静", DEMO_PIN, ROLE_CLERK, "3", "A"),
    ClerkInput("yangtao", "杨涛", DEMO_PIN, ROLE_CLERK, "3", "B"),
    ClerkInput("huangli", "黄丽", DEMO_PIN, ROLE_CLERK, "4", "A"),
    ClerkInput("zhaolei", "赵磊", DEMO_PIN, ROLE_CLERK, "4", "B"),
    ClerkInput("wuhua", "吴华", DEMO_PIN, ROLE_CLERK, "5", "A"),
    ClerkInput("zhoupeng", "周鹏", DEMO_PIN, ROLE_CLERK, "5", "B"),
    ClerkInput("xuyan", "徐燕", DEMO_PIN, ROLE_CLERK, "6", "A"),
    ClerkInput("sunhui", "孙辉", DEMO_PIN, ROLE_CLERK, "6", "B"),
    ClerkInput("maliang", "马亮", DEMO_PIN, ROLE_CLERK, "7", "A"),
    ClerkInput("zhuting", "朱婷", DEMO_PIN, ROLE_CLERK, "7", "B"),
    ClerkInput("zhouzhuren", "周主任", DEMO_HEAD_PIN, ROLE_HEAD, None, None),
)


@cache
def _sample_hash(pin: str) -> str:
    """Sample clerks share a PIN, so one slow hash per process serves them all."""
    return hash_pin(pin)


def ensure_demo_station(ctx: DeskContext, station: DemoStation | None = None) -> bool:
    """Create the sample station, windows and clerks if the ledger is empty. True if created."""
    if ctx.people.is_configured():
        return False
    st = station or DemoStation()
    clerks = [replace(c, pin_hash=_sample_hash(c.pin)) for c in CLERKS]
    ctx.people.setup_station(code=st.code, name=st.name, centre=st.centre, county=st.county,
                             windows=list(WINDOWS), clerks=clerks, is_demo=not ctx.is_training,
                             is_training=ctx.is_training)
    ctx.refresh_station()
    return True


def generate_cases(ctx: DeskContext, n: int, *, seed: int = 20261124, days_back: int = 120,
                   batch: int = 5000) -> float:
    """Bulk-insert ``n`` realistic cases with their events; returns the seconds it took.

    Bypasses the per-case service (too slow for 100,000 cases) but writes the same rows and
    events that the service would, through one durable transaction per batch.
    """
    rng = random.Random(seed)
    started = time.perf_counter()
    items = [it for it in ctx.catalog]
    cal = ctx.calendar
    with ctx.ledger.read() as s:
        clerks = list(s.exec(sm_select(Clerk).where(col(Clerk.role) == ROLE_CLERK)))
        station = s.exec(sm_select(Station)).first()
    if station is None or not clerks:
        raise RuntimeError("demo station not set up")
    by_window: dict[str, list[Clerk]] = {}
    for c in clerks:
        by_window.setdefault(c.window or "", []).append(c)
    now = ctx.clock.now()
    today = now.date()
    done = 0
    bulk = _bulk_ledger(ctx)
    while done < n:
        size = min(batch, n - done)
        with bulk.write(None, durable=False) as tx:
            conn = tx.session.connection()
            seqs = itertools.count(
                int(conn.execute(select(col(Event.seq)).order_by(col(Event.seq).desc()).limit(1)).scalar() or 0) + 1)
            cases: list[dict[str, Any]] = []
            mats: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []

            def ev(case_id: str, clerk_id: str, type_: EventType, at: datetime, payload: dict[str, Any],
                   events: list[dict[str, Any]] = events, seqs: Iterator[int] = seqs) -> None:
                events.append(_event_row(station.code, next(seqs), at, clerk_id, type_, case_id, payload))

            counters: dict[str, int] = {}
            for _ in range(size):
                item = rng.choice(items)
                window = item.window if item.window in by_window else rng.choice(list(by_window))
                clerk = rng.choice(by_window[window])
                created = now - timedelta(days=rng.random() ** 2 * days_back, minutes=rng.randrange(0, 480))
                created = created.replace(microsecond=0)
                day = created.date()
                key = f"case_no:{day:%Y%m%d}"
                if key not in counters:
                    row = tx.session.get(Counter, key)
                    counters[key] = row.value if row else 0
                counters[key] += 1
                case_id = new_id()
                enquiry = rng.random() < 0.12
                name = make_name(rng)
                id_no = "" if enquiry and rng.random() < 0.7 else make_id_number(rng)
                phone = make_phone(rng)
                item_class = CaseClass(item.item_class)
                roll = rng.random()
                status, cclass = CaseStatus.REGISTERED, item_class
                accepted_at = completed_at = None
                acceptance_date = due = None
                provisional = False
                delivery = ""
                if enquiry:
                    status, cclass, completed_at = CaseStatus.ANSWERED, CaseClass.ENQUIRY, created
                elif roll < 0.08:
                    status, cclass = CaseStatus.AWAITING_SUPPLEMENT, CaseClass.SUPPLEMENT
                elif roll < 0.12:
                    status, cclass = CaseStatus.RETURNED, CaseClass.RETURNED
                else:
                    accepted_at = created + timedelta(minutes=rng.randrange(3, 25))
                    acceptance_date = accepted_at.date()
                    if item_class is CaseClass.IMMEDIATE:
                        due = acceptance_date
                        status, completed_at, delivery = CaseStatus.COMPLETED, accepted_at, Delivery.WINDOW
                    else:
                        d = cal.add_working_days(acceptance_date, item.promised_days)
                        due, provisional = d.date, d.provisional
                        age = (today - acceptance_date).days
                        if rng.random() < min(0.97, age / 25):
                            status = CaseStatus.COMPLETED
                            finish = acceptance_date + timedelta(days=rng.randrange(1, max(2, item.promised_days + 3)))
                            completed_at = min(now, datetime.combine(finish, created.time()))
                            delivery = rng.choice((Delivery.WINDOW, Delivery.POST))
                        else:
                            status = CaseStatus.ACCEPTED
                case_no = f"{station.code}-{day:%Y%m%d}-{counters[key]:04d}"
                cases.append(dict(
                    id=case_id, case_no=case_no, window=window, item_code=item.code, item_name=item.name,
                    item_class=str(item_class), promised_days=item.promised_days, legal_days=item.legal_days,
                    case_class=str(cclass), status=str(status), applicant_name=name, applicant_id_no=id_no,
                    applicant_id_masked=mask_id(id_no) if id_no else "", applicant_phone=phone,
                    applicant_phone_masked=mask_phone(phone), agent_name="", agent_id_no="",
                    agent_id_masked="", agent_phone="", agent_phone_masked="", agent_relation="",
                    has_power_of_attorney=False, note="", first_asked_clerk_id=clerk.id,
                    owner_clerk_id=clerk.id, created_at=created, received_at=None if enquiry else created,
                    accepted_at=accepted_at, acceptance_date=acceptance_date, due_date=due,
                    due_provisional=provisional, completed_at=completed_at, delivery=str(delivery),
                    is_urgent=False, rating_level="", return_reasons=T.SAMPLE_RETURN_REASON
                    if status is CaseStatus.RETURNED else "", updated_at=completed_at or accepted_at or created,
                    returned_at=created if status is CaseStatus.RETURNED else None,  # its case.returned event
                ))
                for pos, m in enumerate(item.materials):
                    state = "received"
                    if status is CaseStatus.AWAITING_SUPPLEMENT and pos == len(item.materials) - 1:
                        state = "missing"
                    mats.append(dict(case_id=case_id, position=pos, name=m.name, form=m.form, copies=m.copies,
                                     is_main=m.main, state="pending" if enquiry else state, problem=""))

                ev(case_id, clerk.id, EventType.CASE_REGISTERED, created, {
                    "case_no": case_no, "window": window, "item_code": item.code, "item_name": item.name,
                    "item_class": str(item_class), "enquiry": enquiry, "applicant_name": name,
                    "applicant_id_masked": mask_id(id_no) if id_no else "", "first_asked_clerk_id": clerk.id})
                if enquiry:
                    ev(case_id, clerk.id, EventType.CASE_ENQUIRY_ANSWERED, created, {})
                elif status is CaseStatus.AWAITING_SUPPLEMENT:
                    ev(case_id, clerk.id, EventType.CASE_SUPPLEMENT_REQUESTED, created, {"missing": [
                        {"name": item.materials[-1].name, "main": item.materials[-1].main, "problem": ""}]})
                elif status is CaseStatus.RETURNED:
                    ev(case_id, clerk.id, EventType.CASE_RETURNED, created, {"reasons": [T.SAMPLE_RETURN_REASON]})
                if accepted_at is not None:
                    ev(case_id, clerk.id, EventType.CASE_ACCEPTED, accepted_at, {"acceptance_date": acceptance_date,
                                                              "due_date": due, "due_provisional": provisional,
                                                              "case_class": str(cclass)})
                if completed_at is not None and status is CaseStatus.COMPLETED:
                    ev(case_id, clerk.id, EventType.CASE_COMPLETED, completed_at, {"delivery": str(delivery)})
            insert_many(conn, _table(Case), cases)
            insert_many(conn, _table(CaseMaterial), mats)
            insert_many(conn, _table(Event), events)
            for key, value in counters.items():
                row = tx.session.get(Counter, key) or Counter(name=key, value=0)
                row.value = value
                tx.session.add(row)
        done += size
    bulk.engine.dispose()
    return time.perf_counter() - started


def _table(model: type[SQLModel]) -> Table:
    """The Core table of a model, for multi-row INSERTs (SQLModel sets ``__table__`` at class creation)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _bulk_ledger(ctx: DeskContext) -> Ledger:
    """A second handle on the same file for generated sample data only: no fsync per batch and a big
    page cache. Confirmed clerk work never goes through this; it uses ``ctx.ledger`` (FULL)."""
    from sqlalchemy import event

    from deskclient.store.db import make_engine

    engine = make_engine(ctx.paths.ledger_file)

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.execute("PRAGMA synchronous=OFF")
        dbapi_conn.execute("PRAGMA cache_size=-1048576")  # 1 GiB: a 1M-case ledger's indexes stay in memory

    return Ledger(engine, ctx.ledger.station, ctx.clock)


def _event_row(station: str, seq: int, at: datetime, clerk_id: str, type_: EventType, case_id: str,
               payload: dict[str, Any]) -> dict[str, Any]:
    return dict(id=new_id(), station=station, seq=seq, at=at, clerk_id=clerk_id, type=str(type_),
                case_id=case_id, payload=dump_payload(payload), sent_at=None, set_aside_reason="")


def add_follow_up_samples(ctx: DeskContext) -> int:
    """A few ratings (one bad, so a follow-up opens), a complaint and a 复核 request, recorded through
    the real services on the generated cases, so the head's desk has something to demonstrate.
    Returns how many records were made; a ledger with no suitable cases gets none."""
    from sqlmodel import col
    from sqlmodel import select as select_rows

    from deskclient.domain.clock_types import ComplaintChannel, RatingLevel

    with ctx.ledger.read() as s:
        completed = list(s.exec(select_rows(Case).where(col(Case.status) == str(CaseStatus.COMPLETED))
                                .order_by(col(Case.created_at).desc()).limit(3)))
        returned = s.exec(select_rows(Case).where(col(Case.status) == str(CaseStatus.RETURNED))
                          .order_by(col(Case.created_at).desc()).limit(1)).first()
    made = 0
    levels = (RatingLevel.VERY_SATISFIED, RatingLevel.UNSATISFIED, RatingLevel.SATISFIED)
    for case, level in zip(completed, levels, strict=False):
        ctx.followups.rate(case.id, case.owner_clerk_id, level)
        made += 1
    if completed:
        ctx.followups.record_complaint(completed[0].owner_clerk_id, channel=ComplaintChannel.SPOKEN, case_id=completed[0].id,
                                       content=T.SAMPLE_COMPLAINT, window=completed[0].window or "")
        made += 1
    if returned is not None:
        ctx.head_desk.request_review(returned.id, returned.owner_clerk_id, T.SAMPLE_REVIEW_REASON)
        made += 1
    return made
