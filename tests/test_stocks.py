"""Label stocks: the shipped geometry, user-added files, and each stock's PDF as a printer would get it."""

import json

import pdfplumber
import pytest
from factories import book, make_session, new_database
from pdf_checks import POINTS_PER_MM, decode_qrs, label_at, page_images

from checkin.cli import main
from checkin.printing.badges import render_badges
from checkin.printing.stocks import PAPER_SIZES, Rect, StockError, load_stocks, parse_stock, stock_named

SHIPPED = ("a6-4up", "avery-5395", "avery-l4785", "brother-ql-62x100", "dymo-99014", "zebra-4x3")


# Tests never read the real user's stock folder.
pytestmark = pytest.mark.usefixtures("no_user_stocks")


def test_the_shipped_stocks_are_all_there_and_sane():
    catalogue = load_stocks()
    assert set(SHIPPED) <= set(catalogue.stocks)
    assert catalogue.problems == ()


def test_avery_l4785_geometry_is_the_published_one():
    stock = stock_named("avery-l4785")
    assert (stock.page_w, stock.page_h) == PAPER_SIZES["A4"]
    assert (stock.columns, stock.rows, stock.label_w, stock.label_h, stock.corner_radius) == (2, 5, 80, 50, 4)
    assert stock.label_rect(0) == Rect(18, 13, 80, 50)
    assert stock.label_rect(1) == Rect(113, 13, 80, 50)
    assert stock.label_rect(9) == Rect(113, 233, 80, 50)
    # symmetric on the sheet: 18 mm left and right (17 mm right), 14 mm at the bottom
    assert stock.label_rect(9).bottom == pytest.approx(283)


def test_avery_5395_is_on_us_letter():
    stock = stock_named("avery-5395")
    assert stock.page == "Letter"
    assert stock.label_rect(7) == Rect(17.46 + 95.25, 14.82 + 3 * 63.5, 85.73, 59.27)


def test_a6_4up_quarters_an_a4_sheet_exactly():
    stock = stock_named("a6-4up")
    rects = [stock.label_rect(i) for i in range(4)]
    assert rects == [
        Rect(0, 0, 105, 148),
        Rect(105, 0, 105, 148),
        Rect(0, 148.5, 105, 148),
        Rect(105, 148.5, 105, 148),
    ]
    assert rects[3].right == 210 and rects[3].bottom <= 297


def test_label_printer_stocks_are_one_label_per_page():
    brother = stock_named("brother-ql-62x100")
    assert (brother.page_w, brother.page_h, brother.labels_per_page) == (62, 100, 1)
    printable = brother.printable_rect(0)
    assert (printable.w, printable.h) == pytest.approx((58.9, 93.9))
    assert (printable.x, printable.y) == pytest.approx((1.55, 3.05))  # centred
    assert stock_named("dymo-99014").page == "101x54mm"  # landscape: a name badge, not a shipping label
    assert stock_named("zebra-4x3").page == "101.6x76.2mm"


