"""No merge-conflict markers in the tree: one was committed in docs/performance.md by a merge of
parallel branches (2026-12-07) and nothing else would have noticed a document."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<<<<<<< |=======$|>>>>>>> )", re.MULTILINE)
SUFFIXES = {".py", ".md", ".toml", ".tcss", ".txt", ".cfg", ".ini", ".j2", ".html", ".css", ".js", ".sh"}
FOLDERS = ("src", "tests", "bench", "docs", "data", ".ci")


def test_no_merge_conflict_markers_in_the_tree() -> None:
    found = []
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and (path.suffix in SUFFIXES or path.parent.name == ".ci"):
                text = path.read_text(encoding="utf-8", errors="replace")
                found += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
                          for m in MARKER.finditer(text)]
    for name in ("README.md", "pyproject.toml"):
        if MARKER.search((ROOT / name).read_text(encoding="utf-8")):
            found.append(name)
    assert found == []
