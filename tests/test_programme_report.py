"""The programme report: figures recomputed independently from the check-in events, the anonymous report's
suppression and absence of personal data, the workbook, the command line, and the report after a purge."""

import csv
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
from openpyxl import load_workbook
from report_fixtures import FIRST_DAY, played_programme
from sqlalchemy import select, text

from checkin.cli import main
from checkin.desk.sectors import shipped_rules
from checkin.domain.sectors import Sector, infer_sector, sector_from_answer
from checkin.records.privacy import purge
from checkin.records.report.figures import choose_sessions, programme_report
from checkin.records.report.files import ReportFormat, write_report
from checkin.records.report.suppression import Hidden, Line, suppress
from checkin.records.report.tables import (
    GROUP_FIELDS,
    ORGANISATION_THRESHOLD,
    SESSION_FIELDS,
    report_document,
)
from checkin.store.models import Delegate, Registration, Session

UK = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    programme = played_programme(tmp_path_factory.mktemp("played"))
    yield programme
    programme.database.dispose()


def report_of(played, anonymous=False):
    with played.database.session() as db:
        report = programme_report(db, choose_sessions(db, played.codes), zone=UK)
        return report, report_document(report, anonymous=anonymous, zone=UK)


# Written from the definitions in the method note, straight from the tables: not through the report's code.
INDEPENDENT = """
WITH undone AS (SELECT undoes FROM checkin_event WHERE undoes IS NOT NULL),
standing AS (SELECT * FROM checkin_event WHERE kind = 'in' AND uuid NOT IN (SELECT undoes FROM undone)),
came AS (SELECT DISTINCT registration_id FROM standing)
SELECT s.code,
  SUM(r.status = 'booked'),
  SUM(r.status = 'walk_in' OR (r.status NOT IN ('booked', 'walk_in') AND r.id IN (SELECT * FROM came))),
  SUM(r.id IN (SELECT * FROM came)),
  SUM(r.status IN ('booked', 'walk_in') AND r.id NOT IN (SELECT * FROM came)),
  SUM(r.status IN ('booked', 'walk_in')
      AND EXISTS (SELECT 1 FROM standing e WHERE e.registration_id = r.id AND e.segment_id IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM segment g WHERE g.session_id = s.id AND g.required AND NOT EXISTS (
          SELECT 1 FROM standing e WHERE e.registration_id = r.id AND e.segment_id = g.id))),
  SUM(r.status = 'cancelled' AND r.id NOT IN (SELECT * FROM came)),
  (SELECT COUNT(*) FROM standing e WHERE e.session_id = s.id AND e.segment_id IS NULL AND e.method = 'override'),
  (SELECT COUNT(DISTINCT registration_id) FROM guide_handout h WHERE h.session_id = s.id)
FROM session s JOIN registration r ON r.session_id = s.id
WHERE s.code IN :codes
GROUP BY s.id ORDER BY s.starts_at
"""


