"""Badges read back as a person would: every QR decoded and scanned at the desk, every character inside
its label, blank labels blank, and the print log telling first prints from reprints."""

import json
import random
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest
import qrcode
from factories import book, make_session, new_database
from hypothesis import given, settings
from hypothesis import strategies as st
from pdf_checks import (
    POINTS_PER_MM,
    decode_qrs,
    ink_inside,
    ink_outside,
    label_at,
    page_images,
    rect_in_points,
)
from sqlalchemy import func, select

from checkin.cli import main
from checkin.desk.bookings import session_by_code
from checkin.desk.scanning import record_scan
from checkin.domain.codes import new_badge_code, new_signing_key
from checkin.domain.vocabulary import ACTIVE_STATUSES, RegistrationStatus
from checkin.errors import UsageError
from checkin.printing import qr
from checkin.printing.badges import (
    QRElement,
    TemplateError,
    fit_text,
    load_template,
    place,
    render_badges,
)
from checkin.printing.fonts import prepare, register_fonts
from checkin.printing.stocks import stock_named
from checkin.store.models import PrintLog, Registration

NOW = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


# Tests never read the real user's stock folder.
pytestmark = pytest.mark.usefixtures("no_user_stocks")


# ---- QR codes -------------------------------------------------------------------------------------


