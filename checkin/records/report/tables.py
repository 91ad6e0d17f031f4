"""The programme report as tables (sessions, venues, sectors, organisations, repeat visits, arrivals) that
the PDF, the workbook, the CSV and the Dashboard all show; anonymous ones with small numbers suppressed."""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from checkin.domain.clock import day_for_people, to_local
from checkin.records.report.figures import MOST_SESSIONS_SHOWN, Counts, GroupReport, ProgrammeReport
from checkin.records.report.suppression import Line, suppress

#: Organisations are named in the anonymous report only when at least this many different people from
#: each attended; the rest are counted together. The data-retention purge keeps the names of these.
ORGANISATION_THRESHOLD = 10
#: Organisations named in the report (the rest are counted together).
TOP_ORGANISATIONS = 20

SESSION_FIELDS = (
    ("booked", "Booked"),
    ("walk_ins", "Walk-ins"),
    ("places", "Places"),
    ("attended", "Attended"),
    ("no_shows", "No-shows"),
    ("certificates", "Certificates"),
    ("cancellations", "Cancelled"),
    ("overrides", "Overrides"),
    ("guides", "Guides"),
)
GROUP_FIELDS = (("places", "Places"), ("attended", "Attended"), ("certificates", "Certificates"))


@dataclass(frozen=True)
class Figure:
    """A count as the report shows it: the number, or None and "<5" or "*" when it is suppressed."""

    value: int | None
    shown: str

    @property
    def hidden(self) -> bool:
        return self.value is None


Label = str | date | time


@dataclass(frozen=True)
class TableRow:
    labels: tuple[Label, ...]
    figures: tuple[Figure, ...]
    is_total: bool = False


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    label_headings: tuple[str, ...]
    headings: tuple[str, ...]
    rows: tuple[TableRow, ...]
    note: str = ""


@dataclass(frozen=True)
class ReportDocument:
    title: str
    organiser: str
    period: str
    made_at: datetime
    anonymous: bool
    sessions: int
    #: (what, figure) for the first page.
    summary: tuple[tuple[str, Figure], ...]
    tables: tuple[ReportTable, ...]

    def table(self, key: str) -> ReportTable:
        return next(t for t in self.tables if t.key == key)


class _Cells:
    """Every count of the report under a key, and the lines that tie them (for suppression)."""

    def __init__(self) -> None:
        self.values: dict[Hashable, int] = {}
        self.lines: list[Line] = []

    def put(self, key: Hashable, value: int) -> Hashable:
        if key in self.values and self.values[key] != value:
            raise AssertionError(f"{key} counted twice as {self.values[key]} and {value}")  # our bug
        self.values[key] = value
        return key

    def counts(self, prefix: Hashable, counts: Counts, names: tuple[tuple[str, str], ...]) -> list[Hashable]:
        keys = [self.put((prefix, name), getattr(counts, name)) for name, _title in names]
        if names is SESSION_FIELDS:  # within a row: booked + walk-ins = places = attended + no-shows
            self.lines.append(Line(((prefix, "booked"), (prefix, "walk_ins")), (prefix, "places")))
            self.lines.append(Line(((prefix, "attended"), (prefix, "no_shows")), (prefix, "places")))
        return keys

    def column_lines(
        self, prefixes: Sequence[Hashable], total: Hashable, names: tuple[tuple[str, str], ...]
    ) -> None:
        for name, _title in names:
            self.lines.append(Line(tuple((p, name) for p in prefixes), (total, name)))


def _organisation_rows(
    report: ProgrammeReport, anonymous: bool
) -> tuple[list[GroupReport], GroupReport | None]:
    named = [g for g in report.organisations if g.name != "No organisation given"]
    if anonymous:
        named = [g for g in named if g.number >= ORGANISATION_THRESHOLD]
    shown = named[:TOP_ORGANISATIONS]
    rest = [g for g in report.organisations if g not in shown]
    if not rest:
        return shown, None
    others = len([g for g in rest if g.name != "No organisation given"])
    if anonymous:
        name = f"All other organisations (fewer than {ORGANISATION_THRESHOLD} people each, or none given)"
    else:
        name = f"The other {others} organisation{'s' if others != 1 else ''}, and none given"
    return shown, GroupReport(name, Counts.total([g.counts for g in rest]), sum(g.number for g in rest))


