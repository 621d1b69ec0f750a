"""Sign-in before the ledger is fully open: the clerk list the first screen paints (paint first).

Imports only ``sqlite3`` (through :mod:`deskclient.store.sign_in_list`): the desk shows sign-in from
this while SQLAlchemy, SQLModel and the services load in a worker. PIN checks go through
``ctx.people.verify_pin`` once the context is open.
"""

from __future__ import annotations

from deskclient.settings import Paths
from deskclient.store.sign_in_list import ClerkEntry, SignInList, read_sign_in_list

__all__ = ["ClerkEntry", "SignInList", "sign_in_list"]


def sign_in_list(paths: Paths) -> SignInList | None:
    """The station's active clerks read without the ORM, or None when the desk must open the full way
    first (no ledger yet, a migration pending, no station configured, an unreadable file)."""
    return read_sign_in_list(paths.ledger_file)
