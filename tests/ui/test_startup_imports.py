"""Start-up imports only what the home screen needs (docs/performance.md, issue 9).

PDF, printing, HTTP, templates, migrations, the office server and the pinyin search index cost
import time and memory at every start; they must load when first used, never before the clerk's
home screen is shown. Checked in a fresh interpreter, because this test process has imported
everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

MUST_NOT_LOAD = ("pypinyin", "fpdf", "escpos", "httpx", "jinja2", "alembic", "fastapi", "uvicorn",
                 "deskclient.domain.search", "deskclient.central", "tomlkit",  # tomlkit: settings writes only
                 # the light path (issue 20): home after a real PIN reads on plain sqlite3
                 "sqlalchemy", "sqlmodel", "pydantic", "deskclient.store.models")

CHILD = r"""
import asyncio, json, sys
from datetime import datetime

from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths


async def main(data_dir: str) -> dict:
    from deskclient.ui.app import make_app

    app = make_app(Paths.resolve(data_dir, Mode.DEMO), clock=FixedClock(datetime(2026, 11, 24, 9, 30)),
                   cursor_blink=False, demo_cases=30)
    async with app.run_test(headless=True, size=(100, 30)) as pilot:
        typed = False
        for _ in range(3000):
            screen = type(app.screen).__name__
            if screen == "HomeScreen":
                await pilot.pause()
                await app.workers.wait_for_complete()  # the first page's query
                await pilot.pause()
                break
            if (screen == "SignInScreen" and app.clerks and app.clerk is None and not typed
                    and app.screen.query("#pin")):  # composed: the PIN field is there
                # a real PIN, as the clerk types it: the PIN check, its event and the sign-in checks run
                app.screen.query_one("#pin").value = "1234"
                await pilot.press("f9")
                typed = True
            await pilot.pause(0.01)
        rows = [t.row_count for t in app.screen.query("DataTable")]
        return {"screen": type(app.screen).__name__, "modules": sorted(sys.modules), "rows": rows,
                "clerk": app.clerk.login if app.clerk else None}


print(json.dumps(asyncio.run(main(sys.argv[1]))))
"""


def test_home_screen_is_reached_without_heavy_imports(tmp_path: Path) -> None:
    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases
    from deskclient.settings import Mode, Paths

    # an existing ledger at the head revision, as on every start but the first (creating or
    # upgrading a ledger rightly needs Alembic)
    ctx = open_context(Paths.resolve(tmp_path / "desk", Mode.DEMO), clock=FixedClock(datetime(2026, 11, 24, 9, 30)))
    ensure_demo_station(ctx)
    generate_cases(ctx, 60, days_back=3)  # a first page to show
    ctx.close()
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "desk")], capture_output=True, text=True,
                         timeout=180, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["screen"] == "HomeScreen" and result["clerk"] == "wangfang"
    assert result["rows"] and result["rows"][0] > 0  # the first page is shown
    loaded = set(result["modules"])
    assert "textual.app" in loaded and "deskclient.ui.screens.home" in loaded  # the check can see imports
    early = sorted(m for m in loaded if any(m == bad or m.startswith(bad + ".") for bad in MUST_NOT_LOAD))
    assert early == [], f"loaded before the home screen was shown: {early}"


FIRST_SCREEN_MUST_NOT_LOAD = ("pypinyin", "fpdf", "escpos", "httpx", "jinja2", "alembic", "deskclient.domain.search",
                             "tomlkit")

SESSION_CHILD = r"""
import asyncio, json, sys
from datetime import datetime

from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths


async def main(data_dir: str) -> dict:
    from textual.widgets import OptionList

    from deskclient.ui.app import make_app

    app = make_app(Paths.resolve(data_dir, Mode.DEMO), clock=FixedClock(datetime(2026, 11, 24, 9, 30)),
                   cursor_blink=False, demo_cases=0)
    out = {}
    async with app.run_test(headless=True, size=(100, 30)) as pilot:
        for _ in range(3000):
            screen = type(app.screen).__name__
            if screen == "SignInScreen" and app.clerks and "first" not in out:
                out["first"] = sorted(sys.modules)
                app.signed_in(app.clerks[0])
            if screen == "HomeScreen":
                break
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.press("f2")
        for ch in "dbsq":
            await pilot.press(ch)
        for _ in range(3000):
            hits = [o for o in app.screen.query(OptionList) if o.id == "item-hits"]
            if hits and hits[0].option_count:
                out["hits"] = hits[0].option_count
                break
            await pilot.pause(0.01)
        out["screen"] = type(app.screen).__name__
        out["session"] = sorted(sys.modules)
    return out


