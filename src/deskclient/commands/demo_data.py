"""``deskclient demo-data --cases N``: fill the demo (or, with ``--training``, the training) ledger with
realistic generated cases.

Sample data never lands in a station ledger: without ``--training`` the demo ledger is filled, whatever
the position of the flags, so ``deskclient demo-data`` on an empty folder leaves the station ledger
empty (before, it made a "station" full of samples that plain ``deskclient`` then opened as real).
"""

from __future__ import annotations

import argparse

from deskclient.strings import cli as T


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo-data", help=T.DEMO_DATA_HELP, description=T.DEMO_DATA_HELP)
    p.add_argument("--cases", type=int, default=1000, metavar="N", help=T.DEMO_DATA_CASES)
    p.add_argument("--seed", type=int, default=20261124, help=T.DEMO_DATA_SEED)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deskclient.services.context import open_context
    from deskclient.services.demo import add_follow_up_samples, ensure_demo_station, generate_cases
    from deskclient.settings import Mode, Paths

    mode = Mode.TRAINING if args.training else Mode.DEMO
    paths = Paths.resolve(args.data_dir, mode)
    ctx = open_context(paths)
    try:
        ensure_demo_station(ctx)
        seconds = generate_cases(ctx, args.cases, seed=args.seed)
        add_follow_up_samples(ctx)
        print(T.DEMO_DATA_DONE.format(path=paths.ledger_file, n=args.cases, seconds=seconds))
        return 0
    finally:
        ctx.close()
