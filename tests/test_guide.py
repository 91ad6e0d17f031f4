"""The pocket guide read back from its PDF: each page on its panel the right way up, sizes, errors, the CLI."""

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from factories import make_session, new_database

from checkin.printing.guide import (
    GuideContentError,
    GuideDoesNotFit,
    LocalContacts,
    VenueContacts,
    load_guide,
    parse_guide,
    render_guide,
)
from checkin.printing.imposition import IMPOSITIONS

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)

# Where each slot must land, written out from the spec (REFERENCE.md), not read from the code under test:
# side -> {slot: (x, y, width, height in mm from the sheet's bottom-left, upside down?)}
EXPECTED = {
    "a7-zine": [
        {
            **{s: (i * 74.25, 105, 74.25, 105, True) for i, s in enumerate((5, 4, 3, 2))},
            **{s: (i * 74.25, 0, 74.25, 105, False) for i, s in enumerate((6, 7, 8, 1))},
        }
    ],
    "a6-booklet": [
        {5: (0, 105, 148.5, 105, True), 4: (148.5, 105, 148.5, 105, True), 8: (0, 0, 148.5, 105, False)}
        | {1: (148.5, 0, 148.5, 105, False)},
        {3: (0, 105, 148.5, 105, True), 6: (148.5, 105, 148.5, 105, True), 2: (0, 0, 148.5, 105, False)}
        | {7: (148.5, 0, 148.5, 105, False)},
    ],
    "dl-trifold": [
        {5: (0, 0, 97, 210, False), 6: (97, 0, 100, 210, False), 1: (197, 0, 100, 210, False)},
        {2: (0, 0, 100, 210, False), 3: (100, 0, 100, 210, False), 4: (200, 0, 97, 210, False)},
    ],
}


def markers(page) -> dict[int, tuple[float, float, bool]]:
    """Slot -> (x, y in mm from the bottom-left, upside down?) of each panel's machine marker."""
    groups = defaultdict(list)
    for char in page.chars:
        if round(char["size"], 1) == 4.0:
            groups[(round(char["top"], 1), char["matrix"][0] < 0)].append(char)
    found = {}
    for (_top, rotated), chars in groups.items():
        chars.sort(key=lambda c: c["x0"], reverse=rotated)  # upside-down text runs right to left
        text = "".join(c["text"] for c in chars)
        for match in re.finditer(r"guide-panel-(\d)", text):
            first = chars[match.start()]
            x = (first["x1"] if rotated else first["x0"]) / MM
            y = (page.height - first["bottom"]) / MM
            found[int(match.group(1))] = (x, y, rotated)
    return found


def inside(x: float, y: float, box: tuple, slack: float = 0.01) -> bool:
    bx, by, bw, bh, _ = box
    return bx - slack <= x <= bx + bw + slack and by - slack <= y <= by + bh + slack


@pytest.mark.parametrize("layout", list(EXPECTED))
def test_each_page_is_on_its_panel_the_right_way_up(tmp_path: Path, layout: str) -> None:
    run = render_guide(tmp_path / "guide.pdf", layout)
    with pdfplumber.open(run.path) as pdf:
        assert len(pdf.pages) == len(EXPECTED[layout]) == run.pages
        for page, expected in zip(pdf.pages, EXPECTED[layout], strict=True):
            assert (page.width, page.height) == pytest.approx(A4_LANDSCAPE, abs=0.1)
            found = markers(page)
            assert set(found) == set(expected), f"{layout}: slots on this side"
            for slot, (x, y, rotated) in found.items():
                box = expected[slot]
                assert inside(x, y, box), f"{layout}: slot {slot} marker at {x:.1f},{y:.1f} not in {box}"
                assert rotated == box[4], f"{layout}: slot {slot} rotation"
                # The marker sits at the foot of its page: low in an upright panel, high in a turned one.
                foot = box[1] + box[3] - y if rotated else y - box[1]
                assert 0 <= foot < 8, f"{layout}: slot {slot} marker is not at the page's foot"
            # Every visible character sits wholly in one panel, turned the same way as that panel.
            for char in page.chars:
                if "Helvetica" in char["fontname"]:  # the "cut" label of a cut mark, on a boundary
                    continue
                turned = char["matrix"][0] < 0
                cx = (char["x0"] + char["x1"]) / 2 / MM
                cy = (page.height - (char["top"] + char["bottom"]) / 2) / MM
                homes = [box for box in expected.values() if inside(cx, cy, box, slack=-1.0)]
                assert len(homes) == 1, f"{layout}: {char['text']!r} at {cx:.1f},{cy:.1f} is on no panel"
                assert homes[0][4] == turned, f"{layout}: {char['text']!r} is turned the wrong way"