def _reference_penalty(rows: tuple[tuple[bool, ...], ...]) -> int:
    """ISO/IEC 18004 mask penalty written out plainly, module by module."""
    n = len(rows)
    lines = ["".join("1" if x else "0" for x in row) for row in rows]
    lines += ["".join(lines[r][c] for r in range(n)) for c in range(n)]
    score = 0
    for line in lines:
        run = 1
        for i in range(1, n + 1):
            if i < n and line[i] == line[i - 1]:
                run += 1
                continue
            if run >= 5:
                score += 3 + run - 5
            run = 1
        for i in range(n - 10):
            if line[i : i + 11] in ("10111010000", "00001011101"):
                score += 40
    for r in range(n - 1):
        for c in range(n - 1):
            if rows[r][c] == rows[r][c + 1] == rows[r + 1][c] == rows[r + 1][c + 1]:
                score += 3
    dark = sum(map(sum, rows))
    return score + 10 * (abs(dark * 100 // (n * n) - 50) // 5)


def _qrcode_symbol(payload: str, mask: int) -> tuple[tuple[bool, ...], ...]:
    symbol = qrcode.QRCode(error_correction=qr.error_correction_for(payload), border=0, mask_pattern=mask)
    symbol.add_data(payload)
    symbol.make(fit=True)
    return tuple(tuple(bool(x) for x in row) for row in symbol.modules)


def test_error_correction_follows_pretix():
    assert qr.error_correction_for("X" * 32) == qrcode.constants.ERROR_CORRECT_H
    assert qr.error_correction_for("X" * 33) == qrcode.constants.ERROR_CORRECT_M
    assert qr.error_correction_for("X" * 128) == qrcode.constants.ERROR_CORRECT_M
    assert qr.error_correction_for("X" * 129) == qrcode.constants.ERROR_CORRECT_L


def test_the_fast_mask_choice_makes_the_symbol_qrcode_makes_with_the_least_penalty():
    key = new_signing_key()
    rng = random.Random(7)
    payloads = [new_badge_code(key, token_bytes=rng.randbytes) for _ in range(12)]
    payloads += ["A", "HELLO WORLD " * 4, "https://example.org/ticket/" + "x" * 120, "12345678901234567890"]
    for payload in payloads:
        qr.qr_matrix.cache_clear()
        matrix = qr.qr_matrix(payload)
        candidates = {mask: _qrcode_symbol(payload, mask) for mask in range(8)}
        assert matrix.rows == candidates[matrix.mask], payload
        penalties = {mask: _reference_penalty(rows) for mask, rows in candidates.items()}
        assert penalties[matrix.mask] == min(penalties.values()), payload


def test_a_qr_box_too_small_for_half_millimetre_modules_is_refused_naming_the_template(tmp_path):
    template = json.loads(Path(load_template().source).read_text(encoding="utf-8"))
    template["name"] = "tiny-qr"
    for layout in template["layouts"]:
        for element in layout["elements"]:
            if element["type"] == "qr":
                element.update(w=12, h=12)
    path = tmp_path / "tiny-qr.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        book(db, session)
        db.commit()
        with pytest.raises(qr.QRSizeError, match=r"'tiny-qr'.*at least 0.5 mm"):
            render_badges(
                db, session, stock_named("avery-l4785"), tmp_path / "b.pdf", template=load_template(str(path))
            )
        assert db.scalar(select(func.count()).select_from(PrintLog)) == 0
    assert not (tmp_path / "b.pdf").exists()
    assert not list(tmp_path.glob(".b.pdf.*")), "a half-written file was left behind"


def test_a_broken_template_names_itself_and_the_element(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            {
                "name": "mine",
                "layouts": [
                    {
                        "width": 80,
                        "height": 50,
                        "elements": [
                            {
                                "type": "text",
                                "text": "{nickname}",
                                "x": 5,
                                "y": 5,
                                "w": 20,
                                "h": 5,
                                "size_max": 9,
                            }
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=r"mine.json.*element 1.*\{nickname\}"):
        load_template(str(path))
    path.write_text(path.read_text().replace("{nickname}", "{first_name}").replace('"w": 20', '"w": 90'))
    with pytest.raises(TemplateError, match="outside the 80 × 50 mm badge"):
        load_template(str(path))


# ---- text fitting ---------------------------------------------------------------------------------


SCRIPTS = {
    "latin": "Bartholomew Featherstonehaugh-Cholmondeley ",
    "vietnamese": "Nguyễn Thị Phượng Trần Quốc Hoàng ",
    "greek": "Αλεξάνδρα Παπαδοπούλου Χριστοδουλίδης ",
    "cyrillic": "Владимир Александрович Преображенский ",
    "arabic": "عبد الرحمن بن محمد الزهراوي ",
}
LENGTHS = (1, 3, 12, 40, 120, 300)


def name_of(script: str, length: int, spaces: bool = True) -> str:
    sample = SCRIPTS[script] if spaces else SCRIPTS[script].replace(" ", "").replace("-", "")
    text = (sample * (length // len(sample) + 2))[:length]
    if text.endswith(" "):
        text = text[:-1] + sample.strip()[0]
    return unicodedata.normalize("NFC", text)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet="aäbcXYZ ỗỹ ΩΨжЖ\u0639\u0644\u0645-", min_size=1, max_size=300),
    width=st.floats(20, 250),
    height=st.floats(6, 80),
    lines=st.integers(1, 4),
    bold=st.booleans(),
)
def test_fitted_text_never_leaves_its_box(text, width, height, lines, bold):
    register_fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fitted = fit_text(text, width, height, 24.0, 6.0, lines, bold)
    assert len(fitted.lines) <= lines
    if fitted.lines:
        assert fitted.height <= height + 1e-6
        for line in fitted.lines:
            assert stringWidth(line.text, line.font, fitted.size) <= width + 1e-6


def test_text_shrinks_first_then_wraps_then_ellipsises():
    register_fonts()
    short = fit_text("Ann", 200, 45, 26, 11, 2, True)
    assert short.size == 26 and [line.text for line in short.lines] == ["Ann"]
    longer = fit_text("Christopher-Maximilian", 200, 45, 26, 11, 2, True)
    assert 11 <= longer.size < 26 and len(longer.lines) == 1
    wrapped = fit_text("Christopher Maximilian Alexander Bartholomew", 200, 45, 26, 11, 2, True)
    assert len(wrapped.lines) == 2 and not wrapped.truncated
    cut = fit_text("Christopher " * 20, 200, 45, 26, 11, 2, True)
    assert cut.truncated and cut.size == 11 and cut.lines[-1].text.endswith("…")


# ---- a demo session, printed and scanned ----------------------------------------------------------


def test_a_session_sheet_scans_at_the_desk_with_every_badge_where_the_sheet_has_its_label(
    demo_programme, tmp_path
):
    database, code = demo_programme
    stock = stock_named("avery-l4785")
    with database.session() as db:
        session = session_by_code(db, code)
        active = db.scalars(
            select(Registration).where(
                Registration.session_id == session.id, Registration.status.in_(ACTIVE_STATUSES)
            )
        ).all()
        inactive = db.scalars(
            select(Registration.badge_code).where(
                Registration.session_id == session.id, Registration.status.not_in(ACTIVE_STATUSES)
            )
        ).all()
        expected = sorted(
            active,
            key=lambda r: (r.delegate.last_name.casefold(), r.delegate.first_name.casefold(), r.delegate_id),
        )
        run = render_badges(db, session, stock, tmp_path / "badges.pdf", desk="door-1", clock=clock)
        assert run.count == len(active) and run.reprints == 0
        assert run.pages == -(-len(active) // stock.labels_per_page)

        decoded: list[str] = []
        for number, image in enumerate(page_images(tmp_path / "badges.pdf")):
            found = decode_qrs(image)
            on_page = expected[number * stock.labels_per_page : (number + 1) * stock.labels_per_page]
            assert len(found) == len(on_page)
            for qr_found in found:
                position = label_at(stock, qr_found.x_mm, qr_found.y_mm)
                assert position is not None
                assert qr_found.text == on_page[position].badge_code  # sorted by surname, in label order
                assert qr_found.side_mm / qr.qr_matrix(qr_found.text).size >= qr.MIN_MODULE_MM
            rects = [stock.label_rect(i) for i in range(stock.labels_per_page)]
            assert ink_outside(image, rects) == 0
            decoded += [q.text for q in found]
        assert sorted(decoded) == sorted(r.badge_code for r in active)
        assert not set(decoded) & set(inactive)  # cancelled and waitlisted bookings get no badge

        doors_open = session.starts_at - timedelta(minutes=30)  # the demo session is today
        for badge_code in decoded[1:]:
            result = record_scan(db, badge_code, session, desk="door-1", clock=lambda: doors_open)
            assert result.outcome.admitted, result.outcome.reason
    # the first one through the command line, exactly as a scanner would type it
    assert main(["--db", str(tmp_path / "desk.sqlite3"), "scan", decoded[0], "--session", code]) == 0


def test_the_sheet_has_the_words_a_delegate_reads(demo_programme, tmp_path):
    database, code = demo_programme
    with database.session() as db:
        session = session_by_code(db, code)
        render_badges(db, session, stock_named("avery-l4785"), tmp_path / "b.pdf")
        first = min(
            (r for r in session_registrations(db, session.id) if r.status in ACTIVE_STATUSES),
            key=lambda r: (r.delegate.last_name.casefold(), r.delegate.first_name.casefold(), r.delegate_id),
        )
        title, venue = session.title, session.venue.name
    with pdfplumber.open(tmp_path / "b.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    shown_first = first.delegate.badge_name or first.delegate.first_name
    for words in (shown_first, first.delegate.last_name, title, venue, "DELEGATE"):
        assert words in text


def session_registrations(db, session_id):
    return db.scalars(select(Registration).where(Registration.session_id == session_id)).all()


# ---- names of every length and script -------------------------------------------------------------


def _name_badges(tmp_path, stock_name: str):
    """One badge per script and length (and one unbroken 300-character word per script), with the
    organisation as long as the name."""
    database = new_database(tmp_path, f"{stock_name}.sqlite3")
    people = []
    with database.session() as db:
        session = make_session(db)
        for script in SCRIPTS:
            for length in LENGTHS:
                people.append((script, length, True))
            people.append((script, 300, False))
        registrations = []
        for index, (script, length, spaces) in enumerate(people):
            name = name_of(script, length, spaces)
            registrations.append(book(db, session, name, f"{index:03d}{name}"[: length + 3], name))
        db.commit()
        stock = stock_named(stock_name)
        render_badges(db, session, stock, tmp_path / f"{stock_name}.pdf")
        codes = {r.badge_code: r for r in registrations}
        qr_boxes = [e for e in place(load_template(), stock).layout.elements if isinstance(e, QRElement)]
        return stock, codes, qr_boxes


@pytest.mark.parametrize("stock_name", ["avery-l4785", "brother-ql-62x100", "dymo-99014", "a6-4up"])
def test_no_character_of_any_name_leaves_its_label_in_any_script_at_any_length(tmp_path, stock_name):
    stock, codes, _ = _name_badges(tmp_path, stock_name)
    placed = place(load_template(), stock)
    qr_element = next(e for e in placed.layout.elements if isinstance(e, QRElement))
    qr_local = placed.qr_box(qr_element)
    count = 0
    with pdfplumber.open(tmp_path / f"{stock_name}.pdf") as pdf:
        for page in pdf.pages:
            assert page.chars
            for char in page.chars:
                position = label_at(stock, char["x0"] / POINTS_PER_MM, char["top"] / POINTS_PER_MM)
                assert position is not None, f"{char['text']!r} starts on no label"
                printable = stock.printable_rect(position)
                x0, top, x1, bottom = rect_in_points(printable)
                assert x0 - 0.01 <= char["x0"] and char["x1"] <= x1 + 0.01, char["text"]
                assert top - 0.01 <= char["top"] and char["bottom"] <= bottom + 0.01, char["text"]
                # and never over the QR code or its quiet zone
                label = stock.label_rect(position)
                qx0 = (label.x + qr_local.x) * POINTS_PER_MM
                qtop = (label.y + qr_local.y) * POINTS_PER_MM
                qx1, qbottom = qx0 + qr_local.w * POINTS_PER_MM, qtop + qr_local.h * POINTS_PER_MM
                overlaps = (
                    char["x0"] < qx1 and char["x1"] > qx0 and char["top"] < qbottom and char["bottom"] > qtop
                )
                assert not overlaps, f"{char['text']!r} is over the QR code"
                count += 1
    assert count > 1000

    # Pixels too: nothing at all is drawn outside the printable part of the labels, and every QR reads.
    # (150 dpi is three pixels a module: plenty for the decoder, and half the time of 300.)
    decoded = set()
    for image in page_images(tmp_path / f"{stock_name}.pdf", dpi=150):
        rects = [stock.printable_rect(i) for i in range(stock.labels_per_page)]
        assert ink_outside(image, rects, dpi=150) == 0
        decoded |= {found.text for found in decode_qrs(image, dpi=150)}
    assert decoded == set(codes)


def test_long_names_are_cut_with_an_ellipsis_and_short_ones_are_whole(tmp_path):
    stock, codes, _ = _name_badges(tmp_path, "avery-l4785")
    with pdfplumber.open(tmp_path / "avery-l4785.pdf") as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    for script in ("latin", "vietnamese", "greek", "cyrillic"):
        for length in (3, 12):
            assert name_of(script, length) in text
    assert "…" in text
    assert prepare(name_of("arabic", 12)).text.replace(" ", "") in text.replace(" ", "")


def test_an_arabic_name_is_right_aligned_in_a_start_aligned_box(tmp_path):
    database = new_database(tmp_path)
    stock = stock_named("avery-l4785")
    with database.session() as db:
        session = make_session(db)
        book(db, session, "فاطمة", "الزهراء", "Preston City Council")
        book(db, session, "Zoë", "Zephaniah", "Preston City Council")
        db.commit()
        render_badges(db, session, stock, tmp_path / "b.pdf")
    placed = place(load_template(), stock)
    name_box = next(e for e in placed.layout.elements if getattr(e, "text", "") == "{display_name}").box
    with pdfplumber.open(tmp_path / "b.pdf") as pdf:
        chars = pdf.pages[0].chars
    arabic = [c for c in chars if "Arabic-Bold" in c["fontname"]]  # the first name is bold
    latin = [c for c in chars if c["text"] == "Z" and c["fontname"].endswith("NotoSans-Bold")]
    assert arabic and latin

    def label_of(chars):
        (position,) = {label_at(stock, c["x0"] / POINTS_PER_MM, c["top"] / POINTS_PER_MM) for c in chars}
        return stock.label_rect(position)

    box_right = (label_of(arabic).x + name_box.x + name_box.w) * POINTS_PER_MM
    box_left = (label_of(latin).x + name_box.x) * POINTS_PER_MM
    assert max(c["x1"] for c in arabic) == pytest.approx(box_right, abs=0.5)
    assert min(c["x0"] for c in latin) == pytest.approx(box_left, abs=0.5)


# ---- partly used sheets, reprints and the print log -----------------------------------------------


def test_start_at_leaves_the_used_labels_blank(tmp_path):
    database = new_database(tmp_path)
    stock = stock_named("avery-l4785")
    with database.session() as db:
        session = make_session(db)
        codes = [book(db, session, "Ann", name).badge_code for name in ("Ashworth", "Barker", "Cook")]
        db.commit()
        run = render_badges(db, session, stock, tmp_path / "b.pdf", start_at=4)
    assert (run.count, run.pages) == (3, 1)
    (image,) = page_images(tmp_path / "b.pdf")
    for position in range(3):
        assert ink_inside(image, stock.label_rect(position)) == 0, f"label {position + 1} should be blank"
    found = {label_at(stock, q.x_mm, q.y_mm): q.text for q in decode_qrs(image)}
    assert found == {3: codes[0], 4: codes[1], 5: codes[2]}


def test_start_at_carries_on_to_a_second_sheet(tmp_path):
    database = new_database(tmp_path)
    stock = stock_named("avery-l4785")
    with database.session() as db:
        session = make_session(db)
        for i in range(5):
            book(db, session, "Ann", f"Name{i}")
        db.commit()
        run = render_badges(db, session, stock, tmp_path / "b.pdf", start_at=8)
        assert run.pages == 2
        with pytest.raises(UsageError, match="between 1 and 10"):
            render_badges(db, session, stock, tmp_path / "c.pdf", start_at=11)
    first, second = page_images(tmp_path / "b.pdf")
    assert sorted(label_at(stock, q.x_mm, q.y_mm) for q in decode_qrs(first)) == [7, 8, 9]
    assert sorted(label_at(stock, q.x_mm, q.y_mm) for q in decode_qrs(second)) == [0, 1]


def test_print_log_marks_reprints_and_unprinted_only_prints_the_new(tmp_path):
    database = new_database(tmp_path)
    stock = stock_named("avery-l4785")
    with database.session() as db:
        session = make_session(db)
        zoe = book(db, session, "Zoë", "Adams")
        ben = book(db, session, "Ben", "Brown")
        book(db, session, "Cy", "Cancelled", status=RegistrationStatus.CANCELLED)
        db.commit()

        first = render_badges(db, session, stock, tmp_path / "1.pdf", desk="door-1", clock=clock)
        assert (first.count, first.reprints) == (2, 0)
        logged = db.scalars(select(PrintLog).order_by(PrintLog.id)).all()
        assert [(p.registration_id, p.reprint, p.stock, p.desk, p.at) for p in logged] == [
            (zoe.id, False, "avery-l4785", "door-1", NOW),
            (ben.id, False, "avery-l4785", "door-1", NOW),
        ]

        nothing = render_badges(db, session, stock, tmp_path / "2.pdf", only_unprinted=True)
        assert nothing.count == 0 and not (tmp_path / "2.pdf").exists()

        walk_in = book(db, session, "Wanda", "Walker", status=RegistrationStatus.WALK_IN)
        db.commit()
        new_only = render_badges(db, session, stock, tmp_path / "3.pdf", only_unprinted=True)
        assert (new_only.count, new_only.reprints, new_only.registration_ids) == (1, 0, (walk_in.id,))
        (image,) = page_images(tmp_path / "3.pdf")
        assert [q.text for q in decode_qrs(image)] == [walk_in.badge_code]

        again = render_badges(db, session, stock, tmp_path / "4.pdf", registration_ids=[zoe.id])
        assert (again.count, again.reprints) == (1, 1)
        last = db.scalars(select(PrintLog).order_by(PrintLog.id.desc())).first()
        assert (last.registration_id, last.reprint) == (zoe.id, True)

        with pytest.raises(UsageError, match="Zoë Adams"):
            render_badges(db, session, stock, tmp_path / "5.pdf", registration_ids=[zoe.id], reprint_ok=False)
        assert not (tmp_path / "5.pdf").exists()
        assert db.scalar(select(func.count()).select_from(PrintLog)) == 4


def test_a_trainer_gets_a_trainer_bar(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        trainer = book(db, session, "Hannah", "Whitworth")
        trainer.answers = {"Role": "Trainer"}
        db.commit()
        render_badges(db, session, stock_named("avery-l4785"), tmp_path / "b.pdf")
    with pdfplumber.open(tmp_path / "b.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "TRAINER" in text and "DELEGATE" not in text


# ---- the command line -----------------------------------------------------------------------------


def test_checkin_badges_end_to_end(tmp_path, capsys):
    db_path = tmp_path / "desk.sqlite3"
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        ann = book(db, session, "Ann", "Ashworth")
        ben = book(db, session, "Ben", "Barker")
        book(db, session, "Cy", "Cook")
        db.commit()
        ann_delegate, ben_delegate, ben_code = ann.delegate_id, ben.delegate_id, ben.badge_code
    out = tmp_path / "all.pdf"
    assert main(["--db", str(db_path), "badges", "--session", "PRE-0312", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "3 badges for PRE-0312 on avery-l4785" in said and "Not counted as printed" in said
    assert len(decode_qrs(page_images(out)[0])) == 3

    some = tmp_path / "some.pdf"
    args = ["--db", str(db_path), "badges", "--session", "PRE-0312", "--stock", "brother-ql-62x100"]
    assert main([*args, "--delegate", str(ben_delegate), "--count-as-printed", "-o", str(some)]) == 0
    said = capsys.readouterr().out
    assert "1 badge counted as printed" in said and "reprint" not in said  # the saved file printed nothing
    assert [q.text for q in decode_qrs(page_images(some)[0])] == [ben_code]
    assert main([*args, "--delegate", str(ben_delegate), "-o", str(some)]) == 0
    assert "(1 reprint)" in capsys.readouterr().out

    rest = tmp_path / "rest.pdf"
    assert main([*args, "--unprinted", "--count-as-printed", "-o", str(rest)]) == 0
    assert "2 badges for PRE-0312" in capsys.readouterr().out
    assert ben_code not in [q.text for page in page_images(rest) for q in decode_qrs(page)]
    assert main([*args, "--unprinted", "-o", str(tmp_path / "none.pdf")]) == 1
    assert not (tmp_path / "none.pdf").exists()
    capsys.readouterr()

    bad = [
        ["--stock", "avery-l9999"],
        ["--delegate", "99999"],
        ["--delegate", str(ann_delegate), "--start-at", "2"],  # a label printer has one label a page
        ["--session", "NOPE-1"],
    ]
    for extra in bad:
        target = tmp_path / "bad.pdf"
        command = ["--db", str(db_path), "badges", "--session", "PRE-0312", "--stock", "brother-ql-62x100"]
        assert main([*command, *extra, "-o", str(target)]) == 2, extra
        err = capsys.readouterr().err
        assert err.startswith("checkin: ") and err.count("\n") == 1, err
        assert not target.exists()


def test_a_badge_file_saved_by_checkin_badges_counts_nothing_as_printed(qtbot, tmp_path, monkeypatch, capsys):
    """As in the app, a saved PDF is not a print: the roster's Badge column still says "Not printed", the
    next `--unprinted` run makes the same badges again, and no sheet's labels are used. Only
    `--count-as-printed` counts them."""
    from checkin.settings import Settings
    from ui.delegates.roster_model import BADGE, SURNAME, RosterModel

    monkeypatch.setenv("CHECKIN_SETTINGS", str(tmp_path / "settings.json"))
    db_path = tmp_path / "desk.sqlite3"
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        for first, last in (("Ann", "Ashworth"), ("Ben", "Barker"), ("Cy", "Cook")):
            book(db, session, first, last)
        db.commit()
        session_id = session.id
    badges = ["--db", str(db_path), "badges", "--session", "PRE-0312", "--unprinted"]

    def badge_column() -> dict[str, str]:
        model = RosterModel(database)
        model.set_session(session_id)
        qtbot.waitUntil(lambda: not model.loading and model.rowCount() == 3, timeout=30_000)
        cells = [(model.index(row, SURNAME), model.index(row, BADGE)) for row in range(3)]
        qtbot.waitUntil(lambda: all(model.data(surname) for surname, _badge in cells), timeout=30_000)
        return {model.data(surname): model.data(badge) for surname, badge in cells}

    for attempt in ("first.pdf", "second.pdf"):
        assert main([*badges, "-o", str(tmp_path / attempt)]) == 0
        said = capsys.readouterr().out
        assert "3 badges for PRE-0312" in said and "Not counted as printed" in said and "reprint" not in said
        assert len(decode_qrs(page_images(tmp_path / attempt)[0])) == 3
        assert badge_column() == {"Ashworth": "Not printed", "Barker": "Not printed", "Cook": "Not printed"}
    assert Settings().get("next_labels") == {}

    assert main([*badges, "--count-as-printed", "-o", str(tmp_path / "printed.pdf")]) == 0
    assert "3 badges counted as printed" in capsys.readouterr().out
    assert badge_column() == {"Ashworth": "Printed", "Barker": "Printed", "Cook": "Printed"}
    assert main([*badges, "-o", str(tmp_path / "none.pdf")]) == 1
    assert "every badge has been printed already" in capsys.readouterr().out
    assert Settings().get("next_labels") == {}
