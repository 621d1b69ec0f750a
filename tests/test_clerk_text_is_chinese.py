"""Issue #14 item 13: no technical or English text reaches the clerk. Every value in
``deskclient.strings`` a clerk can see, and the text of every rendered screen in the snapshot set, is
scanned for English words (three or more ASCII letters) outside a short allow-list of key names and
technical terms a clerk meets on the counter PC (F1–F12, Ctrl, Esc, PIN, PDF, USB ...), keys of the
station's own files named in messages about those files, and pinyin (login names, search examples).

Left out, with the reason: the command-line help and the county office's pages (``cli``, ``central``,
``county_web`` and ``ARG_``/``CMD_``/``CLI_`` names: an administrator's tools, whose option names are
English by nature); what a technician types into the settings file (``[printer] name``), file names and
paths (``settings.toml``, ``fonts-noto-cjk``), which must be shown exactly as they are written."""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import deskclient.strings as S

ALLOWED = {
    "Ctrl", "Esc", "Enter", "Tab", "Shift", "Del", "PIN", "PDF", "QR", "USB", "CUPS", "URL", "CSV", "TOML", "UTF",
    "Windows", "Linux", "JSON", "HTTPS", "HTTP", "https", "http", "TLS", "PEM", "ESC", "POS", "GBK", "YYYY",
}
# keys of the station's own files, named in the messages about those files exactly as they are typed
# (holiday schedule, catalog, settings, training scenarios), and system names a technician types
FILE_KEYS = {"year", "source", "name", "date", "dates", "start", "end", "item", "true", "false", "para", "device",
             "expect", "screen", "keys", "pause", "input", "key", "type", "into", "times", "dialout", "libusb"}
# login names and pinyin search examples are pinyin, not English
PINYIN = {c.login for c in __import__("deskclient.services.demo", fromlist=["CLERKS"]).CLERKS} | {"dbsq", "jycyz"}
NOT_FOR_CLERKS = {"cli", "central", "county_web"}
ADMIN_PREFIXES = ("ARG_", "CMD_", "CLI_")
# settings-file references ([printer] name), file names and paths, format fields, markup-free examples
_TECHNICAL = re.compile(
    r"\[\[[^\]]*\]\]|\[[a-z_]+\](?:\s+[a-z_]+)?|\{[^}]*\}|-----[A-Z ]+-----|deskclient(?: [a-z-]+)*|--[\w-]+"
    r"|\w+ = \S+|[\w-]*(?:[/\\]|\.(?=\w))[\w./\\-]*|\w+-[\w-]+")
_CODE = re.compile(r"[a-z_]+")  # a stored code (e.g. a reason's value), never shown
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{3,}(?![A-Za-z0-9_])")
SNAPSHOTS = Path(__file__).parent


def english_words(text: str) -> list[str]:
    if _CODE.fullmatch(text):
        return []
    return [w for w in _WORD.findall(_TECHNICAL.sub(" ", text)) if w not in ALLOWED | FILE_KEYS | PINYIN]


def _values(v: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(v, str):
        yield path, v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from _values(x, f"{path}[{k!r}]")
    elif isinstance(v, list | tuple | frozenset | set):
        for i, x in enumerate(v):
            yield from _values(x, f"{path}[{i}]")


def clerk_strings() -> Iterator[tuple[str, str]]:
    for info in pkgutil.iter_modules(S.__path__):
        if info.name in NOT_FOR_CLERKS:
            continue
        module = importlib.import_module(f"deskclient.strings.{info.name}")
        for name, value in vars(module).items():
            if name.isupper() and not name.startswith(("_", *ADMIN_PREFIXES)):
                yield from _values(value, f"{info.name}.{name}")


def svg_text(path: Path) -> str:
    """The characters a snapshot SVG shows, row by row."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', path.read_text("utf-8")):
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3))))
    return "\n".join("".join(t for _, t in sorted(r)).replace("\xa0", " ") for _, r in sorted(rows.items()))


def test_the_scan_finds_english() -> None:
    assert english_words("No matches found") == ["matches", "found"]
    assert english_words("/usr/bin/lp: Error - No default destination.") == ["Error", "default", "destination"]
    assert english_words("Search for commands…") == ["Search", "for", "commands"]
    assert english_words("按 Ctrl+P 打开命令框,F12 报表,PIN 错误") == []
    assert english_words("请检查设置文件 [printer] name,或 settings.toml") == []


def test_every_clerk_facing_string_is_chinese() -> None:
    found = {path: words for path, text in clerk_strings() if (words := english_words(text))}
    assert found == {}


def test_every_rendered_screen_is_chinese() -> None:
    svgs = sorted(SNAPSHOTS.glob("**/__snapshots__/**/*.svg"))
    assert len(svgs) >= 20
    found = {p.name: words for p in svgs if (words := english_words(svg_text(p)))}
    assert found == {}
