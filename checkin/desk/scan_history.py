"""One booking's history at the desk: scans (refused ones too), check-ins, badge prints, replaced codes, in time order."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from checkin.desk.revocations import BADGE
from checkin.store.models import CheckinEvent, PrintLog, Registration, RevokedCode, ScanLog, Segment, Session


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    desk: str
    #: "scan", "event", "print" or "code" (a code replaced by a newer one).
    source: str
    #: A scan's outcome code, an event's kind (in, out, undo), "printed" / "reprinted", or for a replaced
    #: code "badge" / "ticket".
    result: str
    #: How: scanner, camera, search, roll-call... (a print's label stock, why a code was replaced).
    method: str
    #: Where: the session code, and the part of the day for a roll-call mark.
    where: str


def registration_history(db: OrmSession, registration_id: int) -> list[HistoryLine]:
    lines: list[HistoryLine] = []
    scans = db.execute(
        select(ScanLog.at, ScanLog.desk, ScanLog.outcome, ScanLog.method, Session.code)
        .outerjoin(Session, ScanLog.session_id == Session.id)
        .where(ScanLog.registration_id == registration_id)
    )
    for at, desk, outcome, method, code in scans:
        lines.append(HistoryLine(at, desk, "scan", outcome, method, code or ""))
    events = db.execute(
        select(
            CheckinEvent.at,
            CheckinEvent.desk,
            CheckinEvent.kind,
            CheckinEvent.method,
            Session.code,
            Segment.name,
        )
        .join(Session, CheckinEvent.session_id == Session.id)
        .outerjoin(Segment, CheckinEvent.segment_id == Segment.id)
        .where(CheckinEvent.registration_id == registration_id)
    )
    for at, desk, kind, method, code, segment in events:
        lines.append(HistoryLine(at, desk, "event", kind, method, f"{code} · {segment}" if segment else code))
    prints = db.execute(
        select(PrintLog.at, PrintLog.desk, PrintLog.reprint, PrintLog.stock).where(
            PrintLog.registration_id == registration_id
        )
    )
    for at, desk, reprint, stock in prints:
        lines.append(HistoryLine(at, desk, "print", "reprinted" if reprint else "printed", stock, ""))
    replaced = db.execute(
        select(RevokedCode.revoked_at, RevokedCode.desk, RevokedCode.kind, RevokedCode.reason, Session.code)
        .join(Registration, RevokedCode.registration_id == Registration.id)
        .join(Session, Registration.session_id == Session.id)
        .where(RevokedCode.registration_id == registration_id)
    )
    for at, desk, kind, reason, code in replaced:
        lines.append(HistoryLine(at, desk, "code", "badge" if kind == BADGE else "ticket", reason, code))
    # A scan and the event it recorded share a time; the scan reads first.
    order = {"scan": 0, "event": 1, "code": 2, "print": 3}
    return sorted(lines, key=lambda line: (line.at, order[line.source]))
