"""Importing a delegate list into a session: one person one delegate, matched, added, updated or cancelled.

A booking the list gives a new code of a kind it already had (pretix regenerated a leaked ticket's secret,
Eventbrite reissued a barcode) has its old code moved to the revoked codes: it no longer admits, and a scan
of it says when it was replaced.

Reading and recognising the file is `checkin.importing.reading`; this module applies what was read. The work
is all-or-nothing inside a SAVEPOINT: a bad file raises before anything is written, a dry run rolls the
savepoint back, and the caller commits. Matching runs on dicts preloaded in a few queries and new rows
go in as bulk inserts, so a 10,000-row list takes under a second and 100,000 rows about nine.
"""

import gc
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, ColumnDefault, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import Clock, utc_now
from checkin.domain.codes import lookup_key, new_badge_codes
from checkin.domain.person import DELEGATE_FIELDS, SEARCH_FIELDS, search_key, surname_key
from checkin.domain.text import fold
from checkin.domain.vocabulary import RegistrationStatus
from checkin.importing.reading import (
    DelegateList,
    DelegateRow,
    ImportFileError,
    is_person_id,
    read_delegate_list,
)
from checkin.store.database import begin_write
from checkin.store.models import AuditLog, Delegate, ExternalCode, Registration, RevokedCode, Session
from checkin.store.outbox import record_bulk

__all__ = [
    "DelegateList",
    "ImportFileError",
    "ImportReport",
    "apply_delegate_list",
    "import_delegate_list",
    "read_delegate_list",
]

