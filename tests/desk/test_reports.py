"""The daily summary: pure rules, and figures checked against a generated ledger whose true figures are
computed here independently, straight from SQL."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskclient.domain.reports import (
    CaseRow,
    ComplaintRow,
    Period,
    PeriodKind,
    RatingRow,
    rollup,
    summarize,
)
from deskclient.services import reports as R
from deskclient.services.demo import generate_cases

PROMISED = ("promised", "joint", "reported", "urgent", "unowned")


# --- pure -------------------------------------------------------------------------------------------------
def test_periods() -> None:
    d = date(2026, 11, 24)  # a Tuesday
    assert Period.of("weekly", d) == Period(PeriodKind.WEEK, date(2026, 11, 23), date(2026, 11, 29))
    assert Period.of("monthly", d) == Period(PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30))
    assert Period.of("monthly", date(2026, 12, 5)).end == date(2026, 12, 31)
    assert Period.of("daily", d).days() == [d]


def test_immediate_thirty_minute_rule_and_on_time() -> None:
    t = datetime(2026, 11, 24, 9, 0)
    rows = [
        CaseRow("a", "1", "c1", "immediate", "immediate", "completed", t, t, t + timedelta(minutes=30)),
        CaseRow("b", "1", "c1", "immediate", "immediate", "completed", t, t, t + timedelta(minutes=31)),
        CaseRow("c", "2", "c2", "promised", "promised", "completed", t - timedelta(days=9), t - timedelta(days=9),
                t, due_date=date(2026, 11, 24)),
        CaseRow("d", "2", "c2", "promised", "promised", "completed", t - timedelta(days=9), t - timedelta(days=9),
                t, due_date=date(2026, 11, 23)),
        CaseRow("e", "2", "c2", "returned", "promised", "returned", t, returned_at=t + timedelta(minutes=5)),
    ]
    s = summarize(Period.of("daily", t.date()), rows)
    f = s.station
    assert (f.registered, f.completed, f.returned) == (3, 4, 1)
    assert (f.immediate_done, f.immediate_within_limit, f.immediate_max_seconds) == (2, 1, 31 * 60)
    assert (f.promised_completed, f.promised_on_time, f.on_time_rate) == (2, 1, 0.5)
    assert s.windows["1"].registered == 2 and s.clerks["c2"].completed == 2


_times = st.datetimes(min_value=datetime(2026, 10, 26), max_value=datetime(2026, 12, 6, 23, 59))


@st.composite
def _case_rows(draw: st.DrawFn) -> CaseRow:
    created = draw(_times)
    status = draw(st.sampled_from(["registered", "accepted", "completed", "returned", "answered"]))
    cls = draw(st.sampled_from(["immediate", "promised", "joint", "enquiry", "returned"]))
    later = created + timedelta(minutes=draw(st.integers(0, 20000)))
    return CaseRow(draw(st.uuids()).hex, draw(st.sampled_from("123")), draw(st.sampled_from(["x", "y"])), cls,
                   cls, status, created, accepted_at=later if status in ("accepted", "completed") else None,
                   completed_at=later if status in ("completed", "answered") else None,
                   returned_at=later if status == "returned" else None,
                   due_date=draw(st.none() | st.dates(date(2026, 10, 20), date(2026, 12, 20))))


@settings(max_examples=60, deadline=None)
@given(cases=st.lists(_case_rows(), max_size=40),
       ratings=st.lists(st.builds(RatingRow, st.sampled_from("12"), st.just("x"),
                                  st.sampled_from(["satisfied", "unsatisfied"]), _times), max_size=10),
       complaints=st.lists(st.builds(ComplaintRow, st.sampled_from("12"), st.sampled_from(["phone", "written"]),
                                     _times, st.dates(date(2026, 11, 1), date(2026, 12, 10)),
                                     st.none() | _times), max_size=10),
       day=st.dates(date(2026, 11, 2), date(2026, 11, 29)))
def test_week_and_month_are_the_sum_of_their_days(cases, ratings, complaints, day) -> None:
    as_of = datetime(2026, 12, 31)
    for kind in ("weekly", "monthly"):
        period = Period.of(kind, day)
        whole = summarize(period, cases, ratings, complaints, as_of=as_of)
        days = [summarize(Period.of("daily", d), cases, ratings, complaints, as_of=as_of) for d in period.days()]
        assert rollup(period, days) == whole


# --- against a generated ledger ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory):
    """A generated ledger (fixed seed) plus ratings and complaints whose truth this test writes itself."""
    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station
    from deskclient.settings import Mode, Paths

    paths = Paths.resolve(tmp_path_factory.mktemp("rep"), Mode.STATION)
    ctx = open_context(paths, clock=FixedClock(datetime(2026, 11, 24, 9, 30)))
    ensure_demo_station(ctx)
    generate_cases(ctx, 2500, seed=424242, days_back=60)
    con = sqlite3.connect(paths.ledger_file)
    completed = con.execute("select id, window, owner_clerk_id, completed_at from \"case\" where status='completed' "
                            "order by case_no").fetchall()
    levels = ["very_satisfied", "satisfied", "basic", "unsatisfied", "very_unsatisfied"]
    with con:
        for i, (cid, window, clerk, at) in enumerate(completed[::7]):
            con.execute("insert into rating (case_id, level, score, comment, rater_name, clerk_id, window, at) "
                        "values (?,?,?,?,?,?,?,?)", (cid, levels[i % 5], 0, "", "", clerk, window, at))
        head = con.execute("select id from clerk where role='head'").fetchone()[0]
        for i in range(40):
            at = datetime(2026, 11, 1, 10) + timedelta(days=i % 24, hours=i % 5)
            due = (at + timedelta(days=1)).date()
            answered = at + timedelta(days=i % 3) if i % 4 else None
            con.execute("insert into complaint (id, case_id, window, channel, complainant_name, content, multi_unit,"
                        " received_at, due_date, due_provisional, status, answer, answered_at, recorded_by) "
                        "values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (f"cp{i}", None, str(i % 4 + 1), ["spoken", "phone", "written"][i % 3], "某", "内容", False,
                         at.isoformat(sep=" "), due.isoformat(), False, "answered" if answered else "open", "",
                         answered.isoformat(sep=" ") if answered else None, head))
    yield ctx, con
    con.close()
    ctx.close()


def _truth(con: sqlite3.Connection, start: date, end: date, window: str | None = None) -> dict:
    """The figures straight from SQL, by a route independent of the report code."""
    w = "" if window is None else f" and window = '{window}'"
    s, e = start.isoformat(), end.isoformat()

    def one(sql: str) -> int:
        return con.execute(sql).fetchone()[0] or 0

    rng = lambda col: f"date({col}) between '{s}' and '{e}'"  # noqa: E731
    promised = ",".join(f"'{c}'" for c in PROMISED)
    return {
        "registered": one(f"select count(*) from \"case\" where {rng('created_at')}{w}"),
        "accepted": one(f"select count(*) from \"case\" where {rng('accepted_at')}{w}"),
        "completed": one(f"select count(*) from \"case\" where status='completed' and {rng('completed_at')}{w}"),
        "returned": one("select count(*) from \"case\" c join event e on e.case_id = c.id and "
                        f"e.type='case.returned' where c.status='returned' and {rng('e.at')}"
                        + ("" if window is None else f" and c.window = '{window}'")),
        "answered": one(f"select count(*) from \"case\" where status='answered' and {rng('created_at')}{w}"),
        "promised_completed": one(f"select count(*) from \"case\" where status='completed' and case_class in "
                                  f"({promised}) and due_date is not null and {rng('completed_at')}{w}"),
        "promised_on_time": one(f"select count(*) from \"case\" where status='completed' and case_class in "
                                f"({promised}) and {rng('completed_at')} and date(completed_at) <= due_date{w}"),
        "immediate_done": one(f"select count(*) from \"case\" where status='completed' and case_class='immediate' "
                              f"and {rng('completed_at')}{w}"),
        "immediate_within_limit": one(
            f"select count(*) from \"case\" where status='completed' and case_class='immediate' and "
            f"{rng('completed_at')} and (julianday(completed_at) - julianday(created_at)) * 86400 <= 1800.5{w}"),
        "rated": one(f"select count(*) from rating where {rng('at')}{w}"),
        "bad": one(f"select count(*) from rating where level in ('unsatisfied','very_unsatisfied') "
                   f"and {rng('at')}{w}"),
        "complaints": one(f"select count(*) from complaint where {rng('received_at')}{w}"),
        "complaints_answered": one(f"select count(*) from complaint where answered_at is not null and "
                                   f"{rng('received_at')}{w}"),
    }


def _figures(f) -> dict:
    return {"registered": f.registered, "accepted": f.accepted, "completed": f.completed, "returned": f.returned,
            "answered": f.answered, "promised_completed": f.promised_completed,
            "promised_on_time": f.promised_on_time, "immediate_done": f.immediate_done,
            "immediate_within_limit": f.immediate_within_limit, "rated": f.rated, "bad": f.bad_ratings,
            "complaints": f.complaints, "complaints_answered": f.complaints_answered}


@pytest.mark.parametrize("kind,day", [("daily", date(2026, 11, 23)), ("daily", date(2026, 11, 10)),
                                      ("weekly", date(2026, 11, 18)), ("monthly", date(2026, 11, 24)),
                                      ("monthly", date(2026, 10, 2))])
def test_figures_match_the_ledger(ledger, kind: str, day: date) -> None:
    ctx, con = ledger
    summary = R.build_summary(ctx.engine, kind, day, now=datetime(2026, 11, 24, 9, 30))
    p = summary.period
    truth = _truth(con, p.start, p.end)
    assert truth["registered"] > 0
    assert _figures(summary.station) == truth
    for window in ("1", "2", "5"):
        assert _figures(summary.windows.get(window, type(summary.station)())) == _truth(con, p.start, p.end, window)
    one_window = R.build_summary(ctx.engine, kind, day, window="2")
    assert _figures(one_window.station) == _truth(con, p.start, p.end, "2")
    assert sum(f.registered for f in summary.clerks.values()) == truth["registered"]


def test_csv_opens_in_excel_and_wps(ledger) -> None:
    ctx, _con = ledger
    summary = R.build_summary(ctx.engine, "weekly", date(2026, 11, 18))
    names = R.load_names(ctx.engine)
    data = R.to_csv(summary, names)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["统计期间", "范围", "名称", "登记"]
    assert rows[1][1] == "合计" and int(rows[1][3]) == summary.station.registered
    assert len({len(r) for r in rows}) == 1
    gb = R.to_csv(summary, names, "gb18030")
    assert list(csv.reader(io.StringIO(gb.decode("gb18030")))) == rows


def test_json_and_text(ledger) -> None:
    ctx, _ = ledger
    summary = R.build_summary(ctx.engine, "daily", date(2026, 11, 23))
    names = R.load_names(ctx.engine)
    data = json.loads(R.to_json(summary, names))
    assert data["station"]["registered"] == summary.station.registered
    assert data["period"] == {"kind": "daily", "start": "2026-11-23", "end": "2026-11-23"}
    text = R.render_text(summary, names, width=120)
    assert "日报(2026-11-23 星期一)" in text and "按时办结率" in text


def test_created_range_uses_its_index(ledger) -> None:
    _ctx, con = ledger
    sql = str(R.case_rows_query(Period.of("daily", date(2026, 11, 23))).compile(
        compile_kwargs={"literal_binds": True}))
    plan = " ".join(str(r[-1]) for r in con.execute("explain query plan " + sql))
    assert "ix_case_created" in plan and "ix_case_returned" in plan


def test_report_counts_read_covering_indexes(ledger) -> None:
    """The grouped counts must stay index-only: at 1M cases a table lookup per case is the
    difference between ~1 s and ~20 s for a monthly report."""
    from deskclient.store import report_queries as Q

    _ctx, con = ledger
    params = {"s": "2026-11-01 00:00:00", "e": "2026-12-01 00:00:00"}
    for sql, index in ((Q._REGISTERED, "ix_case_created"), (Q._ACCEPTED, "ix_case_accepted"),
                       (Q._COMPLETED, "ix_case_completed")):
        plan = " ".join(str(r[-1]) for r in con.execute("explain query plan " + sql.format(w=""), params))
        assert f"COVERING INDEX {index}" in plan, plan
    plan = " ".join(str(r[-1]) for r in con.execute("explain query plan " + Q._RETURNED.format(w=""), params))
    assert "COVERING INDEX ix_case_returned (status=? AND returned_at>? AND returned_at<?)" in plan, plan


def test_report_command(ledger, tmp_path, capsysbinary) -> None:
    from deskclient.cli import main

    ctx, _ = ledger
    out = tmp_path / "周报.csv"
    home = str(ctx.paths.data_dir)
    assert main(["--data-dir", home, "report", "weekly", "--date", "2026-11-18", "--format", "csv",
                 "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "已写入" in capsysbinary.readouterr().out.decode("utf-8")
    assert main(["--data-dir", home, "report", "daily", "--date", "2026-11-23", "--format", "json"]) == 0
    printed = capsysbinary.readouterr().out.decode("utf-8")
    assert json.loads(printed)["period"]["start"] == "2026-11-23"
    assert main(["--data-dir", home, "report", "daily", "--date", "2026-13-01"]) == 2
    assert "日期" in capsysbinary.readouterr().err.decode("utf-8")
    assert main(["--data-dir", home, "report", "daily", "--window", "99"]) == 2


@pytest.mark.parametrize("kind,day,window", [("daily", date(2026, 11, 23), None), ("weekly", date(2026, 11, 18), None),
                                             ("monthly", date(2026, 11, 24), None), ("monthly", date(2026, 10, 2), "2")])
def test_sql_counted_summary_equals_the_domain_summary_of_every_row(ledger, kind: str, day: date,
                                                                    window: str | None) -> None:
    """The report counts in SQL (flat cost at 1M cases); every figure of every group, day and clerk
    must equal the domain's count over the period's case rows (immediate seconds and maxima included)."""
    from deskclient.domain.reports import summarize

    ctx, _con = ledger
    now = datetime(2026, 11, 24, 9, 30)
    period = Period.of(kind, day)
    cases, ratings, complaints = R.load_rows(ctx.engine, period, window)
    reference = summarize(period, cases, ratings, complaints, as_of=min(now, period.end_before), window=window)
    counted = R.build_summary(ctx.engine, kind, day, window=window, now=now)
    assert counted.station.registered > 0
    assert counted.to_dict() == reference.to_dict()
