"""Child process of the start-up benchmark: start an app headless, report when it is interactive.

``python bench/_startup_child.py bare``, ``... desk DATA_DIR`` or ``... session DATA_DIR``. Prints
``FIRST <s> <kB>`` when the sign-in screen is ready to type (clerk list shown, focus in it; desk
and session only), ``READY <s> <kB>`` when, after the PIN is entered (F9, the clerk's own path: PIN
check, sign-in event, sign-in checks), the home screen shows its first page (bare: when the
bare app is up), and for ``session`` ``SESSION <s> <kB>`` after F2 (intake) and one catalog search
typed into the item picker with its results shown; or ``FAIL <reason>``. ``<s>`` is seconds since
interpreter start, ``<kB>`` the peak RSS so far. Run in a fresh interpreter each time so imports
are paid as a clerk pays them.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time

T0 = time.perf_counter()
HOME_TIMEOUT_S = 60.0


def _bare_app():
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Input()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("编号", "事项", "申请人", "状态", "期限")

    return Bare()


def _is_home(app) -> bool:
    """The desk's home screen is mounted and its first page is loaded.

    Recognised by the screen's class name (``HomeScreen``) or id ``home``; "loaded" is a truthy
    ``loaded``/``ready`` attribute when the screen has one, else a DataTable with rows.
    """
    from textual.widgets import DataTable

    screen = app.screen
    if type(screen).__name__ != "HomeScreen" and screen.id != "home":
        return False
    for flag in ("loaded", "ready", "first_page_loaded"):
        if hasattr(screen, flag):
            return bool(getattr(screen, flag))
    return any(t.row_count > 0 for t in screen.query(DataTable))


def _sign_in_ready(app) -> bool:
    """The sign-in screen is mounted, lists the clerks and has the focus: the clerk can type."""
    screen = app.screen
    if type(screen).__name__ != "SignInScreen" or not screen.is_mounted:
        return False
    from textual.widgets import OptionList

    lists = list(screen.query(OptionList))
    return bool(lists) and lists[0].option_count > 0 and app.focused is not None


DEMO_PIN = "1234"  # the sample station's PIN (services.demo.DEMO_PIN)


async def _sign_in(app) -> bool:
    """On the sign-in screen, sign the demo clerk of window 1 in the way the clerk does: the clerk's
    name picked, the PIN in the field and the sign-in key (F9).

    Typing is the clerk's time, not the program's, so the PIN is put into the field at once; what
    the program does after the key (the PIN check, its durable event, the draft and deemed-acceptance
    checks, loading home) is all measured."""
    from textual.widgets import OptionList

    screen = app.screen
    if type(screen).__name__ != "SignInScreen" or not screen.is_mounted or not getattr(app, "clerks", None):
        return False
    options = screen.query_one("#clerks", OptionList)
    logins = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = logins.index("wangfang") if "wangfang" in logins else 0
    screen.query_one("#pin").value = DEMO_PIN
    screen.action_sign_in()
    return True


async def _run(kind: str, data_dir: str | None) -> str:
    if kind == "bare":
        app = _bare_app()
        async with app.run_test(headless=True, size=(80, 24)) as pilot:
            await pilot.pause()
            return _ready()
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    from bench.common import BENCH_NOW
    from deskclient.domain.clock import FixedClock
    from deskclient.settings import Paths
    from deskclient.ui.app import make_app

    paths = Paths.resolve(data_dir, "demo")
    clock = FixedClock(BENCH_NOW)
    app = make_app(paths, clock=clock, cursor_blink=False, demo_cases=0)
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        deadline = time.perf_counter() + HOME_TIMEOUT_S
        first = False
        signed = False
        while not _is_home(app):
            if time.perf_counter() > deadline:
                return f"FAIL home screen not reached (screen {type(app.screen).__name__})"
            if not first and _sign_in_ready(app):
                first = True
                print(_ready("FIRST"), flush=True)
            if first and not signed:
                signed = await _sign_in(app)
            await pilot.pause(0.002)
        if not first:
            return "FAIL the sign-in screen was never seen ready"
        ready = _ready()
        if kind != "session":
            return ready
        print(ready, flush=True)
        return await _session(app, pilot, deadline)


async def _session(app, pilot, deadline: float) -> str:
    """F2, then type one search into the item picker and wait for its results."""
    from textual.widgets import OptionList

    await pilot.press("f2")
    while type(app.screen).__name__ != "IntakeScreen":
        if time.perf_counter() > deadline:
            return "FAIL intake screen not reached"
        await pilot.pause(0.005)
    for ch in "dbsq":
        await pilot.press(ch)
    while True:
        hits = [o for o in app.screen.query(OptionList) if o.id == "item-hits"]
        if hits and hits[0].option_count > 0:
            return _ready("SESSION")
        if time.perf_counter() > deadline:
            return "FAIL no search results shown"
        await pilot.pause(0.005)


def peak_rss_kb() -> int:
    """This program's RSS high-water mark in kB.

    ``VmHWM`` from /proc/self/status, not ``getrusage``: on Linux ``ru_maxrss`` survives fork and
    execve, so a child spawned by a 70 MB benchmark runner reports at least 70 MB whatever it
    uses itself (this inflated the bare app's baseline to 55-78 MB; on its own it peaks at ~37 MB).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def _ready(tag: str = "READY") -> str:
    return f"{tag} {time.perf_counter() - T0:.4f} {peak_rss_kb()}"


def main() -> None:
    kind = sys.argv[1]
    data_dir = sys.argv[2] if len(sys.argv) > 2 else None
    try:
        line = asyncio.run(_run(kind, data_dir))
    except Exception as exc:  # reported to the parent as a row note, not a crash of the whole run
        line = f"FAIL {type(exc).__name__}: {exc}"[:300]
    print(line.replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
