"""Bad input everywhere a clerk, an administrator or a network can send it: never a crash, never
a traceback shown, only a Chinese message, and nothing stored from a rejected input.

Generated inputs (CI): identity 6 × 1,000, catalog 2 × 800, settings 1,500, templates 150,
bundles 2 × 300, office API ~250 per operation: more than 10,000 in all. ``--soak`` multiplies by 10.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskclient.domain import identity
from deskclient.domain.catalog_parse import build_catalog, parse_catalog_file
from deskclient.domain.errors import DeskError
from deskclient.resources import data_path
from deskclient.settings import SettingsError, parse_settings

CJK = re.compile(r"[\u4e00-\u9fff]")
SOAK = 10


def _n(request: pytest.FixtureRequest, n: int) -> int:
    return n * SOAK if request.config.getoption("--soak") else n


def _examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much])


def _clean_message(text: str) -> None:
    assert CJK.search(text), text
    assert "Traceback" not in text and 'File "' not in text


# ID-number-shaped junk, phone-shaped junk, names with every kind of character
digits_ish = st.text(alphabet="0123456789xX -—_.·\u3000０１２３４５６７８９Ｘ", max_size=24)
any_text = st.text(max_size=40)
id_like = st.one_of(digits_ish, any_text, st.from_regex(r"[1-9]\d{16}[\dXx]", fullmatch=True),
                    st.from_regex(r"[1-9]\d{14}", fullmatch=True))
phone_like = st.one_of(digits_ish, any_text, st.from_regex(r"\+?(86)?1[0-9]{10}", fullmatch=True))


@pytest.mark.parametrize("fn,strategy", [
    (identity.parse_id_number, id_like),
    (identity.parse_mobile, phone_like),
    (identity.parse_phone, phone_like),
    (identity.parse_name, any_text),
])
def test_identity_parsers_raise_only_validation_errors(request: pytest.FixtureRequest, fn, strategy) -> None:
    @_examples(_n(request, 1000))
    @given(strategy)
    def run(raw: str) -> None:
        try:
            fn(raw)
        except DeskError as err:
            _clean_message(err.message)
            # a rejected number is never echoed back in full
            digits = re.sub(r"\D", "", raw)
            if len(digits) >= 11:
                assert digits not in re.sub(r"\D", "", err.message)

    run()


@pytest.mark.parametrize("fn,strategy", [(identity.check_id_number, id_like), (identity.check_name, any_text)])
def test_identity_checks_return_none_or_chinese(request: pytest.FixtureRequest, fn, strategy) -> None:
    @_examples(_n(request, 1000))
    @given(strategy)
    def run(raw: str) -> None:
        msg = fn(raw)
        if msg is not None:
            _clean_message(msg)
        # masking and redaction never fail and never keep a long digit run
        assert not re.search(r"\d{7,}", identity.redact(raw) if raw else "") or not re.search(
            r"(?<!\d)(\d{15}|\d{17}[\dXx]|1[3-9]\d{9})(?!\d)", raw)

    run()


def _shipped_catalog_files() -> list[tuple[str, str]]:
    folder = Path(data_path("catalog"))
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.toml"))]


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    """A real file with a few characters deleted, inserted or replaced (what an editor mishap does)."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(("del", "ins", "rep", "cut")))
        junk = draw(st.text(alphabet='[]="\'\n#,.{}0123456789-abc中文\t', min_size=1, max_size=6))
        if op == "del":
            text = text[:pos] + text[pos + len(junk):]
        elif op == "ins":
            text = text[:pos] + junk + text[pos:]
        elif op == "rep":
            text = text[:pos] + junk + text[pos + len(junk):]
        else:
            text = text[:pos]
    return text


def test_catalog_files_never_crash(request: pytest.FixtureRequest) -> None:
    files = _shipped_catalog_files()
    texts = [t for _, t in files]

    @_examples(_n(request, 800))
    @given(st.one_of(mutated(texts), st.text(max_size=200)))
    def run(text: str) -> None:
        _items, problems = parse_catalog_file(text, "bad.toml")
        for p in problems:
            _clean_message(p.message)
        catalog, problems2 = build_catalog([*files[1:], ("bad.toml", text)])
        assert len(catalog) >= 0
        for p in problems2:
            _clean_message(p.message)

    run()


def test_settings_files_raise_only_settings_error(request: pytest.FixtureRequest) -> None:
    base = ('[station]\ncode = "ZX01"\nname = "示例镇"\nwindow = "1"\n[central]\nurl = "http://127.0.0.1:8000"\n'
            'exit_sync_timeout_s = 5.0\n[printer]\nkind = "file"\ncolumns = 48\n[clocks]\nsupplement_days = 5\n')

    @_examples(_n(request, 1500))
    @given(st.one_of(mutated([base]), st.text(max_size=120)))
    def run(text: str) -> None:
        try:
            parse_settings(text, Path("settings.toml"))
        except SettingsError as err:
            _clean_message(err.message)
            assert "settings.toml" in err.message

    run()


