"""Each delegate's sector for the programme report, and the organiser's choice of sector per organisation."""

from collections import Counter
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import Clock, utc_now
from checkin.domain.sectors import (
    Sector,
    SectorRule,
    effective_sector,
    infer_sector,
    organisation_key,
    parse_sector_rules,
    sector_from_answer,
)
from checkin.domain.text import clean
from checkin.errors import UsageError
from checkin.resources import resource_path
from checkin.store.models import AuditLog, Delegate, OrganisationSector

SECTOR_TABLE = ("sectors", "organisations.csv")


@cache
def shipped_rules() -> tuple[SectorRule, ...]:
    """The curated table of organisation names and sectors shipped in resources/sectors/."""
    return tuple(parse_sector_rules(resource_path(*SECTOR_TABLE).read_text(encoding="utf-8")))


def chosen_sectors(db: OrmSession) -> dict[str, Sector]:
    """organisation key -> the sector the organiser chose for everyone from it."""
    return {
        key: Sector(value)
        for key, value in db.execute(select(OrganisationSector.organisation_key, OrganisationSector.sector))
        if value in Sector.__members__.values()
    }


def delegate_sectors(db: OrmSession) -> dict[int, Sector]:
    """delegate id -> the sector they are counted under."""
    rules, chosen = shipped_rules(), chosen_sectors(db)
    return {
        delegate_id: effective_sector(organisation, answer, rules, chosen)
        for delegate_id, organisation, answer in db.execute(
            select(Delegate.id, Delegate.organisation, Delegate.sector)
        )
    }


@dataclass(frozen=True)
class OrganisationSectorRow:
    """An organisation as the Delegates view lists it for choosing its sector."""

    organisation: str
    key: str
    delegates: int
    #: What the organiser chose, None when they have not.
    chosen: Sector | None
    #: What the name alone suggests (the curated table).
    inferred: Sector


def organisation_sector(db: OrmSession, organisation: str) -> OrganisationSectorRow:
    key = organisation_key(organisation)
    if not key:
        raise UsageError("This delegate has no organisation to set a sector for.")
    count = sum(1 for (name,) in db.execute(select(Delegate.organisation)) if organisation_key(name) == key)
    chosen = chosen_sectors(db).get(key)
    return OrganisationSectorRow(
        clean(organisation), key, count, chosen, infer_sector(organisation, shipped_rules())
    )


def set_organisation_sector(
    db: OrmSession,
    organisation: str,
    sector: Sector | None,
    *,
    desk: str = "",
    operator: str = "",
    clock: Clock = utc_now,
) -> int:
    """Count everyone from the organisation under `sector` (None: decide from their answers and the name
    again); commits, and sync carries it to every desk. Returns how many delegates it applies to."""
    row = organisation_sector(db, organisation)
    existing = db.scalars(
        select(OrganisationSector).where(OrganisationSector.organisation_key == row.key)
    ).first()
    if existing is None:
        # Created empty, then set: the choice is an edit with a clock, so when two desks choose apart for one
        # organisation the later choice wins everywhere (a created row alone carries no clock to compare).
        existing = OrganisationSector(
            organisation_key=row.key, organisation=row.organisation, sector="", updated_at=clock()
        )
        db.add(existing)
        db.flush()
    existing.organisation = row.organisation
    existing.sector = sector.value if sector is not None else ""
    existing.updated_at = clock()
    db.add(
        AuditLog(
            at=clock(),
            desk=desk,
            operator=operator,
            action="sector",
            detail=f"sector of an organisation ({row.delegates} delegates) set to {sector.label if sector else 'automatic'}",
        )
    )
    db.commit()
    return row.delegates


def sector_answers(db: OrmSession) -> Counter[str]:
    """The sector column's answers that are not recognised, and how often: for the organiser to see."""
    return Counter(
        clean(answer)
        for (answer,) in db.execute(select(Delegate.sector))
        if clean(answer) and sector_from_answer(answer) is None
    )
