"""``deskclient catalog validate|list|show|search``: the service catalog from a terminal.

An administrator edits the TOML files and runs ``catalog validate`` until it prints the OK line;
``list``/``show``/``search`` show what the desk will use. Imports stay light (argparse at import
time; rich, pypinyin and the catalog modules only inside the handlers).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskclient.strings import catalog as T

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from deskclient.domain.catalog import Catalog, CatalogProblem, ServiceItem

EXIT_OK = 0
EXIT_PROBLEMS = 1


def register(subparsers: Any) -> None:
    """Add ``catalog`` and its sub-subcommands; each sets ``func``."""
    parser = subparsers.add_parser("catalog", help=T.CLI_HELP, description=T.CLI_HELP)
    sub = parser.add_subparsers(dest="catalog_command", metavar="{validate,list,show,search}", prog=parser.prog)
    parser.set_defaults(func=lambda args: _usage(parser))

    validate = sub.add_parser("validate", help=T.CLI_VALIDATE_HELP, description=T.CLI_VALIDATE_HELP)
    validate.add_argument("path", type=Path, metavar="PATH", help=T.CLI_PATH_HELP)
    validate.set_defaults(func=cmd_validate)

    listing = sub.add_parser("list", help=T.CLI_LIST_HELP, description=T.CLI_LIST_HELP)
    _add_source_args(listing)
    listing.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help=T.CLI_SHOW_HELP, description=T.CLI_SHOW_HELP)
    show.add_argument("code", metavar="CODE", help=T.CLI_CODE_HELP)
    _add_source_args(show)
    show.set_defaults(func=cmd_show)

    search = sub.add_parser("search", help=T.CLI_SEARCH_HELP, description=T.CLI_SEARCH_HELP)
    search.add_argument("query", metavar="QUERY", help=T.CLI_QUERY_HELP)
    search.add_argument("--limit", type=int, default=20, help=argparse.SUPPRESS)
    _add_source_args(search)
    search.set_defaults(func=cmd_search)


def _add_source_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", dest="as_json", help=T.CLI_JSON_HELP)
    parser.add_argument("--path", type=Path, default=None, metavar="PATH", help=T.CLI_PATH_HELP)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _table(*titles: str) -> Any:
    """A table whose cells fold rather than cut: CJK text has no spaces to wrap at."""
    from rich.table import Table

    table = Table()
    for title in titles:
        table.add_column(title, overflow="fold")
    return table


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _problem_lines(problems: list[CatalogProblem] | tuple[CatalogProblem, ...]) -> list[str]:
    return [f"{p.file}:{p.line}: {p.message}" for p in problems]


def cmd_validate(args: argparse.Namespace) -> int:
    """Print every problem as ``file:line: message``; exit 1 if there is any."""
    from deskclient.services.catalog_files import load_files, validate_path

    path: Path = args.path
    problems = validate_path(path)
    out = _console()
    if problems:
        for line in _problem_lines(problems):
            out.print(line, markup=False, soft_wrap=True)  # one ``file:line: message`` per line, however long
        _console(stderr=True).print(T.CLI_VALIDATE_FAILED.format(count=len(problems)), markup=False)
        return EXIT_PROBLEMS
    catalog, _ = load_files(path)
    from deskclient.services.catalog_files import catalog_index
    from deskclient.services.catalog_search import user_cache_dir

    catalog_index(catalog, user_cache_dir())  # pinyin computed once, here, not at the counter
    files = len({it.source_file for it in catalog}) or 1
    out.print(T.CLI_VALIDATE_OK.format(files=files, items=len(catalog)), markup=False)
    return EXIT_OK


def _catalog_for(args: argparse.Namespace) -> tuple[Catalog, str, list[CatalogProblem]]:
    """The catalog the command works on: ``--path`` if given, else what the desk would load."""
    path: Path | None = getattr(args, "path", None)
    if path is not None:
        from deskclient.services.catalog_files import load_files

        if not path.exists():
            from deskclient.domain.catalog import Catalog, CatalogProblem

            return Catalog(), str(path), [CatalogProblem(str(path), 0, T.PATH_NOT_FOUND)]
        catalog, problems = load_files(path)
        return catalog, str(path), problems
    from deskclient.services.catalog_files import load_catalog

    load = load_catalog(_data_dir(args), remember=False)
    return load.catalog, T.SOURCE_LABELS[load.source], list(load.problems)


def _index_dir(args: argparse.Namespace) -> Path:
    """Where the catalog's search index is cached: the data dir for the desk's own catalog, the
    user's cache dir for a catalog given with ``--path`` (or when there is no data dir)."""
    from deskclient.services.catalog_search import user_cache_dir

    if getattr(args, "path", None) is None:
        data_dir = _data_dir(args)
        if data_dir is not None and data_dir.is_dir():
            return data_dir
    return user_cache_dir()


