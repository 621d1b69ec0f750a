"""Provincial 好差评 presets (``data/rating_presets.toml``): each province's five scores and its
follow-up deadlines, parsed and checked here (the file itself is read by ``services.rules``).

Split out of the clocks module: the presets are settings data, not a clock computation.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from typing import Any

from deskclient.domain.errors import ValidationError
from deskclient.strings import clocks as T

# --------------------------------------------------------------------------------------------------
# Provincial rating presets (data/rating_presets.toml; the file is read in services)
# --------------------------------------------------------------------------------------------------

_PRESET_INTS = ("very_satisfied", "satisfied", "basic", "unsatisfied", "very_unsatisfied",
                "visit_within_days", "rectify_within_days")
_PRESET_KEYS = (*_PRESET_INTS, "name", "source")


@dataclass(frozen=True)
class RatingPreset:
    """One province's (or city's) 好差评 scores and follow-up deadlines."""

    key: str  # what ``[rating] province`` in settings.toml names
    name: str  # shown: "四川省" ...
    very_satisfied: int
    satisfied: int
    basic: int
    unsatisfied: int
    very_unsatisfied: int
    visit_within_days: int
    rectify_within_days: int
    source: str = ""

    def values(self) -> dict[str, Any]:
        """The scores and deadlines (the fields ``RatingSettings`` has too)."""
        return {name: getattr(self, name) for name in _PRESET_INTS}


def parse_rating_presets(text: str, source: str) -> dict[str, RatingPreset]:
    """Parse the presets file: one ``[key]`` table per province. Raises ValidationError (Chinese)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None) or 1
        raise ValidationError(T.PRESETS_SYNTAX.format(source=source, line=line)) from None
    presets: dict[str, RatingPreset] = {}
    for key, raw in data.items():
        if not isinstance(raw, dict):
            raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                      detail=T.PRESET_FIELD_MISSING.format(field="name")))
        for name in raw:
            if name not in _PRESET_KEYS:
                raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                          detail=T.PRESET_UNKNOWN_FIELD.format(field=name)))
        values: dict[str, Any] = {}
        for name in _PRESET_INTS:
            if name not in raw:
                raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                          detail=T.PRESET_FIELD_MISSING.format(field=name)))
            v = raw[name]
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                          detail=T.PRESET_FIELD_BAD.format(field=name)))
            values[name] = v
        scores = [values[n] for n in _PRESET_INTS[:5]]
        if any(a < b for a, b in itertools.pairwise(scores)):
            raise ValidationError(T.PRESET_BAD.format(source=source, key=key, detail=T.PRESET_SCORES_ORDER))
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(T.PRESET_BAD.format(source=source, key=key,
                                                      detail=T.PRESET_FIELD_MISSING.format(field="name")))
        presets[key] = RatingPreset(key=key, name=name.strip(), source=str(raw.get("source", "")), **values)
    return presets


__all__ = ["RatingPreset", "parse_rating_presets"]
