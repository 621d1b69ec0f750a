"""Where the shipped data lives: ``data/`` in a source checkout, ``deskclient/_data`` in a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_root() -> Path:
    """The folder that holds catalog/, holidays/, templates/, fonts/, scenarios/."""
    here = Path(__file__).resolve().parent
    installed = here / "_data"
    if installed.is_dir():
        return installed
    checkout = here.parent.parent / "data"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("deskclient data folder not found (looked in _data/ and ../../data)")


def data_path(*parts: str) -> Path:
    return data_root().joinpath(*parts)
