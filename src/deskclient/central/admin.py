"""Office administration: stations and tokens, publications, bundle import, the county status view.

Used by ``deskclient central ...``; nothing here imports FastAPI, so the admin commands stay light.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from deskclient.central.db import WRITE, events, publications, station_reports, stations
from deskclient.central.ingest import ForeignStationError, ingest, utcnow
from deskclient.domain.errors import DeskError
from deskclient.services import bundle as B
from deskclient.services.updates import KINDS, content_sha256, describe_error, validate_publication
from deskclient.strings import central as T

_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_PUBLISH_FILE = 5 * 1024 * 1024


class AdminError(DeskError):
    """An admin command cannot do what was asked; nothing was changed."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_station(engine: Engine, code: str, name: str) -> str:
    """Register a station and return its new token (shown once; only its hash is stored)."""
    if not _CODE_RE.match(code):
        raise AdminError(T.STATION_CODE_BAD.format(code=code[:40]))
    token = secrets.token_urlsafe(32)
    row = {"code": code, "name": name.strip()[:200] or code, "token_hash": hash_token(token),
           "bundle_key": B.bundle_key(token).hex(), "created_at": utcnow(), "last_contact": None,
           "contiguous": 0}
    try:
        with engine.begin() as conn:
            conn.execute(insert(stations), row)
    except IntegrityError:
        raise AdminError(T.STATION_EXISTS.format(code=code)) from None
    return token


def rotate_token(engine: Engine, code: str) -> str:
    """Give a station a new token (shown once); the old one stops working at once.

    Also used to re-admit a revoked station. The bundle key is derived from the new token, so
    bundles signed with the old token are refused too.
    """
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        done = conn.execute(update(stations).where(stations.c.code == code).values(
            token_hash=hash_token(token), bundle_key=B.bundle_key(token).hex())).rowcount
        if not done:
            raise AdminError(T.STATION_UNKNOWN.format(code=code[:40]))
        conn.execute(update(station_reports).where(station_reports.c.code == code).values(revoked_at=None))
    return token


def revoke_station(engine: Engine, code: str) -> None:
    """Stop a station's token and bundle key working (its events stay); ``rotate_token`` re-admits it."""
    dead = secrets.token_hex(32)  # a hash no token has: the column stays unique and non-null
    now = utcnow()
    with engine.begin() as conn:
        done = conn.execute(update(stations).where(stations.c.code == code).values(
            token_hash=dead, bundle_key=secrets.token_hex(32))).rowcount
        if not done:
            raise AdminError(T.STATION_UNKNOWN.format(code=code[:40]))
        if conn.execute(update(station_reports).where(station_reports.c.code == code)
                        .values(revoked_at=now)).rowcount == 0:
            conn.execute(insert(station_reports), {"code": code, "reported_at": now, "revoked_at": now})


REPORT_HEADER = "X-Deskclient-Report"
_REPORT_FIELDS = {"backlog": int, "app_version": str, "schema_version": str, "catalog_version": int,
                  "holidays_version": int}


def parse_report(text: str | None) -> dict[str, Any] | None:
    """The optional station report a sync request carries (JSON in ``X-Deskclient-Report``).

    Unknown keys and wrongly typed values are dropped: an old or odd station never fails a sync.
    """
    if not text or len(text) > 2000:
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    out: dict[str, Any] = {}
    for key, kind in _REPORT_FIELDS.items():
        value = raw.get(key)
        if isinstance(value, kind) and not isinstance(value, bool):
            out[key] = value[:40] if isinstance(value, str) else max(0, min(int(value), 2**31 - 1))
    return out or None


def record_report(engine: Engine, code: str, report: dict[str, Any]) -> None:
    """Store what a station said about itself in its sync request (backlog, versions)."""
    values = {"reported_at": utcnow(), **report}
    with engine.begin() as conn:
        if conn.execute(update(station_reports).where(station_reports.c.code == code).values(**values)).rowcount == 0:
            conn.execute(insert(station_reports), {"code": code, **values})


def station_for_token(engine: Engine, token: str) -> str | None:
    """The station code a bearer token belongs to (None when unknown)."""
    if not token:
        return None
    with engine.connect() as conn:
        return conn.execute(select(stations.c.code).where(stations.c.token_hash == hash_token(token))
                            ).scalar_one_or_none()


