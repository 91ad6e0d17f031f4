"""Background sync for one window: push soon after a local change, pull as soon as the hub says another desk
sent changes (`checkin.sync.listener`), poll every 2 s while the hub cannot say so, back off while the hub
cannot be reached; one round at a time, always off the GUI thread (through `run_op`), and in a worker process
of the service's own (`ui.sync.rounds`), so that merging thousands of changes leaves the window's interpreter
lock free.

The desk never waits for the hub: scans are written locally and land in the outbox; this service only
moves the outbox to the hub and other desks' changes back. After a round that brought changes it emits
`attendance_changed` and `roster_changed`, so counts, lists and the dashboard show other desks' scans.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.engine import make_url

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from checkin.domain.clock import utc_now
from checkin.store.database import Database, address_of
from checkin.sync.hub import KEYRING_SERVICE, SyncReport, password_for_hub, pending_changes
from checkin.sync.listener import BACKOFF_BASE_S, BACKOFF_MAX_S, LIVE, Hearing, HubListener
from ui.base.context import DeskContext
from ui.base.operations import Operation, run_op
from ui.base.processes import CLOSE_WAIT_S, Worker, WorkerStopped
from ui.sync.rounds import RoundResult, round_in_process, shown_url

log = logging.getLogger(__name__)

#: How often to pull while the hub cannot tell this desk of changes (the listener is down): the fallback.
PULL_INTERVAL_MS = 2000
#: How often to pull while listening anyway: a safety net should a notification ever go astray.
LIVE_CHECK_MS = 60_000
#: A scan is sent this long after it was made, so a burst of changes goes in one round.
DEBOUNCE_MS = 50
BACKOFF_BASE_MS = 2000
BACKOFF_MAX_MS = 60_000
STOP_TIMEOUT_S = 6.0

#: Hub passwords typed on a machine without a keyring back end: kept for this run only, never written.
_passwords_this_run: dict[str, str] = {}
#: Rounds still running after their window closed (timed out): kept referenced until they end.
_abandoned: list[Operation] = []


def backoff_delay_ms(failures: int, base_ms: int = BACKOFF_BASE_MS, max_ms: int = BACKOFF_MAX_MS) -> int:
    """Wait before the next try after `failures` failed rounds in a row: 2 s, 4, 8, 16, 32, then 60 s."""
    return min(base_ms * 2 ** max(failures - 1, 0), max_ms)


# ---- the hub's password --------------------------------------------------------------------------


def keyring_account(url: str) -> str:
    """The keyring entry a hub's password is under: "user@host:port" (as `checkin.sync.hub` reads it)."""
    parsed = make_url(url)
    return f"{parsed.username}@{parsed.host}:{parsed.port or 5432}"


def store_hub_password(url: str, password: str) -> bool:
    """Keep the password in the OS keyring; True when it is there. Without a keyring back end it is kept
    in memory for this run only (False), never in settings files or logs."""
    account = keyring_account(url)
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, account, password)
    except Exception as error:  # no back end (keyring.errors.NoKeyringError) or a locked/broken one
        log.info("no usable keyring (%s); the hub password is kept for this run only", type(error).__name__)
        _passwords_this_run[account] = password
        return False
    _passwords_this_run.pop(account, None)
    return True


def has_hub_password(url: str) -> str:
    """Where this hub's password is: "keyring", "memory" or "" (none known)."""
    account = keyring_account(url)
    if account in _passwords_this_run:
        return "memory"
    try:
        import keyring

        if keyring.get_password(KEYRING_SERVICE, account):
            return "keyring"
    except Exception:  # no keyring back end: nothing stored there
        pass
    return ""


def connect_url(url: str) -> str:
    """The URL to connect with: a password kept for this run goes in; else `hub_engine` asks the keyring."""
    parsed = make_url(url)
    remembered = _passwords_this_run.get(keyring_account(url))
    if parsed.password or not remembered:
        return url
    return parsed.set(password=remembered).render_as_string(hide_password=False)


def hub_address(url: str) -> str:
    """The address a round connects with: the password kept for this run, or the keyring's, filled in
    (reading the keyring touches D-Bus: call off the GUI thread). Passed to the rounds' worker process,
    never logged."""
    try:
        return password_for_hub(connect_url(url))
    except Exception:  # not a URL: the round says so, in words
        return url