@pytest.mark.parametrize("layout", ["a6-booklet", "dl-trifold"])
def test_duplex_leaves_carry_consecutive_panels(layout: str) -> None:
    """Printed with a short-edge flip, a panel's back is the mirror position on the other side.

    Booklet leaves must hold pages 1/2, 3/4, 5/6, 7/8 both the same way up; the DL's leaves are
    cover/2, back/3 and flap/4 (REFERENCE.md's roll fold).
    """
    front, back = IMPOSITIONS[layout].sides
    leaves = set()
    for panel in front.panels:
        mirror_x = 297 - panel.x - panel.width
        behind = [p for p in back.panels if abs(p.x - mirror_x) < 0.01 and p.y == panel.y]
        assert len(behind) == 1 and behind[0].width == panel.width
        assert behind[0].rotated == panel.rotated
        leaves.add(frozenset((panel.slot, behind[0].slot)))
    expected = {
        "a6-booklet": [{1, 2}, {3, 4}, {5, 6}, {7, 8}],
        "dl-trifold": [{1, 2}, {6, 3}, {5, 4}],
    }[layout]
    assert leaves == {frozenset(leaf) for leaf in expected}


def test_the_pages_read_in_order_and_the_text_is_where_it_belongs(tmp_path: Path) -> None:
    run = render_guide(tmp_path / "zine.pdf", "a7-zine")
    with pdfplumber.open(run.path) as pdf:
        page = pdf.pages[0]
        cover = page.crop((222.75 * MM, 105 * MM, 297 * MM, 210 * MM)).extract_text()
        assert "Spot the" in cover and "08000 121 700" in cover
        back = page.crop((148.5 * MM, 105 * MM, 222.75 * MM, 210 * MM)).extract_text()
        for number in ("999", "101", "0800 555 111", "0800 808 3733"):
            assert number in back
        # Page 3 is in the top row, upside down: its heading's letters run right to left.
        heading = [c for c in page.chars if c["text"] == "S" and c["size"] > 12 and c["matrix"][0] < 0]
        assert heading and all(148.5 * MM < c["x0"] < 222.75 * MM for c in heading)


# ---- content --------------------------------------------------------------------------------------


def test_the_shipped_guide_has_eight_pages_with_a_local_contacts_panel() -> None:
    content = load_guide()
    assert len(content.pages) == 8
    assert content.pages[0].title == "Spot the signs"
    assert any(isinstance(b, LocalContacts) for p in content.pages for b in p.blocks)
    text = Path(content.source).read_text(encoding="utf-8")
    for number in ("08000 121 700", "999", "101", "0800 555 111", "0800 808 3733"):
        assert number in text


def eight_pages(*pages: str) -> str:
    filler = [f"# Page {n}\nA short page." for n in range(len(pages) + 1, 9)]
    return "\n\n".join([*pages, *filler])


def test_the_markdown_subset() -> None:
    text = eight_pages(
        "<!-- a note\nover lines -->\n# Cover\n## Sub\nOne **bold** word\nand more.\n\n- a bullet\n"
        "  that goes on\n[phone] 999 | Emergency\n---\nA page without a heading.\n{{local_contacts}}"
    )
    content = parse_guide(text)
    first, second = content.pages[:2]
    kinds = [type(b).__name__ for b in first.blocks]
    assert kinds == ["Heading", "Subheading", "Paragraph", "Bullet", "Contact"]
    paragraph = first.blocks[2]
    assert [(s.text, s.bold) for s in paragraph.spans] == [
        ("One ", False),
        ("bold", True),
        (" word and more.", False),
    ]
    assert first.blocks[3].spans[0].text == "a bullet that goes on"
    assert first.blocks[4].number == "999" and first.blocks[4].label == "Emergency"
    assert isinstance(second.blocks[-1], LocalContacts) and second.line == 11


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# A\n{{venue}}", "line 2: unknown placeholder '{{venue}}'"),
        ("# A\n<!-- never closed", "line 2: a comment"),
        ("# A\n[phone] helpline | no number", "line 2: a [phone] line needs a number"),
        ("# A\ntext\n---\n---\n", "line 4: '---' here would leave an empty page"),
    ],
)
def test_content_mistakes_name_the_line(text: str, problem: str) -> None:
    with pytest.raises(GuideContentError, match=re.escape(problem)):
        parse_guide(text, "guide.md")


def test_a_page_too_long_names_itself_and_its_panel(tmp_path: Path) -> None:
    long = "# Isolation\n" + "\n\n".join(["Someone else always answers for them at the door."] * 70)
    content = tmp_path / "long.md"
    content.write_text(eight_pages("# Cover", "# Two", "# Three", long), encoding="utf-8")
    with pytest.raises(GuideDoesNotFit, match=r"Page 4 'Isolation' is \d+ mm too long for an A7 panel"):
        render_guide(tmp_path / "out.pdf", "a7-zine", content)
    with pytest.raises(GuideDoesNotFit, match=r"'Isolation'.* mm too long .*a DL panel"):
        render_guide(tmp_path / "out.pdf", "dl-trifold", content)
    assert not (tmp_path / "out.pdf").exists()
    assert not list(tmp_path.glob(".guide-*"))


