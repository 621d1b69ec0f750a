"""Every snapshot file belongs to a test that exists.

syrupy fails a serial run that leaves a snapshot unused (a test renamed, a parameter dropped), but it
skips that check under pytest-xdist, which the suite runs with (docs/testing.md). This test keeps the
check in both modes: each ``__snapshots__/<test module>/<test name>.svg`` of a module collected in this
run must be named after one of that module's tests (selected or deselected by ``-k``/``-m``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import known_items

ROOT = Path(__file__).resolve().parents[1]


def _snapshots(items: list[pytest.Item]) -> tuple[int, list[Path]]:
    """(snapshot files looked at, those named after no test) for the modules of ``items``."""
    names: dict[Path, set[str]] = {}
    for item in items:
        names.setdefault(Path(item.path), set()).add(item.name)
    seen, orphans = 0, []
    for module, tests in names.items():
        folder = module.parent / "__snapshots__" / module.stem
        for snap in sorted(folder.glob("*.svg")) if folder.is_dir() else ():
            seen += 1
            if re.sub(r"\.\d+$", "", snap.stem) not in tests:  # a second snapshot in one test: name.1.svg
                orphans.append(snap)
    return seen, orphans


def test_every_snapshot_file_belongs_to_a_test(request: pytest.FixtureRequest) -> None:
    items = known_items(request.session)
    seen, orphans = _snapshots(items)
    assert [str(p.relative_to(ROOT)) for p in orphans] == []
    if any(Path(i.path) == ROOT / "tests" / "ui" / "test_snapshots.py" for i in items):
        assert seen >= 34  # the screens' snapshots were looked at, not skipped by a wrong path


def test_an_orphan_snapshot_is_found(tmp_path: Path) -> None:
    """The check can fail: the snapshot of a test that does not exist (renamed) is reported."""
    folder = tmp_path / "__snapshots__" / "test_x"
    folder.mkdir(parents=True)
    for name in ("test_gone[80x24]", "test_kept[80x24]", "test_kept[80x24].1"):
        (folder / f"{name}.svg").write_text("<svg/>", encoding="utf-8")

    class Item:
        path = tmp_path / "test_x.py"
        name = "test_kept[80x24]"

    assert _snapshots([Item()]) == (3, [folder / "test_gone[80x24].svg"])  # type: ignore[list-item]
