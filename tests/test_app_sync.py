"""The app syncs by itself: two desk windows, two SQLite files, one real PostgreSQL hub.

A scan at one desk shows at the other without anyone pressing anything, because the hub tells the other
desk at once (LISTEN/NOTIFY); when that live connection is cut the desk polls and reconnects; a desk that
cannot reach its hub says so, keeps admitting at once and backs off; duplicate admissions made while
apart are listed for a supervisor; closing the window stops the sync.
"""

import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from tests_support import booked_people, demo_through_hub, pin_dialog_enters

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checkin.desk.bookings import session_by_code
from checkin.desk.pin import set_pin
from checkin.desk.scanning import record_scan
from checkin.domain.decide import OutcomeCode
from checkin.settings import Settings
from checkin.sync.hub import KEYRING_SERVICE, pending_changes, sync_round
from checkin.sync.listener import DOWN, LIVE, NOT_OFFERED, Hearing, listener_conninfo
from ui.settings.hub_settings import split_password
from ui.shell.app import build_window
from ui.sync import service as sync_service
from ui.sync.service import backoff_delay_ms, has_hub_password, store_hub_password
from ui.sync.status import status_tooltip, status_words

UNREACHABLE = "postgresql://desk@127.0.0.1:9/checkin"
PIN = "246810"


class Desks:
    """Windows opened in a test, closed (sync stopped) before their databases go."""

    def __init__(self, qtbot, tmp_path):
        self.qtbot, self.tmp_path = qtbot, tmp_path
        self.opened = []

    def open(self, database, desk, code, hub_url, **timings):
        """A desk window syncing with `hub_url`; `timings` set the sync service's intervals (such as
        `pull_interval_ms`) before its first round."""
        settings = Settings(self.tmp_path / f"{desk}-settings.json")
        settings.set("hub_url", "" if timings else hub_url)
        window, scanner = build_window(database, settings, desk, code)
        self.qtbot.addWidget(window)
        window.show()
        self.opened.append((window, scanner))
        if timings:
            for name, value in timings.items():
                setattr(window.sync, name, value)
            settings.set("hub_url", hub_url)
            window.sync.reconfigure()
        return window

    def close_all(self):
        for window, scanner in self.opened:
            QApplication.instance().removeEventFilter(scanner)
            window.close()


@pytest.fixture
def desks(qtbot, tmp_path):
    """Opens desk windows for the test (`desks.open(...)`) and closes them before their databases go."""
    opened = Desks(qtbot, tmp_path)
    yield opened
    opened.close_all()


@pytest.fixture
def hub_desks(tmp_path, pg_database_url):
    """Desk A holds the demo programme and published it; desk B, empty, synced once."""
    first, second, code = demo_through_hub(tmp_path, pg_database_url)
    yield first, second, pg_database_url, code
    first.dispose()
    second.dispose()


def online(window):
    return window.sync_indicator.text() == "● Live"


def test_a_scan_at_one_desk_shows_at_the_other_without_anyone_syncing(hub_desks, desks, qtbot):
    first, second, hub, code = hub_desks
    door1 = desks.open(first, "door-1", code, hub)
    door2 = desks.open(second, "door-2", code, hub)
    qtbot.waitUntil(lambda: online(door1) and online(door2), timeout=10_000)
    assert door2.sync_indicator.text() == "● Live"
    qtbot.waitUntil(lambda: not door2.counting)  # the count is read in the background
    assert door2.counts.text().startswith("Checked in 0 of")

    person = booked_people(first, code)[0]
    assert door1.desk_view.scan(person.badge_code).outcome.code is OutcomeCode.ADMITTED
    # How fast is the benchmark's propagation_p95_s; here only that it arrives.
    qtbot.waitUntil(lambda: door2.counts.text().startswith("Checked in 1 of"), timeout=10_000)
    # …and the other way, into the dashboard and roster of the first desk too.
    other = booked_people(second, code)[1]
    door2.desk_view.scan(other.badge_code)
    qtbot.waitUntil(lambda: door1.counts.text().startswith("Checked in 2 of"), timeout=10_000)
    qtbot.waitUntil(lambda: door1.sync.state.pending == 0 and door2.sync.state.pending == 0, timeout=5_000)
    tooltip = door2.sync_indicator.toolTip()
    assert (
        "Hub: postgresql+psycopg://postgres@127.0.0.1:" in tooltip
        and "Waiting to be sent: 0 changes" in tooltip
    )


