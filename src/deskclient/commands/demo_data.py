"""``deskclient demo-data --cases N``: fill a demo/training ledger with realistic generated cases."""

from __future__ import annotations

import argparse

from deskclient.strings import cli as T


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo-data", help=T.DEMO_DATA_HELP, description=T.DEMO_DATA_HELP)
    p.add_argument("--cases", type=int, default=1000, metavar="N", help=T.DEMO_DATA_CASES)
    p.add_argument("--seed", type=int, default=20261124, help="random seed")
    p.add_argument("--demo", action="store_true", help=T.DEMO)
    p.add_argument("--training", action="store_true", help=T.TRAINING)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from deskclient.commands.app import mode_of
    from deskclient.services.context import open_context
    from deskclient.services.demo import ensure_demo_station, generate_cases
    from deskclient.settings import Mode, Paths

    mode = mode_of(args)
    paths = Paths.resolve(args.data_dir, mode)
    ctx = open_context(paths)
    try:
        if mode == Mode.STATION and ctx.people.is_configured() and not _is_demo_station(ctx):
            print(T.DEMO_DATA_REFUSE_STATION, file=sys.stderr)
            return 2
        ensure_demo_station(ctx)
        seconds = generate_cases(ctx, args.cases, seed=args.seed)
        print(T.DEMO_DATA_DONE.format(path=paths.ledger_file, n=args.cases, seconds=seconds))
        return 0
    finally:
        ctx.close()


def _is_demo_station(ctx) -> bool:
    station = ctx.people.station()
    return bool(station and (station.is_demo or station.is_training))
