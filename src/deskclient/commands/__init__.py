"""CLI subcommands, one module each. A module exposes ``register(subparsers)`` and keeps its
module-level imports light: heavy libraries are imported inside the handler, so ``deskclient --help``
and ``deskclient due-date`` never pay for Textual, SQLAlchemy or HTTP."""