def scan_elsewhere(database, code, badge, hub):
    """Another desk (no window: the core functions) admits `badge` and sends it to the hub."""
    with database.session() as db:
        record_scan(db, badge, session_by_code(db, code), desk="door-9")
        db.commit()
    sync_round(database, hub)


#: Longer than any test waits: a change that arrives came through the notification, not a poll.
NEVER_MS = 600_000


def test_a_change_sent_by_another_desk_is_fetched_because_the_hub_announced_it(hub_desks, desks, qtbot):
    first, second, hub, code = hub_desks
    door2 = desks.open(second, "door-2", code, hub, pull_interval_ms=NEVER_MS, live_check_ms=NEVER_MS)
    qtbot.waitUntil(lambda: online(door2) and not door2.sync.in_flight, timeout=10_000)
    assert door2.counts.text().startswith("Checked in 0 of")
    assert "Live: other desks' scans arrive as soon as they are sent." in door2.sync_indicator.toolTip()
    rounds = door2.sync.rounds

    scan_elsewhere(first, code, booked_people(first, code)[0].badge_code, hub)
    qtbot.waitUntil(lambda: door2.counts.text().startswith("Checked in 1 of"), timeout=10_000)
    assert door2.sync.rounds > rounds  # a round nobody asked for and no timer started


