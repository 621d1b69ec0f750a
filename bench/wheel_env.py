"""An installed-wheel interpreter for the start-up figures: what a clerk's install runs.

The development checkout is an *editable* install, and this machine's environment sets
``PYTHONDONTWRITEBYTECODE``, so every start recompiled every deskclient module (~20 % of start-up)
— a clerk's real install (``pip install deskclient-….whl``) has its bytecode compiled once at
install time. So the bench builds the wheel of the current tree (``pip wheel --no-deps``), unpacks
it into a small virtual environment under the bench cache (keyed by a hash of ``src/`` and
``pyproject.toml``), compiles its bytecode as pip does, and points a ``.pth`` file at this
interpreter's site-packages for the dependencies (already installed here; no network, no second
copy). Children started with :func:`python` then import deskclient from the wheel, with bytecode.

Without pip or the build backend the caller reports the editable figures only, with a note.
"""

from __future__ import annotations

import hashlib
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

from bench.common import ROOT, cache_root


def _tree_key() -> str:
    h = hashlib.sha256()
    for path in sorted([ROOT / "pyproject.toml", *(ROOT / "src").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def python() -> tuple[Path | None, str]:
    """(interpreter of the wheel venv, note); (None, why) when it cannot be built."""
    key = _tree_key()
    env = cache_root() / f"wheelenv-{key}"
    py = env / "bin" / "python"
    if (env / ".complete").exists() and py.exists():
        return py, f"installed wheel of this tree (cached venv {env.name})"
    for old in cache_root().glob("wheelenv-*"):  # the cache is shared by several trees at once:
        done = old / ".complete"  # only a venv unused for a day is pruned, never one in use
        if done.exists() and time.time() - done.stat().st_mtime > 86_400:
            shutil.rmtree(old, ignore_errors=True)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-wheel-") as tmp:
            subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp, str(ROOT)],
                           check=True, capture_output=True, timeout=600)
            wheel = next(Path(tmp).glob("deskclient-*.whl"))
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True,
                           capture_output=True, timeout=120)
            purelib = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                          check=True, capture_output=True, text=True).stdout.strip())
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(purelib)
        deps = [p for p in {*site.getsitepackages(), sysconfig.get_paths()["purelib"]} if Path(p).is_dir()]
        (purelib / "zz_bench_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
        subprocess.run([str(py), "-m", "compileall", "-q", str(purelib / "deskclient")], check=True,
                       capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError, StopIteration) as err:
        shutil.rmtree(env, ignore_errors=True)
        return None, f"installed-wheel figures not measured ({type(err).__name__}: could not build the wheel venv)"
    (env / ".complete").write_text(key + "\n", encoding="utf-8")
    return py, f"installed wheel of this tree (venv built in this run: {env.name})"
