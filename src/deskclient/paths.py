"""Where things live: the data, settings and log folders of a station, demo or training desk.

Split from ``settings.py`` (which re-exports it) so a command that only needs its folders, such
as ``deskclient catalog search``, does not define the settings file's eight dataclasses at start.
``--data-dir DIR`` or ``DESKCLIENT_HOME`` puts everything (settings, ledger, archive, logs) under
one folder; otherwise the platform's per-user folders are used. Demo and training each get a
separate sub-folder, so sample data never lands in the station's real ledger.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

APP_NAME = "deskclient"
ENV_HOME = "DESKCLIENT_HOME"


class Mode:
    STATION = "station"
    DEMO = "demo"
    TRAINING = "training"


def mode_of(args: object) -> str:
    """The mode the command line asks for (``--training`` wins over ``--demo``); ``args`` is the
    parsed argparse namespace."""
    if getattr(args, "training", False):
        return Mode.TRAINING
    if getattr(args, "demo", False):
        return Mode.DEMO
    return Mode.STATION


class Paths(NamedTuple):
    """A desk's folders. A NamedTuple (``paths._replace(...)`` for a changed copy), not a dataclass:
    ``dataclasses`` (with inspect, ast, dis) is ~8 ms, a sixth of ``deskclient catalog search``."""

    config_file: Path
    data_dir: Path
    log_dir: Path
    mode: str = Mode.STATION

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None, mode: str = Mode.STATION) -> Paths:
        home = data_dir or os.environ.get(ENV_HOME)
        if home:
            root = Path(home).expanduser().resolve()
            base = cls(config_file=root / "settings.toml", data_dir=root, log_dir=root / "logs")
        else:
            import platformdirs

            base = cls(
                config_file=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.toml",
                data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
                log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            )
        return base.for_mode(mode)

    def for_mode(self, mode: str) -> Paths:
        """Demo and training live in their own folder with their own settings and ledger."""
        if mode == Mode.STATION:
            return self._replace(mode=mode)
        sub = self.data_dir / mode
        return Paths(config_file=sub / "settings.toml", data_dir=sub, log_dir=self.log_dir, mode=mode)

    @property
    def ledger_file(self) -> Path:
        return self.data_dir / "ledger.sqlite"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def log_file(self) -> Path:
        name = "deskclient.log" if self.mode == Mode.STATION else f"deskclient-{self.mode}.log"
        return self.log_dir / name
