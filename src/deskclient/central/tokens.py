"""Station tokens at the office: issue, look up, rotate, revoke.

The office stores only the token's SHA-256 (tokens are 256-bit random strings, so a fast hash is
enough) and the bundle key derived from the token (:func:`bundle_key_hex`, the one place the office
derives it). Rotating the token therefore rotates the bundle key with it: bundles signed with the old
key are refused, like the old token.

A revoked station keeps its row and its events (the county view still shows them) but its
``token_hash`` becomes ``revoked-<random>`` — never the hash of any token, so every token fails —
and its bundle key is emptied. ``rotate-token`` gives a revoked station a working token again.
(A marker in the existing columns, rather than a new column, keeps existing office databases working
without a schema migration.)
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Engine, select, update

from deskclient.central.db import WRITE, stations
from deskclient.domain.errors import DeskError
from deskclient.strings import central as T

REVOKED_PREFIX = "revoked-"


class TokenError(DeskError):
    """A token command cannot do what was asked; nothing was changed."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bundle_key_hex(token: str) -> str:
    """The bundle key the office keeps for a token (derived by the station the same way)."""
    from deskclient.services import bundle as B

    return B.bundle_key(token).hex()


def is_revoked(token_hash: str) -> bool:
    return token_hash.startswith(REVOKED_PREFIX)


def station_for_token(engine: Engine, token: str) -> str | None:
    """The station code a bearer token belongs to (None when unknown or revoked)."""
    if not token:
        return None
    with engine.connect() as conn:
        return conn.execute(select(stations.c.code).where(stations.c.token_hash == hash_token(token))
                            ).scalar_one_or_none()


def rotate_token(engine: Engine, code: str) -> str:
    """Give the station a new token (returned once) and the bundle key derived from it.

    The old token and the old bundle key stop working when this commits.
    """
    token = new_token()
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        done = conn.execute(update(stations).where(stations.c.code == code).values(
            token_hash=hash_token(token), bundle_key=bundle_key_hex(token))).rowcount
    if not done:
        raise TokenError(T.STATION_UNKNOWN.format(code=code[:40]))
    return token


def revoke_station(engine: Engine, code: str) -> None:
    """Refuse the station's token and bundles from now on; its events stay at the office."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        done = conn.execute(update(stations).where(stations.c.code == code).values(
            token_hash=REVOKED_PREFIX + secrets.token_hex(28), bundle_key="")).rowcount
    if not done:
        raise TokenError(T.STATION_UNKNOWN.format(code=code[:40]))