def terminate(hub, pid):
    """Ends one connection at the hub, as a restarted router or a crashed proxy would."""
    import psycopg

    with psycopg.connect(listener_conninfo(hub), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


def test_when_the_live_connection_is_cut_the_desk_polls_and_listens_again(hub_desks, desks, qtbot):
    first, second, hub, code = hub_desks
    door2 = desks.open(
        second,
        "door-2",
        code,
        hub,
        pull_interval_ms=1000,
        live_check_ms=NEVER_MS,
        listener_backoff_base_s=3600.0,  # no reconnection by itself in this first part
    )
    indicator = door2.sync_indicator
    qtbot.waitUntil(lambda: online(door2), timeout=10_000)
    listener = door2.sync.listener
    cut_pid = listener.backend_pid

    terminate(hub, cut_pid)
    qtbot.waitUntil(lambda: indicator.text() == "● Online — checking every 1 s", timeout=10_000)
    assert re.search(r"Live updates are off since \d\d:\d\d", indicator.toolTip())
    people = booked_people(first, code)
    scan_elsewhere(first, code, people[0].badge_code, hub)
    # Only the poll can bring it: the listener waits an hour before trying again.
    qtbot.waitUntil(lambda: door2.counts.text().startswith("Checked in 1 of"), timeout=10_000)
    assert listener.hearing.state == DOWN and listener.connections == 1

    # "Sync now" reconnects at once; the hub is heard from again.
    indicator.sync_now_action.trigger()
    qtbot.waitUntil(lambda: listener.connections == 2 and online(door2), timeout=10_000)
    assert listener.backend_pid not in (None, cut_pid)

    # With the ordinary back-off it reconnects by itself, and catches up with what it missed meanwhile.
    listener.backoff_base_s = 0.2
    door2.sync.pull_interval_ms = NEVER_MS
    terminate(hub, listener.backend_pid)
    qtbot.waitUntil(lambda: listener.hearing.state == DOWN, timeout=10_000)
    scan_elsewhere(first, code, people[1].badge_code, hub)
    qtbot.waitUntil(lambda: listener.connections == 3 and online(door2), timeout=10_000)
    qtbot.waitUntil(lambda: door2.counts.text().startswith("Checked in 2 of"), timeout=10_000)


def test_never_more_than_one_round_at_a_time(hub_desks, desks, qtbot, monkeypatch):
    first, _second, hub, code = hub_desks
    active, most = [0], [0]
    lock = threading.Lock()
    real_round = sync_service.SyncService._round  # on the thread pool: it waits for the worker process

    def counted_round(self, *args, **kwargs):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            time.sleep(0.05)  # a slow hub widens any window for overlap
            return real_round(self, *args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(sync_service.SyncService, "_round", counted_round)
    door1 = desks.open(first, "door-1", code, hub)
    # The first round starts the rounds' worker process (a second or so): scans come once it is up.
    qtbot.waitUntil(lambda: online(door1), timeout=20_000)
    for person in booked_people(first, code)[:8]:
        door1.desk_view.scan(person.badge_code)
        door1.sync.sync_now()
        qtbot.wait(40)
    qtbot.waitUntil(lambda: door1.sync.state.pending == 0 and not door1.sync.in_flight, timeout=10_000)
    assert most[0] == 1
    assert door1.sync.rounds >= 3


def hanging_round(_progress, database_address: str, *_args: object) -> None:
    """A round that hangs on the hub, in the rounds' worker process: it says so with a file beside the
    desk's database, and waits for the test to let it go (another file)."""
    from sqlalchemy.engine import make_url

    beside = Path(make_url(database_address).database)
    beside.with_suffix(".hung").touch()
    let_go, until = beside.with_suffix(".go"), time.monotonic() + 60
    while not let_go.exists() and time.monotonic() < until:
        time.sleep(0.01)
    raise RuntimeError("the hub never answered")


def test_a_scan_is_admitted_while_a_sync_round_hangs_on_the_hub(demo_programme, desks, qtbot, monkeypatch):
    """The hub stops answering in the middle of a round: the desk still admits, at once, because no
    scan waits for the hub (if it did, this scan would only return after the hung round let go)."""
    database, code = demo_programme
    beside = Path(database.engine.url.database)
    hung, let_go = beside.with_suffix(".hung"), beside.with_suffix(".go")
    monkeypatch.setattr(sync_service, "round_in_process", hanging_round)
    window = desks.open(database, "door-1", code, UNREACHABLE)
    qtbot.waitUntil(hung.exists, timeout=20_000)
    try:
        result = window.desk_view.scan(booked_people(database, code)[0].badge_code)
        assert result.outcome.code is OutcomeCode.ADMITTED
        qtbot.waitUntil(lambda: window.counts.text().startswith("Checked in 1 of"))
        assert window.sync.in_flight and not let_go.exists()  # the round is still hanging
    finally:
        let_go.touch()
    qtbot.waitUntil(lambda: not window.sync.in_flight, timeout=10_000)


def test_an_unreachable_hub_shows_offline_and_the_desk_still_admits_at_once(demo_programme, desks, qtbot):
    database, code = demo_programme
    window = desks.open(database, "door-1", code, UNREACHABLE)
    indicator = window.sync_indicator
    qtbot.waitUntil(lambda: indicator.text().startswith("⚠ Offline"), timeout=10_000)
    assert re.fullmatch(
        r"⚠ Offline since \d\d:\d\d — [\d,]+ changes waiting \(retrying in \d+ s\)", indicator.text()
    )
    assert "cannot be reached now" in indicator.toolTip()  # the HubError, in the user's words
    assert "Waiting to be sent:" in indicator.toolTip()
    before = window.sync.state.pending

    person = booked_people(database, code)[0]
    result = window.desk_view.scan(person.badge_code)
    assert result.outcome.code is OutcomeCode.ADMITTED
    qtbot.waitUntil(lambda: window.counts.text().startswith("Checked in 1 of"))
    assert window.sync.state.pending > before
    with database.session() as db:
        assert window.sync.state.pending == pending_changes(db)
    assert f"{window.sync.state.pending:,} changes waiting" in indicator.text()


def test_back_off_grows_to_its_cap_and_sync_now_starts_it_again(demo_programme, desks, qtbot):
    assert [backoff_delay_ms(n) for n in range(1, 9)] == [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]
    database, code = demo_programme
    window = desks.open(database, "door-1", code, UNREACHABLE)
    service = window.sync
    qtbot.waitUntil(lambda: service.state.online is False, timeout=10_000)
    assert service.backoff_history[0] == 2000
    service.backoff_base_ms, service.backoff_max_ms = 100, 800  # the same rule, quicker
    service.backoff_history.clear()
    service.retry_now()
    qtbot.waitUntil(lambda: len(service.backoff_history) >= 6, timeout=10_000)
    assert service.backoff_history[:6] == [100, 200, 400, 800, 800, 800]
    # While waiting, no round is in flight and the next try is scheduled, not hammered.
    rounds = service.rounds
    service.backoff_base_ms = service.backoff_max_ms = 60_000
    qtbot.waitUntil(lambda: not service.in_flight and service.backoff_history[-1] == 60_000, timeout=5_000)
    qtbot.wait(300)
    assert service.rounds <= rounds + 1
    assert (
        "retrying in 60 s" in window.sync_indicator.text()
        or "retrying in 59 s" in window.sync_indicator.text()
    )
    # "Sync now" (the indicator's menu) tries at once instead of waiting the minute out.
    rounds = service.rounds
    window.sync_indicator.sync_now_action.trigger()
    assert service.rounds == rounds + 1 and service.in_flight
    qtbot.waitUntil(lambda: not service.in_flight, timeout=10_000)
    assert service.failures == 1


def test_duplicates_made_while_apart_are_listed_on_both_desks_after_sync_resumes(hub_desks, desks, qtbot):
    first, second, hub, code = hub_desks
    door1 = desks.open(first, "door-1", code, hub)
    door2 = desks.open(second, "door-2", code, hub)
    qtbot.waitUntil(lambda: online(door1) and online(door2), timeout=10_000)
    door1.sync.stop()
    door2.sync.stop()
    assert door1.sync_indicator.text() == "○ Sync paused"
    person = booked_people(first, code)[2]
    assert door2.desk_view.scan(person.badge_code).outcome.code is OutcomeCode.ADMITTED  # first, at door 2
    time.sleep(0.01)
    assert (
        door1.desk_view.scan(person.badge_code).outcome.code is OutcomeCode.ADMITTED
    )  # apart: door 1 can't know
    qtbot.wait(600)
    for window in (door1, door2):
        assert window.views["Duplicates"].duplicates == []
        assert not window.duplicates_badge.isVisible()

    door1.sync.start()
    door2.sync.start()
    for window in (door1, door2):
        view = window.views["Duplicates"]
        qtbot.waitUntil(lambda view=view: len(view.duplicates) == 1, timeout=15_000)
        [duplicate] = view.duplicates
        assert duplicate.delegate.last_name == person.last_name
        assert [e.desk for e in duplicate.events] == ["door-2", "door-1"]  # the earlier counts
        assert window.duplicates_badge.isVisible() and window.duplicates_badge.text() == "⚠ 1 duplicate"
        assert view.badge.text() == "1 duplicate"
        top = view.tree.topLevelItem(0)
        assert person.last_name in top.text(0)
        assert [top.child(i).text(2) for i in range(top.childCount())] == ["door-2", "door-1"]
        assert top.child(0).text(4).startswith("✔ counts")
        qtbot.waitUntil(
            lambda window=window: window.counts.text().startswith("Checked in 1 of"), timeout=5_000
        )

    door1.duplicates_badge.click()
    assert door1.stack.currentWidget() is door1.views["Duplicates"]


def test_closing_the_window_stops_the_sync(hub_desks, desks, qtbot):
    first, _second, hub, code = hub_desks
    window = desks.open(first, "door-1", code, hub)
    qtbot.waitUntil(lambda: online(window), timeout=10_000)
    service = window.sync
    service.sync_now()  # a round in flight as the window closes
    window.close()
    assert not service.in_flight
    assert service.state.stopped
    assert not service._next_round.isActive() and not service._debounce.isActive()
    assert service._round_done.is_set()  # the worker had finished when close returned
    assert service._worker is None  # its worker process ended, and with it the hub's connections
    assert service.listener is None
    rounds = service.rounds
    qtbot.wait(2_500)  # longer than a pull interval: nothing starts again
    assert service.rounds == rounds


def test_a_desk_without_a_hub_says_it_works_alone(demo_programme, desks, qtbot):
    database, code = demo_programme
    window = desks.open(database, "door-1", code, "")
    assert window.sync_indicator.text() == "○ No hub (this desk works alone)"
    assert "Settings" in window.sync_indicator.toolTip()
    assert not window.sync.in_flight
    assert not window.sync_indicator.sync_now_action.isEnabled()


def test_status_words_for_each_state():
    from dataclasses import replace

    from checkin.domain.clock import utc_now
    from ui.sync.service import SyncState

    base = SyncState(hub="postgresql://desk@hub/checkin", stopped=False)
    assert status_words(base)[0] == "◌ Connecting to the hub…"
    offline = replace(base, online=False, pending=12, retry_at=100.0)
    assert status_words(offline, now=92.0)[0] == "⚠ Offline — 12 changes waiting (retrying in 8 s)"
    assert (
        status_words(replace(offline, pending=1), now=92.0)[0]
        == "⚠ Offline — 1 change waiting (retrying in 8 s)"
    )
    # 10:42 UTC on a winter day is 10:42 in the UK (the suite's zone).
    gone = replace(offline, offline_since=datetime(2026, 12, 2, 10, 42, 5, tzinfo=UTC))
    assert status_words(gone, now=92.0)[0].startswith("⚠ Offline since 10:42")
    polling = replace(base, online=True, last_synced=utc_now())
    text, look = status_words(polling)
    assert text == "● Online — checking every 2 s" and look[1] == "#1b6e3a"
    assert "Connecting for live updates" in status_tooltip(polling)
    live = replace(polling, hearing=Hearing(LIVE))
    assert status_words(live)[0] == "● Live"
    assert status_words(replace(live, pending=3))[0] == "● Catching up — sending 3 changes"
    assert status_words(replace(live, running=True, receiving=True))[0] == "● Catching up — receiving"
    assert status_words(replace(live, running=True))[0] == "● Live"  # a routine check is not news
    cut = replace(polling, hearing=Hearing(DOWN, since=datetime(2026, 12, 2, 10, 42, tzinfo=UTC)))
    assert "Live updates are off since 10:42" in status_tooltip(cut)
    assert "checkin hub init" in status_tooltip(replace(polling, hearing=Hearing(NOT_OFFERED)))
    assert status_words(SyncState())[0] == "○ No hub (this desk works alone)"


# ---- the Hub settings ----------------------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self):
        super().__init__()
        self.store = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_saving_the_hub_needs_the_pin_and_keeps_the_password_in_the_keyring(
    demo_programme, desks, qtbot, monkeypatch, memory_keyring
):
    database, code = demo_programme
    window = desks.open(database, "door-1", code, "")
    settings = window.context.settings
    set_pin(settings, PIN)
    view = window.views["Settings"]
    view.hub_box.url.setText("postgresql://desk:s3cret-in-url@127.0.0.1:9/checkin?sslmode=require")
    view.hub_box.password.setText("typed-secret")
    pin_dialog_enters(monkeypatch, "000000")
    assert not view.save()
    assert settings.get("hub_url") == ""
    pin_dialog_enters(monkeypatch, PIN)
    assert view.save()
    assert settings.get("hub_url") == "postgresql://desk@127.0.0.1:9/checkin?sslmode=require"
    assert memory_keyring.store == {(KEYRING_SERVICE, "desk@127.0.0.1:9"): "typed-secret"}
    on_disk = settings.path.read_text(encoding="utf-8")
    assert "secret" not in on_disk
    assert "keyring" in view.hub_box.message.text()
    # The window's sync picked the new hub up at once, and tells the user it cannot reach it.
    qtbot.waitUntil(lambda: window.sync_indicator.text().startswith("⚠ Offline"), timeout=10_000)
    assert "secret" not in window.sync_indicator.toolTip()
    assert "127.0.0.1:9" in window.sync_indicator.toolTip()


def test_without_a_keyring_the_password_is_kept_for_this_run_only(tmp_path):
    url = "postgresql://desk@hub.example.org:5432/checkin"
    before = keyring.get_keyring()
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    try:
        assert store_hub_password(url, "pw") is False
        assert has_hub_password(url) == "memory"
        assert sync_service.connect_url(url) == "postgresql://desk:pw@hub.example.org:5432/checkin"
    finally:
        sync_service._passwords_this_run.clear()
        keyring.set_keyring(before)
    assert split_password("postgresql://a:b@h/d") == ("postgresql://a@h/d", "b")


def test_test_connection_runs_in_the_background_and_says_ok_or_why_not(hub_desks, desks, qtbot):
    first, _second, hub, code = hub_desks
    window = desks.open(first, "door-1", code, "")
    box = window.views["Settings"].hub_box
    box.url.setText(hub)
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    assert not box.test_button.isEnabled()  # running in the background, the window stays live
    qtbot.waitUntil(lambda: box.message.text().startswith("✔"), timeout=10_000)
    assert "Connected" in box.message.text()
    box.url.setText(UNREACHABLE)
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.message.text().startswith("✖"), timeout=10_000)
    assert "cannot be reached now" in box.message.text()
    box.url.setText("mysql://desk@somewhere/db")
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    assert "must be PostgreSQL" in box.message.text()
