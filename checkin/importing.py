"""Importing a delegate list into a session: one person one delegate, matched, added, updated or cancelled.

Reading and recognising the file is `checkin.delegate_list`; this module applies what was read. The work
is all-or-nothing inside a SAVEPOINT: a bad file raises before anything is written, a dry run rolls the
savepoint back, and the caller commits. Matching runs on dicts preloaded in a few queries and new rows
go in as bulk inserts, so a 10,000-row list takes about a second.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.orm import Session as OrmSession

from checkin.clock import Clock, utc_now
from checkin.codes import lookup_key, new_badge_code
from checkin.delegate_list import (
    PERSON_FIELDS,
    DelegateList,
    DelegateRow,
    ImportFileError,
    read_delegate_list,
)
from checkin.models import (
    AuditLog,
    Delegate,
    ExternalCode,
    Registration,
    RegistrationStatus,
    Session,
    new_uuid,
)
from checkin.registrations import refresh_search_key, search_key_of
from checkin.text import fold

__all__ = [
    "DelegateList",
    "ImportFileError",
    "ImportReport",
    "import_delegate_list",
    "read_delegate_list",
]

_CHUNK = 500  # ids per IN (...) query, well under SQLite's and PostgreSQL's parameter limits
# Statuses the desk decides (a walk-in, a transfer to another session): a platform's list does not undo them.
_DESK_STATUSES = (RegistrationStatus.WALK_IN, RegistrationStatus.TRANSFERRED)
_ACTIVE = (RegistrationStatus.BOOKED, RegistrationStatus.WALK_IN)


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do). Counts are of people after merging duplicates:
    added + updated + unchanged + cancelled is the number of delegates the file lists."""

    format: str
    rows: int
    added: int
    updated: int
    unchanged: int
    cancelled: int
    warnings: list[str]
    errors: list[str]
    column_mapping: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Exactly the keys of `checkin import --json`."""
        return {
            "format": self.format,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "cancelled": self.cancelled,
            "warnings": list(self.warnings),
            "errors": list(self.errors),
        }


def import_delegate_list(
    db: OrmSession,
    path: Path,
    session: Session,
    *,
    dry_run: bool = False,
    desk: str = "",
    clock: Clock = utc_now,
    mapping_overrides: dict[str, str] | None = None,
) -> ImportReport:
    """Import a delegate list into a session; a second import of an updated file updates in place.

    Raises ImportFileError (nothing written) for a file that cannot be read. The changes are flushed
    inside a savepoint; the caller commits. With dry_run the savepoint is rolled back and the report
    says what the import would have done. `mapping_overrides` is as for `read_delegate_list`.
    """
    delegate_list = read_delegate_list(Path(path), mapping_overrides)
    now = clock()
    _ensure_outer_transaction(db)
    savepoint = db.begin_nested()
    try:
        report = _Import(db, session, delegate_list, now).run()
        db.add(
            AuditLog(
                at=now,
                desk=desk,
                action="import",
                detail=(
                    f"session {session.code}, {report.format} list {delegate_list.path.name}: "
                    f"{report.rows} rows, {report.added} added, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {report.cancelled} cancelled, "
                    f"{len(report.warnings)} warnings, {len(report.errors)} errors"
                    + (" (dry run)" if dry_run else "")
                ),
            )
        )
        db.flush()
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report


def _ensure_outer_transaction(db: OrmSession) -> None:
    """On SQLite, RELEASE of the outermost SAVEPOINT is a COMMIT. pysqlite begins a transaction only
    before its first write, so after mere reads our savepoint would be the outermost one and the caller
    could no longer roll the import back. Begin the caller's transaction in SQLite first."""
    connection = db.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN")


_JOINERS_ASCII = str.maketrans("", "", "'`-.")


def _fold(text: str) -> str:
    # fold() gives the same for ASCII, only slower; matching folds every known delegate's name.
    if text.isascii():
        return " ".join(text.translate(_JOINERS_ASCII).lower().split())
    return fold(text)


def _name_key(first: str, last: str, organisation: str) -> tuple[str, str, str]:
    return _fold(first), _fold(last), _fold(organisation)


def _same_person(a: DelegateRow, b: DelegateRow) -> bool:
    """Rows sharing an email are one person unless both name someone and the names differ (Eventbrite
    fills a group order's attendees with the buyer's email in some exports)."""
    if not (a.first_name or a.last_name) or not (b.first_name or b.last_name):
        return True
    return (_fold(a.first_name), _fold(a.last_name)) == (_fold(b.first_name), _fold(b.last_name))