def _data_dir(args: argparse.Namespace) -> Path | None:
    raw = getattr(args, "data_dir", None)
    try:
        from deskclient.paths import Paths

        return Paths.resolve(raw).data_dir
    except Exception:  # settings trouble must not stop a read-only listing
        return Path(raw) if raw else None


def _report_problems(problems: list[CatalogProblem]) -> None:
    if not problems:
        return
    err = _console(stderr=True)
    err.print(T.CLI_PROBLEMS_HEADER.format(count=len(problems)), markup=False)
    for line in _problem_lines(problems):
        err.print(line, markup=False, soft_wrap=True)


def _days(days: int, immediate: bool) -> str:
    if immediate:
        return T.IMMEDIATE_DAYS
    return T.DAYS.format(days=days) if days else T.NOT_SET


def cmd_list(args: argparse.Namespace) -> int:
    """All items in catalog order, as a table or JSON."""
    from deskclient.domain.catalog import item_to_data

    catalog, source, problems = _catalog_for(args)
    if args.as_json:
        _print_json({"source": source, "version": catalog.version, "sample": catalog.sample,
                     "problems": _problem_lines(problems), "items": [item_to_data(it) for it in catalog]})
        return EXIT_OK if len(catalog) else EXIT_PROBLEMS
    _report_problems(problems)
    from rich.text import Text

    table = _table(T.COL_CODE, T.COL_NAME, T.COL_DEPARTMENT, T.COL_WINDOW, T.COL_CLASS,
                   T.COL_PROMISED_SHORT, T.COL_LEGAL_SHORT)
    table.caption = T.LIST_CAPTION
    for it in catalog:
        promised = T.IMMEDIATE_SHORT if it.is_immediate else str(it.promised_days)
        legal = T.IMMEDIATE_SHORT if it.is_immediate else (str(it.legal_days) if it.legal_days else T.NOT_SET)
        table.add_row(*(Text(v) for v in (it.code, it.name, it.department, it.window, it.item_class.label,
                                            promised, legal)))
    out = _console()
    out.print(table)
    out.print(T.CLI_SOURCE_LINE.format(source=source, version=catalog.version, count=len(catalog)),
              markup=False)
    if catalog.sample:
        out.print(T.SAMPLE_WARNING, markup=False)
    return EXIT_OK if len(catalog) else EXIT_PROBLEMS


def cmd_show(args: argparse.Namespace) -> int:
    """One item with every field, its steps and its materials table."""
    from deskclient.domain.catalog import item_to_data

    catalog, _source, problems = _catalog_for(args)
    item = catalog.get(args.code)
    if item is None:
        _report_problems(problems)
        _console(stderr=True).print(T.CLI_ITEM_NOT_FOUND.format(code=args.code), markup=False)
        return EXIT_PROBLEMS
    if args.as_json:
        _print_json(item_to_data(item) | {"class_label": item.item_class.label,
                                          "source_file": item.source_file, "source_line": item.source_line})
        return EXIT_OK
    _report_problems(problems)
    _print_item(item)
    return EXIT_OK