def test_stocks_json_lists_each_stock_with_the_promised_keys(capsys):
    assert main(["stocks", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    by_name = {entry["name"]: entry for entry in listed}
    assert set(SHIPPED) <= set(by_name)
    for entry in listed:
        assert set(entry) >= {"name", "title", "page", "label_w", "label_h", "columns", "rows"}
    assert by_name["avery-l4785"] == {
        "name": "avery-l4785",
        "title": by_name["avery-l4785"]["title"],
        "page": "A4",
        "label_w": 80,
        "label_h": 50,
        "columns": 2,
        "rows": 5,
    }
    assert by_name["brother-ql-62x100"]["page"] == "62x100mm"


def test_a_user_adds_a_stock_by_dropping_a_file(no_user_stocks, capsys):
    no_user_stocks.mkdir()
    (no_user_stocks / "herma-4345.json").write_text(
        json.dumps(
            {
                "name": "herma-4345",
                "title": "HERMA 4345, 88.9 × 46.6 mm",
                "page": "A4",
                "label": {"width": 88.9, "height": 46.6, "corner_radius": 3},
                "columns": 2,
                "rows": 6,
                "first": {"left": 13.1, "top": 8.8},
                "pitch": {"across": 95, "down": 46.6},
            }
        ),
        encoding="utf-8",
    )
    assert main(["stocks", "--json"]) == 0
    names = [entry["name"] for entry in json.loads(capsys.readouterr().out)]
    assert "herma-4345" in names
    assert stock_named("herma-4345").labels_per_page == 12


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON (line 1"),
        ('{"name": "x", "page": "A4"}', "label must be an object"),
        (
            '{"name": "x", "page": "B7", "label": {"width": 80, "height": 50}, "columns": 1, "rows": 1}',
            "page 'B7' is not one of",
        ),
        (
            '{"name": "x", "page": "A4", "label": {"width": 80, "height": 50}, "columns": 3, "rows": 1,'
            ' "pitch": {"across": 70, "down": 50}}',
            "labels overlap",
        ),
        (
            '{"name": "x", "page": "A4", "label": {"width": 80, "height": 50}, "columns": 3, "rows": 1,'
            ' "first": {"left": 20, "top": 10}, "pitch": {"across": 85, "down": 50}}',
            "outside the 210 × 297 mm page",
        ),
        (
            '{"name": "x", "page": "A4", "label": {"width": -1, "height": 50}, "columns": 1, "rows": 1}',
            "width",
        ),
        ('["a list"]', "one JSON object"),
    ],
)
def test_a_bad_stock_file_is_named_with_its_problem_and_the_rest_still_work(
    no_user_stocks, capsys, content, problem
):
    no_user_stocks.mkdir()
    (no_user_stocks / "mine.json").write_text(content, encoding="utf-8")
    catalogue = load_stocks()
    assert set(SHIPPED) <= set(catalogue.stocks)
    assert len(catalogue.problems) == 1
    assert "mine.json" in catalogue.problems[0] and problem in catalogue.problems[0]
    assert main(["stocks", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)  # the good stocks are still listed, as one JSON document
    assert "mine.json" in captured.err and problem in captured.err


def test_an_unknown_stock_name_lists_the_known_ones():
    with pytest.raises(StockError, match="avery-l4785"):
        stock_named("avery-l9999")


def test_parse_stock_refuses_a_radius_larger_than_the_label():
    with pytest.raises(ValueError, match="corner radius"):
        parse_stock(
            {
                "name": "x",
                "page": "A4",
                "label": {"width": 10, "height": 10, "corner_radius": 6},
                "columns": 1,
                "rows": 1,
            }
        )


@pytest.mark.parametrize("name", SHIPPED)
def test_each_stock_prints_at_its_page_size_with_its_labels_where_the_sheet_has_them(tmp_path, name):
    stock = stock_named(name)
    database = new_database(tmp_path)
    count = stock.labels_per_page + 1  # a full sheet and one more
    with database.session() as db:
        session = make_session(db)
        registrations = [book(db, session, f"Person{i:02d}", f"Surname{i:02d}") for i in range(count)]
        db.commit()
        run = render_badges(db, session, stock, tmp_path / "badges.pdf")
        codes = [r.badge_code for r in registrations]  # booked in surname order already
    assert (run.count, run.pages) == (count, 2)

    with pdfplumber.open(tmp_path / "badges.pdf") as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            assert page.width == pytest.approx(stock.page_w * POINTS_PER_MM, abs=0.01)
            assert page.height == pytest.approx(stock.page_h * POINTS_PER_MM, abs=0.01)

    pages = page_images(tmp_path / "badges.pdf")
    first, second = (decode_qrs(image) for image in pages)
    assert len(first) == stock.labels_per_page and len(second) == 1
    for found in first:
        position = label_at(stock, found.x_mm, found.y_mm)
        assert position is not None, f"QR at {found.x_mm:.1f}, {found.y_mm:.1f} mm is on no label"
        assert found.text == codes[position]
    assert label_at(stock, second[0].x_mm, second[0].y_mm) == 0
    assert second[0].text == codes[-1]