def _merge_row(into: DelegateRow, row: DelegateRow) -> None:
    """A later row about the same person: its non-empty fields win; a live booking beats a cancelled one."""
    for name in PERSON_FIELDS:
        value = getattr(row, name)
        if value:
            setattr(into, name, value)
    if row.status == RegistrationStatus.BOOKED or into.status != RegistrationStatus.BOOKED:
        into.status, into.status_reason = row.status, row.status_reason
    for code in row.codes:
        if code not in into.codes:
            into.codes.append(code)
    into.answers.update(row.answers)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True)
class _KnownCode:
    registration_id: int
    delegate_id: int
    session_id: int


class _Import:
    """One import's working state: the file's people, what the database already knows, and counts."""

    def __init__(self, db: OrmSession, session: Session, delegate_list: DelegateList, now: datetime) -> None:
        self.db = db
        self.session = session
        self.list = delegate_list
        self.now = now
        self.warnings = list(delegate_list.warnings)
        self.counts = {"added": 0, "updated": 0, "unchanged": 0, "cancelled": 0}

    # -- the file's people -------------------------------------------------------------------------

    def people(self) -> list[DelegateRow]:
        """Rows merged into people: one per code, one per email (unless the names differ), and one per
        name and organisation among rows that have neither."""
        people: list[DelegateRow] = []
        by_code: dict[str, DelegateRow] = {}
        by_email: dict[str, DelegateRow] = {}
        by_name: dict[tuple[str, str, str], DelegateRow] = {}
        same_email = shared_email = same_name = 0
        for original in self.list.rows:
            row = DelegateRow(**_copy(original))
            target = next((by_code[k] for k in (lookup_key(c) for _, c in row.codes) if k in by_code), None)
            if target is None and row.email:
                earlier = by_email.get(row.email)
                if earlier is not None:
                    if _same_person(earlier, row):
                        target = earlier
                        same_email += 1
                    else:
                        row.email = ""
                        shared_email += 1
            if target is None and not row.email and not row.codes:
                target = by_name.get(_name_key(row.first_name, row.last_name, row.organisation))
                if target is not None:
                    same_name += 1
            if target is None:
                people.append(row)
                target = row
            else:
                _merge_row(target, row)
            for _, code in target.codes:
                by_code.setdefault(lookup_key(code), target)
            if target.email:
                by_email.setdefault(target.email, target)
            elif not target.codes:
                by_name.setdefault(
                    _name_key(target.first_name, target.last_name, target.organisation), target
                )
        if same_email:
            self.warnings.append(f"{_count(same_email, 'duplicate row')} for the same email were merged.")
        if same_name:
            self.warnings.append(
                f"{_count(same_name, 'duplicate row')} for the same name and organisation were merged."
            )
        if shared_email:
            self.warnings.append(
                f"{_count(shared_email, 'row')} repeated an earlier row's email with a different name "
                "(a group booking made by one person); they were imported as separate delegates without an email."
            )
        return people

    @staticmethod
    def _plausible(person: DelegateRow, known: tuple[str, tuple[str, str]]) -> bool:
        """Whether the delegate a code belongs to can be the person of this row. A code names a ticket; a
        ticket passed on to someone else (another email, or another first and last name) does not make
        the two one person."""
        email, (first, last) = known
        if person.email and email:
            return person.email == email
        if not (person.first_name or person.last_name):
            return True
        # One of the two names may have been corrected since the last import.
        return _fold(person.first_name) == first or _fold(person.last_name) == last

    # -- what the database knows -------------------------------------------------------------------

    def known_codes(self, people: list[DelegateRow]) -> dict[str, _KnownCode]:
        lookups = sorted({lookup_key(code) for person in people for _, code in person.codes})
        known: dict[str, _KnownCode] = {}
        for chunk in _chunks(lookups):
            query = (
                select(
                    ExternalCode.lookup,
                    ExternalCode.registration_id,
                    Registration.delegate_id,
                    Registration.session_id,
                )
                .join(Registration, ExternalCode.registration_id == Registration.id)
                .where(ExternalCode.lookup.in_(chunk))
            )
            for lookup, registration_id, delegate_id, session_id in self.db.execute(query):
                known[lookup] = _KnownCode(registration_id, delegate_id, session_id)
        return known

    def run(self) -> ImportReport:
        people = self.people()
        codes = self.known_codes(people)
        code_owners = {known.delegate_id for known in codes.values()}
        by_email: dict[str, int] = {}
        by_name: dict[tuple[str, str, str], tuple[int, str]] = {}
        known_people: dict[int, tuple[str, tuple[str, str]]] = {}
        rows = self.db.execute(
            select(
                Delegate.id, Delegate.email, Delegate.first_name, Delegate.last_name, Delegate.organisation
            ).order_by(Delegate.id)
        )
        for delegate_id, email, first, last, organisation in rows:
            if email:
                by_email.setdefault(email, delegate_id)
            if first or last:
                by_name.setdefault(_name_key(first, last, organisation), (delegate_id, email))
            if delegate_id in code_owners:
                known_people[delegate_id] = (email, (_fold(first), _fold(last)))

        # Each person -> an existing delegate (by code, then email, then name and organisation) or None.
        matched: dict[int, DelegateRow] = {}
        resolved: list[tuple[DelegateRow, int | None]] = []
        merged = 0
        for person in people:
            delegate_id = next(
                (
                    codes[k].delegate_id
                    for k in (lookup_key(c) for _, c in person.codes)
                    if k in codes and self._plausible(person, known_people[codes[k].delegate_id])
                ),
                None,
            )
            if delegate_id is None and person.email:
                delegate_id = by_email.get(person.email)
            if delegate_id is None and (person.first_name or person.last_name):
                found = by_name.get(_name_key(person.first_name, person.last_name, person.organisation))
                # Same name, different email: a different person who happens to share the name.
                if found is not None and (not person.email or not found[1] or found[1] == person.email):
                    delegate_id = found[0]
            if delegate_id is not None and delegate_id in matched:
                _merge_row(matched[delegate_id], person)
                merged += 1
                continue
            if delegate_id is not None:
                matched[delegate_id] = person
            resolved.append((person, delegate_id))
        if merged:
            self.warnings.append(
                f"{_count(merged, 'row')} matched a delegate that an earlier row had already matched; merged."
            )

        delegates = {
            delegate.id: delegate
            for chunk in _chunks(list(matched))
            for delegate in self.db.scalars(select(Delegate).where(Delegate.id.in_(chunk)))
        }
        registrations = {
            registration.delegate_id: registration
            for chunk in _chunks(list(matched))
            for registration in self.db.scalars(
                select(Registration).where(
                    Registration.session_id == self.session.id, Registration.delegate_id.in_(chunk)
                )
            )
        }
        added = self._apply(resolved, delegates, registrations, codes, by_email)
        self._warn_about_missing(touched={r.id for r in registrations.values()} | set(added))
        return ImportReport(
            format=self.list.format,
            rows=self.list.data_rows,
            warnings=self.warnings,
            errors=list(self.list.errors),
            column_mapping=dict(self.list.column_mapping),
            **self.counts,
        )

    # -- writing -----------------------------------------------------------------------------------

    def _apply(
        self,
        resolved: list[tuple[DelegateRow, int | None]],
        delegates: dict[int, Delegate],
        registrations: dict[int, Registration],
        codes: dict[str, _KnownCode],
        by_email: dict[str, int],
    ) -> list[int]:
        """Writes the changes; returns the ids of the registrations it added."""
        key = self.session.programme.signing_key
        source = self.list.format
        new_delegates: list[dict[str, Any]] = []
        # (index into new_delegates, or an existing delegate id as -1 - id) -> registration parameters
        new_registrations: list[tuple[int, dict[str, Any]]] = []
        # (index into new_registrations, or an existing registration id as -1 - id) -> code parameters
        new_codes: list[tuple[int, dict[str, Any]]] = []
        taken: set[str] = set()
        conflicts = 0

        def add_codes(person: DelegateRow, registration_ref: int, registration_id: int | None) -> bool:
            nonlocal conflicts
            added = False
            for kind, code in person.codes:
                lookup = lookup_key(code)
                known = codes.get(lookup)
                if known is not None and known.registration_id == registration_id:
                    continue
                if known is not None or lookup in taken:
                    conflicts += 1
                    continue
                taken.add(lookup)
                new_codes.append((registration_ref, {"kind": kind, "code": code, "lookup": lookup}))
                added = True
            return added

        for person, delegate_id in resolved:
            if delegate_id is None:
                new_delegates.append(self._new_delegate(person))
                delegate_ref = len(new_delegates) - 1
                registration = None
            else:
                delegate = delegates[delegate_id]
                delegate_ref = -1 - delegate_id
                changed = self._update_delegate(delegate, person, by_email)
                registration = registrations.get(delegate_id)
            if registration is None:
                new_registrations.append(
                    (
                        delegate_ref,
                        {
                            "uuid": new_uuid(),
                            "session_id": self.session.id,
                            "status": person.status.value,
                            "status_reason": person.status_reason,
                            "source": source,
                            "badge_code": new_badge_code(key),
                            "answers": dict(person.answers),
                            "created_at": self.now,
                            "updated_at": self.now,
                        },
                    )
                )
                add_codes(person, len(new_registrations) - 1, None)
                self.counts["cancelled" if person.status == RegistrationStatus.CANCELLED else "added"] += 1
                continue
            was_cancelled = registration.status == RegistrationStatus.CANCELLED
            changed = self._update_registration(registration, person) | changed
            changed = add_codes(person, -1 - registration.id, registration.id) | changed
            if changed:
                registration.updated_at = self.now
            if registration.status == RegistrationStatus.CANCELLED and not was_cancelled:
                self.counts["cancelled"] += 1
            elif changed:
                self.counts["updated"] += 1
            else:
                self.counts["unchanged"] += 1

        if conflicts:
            self.warnings.append(
                f"{_count(conflicts, 'barcode or reference')} already belonged to another booking, so "
                "they were not added again (check that this list is for this session)."
            )
        return self._insert(new_delegates, new_registrations, new_codes)

    def _new_delegate(self, person: DelegateRow) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(person, name) for name in PERSON_FIELDS}
        values.update(
            uuid=new_uuid(),
            consent=False,
            # search_key_of reads only the name, badge name, organisation and email, which a row has.
            search_key=search_key_of(cast(Delegate, person)),
            created_at=self.now,
            updated_at=self.now,
        )
        return values

    def _update_delegate(self, delegate: Delegate, person: DelegateRow, by_email: dict[str, int]) -> bool:
        changed = False
        for name in PERSON_FIELDS:
            value = getattr(person, name)
            # Never overwrite with an empty value; never give one delegate another delegate's email.
            if not value or value == getattr(delegate, name):
                continue
            if name == "email" and by_email.get(value, delegate.id) != delegate.id:
                continue
            setattr(delegate, name, value)
            changed = True
        if changed:
            delegate.updated_at = self.now
            refresh_search_key(delegate)
        return changed

    def _update_registration(self, registration: Registration, person: DelegateRow) -> bool:
        changed = False
        if registration.status not in _DESK_STATUSES and (
            registration.status != person.status or registration.status_reason != person.status_reason
        ):
            # A cancelled booking the platform lists as attending again is restored.
            registration.status = person.status
            registration.status_reason = person.status_reason
            changed = True
        answers = {**(registration.answers or {}), **person.answers}
        if answers != (registration.answers or {}):
            registration.answers = answers
            changed = True
        return changed

    def _insert(
        self,
        new_delegates: list[dict[str, Any]],
        new_registrations: list[tuple[int, dict[str, Any]]],
        new_codes: list[tuple[int, dict[str, Any]]],
    ) -> list[int]:
        self.db.flush()  # updates first, so the inserts below see a consistent session
        delegate_ids: list[int] = []
        if new_delegates:
            delegate_ids = list(
                self.db.scalars(
                    insert(Delegate).returning(Delegate.id, sort_by_parameter_order=True), new_delegates
                )
            )
        registration_rows = []
        for delegate_ref, values in new_registrations:
            delegate_id = delegate_ids[delegate_ref] if delegate_ref >= 0 else -1 - delegate_ref
            registration_rows.append({**values, "delegate_id": delegate_id})
        registration_ids: list[int] = []
        if registration_rows:
            registration_ids = list(
                self.db.scalars(
                    insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
                    registration_rows,
                )
            )
        code_rows = [
            {**values, "registration_id": registration_ids[ref] if ref >= 0 else -1 - ref}
            for ref, values in new_codes
        ]
        if code_rows:
            self.db.execute(insert(ExternalCode), code_rows)
        return registration_ids

    def _warn_about_missing(self, touched: set[int]) -> None:
        """Bookings from an earlier import of this platform's list that this file no longer has."""
        query = select(Registration.id).where(
            Registration.session_id == self.session.id,
            Registration.source == self.list.format,
            Registration.status.in_([status.value for status in _ACTIVE]),
        )
        missing = sum(1 for registration_id in self.db.scalars(query) if registration_id not in touched)
        if missing:
            self.warnings.append(
                f"{_count(missing, 'delegate')} booked on this session by an earlier {self.list.format} import "
                "are not in this file; their bookings were left as they were (cancel them at the desk if "
                "they are no longer coming)."
            )


def _copy(row: DelegateRow) -> dict[str, Any]:
    """A row's fields as keyword arguments, with its own lists and dicts (merging must not touch the list read)."""
    values = {item.name: getattr(row, item.name) for item in fields(DelegateRow)}
    values["codes"] = list(row.codes)
    values["answers"] = dict(row.answers)
    return values