def test_the_figures_match_a_count_made_independently_from_the_check_in_events(played):
    report, _document = report_of(played)
    with played.database.session() as db:
        from sqlalchemy import bindparam

        rows = db.execute(
            text(INDEPENDENT).bindparams(bindparam("codes", expanding=True)), {"codes": played.codes}
        ).all()
        people = db.execute(
            text(
                "SELECT r.delegate_id, COUNT(DISTINCT r.session_id) FROM registration r JOIN session s ON s.id = r.session_id "
                "WHERE s.code IN :codes AND r.id IN (SELECT registration_id FROM checkin_event WHERE kind = 'in' "
                "AND uuid NOT IN (SELECT undoes FROM checkin_event WHERE undoes IS NOT NULL)) GROUP BY r.delegate_id"
            ).bindparams(bindparam("codes", expanding=True)),
            {"codes": played.codes},
        ).all()
        arrivals = db.execute(
            text(
                "SELECT MIN(e.at) FROM checkin_event e JOIN session s ON s.id = e.session_id WHERE s.code IN :codes "
                "AND e.kind = 'in' AND e.segment_id IS NULL "
                "AND e.uuid NOT IN (SELECT undoes FROM checkin_event WHERE undoes IS NOT NULL) GROUP BY e.registration_id"
            ).bindparams(bindparam("codes", expanding=True)),
            {"codes": played.codes},
        ).all()
        organisations = db.execute(
            text(
                "SELECT d.organisation, COUNT(*) FROM registration r JOIN delegate d ON d.id = r.delegate_id "
                "JOIN session s ON s.id = r.session_id WHERE s.code IN :codes AND r.id IN (SELECT registration_id "
                "FROM checkin_event WHERE kind = 'in' AND uuid NOT IN (SELECT undoes FROM checkin_event WHERE undoes IS NOT NULL)) "
                "GROUP BY d.organisation"
            ).bindparams(bindparam("codes", expanding=True)),
            {"codes": played.codes},
        ).all()
    assert len(rows) == 4
    for row, session in zip(rows, report.sessions, strict=True):
        code, booked, walk_ins, attended, no_shows, certificates, cancellations, overrides, guides = row
        c = session.counts
        assert (session.code, c.booked, c.walk_ins, c.attended, c.no_shows, c.certificates) == (
            code,
            booked,
            walk_ins,
            attended,
            no_shows,
            certificates,
        )
        assert (c.cancellations, c.overrides, c.guides) == (cancellations, overrides, guides)
        assert c.places == c.booked + c.walk_ins == c.attended + c.no_shows
        # What the fixture did at each session: one override, two walk-ins and the override's person.
        assert (c.overrides, c.walk_ins) == (1, 3)
    assert report.sessions[-1].counts.certificates == 0  # no roll-call at the fourth session
    assert all(s.counts.certificates > 0 for s in report.sessions[:3])
    assert report.people == len(people)
    assert report.repeat == {n: sum(1 for _d, k in people if min(k, 4) == n) for n in range(1, 5)}
    assert report.more_than_one_session == sum(1 for _d, k in people if k > 1) > 0
    bins = Counter()
    for (at,) in arrivals:
        local = datetime.fromisoformat(str(at)).replace(tzinfo=UTC).astimezone(UK)
        bins[f"{local:%H}:{local.minute // 15 * 15:02d}"] += 1
    assert {f"{t:%H:%M}": n for t, n in report.arrivals if n} == dict(bins)
    attended_by_name = {g.name: g.counts.attended for g in report.organisations}
    for name, count in organisations:
        assert attended_by_name[name or "No organisation given"] == count
    # By sector: the organiser's choice beats the list's answer (Lancashire Victim Services said Charity).
    sectors = {g.name: g.counts for g in report.sectors}
    assert Sector.PUBLIC_BODY.label in sectors and Sector.BUSINESS.label in sectors  # the walk-ins' "... Ltd"
    assert sum(c.attended for c in sectors.values()) == report.total.attended


def test_sectors_are_read_from_answers_and_inferred_from_uk_names():
    rules = shipped_rules()
    for name, sector in {
        "Lancashire Teaching Hospitals NHS Foundation Trust": Sector.HEALTH,
        "Lancashire and South Cumbria Integrated Care Board": Sector.HEALTH,
        "Hyndburn Borough Council": Sector.LOCAL_AUTHORITY,
        "Lancashire County Council": Sector.LOCAL_AUTHORITY,
        "Preston City Council": Sector.LOCAL_AUTHORITY,
        "Wyre Council": Sector.LOCAL_AUTHORITY,
        "Lancashire Constabulary": Sector.POLICE,
        "British Transport Police": Sector.POLICE,
        "Lancashire Fire and Rescue Service": Sector.FIRE_AND_RESCUE,
        "Lancaster University": Sector.EDUCATION,
        "Runshaw College": Sector.EDUCATION,
        "Fulwood Academy": Sector.EDUCATION,
        "Progress Housing Group": Sector.HOUSING,
        "Onward Homes": Sector.HOUSING,
        "St Mary's Church": Sector.FAITH,
        "Preston Central Mosque": Sector.FAITH,
        "The Diocese of Blackburn": Sector.FAITH,
        "Citizens Advice Lancashire West": Sector.CHARITY,
        "Lancashire Wildlife Trust": Sector.CHARITY,
        "Council for Voluntary Service Lancaster": Sector.CHARITY,
        "Acme Cleaning Ltd": Sector.BUSINESS,
        "Tesco PLC": Sector.BUSINESS,
        "DWP Jobcentre Plus": Sector.PUBLIC_BODY,
        "Gangmasters and Labour Abuse Authority": Sector.PUBLIC_BODY,
        "Preston Muslim Forum": Sector.OTHER,
        "": Sector.NOT_KNOWN,
    }.items():
        assert infer_sector(name, rules) is sector, name
    assert sector_from_answer("NHS") is Sector.HEALTH
    assert sector_from_answer(" local government ") is Sector.LOCAL_AUTHORITY
    assert sector_from_answer("Voluntary sector") is Sector.CHARITY
    assert sector_from_answer("Something else entirely") is None


