"""The domain as database tables: programmes, venues, sessions, delegates, registrations and the logs."""

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import as_utc, utc_now
from checkin.domain.vocabulary import RegistrationStatus


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without an offset (SQLite has none) and always hands back an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def new_uuid() -> str:
    return str(uuid.uuid4())


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}
    # SQLAlchemy types `__table__` as any FromClause, since a class may be mapped to a join or a select;
    # every model here is mapped to a Table (SQLAlchemy's advice in its issue 9130).
    __table__: ClassVar[Table]


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    title: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200), default="")
    delivered_by: Mapped[str] = mapped_column(String(200), default="")
    signing_key: Mapped[bytes] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: The invented demonstration programme (checkin.desk.demo): its signing key is public, so real
    #: sessions never join it.
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The logo printed on badges and the guide (PNG or JPEG bytes); None for the shipped one.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The programme's colours as #rrggbb, "" for the shipped ones: headings, and the accent.
    colour: Mapped[str] = mapped_column(String(7), default="", server_default="")
    accent_colour: Mapped[str] = mapped_column(String(7), default="", server_default="")

    sessions: Mapped[list["Session"]] = relationship(back_populates="programme")


class Venue(Base):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(400), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    local_contacts: Mapped[str] = mapped_column(Text, default="")


class Session(Base):
    """A dated occurrence of the training at a venue."""

    __tablename__ = "session"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    capacity: Mapped[int | None]
    trainers: Mapped[str] = mapped_column(String(400), default="")
    #: The session's own admission window; None takes the default around its dates (checkin.domain.admission).
    admit_from: Mapped[datetime | None]
    admit_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: Hidden from the session picker and the desk; kept, with its bookings, for reports.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Part of the demonstration programme: shown as DEMO wherever it appears.
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    programme: Mapped[Programme] = relationship(back_populates="sessions")
    venue: Mapped[Venue | None] = relationship()
    segments: Mapped[list["Segment"]] = relationship(
        back_populates="session", order_by="Segment.position", cascade="all, delete-orphan"
    )


class Segment(Base):
    """A part of a session's day that attendance is taken for (morning, afternoon, case study)."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    session: Mapped[Session] = relationship(back_populates="segments")


class Delegate(Base):
    """A person: one record across imports and sessions."""

    __tablename__ = "delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    badge_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    job_title: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(320), default="", index=True)
    phone: Mapped[str] = mapped_column(String(60), default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Accent-free, lower-case "first last organisation email" for search as you type.
    search_key: Mapped[str] = mapped_column(Text, default="")
    #: Accent-free "last first": surname order that puts Ó Súilleabháin among the S... and O... names.
    surname_key: Mapped[str] = mapped_column(String(400), default="", server_default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    registrations: Mapped[list["Registration"]] = relationship(back_populates="delegate")


class Registration(Base):
    """A delegate booked on a session, with the badge code that admits them."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("delegate_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    # No index of its own: the unique (delegate_id, session_id) serves lookups by delegate.
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.BOOKED)
    status_reason: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(40), default="")
    badge_code: Mapped[str] = mapped_column(String(40), unique=True)
    #: Questions from the booking form that did not map to a delegate field.
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    delegate: Mapped[Delegate] = relationship(back_populates="registrations")
    session: Mapped[Session] = relationship()
    external_codes: Mapped[list["ExternalCode"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )


class ExternalCode(Base):
    """A booking platform's code (Eventbrite barcode, Tito reference, pretix secret) that also admits."""

    __tablename__ = "external_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(200))
    #: Upper case, no surrounding space: what a scan is looked up by.
    lookup: Mapped[str] = mapped_column(String(200), unique=True)

    registration: Mapped[Registration] = relationship(back_populates="external_codes")


class RevokedCode(Base):
    """A code that admitted once and was replaced (a ticket reissued by the platform, a lost badge
    reprinted): kept so a scan of it is refused with when it was replaced. Rows are only ever added; a
    code is live (a badge code, an external code) or revoked, never both."""

    __tablename__ = "revoked_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    #: "badge" for one of our badge codes, else the platform's kind as in ExternalCode.kind.
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(200))
    #: As ExternalCode.lookup: what a scan is looked up by.
    lookup: Mapped[str] = mapped_column(String(200), unique=True)
    revoked_at: Mapped[datetime]
    desk: Mapped[str] = mapped_column(String(100), default="")
    #: Why, in the desk's words: "replaced in the pretix list", "badge lost".
    reason: Mapped[str] = mapped_column(String(200), default="")


