"""A programme that has happened: the demo's first four sessions played through with scans by two desks,
walk-ins, an undo, an override, roll-call marks and pocket guides, for the programme report's tests."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from checkin.desk.attendance import mark_segment
from checkin.desk.demo import create_demo
from checkin.desk.guides import hand_out_guide
from checkin.desk.scanning import record_scan, undo_last_admission
from checkin.desk.sectors import set_organisation_sector
from checkin.desk.walkins import WalkIn, register_walk_in
from checkin.domain.sectors import Sector
from checkin.domain.vocabulary import Method, RegistrationStatus
from checkin.store.database import Database, open_database
from checkin.store.models import Registration, Session

FIRST_DAY = date(2026, 3, 12)
CREATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PLAYED = 4


@dataclass(frozen=True)
class PlayedProgramme:
    database: Database
    #: The four sessions played, in date order; the demo's later sessions have bookings and no scans.
    codes: list[str]
    #: Every walk-in's name, email and organisation (personal data the anonymous report must not show).
    walk_ins: list[tuple[str, str, str, str]]


def _clock(moment: datetime):
    return lambda: moment


def played_programme(folder: Path, seed: int = 7) -> PlayedProgramme:
    database = open_database(folder / "programme.sqlite3")
    rng = random.Random(seed)
    walk_ins: list[tuple[str, str, str, str]] = []
    with database.session() as db:
        create_demo(db, today=FIRST_DAY, clock=_clock(CREATED))
        db.commit()
        sessions = list(db.scalars(select(Session).order_by(Session.starts_at)))[:PLAYED]
        codes = [s.code for s in sessions]
        set_organisation_sector(
            db, "Lancashire Victim Services", Sector.PUBLIC_BODY, desk="office", clock=_clock(CREATED)
        )
        for number, session in enumerate(sessions):
            start = session.starts_at.replace(tzinfo=UTC)
            registrations = list(
                db.scalars(
                    select(Registration)
                    .where(Registration.session_id == session.id)
                    .order_by(Registration.id)
                )
            )
            booked = [r for r in registrations if r.status == RegistrationStatus.BOOKED]
            coming = [r for r in booked if rng.random() < 0.86]
            coming.sort(key=lambda _r: rng.random())
            desks = ("door-1", "door-2")
            arrived: list[Registration] = []
            for position, registration in enumerate(coming):
                at = start - timedelta(minutes=45) + timedelta(minutes=rng.uniform(0, 75) ** 1.0)
                desk = desks[position % 2]
                result = record_scan(db, registration.badge_code, session, desk=desk, clock=_clock(at))
                assert result.outcome.admitted, result.outcome.reason
                arrived.append(registration)
                if position == 3:  # scanned again at the other desk: one arrival, not two
                    record_scan(
                        db,
                        registration.badge_code,
                        session,
                        desk=desks[1 - position % 2],
                        clock=_clock(at + timedelta(minutes=1)),
                    )
            # A check-in made by mistake (the wrong person picked from a search), undone at once: not attended.
            mistaken = [r for r in booked if r not in coming][1]
            record_scan(
                db, mistaken.badge_code, session, desk="door-1", clock=_clock(start + timedelta(minutes=40))
            )
            undone = undo_last_admission(
                db, session, desk="door-1", clock=_clock(start + timedelta(minutes=41))
            )
            assert undone is not None
            # A cancelled booking turns up and is admitted anyway with the PIN.
            cancelled = [r for r in registrations if r.status == RegistrationStatus.CANCELLED]
            override = record_scan(
                db,
                cancelled[0].badge_code,
                session,
                desk="door-1",
                clock=_clock(start + timedelta(minutes=2)),
                override=True,
            )
            assert override.outcome.admitted and override.method == Method.OVERRIDE
            arrived.append(cancelled[0])
            # Walk-ins: one with an organisation the name table places, one without.
            for n, organisation in enumerate(("Acme Cleaning Ltd", "")):
                first, last_name, email = (
                    f"Walkin{number}{n}",
                    f"Person{number}{n}",
                    f"walkin{number}{n}@example.org",
                )
                result = register_walk_in(
                    db,
                    session,
                    WalkIn(first, last_name, organisation=organisation, email=email),
                    desk="door-2",
                    over_capacity_ok=True,
                    clock=_clock(start + timedelta(minutes=5 + n)),
                )
                assert result.outcome.admitted, result.outcome.reason
                walk_ins.append((first, last_name, email, organisation))
                registration = db.scalars(
                    select(Registration)
                    .where(
                        Registration.session_id == session.id,
                        Registration.status == RegistrationStatus.WALK_IN,
                    )
                    .order_by(Registration.id.desc())
                ).first()
                assert registration is not None
                arrived.append(registration)
            # Someone walked past the desk: only the trainer's roll-call knows they came.
            not_scanned = [r for r in booked if r not in coming]
            marked_only = not_scanned[0]
            segments = list(session.segments)
            if number < 3:  # the fourth session's trainers took no roll-call: no certificates there
                for registration in [*arrived, marked_only]:
                    if registration.status == RegistrationStatus.CANCELLED:
                        continue  # admitted anyway, but a cancelled booking is not on the roll-call
                    for position, segment in enumerate(segments):
                        if position == 0 or rng.random() < 0.88:
                            moment = (segment.starts_at or start).replace(tzinfo=UTC) + timedelta(minutes=10)
                            mark_segment(db, registration.id, segment.id, desk="room", clock=_clock(moment))
            for registration in arrived:
                if rng.random() < 0.75:
                    hand_out_guide(db, registration.id, desk="door-1", clock=_clock(start))
            hand_out_guide(db, arrived[0].id, desk="door-2", clock=_clock(start))  # twice is once
    return PlayedProgramme(database, codes, walk_ins)
