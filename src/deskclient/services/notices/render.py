"""NoticeData → Document, through the Jinja2 templates in data/templates/notices/.

A centre adapts the wording by copying a template into ``<data_dir>/templates/notices/`` and editing
it. A broken copy (syntax error, unknown variable, stray text) must never stop a notice: the
built-in template is used and the document carries a clear Chinese warning for the clerk.
"""

from __future__ import annotations

import contextvars
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from deskclient.domain.errors import DeskError
from deskclient.domain.identity import redact
from deskclient.domain.notices import NoticeData, NoticeKind, check_notice
from deskclient.resources import data_path
from deskclient.services.notices import blocks as B
from deskclient.strings import notices as T

TEMPLATE_SUFFIX = ".j2"


class TemplateProblem(DeskError):
    """A template could not produce a notice; the message says which and why, in Chinese."""


def builtin_template_dir() -> Path:
    return data_path("templates", "notices")


def override_template_dir(data_dir: Path) -> Path:
    """Where a centre puts its own wording: same file names as the built-in templates."""
    return Path(data_dir) / "templates" / "notices"


def template_name(kind: NoticeKind) -> str:
    return f"{kind.value}{TEMPLATE_SUFFIX}"


# --- the functions templates call -------------------------------------------------------------


@dataclass
class _Builder:
    copies: list[tuple[str, list[B.Block]]] = field(default_factory=lambda: [("", [])])

    def add(self, block: B.Block) -> str:
        self.copies[-1][1].append(block)
        return ""


_current: contextvars.ContextVar[_Builder] = contextvars.ContextVar("notice_builder")


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return cn_datetime(value)
    if isinstance(value, date):
        return cn_date(value)
    return str(value)


def _add(block: B.Block) -> str:
    return _current.get().add(block)


def _copy(label: Any) -> str:
    _current.get().copies.append((_s(label), []))
    return ""


def _title(text: Any) -> str:
    return _add(B.Title(_s(text)))


def _subtitle(text: Any) -> str:
    return _add(B.Subtitle(_s(text))) if _s(text) else ""


def _mark(text: Any, role: str = "") -> str:
    return _add(B.Mark(_s(text), role))


def _heading(text: Any) -> str:
    return _add(B.Heading(_s(text)))


def _field(label: Any, value: Any) -> str:
    """An empty value is left out: optional data simply does not show."""
    return _add(B.Field(_s(label), _s(value))) if _s(value) else ""


def _para(text: Any) -> str:
    return _add(B.Para(_s(text))) if _s(text) else ""


def _item(marker: Any, text: Any) -> str:
    return _add(B.Item(_s(marker), _s(text))) if _s(text) else ""


def _table(headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    head = tuple(_s(h) for h in headers)
    body = tuple(tuple(_s(c) for c in row) for row in rows)
    return _add(B.Table(head, body)) if body else ""


def _sign(text: Any) -> str:
    return _add(B.Sign(_s(text))) if _s(text) else ""


def _rule() -> str:
    return _add(B.Rule())


def _blank() -> str:
    return _add(B.Blank())


def cn_date(value: date | None) -> str:
    """2026年11月24日 (no leading zeros, as written on Chinese official documents)."""
    if value is None:
        return ""
    return T.DATE_FORMAT.format(year=value.year, month=value.month, day=value.day)


def cn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{cn_date(value)} {value:%H:%M}"


def hm(value: datetime | None) -> str:
    return "" if value is None else f"{value:%H:%M}"


_FUNCTIONS = {
    "copy": _copy,
    "title": _title,
    "subtitle": _subtitle,
    "mark": _mark,
    "heading": _heading,
    "field": _field,
    "para": _para,
    "item": _item,
    "table": _table,
    "sign": _sign,
    "rule": _rule,
    "blank": _blank,
}
_FILTERS = {"cn_date": cn_date, "cn_datetime": cn_datetime, "hm": hm}


def _environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
    )
    env.globals.update(_FUNCTIONS)
    env.filters.update(_FILTERS)
    return env


@cache
def _builtin_env() -> SandboxedEnvironment:
    return _environment((builtin_template_dir(),))


def _override_env(override: Path) -> SandboxedEnvironment:
    return _environment((override, builtin_template_dir()))


# --- rendering ---------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TemplateProblem):
        return exc.message
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return T.TEMPLATE_SYNTAX.format(line=exc.lineno, detail=exc.message or "")
    if isinstance(exc, jinja2.UndefinedError):
        return T.TEMPLATE_UNDEFINED.format(detail=exc.message or "")
    return T.TEMPLATE_OTHER.format(detail=redact(str(exc)) or type(exc).__name__)


