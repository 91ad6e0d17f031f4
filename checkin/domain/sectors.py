"""Sectors: the short list the programme reports by, read from a booking's answer or inferred from the organisation.

A delegate's sector is decided in this order, the first that answers wins:

1. the organiser's choice for everyone from that organisation (Delegates view, "Set sector for everyone
   from ..."), so one correction applies to all its people and travels through sync;
2. the sector column of the delegate list, when it had one and its answer is recognised ("NHS",
   "Local government", "Voluntary sector" ...; `sector_from_answer`);
3. the organisation's name against the curated table `resources/sectors/organisations.csv`
   (`infer_sector`): its rules are tried in file order, so specific rules ("... NHS Trust") come before
   general ones ("... Trust");
4. "Other" for a name nothing matched, "Not known" when there is no organisation and no answer.

The list is the ten sectors UK public-service training is usually reported by, plus "Other public body"
for central government and its agencies (DWP and Jobcentre Plus, the Home Office, the GLAA, probation):
they are neither local authority nor police, and the commissioner asks about them by name.
"""

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from checkin.domain.text import clean, fold


class Sector(StrEnum):
    """Stored and synced by value; shown by `label`."""

    POLICE = "police"
    HEALTH = "health"
    LOCAL_AUTHORITY = "local_authority"
    FIRE_AND_RESCUE = "fire_and_rescue"
    EDUCATION = "education"
    HOUSING = "housing"
    CHARITY = "charity"
    FAITH = "faith"
    PUBLIC_BODY = "public_body"
    BUSINESS = "business"
    OTHER = "other"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.POLICE: "Police",
    Sector.HEALTH: "Health (NHS and care)",
    Sector.LOCAL_AUTHORITY: "Local authority",
    Sector.FIRE_AND_RESCUE: "Fire and rescue",
    Sector.EDUCATION: "Education",
    Sector.HOUSING: "Housing",
    Sector.CHARITY: "Charity / voluntary",
    Sector.FAITH: "Faith group",
    Sector.PUBLIC_BODY: "Other public body",
    Sector.BUSINESS: "Business",
    Sector.OTHER: "Other",
    Sector.NOT_KNOWN: "Not known",
}

#: The sectors an organiser can choose (Not known is what is left when nothing is known).
CHOOSABLE = tuple(s for s in Sector if s is not Sector.NOT_KNOWN)

# Answers to a booking form's "Which sector do you work in?", folded. Labels and values are answers too.
_ANSWERS: dict[str, Sector] = {
    **{fold(s.label): s for s in Sector},
    **{fold(s.value.replace("_", " ")): s for s in Sector},
    "police": Sector.POLICE,
    "policing": Sector.POLICE,
    "law enforcement": Sector.POLICE,
    "nhs": Sector.HEALTH,
    "health": Sector.HEALTH,
    "healthcare": Sector.HEALTH,
    "health care": Sector.HEALTH,
    "health and social care": Sector.HEALTH,
    "social care": Sector.HEALTH,
    "care": Sector.HEALTH,
    "nhs and care": Sector.HEALTH,
    "local government": Sector.LOCAL_AUTHORITY,
    "council": Sector.LOCAL_AUTHORITY,
    "local council": Sector.LOCAL_AUTHORITY,
    "fire": Sector.FIRE_AND_RESCUE,
    "fire service": Sector.FIRE_AND_RESCUE,
    "schools": Sector.EDUCATION,
    "school": Sector.EDUCATION,
    "higher education": Sector.EDUCATION,
    "further education": Sector.EDUCATION,
    "social housing": Sector.HOUSING,
    "charity": Sector.CHARITY,
    "charities": Sector.CHARITY,
    "voluntary": Sector.CHARITY,
    "voluntary sector": Sector.CHARITY,
    "third sector": Sector.CHARITY,
    "vcse": Sector.CHARITY,
    "vcfse": Sector.CHARITY,
    "voluntary and community": Sector.CHARITY,
    "community and voluntary": Sector.CHARITY,
    "nonprofit": Sector.CHARITY,
    "not for profit": Sector.CHARITY,
    "faith": Sector.FAITH,
    "faith group": Sector.FAITH,
    "faith organisation": Sector.FAITH,
    "church": Sector.FAITH,
    "religious": Sector.FAITH,
    "central government": Sector.PUBLIC_BODY,
    "government": Sector.PUBLIC_BODY,
    "civil service": Sector.PUBLIC_BODY,
    "public sector": Sector.PUBLIC_BODY,
    "public body": Sector.PUBLIC_BODY,
    "private": Sector.BUSINESS,
    "private sector": Sector.BUSINESS,
    "commercial": Sector.BUSINESS,
    "business": Sector.BUSINESS,
    "company": Sector.BUSINESS,
}


def sector_from_answer(answer: str) -> Sector | None:
    """A booking form's sector answer, recognised; None for a blank or an answer we cannot place."""
    return _ANSWERS.get(fold(clean(answer).replace("_", " ")))


def organisation_key(name: str) -> str:
    """What makes two spellings one organisation: case, accents, dots and apostrophes do not count."""
    return fold(clean(name))


class Match(StrEnum):
    IS = "is"  # the whole name
    STARTS = "starts"  # the name starts with the words
    ENDS = "ends"  # the name ends with the words
    WORD = "word"  # the words appear anywhere, as whole words


@dataclass(frozen=True)
class SectorRule:
    match: Match
    #: Folded, as `organisation_key` folds names.
    words: str
    sector: Sector

    def matches(self, key: str) -> bool:
        if self.match is Match.IS:
            return key == self.words
        if self.match is Match.STARTS:
            return key == self.words or key.startswith(self.words + " ")
        if self.match is Match.ENDS:
            return key == self.words or key.endswith(" " + self.words)
        return re.search(rf"(?<!\w){re.escape(self.words)}(?!\w)", key) is not None


class SectorTableError(ValueError):
    """A line of the sector table that cannot be read (a shipped or edited file is wrong: our bug or the
    editor's, named by its line)."""


def parse_sector_rules(text: str) -> list[SectorRule]:
    """The rules of a sector table: CSV lines "match,words,sector" (anything after is a note), after a
    heading line; blank lines and lines starting with # are skipped."""
    rules = []
    heading_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader([line]))
        if not heading_seen:
            heading_seen = True
            continue
        try:
            match, words, sector = (
                Match(cells[0].strip()),
                organisation_key(cells[1]),
                Sector(cells[2].strip()),
            )
        except (ValueError, IndexError):
            raise SectorTableError(
                f"sector table line {number} is not 'match,words,sector': {line}"
            ) from None
        if not words:
            raise SectorTableError(f"sector table line {number} has no words to match")
        rules.append(SectorRule(match, words, sector))
    return rules


def infer_sector(organisation: str, rules: Sequence[SectorRule]) -> Sector:
    """The sector an organisation's name suggests: the first rule that matches, else Other (Not known
    for no name at all)."""
    key = organisation_key(organisation)
    if not key:
        return Sector.NOT_KNOWN
    for rule in rules:
        if rule.matches(key):
            return rule.sector
    return Sector.OTHER


def effective_sector(
    organisation: str, answer: str, rules: Sequence[SectorRule], chosen: Mapping[str, Sector]
) -> Sector:
    """The sector a delegate is counted under (the order is the module's note)."""
    by_organiser = chosen.get(organisation_key(organisation)) if organisation.strip() else None
    if by_organiser is not None:
        return by_organiser
    from_answer = sector_from_answer(answer)
    if from_answer is not None:
        return from_answer
    return infer_sector(organisation, rules)
