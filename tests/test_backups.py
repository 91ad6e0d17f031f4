"""Backups: automatic snapshots kept to twenty, a damaged database found at start with the newest good
backup offered (command line and app), restoring over a damaged file, and the app's timer and exit."""

import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from factories import book, make_session, new_database

from PySide6.QtWidgets import QApplication, QMessageBox

from checkin.desk.demo import create_demo
from checkin.desk.roster import session_summaries
from checkin.errors import UsageError
from checkin.records.backup import (
    backup_to,
    check_backup,
    describe_time,
    newest_good_backup,
    prune_snapshots,
    restore_file,
    snapshot,
    snapshots,
)
from checkin.settings import Settings
from checkin.store.database import DatabaseError, open_database
from ui.settings.backups import SnapshotTimer, open_or_offer_restore
from ui.shell.app import build_window

T0 = datetime(2026, 3, 12, 9, 0)


@pytest.fixture
def thirty_bookings(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        for i in range(30):
            book(db, session, f"Person{i}", "Backup", email=f"p{i}@example.org")
        db.commit()
    yield database, tmp_path / "desk.sqlite3"
    database.dispose()


def damage(path: Path) -> None:
    """Overwrite bytes in the middle of the file, as a failing disk or a cut-short copy would."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 1024)


def delegates_in(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        count = connection.execute("select count(*) from delegate").fetchone()[0]
    connection.close()
    return count


def test_snapshots_keep_the_last_twenty_and_never_a_backup_made_on_purpose(thirty_bookings):
    database, path = thirty_bookings
    kept_by_hand = backup_to(database, path.parent / "backups" / "desk-before-the-event.sqlite3")
    taken = [snapshot(database, now=T0 + timedelta(minutes=10 * i)) for i in range(25)]
    left = snapshots(path.parent / "backups", "desk")
    assert left == taken[-20:]
    assert all(not p.exists() for p in taken[:5])
    assert kept_by_hand.exists()
    for each in left:
        check_backup(each)  # each a whole, self-contained database
        assert not Path(str(each) + "-wal").exists()
    assert prune_snapshots(path.parent / "backups", "desk", keep=3) == left[:17]
    assert snapshots(path.parent / "backups", "desk") == left[-3:]


def test_a_snapshot_is_consistent_while_the_desk_writes(thirty_bookings):
    database, path = thirty_bookings
    with database.session() as db:
        session = make_session(db, "LAN-1903", "Lancaster Town Hall")
        book(db, session, "Mid", "Snapshot")
        db.flush()  # an open write transaction while the snapshot is taken
        taken = snapshot(database, now=T0)
        db.commit()
    assert delegates_in(taken) == 30
    assert delegates_in(path) == 31


def test_the_newest_good_backup_skips_damaged_ones(thirty_bookings):
    database, path = thirty_bookings
    folder = path.parent / "backups"
    good = snapshot(database, now=T0)
    newer = snapshot(database, now=T0 + timedelta(minutes=10))
    os.utime(good, (time.time() - 600, time.time() - 600))
    damage(newer)
    (folder / "desk-auto-20990101-000000.sqlite3").write_bytes(b"not a database at all")
    found = newest_good_backup(path)
    assert found is not None and found.path == good
    assert newest_good_backup(path.parent / "other.sqlite3") is None


def test_times_are_said_as_a_person_would():
    now = datetime(2026, 3, 12, 15, 0)
    assert describe_time(datetime(2026, 3, 12, 10, 40), now) == "10:40 today"
    assert describe_time(datetime(2026, 3, 11, 16, 5), now) == "16:05 yesterday"
    assert describe_time(datetime(2026, 3, 2, 9, 0), now) == "09:00 on Mon 02 Mar 2026"


def test_a_damaged_database_is_refused_at_open_with_its_path(thirty_bookings):
    database, path = thirty_bookings
    database.dispose()
    damage(path)
    with pytest.raises(DatabaseError) as refused:
        open_database(path)
    assert refused.value.path == path
    assert "damaged" in str(refused.value) or "malformed" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_restore_over_a_damaged_file_keeps_it_aside_and_leaves_no_stale_journal(thirty_bookings):
    database, path = thirty_bookings
    good = snapshot(database, now=T0)
    with database.session() as db:
        book(db, make_session(db, "LAN-1903", "Lancaster Town Hall"), "After", "Backup")
        db.commit()
    database.dispose()
    damage(path)
    Path(str(path) + "-wal").write_bytes(b"stale journal")
    kept = restore_file(path, good)
    assert kept is not None and kept.name.endswith(".damaged") and kept.exists()
    assert not Path(str(path) + "-wal").exists()
    reopened = open_database(path)
    with reopened.session() as db:
        assert [s.code for s in session_summaries(db)] == ["PRE-0312"]
    reopened.dispose()
    with pytest.raises(UsageError, match="not a readable database|damaged"):
        restore_file(path, kept)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "checkin.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_the_command_line_names_the_newest_good_backup_and_the_command_that_restores_it(thirty_bookings):
    database, path = thirty_bookings
    older = snapshot(database, now=T0)
    os.utime(older, (time.time() - 3600, time.time() - 3600))
    newest = snapshot(database, now=T0 + timedelta(minutes=10))
    database.dispose()
    damage(path)
    result = run_cli("--db", str(path), "sessions")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert message.startswith("checkin: The database") and str(newest) in message
    assert "today" in message and f"restore {newest}" in message
    restored = run_cli("--db", str(path), "restore", str(newest))
    assert restored.returncode == 0, restored.stderr
    assert "kept at" in restored.stdout
    listed = run_cli("--db", str(path), "sessions")
    assert listed.returncode == 0 and "PRE-0312" in listed.stdout


def test_the_command_line_says_when_there_is_no_backup(tmp_path):
    path = tmp_path / "lonely.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8000)
    result = run_cli("--db", str(path), "sessions")
    assert result.returncode == 2
    assert "no backup" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# -- the app ----------------------------------------------------------------------------------------


def test_the_app_offers_the_newest_good_backup_and_restores_it(thirty_bookings, qtbot, monkeypatch):
    database, path = thirty_bookings
    newest = snapshot(database, now=T0)
    database.dispose()
    damage(path)
    asked: list[str] = []

    def answer_yes(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer_yes))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: pytest.fail(f"critical: {a}")))
    opened = open_or_offer_restore(str(path))
    assert opened is not None
    assert len(asked) == 1 and "Restore the backup from" in asked[0] and "today?" in asked[0]
    assert str(newest) in asked[0]
    with opened.session() as db:
        assert session_summaries(db)[0].booked == 30
    opened.dispose()


def test_the_app_says_no_restore_when_refused(thirty_bookings, qtbot, monkeypatch):
    database, path = thirty_bookings
    snapshot(database, now=T0)
    database.dispose()
    damage(path)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.No))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, _t, text: said.append(text)))
    assert open_or_offer_restore(str(path)) is None
    assert said and "checkin restore" in said[0]
    with pytest.raises(DatabaseError):
        open_database(path)  # nothing was changed


def test_the_window_snapshots_on_its_timer_and_when_it_closes(tmp_path, qtbot):
    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
    window, scanner = build_window(
        database, Settings(tmp_path / "settings.json"), "door-1", summary.first_session_code
    )
    qtbot.addWidget(window)
    timer = window.snapshots
    assert isinstance(timer, SnapshotTimer) and timer.timer.isActive()
    assert timer.timer.interval() == 10 * 60 * 1000
    timer.snapshot_in_background()
    qtbot.waitUntil(lambda: len(timer.taken) == 1, timeout=10000)
    time.sleep(1.1)  # snapshot names are to the second
    window.close()
    assert len(timer.taken) == 2 and not timer.timer.isActive()
    for taken in timer.taken:
        check_backup(taken)
    QApplication.instance().removeEventFilter(scanner)
    QApplication.instance().removeEventFilter(window.idle_lock)
    database.dispose()


def test_back_up_now_from_the_settings_view(tmp_path, qtbot):
    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
    window, scanner = build_window(
        database, Settings(tmp_path / "settings.json"), "door-1", summary.first_session_code
    )
    qtbot.addWidget(window)
    box = window.views["Settings"].data_box
    box.back_up()
    qtbot.waitUntil(lambda: "Backup written" in box.message.text(), timeout=10000)
    written = Path(box.message.text().split("to ", 1)[1])
    check_backup(written)
    QApplication.instance().removeEventFilter(scanner)
    QApplication.instance().removeEventFilter(window.idle_lock)
    window.snapshots.timer.stop()
    database.dispose()


def test_restore_from_the_settings_view_needs_the_pin_and_a_yes(tmp_path, qtbot, monkeypatch):
    from checkin.desk.pin import set_pin
    from ui.base.pin import PinDialog

    database = open_database(tmp_path / "desk.sqlite3")
    with database.session() as db:
        summary = create_demo(db)
        db.commit()
    before = backup_to(database, tmp_path / "before.sqlite3")
    with database.session() as db:
        make_session(db, "EXTRA-1", "Somewhere Hall")
        db.commit()
    settings = Settings(tmp_path / "settings.json")
    set_pin(settings, "246810")
    window, scanner = build_window(database, settings, "door-1", summary.first_session_code)
    qtbot.addWidget(window)
    box = window.views["Settings"].data_box

    def pin_entered(dialog):
        dialog.submit("246810")
        return int(dialog.result())

    monkeypatch.setattr(PinDialog, "exec", pin_entered)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.No))
    assert not box.restore(before)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Yes))
    assert box.restore(before) and "Restored" in box.message.text()
    with database.session() as db:
        assert "EXTRA-1" not in [s.code for s in session_summaries(db)]
    QApplication.instance().removeEventFilter(scanner)
    QApplication.instance().removeEventFilter(window.idle_lock)
    window.snapshots.timer.stop()
    database.dispose()