print(json.dumps(asyncio.run(main(sys.argv[1]))))
"""


def _bad(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == bad or m.startswith(bad + ".") for bad in names))


def test_first_screen_and_a_search_with_the_cached_catalog_index_stay_light(tmp_path: Path) -> None:
    """Sign-in is ready without the PDF, printer, HTTP, template, migration or search modules; and
    once the catalog has been indexed (validate / first load), F2 and a search never load pypinyin."""
    from deskclient.domain.clock import FixedClock
    from deskclient.services.catalog_files import catalog_index
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station
    from deskclient.settings import Mode, Paths

    paths = Paths.resolve(tmp_path / "desk", Mode.DEMO)
    ctx = open_context(paths, clock=FixedClock(datetime(2026, 11, 24, 9, 30)))
    ensure_demo_station(ctx)
    catalog_index(ctx.catalog, paths.data_dir)  # the first load indexed this catalog
    ctx.close()
    out = subprocess.run([sys.executable, "-c", SESSION_CHILD, str(tmp_path / "desk")], capture_output=True,
                         text=True, timeout=240, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "deskclient.ui.screens.sign_in" in result["first"]  # the check can see imports
    assert _bad(result["first"], FIRST_SCREEN_MUST_NOT_LOAD) == []
    assert result["screen"] == "IntakeScreen" and result["hits"] > 0
    assert "deskclient.domain.search" in result["session"]  # the search ran ...
    assert _bad(result["session"], ("pypinyin",)) == []  # ... from the cached index


# Paint first (issue 20): sign-in is painted from a sqlite3 read; the ORM loads only afterwards.
BEFORE_SIGN_IN_MUST_NOT_LOAD = ("sqlmodel", "sqlalchemy.orm", "pydantic", "pypinyin", "fpdf", "escpos", "httpx",
                                "jinja2", "alembic", "tomlkit", "deskclient.services.context", "deskclient.store.models",
                                "deskclient.ui.screens.home", "deskclient.ui.screens.intake")

PAINT_CHILD = r"""
import asyncio, json, sys
from datetime import datetime

from deskclient.domain.clock import FixedClock
from deskclient.settings import Mode, Paths


async def main(data_dir: str) -> dict:
    from deskclient.ui.app import make_app

    app = make_app(Paths.resolve(data_dir, Mode.DEMO), clock=FixedClock(datetime(2026, 11, 24, 9, 30)),
                   cursor_blink=False, demo_cases=0)
    out = {}
    load_core = app._load_core

    def first_then_load():  # the moment the desk starts loading the ORM: what is on screen, what is loaded
        from textual.widgets import OptionList

        lists = list(app.screen.query(OptionList))
        out.update(screen=type(app.screen).__name__, options=lists[0].option_count if lists else 0,
                   focused=type(app.focused).__name__, ctx=app.ctx is not None, modules=sorted(sys.modules))
        return load_core()

    app._load_core = first_then_load
    async with app.run_test(headless=True, size=(100, 30)) as pilot:
        for _ in range(3000):
            if app.ready and "modules" in out:
                break
            await pilot.pause(0.01)
        out["after"] = sorted(sys.modules)
    return out


print(json.dumps(asyncio.run(main(sys.argv[1]))))
"""


def _demo_ledger(tmp_path: Path) -> Path:
    from deskclient.domain.clock import FixedClock
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station
    from deskclient.settings import Mode, Paths

    ctx = open_context(Paths.resolve(tmp_path / "desk", Mode.DEMO), clock=FixedClock(datetime(2026, 11, 24, 9, 30)))
    ensure_demo_station(ctx)
    ctx.close()
    return tmp_path / "desk"


def test_sign_in_is_painted_before_the_orm_and_the_services_load(tmp_path: Path) -> None:
    """With the ledger at the head revision, sign-in lists the clerks and has the focus before SQLModel,
    SQLAlchemy's ORM, pydantic, the services' context or any other screen module is imported; the
    context then opens on the light path, still without them."""
    out = subprocess.run([sys.executable, "-c", PAINT_CHILD, str(_demo_ledger(tmp_path))], capture_output=True,
                         text=True, timeout=180, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    from deskclient.services.demo import CLERKS

    assert result["screen"] == "SignInScreen" and result["focused"] == "OptionList"
    assert result["options"] == len(CLERKS)  # every active clerk of the sample station
    assert result["ctx"] is False  # painted from the sqlite3 read, the context not open yet
    assert "deskclient.ui.screens.sign_in" in result["modules"]  # the check can see imports
    assert _bad(result["modules"], BEFORE_SIGN_IN_MUST_NOT_LOAD) == []
    assert "deskclient.services.context" in result["after"]  # then the context opens...
    assert _bad(result["after"], ("sqlalchemy", "sqlmodel", "pydantic")) == []  # ...without the ORM (light path)