def test_suppression_hides_small_counts_and_the_next_smallest_so_none_is_worked_back():
    values = {"a": 3, "b": 10, "c": 20, "total": 33, "x": 7, "y": 7, "xy": 14}
    hidden = suppress(values, [Line(("a", "b", "c"), "total"), Line(("x", "y"), "xy")])
    assert hidden == {"a": Hidden.SMALL, "b": Hidden.SECONDARY}
    # A small count alone beside zeros: the total is what hides it.
    assert suppress({"a": 2, "b": 0, "t": 2}, [Line(("a", "b"), "t")]) == {
        "a": Hidden.SMALL,
        "t": Hidden.SMALL,
    }


def anonymous_outputs(played, folder: Path) -> dict[str, Path]:
    paths = {}
    with played.database.session() as db:
        for report_format in ReportFormat:
            path = folder / f"anonymous.{report_format}"
            write_report(db, path, report_format, codes=played.codes, anonymous=True, zone=UK)
            paths[report_format.value] = path
    return paths


def all_text(paths: dict[str, Path]) -> dict[str, str]:
    with pdfplumber.open(paths["pdf"]) as pdf:
        pdf_text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    workbook = load_workbook(paths["xlsx"])
    cells = "\n".join(
        str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None
    )
    return {"pdf": pdf_text, "xlsx": cells, "csv": paths["csv"].read_text(encoding="utf-8-sig")}


def squeeze(value: str) -> str:
    return re.sub(r"\s+", " ", value).casefold()


def test_the_anonymous_report_holds_no_personal_data(played, tmp_path):
    report, _document = report_of(played)
    texts = {kind: squeeze(value) for kind, value in all_text(anonymous_outputs(played, tmp_path)).items()}
    with played.database.session() as db:
        people = db.execute(
            select(Delegate.first_name, Delegate.last_name, Delegate.email, Delegate.organisation)
            .join(Registration)
            .join(Session)
            .where(Session.code.in_(played.codes))
        ).all()
    small = {
        g.name
        for g in report.organisations
        if g.number < ORGANISATION_THRESHOLD and g.name != "No organisation given"
    }
    assert small and {w[3] for w in played.walk_ins if w[3]} <= small
    named = {g.name for g in report.organisations if g.number >= ORGANISATION_THRESHOLD}
    assert named  # the large employers are named
    for kind, content in texts.items():
        assert "@" not in content, kind
        for first, last, email, _organisation in people:
            assert squeeze(f"{first} {last}") not in content, (kind, first, last)
            assert squeeze(f"{last}, {first}") not in content
            assert squeeze(email) not in content if email else True
        for organisation in small:
            assert squeeze(organisation) not in content, (kind, organisation)
        for organisation in named:
            assert squeeze(organisation) in content, (kind, organisation)


def test_no_small_number_shows_or_can_be_worked_back_from_the_totals(played, tmp_path):
    _report, document = report_of(played, anonymous=True)
    suppressed = 0
    for table in document.tables:
        for row in table.rows:
            for figure in row.figures:
                assert figure.value is None or figure.value == 0 or figure.value >= 5, (table.key, row.labels)
                suppressed += figure.hidden
    assert suppressed >= 10
    # Read back from the CSV as a recipient would: in each column a hidden count has a hidden companion,
    # and within a session's row (booked + walk-ins = places = attended + no-shows) as well.
    rows = list(csv.DictReader(anonymous_outputs(played, tmp_path)["csv"].open(encoding="utf-8-sig")))
    columns: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        if row["breakdown"] != "summary":
            columns[(row["breakdown"], row["measure"])].append(row["count"])
    for (breakdown, measure), counts in columns.items():
        hidden = sum(1 for c in counts if not c.isdigit())
        assert hidden != 1, (breakdown, measure, counts)
    by_row: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for row in rows:
        if row["breakdown"] in ("sessions", "venues"):
            by_row[(row["breakdown"], row["row"], row["date"])][row["measure"]] = row["count"]
    for key, counts in by_row.items():
        for parts in (("Booked", "Walk-ins", "Places"), ("Attended", "No-shows", "Places")):
            assert sum(1 for p in parts if not counts[p].isdigit()) != 1, (key, parts, counts)
    assert {r["count"] for r in rows} >= {Hidden.SMALL.value, Hidden.SECONDARY.value}


