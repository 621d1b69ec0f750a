"""``deskclient notice CASE_NO --type TYPE --format text|escpos|pdf [--width N] [-o FILE]``.

Renders a case's notice from the ledger for scripts (export, batch printing elsewhere). It reads
the ledger and changes nothing: issuing (ledger row, archive, printer) happens at the desk. Imports
stay light at module level; the ledger, fpdf and escpos are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from deskclient.strings import notices as T

FORMATS = ("text", "escpos", "pdf")
KINDS = ("acceptance", "promise", "joint", "supplement", "rejection", "checklist", "completion", "extension")


def register(subparsers: Any) -> None:
    """Add the ``notice`` subcommand to the top-level parser's subparsers."""
    parser = subparsers.add_parser("notice", help=T.CLI_HELP, description=T.CLI_HELP)
    parser.add_argument("case_no", metavar="CASE_NO", help=T.CLI_CASE_HELP)
    parser.add_argument("--type", dest="kind", required=True, metavar="TYPE",
                        help=T.CLI_TYPE_HELP.format(kinds=", ".join(KINDS)))
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="text", help=T.CLI_FORMAT_HELP)
    parser.add_argument("--width", type=int, default=None, metavar="N", help=T.CLI_WIDTH_HELP)
    parser.add_argument("-o", "--output", type=Path, default=None, metavar="FILE", help=T.CLI_OUTPUT_HELP)
    parser.add_argument("--reprint", action="store_true", help=T.CLI_REPRINT_HELP)
    parser.set_defaults(func=run)


def _catalog_item(data_dir: Path, code: str) -> Any:
    """The case's catalog item (materials' notes, conditions, joint departments), None if unknown."""
    try:
        from deskclient.services.catalog_files import load_catalog

        return load_catalog(data_dir).catalog.get(code)
    except Exception:  # the catalog adds detail; the notice is still rendered from the ledger
        return None


def run(args: argparse.Namespace) -> int:
    from sqlmodel import Session, select

    from deskclient.domain.errors import ValidationError
    from deskclient.domain.notices import NoticeKind
    from deskclient.services.files import atomic_write_bytes
    from deskclient.services.notices.issue import notice_data_for_case
    from deskclient.services.notices.render import render_document
    from deskclient.settings import Mode, Paths, load_settings
    from deskclient.store.db import open_ledger
    from deskclient.store.models import Case

    kind = NoticeKind.parse(args.kind)
    if args.fmt in ("pdf", "escpos") and args.output is None:
        raise ValidationError(T.CLI_BINARY_NEEDS_FILE.format(format=args.fmt))
    mode = Mode.TRAINING if getattr(args, "training", False) else (
        Mode.DEMO if getattr(args, "demo", False) else Mode.STATION)
    paths = Paths.resolve(getattr(args, "data_dir", None), mode)
    settings = load_settings(paths.config_file)
    width = args.width or settings.printer.columns
    if not paths.ledger_file.exists():
        raise ValidationError(T.CLI_NO_LEDGER.format(path=paths.ledger_file))
    engine = open_ledger(paths.ledger_file)
    from datetime import datetime

    now = datetime.now().replace(microsecond=0)
    with Session(engine) as session:
        case = session.exec(select(Case).where(Case.case_no == args.case_no.strip())).first()
        if case is None:
            raise ValidationError(T.CASE_NOT_FOUND.format(case=args.case_no))
        data = notice_data_for_case(session, case.id, kind, issued_at=now,
                                    reprint_at=now if args.reprint else None, station_settings=settings.station,
                                    item=_catalog_item(paths.data_dir, case.item_code))
    doc = render_document(data, data_dir=paths.data_dir)
    for warning in doc.warnings:
        print(warning, file=sys.stderr)
    if args.fmt == "text":
        from deskclient.services.notices.text import render_text

        text = render_text(doc, width)
        if args.output is None:
            sys.stdout.write(text)
            return 0
        content = text.encode(settings.printer.encoding or "utf-8")
    elif args.fmt == "escpos":
        from deskclient.services.notices.escpos import escpos_bytes

        content = escpos_bytes(doc, width)
    else:
        from deskclient.services.notices.pdf import render_pdf

        content = render_pdf(doc, created=now)
    atomic_write_bytes(args.output, content)
    print(T.CLI_WRITTEN.format(path=args.output), file=sys.stderr)
    return 0
