"""The badge job the command line and both views run: what it makes, where the sheet goes on, and that only
badges really printed or saved are logged."""

import pytest
from factories import book, make_session, new_database
from sqlalchemy import select

from checkin.printing.badge_jobs import BadgeRequest, log_badge_job, make_badge_job
from checkin.printing.stocks import StockError
from checkin.store.models import PrintLog

pytestmark = pytest.mark.usefixtures("no_user_stocks")


@pytest.fixture
def three_nowaks(tmp_path):
    """(database, session code, registration ids) of three people booked on one session."""
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        ids = [book(db, session, first, "Nowak").id for first in ("Ada", "Bo", "Cy")]
        db.commit()
    yield database, session.code, ids
    database.dispose()


def logged(database) -> list[tuple[int, bool, str]]:
    with database.session() as db:
        rows = db.scalars(select(PrintLog).order_by(PrintLog.id)).all()
        return [(row.registration_id, row.reprint, row.stock) for row in rows]


def test_a_preview_is_logged_only_when_printed_and_the_sheet_moves_on(three_nowaks, tmp_path):
    database, code, ids = three_nowaks
    request = BadgeRequest(code, "avery-l4785", start_at=9)
    with database.session() as db:
        job = make_badge_job(db, request, tmp_path / "preview.pdf", desk="door-1", printed=False)
    assert job is not None and job.path.read_bytes().startswith(b"%PDF")
    assert (job.count, job.pages, job.reprints, job.stock) == (3, 2, 0, "avery-l4785")
    assert job.next_label == 2  # labels 9 and 10 of the first sheet, 1 of the second
    assert sorted(job.registration_ids) == sorted(ids)
    assert logged(database) == []
    with database.session() as db:
        assert log_badge_job(db, job, desk="door-1") == 0
        assert log_badge_job(db, job, desk="door-1") == 3
    assert [reprint for _, reprint, _ in logged(database)] == [False] * 3 + [True] * 3


def test_a_badge_saved_on_request_is_logged_at_once_and_nothing_left_is_none(three_nowaks, tmp_path):
    database, code, ids = three_nowaks
    one = BadgeRequest(code, "brother-ql-62x100", registration_ids=(ids[1],))
    with database.session() as db:
        job = make_badge_job(db, one, tmp_path / "bo.pdf", desk="door-1", printed=True)
    assert job is not None and job.next_label is None  # a label printer: each badge its own page
    assert logged(database) == [(ids[1], False, "brother-ql-62x100")]
    unprinted = BadgeRequest(code, "avery-l4785", registration_ids=(ids[1],), only_unprinted=True)
    with database.session() as db:
        assert make_badge_job(db, unprinted, tmp_path / "none.pdf", desk="door-1", printed=True) is None
    assert not (tmp_path / "none.pdf").exists()
    with database.session() as db, pytest.raises(StockError, match="no label stock"):
        make_badge_job(db, BadgeRequest(code, "no-such-stock"), tmp_path / "x.pdf", desk="", printed=True)
