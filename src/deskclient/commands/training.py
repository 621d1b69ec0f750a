"""``deskclient training validate PATH | handout | summary``: the trainer's headless tools.

- ``validate PATH``: check one scenario file or a folder of them; every problem with file and line.
- ``handout [--scenario ID ...] [--phrasebook] -o FILE``: an A4 PDF to print for the class.
- ``summary [--format table|csv] [-o FILE]``: who practised which scenario, right / with help / wrong.

Light at import time; the services are imported when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from deskclient.strings import training as T

if TYPE_CHECKING:
    from deskclient.settings import Paths

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("training", help=T.CMD_HELP, description=T.CMD_HELP)
    tsub = p.add_subparsers(dest="training_command", metavar=T.CMD_METAVAR, required=True)
    v = tsub.add_parser("validate", help=T.CMD_VALIDATE_HELP, description=T.CMD_VALIDATE_HELP)
    v.add_argument("path", metavar="PATH", help=T.ARG_PATH)
    v.set_defaults(func=run_validate)
    h = tsub.add_parser("handout", help=T.CMD_HANDOUT_HELP, description=T.CMD_HANDOUT_HELP)
    h.add_argument("--scenario", action="append", default=[], metavar="ID", help=T.ARG_SCENARIO)
    h.add_argument("--phrasebook", action="store_true", help=T.ARG_PHRASEBOOK)
    h.add_argument("-o", "--output", required=True, metavar="FILE", help=T.ARG_OUTPUT_PDF)
    h.set_defaults(func=run_handout)
    s = tsub.add_parser("summary", help=T.CMD_SUMMARY_HELP, description=T.CMD_SUMMARY_HELP)
    s.add_argument("--format", dest="fmt", choices=("table", "csv"), default="table", help=T.ARG_FORMAT)
    s.add_argument("-o", "--output", default="", metavar="FILE", help=T.ARG_OUTPUT)
    s.set_defaults(func=run_summary)


def _paths(args: argparse.Namespace) -> Paths:
    from deskclient.settings import Mode, Paths

    return Paths.resolve(args.data_dir, Mode.TRAINING)


def run_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deskclient.services.training import validate_path

    path = Path(args.path)
    if not path.exists():
        print(T.PATH_NOT_FOUND.format(path=path), file=sys.stderr)
        return EXIT_BAD_INPUT
    good, bad = validate_path(path)
    if not good and not bad:
        print(T.NO_FILES.format(path=path), file=sys.stderr)
        return EXIT_BAD_INPUT
    for s in good:
        print(T.VALID_FILE.format(file=s.source, steps=len(s.steps)))
    for b in bad:
        for p in b.problems:
            print(str(p), file=sys.stderr)
    return EXIT_PROBLEMS if bad else EXIT_OK


def run_handout(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deskclient.services.files import atomic_write_bytes
    from deskclient.services.training import load_phrasebook, load_scenarios, trainer_folder
    from deskclient.services.training_handout import handout_pdf

    scenarios, _broken = load_scenarios(trainer_folder(_paths(args)))
    by_id = {s.id: s for s in scenarios}
    unknown = [i for i in args.scenario if i not in by_id]
    if unknown:
        print(T.UNKNOWN_SCENARIO.format(ids="、".join(unknown), known="、".join(by_id)), file=sys.stderr)
        return EXIT_BAD_INPUT
    chosen = [by_id[i] for i in args.scenario] if args.scenario else ([] if args.phrasebook else scenarios)
    book = load_phrasebook() if (args.phrasebook or not args.scenario) else None
    atomic_write_bytes(Path(args.output), handout_pdf(chosen, book))
    print(T.HANDOUT_WRITTEN.format(path=args.output, scenarios=len(chosen)))
    return EXIT_OK


def run_summary(args: argparse.Namespace) -> int:
    from pathlib import Path

    from deskclient.services.files import atomic_write_bytes
    from deskclient.services.trainees import TraineeBook

    book = TraineeBook.for_paths(_paths(args))
    if args.fmt == "csv":
        text = book.summary_csv()
        if args.output:
            atomic_write_bytes(Path(args.output), text.encode("utf-8"))
        else:
            sys.stdout.write(text)
        return EXIT_OK
    print(book.summary_table() if book.summary() else T.SUMMARY_EMPTY)
    return EXIT_OK