def _print_item(item: ServiceItem) -> None:
    from rich.table import Table
    from rich.text import Text

    out = _console()
    out.print(Text(f"{item.code}  {item.name}", style="bold"))
    fields = Table.grid(padding=(0, 2))
    fields.add_column(no_wrap=True)
    fields.add_column(overflow="fold")
    rows = [
        (T.COL_DEPARTMENT, item.department),
        (T.COL_WINDOW, item.window),
        (T.COL_CLASS, item.item_class.label),
        (T.COL_PROMISED, _days(item.promised_days, item.is_immediate)),
        (T.COL_LEGAL, _days(item.legal_days, item.is_immediate)),
        (T.FIELD_ALIASES, "、".join(item.aliases) or T.NOT_SET),
        (T.FIELD_BASIS, item.basis),
        (T.FIELD_CONDITIONS, item.conditions or T.NOT_SET),
        (T.FIELD_FEE, item.fee),
        (T.FIELD_FEE_BASIS, item.fee_basis or T.NOT_SET),
        (T.FIELD_SOURCE, f"{item.source_file}:{item.source_line}" if item.source_file else T.NOT_SET),
    ]
    for label, value in rows:
        fields.add_row(Text(label), Text(value))
    out.print(fields)

    steps = _table(T.COL_NO, T.COL_STEP, T.COL_STEP_COUNTS)
    for n, step in enumerate(item.steps, start=1):
        steps.add_row(Text(str(n)), Text(step.name),
                      Text(T.STEP_COUNTS_LABEL if step.counts else T.STEP_PAUSED_LABEL))
    out.print(steps)

    materials = _table(T.COL_NO, T.COL_MATERIAL, T.COL_FORM, T.COL_COPIES, T.COL_KIND, T.COL_NOTES)
    for n, m in enumerate(item.materials, start=1):
        materials.add_row(Text(str(n)), Text(m.name), Text(m.form.label), Text(str(m.copies)),
                          Text(T.MAIN_LABEL if m.main else T.SUPPORTING_LABEL), Text(m.notes))
    out.print(materials)


def cmd_search(args: argparse.Namespace) -> int:
    """Best matches for the query, as the desk's search box would show them.

    Answered from the catalog's cached index file when the catalog's files are unchanged
    (``services.catalog_files.search_catalog``), and printed as plain aligned lines: no TOML
    parse and no rich console on a search (issue 20: they were most of its 0.6 s)."""
    from deskclient.services.catalog_search import search_catalog

    path: Path | None = getattr(args, "path", None)
    answer = search_catalog(args.query, max(1, args.limit), _data_dir(args) if path is None else None,
                            _index_dir(args), path)
    if args.as_json:
        _print_json({"query": args.query, "hits": [
            {"code": h.code, "name": h.name, "score": h.score, "matched": h.matched} for h in answer.hits]})
        return EXIT_OK
    _report_problems(list(answer.problems))
    if not answer.hits:
        sys.stdout.write(T.CLI_NO_RESULTS.format(query=args.query) + "\n")
        return EXIT_OK
    rows = [(h.code, h.name, h.window, str(h.score), h.matched) for h in answer.hits]
    sys.stdout.write(plain_table((T.COL_CODE, T.COL_NAME, T.COL_WINDOW, T.COL_SCORE, T.COL_MATCHED), rows))
    return EXIT_OK


def _width(text: str) -> int:
    """Terminal columns of ``text``: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def plain_table(titles: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell (CJK counted double), two spaces apart, a rule under the
    titles: what a terminal or a script reading the lines needs, without rich's console."""
    widths = [max(_width(cell) for cell in column) for column in zip(titles, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"

    return line(titles) + "  ".join("-" * w for w in widths) + "\n" + "".join(line(r) for r in rows)
