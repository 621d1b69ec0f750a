"""``python -m bench --quick`` runs end to end and leaves its table and JSON (no timing asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(1500)  # a fresh cache builds ledgers, a wheel venv and a search index
def test_quick_bench_prints_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    env = dict(os.environ, DESKCLIENT_BENCH_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stderr[-2000:]
    header = proc.stdout.splitlines()[0].split()
    assert header == ["figure", "value", "unit", "baseline", "ratio", "target", "result"]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["quick"] is True and doc["machine"]["cores"]
    figures = [r["figure"] for r in doc["rows"]]
    for expected in ("first screen ready to type", "home after the PIN", "peak memory at home",
                     "peak memory over a clerk's session", "home incl. reminders, clerk", "home incl. reminders, head",
                     "catalog index ready", "catalog search per keystroke", "`deskclient catalog search dbsq`",
                     "confirmed step", "fsyncs per confirmed step", "monthly report", "notice acceptance"):
        assert any(f.startswith(expected) for f in figures), (expected, figures)
    for row in doc["rows"]:
        assert set(row) >= {"figure", "value", "unit", "baseline", "ratio", "target", "passed", "note"}
        assert not row["note"].startswith("failed:"), row  # a benchmark that crashed is a bug
        assert row["figure"] in proc.stdout
