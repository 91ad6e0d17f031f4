"""The hub tells listening desks at once that changes arrived (no Qt: the core listener and a real hub)."""

import threading

import psycopg
import pytest
from sqlalchemy import func, select
from tests_support import booked_people, demo_through_hub

from checkin.desk.bookings import session_by_code
from checkin.desk.scanning import record_scan
from checkin.store.models import CheckinEvent, Outbox
from checkin.sync.hub import init_hub, sync_round
from checkin.sync.listener import DOWN, LIVE, NOT_OFFERED, HubListener, listener_backoff_s, listener_conninfo


class Ears:
    """What a listener told the desk: each "changes arrived", and each state it passed through."""

    def __init__(self):
        self.changes = 0
        self.states = []
        self.heard = threading.Event()
        self._lock = threading.Lock()

    def change(self):
        with self._lock:
            self.changes += 1
        self.heard.set()

    def state(self, hearing):
        self.states.append(hearing.state)


@pytest.fixture
def two_desks(tmp_path, pg_database_url):
    """The demo programme at a first desk, published to the hub; a second desk that pulled it."""
    first, second, code = demo_through_hub(tmp_path, pg_database_url)
    yield first, second, pg_database_url, code
    first.dispose()
    second.dispose()


def scan(database, code, index):
    """Admits the `index`th booked person at this desk; returns their badge code."""
    badge = booked_people(database, code)[index].badge_code
    with database.session() as db:
        record_scan(db, badge, session_by_code(db, code), desk="door-1")
        db.commit()
    return badge


def admissions(database):
    with database.session() as db:
        return db.scalar(select(func.count()).select_from(CheckinEvent))


@pytest.fixture
def listening(two_desks):
    """A listener for the second desk, started; stopped after the test."""
    organiser, other, hub, code = two_desks
    ears = Ears()
    listener = HubListener(hub, ears.change, ears.state, backoff_base_s=0.2, backoff_max_s=0.5)
    listener.start()
    yield organiser, other, hub, code, listener, ears
    listener.stop(wait_s=2)
    assert not listener.running


def wait_for(condition, seconds=10.0):
    ended = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        ended.wait(0.05)
    return condition()


def hub_admin(hub):
    return psycopg.connect(listener_conninfo(hub), autocommit=True)


def test_a_push_from_another_desk_is_announced_and_a_resend_is_not(listening):
    organiser, other, hub, code, listener, ears = listening
    assert wait_for(lambda: listener.hearing.state == LIVE)
    assert wait_for(lambda: ears.changes == 1)  # the catch-up call on connecting
    ears.heard.clear()

    scan(organiser, code, 0)
    with organiser.session() as db:
        sent = list(db.scalars(select(Outbox)))
    sync_round(organiser, hub)
    assert ears.heard.wait(10)
    assert wait_for(lambda: ears.changes == 2)
    sync_round(other, hub)
    assert admissions(other) == 1

    # The same changes sent again (their reply was lost) add nothing to the log: nobody is woken.
    with organiser.session() as db:
        for row in sent:
            db.merge(row)
        db.commit()
    with hub_admin(hub) as ear:
        channel = ear.execute("SELECT hub_channel()").fetchone()[0]
        ear.execute(psycopg.sql.SQL("LISTEN {}").format(psycopg.sql.Identifier(channel)))
        sync_round(organiser, hub)
        with hub_admin(hub) as admin:  # committed after the resend: heard after anything it announced
            admin.execute("SELECT pg_notify(hub_channel(), 'marker')")
        heard = [n.payload for n in ear.notifies(timeout=10, stop_after=1)]
    assert heard == ["marker"]


def test_a_cut_connection_is_said_and_the_listener_comes_back(listening):
    _organiser, _other, hub, _code, listener, ears = listening
    assert wait_for(lambda: listener.hearing.state == LIVE)
    cut = listener.backend_pid
    with hub_admin(hub) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (cut,))
    assert wait_for(lambda: DOWN in ears.states)
    assert listener.hearing.state in (DOWN, LIVE) and listener.backoff_history[0] == 0.2
    assert wait_for(lambda: listener.hearing.state == LIVE and listener.connections == 2)
    assert listener.backend_pid != cut
    with hub_admin(hub) as admin:  # one listening connection, not one per attempt
        listening_now = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'checkin-listener'"
        ).fetchone()
    assert listening_now == (1,)


def test_a_hub_from_before_live_updates_is_polled_until_hub_init_upgrades_it(two_desks):
    organiser, _other, hub, _code = two_desks
    with hub_admin(hub) as admin:  # the hub as the previous version left it
        admin.execute("DROP TRIGGER hub_change_notify ON hub_change")
        admin.execute("DROP FUNCTION hub_change_notify(), hub_channel()")
        admin.execute("UPDATE hub_alembic_version SET version_num = 'h001'")
    ears = Ears()
    listener = HubListener(hub, ears.change, ears.state, backoff_base_s=0.2, backoff_max_s=600)
    listener.start()
    try:
        assert wait_for(lambda: listener.hearing.state == NOT_OFFERED)
        assert "does not send live updates" in listener.hearing.problem
        init_hub(organiser, hub)  # what docs/sync.md says to run once after updating
        listener.retry_now()
        assert wait_for(lambda: listener.hearing.state == LIVE)
    finally:
        listener.stop(wait_s=2)


def test_reconnection_backs_off_to_its_cap():
    assert [listener_backoff_s(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