def test_the_workbook_is_a_real_workbook(played, tmp_path):
    path = tmp_path / "report.xlsx"
    with played.database.session() as db:
        write_report(db, path, ReportFormat.XLSX, codes=played.codes, zone=UK)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "Summary",
        "Sessions",
        "By venue",
        "By sector",
        "By organisation",
        "Sessions attended per person",
        "Arrivals by time of day",
    ]
    sessions = workbook["Sessions"]
    assert sessions.freeze_panes == "D2" and sessions.tables
    assert [c.value for c in sessions[1]][:4] == ["Session", "Date", "Venue", "Booked"]
    first = [c.value for c in sessions[2]]
    assert first[0] == played.codes[0] and isinstance(first[1], datetime) and first[1].date() == FIRST_DAY
    assert all(isinstance(v, int) for v in first[3:])
    for sheet in workbook:
        assert sheet.freeze_panes
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_the_report_command(played, tmp_path, capsys):
    database_path = played.database.engine.url.database
    out = tmp_path / "report.pdf"
    code = main(["--db", database_path, "report", "--session", *played.codes[:2], "-o", str(out)])
    assert code == 0 and out.exists()
    assert "2 sessions" in capsys.readouterr().out
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0].extract_text()
    assert "Programme report" in first and "Different people trained" in first
    assert (
        main(
            [
                "--db",
                database_path,
                "report",
                "--from",
                "2026-03-19",
                "--to",
                "2026-03-26",
                "--format",
                "csv",
                "-o",
                str(tmp_path / "r.csv"),
            ]
        )
        == 0
    )
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert {r["row"] for r in rows if r["breakdown"] == "sessions"} == {*played.codes[1:3], "Total"}
    for argv, message in (
        (["--session", "NOPE-1"], "no session with the code 'NOPE-1'"),
        (["--from", "19/03/2026"], "is not a date like 2026-03-12"),
        (["--from", "2026-04-01", "--to", "2026-03-01"], "starts"),
        (["--from", "2020-01-01", "--to", "2020-01-02"], "No session is in that period"),
        (["--session", played.codes[0], "--all"], "not both"),
    ):
        target = tmp_path / "refused.pdf"
        assert main(["--db", database_path, "report", *argv, "-o", str(target)]) == 2
        assert message in capsys.readouterr().err and not target.exists()


def test_a_purge_keeps_what_the_anonymous_report_needs(tmp_path):
    played = played_programme(tmp_path)
    try:
        _report, before = report_of(played, anonymous=True)
        with played.database.session() as db:
            last = max(s.ends_at for s in db.scalars(select(Session)))
            result = purge(db, last.replace(tzinfo=UTC) + timedelta(days=1), retention_days=0)
            assert result.delegates > 100
            assert (
                db.scalar(select(Delegate.id).where(Delegate.email.like("%@%"))) is None
            )  # everyone is erased
        _report, after = report_of(played, anonymous=True)
        assert after.summary == before.summary
        assert after.tables == before.tables
    finally:
        played.database.dispose()


def test_every_column_heading_of_the_pdf_fits_its_column(played, tmp_path):
    """A funder reads "Certificates" over its own column, apart from "No-shows" beside it."""
    out = tmp_path / "report.pdf"
    with played.database.session() as db:
        write_report(db, out, ReportFormat.PDF, codes=played.codes, zone=UK)
    headings = {title for _n, title in (*SESSION_FIELDS, *GROUP_FIELDS)}
    seen = set()
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            lines = defaultdict(list)
            for word in page.extract_words():
                lines[round(word["top"])].append(word)
            for words in lines.values():
                words.sort(key=lambda w: w["x0"])
                if len({w["text"] for w in words} & headings) < 3:
                    continue  # not a heading row
                texts = {w["text"] for w in words}
                wanted = headings if "Booked" in texts else {title for _n, title in GROUP_FIELDS}
                assert wanted <= texts, f"headings broken over two lines: {sorted(wanted - texts)}"
                seen |= texts
                for left, right in zip(words, words[1:], strict=False):
                    gap = right["x0"] - left["x1"]
                    assert gap >= 3, f"{left['text']!r} and {right['text']!r} touch ({gap:.1f} pt apart)"
    assert headings <= seen


def test_a_report_before_anyone_arrived_says_so_under_the_arrivals_chart(tmp_path, capsys):
    database = str(tmp_path / "d.sqlite3")
    assert main(["--db", database, "demo"]) == 0
    out = tmp_path / "report.pdf"
    assert main(["--db", database, "report", "--all", "-o", str(out)]) == 0
    with pdfplumber.open(out) as pdf:
        text_of_pdf = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Nobody has been checked in at the desk yet" in text_of_pdf