def _run(env: SandboxedEnvironment, data: NoticeData) -> list[B.Copy]:
    builder = _Builder()
    token = _current.set(builder)
    try:
        template = env.get_template(template_name(data.kind))
        stray = template.render(data.to_context()).strip()
    finally:
        _current.reset(token)
    if stray:
        raise TemplateProblem(T.TEMPLATE_STRAY_TEXT.format(text=stray.splitlines()[0][:30]))
    copies = [B.Copy(label, tuple(blocks)) for label, blocks in builder.copies if blocks]
    if not copies:
        raise TemplateProblem(T.TEMPLATE_EMPTY)
    return copies


_FULLWIDTH = {",": "\uff0c", ":": "\uff1a", ";": "\uff1b", "?": "\uff1f", "!": "\uff01"}
_PARENS = re.compile(r"\(([^()]*)\)")


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def cjk_punctuation(text: str) -> str:
    """ASCII , : ; ? ! ( ) next to Chinese become their full-width forms, as Chinese typesetting wants.

    Times (09:30), case numbers and masked IDs are left alone: they have no Chinese neighbour.
    Editors (and visitors) type ASCII punctuation; the printed notice should not show it.
    """
    if not text or text.isascii():
        return text

    def paren(m: re.Match[str]) -> str:
        start = m.start()
        before = text[start - 1] if start else ""
        if any(_is_cjk(c) for c in m.group(1)) or (before and _is_cjk(before)):
            return "\uff08" + m.group(1) + "\uff09"
        return m.group(0)

    text = _PARENS.sub(paren, text)
    out: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in _FULLWIDTH:
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < n else ""
            if (prev and _is_cjk(prev)) or (nxt and _is_cjk(nxt)):
                out.append(_FULLWIDTH[ch])
                i += 1
                while i < n and text[i] == " ":  # the full-width mark carries its own space
                    i += 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _clean(text: str) -> str:
    return cjk_punctuation(redact(text))


def _safe_block(block: B.Block) -> B.Block:
    """Last line of defence: no number typed anywhere reaches paper unmasked; Chinese punctuation."""
    match block:
        case B.Field(label=label, value=value):
            return B.Field(_clean(label), _clean(value))
        case B.Item(marker=marker, text=text):
            return B.Item(_clean(marker), _clean(text))
        case B.Table(headers=headers, rows=rows):
            return B.Table(tuple(_clean(h) for h in headers), tuple(tuple(_clean(c) for c in r) for r in rows))
        case B.Mark(text=text, role=role):
            return B.Mark(_clean(text), role)
        case B.Rule() | B.Blank():
            return block
        case _:
            return type(block)(_clean(block.text))


def _ensure_marks(data: NoticeData, copy: B.Copy) -> B.Copy:
    """A training print always says so; a reprint always says so, even if a template forgot."""
    blocks = list(copy.blocks)
    roles = {b.role for b in blocks if isinstance(b, B.Mark)}
    if data.reprint_at is not None and "reprint" not in roles:
        blocks.insert(0, B.Mark(T.REPRINT_MARK_FALLBACK.format(time=cn_datetime(data.reprint_at)), "reprint"))
    if data.training and "training" not in roles:
        blocks.insert(0, B.Mark(T.TRAINING_MARK_FALLBACK, "training"))
    return B.Copy(_clean(copy.label), tuple(_safe_block(b) for b in blocks))


def render_document(data: NoticeData, *, data_dir: Path | None = None, check: bool = True) -> B.Document:
    """The notice as blocks. Uses the centre's template when there is one and it works."""
    if check:
        check_notice(data)
    warnings: list[str] = []
    source = "builtin"
    copies: list[B.Copy] | None = None
    override = override_template_dir(data_dir) if data_dir is not None else None
    if override is not None and any(override.glob(f"*{TEMPLATE_SUFFIX}")):
        try:
            copies = _run(_override_env(override), data)
            source = "override" if (override / template_name(data.kind)).exists() else "builtin"
        except Exception as exc:  # a centre's template may fail in any way; the notice must not
            warnings.append(T.TEMPLATE_BROKEN.format(name=template_name(data.kind), detail=_describe(exc)))
    if copies is None:
        try:
            copies = _run(_builtin_env(), data)
        except Exception as exc:
            raise TemplateProblem(
                T.TEMPLATE_BUILTIN_BROKEN.format(name=template_name(data.kind), detail=_describe(exc))
            ) from None
    return B.Document(
        kind=data.kind.value,
        title=data.kind.label,
        copies=tuple(_ensure_marks(data, c) for c in copies),
        warnings=tuple(warnings),
        template_source=source,
    )
