"""Station tokens at the office: issue, hash, look up, and derive the bundle key.

The office stores only the token's SHA-256 (tokens are 256-bit random strings, so a fast hash is
enough) and the bundle key derived from the token (:func:`bundle_key_hex`, the one place the office
derives it). Rotation and revocation (``central.admin.rotate_token`` / ``revoke_station``) use these,
so rotating the token rotates the bundle key with it: bundles signed with the old key are refused,
like the old token.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Engine, select

from deskclient.central.db import stations


def new_token() -> str:
    """A station token. Never one that starts with "-": on a command line (``--token X``, a scheduled
    task) the shell parser would take it for an option, about one token in 64."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bundle_key_hex(token: str) -> str:
    """The bundle key the office keeps for a token (derived by the station the same way)."""
    from deskclient.services import bundle as B

    return B.bundle_key(token).hex()


def station_for_token(engine: Engine, token: str) -> str | None:
    """The station code a bearer token belongs to (None when unknown or revoked)."""
    if not token:
        return None
    with engine.connect() as conn:
        return conn.execute(select(stations.c.code).where(stations.c.token_hash == hash_token(token))
                            ).scalar_one_or_none()
