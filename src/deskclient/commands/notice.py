"""``deskclient notice CASE_NO --type TYPE --format text|escpos|pdf [--width N] [-o FILE]``.

Renders a case's notice for scripts (export, batch printing elsewhere) through ``ctx.notices``, the
same service as the desk's preview, so every kind (checklist and promise too, which need the catalog's
basis, procedure, limit and fee) prints as at the window. It reads the ledger and changes nothing:
issuing (ledger row, archive, printer) happens at the desk. Imports stay light at module level.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from deskclient.strings import notices as T

FORMATS = ("text", "escpos", "pdf")
KINDS = ("acceptance", "promise", "joint", "supplement", "rejection", "checklist", "completion", "extension",
         "clock_pause", "urgent", "follow_up")


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


def run(args: argparse.Namespace) -> int:
    from deskclient.domain.errors import ValidationError
    from deskclient.domain.notices import NoticeKind
    from deskclient.services.context import open_context
    from deskclient.services.files import atomic_write_bytes
    from deskclient.settings import Paths, mode_of

    kind = NoticeKind.parse(args.kind)
    if args.fmt in ("pdf", "escpos") and args.output is None:
        raise ValidationError(T.CLI_BINARY_NEEDS_FILE.format(format=args.fmt))
    paths = Paths.resolve(args.data_dir, mode_of(args))
    if not paths.ledger_file.exists():
        raise ValidationError(T.CLI_NO_LEDGER.format(path=paths.ledger_file))
    ctx = open_context(paths)
    try:
        # the same NoticeData as the desk's preview and F9: ledger rows plus the catalog's fields
        rendered = ctx.notices.render_case_notice(args.case_no, kind, args.fmt, width=args.width,
                                                  reprint=args.reprint)
    finally:
        ctx.close()
    for warning in rendered.warnings:
        print(warning, file=sys.stderr)
    if args.fmt == "text" and args.output is None:
        sys.stdout.write(rendered.text)
        return 0
    atomic_write_bytes(args.output, rendered.content)
    print(T.CLI_WRITTEN.format(path=args.output), file=sys.stderr)
    return 0
