"""The office's update-signing key (Ed25519): catalog and holiday publications are signed with it.

The private key is a PEM file (PKCS#8, created 0600 on first use) on the machine where the admin
runs ``central publish-*``: ``--signing-key PATH``, else ``$DESKCLIENT_CENTRAL_SIGNING_KEY``, else
``central/office-signing.key`` under ``$DESKCLIENT_HOME`` or the user's data folder. The service
itself never needs it: each publication is signed when it is published and stored with its signature
and the public key, so any number of service copies can serve it. Stations pin the public key
(settings ``office_public_key``, or learnt at their first update over HTTPS); see deployment.md.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from deskclient.domain.errors import DeskError
from deskclient.services.updates import signed_message
from deskclient.strings import central as T

ENV_KEY = "DESKCLIENT_CENTRAL_SIGNING_KEY"


class SigningKeyError(DeskError):
    """The signing key file cannot be read or created; nothing was published."""


def default_key_path() -> Path:
    env = os.environ.get(ENV_KEY)
    if env:
        return Path(env).expanduser()
    home = os.environ.get("DESKCLIENT_HOME")
    if home:
        return Path(home).expanduser() / "central" / "office-signing.key"
    from platformdirs import user_data_dir

    return Path(user_data_dir("deskclient", appauthor=False)) / "central" / "office-signing.key"


@dataclass(frozen=True)
class Signer:
    private: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        raw = self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def sign(self, kind: str, version: int, sha256: str) -> str:
        return base64.b64encode(self.private.sign(signed_message(kind, version, sha256))).decode("ascii")


def load_signer(path: Path | None = None, *, create: bool = True) -> Signer:
    """The office key at ``path`` (default :func:`default_key_path`), created 0600 if missing."""
    path = Path(path) if path else default_key_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise SigningKeyError(T.SIGNING_KEY_MISSING.format(path=path)) from None
        return _create(path)
    except OSError as err:
        raise SigningKeyError(T.SIGNING_KEY_BAD.format(path=path, error=type(err).__name__)) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as err:
        raise SigningKeyError(T.SIGNING_KEY_BAD.format(path=path, error=type(err).__name__)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(T.SIGNING_KEY_BAD.format(path=path, error="not Ed25519"))
    return Signer(key)


def _create(path: Path) -> Signer:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never overwrite a key
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
    except FileExistsError:
        return load_signer(path, create=False)  # another admin made it a moment ago
    except OSError as err:
        raise SigningKeyError(T.SIGNING_KEY_BAD.format(path=path, error=type(err).__name__)) from None
    return Signer(key)