class CheckinEvent(Base):
    """Append-only: attendance is derived from these, never stored as a flag."""

    __tablename__ = "checkin_event"
    __table_args__ = (Index("ix_checkin_event_registration_at", "registration_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id"), index=True)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id"))
    kind: Mapped[str] = mapped_column(String(10))
    #: For an undo: the event it cancels.
    undoes: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime]
    desk: Mapped[str] = mapped_column(String(100))
    operator: Mapped[str] = mapped_column(String(100), default="")
    method: Mapped[str] = mapped_column(String(20))


class GuideHandout(Base):
    """That a delegate was given the pocket guide at a session. Rows are only ever added, at most one a
    booking: a second press (or a second desk, merged by sync) is the same hand-out."""

    __tablename__ = "guide_handout"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id"), index=True)
    at: Mapped[datetime]
    desk: Mapped[str] = mapped_column(String(100))
    operator: Mapped[str] = mapped_column(String(100), default="")


class OrganisationSector(Base):
    """The organiser's choice of sector for everyone from an organisation (checkin.domain.sectors)."""

    __tablename__ = "organisation_sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    #: `checkin.domain.sectors.organisation_key` of the name: spellings that differ in case are one.
    organisation_key: Mapped[str] = mapped_column(String(300), unique=True)
    #: The name as the organiser saw it when choosing.
    organisation: Mapped[str] = mapped_column(String(300), default="")
    #: A `Sector` value; "" takes the choice back (the list's answer or the name decide again).
    sector: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class ScanLog(Base):
    """Every scan attempt with its outcome, refused ones too."""

    __tablename__ = "scan_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    desk: Mapped[str] = mapped_column(String(100))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id"), index=True)
    scanned: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(30))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))


class PrintLog(Base):
    __tablename__ = "print_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    desk: Mapped[str] = mapped_column(String(100))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    stock: Mapped[str] = mapped_column(String(60))
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditLog(Base):
    """Who did what and when: imports, edits, exports, purges. Never personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    desk: Mapped[str] = mapped_column(String(100))
    operator: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")


class AppendOnlyError(Exception):
    """A check-in event was changed or deleted: the record of attendance only grows."""


@event.listens_for(OrmSession, "before_flush")
def _events_are_append_only(session: OrmSession, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, CheckinEvent) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise AppendOnlyError("Check-in events are never changed or deleted; record an undo instead.")


class Outbox(Base):
    """Local changes not yet sent to the hub: which row changed and which fields, with the HLC of the edit.

    Values are read from the row when it is sent, so a field edited twice is sent once with its latest value.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(30))
    row_id: Mapped[int] = mapped_column(Integer)
    #: "create", "update" (with `fields`) or "event" (an immutable row such as a check-in event).
    op: Mapped[str] = mapped_column(String(10))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    hlc: Mapped[str] = mapped_column(String(40))
    #: A change received from elsewhere (a bundle) and passed on as it came; None for local changes.
    relayed: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FieldClock(Base):
    """The hybrid logical clock of the edit that set each synced field last, for merging field by field."""

    __tablename__ = "field_clock"
    __table_args__ = (UniqueConstraint("entity", "entity_uuid", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_uuid: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    hlc: Mapped[str] = mapped_column(String(40))


class UuidAlias(Base):
    """A row that two desks created apart (the same venue name, the same booking): the other desk's uuid
    for it points at ours, so what refers to theirs lands on ours."""

    __tablename__ = "uuid_alias"
    __table_args__ = (UniqueConstraint("entity", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))
    alias: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(200))


class SyncState(Base):
    """Small facts about this replica: its id, the hub cursor, the last HLC, the last successful sync."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
