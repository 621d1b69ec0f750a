"""Settings → clock rules: the station's ``[clocks]`` and ``[rating]`` settings (with a province's rating
preset from ``data/rating_presets.toml``) turned into the pure :class:`~deskclient.domain.clock_types.ClockRules`.

Resolved once per desk by :class:`deskclient.services.context.DeskContext` (``ctx.rules``, ``ctx.rating``);
the feature services receive the result instead of re-reading the settings.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

from deskclient.domain.clock_types import ClockRules
from deskclient.domain.errors import ValidationError
from deskclient.domain.rating_presets import RatingPreset, parse_rating_presets
from deskclient.resources import data_path
from deskclient.settings import RatingSettings, Settings
from deskclient.strings import clocks as T

PRESETS_FILE = "rating_presets.toml"


def load_rating_presets(extra_dir: Path | None = None) -> dict[str, RatingPreset]:
    """The shipped presets, overridden by a station's own ``rating_presets.toml`` in ``extra_dir``.

    Raises ValidationError (Chinese, names the file) when a file is broken.
    """
    presets = dict(_shipped_presets())
    if extra_dir is not None:
        path = extra_dir / PRESETS_FILE
        if path.is_file():
            presets.update(_read_presets(path, str(path)))
    return presets


@cache
def _shipped_presets() -> dict[str, RatingPreset]:
    path = data_path(PRESETS_FILE)
    return _read_presets(path, PRESETS_FILE) if path.is_file() else {}


def _read_presets(path: Path, shown: str) -> dict[str, RatingPreset]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise ValidationError(T.PRESETS_SYNTAX.format(source=shown, line=1)) from None
    return parse_rating_presets(text, shown)


def effective_rating(rating: RatingSettings, presets: dict[str, RatingPreset] | None = None) -> RatingSettings:
    """``[rating] province = "<preset>"`` replaces the scores and deadlines with the preset's."""
    key = rating.province.strip()
    if not key:
        return rating
    presets = presets if presets is not None else load_rating_presets()
    preset = presets.get(key)
    if preset is None:
        raise ValidationError(T.PRESET_UNKNOWN.format(preset=key, allowed="、".join(sorted(presets)) or "-"))
    return replace(rating, **preset.values())


def rules_for(settings: Settings | ClockRules, presets: dict[str, RatingPreset] | None = None) -> ClockRules:
    """The clock rules of a station's settings (a ClockRules passes through)."""
    if isinstance(settings, ClockRules):
        return settings
    return ClockRules.from_settings(settings.clocks, effective_rating(settings.rating, presets))
