"""How a station reaches the county office safely: TLS, the county CA, and no silent plain HTTP.

The bearer token travels in every request, so plain ``http://`` is refused except to this PC itself
(``localhost``, ``127.0.0.1``, ``::1``: a local test office, or a TLS proxy on the same machine) unless
the settings say ``allow_plain_http = true`` explicitly. ``ca_file`` names the county CA's certificate
(PEM); without it the system's trusted CAs are used. A certificate the station cannot verify is
reported as a certificate problem, never as "offline": waiting will not fix it, the county's IT must.
"""

from __future__ import annotations

import functools
import os
import ssl
from typing import Any
from urllib.parse import urlsplit

from deskclient.strings import sync as T

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in LOCAL_HOSTS


def is_trusted_channel(url: str) -> bool:
    """HTTPS, or this machine itself: where the office's signing key may be learnt on first use."""
    return urlsplit(url).scheme == "https" or is_local(url)


def url_problem(url: str, allow_plain_http: bool = False) -> str | None:
    """A Chinese message when the office address must not be used, else None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return T.URL_BAD.format(url=url[:200])
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return T.URL_BAD.format(url=url[:200])
    if parts.scheme == "http" and not allow_plain_http and not is_local(url):
        return T.PLAIN_HTTP_REFUSED.format(host=parts.hostname)
    return None


def ssl_context(ca_file: str = "") -> ssl.SSLContext:
    """Verification against the county CA (``ca_file``) or the system's CAs; hostnames are checked.

    Made once per CA file as it is on disk (loading the system's CAs costs tens of milliseconds, and
    the desk syncs every few minutes); a CA file replaced on disk gives a new context.
    Raises :class:`OSError` / :class:`ssl.SSLError` when the CA file cannot be used.
    """
    stamp: tuple[int, int] | None = None
    if ca_file:
        st = os.stat(ca_file)
        stamp = (st.st_mtime_ns, st.st_size)
    return _context(ca_file, stamp)


@functools.lru_cache(maxsize=8)
def _context(ca_file: str, _stamp: tuple[int, int] | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=ca_file or None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def ca_problem(ca_file: str) -> str | None:
    """A Chinese message when the CA file cannot be loaded, else None."""
    if not ca_file:
        return None
    try:
        ssl_context(ca_file)
    except (OSError, ssl.SSLError) as err:
        return T.CA_FILE_BAD.format(path=ca_file, error=type(err).__name__)
    return None


def certificate_error(exc: BaseException) -> str | None:
    """The Chinese message when ``exc`` (an httpx error) was caused by TLS verification, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            reason = getattr(current, "verify_message", "") or current.reason or ""
            return T.CERTIFICATE_FAILED.format(reason=str(reason)[:120])
        if isinstance(current, ssl.SSLError):
            return T.CERTIFICATE_FAILED.format(reason=(current.reason or type(current).__name__)[:120])
        current = current.__cause__ or current.__context__
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return T.CERTIFICATE_FAILED.format(reason="certificate verify failed")
    return None


def client_options(central: Any, config_file: Any = None) -> dict[str, Any]:
    """The ``SyncClient`` keyword arguments taken from a station's ``[central]`` settings
    (a relative ``ca_file`` is relative to the settings file's folder)."""
    from pathlib import Path

    ca_file = str(getattr(central, "ca_file", "") or "")
    if ca_file and config_file is not None and not Path(ca_file).expanduser().is_absolute():
        ca_file = str(Path(config_file).parent / ca_file)
    return {"ca_file": str(Path(ca_file).expanduser()) if ca_file else "",
            "allow_plain_http": bool(getattr(central, "allow_plain_http", False)),
            "office_key": getattr(central, "office_public_key", "")}
