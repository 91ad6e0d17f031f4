"""The first window: it opens on a session, and a scan typed into it shows the outcome and the counts."""

from PySide6.QtCore import Qt

from checkin.demo import create_demo
from checkin.registrations import session_by_code
from checkin.roster import session_roster
from ui.app import DeskWindow, fill_with_demo_when_empty


def test_the_desk_admits_a_scanned_badge_and_counts_it(qtbot, tmp_path):
    from checkin.database import open_database

    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
        session = session_by_code(db, summary.first_session_code)
        person = next(e for e in session_roster(db, session) if e.status == "booked")
    window = DeskWindow(database, "door-1", summary.first_session_code)
    qtbot.addWidget(window)
    window.show()
    assert window.counts.text().startswith("Checked in: 0 /")

    qtbot.keyClicks(window.scan_input, person.badge_code)
    qtbot.keyClick(window.scan_input, Qt.Key.Key_Return)
    assert window.headline.text() == "Welcome"
    assert window.symbol.text() == "✔"
    assert person.last_name in window.name.text()
    assert window.counts.text().startswith("Checked in: 1 /")
    assert window.scan_input.text() == ""

    qtbot.keyClicks(window.scan_input, person.badge_code)
    qtbot.keyClick(window.scan_input, Qt.Key.Key_Return)
    assert window.headline.text() == "Already checked in"
    assert window.counts.text().startswith("Checked in: 1 /")

    qtbot.keyClicks(window.scan_input, "not a badge")
    qtbot.keyClick(window.scan_input, Qt.Key.Key_Return)
    assert window.headline.text() == "Not a valid badge"
    database.dispose()


def test_an_empty_database_gets_the_demo_programme(tmp_path):
    from checkin.database import open_database

    database = open_database(tmp_path / "empty.sqlite3")
    fill_with_demo_when_empty(database)
    fill_with_demo_when_empty(database)  # a second start leaves it alone
    from checkin.roster import session_summaries

    with database.session() as db:
        assert len(session_summaries(db)) == 6
    database.dispose()