# --------------------------------------------------------------------------------------------------
# Publications
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    kind: str
    version: int
    sha256: str
    files: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "version": self.version, "sha256": self.sha256, "files": self.files}


def read_publish_dir(folder: Path) -> dict[str, str]:
    folder = Path(folder)
    if not folder.is_dir():
        raise AdminError(T.PUBLISH_BAD_DIR.format(path=folder))
    files: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.stat().st_size > MAX_PUBLISH_FILE:
            raise AdminError(T.PUBLISH_FILE_NOT_TEXT.format(name=path.name))
        try:
            files[path.name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise AdminError(T.PUBLISH_FILE_NOT_TEXT.format(name=path.name)) from None
    if not files:
        raise AdminError(T.PUBLISH_EMPTY.format(path=folder))
    return files


def publish(engine: Engine, kind: str, folder: Path) -> tuple[Publication, bool]:
    """Publish the folder's files as the next version; ``(publication, changed)``.

    Validated with the same domain parsers the stations use, so a broken file never goes out.
    """
    return publish_files(engine, kind, read_publish_dir(folder))


def publish_files(engine: Engine, kind: str, files: dict[str, str]) -> tuple[Publication, bool]:
    """Publish a set of text files (the command's folder, or the web page's uploads) as the next version.

    The one publishing path: validated with the station's own parsers first, so a broken set never
    goes out and the error names the file (and line, where the parser knows it).
    """
    assert kind in KINDS
    label = T.KIND_LABELS[kind]
    try:
        validate_publication(kind, files)
    except (DeskError, ValueError) as err:
        raise AdminError(T.PUBLISH_INVALID.format(kind=label, error=describe_error(err))) from None
    digest = content_sha256(files)
    for _attempt in range(5):
        current = latest_publication(engine, kind)
        if current is not None and current.sha256 == digest:
            return current, False
        version = (current.version if current else 0) + 1
        try:
            with engine.connect().execution_options(**WRITE) as conn, conn.begin():
                conn.execute(insert(publications), {
                    "kind": kind, "version": version, "sha256": digest, "published_at": utcnow(),
                    "content": json.dumps({"files": files}, ensure_ascii=False, sort_keys=True)})
        except IntegrityError:
            continue  # another admin published at the same moment; take the next number
        return Publication(kind, version, digest, files), True
    raise AdminError(T.SERVER_BUSY)


def latest_version(engine: Engine, kind: str) -> tuple[int, str] | None:
    """``(version, sha256)`` of the newest publication, without loading its content."""
    stmt = (select(publications.c.version, publications.c.sha256).where(publications.c.kind == kind)
            .order_by(publications.c.version.desc()).limit(1))
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return (int(row.version), row.sha256) if row else None


def latest_publication(engine: Engine, kind: str) -> Publication | None:
    stmt = (select(publications).where(publications.c.kind == kind)
            .order_by(publications.c.version.desc()).limit(1))
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        return None
    return Publication(kind, int(row.version), row.sha256, json.loads(row.content)["files"])


# --------------------------------------------------------------------------------------------------
# Bundles
# --------------------------------------------------------------------------------------------------


@dataclass
class BundleImport:
    station: str
    count: int
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    acked_seq: int = 0

    def message(self) -> str:
        return T.BUNDLE_IMPORTED.format(station=self.station, count=self.count, stored=self.stored,
                                        duplicates=self.duplicates, rejected=self.rejected)


def import_bundle(engine: Engine, path: Path | str) -> BundleImport:
    """Verify a USB bundle completely (checksum, count, signature), then ingest it idempotently.

    Any failure raises :class:`AdminError` with a Chinese message before anything is stored.
    """
    path = Path(path)
    if not path.is_file():
        raise AdminError(T.BUNDLE_NOT_FOUND.format(path=path))
    try:
        header, items = B.read_bundle(path)
    except B.BundleFormatError as err:
        message = {"unreadable": T.BUNDLE_UNREADABLE.format(path=path),
                   "not_bundle": T.BUNDLE_NOT_A_BUNDLE.format(path=path),
                   "checksum": T.BUNDLE_BAD_CHECKSUM}[err.kind]
        raise AdminError(message) from None
    station = header["station"][:32]
    with engine.connect() as conn:
        key_hex = conn.execute(select(stations.c.bundle_key).where(stations.c.code == station)
                               ).scalar_one_or_none()
    if key_hex is None:
        raise AdminError(T.BUNDLE_UNKNOWN_STATION.format(station=station))
    if not B.verify_signature(header, bytes.fromhex(key_hex)):
        raise AdminError(T.BUNDLE_BAD_SIGNATURE)
    if any(isinstance(item, dict) and item.get("station") not in (None, station) for item in items):
        raise AdminError(T.BUNDLE_BAD_SIGNATURE)
    result = BundleImport(station=station, count=len(items))
    for start in range(0, len(items), 1000):
        try:
            part = ingest(engine, station, items[start:start + 1000], via="bundle")
        except ForeignStationError:
            raise AdminError(T.BUNDLE_UNKNOWN_STATION.format(station=station)) from None
        result.stored += part.stored
        result.duplicates += part.duplicates
        result.rejected += len(part.rejected)
        result.acked_seq = part.acked_seq
    return result


# --------------------------------------------------------------------------------------------------
# County status
# --------------------------------------------------------------------------------------------------

_CASE_TYPES = ("case.registered", "case.examining", "case.supplement_requested", "case.accepted",
               "case.deemed_accepted", "case.extended", "case.completed", "case.returned",
               "case.enquiry_answered", "case.review_decided")
_CLOSING = {"case.completed", "case.returned", "case.enquiry_answered"}


@dataclass
class StationStatus:
    code: str
    name: str
    last_contact: datetime | None
    events_received: int
    contiguous: int
    rejected: int
    open_cases: int = 0
    overdue_cases: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name,
                "last_contact": self.last_contact.isoformat() if self.last_contact else None,
                "events_received": self.events_received, "contiguous": self.contiguous,
                "rejected": self.rejected, "open_cases": self.open_cases, "overdue_cases": self.overdue_cases}