def _period(report: ProgrammeReport) -> str:
    if report.first_day is None or report.last_day is None:
        return "no sessions"
    if report.first_day == report.last_day:
        return f"{report.first_day:%a %d %b %Y}"
    return f"{report.first_day:%d %b %Y} to {report.last_day:%d %b %Y}"


def report_document(
    report: ProgrammeReport, *, anonymous: bool, zone: tzinfo | None = None
) -> ReportDocument:
    """The report's tables, with its small numbers suppressed when `anonymous`."""
    cells = _Cells()
    total = "total"
    cells.counts(total, report.total, SESSION_FIELDS)
    people = cells.put("people", report.people)

    session_rows: list[tuple[tuple[Label, ...], list[Hashable], bool]] = []
    for session in report.sessions:
        prefix = ("session", session.code)
        keys = cells.counts(prefix, session.counts, SESSION_FIELDS)
        local = to_local(session.starts_at, zone)
        session_rows.append(((session.code, local.date(), session.venue), keys, False))
    cells.column_lines([("session", s.code) for s in report.sessions], total, SESSION_FIELDS)
    session_rows.append((("Total", "", ""), [(total, n) for n, _ in SESSION_FIELDS], True))

    venue_rows: list[tuple[tuple[Label, ...], list[Hashable], bool]] = []
    for venue in report.venues:
        prefix = ("venue", venue.name)
        keys = cells.counts(prefix, venue.counts, SESSION_FIELDS)
        of_venue = [
            ("session", s.code) for s in report.sessions if (s.venue or "No venue given") == venue.name
        ]
        cells.column_lines(of_venue, prefix, SESSION_FIELDS)
        venue_rows.append(((venue.name, str(venue.number)), keys, False))
    cells.column_lines([("venue", v.name) for v in report.venues], total, SESSION_FIELDS)
    venue_rows.append((("Total", str(len(report.sessions))), [(total, n) for n, _ in SESSION_FIELDS], True))

    def group_rows(
        kind: str, groups: list[GroupReport]
    ) -> list[tuple[tuple[Label, ...], list[Hashable], bool]]:
        rows: list[tuple[tuple[Label, ...], list[Hashable], bool]] = []
        for group in groups:
            prefix = (kind, group.name)
            keys = cells.counts(prefix, group.counts, GROUP_FIELDS)
            keys.append(cells.put((prefix, "people"), group.number))
            rows.append(((group.name,), keys, False))
        cells.column_lines([(kind, g.name) for g in groups], total, GROUP_FIELDS)
        cells.lines.append(Line(tuple(((kind, g.name), "people") for g in groups), people))
        rows.append((("Total",), [*((total, n) for n, _ in GROUP_FIELDS), people], True))
        return rows

    sector_rows = group_rows("sector", list(report.sectors))
    named, rest = _organisation_rows(report, anonymous)
    organisation_rows = group_rows("organisation", named + ([rest] if rest else []))

    repeat_rows: list[tuple[tuple[Label, ...], list[Hashable], bool]] = []
    for sessions, count in report.repeat.items():
        label = f"{sessions} session{'s' if sessions != 1 else ''}" + (
            " or more" if sessions == MOST_SESSIONS_SHOWN else ""
        )
        repeat_rows.append(((label,), [cells.put(("repeat", sessions), count)], False))
    cells.lines.append(Line(tuple(("repeat", n) for n in report.repeat), people))
    more = cells.put("more_than_one", report.more_than_one_session)
    cells.lines.append(Line(tuple(("repeat", n) for n in report.repeat if n > 1), more))
    repeat_rows.append((("Different people",), [people], True))

    arrival_rows: list[tuple[tuple[Label, ...], list[Hashable], bool]] = []
    for moment, count in report.arrivals:
        arrival_rows.append(((moment,), [cells.put(("arrivals", moment), count)], False))
    desk = cells.put("desk_arrivals", report.desk_arrivals)
    cells.lines.append(Line(tuple(("arrivals", m) for m, _ in report.arrivals), desk))
    arrival_rows.append((("Checked in at the desk",), [desk], True))

    hidden = suppress(cells.values, cells.lines) if anonymous else {}

    def figure(key: Hashable) -> Figure:
        if key in hidden:
            return Figure(None, hidden[key].value)
        value = cells.values[key]
        return Figure(value, f"{value:,}")

    def table(
        key: str,
        title: str,
        label_headings: tuple[str, ...],
        headings: tuple[str, ...],
        rows: list[tuple[tuple[Label, ...], list[Hashable], bool]],
        note: str = "",
    ) -> ReportTable:
        return ReportTable(
            key,
            title,
            label_headings,
            headings,
            tuple(
                TableRow(labels, tuple(figure(k) for k in keys), is_total) for labels, keys, is_total in rows
            ),
            note,
        )

    session_headings = tuple(title for _n, title in SESSION_FIELDS)
    group_headings = (*(title for _n, title in GROUP_FIELDS), "People")
    tables = (
        table("sessions", "Sessions", ("Session", "Date", "Venue"), session_headings, session_rows),
        table("venues", "By venue", ("Venue", "Sessions"), session_headings, venue_rows),
        table("sectors", "By sector", ("Sector",), group_headings, sector_rows),
        table(
            "organisations",
            "By organisation",
            ("Organisation",),
            group_headings,
            organisation_rows,
            (
                f"Organisations with at least {ORGANISATION_THRESHOLD} different people attending, "
                f"at most {TOP_ORGANISATIONS}; the rest together."
                if anonymous
                else f"The {TOP_ORGANISATIONS} organisations with the most attendances; the rest together."
            ),
        ),
        table("repeat", "Sessions attended per person", ("Sessions attended",), ("People",), repeat_rows),
        table("arrivals", "Arrivals by time of day", ("From",), ("Arrivals",), arrival_rows),
    )
    summary = (
        ("Different people trained", figure(people)),
        ("Attendances", figure((total, "attended"))),
        ("Certificates (stayed for every part)", figure((total, "certificates"))),
        ("Places (booked and walk-ins)", figure((total, "places"))),
        ("No-shows", figure((total, "no_shows"))),
        ("Cancellations", figure((total, "cancellations"))),
        ("Walk-ins", figure((total, "walk_ins"))),
        ("Overrides (admitted anyway)", figure((total, "overrides"))),
        ("Pocket guides handed out", figure((total, "guides"))),
        ("People who came to more than one session", figure(more)),
    )
    return ReportDocument(
        title=report.title or "Programme report",
        organiser=report.organiser,
        period=_period(report),
        made_at=report.made_at,
        anonymous=anonymous,
        sessions=len(report.sessions),
        summary=summary,
        tables=tables,
    )