def test_the_wrong_number_of_pages_is_refused(tmp_path: Path) -> None:
    content = tmp_path / "nine.md"
    content.write_text(eight_pages() + "\n# Nine\nOne too many.", encoding="utf-8")
    with pytest.raises(GuideContentError, match="has 9 pages; .* needs exactly 8"):
        render_guide(tmp_path / "out.pdf", "a6-booklet", content)


UNICODE = eight_pages(
    "# Αναγνωρίστε τα σημάδια\n[phone] 08000 121 700 | Γραμμή βοήθειας, 24 ώρες",
    "# علامات الاستغلال\nلا تواجه أحدًا. دوّن ما تراه، ثم **اتصل** بخط المساعدة 08000 121 700.\n"
    "- عزلة: نادرًا ما يكون وحده",
    "# Nhận biết dấu hiệu\nNgười bị bóc lột thường **không có** giấy tờ tùy thân.\n"
    "- Sống ở nơi làm việc, chật chội",
    "# Mixed\nΑθήνα, Hà Nội, القاهرة, Zoë and a long address https://www.example.org/a/very/long/path/that/never/ends",
)


@pytest.mark.parametrize("layout", list(IMPOSITIONS))
def test_any_script_renders(tmp_path: Path, layout: str) -> None:
    content = tmp_path / "unicode.md"
    content.write_text(UNICODE, encoding="utf-8")
    venue = VenueContacts("Δημαρχείο", "[phone] 01772 000 000 | Σύνδεσμος ασφάλειας\nمسؤول الحماية")
    run = render_guide(tmp_path / "u.pdf", layout, content, venue)
    with pdfplumber.open(run.path) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "σημάδια" in text  # the cover is upright in every layout


def test_a_venues_local_contacts_are_printed(tmp_path: Path) -> None:
    venue = VenueContacts(
        "Preston Town Hall", "[phone] 01772 906 000 | Council safeguarding hub\nAsk for the duty officer"
    )
    run = render_guide(tmp_path / "v.pdf", "a6-booklet", venue=venue)
    with pdfplumber.open(run.path) as pdf:
        text = pdf.pages[1].extract_text()
    assert "01772 906 000" in text and "duty officer" in text and "Preston Town Hall" in text
    assert "Write your local" not in text


# ---- the command line -----------------------------------------------------------------------------


def checkin(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "checkin.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_cli_writes_each_layout_without_creating_a_database(tmp_path: Path) -> None:
    db = tmp_path / "none.sqlite3"
    for layout in IMPOSITIONS:
        out = tmp_path / f"{layout}.pdf"
        result = checkin("--db", str(db), "guide", "--layout", layout, "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(b"%PDF") and layout in result.stdout
    assert not db.exists()


def test_cli_uses_the_first_sessions_venue_or_the_one_named(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        session.venue.local_contacts = "[phone] 01772 111 222 | Preston safeguarding team"
        make_session(db, "LAN-1", "Lancaster Town Hall", session.starts_at.replace(year=2027))
        db.commit()
    database.dispose()
    db_file = str(tmp_path / "desk.sqlite3")
    out = tmp_path / "g.pdf"
    assert checkin("--db", db_file, "guide", "--layout", "dl-trifold", "-o", str(out)).returncode == 0
    with pdfplumber.open(out) as pdf:
        assert "01772 111 222" in pdf.pages[0].extract_text()
    result = checkin("--db", db_file, "guide", "--venue", "lancaster town hall", "-o", str(out))
    assert result.returncode == 0 and "Lancaster Town Hall" in result.stdout
    result = checkin("--db", db_file, "guide", "--venue", "Nowhere", "-o", str(out))
    assert result.returncode == 2 and "Known venues: Lancaster Town Hall, Preston Town Hall" in result.stderr


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"# A\n\xff\xfe not text\n", "line 2: not UTF-8 text"),
        (b"# A\n{{who}}\n", "unknown placeholder"),
        (b"# Only one page\n", "has 1 page;"),
    ],
)
def test_cli_refuses_a_bad_content_file(tmp_path: Path, data: bytes, problem: str) -> None:
    content = tmp_path / "bad guide.md"
    content.write_bytes(data)
    out = tmp_path / "g.pdf"
    result = checkin("--db", str(tmp_path / "x.sqlite3"), "guide", "--content", str(content), "-o", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad guide.md" in lines[0] and problem in lines[0]
    assert not out.exists()