def _due(payload: str) -> date | None:
    try:
        value = json.loads(payload).get("due_date")
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except (ValueError, AttributeError):
        return None


def _case_rows(engine: Engine) -> Iterator[Any]:
    stmt = (select(events.c.station, events.c.case_id, events.c.type, events.c.payload)
            .where(events.c.rejected_reason.is_(None), events.c.case_id.is_not(None),
                   events.c.type.in_(_CASE_TYPES))
            .order_by(events.c.station, events.c.seq))
    with engine.connect() as conn:
        yield from conn.execution_options(stream_results=True, yield_per=5000).execute(stmt)


def county_status(engine: Engine, today: date) -> list[StationStatus]:
    """Per station: last contact, events held, open and overdue cases folded from case events.

    A case is open from ``case.registered`` until completed, returned or answered; its due date is
    the latest ``due_date`` in an accepted / deemed-accepted / extended payload; it is overdue when
    still open after that date. A returned case reopened on review starts again on a new event.
    """
    counts = (select(events.c.station,
                     func.count().filter(events.c.rejected_reason.is_(None)).label("ok"),
                     func.count().filter(events.c.rejected_reason.is_not(None)).label("bad"))
              .group_by(events.c.station))
    with engine.connect() as conn:
        rows = conn.execute(select(stations).order_by(stations.c.code)).all()
        per = {r.station: (int(r.ok), int(r.bad)) for r in conn.execute(counts)}
    result = {r.code: StationStatus(r.code, r.name, r.last_contact, per.get(r.code, (0, 0))[0],
                                    int(r.contiguous), per.get(r.code, (0, 0))[1]) for r in rows}
    cases: dict[tuple[str, str], list[Any]] = {}  # (station, case) -> [open, due]
    for station, case_id, type_, payload in _case_rows(engine):
        state = cases.setdefault((station, case_id), [False, None])
        if type_ in _CLOSING:
            state[0] = False
        elif type_ == "case.review_decided":
            if '"overturned"' in payload:
                state[0] = True
        else:
            state[0] = True
            if type_ in ("case.accepted", "case.deemed_accepted", "case.extended"):
                state[1] = _due(payload) or state[1]
    for (station, _case), (is_open, due) in cases.items():
        st = result.get(station)
        if st is None or not is_open:
            continue
        st.open_cases += 1
        if due is not None and due < today:
            st.overdue_cases += 1
    return list(result.values())