def made_on(document: ReportDocument, zone: tzinfo | None = None) -> str:
    return day_for_people(document.made_at, zone)


#: What each figure counts, for the PDF's method note and the workbook's first sheet.
METHOD_NOTE = (
    (
        "Booked",
        "bookings holding a confirmed place at the end (cancelled, waitlisted and unconfirmed ones are not).",
    ),
    (
        "Walk-ins",
        "people registered at the desk on the day, and people admitted anyway with the organiser PIN on a "
        "booking that held no place.",
    ),
    ("Places", "booked + walk-ins."),
    (
        "Attended",
        "places whose person was checked in at the desk (undone check-ins left out, one per person however "
        "many desks scanned them) or marked present by a trainer for any part of the day.",
    ),
    ("No-shows", "places minus attended."),
    (
        "Certificates",
        "people marked present by a trainer for every required part of the day: the rule the certificates "
        "of attendance follow. A session without a roll-call has none.",
    ),
    ("Cancelled", "bookings cancelled before the day, leaving out anyone admitted anyway."),
    ("Overrides", "admissions made anyway with the organiser PIN after the desk refused, not undone."),
    ("Guides", "people recorded as given the pocket guide (at the desk or in roll-call)."),
    (
        "People",
        "different people: someone at two sessions counts once. Sectors and organisations count places "
        "and attendances per session.",
    ),
    (
        "Sector",
        "the organiser's choice for the person's organisation, else the booking list's sector answer, else "
        "what the organisation's name suggests (the shipped table resources/sectors/organisations.csv).",
    ),
    ("Arrivals", "desk check-ins by the local time of day, in 15 minutes, over all the sessions."),
)
SUPPRESSION_NOTE = (
    "Anonymous report: counts only. Any count from 1 to 4 is shown as <5; where a hidden count could be "
    "worked out from a total or the other counts in its row or column, the next smallest count there is "
    "hidden too (*). Organisations are named only when at least "
    f"{ORGANISATION_THRESHOLD} different people from each attended."
)
