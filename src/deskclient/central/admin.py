"""Office administration: stations and tokens, publications, bundle import, the county status view.

Used by ``deskclient central ...``; nothing here imports FastAPI, so the admin commands stay light.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from deskclient.central import tokens
from deskclient.central.db import (
    WRITE,
    conflicts,
    events,
    publications,
    quarantine,
    station_reports,
    stations,
)
from deskclient.central.ingest import ForeignStationError, LedgerMismatchError, ingest, utcnow
from deskclient.central.limits import DEFAULT_LIMITS
from deskclient.central.signing import Signer, load_signer
from deskclient.domain.errors import DeskError
from deskclient.services import bundle as B
from deskclient.services.updates import KINDS, content_sha256, describe_error, validate_publication
from deskclient.strings import central as T

_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_PUBLISH_FILE = 5 * 1024 * 1024


class AdminError(DeskError):
    """An admin command cannot do what was asked; nothing was changed."""


hash_token = tokens.hash_token


def add_station(engine: Engine, code: str, name: str) -> str:
    """Register a station and return its new token (shown once; only its hash is stored)."""
    if not _CODE_RE.match(code):
        raise AdminError(T.STATION_CODE_BAD.format(code=code[:40]))
    token = tokens.new_token()
    row = {"code": code, "name": name.strip()[:200] or code, "token_hash": hash_token(token),
           "bundle_key": tokens.bundle_key_hex(token), "created_at": utcnow(), "last_contact": None,
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
    token = tokens.new_token()
    with engine.begin() as conn:
        done = conn.execute(update(stations).where(stations.c.code == code).values(
            token_hash=hash_token(token), bundle_key=tokens.bundle_key_hex(token))).rowcount
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
            out[key] = value[:40] if isinstance(value, str) else max(0, min(int(str(value)), 2**31 - 1))
    return out or None


def record_report(engine: Engine, code: str, report: dict[str, Any]) -> None:
    """Store what a station said about itself in its sync request (backlog, versions)."""
    with engine.begin() as conn:
        write_report(conn, code, report)


def write_report(conn: Connection, code: str, report: dict[str, Any]) -> None:
    """:func:`record_report` inside the caller's transaction (the ingest's: one commit per batch)."""
    values = {"reported_at": utcnow(), **report}
    if conn.execute(update(station_reports).where(station_reports.c.code == code).values(**values)).rowcount == 0:
        conn.execute(insert(station_reports), {"code": code, **values})


station_for_token = tokens.station_for_token


# --------------------------------------------------------------------------------------------------
# Publications
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    kind: str
    version: int
    sha256: str
    files: dict[str, str]
    signature: str = ""  # Ed25519 over kind, version and sha256 (services.updates.signed_message)
    key: str = ""  # the office public key that made it

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "version": self.version, "sha256": self.sha256, "files": self.files,
                "signature": self.signature, "key": self.key}


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


def publish(engine: Engine, kind: str, folder: Path, signer: Signer | None = None) -> tuple[Publication, bool]:
    """Publish the folder's files as the next version, signed; ``(publication, changed)``.

    Validated with the same domain parsers the stations use, so a broken file never goes out.
    ``signer`` defaults to the office key (:func:`central.signing.load_signer`). Content already
    published but unsigned, or signed by another key, is published again as a new version.
    """
    return publish_files(engine, kind, read_publish_dir(folder), signer)


def publish_files(engine: Engine, kind: str, files: dict[str, str], signer: Signer | None = None
                  ) -> tuple[Publication, bool]:
    """Publish a set of text files (the command's folder, or the web page's uploads) as the next version.

    The one publishing path: validated with the station's own parsers first, so a broken set never
    goes out and the error names the file (and line, where the parser knows it).
    """
    assert kind in KINDS
    signer = signer or load_signer()
    label = T.KIND_LABELS[kind]
    try:
        validate_publication(kind, files)
    except (DeskError, ValueError) as err:
        raise AdminError(T.PUBLISH_INVALID.format(kind=label, error=describe_error(err))) from None
    digest = content_sha256(files)
    for _attempt in range(5):
        current = latest_publication(engine, kind)
        if current is not None and current.sha256 == digest and current.key == signer.public_key:
            return current, False
        version = (current.version if current else 0) + 1
        signature = signer.sign(kind, version, digest)
        try:
            with engine.connect().execution_options(**WRITE) as conn, conn.begin():
                conn.execute(insert(publications), {
                    "kind": kind, "version": version, "sha256": digest, "published_at": utcnow(),
                    "content": json.dumps({"files": files, "signature": signature, "key": signer.public_key},
                                          ensure_ascii=False, sort_keys=True)})
        except IntegrityError:
            continue  # another admin published at the same moment; take the next number
        return Publication(kind, version, digest, files, signature, signer.public_key), True
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
    content = json.loads(row.content)
    return Publication(kind, int(row.version), row.sha256, content["files"], content.get("signature", ""),
                       content.get("key", ""))


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
    conflicts: int = 0
    acked_seq: int = 0

    def message(self) -> str:
        text = T.BUNDLE_IMPORTED.format(station=self.station, count=self.count, stored=self.stored,
                                        duplicates=self.duplicates, rejected=self.rejected)
        return text + (T.BUNDLE_CONFLICTS.format(count=self.conflicts) if self.conflicts else "")


def _check_bundle_size(path: Path, limit: int) -> None:
    """Refuse a bundle that is, or expands to, more than ``limit`` bytes before anyone reads it whole."""
    from deskclient.central.limits import GZIP_MAGIC, gzip_within

    too_big = AdminError(T.BUNDLE_TOO_LARGE.format(path=path, limit=limit // (1024 * 1024)))
    if path.stat().st_size > limit:
        raise too_big
    with open(path, "rb") as fh:
        is_gzip = fh.read(2) == GZIP_MAGIC
    if is_gzip and not gzip_within(path, limit):
        raise too_big


def import_bundle(engine: Engine, path: Path | str, *, max_bytes: int = DEFAULT_LIMITS.max_bundle_bytes
                  ) -> BundleImport:
    """Open a USB bundle with its station's key (AES-GCM: any change, truncation or foreign key
    fails), then ingest it idempotently, like an online batch from the same ledger.

    Any failure raises :class:`AdminError` with a Chinese message before anything is stored.
    """
    path = Path(path)
    if not path.is_file():
        raise AdminError(T.BUNDLE_NOT_FOUND.format(path=path))
    _check_bundle_size(path, max_bytes)

    def key_for(station: str) -> bytes | None:
        with engine.connect() as conn:
            key_hex = conn.execute(select(stations.c.bundle_key).where(stations.c.code == station)
                                   ).scalar_one_or_none()
            revoked = conn.execute(select(station_reports.c.revoked_at)
                                   .where(station_reports.c.code == station)).scalar_one_or_none()
        if revoked is not None:  # said as such, not as a key that does not fit
            raise AdminError(T.BUNDLE_STATION_REVOKED.format(station=station))
        return bytes.fromhex(key_hex) if key_hex else None

    try:
        header, items = B.read_bundle(path, key_for)
    except B.BundleFormatError as err:
        message = {"unreadable": T.BUNDLE_UNREADABLE.format(path=path),
                   "not_bundle": T.BUNDLE_NOT_A_BUNDLE.format(path=path),
                   "old_format": T.BUNDLE_OLD_FORMAT,
                   "too_large": T.BUNDLE_TOO_LARGE,
                   "unknown_station": T.BUNDLE_UNKNOWN_STATION.format(station=err.station),
                   "checksum": T.BUNDLE_BAD_SIGNATURE}[err.kind]
        raise AdminError(message) from None
    station = header["station"][:32]
    if any(isinstance(item, dict) and item.get("station") not in (None, station) for item in items):
        raise AdminError(T.BUNDLE_BAD_SIGNATURE)
    ledger = header.get("ledger") if isinstance(header.get("ledger"), str) else None
    result = BundleImport(station=station, count=len(items))
    for start in range(0, len(items), 1000):
        try:
            part = ingest(engine, station, items[start:start + 1000], via="bundle", ledger_id=ledger)
        except ForeignStationError:
            raise AdminError(T.BUNDLE_UNKNOWN_STATION.format(station=station)) from None
        except LedgerMismatchError as err:
            raise AdminError(err.message) from None
        result.stored += part.stored
        result.duplicates += part.duplicates
        result.rejected += len(part.rejected)
        result.conflicts += len(part.conflicts)
        result.acked_seq = part.acked_seq
        if part.conflicts:
            break  # the rest would be stored after a conflict: kept in the bundle, shown in status
    return result


def accept_ledger(engine: Engine, code: str) -> bool:
    """Forget the ledger registered for a station, so the next ledger to sync becomes its ledger
    (after the admin has made sure only one PC uses the station); clears the alert. False if unknown."""
    with engine.begin() as conn:
        return bool(conn.execute(update(stations).where(stations.c.code == code)
                                 .values(ledger_id=None, alert=None, alert_at=None)).rowcount)


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
    alert: str | None = None  # the last refusal: another ledger, or a conflict (restored / cloned / stolen)
    alert_at: datetime | None = None
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # seq, offered_id, held_id, ledger
    quarantined: list[dict[str, Any]] = field(default_factory=list)  # seq, case_no, field
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name,
                "last_contact": _utc(self.last_contact).isoformat() if self.last_contact else None,
                "events_received": self.events_received, "contiguous": self.contiguous,
                "rejected": self.rejected, "open_cases": self.open_cases, "overdue_cases": self.overdue_cases,
                "alert": self.alert, "alert_at": self.alert_at.isoformat() if self.alert_at else None,
                "conflicts": self.conflicts, "quarantined": self.quarantined}

    def notes(self) -> list[str]:
        """Chinese lines for the county view under the table: refusals, conflicts, quarantined fields."""
        lines: list[str] = []
        if self.alert:
            lines.append(T.STATUS_ALERT.format(code=self.code, alert=self.alert))
        if self.conflicts:
            seqs = ", ".join(str(c["seq"]) for c in self.conflicts[:10])
            lines.append(T.STATUS_CONFLICTS.format(code=self.code, count=len(self.conflicts), seqs=seqs))
        for q in self.quarantined:
            lines.append(T.STATUS_QUARANTINED.format(code=self.code, case_no=q["case_no"] or "?", seq=q["seq"],
                                                     field=q["field"]))
        return lines


def _utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite returns them without a zone, so say so in the JSON."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


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
                                    int(r.contiguous), per.get(r.code, (0, 0))[1], alert=r.alert,
                                    alert_at=r.alert_at) for r in rows}
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
    _add_problems(engine, result)
    for (station, _case), (is_open, due) in cases.items():
        st = result.get(station)
        if st is None or not is_open:
            continue
        st.open_cases += 1
        if due is not None and due < today:
            st.overdue_cases += 1
    return list(result.values())


def _add_problems(engine: Engine, result: dict[str, StationStatus]) -> None:
    """Conflicts and quarantined fields per station; a quarantined field is shown with its case number."""
    with engine.connect() as conn:
        for row in conn.execute(select(conflicts).order_by(conflicts.c.station, conflicts.c.seq)):
            st = result.get(row.station)
            if st is not None:
                st.conflicts.append({"seq": row.seq, "offered_id": row.offered_id, "held_id": row.held_id,
                                     "ledger": row.ledger_id})
        q_rows = conn.execute(select(quarantine).order_by(quarantine.c.station, quarantine.c.seq)).all()
        for row in q_rows:
            st = result.get(row.station)
            if st is None:
                continue
            case_no = None
            if row.case_id:
                reg = conn.execute(select(events.c.payload).where(
                    events.c.station == row.station, events.c.case_id == row.case_id,
                    events.c.type == "case.registered")).scalar_one_or_none()
                try:
                    case_no = json.loads(reg).get("case_no") if reg else None
                except (ValueError, AttributeError):
                    case_no = None
            st.quarantined.append({"seq": row.seq, "case_no": case_no, "field": row.field})
