"""Hear at once when another desk sends changes: LISTEN on the programme's channel, on a connection of its own.

The hub's change log notifies its programme's channel whenever changes are committed (hub migration h002);
the notification says only "something changed", and the desk then pulls as usual. The listener runs in
a thread with one dedicated connection, separate from the connection rounds use, because a listening
connection must stay open and idle between notifications. When that connection is lost the listener
says so (the desk falls back to polling) and reconnects with back-off; every reconnection is followed by
a pull, since notifications sent while nobody listened are gone. A connection that went quiet without
closing (a router that drops packets silently) is found by a `SELECT 1` every `keepalive_s` and by the
kernel's TCP keepalives and user timeout, which end it instead of waiting for ever.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from sqlalchemy.engine import make_url

from checkin.domain.clock import utc_now
from checkin.sync.hub import password_for_hub

log = logging.getLogger(__name__)

#: The listener's states.
CONNECTING = "connecting"
LIVE = "live"
#: The listening connection is lost (or could not be made): the desk polls until it is back.
DOWN = "down"
#: The hub is reachable but has no notifications (its tables predate h002: run `checkin hub init`).
NOT_OFFERED = "not offered"

KEEPALIVE_S = 10.0
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 30.0
CONNECT_TIMEOUT_S = 5
#: How often the waiting thread looks up to see whether it should stop.
_TICK_S = 0.25


@dataclass(frozen=True)
class Hearing:
    """What the listener is doing, for the status indicator; plain values."""

    state: str = CONNECTING
    #: When the listening connection was lost (UTC), while DOWN.
    since: datetime | None = None
    #: Why, in the user's words ("" while live).
    problem: str = ""


def listener_conninfo(url: str) -> str:
    """The libpq connection string for a hub URL (SQLAlchemy's `postgresql+psycopg://...`), with the
    password from the keyring when the URL has none, as rounds connect."""
    parsed = make_url(password_for_hub(url))
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def listener_backoff_s(failures: int, base_s: float = BACKOFF_BASE_S, max_s: float = BACKOFF_MAX_S) -> float:
    """Wait before reconnecting after `failures` failed attempts in a row: 1 s, 2, 4, 8, 16, then 30 s."""
    return float(min(base_s * 2 ** max(failures - 1, 0), max_s))


class HubListener:
    """One background thread holding one LISTEN connection to the hub; calls `on_change` (from that thread)
    on every notification and after every (re)connection, and `on_state` whenever its Hearing changes."""

    def __init__(
        self,
        url: str,
        on_change: Callable[[], None],
        on_state: Callable[[Hearing], None],
        *,
        keepalive_s: float = KEEPALIVE_S,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_max_s: float = BACKOFF_MAX_S,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.url = url
        self.on_change = on_change
        self.on_state = on_state
        self.keepalive_s = keepalive_s
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.clock = clock
        self.hearing = Hearing()
        #: The hub's process id for the listening connection while live (tests end it to cut the line).
        self.backend_pid: int | None = None
        #: The hub's process ids of this desk's own sync connections: their notices are this desk's own
        #: pushes coming back, and are not acted on.
        self.own_connections: set[int] = set()
        #: Connections made so far, and every back-off wait chosen (seconds).
        self.connections = 0
        self.backoff_history: list[float] = []
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="hub-listener", daemon=True)
        self._thread.start()

    def stop(self, wait_s: float = 0.0) -> None:
        """Ask the thread to end (it does within a quarter of a second); wait up to `wait_s` for it."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None and wait_s:
            self._thread.join(wait_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def retry_now(self) -> None:
        """Reconnect at once instead of waiting the back-off out (the user pressed "Sync now")."""
        self._wake.set()

    # -- the thread ---------------------------------------------------------------------------------

    def _say(self, hearing: Hearing) -> None:
        if hearing != self.hearing:
            self.hearing = hearing
            if not self._stopping.is_set():  # after stop() its owner may be gone
                self.on_state(hearing)

    def _changed(self) -> None:
        if not self._stopping.is_set():
            self.on_change()

    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                # The password comes from the keyring on each attempt: one corrected meanwhile is used.
                conninfo = listener_conninfo(self.url)
                self._listen(conninfo)
                failures = 0  # ended by stop()
            except _NotOffered:
                failures = 0
                self.backend_pid = None
                self._say(Hearing(NOT_OFFERED, problem="This hub does not send live updates."))
                self._pause(self.backoff_max_s)
            except (psycopg.Error, OSError, ValueError) as error:
                self.backend_pid = None
                failures += 1
                since = self.hearing.since if self.hearing.state == DOWN else self.clock()
                log.info("hub listener connection lost or refused (%s)", type(error).__name__)
                self._say(Hearing(DOWN, since=since, problem="Live updates from the hub are off."))
                delay = listener_backoff_s(failures, self.backoff_base_s, self.backoff_max_s)
                self.backoff_history.append(delay)
                self._pause(delay)

    def _pause(self, seconds: float) -> None:
        self._wake.clear()
        self._wake.wait(seconds)

    def _listen(self, conninfo: str) -> None:
        with psycopg.connect(
            conninfo,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="checkin-listener",
            # A line gone dead without a word: the kernel probes an idle connection after 5 s and gives
            # up after 3 unanswered probes, and drops one whose sent data stays unacknowledged for 10 s.
            keepalives=1,
            keepalives_idle=5,
            keepalives_interval=2,
            keepalives_count=3,
            tcp_user_timeout=10_000,
        ) as connection:
            try:
                channel = connection.execute("SELECT hub_channel()").fetchone()
            except pg_errors.UndefinedFunction:
                raise _NotOffered from None
            assert channel is not None
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel[0])))
            self.backend_pid = connection.info.backend_pid
            self.connections += 1
            self._say(Hearing(LIVE))
            self._changed()  # catch up with what was sent while nobody listened
            checked = time.monotonic()
            while not self._stopping.is_set():
                for notice in connection.notifies(timeout=_TICK_S, stop_after=1):
                    if notice.pid not in self.own_connections:
                        self._changed()
                if time.monotonic() - checked >= self.keepalive_s:
                    connection.execute("SELECT 1")  # raises when the line went quiet and was dropped
                    checked = time.monotonic()
        self.backend_pid = None


class _NotOffered(Exception):
    """The hub has no hub_channel(): its tables predate live updates."""


__all__ = [
    "CONNECTING",
    "DOWN",
    "LIVE",
    "NOT_OFFERED",
    "Hearing",
    "HubListener",
    "listener_backoff_s",
    "listener_conninfo",
]
