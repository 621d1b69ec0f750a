"""Where each table and key of a catalog TOML file sits: tomllib only reports positions for syntax
errors, so the catalog parser scans the text for table headers and keys itself.

Split out of the catalog parser so the parser reads as field rules only; this module knows nothing
about what an item means, just the file's layout (which ``[[item]]`` block is the n-th item, which
``[[item.material]]`` its m-th material, and on which line each key was written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Block:
    path: str  # "" for the top level, "item", "item.material", ...
    is_array: bool
    line: int
    keys: dict[str, int] = field(default_factory=dict)


_HEADER_RE = re.compile(r"^\s*(\[\[?)([^\[\]]+)\]\]?\s*(?:#.*)?$")
_KEY_RE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(?:\.\s*[A-Za-z0-9_\-"']+\s*)*=""")


def _norm_path(raw: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


def scan_blocks(text: str) -> list[Block]:
    """Every table header with its line and the line of each key directly under it."""
    blocks = [Block("", False, 1)]
    in_multi: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if in_multi is not None:
            if line.count(in_multi) % 2 == 1:
                in_multi = None
            continue
        header = _HEADER_RE.match(line)
        if header:
            blocks.append(Block(_norm_path(header.group(2)), header.group(1) == "[[", lineno))
            continue
        key = _KEY_RE.match(line)
        if key:
            blocks[-1].keys.setdefault(key.group(1).strip("\"'"), lineno)
        for delim in ('"""', "'''"):
            if line.count(delim) % 2 == 1:
                in_multi = delim
                break
    return blocks


class Where:
    """Line lookups for one table: a key's own line, else the table header's line."""

    def __init__(self, filename: str, block: Block | None, fallback: int) -> None:
        self.filename = filename
        self.block = block
        self.fallback = fallback

    @property
    def line(self) -> int:
        return self.block.line if self.block else self.fallback

    def key(self, name: str) -> int:
        if self.block is not None and name in self.block.keys:
            return self.block.keys[name]
        return self.line


class Layout:
    """Which header block holds the n-th [[item]] and its m-th [[item.material]] / [[item.step]]."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.blocks = scan_blocks(text) if text else [Block("", False, 0)]
        self.top = self.blocks[0]
        self.items: list[tuple[Block, dict[str, list[Block]]]] = []
        current: dict[str, list[Block]] | None = None
        for b in self.blocks[1:]:
            if b.path == "item" and b.is_array:
                current = {}
                self.items.append((b, current))
            elif current is not None and b.path.startswith("item."):
                current.setdefault(b.path[5:], []).append(b)

    def top_where(self) -> Where:
        return Where(self.filename, self.top, self.top.line)

    def item_where(self, index: int) -> Where:
        if index < len(self.items):
            return Where(self.filename, self.items[index][0], self.items[index][0].line)
        return Where(self.filename, None, self.top.keys.get("item", self.top.line))

    def sub_where(self, index: int, key: str, sub_index: int, parent: Where) -> Where:
        if index < len(self.items):
            subs = self.items[index][1].get(key, [])
            if sub_index < len(subs):
                return Where(self.filename, subs[sub_index], subs[sub_index].line)
        return Where(self.filename, None, parent.key(key))

