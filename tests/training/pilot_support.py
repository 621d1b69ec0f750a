"""What the training Pilot tests share: a training data dir that demonstrates at pace 0, the wait
for the app to settle (every worker done, every message handled) instead of a sleep, and the guide
panel's text as the trainee sees it."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from deskclient.settings import Mode, Paths


def training_paths(tmp_path: Path) -> Paths:
    """A training data dir whose demonstrations type at pace 0 (the tests wait on state, not time)."""
    paths = Paths.resolve(tmp_path, Mode.TRAINING)
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text("[training]\ndemo_key_delay_s = 0\n", encoding="utf-8")
    return paths


async def settle(app: Any, pilot: Any, rounds: int = 4) -> None:
    """Wait until the app's workers are done and their messages handled, ``rounds`` times over."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        with contextlib.suppress(WorkerCancelled):  # an exclusive worker superseded by a newer one
            await app.workers.wait_for_complete()
        await pilot.pause()


def panel_text(app: Any) -> str:
    """The guide panel's text: of the top screen, or of the screen under a notice preview or dialog."""
    from deskclient.ui.widgets.training_panel import TrainingPanel

    for screen in reversed(app.screen_stack):
        panels = list(screen.query(TrainingPanel))
        if panels:
            return str(panels[0].render())
    raise AssertionError("no training panel on any screen")