_CHUNK = 500  # ids per IN (...) query, well under SQLite's and PostgreSQL's parameter limits
_SHOWN_GROUPS = 10  # groups of merged rows a warning names; a list merging more is mostly one mistake
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
    #: Codes of bookings the list replaced with newer ones (now revoked).
    codes_replaced: int = 0

    def as_json(self) -> dict[str, Any]:
        """Exactly the keys of `checkin import --json`."""
        return {
            "format": self.format,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "cancelled": self.cancelled,
            "codes_replaced": self.codes_replaced,
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
    # Tens of thousands of small objects are made and kept: the cyclic garbage collector would walk
    # them again and again (a third of the time of a big import) and would find nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(db, Path(path), session, dry_run, desk, clock, mapping_overrides)
    finally:
        if collecting:
            gc.enable()


def _import(
    db: OrmSession,
    path: Path,
    session: Session,
    dry_run: bool,
    desk: str,
    clock: Clock,
    mapping_overrides: dict[str, str] | None,
) -> ImportReport:
    delegate_list = read_delegate_list(path, mapping_overrides)
    return apply_delegate_list(db, delegate_list, session, dry_run=dry_run, desk=desk, clock=clock)


def apply_delegate_list(
    db: OrmSession,
    delegate_list: DelegateList,
    session: Session,
    *,
    dry_run: bool = False,
    desk: str = "",
    clock: Clock = utc_now,
    complete: bool = True,
) -> ImportReport:
    """Apply a delegate list however it was read (a file, a booking platform's API) exactly as an import
    does: same matching, counts, audit and sync outbox; in a savepoint, the caller commits. `complete`
    is False for a list of changes only (people it leaves out have not gone missing)."""
    now = clock()
    # On SQLite, RELEASE of the outermost SAVEPOINT is a COMMIT, and pysqlite begins a transaction only
    # before its first write: the write lock, taken now, makes the caller's transaction the outer one (so
    # the import can still be rolled back) and the ids _bulk_insert gives ours alone.
    begin_write(db)
    savepoint = db.begin_nested()
    try:
        report = _Import(db, session, delegate_list, now, complete, desk).run()
        db.add(
            AuditLog(
                at=now,
                desk=desk,
                action="import",
                detail=(
                    f"session {session.code}, {report.format} list {delegate_list.path.name}: "
                    f"{report.rows} rows, {report.added} added, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {report.cancelled} cancelled, "
                    + (f"{report.codes_replaced} codes replaced, " if report.codes_replaced else "")
                    + f"{len(report.warnings)} warnings, {len(report.errors)} errors"
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


_JOINERS_ASCII = str.maketrans("", "", "'`-.")


def _fold(text: str) -> str:
    # fold() gives the same for ASCII, only slower; matching folds every known delegate's name. Other
    # text is mostly names and organisations, which repeat: each is folded once.
    if text.isascii():
        return " ".join(text.translate(_JOINERS_ASCII).lower().split())
    return _fold_cached(text)


_fold_cached = lru_cache(maxsize=1 << 16)(fold)


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
    for name in DELEGATE_FIELDS:
        value = getattr(row, name)
        if value:
            setattr(into, name, value)
    if row.status == RegistrationStatus.BOOKED or into.status != RegistrationStatus.BOOKED:
        into.status, into.status_reason = row.status, row.status_reason
    for code in row.codes:
        if code not in into.codes:
            into.codes.append(code)
    into.answers.update(row.answers)


def _damaged_copy_of(value: str, current: str) -> bool:
    """Whether value is current with some letters replaced by "?" (what a Windows-1252 save does)."""
    if not current or len(value) != len(current):
        return False
    return all(a == b or (a == "?" and b != "?") for a, b in zip(value, current, strict=True))


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _merged(merges: dict[int, list[int]]) -> int:
    return sum(len(merged) for merged in merges.values())


def _and(numbers: Sequence[int]) -> str:
    return ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


@dataclass(frozen=True)
class _KnownCode:
    registration_id: int
    delegate_id: int
    session_id: int


class _Import:
    """One import's working state: the file's people, what the database already knows, and counts."""

    def __init__(
        self,
        db: OrmSession,
        session: Session,
        delegate_list: DelegateList,
        now: datetime,
        complete: bool = True,
        desk: str = "",
    ) -> None:
        self.db = db
        self.desk = desk
        self.session = session
        self.list = delegate_list
        self.now = now
        self.complete = complete
        self.warnings = list(delegate_list.warnings)
        self.uuids: Iterator[str] = iter(())
        self.lookups = {code: lookup_key(code) for row in delegate_list.rows for _, code in row.codes}
        self.counts = {"added": 0, "updated": 0, "unchanged": 0, "cancelled": 0, "codes_replaced": 0}
        self.numbered: dict[int, set[str]] | None = None

    # -- the file's people -------------------------------------------------------------------------

    def people(self) -> list[DelegateRow]:
        """Rows merged into people: one per code (a ticket's, or the platform's number for the person),
        one per email (unless the names differ), and one per name and organisation among rows that have
        neither: rows with different codes are different people, however alike their names."""
        people: list[DelegateRow] = []
        by_code: dict[str, DelegateRow] = {}
        by_email: dict[str, DelegateRow] = {}
        by_name: dict[tuple[str, str, str], DelegateRow] = {}
        same_email = shared_email = 0
        # The first row's line -> the lines merged into it, to name them in the warnings.
        same_code: dict[int, list[int]] = {}
        same_name: dict[int, list[int]] = {}
        for original in self.list.rows:
            row = _copy(original)
            target = None
            for _, code in row.codes:
                target = by_code.get(self.lookups[code])
                if target is not None:
                    same_code.setdefault(target.line, []).append(row.line)
                    break
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
                    same_name.setdefault(target.line, []).append(row.line)
            if target is None:
                people.append(row)
                target = row
            else:
                _merge_row(target, row)
            for _, code in target.codes:
                by_code.setdefault(self.lookups[code], target)
            if target.email:
                by_email.setdefault(target.email, target)
            elif not target.codes:
                by_name.setdefault(
                    _name_key(target.first_name, target.last_name, target.organisation), target
                )
        if same_code:
            self.warnings.append(self._duplicates(same_code, "ticket code or ID"))
        if same_email:
            self.warnings.append(f"{_count(same_email, 'duplicate row')} for the same email were merged.")
        if same_name:
            self.warnings.append(
                self._duplicates(same_name, "name and organisation") + " If some are different people, add "
                "their emails (or a column with each person's ID on the platform) and import the list again."
            )
        if shared_email:
            self.warnings.append(
                f"{_count(shared_email, 'row')} repeated an earlier row's email with a different name "
                "(a group booking made by one person); they were imported as separate delegates without an email."
            )
        return people

    def _duplicates(self, merges: dict[int, list[int]], same: str) -> str:
        count = _merged(merges)
        was = "was" if count == 1 else "were"
        return f"{_count(count, 'duplicate row')} for the same {same} {was} merged: {self._lines(merges)}."

    def _lines(self, merges: dict[int, list[int]]) -> str:
        """Groups of merged rows as the person finds them in the file: "lines 2 and 9; lines 4, 7 and 12"."""
        groups = sorted([first, *merged] for first, merged in merges.items())
        shown = "; ".join(f"{self.list.where}s {_and(group)}" for group in groups[:_SHOWN_GROUPS])
        return shown + ("; ..." if len(groups) > _SHOWN_GROUPS else "")

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

    def _someone_else(
        self, person: DelegateRow, delegate_id: int, claimed: set[int], matched: dict[int, DelegateRow]
    ) -> bool:
        """Whether a delegate found by name alone is another person than this one, who has a code: one
        whom another row's code names or another row already matched (this list tells the two apart by
        their codes), or one the platform numbers differently (a member ID of the same kind)."""
        if delegate_id in claimed or delegate_id in matched:
            return True
        kinds = {kind for kind, _ in person.codes if is_person_id(kind)}
        return bool(kinds) and not kinds.isdisjoint(self._numbered().get(delegate_id, ()))

    def _numbered(self) -> dict[int, set[str]]:
        """Delegate id -> the kinds of platform numbers for a person their bookings hold (asked once)."""
        if self.numbered is None:
            kinds = sorted({kind for row in self.list.rows for kind, _ in row.codes if is_person_id(kind)})
            self.numbered = {}
            query = (
                select(Registration.delegate_id, ExternalCode.kind)
                .join(Registration, ExternalCode.registration_id == Registration.id)
                .where(ExternalCode.kind.in_(kinds))
                .distinct()
            )
            for delegate_id, kind in self.db.execute(query):
                self.numbered.setdefault(delegate_id, set()).add(kind)
        return self.numbered

    # -- what the database knows -------------------------------------------------------------------

    def known_codes(self, people: list[DelegateRow]) -> dict[str, _KnownCode]:
        lookups = sorted({self.lookups[code] for person in people for _, code in person.codes})
        known: dict[str, _KnownCode] = {}
        query = select(
            ExternalCode.lookup,
            ExternalCode.registration_id,
            Registration.delegate_id,
            Registration.session_id,
        ).join(Registration, ExternalCode.registration_id == Registration.id)
        stored = self.db.execute(select(func.count()).select_from(ExternalCode)).scalar_one()
        if stored <= 2 * len(lookups):
            # The file has about as many codes as the database (a first import, a re-import): one pass
            # over the table beats asking for them a few hundred at a time.
            wanted = set(lookups)
            for lookup, registration_id, delegate_id, session_id in self.db.execute(query):
                if lookup in wanted:
                    known[lookup] = _KnownCode(registration_id, delegate_id, session_id)
            return known
        for chunk in _chunks(lookups):
            chosen = query.where(ExternalCode.lookup.in_(chunk))
            for lookup, registration_id, delegate_id, session_id in self.db.execute(chosen):
                known[lookup] = _KnownCode(registration_id, delegate_id, session_id)
        return known

    def revoked_in_file(self) -> set[str]:
        """The file's codes that a newer code has replaced here (an old copy of a list)."""
        wanted = set(self.lookups.values())
        revoked = self.db.execute(select(func.count()).select_from(RevokedCode)).scalar_one()
        if not wanted or not revoked:
            return set()
        if revoked <= 2 * len(wanted):
            return wanted.intersection(self.db.scalars(select(RevokedCode.lookup)))
        return {
            lookup
            for chunk in _chunks(sorted(wanted))
            for lookup in self.db.scalars(select(RevokedCode.lookup).where(RevokedCode.lookup.in_(chunk)))
        }

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
        for existing_id, email, first, last, organisation in rows:
            if email:
                by_email.setdefault(email, existing_id)
            if first or last:
                by_name.setdefault(_name_key(first, last, organisation), (existing_id, email))
            if existing_id in code_owners:
                known_people[existing_id] = (email, (_fold(first), _fold(last)))

        # Each person -> an existing delegate (by code, then email, then name and organisation) or None.
        # Codes are matched first, for everyone: a delegate whom a code names is that person's, so a
        # namesake further up the file with a code of their own does not take them by name.
        by_code: list[int | None] = [None] * len(people)
        if codes:
            for index, person in enumerate(people):
                for _, code in person.codes:
                    known = codes.get(self.lookups[code])
                    if known is not None and self._plausible(person, known_people[known.delegate_id]):
                        by_code[index] = known.delegate_id
                        break
        claimed = {owner for owner in by_code if owner is not None}
        matched: dict[int, DelegateRow] = {}
        resolved: list[tuple[DelegateRow, int | None]] = []
        merged: dict[int, list[int]] = {}
        for person, delegate_id in zip(people, by_code, strict=True):
            if delegate_id is None and person.email:
                delegate_id = by_email.get(person.email)
            if delegate_id is None and by_name and (person.first_name or person.last_name):
                found = by_name.get(_name_key(person.first_name, person.last_name, person.organisation))
                # Same name, different email: a different person who happens to share the name. Same
                # name and a code of their own: someone else where the codes tell the two apart.
                if (
                    found is not None
                    and (not person.email or not found[1] or found[1] == person.email)
                    and not (person.codes and self._someone_else(person, found[0], claimed, matched))
                ):
                    delegate_id = found[0]
            if delegate_id is not None and delegate_id in matched:
                _merge_row(matched[delegate_id], person)
                merged.setdefault(matched[delegate_id].line, []).append(person.line)
                continue
            if delegate_id is not None:
                matched[delegate_id] = person
            resolved.append((person, delegate_id))
        if merged:
            self.warnings.append(
                f"{_count(_merged(merged), 'row')} matched a delegate that an earlier row had already matched; "
                f"merged: {self._lines(merged)}."
            )

        known_delegates = {
            row[0]: dict(zip(DELEGATE_FIELDS, row[1:], strict=True))
            for chunk in _chunks(list(matched))
            for row in self.db.execute(
                select(Delegate.id, *(getattr(Delegate, name) for name in DELEGATE_FIELDS)).where(
                    Delegate.id.in_(chunk)
                )
            )
        }
        known_registrations = {
            delegate_id: _KnownRegistration(registration_id, status, reason, source, answers or {})
            for registration_id, delegate_id, status, reason, source, answers in self.db.execute(
                select(
                    Registration.id,
                    Registration.delegate_id,
                    Registration.status,
                    Registration.status_reason,
                    Registration.source,
                    Registration.answers,
                ).where(Registration.session_id == self.session.id)
            )
        }
        self._apply(resolved, known_delegates, known_registrations, codes, by_email)
        if self.complete:
            self._warn_about_missing(known_registrations, touched=set(matched))
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
        known_delegates: dict[int, dict[str, str]],
        known_registrations: dict[int, "_KnownRegistration"],
        codes: dict[str, _KnownCode],
        by_email: dict[str, int],
    ) -> None:
        key = self.session.programme.signing_key
        source = self.list.format
        # Random uuids and badge codes handed out in sorted order: SQLite then fills their unique indexes
        # page by page instead of scattering a hundred thousand inserts (a second of a 100k import).
        self.uuids = iter(sorted(_random_uuids(2 * len(resolved))))
        new_delegates: list[dict[str, Any]] = []
        # (index into new_delegates, or an existing delegate id as -1 - id) -> registration parameters
        new_registrations: list[tuple[int, dict[str, Any]]] = []
        # (index into new_registrations, or an existing registration id as -1 - id) -> code parameters
        new_codes: list[tuple[int, dict[str, Any]]] = []
        # Updates grouped by the fields they change: one executemany per group, and sync can be told
        # exactly which fields changed (a field another desk edited is not overwritten by our copy).
        delegate_updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        registration_updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        taken: set[str] = set()
        conflicts = 0
        revoked = self.revoked_in_file()
        stale: set[str] = set()
        # Existing bookings given a new code, and its kinds: their other codes of those kinds are replaced.
        renewed: dict[int, set[str]] = {}

        def add_codes(
            person: DelegateRow, delegate_id: int | None, registration_ref: int, registration_id: int | None
        ) -> bool:
            nonlocal conflicts
            added = False
            for kind, code in person.codes:
                lookup = self.lookups[code]
                known = codes.get(lookup)
                if known is not None and known.registration_id == registration_id:
                    continue
                if known is not None and known.delegate_id == delegate_id and is_person_id(kind):
                    continue  # the person's number, kept with their booking on another session
                if lookup in revoked:
                    stale.add(lookup)
                    continue
                if known is not None or lookup in taken:
                    conflicts += 1
                    continue
                taken.add(lookup)
                new_codes.append((registration_ref, {"kind": kind, "code": code, "lookup": lookup}))
                if registration_id is not None and not is_person_id(kind):  # a person's number is no ticket
                    renewed.setdefault(registration_id, set()).add(kind)
                added = True
            return added

        for person, delegate_id in resolved:
            registration = None
            changed = False
            if delegate_id is None:
                new_delegates.append(self._new_delegate(person))
                delegate_ref = len(new_delegates) - 1
            else:
                delegate_ref = -1 - delegate_id
                update = self._delegate_update(delegate_id, known_delegates[delegate_id], person, by_email)
                if update is not None:
                    delegate_updates.setdefault(tuple(name for name in update if name != "_id"), []).append(
                        update
                    )
                    changed = True
                registration = known_registrations.get(delegate_id)
            if registration is None:
                new_registrations.append(
                    (
                        delegate_ref,
                        {
                            "uuid": next(self.uuids),
                            "session_id": self.session.id,
                            "status": person.status.value,
                            "status_reason": person.status_reason,
                            "source": source,
                            "badge_code": "",  # given below, all at once
                            "answers": dict(person.answers),
                            "created_at": self.now,
                            "updated_at": self.now,
                        },
                    )
                )
                add_codes(person, delegate_id, len(new_registrations) - 1, None)
                self.counts["cancelled" if person.status == RegistrationStatus.CANCELLED else "added"] += 1
                continue
            was_cancelled = registration.status == RegistrationStatus.CANCELLED
            changed_fields = self._update_registration(registration, person)
            codes_added = add_codes(person, delegate_id, -1 - registration.id, registration.id)
            booking_changed = codes_added or bool(changed_fields)
            changed = changed or booking_changed
            if booking_changed:
                values = {name: getattr(registration, name) for name in changed_fields}
                registration_updates.setdefault((*changed_fields, "updated_at"), []).append(
                    {"_id": registration.id, **values, "updated_at": self.now}
                )
            if registration.status == RegistrationStatus.CANCELLED and not was_cancelled:
                self.counts["cancelled"] += 1
            elif changed:
                self.counts["updated"] += 1
            else:
                self.counts["unchanged"] += 1

        for (_ref, values), code in zip(
            new_registrations, sorted(new_badge_codes(key, len(new_registrations))), strict=True
        ):
            values["badge_code"] = code
        if conflicts:
            self.warnings.append(
                f"{_count(conflicts, 'barcode or reference')} already belonged to another booking, so "
                "they were not added again (check that this list is for this session)."
            )
        for rows in delegate_updates.values():
            self._update(Delegate.__table__, rows)
        if stale:
            self.warnings.append(
                f"{len(stale)} ticket codes in this list were replaced earlier by newer ones and still do not "
                "admit (is this an old copy of the list?)."
                if len(stale) > 1
                else "1 ticket code in this list was replaced earlier by a newer one and still does not admit "
                "(is this an old copy of the list?)."
            )
        for rows in registration_updates.values():
            self._update(Registration.__table__, rows)
        self._insert(new_delegates, new_registrations, new_codes)
        replaced = self._revoke_replaced(renewed)
        if replaced:
            self.counts["codes_replaced"] = replaced
            self.warnings.append(
                f"{replaced} ticket codes were replaced by newer ones; the old codes no longer admit."
                if replaced > 1
                else "1 ticket code was replaced by a newer one; the old code no longer admits."
            )
        if delegate_updates or registration_updates or new_registrations or new_codes:
            # Objects the caller has loaded may now be stale: reload them when next used.
            for instance in list(self.db.identity_map.values()):
                if isinstance(instance, Delegate | Registration | ExternalCode):
                    self.db.expire(instance)

    def _new_delegate(self, person: DelegateRow) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(person, name) for name in DELEGATE_FIELDS}
        values.update(
            uuid=next(self.uuids),
            consent=False,
            search_key=import_search_key(values),
            surname_key=import_surname_key(values["last_name"], values["first_name"]),
            created_at=self.now,
            updated_at=self.now,
        )
        return values

    def _delegate_update(
        self, delegate_id: int, current: dict[str, str], person: DelegateRow, by_email: dict[str, int]
    ) -> dict[str, Any] | None:
        """The delegate's fields after this row, or None when nothing changes. Never overwrites a field
        with an empty value; never gives one delegate another delegate's email."""
        values = dict(current)
        changes: dict[str, Any] = {}
        for name in DELEGATE_FIELDS:
            value = getattr(person, name)
            if not value or value == values[name]:
                continue
            if name == "email" and by_email.get(value, delegate_id) != delegate_id:
                continue
            if "?" in value and _damaged_copy_of(value, values[name]):
                continue  # Excel's "CSV" save turned the Ł of a name we have right into ?
            values[name] = changes[name] = value
        if not changes:
            return None
        if any(name in changes for name in SEARCH_FIELDS):
            changes["search_key"] = import_search_key(values)
        if "last_name" in changes or "first_name" in changes:
            changes["surname_key"] = import_surname_key(values["last_name"], values["first_name"])
        return {"_id": delegate_id, **changes, "updated_at": self.now}

    def _update_registration(
        self, registration: "_KnownRegistration", person: DelegateRow
    ) -> tuple[str, ...]:
        """Applies the row's status and answers; returns the names of the fields that changed."""
        changed: tuple[str, ...] = ()
        if registration.status not in _DESK_STATUSES:
            # A cancelled booking the platform lists as attending again is restored.
            if registration.status != person.status:
                registration.status = person.status.value
                changed += ("status",)
            if registration.status_reason != person.status_reason:
                registration.status_reason = person.status_reason
                changed += ("status_reason",)
        answers = {**registration.answers, **person.answers}
        if answers != registration.answers:
            registration.answers = answers
            changed += ("answers",)
        return changed

    def _update(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Core executemany UPDATE by id (rows share their keys)."""
        if rows:
            self.db.execute(update(table).where(table.c.id == bindparam("_id")), rows)
            # Around the ORM, so its flush hook does not see it: tell sync which fields changed (only
            # those, so a field another desk edited later is not overwritten by this list's copy).
            fields = [name for name in rows[0] if name != "_id"]
            record_bulk(self.db, table.name, [row["_id"] for row in rows], fields)

    def _insert(
        self,
        new_delegates: list[dict[str, Any]],
        new_registrations: list[tuple[int, dict[str, Any]]],
        new_codes: list[tuple[int, dict[str, Any]]],
    ) -> None:
        delegate_ids = self._bulk_insert(Delegate.__table__, new_delegates)
        registration_rows = [
            {**values, "delegate_id": delegate_ids[ref] if ref >= 0 else -1 - ref}
            for ref, values in new_registrations
        ]
        registration_ids = self._bulk_insert(Registration.__table__, registration_rows)
        code_rows = [
            {**values, "registration_id": registration_ids[ref] if ref >= 0 else -1 - ref}
            for ref, values in new_codes
        ]
        code_ids = self._bulk_insert(ExternalCode.__table__, code_rows)
        # Bulk inserts bypass the ORM's flush hook: tell sync what was added.
        record_bulk(self.db, "delegate", delegate_ids)
        record_bulk(self.db, "registration", registration_ids)
        record_bulk(self.db, "external_code", code_ids)

    def _revoke_replaced(self, renewed: dict[int, set[str]]) -> int:
        """Move the codes these bookings had of the kinds the list gave them anew, and that the list no
        longer has, from the live codes to the revoked ones. Returns how many."""
        in_file = set(self.lookups.values())
        gone: list[int] = []
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(sorted(renewed)):
            for id_, registration_id, kind, code, lookup in self.db.execute(
                select(
                    ExternalCode.id,
                    ExternalCode.registration_id,
                    ExternalCode.kind,
                    ExternalCode.code,
                    ExternalCode.lookup,
                ).where(ExternalCode.registration_id.in_(chunk))
            ):
                if kind in renewed[registration_id] and lookup not in in_file:
                    gone.append(id_)
                    rows.append(
                        {
                            "registration_id": registration_id,
                            "kind": kind,
                            "code": code,
                            "lookup": lookup,
                            "revoked_at": self.now,
                            "desk": self.desk,
                            "reason": f"replaced in the {self.list.format} list",
                        }
                    )
        if not rows:
            return 0
        for chunk in _chunks(gone):
            self.db.execute(delete(ExternalCode.__table__).where(ExternalCode.__table__.c.id.in_(chunk)))
        for row, uuid in zip(rows, _random_uuids(len(rows)), strict=True):
            row["uuid"] = uuid
        record_bulk(self.db, "revoked_code", self._bulk_insert(RevokedCode.__table__, rows))
        return len(rows)

    def _bulk_insert(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (all with the same keys) in one executemany; returns their new ids in order.

        On SQLite the ids are given here, following the table's largest id: the import holds SQLite's
        write lock (see _ensure_outer_transaction), so no other writer can take them, and a plain
        executemany through the driver is several times faster than SQLAlchemy's per-row work. Elsewhere
        (PostgreSQL, where ids come from sequences) the database gives them and says which by uuid.
        """
        if not rows:
            return []
        connection = self.db.connection()
        dialect = connection.dialect
        if dialect.name != "sqlite":
            key = table.c.uuid if "uuid" in table.c else table.c.lookup
            returned = self.db.execute(insert(table).returning(table.c.id, key), rows)
            ids = {value: id_ for id_, value in returned}
            return [ids[row[key.name]] for row in rows]
        first = (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        new_ids = list(range(first, first + len(rows)))
        # Columns the rows leave out but SQLAlchemy would fill from a Python-side default (a model may
        # gain one): fill them the same way, as the driver is called directly.
        defaults = {
            column.name: column.default
            for column in table.c
            if column.name != "id"
            and column.name not in rows[0]
            and isinstance(column.default, ColumnDefault)
            and not column.default.is_sequence
        }
        names = ["id", *rows[0], *defaults]
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        columns = []  # column by column: a list comprehension per column is much faster than per row
        for name in compiled.positiontup or names:
            if name == "id":
                values: list[Any] = new_ids
            elif name in defaults:
                default = defaults[name]
                if default.is_callable:
                    values = [default.arg(None) for _ in rows]
                else:
                    values = [default.arg] * len(rows)
            else:
                values = [row[name] for row in rows]
            processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                if all(value is values[0] for value in values):  # the clock reading, a session id
                    values = [None if values[0] is None else processor(values[0])] * len(values)
                elif isinstance(table.c[name].type, JSON):
                    values = _encode_repeated(processor, values)
                else:
                    values = [None if value is None else processor(value) for value in values]
            columns.append(values)
        data = list(zip(*columns, strict=True))
        connection.exec_driver_sql(compiled.string, data)
        return new_ids

    def _warn_about_missing(self, registrations: dict[int, "_KnownRegistration"], touched: set[int]) -> None:
        """Bookings from an earlier import of this platform's list that this file no longer has."""
        missing = sum(
            1
            for delegate_id, registration in registrations.items()
            if delegate_id not in touched
            and registration.source == self.list.format
            and registration.status in _ACTIVE
        )
        if missing:
            self.warnings.append(
                f"{_count(missing, 'delegate')} booked on this session by an earlier {self.list.format} import "
                "are not in this file; their bookings were left as they were (cancel them at the desk if "
                "they are no longer coming)."
            )


@dataclass(slots=True)
class _KnownRegistration:
    """The columns of an existing registration that an import compares and may change."""

    id: int
    status: str
    status_reason: str
    source: str
    answers: dict[str, str]


def import_search_key(values: dict[str, Any]) -> str:
    """Delegate.search_key, each distinct name and organisation folded once."""
    return search_key(values, _fold)


def import_surname_key(last_name: str, first_name: str) -> str:
    """Delegate.surname_key, each distinct name folded once."""
    return surname_key(last_name, first_name, _fold)


def _encode_repeated(processor: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """JSON of each value, made once per distinct value: the answers of a list repeat (a ticket type, a
    yes or no) and encoding is most of the cost of writing them."""
    made: dict[Any, Any] = {}
    encoded: list[Any] = []
    for value in values:
        if value is None:
            encoded.append(None)
            continue
        try:
            key = tuple(value.items())  # in order: the JSON text keeps the dict's order
            text = made.get(key)
            if text is None:
                text = made[key] = processor(value)
        except (AttributeError, TypeError):  # not a dict of plain values
            text = processor(value)
        encoded.append(text)
    return encoded


def _random_uuids(count: int) -> list[str]:
    """count random (version 4) UUIDs as text, like models.new_uuid, in one call for the randomness."""
    raw = os.urandom(16 * count).hex()
    uuids = []
    for start in range(0, 32 * count, 32):
        h = raw[start : start + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        uuids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return uuids


_ROW_FIELDS = operator.attrgetter(*(item.name for item in fields(DelegateRow)))


def _copy(row: DelegateRow) -> DelegateRow:
    """A copy of a row with its own lists and dicts (merging must not touch the list read)."""
    copy = DelegateRow(*_ROW_FIELDS(row))
    copy.codes = list(row.codes)
    copy.answers = dict(row.answers)
    return copy
