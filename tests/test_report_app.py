"""The programme report in the app, driven by keys: the pocket guide at the desk (F3) and in roll-call
(Ctrl+G), an organisation's sector in the Delegates view (Ctrl+K), and the Dashboard's Programme tab
following scans as they arrive."""

import pytest
from sqlalchemy import func, select
from tests_support import booked_people

from PySide6.QtCore import Qt

from checkin.desk.bookings import session_by_code
from checkin.desk.scanning import record_scan
from checkin.domain.sectors import Sector
from checkin.store.models import AuditLog, GuideHandout
from ui.delegates.dialogs import SectorDialog
from ui.delegates.roster_model import ORGANISATION, ROW_ROLE, SECTOR
from ui.rollcall.view import GUIDE_COLUMN, REGISTRATION


@pytest.fixture
def demo_window(open_demo_window):
    window, _scanner, database, code, _settings = open_demo_window(size=(1366, 768))
    window.activateWindow()
    return window, database, code


def guides(database) -> set[int]:
    with database.session() as db:
        return set(db.scalars(select(GuideHandout.registration_id)))


def test_f3_at_the_desk_records_the_pocket_guide_once_and_roll_call_shows_and_ticks_it(demo_window, qtbot):
    window, database, code = demo_window
    first, second = booked_people(database, code)[:2]
    desk = window.desk_view
    assert desk.guide_button.isHidden()
    desk.scan(first.badge_code)
    assert desk.guide_button.isVisible() and "F3" in desk.guide_button.text()
    qtbot.keyClick(desk.input, Qt.Key.Key_F3)
    assert guides(database) == {first.registration_id}
    assert desk.guide_button.text() == "✔ Pocket guide recorded" and not desk.guide_button.isEnabled()
    desk.scan(first.badge_code)  # already in: still on screen, and the guide again changes nothing
    qtbot.keyClick(desk.input, Qt.Key.Key_F3)
    assert desk.guide_button.text() == "✔ Pocket guide given already"
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(GuideHandout)) == 1

    window.show_view("Roll-call")
    view = window.views["Roll-call"]
    view.reload()
    rows = {item.data(0, REGISTRATION): item for item in view._all_people()}
    assert view.tree.headerItem().text(GUIDE_COLUMN) == "Guide"
    assert rows[first.registration_id].checkState(GUIDE_COLUMN) == Qt.CheckState.Checked
    assert rows[second.registration_id].checkState(GUIDE_COLUMN) == Qt.CheckState.Unchecked
    view.tree.setCurrentItem(rows[second.registration_id])
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert guides(database) == {first.registration_id, second.registration_id}
    assert "Pocket guide given" in view.banner.headline.text()
    ticked = {item.data(0, REGISTRATION): item for item in view._all_people()}[second.registration_id]
    assert ticked.checkState(GUIDE_COLUMN) == Qt.CheckState.Checked
    # Unticking cannot take back a guide handed out: the tick comes back.
    ticked.setCheckState(GUIDE_COLUMN, Qt.CheckState.Unchecked)
    qtbot.waitUntil(
        lambda: (
            {i.data(0, REGISTRATION): i for i in view._all_people()}[second.registration_id].checkState(
                GUIDE_COLUMN
            )
            == Qt.CheckState.Checked
        )
    )
    assert len(guides(database)) == 2


def test_ctrl_k_sets_the_sector_for_everyone_from_an_organisation(demo_window, qtbot, monkeypatch):
    window, database, _code = demo_window
    window.show_view("Delegates")
    view = window.views["Delegates"]
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    model = view.model
    rows = [model.data(model.index(r, 0), ROW_ROLE) for r in range(model.rowCount())]
    police = [r for r, row in enumerate(rows) if row.organisation == "Lancashire Constabulary"]
    assert len(police) >= 2
    assert {model.data(model.index(r, SECTOR)) for r in police} == {"Police"}
    assert model.headerData(SECTOR, Qt.Orientation.Horizontal) == "Sector"

    def choose_charity(dialog: SectorDialog) -> int:
        assert (
            dialog.facts.organisation == "Lancashire Constabulary" and dialog.facts.inferred is Sector.POLICE
        )
        dialog.choose(Sector.CHARITY)
        assert dialog.submit()
        return dialog.result()

    monkeypatch.setattr(SectorDialog, "exec", choose_charity)
    view.select_registration(rows[police[0]].registration_id)
    assert "Lancashire Constabulary" in view.sector_action.text()
    qtbot.keyClick(view.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.data(model.index(police[-1], SECTOR)) == "Charity / voluntary")
    assert {model.data(model.index(r, SECTOR)) for r in police} == {"Charity / voluntary"}
    assert model.data(model.index(police[0], ORGANISATION)) == "Lancashire Constabulary"
    assert "Lancashire Constabulary" in window.statusBar().currentMessage()
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "sector")) == 1


def test_the_programme_tab_follows_scans_as_they_arrive(demo_window, qtbot):
    window, database, code = demo_window
    people = booked_people(database, code)
    window.show_view("Dashboard")
    view = window.views["Dashboard"]
    view.tabs.setCurrentWidget(view.programme)
    programme = view.programme
    assert programme.figure("Attendances") == "0"
    sessions = programme.tables["sessions"]
    assert sessions.rowCount() == 7  # the demo's six sessions and the total
    window.desk_view.scan(people[0].badge_code)  # the desk says attendance changed
    assert programme.figure("Attendances") == "1"
    # Another desk's check-in arriving by sync, without a signal: the dashboard's timer picks it up.
    with database.session() as db:
        record_scan(db, people[1].badge_code, session_by_code(db, code), desk="door-2")
    view.timer.setInterval(50)
    qtbot.waitUntil(lambda: programme.figure("Attendances") == "2", timeout=3000)
    total = sessions.item(sessions.rowCount() - 1, 0)
    assert total.text() == "Total" and total.font().bold()
    assert programme.figure("Different people trained") == "2"
