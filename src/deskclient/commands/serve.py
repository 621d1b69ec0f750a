"""``deskclient serve --training``: show the desk in a web browser (textual-serve), e.g. on a projector.

Only training or demo data may be served: the station's real ledger never goes over HTTP.
Bound to localhost unless the trainer asks for another address.
"""

from __future__ import annotations

import argparse

from deskclient.strings import cli as T


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help=T.SERVE_HELP, description=T.SERVE_HELP)
    p.add_argument("--host", default="localhost", help=T.SERVE_HOST)
    p.add_argument("--port", type=int, default=8000, help=T.SERVE_PORT)
    p.add_argument("--projector", action="store_true", help=T.SERVE_PROJECTOR)
    p.set_defaults(func=run)


def serve_command(args: argparse.Namespace) -> str:
    """The command textual-serve starts for each browser connection (same interpreter, same data dir)."""
    import shlex
    import sys

    parts = [sys.executable, "-m", "deskclient"]
    if args.data_dir:
        parts += ["--data-dir", str(args.data_dir)]
    parts.append("--training" if args.training else "--demo")
    return shlex.join(parts)


def run(args: argparse.Namespace) -> int:
    import sys

    if not (args.training or args.demo):
        print(T.SERVE_NEEDS_TRAINING, file=sys.stderr)
        return 2
    import os

    from deskclient.ui.web_serve import PROJECTOR_ENV, TrainingServer

    if args.projector:
        os.environ[PROJECTOR_ENV] = "1"  # the desk started for each browser takes the light theme
    print(T.SERVE_STARTED.format(url=f"http://{args.host}:{args.port}"))
    if args.host not in ("localhost", "127.0.0.1", "::1"):
        print(T.SERVE_OTHER_PCS.format(port=args.port))
    TrainingServer(serve_command(args), host=args.host, port=args.port, projector=args.projector).serve()
    return 0
