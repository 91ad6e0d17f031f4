"""Personal data under UK GDPR: erasure after the retention period, and one person's export and erasure.

What is erased, and what stays
------------------------------
A person is erased by overwriting, through the ORM, every field that describes them: names, badge name,
organisation, job title, email, phone, access and dietary needs, consent, and on each of their bookings
the booking-form answers and the status reason (which may say "ill", "bereavement"...). The last name
becomes "Erased" so lists and counts still read sensibly; the search key is cleared. Their bookings'
external codes (an Eventbrite barcode, a Tito reference) are deleted: they lead back to the person on
the booking platform; so are the codes they replaced (a regenerated ticket secret, a reissued badge), which
the report counts with them. The scan log's scanned text of their bookings is blanked.

What stays is anonymous: the booking row with its session, status and source; the badge code (a random
identifier that names no one, kept so an old badge scanned later is recognised as an erased booking
rather than reported as a forgery); the sector (a coarse category for the programme's counts); the
print log (which label stock, when); the check-in events and the pocket guides handed out.

What stays is exactly what the anonymous programme report (`checkin.records.report`) needs, so it reads
the same after a purge as before: the sector is written down as the report counted it (the organiser's
choice for the organisation, the list's answer or the name's sector), since the organisation it was
decided from is erased; and the organisation is kept only where at least `ORGANISATION_THRESHOLD`
(10) different people in the database come from it: the anonymous report names no smaller organisation,
and a large employer's name does not point at a person. An erasure on request erases the organisation
whatever its size.

Check-in events are append-only: a flush guard in `checkin.store.models` refuses any change to one, and sync
merges them as an ever-growing set. Erasure never touches them, and needs not to: an event holds only
ids, times, the desk, the method and the desk operator's login, nothing about the delegate. With the
delegate erased they are the anonymous counts the programme keeps (who came is no longer known; that
someone came, when and at which desk, is).

Sync
----
The erasure is written as ordinary ORM updates, so the sync outbox captures it as field updates with a
new hybrid logical clock: the next sync round or bundle carries it to the hub and every other desk,
where it wins over the older values field by field. A later sync or bundle from a desk that has not
heard of the erasure carries older clocks and so cannot bring the name back. What can bring data back
is a new edit made after the erasure: someone re-importing the old booking list, or editing the person
on a desk that was offline — that is new data, entered on purpose, and the next purge erases it again.
Deleted external codes are not deletions that sync carries (codes are immutable rows); a desk that
still holds them sends them back, and the next purge (or erasure) here deletes them again. Pending
outbox rows relayed from bundles carry field values as they were: for an erased person those values
are overwritten too.

Retention
---------
The retention period is a setting of each desk (`retention_days` in `checkin.settings`, default 90
days after the session ends), not a database value, because the policy does not need to travel: the
erasure does. Whichever desk purges first erases the person everywhere through sync; every desk should
still be set alike so that a desk that never syncs purges on time. The audit log records every purge
and erasure with counts only.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from checkin.desk.sectors import delegate_sectors
from checkin.domain.clock import as_utc, iso
from checkin.domain.sectors import organisation_key
from checkin.domain.vocabulary import ACTIVE_STATUSES, RegistrationStatus
from checkin.errors import UsageError
from checkin.records.report.tables import ORGANISATION_THRESHOLD
from checkin.store.models import (
    AuditLog,
    CheckinEvent,
    Delegate,
    ExternalCode,
    Outbox,
    PrintLog,
    Registration,
    RevokedCode,
    ScanLog,
    Session,
)

DEFAULT_RETENTION_DAYS = 90
ERASED = "Erased"
#: Each personal field of a delegate and the value that replaces it.
ERASED_DELEGATE: dict[str, Any] = {
    "first_name": "",
    "last_name": ERASED,
    "badge_name": "",
    "organisation": "",
    "job_title": "",
    "email": "",
    "phone": "",
    "access_needs": "",
    "dietary_needs": "",
    "consent": False,
    "search_key": "",
}
ERASED_REGISTRATION: dict[str, Any] = {"answers": {}, "status_reason": ""}


@dataclass(frozen=True)
class PurgeReport:
    """What a purge erased (or, for a dry run, would erase). Counts only: no personal data."""

    sessions: list[str]
    delegates: int
    registrations: int
    external_codes: int
    scans: int
    retention_days: int
    dry_run: bool
    kept_for_later_sessions: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "sessions": list(self.sessions),
            "delegates": self.delegates,
            "registrations": self.registrations,
            "external_codes": self.external_codes,
            "scans": self.scans,
            "retention_days": self.retention_days,
            "dry_run": self.dry_run,
            "kept_for_later_sessions": self.kept_for_later_sessions,
        }

    def summary(self) -> str:
        verb = "would erase" if self.dry_run else "erased"
        if not self.sessions:
            return f"purge: no session ended more than {self.retention_days} days ago; nothing to erase"
        return (
            f"purge: {self.delegates} delegate{'s' if self.delegates != 1 else ''} {verb} from "
            f"{len(self.sessions)} session{'s' if len(self.sessions) != 1 else ''} "
            f"ended more than {self.retention_days} days ago ({', '.join(self.sessions)}); "
            f"{self.kept_for_later_sessions} kept for a later session"
        )


def session_end(session: Session) -> datetime:
    return as_utc(session.ends_at or session.starts_at)


#: The fields that mark a delegate as erased (the search key is recomputed from them by sync).
_MARKS = ("first_name", "last_name", "email", "phone", "access_needs", "dietary_needs")


def _is_erased(delegate: Delegate) -> bool:
    # The organisation may stay (see the module's note): it does not mark a person as erased or not.
    return all(
        getattr(delegate, name) == value
        for name, value in ERASED_DELEGATE.items()
        if name not in ("search_key", "organisation")
    )


def organisations_kept(db: OrmSession) -> set[str]:
    """The organisations (keys) a purge keeps: those at least ORGANISATION_THRESHOLD different people in
    the database come from, the only ones the anonymous report can name."""
    people: dict[str, int] = {}
    for (name,) in db.execute(select(Delegate.organisation)):
        key = organisation_key(name)
        if key:
            people[key] = people.get(key, 0) + 1
    return {key for key, count in people.items() if count >= ORGANISATION_THRESHOLD}


def expired_sessions(db: OrmSession, now: datetime, retention_days: int) -> list[Session]:
    """Sessions that ended more than `retention_days` ago."""
    cutoff = as_utc(now) - timedelta(days=retention_days)
    return [s for s in db.scalars(select(Session).order_by(Session.starts_at)) if session_end(s) < cutoff]


def _erase(
    db: OrmSession, delegates: Sequence[Delegate], *, dry_run: bool, keep_organisations: bool = True
) -> tuple[int, int, int, int]:
    """Erase these delegates (ORM updates, so sync carries them). Returns counts of delegates changed,
    bookings changed, external codes deleted and scans blanked."""
    registrations = [r for d in delegates for r in d.registrations]
    registration_ids = [r.id for r in registrations]
    changed_delegates = [d for d in delegates if not _is_erased(d)]
    changed_registrations = [
        r for r in registrations if any(getattr(r, k) != v for k, v in ERASED_REGISTRATION.items())
    ]
    # Replaced codes identify the person as much as live ones (a platform's ticket secret, a badge).
    codes: list[ExternalCode | RevokedCode] = [c for r in registrations for c in r.external_codes]
    for chunk in _chunks(registration_ids):
        codes += db.scalars(select(RevokedCode).where(RevokedCode.registration_id.in_(chunk)))
    scans = (
        db.scalar(
            select(func.count())
            .select_from(ScanLog)
            .where(ScanLog.registration_id.in_(registration_ids), ScanLog.scanned != "")
        )
        if registration_ids
        else 0
    ) or 0
    if dry_run:
        return len(changed_delegates), len(changed_registrations), len(codes), scans
    sectors = delegate_sectors(db)
    kept = organisations_kept(db) if keep_organisations else set()
    for delegate in delegates:
        # The sector as the report counts it, written down before the organisation it came from goes.
        frozen = sectors[delegate.id].value
        if delegate.sector != frozen:
            delegate.sector = frozen
        if organisation_key(delegate.organisation) not in kept and delegate.organisation:
            delegate.organisation = ""
    for delegate in changed_delegates:
        for name, value in ERASED_DELEGATE.items():
            if name != "organisation":
                setattr(delegate, name, value)
    for registration in changed_registrations:
        for name, value in ERASED_REGISTRATION.items():
            setattr(registration, name, value)
    for code in codes:
        db.delete(code)
    for chunk in _chunks(registration_ids):
        db.execute(update(ScanLog).where(ScanLog.registration_id.in_(chunk)).values(scanned=""))
    _scrub_relayed(db, {d.uuid for d in delegates}, {r.uuid for r in registrations})
    return len(changed_delegates), len(changed_registrations), len(codes), scans


def _scrub_relayed(db: OrmSession, delegate_uuids: set[str], registration_uuids: set[str]) -> None:
    """Changes relayed from a bundle and not yet sent hold field values as they came: erase them there."""
    if not delegate_uuids and not registration_uuids:
        return
    for row in db.scalars(select(Outbox).where(Outbox.relayed.is_not(None))):
        change = dict(row.relayed or {})
        erased = (
            ERASED_DELEGATE
            if change.get("entity") == "delegate" and change.get("entity_uuid") in delegate_uuids
            else ERASED_REGISTRATION
            if change.get("entity") == "registration" and change.get("entity_uuid") in registration_uuids
            else None
        )
        if erased is None:
            continue
        fields = dict(change.get("fields") or {})
        for name in fields:
            if name in erased:
                fields[name] = erased[name]
        change["fields"] = fields
        row.relayed = change


def scrub_relayed_of_erased(db: OrmSession) -> None:
    """After merging changes from elsewhere: relayed changes waiting to be passed on that carry the old
    values of a person erased here (an erasure that arrived with the same bundle, or earlier) are
    scrubbed, so the outbox holds no copy of what was erased."""
    if db.scalar(select(func.count()).select_from(Outbox).where(Outbox.relayed.is_not(None))) == 0:
        return
    erased = select(Delegate.id).where(*(getattr(Delegate, name) == ERASED_DELEGATE[name] for name in _MARKS))
    delegate_uuids = set(db.scalars(select(Delegate.uuid).where(Delegate.id.in_(erased))))
    registration_uuids = set(
        db.scalars(select(Registration.uuid).where(Registration.delegate_id.in_(erased)))
    )
    _scrub_relayed(db, delegate_uuids, registration_uuids)


def _chunks(values: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _secure_delete(db: OrmSession) -> None:
    """On SQLite, overwrite the old bytes of what is erased instead of leaving them in free space."""
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete=ON")


def _checkpoint(db: OrmSession) -> None:
    """Write the erasure into the database file and empty the write-ahead log, which held old pages."""
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def purge(
    db: OrmSession,
    now: datetime,
    dry_run: bool = False,
    *,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    desk: str = "",
    operator: str = "",
) -> PurgeReport:
    """Erase the personal data of everyone booked on a session that ended more than `retention_days`
    ago, unless they are also booked on a session still within retention; commits (a dry run writes
    nothing). The audit log gets one line of counts."""
    if retention_days < 0:
        raise UsageError("The retention period cannot be negative.")
    expired = expired_sessions(db, now, retention_days)
    expired_ids = {s.id for s in expired}
    candidates = (
        db.scalars(
            select(Delegate)
            .join(Registration)
            .where(Registration.session_id.in_(expired_ids))
            .distinct()
            .options(selectinload(Delegate.registrations).selectinload(Registration.external_codes))
        ).all()
        if expired_ids
        else []
    )
    erasable = [d for d in candidates if all(r.session_id in expired_ids for r in d.registrations)]
    if not dry_run:
        _secure_delete(db)
    delegates, registrations, codes, scans = _erase(db, erasable, dry_run=dry_run)
    # Scans at an expired session that resolved to no one (typed text, a misread) are blanked as well.
    loose = [s.id for s in expired]
    stray = (
        db.scalar(
            select(func.count())
            .select_from(ScanLog)
            .where(ScanLog.session_id.in_(loose), ScanLog.registration_id.is_(None), ScanLog.scanned != "")
        )
        if loose
        else 0
    ) or 0
    report = PurgeReport(
        sessions=[s.code for s in expired],
        delegates=delegates,
        registrations=registrations,
        external_codes=codes,
        scans=scans + stray,
        retention_days=retention_days,
        dry_run=dry_run,
        kept_for_later_sessions=len(candidates) - len(erasable),
    )
    if dry_run:
        db.rollback()
        return report
    if loose:
        db.execute(
            update(ScanLog)
            .where(ScanLog.session_id.in_(loose), ScanLog.registration_id.is_(None))
            .values(scanned="")
        )
    db.add(AuditLog(at=now, desk=desk, operator=operator, action="purge", detail=report.summary()))
    db.commit()
    _checkpoint(db)
    return report


# ---- one person, on request ---------------------------------------------------------------------


def _people(db: OrmSession, email: str) -> list[Delegate]:
    wanted = email.strip().casefold()
    if not wanted or "@" not in wanted:
        raise UsageError("Give the person's email address.")
    people = db.scalars(
        select(Delegate)
        .where(func.lower(Delegate.email) == wanted)
        .options(
            selectinload(Delegate.registrations).selectinload(Registration.external_codes),
            selectinload(Delegate.registrations).selectinload(Registration.session),
        )
        .order_by(Delegate.id)
    ).all()
    if not people:
        # The message names no one: the address typed is not repeated back into a shared terminal log.
        raise UsageError("No one with that email address is held in this database.")
    return list(people)


def export_person(db: OrmSession, email: str, now: datetime) -> dict[str, Any]:
    """Everything this database holds about the person with this email (a subject access request):
    their delegate record(s), bookings with answers and codes, check-ins, printed badges and scans."""
    people = _people(db, email)
    records = []
    for delegate in people:
        bookings = []
        for registration in sorted(delegate.registrations, key=lambda r: r.id):
            events = db.scalars(
                select(CheckinEvent)
                .where(CheckinEvent.registration_id == registration.id)
                .order_by(CheckinEvent.at, CheckinEvent.id)
            )
            prints = db.scalars(
                select(PrintLog).where(PrintLog.registration_id == registration.id).order_by(PrintLog.at)
            )
            scans = db.scalars(
                select(ScanLog).where(ScanLog.registration_id == registration.id).order_by(ScanLog.at)
            )
            session = registration.session
            bookings.append(
                {
                    "session": {
                        "code": session.code,
                        "title": session.title,
                        "starts_at": iso(session.starts_at),
                        "ends_at": iso(session.ends_at),
                        "venue": session.venue.name if session.venue else "",
                    },
                    "status": registration.status,
                    "status_reason": registration.status_reason,
                    "source": registration.source,
                    "badge_code": registration.badge_code,
                    "external_codes": [{"kind": c.kind, "code": c.code} for c in registration.external_codes],
                    "answers": dict(registration.answers or {}),
                    "booked_at": iso(registration.created_at),
                    "updated_at": iso(registration.updated_at),
                    "checkins": [
                        {
                            "kind": e.kind,
                            "part_of_day": e.segment_id is not None,
                            "at": iso(e.at),
                            "desk": e.desk,
                            "method": e.method,
                        }
                        for e in events
                    ],
                    "badges_printed": [
                        {"at": iso(p.at), "desk": p.desk, "stock": p.stock, "reprint": p.reprint}
                        for p in prints
                    ],
                    "scans": [
                        {"at": iso(s.at), "desk": s.desk, "scanned": s.scanned, "outcome": s.outcome}
                        for s in scans
                    ],
                }
            )
        records.append(
            {
                "id": delegate.id,
                "first_name": delegate.first_name,
                "last_name": delegate.last_name,
                "badge_name": delegate.badge_name,
                "organisation": delegate.organisation,
                "job_title": delegate.job_title,
                "sector": delegate.sector,
                "email": delegate.email,
                "phone": delegate.phone,
                "access_needs": delegate.access_needs,
                "dietary_needs": delegate.dietary_needs,
                "consent": delegate.consent,
                "created_at": iso(delegate.created_at),
                "updated_at": iso(delegate.updated_at),
                "bookings": bookings,
            }
        )
    return {
        "format": "checkin-desk-personal-data",
        "version": 1,
        "exported_at": iso(now),
        "people": records,
    }


@dataclass(frozen=True)
class ErasureReport:
    people: int
    registrations: int
    cancelled: int
    external_codes: int
    scans: int
    sessions: list[str] = field(default_factory=list)


def erase_person(
    db: OrmSession, email: str, now: datetime, *, desk: str = "", operator: str = ""
) -> ErasureReport:
    """Erase the person with this email now, whatever the retention period (a request under Article 17);
    their active bookings are cancelled, since no one is left to admit. Commits; one audit line with
    counts only. Check-in events stay, as for a purge (see the module's note)."""
    people = _people(db, email)
    cancelled_now = [
        registration
        for delegate in people
        for registration in delegate.registrations
        if registration.status in ACTIVE_STATUSES and session_end(registration.session) > as_utc(now)
    ]
    _secure_delete(db)
    delegates, registrations, codes, scans = _erase(db, people, dry_run=False, keep_organisations=False)
    for registration in cancelled_now:
        registration.status = RegistrationStatus.CANCELLED
        registration.status_reason = "erased on request"
    cancelled = len(cancelled_now)
    sessions = sorted({r.session.code for d in people for r in d.registrations})
    report = ErasureReport(len(people), registrations, cancelled, codes, scans, sessions)
    db.add(
        AuditLog(
            at=now,
            desk=desk,
            operator=operator,
            action="erase",
            detail=(
                f"erase on request: {len(people)} person record{'s' if len(people) != 1 else ''} erased, "
                f"{len(sessions)} booking{'s' if len(sessions) != 1 else ''}, {cancelled} cancelled"
            ),
        )
    )
    db.commit()
    _checkpoint(db)
    return report