# ---- the service ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncState:
    """What the status indicator shows; plain values read on the GUI thread."""

    #: The hub's address with the password hidden; "" when this desk has no hub.
    hub: str = ""
    #: None until the first round ends; then whether the last round reached the hub.
    online: bool | None = None
    last_synced: datetime | None = None
    last_report: SyncReport | None = None
    #: Changes made here that the hub does not have yet.
    pending: int = 0
    #: The last round's problem in the user's words ("" after a good round).
    error: str = ""
    #: When the next try is due while offline (time.monotonic()).
    retry_at: float | None = None
    running: bool = False
    stopped: bool = True
    #: When the hub was first found unreachable in the current run of failed rounds (UTC).
    offline_since: datetime | None = None
    #: What the listener does (`checkin.sync.listener.Hearing`): live, down, connecting, not offered.
    hearing: Hearing = Hearing()
    #: A round is fetching changes the hub announced (or this desk has not caught up since connecting).
    receiving: bool = False
    #: The fallback poll's interval, in seconds, for the words "checking every N s".
    poll_every_s: int = PULL_INTERVAL_MS // 1000


class SyncService(QObject):
    """Owns background sync for a window while `hub_url` is set; stops when the window closes."""

    state_changed = Signal()
    #: A round ended (its RoundResult); tests and the benchmark wait on it.
    round_finished = Signal(object)
    #: From the listener's thread (queued to the GUI thread): the hub announced changes; what it hears.
    _heard = Signal(object)
    _hearing_changed = Signal(object, object)

    def __init__(
        self,
        context: DeskContext,
        window: QObject,
        *,
        pull_interval_ms: int = PULL_INTERVAL_MS,
        live_check_ms: int = LIVE_CHECK_MS,
        debounce_ms: int = DEBOUNCE_MS,
        listener_backoff_base_s: float = BACKOFF_BASE_S,
        listener_backoff_max_s: float = BACKOFF_MAX_S,
        backoff_base_ms: int = BACKOFF_BASE_MS,
        backoff_max_ms: int = BACKOFF_MAX_MS,
        stop_timeout_s: float = STOP_TIMEOUT_S,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(window)
        self.context = context
        self.database: Database = context.database
        self.pull_interval_ms = pull_interval_ms
        self.live_check_ms = live_check_ms
        self.listener_backoff_base_s = listener_backoff_base_s
        self.listener_backoff_max_s = listener_backoff_max_s
        #: The listening connection's thread while syncing with a hub.
        self.listener: HubListener | None = None
        self.backoff_base_ms = backoff_base_ms
        self.backoff_max_ms = backoff_max_ms
        self.stop_timeout_s = stop_timeout_s
        self.clock = clock
        self.state = SyncState()
        #: Every back-off wait chosen, in ms (the indicator shows the last; tests read them all).
        self.backoff_history: list[int] = []
        self.failures = 0
        self.rounds = 0
        self._url = ""
        #: The worker process the rounds run in (it keeps the hub's connections between rounds).
        self._worker: Worker | None = None
        self._worker_lock = threading.Lock()
        self._drop_engine = False
        self._hub_address = ""
        self._operation: Operation | None = None
        self._round_done = threading.Event()
        self._round_done.set()
        self._again = False
        self._announcing = False
        self._generation = 0
        self._receiving_next = False

        self._next_round = QTimer(self)
        self._next_round.setSingleShot(True)
        self._next_round.timeout.connect(self.sync_now)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._local_change_settled)

        context.attendance_changed.connect(self._local_change)
        context.roster_changed.connect(self._local_change)
        context.settings_changed.connect(self.reconfigure)
        self._heard.connect(self._hub_announced)
        self._hearing_changed.connect(self._hearing)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    # -- starting and stopping ----------------------------------------------------------------------

    @property
    def hub_url(self) -> str:
        return self._url

    @property
    def in_flight(self) -> bool:
        return self._operation is not None

    def start(self) -> None:
        """Begin syncing with the hub in the settings (a first round at once); nothing without a hub."""
        self._url = self.context.settings.get("hub_url").strip()
        self.failures = 0
        self._generation += 1
        self._set(
            SyncState(
                hub=shown_url(self._url),
                stopped=not self._url,
                pending=self._count_pending(),
                poll_every_s=max(1, round(self.pull_interval_ms / 1000)),
            )
        )
        if self._url:
            self._receiving_next = True
            self.sync_now()
            self._start_listening()

    def stop(self) -> None:
        """Stop the timers and wait (up to `stop_timeout_s`) for a round in flight; safe to call twice."""
        self._next_round.stop()
        self._debounce.stop()
        operation = self._operation
        abandoned = False
        if operation is not None:
            if not self._round_done.wait(self.stop_timeout_s):
                log.warning(
                    "a sync round was still running %.0f s after the window closed", self.stop_timeout_s
                )
                _abandoned.append(operation)
                abandoned = True
            self._operation = None
        self._again = False
        self._stop_listening()
        self._stop_worker(abandoned=abandoned)
        if not self.state.stopped:
            self._set(replace(self.state, stopped=True, running=False, retry_at=None))

    def reconfigure(self) -> None:
        """Settings were saved: a new hub address or password takes effect with the next round."""
        url = self.context.settings.get("hub_url").strip()
        if self.state.stopped and not url:
            self._set(SyncState())
            return
        self._drop_engine = True
        if url != self._url or self.state.stopped:
            self.stop()
            self.start()
        else:
            if self.listener is not None:
                self.listener.retry_now()  # a corrected password: reconnect now, not after the back-off
            self.sync_now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Close:
            self.stop()
        return False

    # -- when rounds run ----------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Run a round now (also "Sync now"); after the one in flight if there is one."""
        if self.state.stopped or not self._url:
            return
        if self._operation is not None:
            self._again = True
            return
        self._next_round.stop()
        self._debounce.stop()
        self._again = False
        self._round_done.clear()
        url, database, generation = self._url, self.database, self._generation
        self._operation = run_op(
            self,
            lambda _progress: self._round(database, url, generation),
            on_success=self._round_ended,
            on_failure=self._round_crashed,
        )
        self.rounds += 1
        receiving, self._receiving_next = self._receiving_next, False
        self._set(replace(self.state, running=True, receiving=receiving))

    def retry_now(self) -> None:
        """The user asked: try at once, and start the back-off again from 2 s if it fails."""
        self.failures = 0
        if self.listener is not None:
            self.listener.retry_now()
        self.sync_now()

    def _local_change(self) -> None:
        if self._announcing or self.state.stopped:
            return
        self._set(replace(self.state, pending=self._count_pending()))
        if self.state.online is False:
            return  # the back-off timer decides when to try again; scans never wait on the hub
        self._debounce.start()

    def _local_change_settled(self) -> None:
        self.sync_now()

    # -- the listener (its thread calls in through queued signals) -----------------------------------

    def _start_listening(self) -> None:
        listener = HubListener(
            connect_url(self._url),
            on_change=lambda: self._heard.emit(listener),
            on_state=lambda hearing: self._hearing_changed.emit(listener, hearing),
            backoff_base_s=self.listener_backoff_base_s,
            backoff_max_s=self.listener_backoff_max_s,
            clock=self.clock,
        )
        self.listener = listener
        listener.start()

    def _stop_listening(self) -> None:
        if self.listener is not None:
            self.listener.stop(wait_s=0.5)
            self.listener = None

    def _hub_announced(self, listener: HubListener) -> None:
        """Another desk sent changes (or the listener has just connected): fetch them now."""
        if listener is not self.listener or self.state.stopped:
            return
        self._receiving_next = True
        self.sync_now()  # even while backing off: the listener just reached the hub, so a round may too

    def _hearing(self, listener: HubListener, hearing: Hearing) -> None:
        if listener is not self.listener or self.state.stopped:
            return
        self._set(replace(self.state, hearing=hearing))
        if self._operation is None and self.state.online:
            # Listening: the poll becomes a rare safety net. Not listening: polling starts at once.
            self._next_round.start(self._poll_delay_ms())

    def _poll_delay_ms(self) -> int:
        return self.live_check_ms if self.state.hearing.state == LIVE else self.pull_interval_ms

    # -- one round (on a worker thread) -------------------------------------------------------------

    def _round(self, database: Database, url: str, generation: int) -> RoundResult:
        """Never touches a widget: push, pull, then count what is still waiting, in the worker process."""
        try:
            with self._worker_lock:
                fresh = self._drop_engine or self._worker is None or not self._worker.alive()
                self._drop_engine = False
                if fresh:
                    if self._worker is not None and not self._worker.alive():
                        self._worker = None
                    self._hub_address = hub_address(url)  # the keyring is read here, as the engine was made
                if self._worker is None:
                    self._worker = Worker()
                worker, address = self._worker, self._hub_address
            try:
                result: RoundResult = worker.call(
                    round_in_process, address_of(database), url, address, fresh, generation
                )
                return result
            except WorkerStopped as stopped:  # said like the hub being away; the next round starts a worker
                with self._worker_lock:
                    if self._worker is worker:
                        self._worker = None
                with database.session() as db:
                    pending = pending_changes(db)
                return RoundResult(None, str(stopped), pending, generation)
        finally:
            self._round_done.set()

    # -- after a round (GUI thread) -----------------------------------------------------------------

    def _round_ended(self, result: RoundResult) -> None:
        if self._operation is None or result.generation != self._generation:
            return  # stopped meanwhile (the window is going, or the hub changed)
        self._operation = None
        if result.report is not None:
            self.failures = 0
            if result.report.pushed_by is not None and self.listener is not None:
                # Replaced, not added to: the pool keeps one connection, and a new one gets a new id.
                self.listener.own_connections = {result.report.pushed_by}
            self._set(
                replace(
                    self.state,
                    online=True,
                    last_synced=self.clock(),
                    last_report=result.report,
                    pending=result.pending,
                    error="",
                    retry_at=None,
                    running=False,
                    receiving=False,
                    offline_since=None,
                )
            )
            if result.report.pulled:
                self._announce()
            delay = 0 if self._again else self._poll_delay_ms()
        else:
            self.failures += 1
            backoff = backoff_delay_ms(self.failures, self.backoff_base_ms, self.backoff_max_ms)
            self.backoff_history.append(backoff)
            delay = 0 if self._again else backoff  # "Sync now" pressed during the round: try once more
            self._set(
                replace(
                    self.state,
                    online=False,
                    pending=result.pending,
                    error=result.error,
                    retry_at=time.monotonic() + delay / 1000,
                    running=False,
                    receiving=False,
                    offline_since=self.state.offline_since or self.clock(),
                )
            )
        self.round_finished.emit(result)
        if not self.state.stopped:
            self._next_round.start(delay)

    def _round_crashed(self, error: Exception) -> None:
        """A bug, not the hub being away: logged with its traceback; the desk carries on and retries."""
        log.error("sync round failed", exc_info=error)
        self._round_ended(
            RoundResult(
                None,
                f"Sync stopped on an unexpected error ({type(error).__name__}); it is in the log.",
                self._count_pending(),
                self._generation,
            )
        )

    def _announce(self) -> None:
        """Other desks' changes arrived: every view refreshes (without that counting as a local change)."""
        self._announcing = True
        try:
            self.context.attendance_changed.emit()
            self.context.roster_changed.emit()
        finally:
            self._announcing = False

    # -- small things -------------------------------------------------------------------------------

    def _count_pending(self) -> int:
        # A COUNT on the local outbox: far under a millisecond, so it may run on the GUI thread.
        with self.database.session() as db:
            return pending_changes(db)

    def _stop_worker(self, *, abandoned: bool = False) -> None:
        """End the rounds' worker process, and with it the hub's connections it kept. A round abandoned
        while it hangs ends with its process."""
        with self._worker_lock:
            worker, self._worker = self._worker, None
        if worker is None:
            return
        if abandoned:
            worker.process.terminate()
        else:
            worker.close(wait_s=CLOSE_WAIT_S)

    def _set(self, state: SyncState) -> None:
        self.state = state
        self.state_changed.emit()


def describe_round(report: SyncReport | None) -> str:
    if report is None:
        return ""
    return f"sent {report.pushed}, received {report.pulled}"


__all__ = [
    "SyncService",
    "SyncState",
    "backoff_delay_ms",
    "connect_url",
    "has_hub_password",
    "keyring_account",
    "shown_url",
    "store_hub_password",
]
