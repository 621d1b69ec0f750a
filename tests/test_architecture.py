"""The layers point down only (import-linter contracts in pyproject.toml), the tree is ruff clean and
type-checks (mypy, strict on domain/ and services/)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (it comes with the test extras)")
    return found


def test_import_contracts_hold() -> None:
    out = subprocess.run([_tool("lint-imports"), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_mypy_clean() -> None:
    """Type-checked as configured in pyproject.toml ([tool.mypy]): strict on domain/ and services/."""
    out = subprocess.run([_tool("mypy"), "--config-file", str(ROOT / "pyproject.toml")], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_ruff_clean() -> None:
    out = subprocess.run([_tool("ruff"), "check", "src", "tests", "bench"], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout[-3000:]


def test_user_facing_chinese_lives_in_strings() -> None:
    """Chinese text in code outside strings/ is a sign a message escaped the one place it belongs.

    Allowed: the strings package, docstrings/comments, and sample data generators.
    """
    import ast
    import re

    cjk = re.compile(r"[\u4e01-\u9ffe]")  # the range bounds themselves appear in regexes
    allowed_dirs = {"strings"}
    allowed_files = {"demo.py"}
    offenders: list[str] = []
    for path in (ROOT / "src" / "deskclient").rglob("*.py"):
        rel = path.relative_to(ROOT / "src" / "deskclient")
        if rel.parts[0] in allowed_dirs or path.name in allowed_files:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and cjk.search(node.value)):
                offenders.append(f"{rel}:{node.lineno}: {node.value[:30]!r}")
    assert offenders == [], "\n".join(offenders[:40])


def test_web_templates_hold_layout_only() -> None:
    """The county office's page templates take every word from strings/county_web.py (``S``)."""
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    offenders = [f"{p.name}:{n}" for p in (ROOT / "src" / "deskclient" / "central" / "web" / "templates").glob("*.html")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if cjk.search(line)]
    assert offenders == [], offenders