def test_broken_notice_templates_fall_back_with_a_message(request: pytest.FixtureRequest) -> None:
    from datetime import date, datetime

    from deskclient.domain.notices import NoticeData, NoticeKind, Person
    from deskclient.services.notices.render import override_template_dir, render_document

    data = NoticeData(kind=NoticeKind.ACCEPTANCE, issued_at=datetime(2026, 11, 24, 9, 30), centre="青山镇便民服务中心",
                      window="3号窗口", case_no="QS01-20261124-0007", applicant=Person("张晓梅"),
                      item_name="城乡居民最低生活保障申请", clerk="王芳", acceptance_date=date(2026, 11, 24),
                      progress_phone="12345", complaint_phone="12345")
    real = (Path(data_path("templates", "notices")) / "acceptance.j2").read_text(encoding="utf-8")
    junk = st.text(alphabet="{}%#()[]|.'\"\n abc_title()para()field()", max_size=60)
    with tempfile.TemporaryDirectory(prefix="templates-") as tmp:
        folder = override_template_dir(Path(tmp))
        folder.mkdir(parents=True)

        @_examples(_n(request, 150))
        @given(st.one_of(mutated([real]), junk))
        def run(text: str) -> None:
            (folder / "acceptance.j2").write_text(text, encoding="utf-8")
            doc = render_document(data, data_dir=Path(tmp))  # type: ignore[arg-type]
            assert doc.copies  # always a notice: the centre's, or the built-in one
            for w in doc.warnings:
                _clean_message(w)
            if doc.template_source == "builtin" and text != real:
                assert doc.warnings or text.strip() == real.strip()

        run()


# --- bundles at the office -------------------------------------------------------------------

@pytest.fixture(scope="module")
def office_with_bundle(tmp_path_factory: pytest.TempPathFactory):
    """An office database knowing station ZX01, and a genuine signed bundle of its events."""
    from deskclient.central import db as cdb
    from deskclient.central.admin import add_station
    from deskclient.services.bundle import export_bundle
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases
    from deskclient.settings import Mode, Paths

    root = tmp_path_factory.mktemp("bundles")
    ctx = open_context(Paths.resolve(root / "desk", Mode.STATION))
    ensure_demo_station(ctx)
    generate_cases(ctx, 5)
    office = cdb.make_engine(f"sqlite:///{root / 'central.db'}")
    token = add_station(office, ctx.station_code, "示例镇")
    info = export_bundle(ctx.engine, root / "good.dkb", ctx.station_code, token)
    ctx.close()
    assert info is not None
    yield office, (root / "good.dkb").read_bytes(), root, root / "central.db"
    office.dispose()


def _office_counts(db: Path) -> tuple[int, ...]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return tuple(con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in sorted(tables))
    finally:
        con.close()


def test_bad_bundles_are_refused_and_store_nothing(request: pytest.FixtureRequest, office_with_bundle) -> None:
    from sqlalchemy import select

    from deskclient.central import db as cdb
    from deskclient.central.admin import AdminError, import_bundle
    from deskclient.services.bundle import MAGIC, read_bundle

    office, good, root, db = office_with_bundle
    import_bundle(office, root / "good.dkb")  # the genuine one is in: a re-import is all duplicates
    before = _office_counts(db)
    target = root / "fuzz.dkb"
    header_end = good.index(b"\n", len(MAGIC)) + 1

    def key_for(station: str) -> bytes | None:
        with office.connect() as conn:
            key = conn.execute(select(cdb.stations.c.bundle_key).where(cdb.stations.c.code == station)).scalar()
        return bytes.fromhex(key) if key else None

    @st.composite
    def bad_bundle(draw: st.DrawFn) -> bytes:
        kind = draw(st.sampled_from(("bytes", "flip", "truncate", "header")))
        if kind == "bytes":
            return draw(st.binary(max_size=300))
        if kind == "truncate":
            return good[: draw(st.integers(0, len(good) - 1))]
        data = bytearray(good)
        low, high = (0, header_end - 1) if kind == "header" else (0, len(data) - 1)
        for _ in range(draw(st.integers(1, 3))):
            pos = draw(st.integers(low, high))
            data[pos] = (data[pos] + draw(st.integers(1, 255))) % 256
        return bytes(data)

    @_examples(_n(request, 300))
    @given(bad_bundle())
    def run(blob: bytes) -> None:
        target.write_bytes(blob)
        try:
            import_bundle(office, target)
        except AdminError as err:
            _clean_message(err.message)
        else:  # authenticated encryption: only the genuine content can pass
            assert read_bundle(target, key_for) == read_bundle(root / "good.dkb", key_for), "a damaged bundle was accepted"
        assert _office_counts(db) == before

    run()


# --- the office API (schemathesis) -----------------------------------------------------------------

def _api_setup():
    from deskclient.central import db as cdb
    from deskclient.central.admin import add_station
    from deskclient.central.app import API, create_app

    folder = Path(tempfile.mkdtemp(prefix="office-api-"))
    engine = cdb.make_engine(f"sqlite:///{folder / 'central.db'}")
    token = add_station(engine, "ZX01", "示例镇")
    return create_app(engine), API, token, folder / "central.db"


schemathesis = pytest.importorskip("schemathesis")
_APP, _API, _TOKEN, _OFFICE_DB = _api_setup()
schema = schemathesis.openapi.from_asgi(f"{_API}/openapi.json", _APP)


@schema.parametrize()
@settings(max_examples=250, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_office_api_never_fails_and_stores_nothing_rejected(case) -> None:
    from schemathesis.checks import not_a_server_error

    with_token = {"Authorization": f"Bearer {_TOKEN}"} if case.headers is None or \
        "authorization" not in {k.lower() for k in case.headers} else None
    before = _office_counts(_OFFICE_DB)
    response = case.call(headers=with_token)
    case.validate_response(response, checks=[not_a_server_error])
    assert "Traceback" not in response.text
    if response.status_code >= 400:
        assert _office_counts(_OFFICE_DB) == before, (response.status_code, response.text[:200])
        body = response.json()
        _clean_message(str(body))
