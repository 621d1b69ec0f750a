"""Starting the desk (the default when no subcommand is given)."""

from __future__ import annotations

import argparse

from deskclient.strings import cli as T


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help=T.RUN_HELP, description=T.RUN_HELP)
    p.set_defaults(func=run_app)


def run_app(args: argparse.Namespace) -> int:
    import os

    from deskclient.settings import Paths, mode_of
    from deskclient.ui.app import make_app

    paths = Paths.resolve(args.data_dir, mode_of(args))
    app = make_app(paths)
    if os.environ.get("DESKCLIENT_PROJECTOR"):  # set by `serve --projector` for the training room
        app.theme = "textual-light"
    app.run()
    return int(app.return_code or 0)
