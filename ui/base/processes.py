"""Heavy background work in a process of its own, so that the window's interpreter lock stays free.

A thread of the window's process shares Python's interpreter lock with the GUI thread: while a thread
renders 1,000 badges, parses an import or merges 10,000 other desks' check-ins, the GUI thread waits for
the lock between its own events (80-260 ms at a time, measured by benchmarks/gui_stall.py). So that work
runs in a worker process: `call_in_process(function, *args, progress=...)`, called on a background
thread (`ui.base.operations.run_in_process` does that), sends `function` and its arguments to an idle
worker and waits, the lock released, for the answer. The worker calls `function(progress, *args)`, where
`progress(done, total)` is answered by the window's side, and raises `Cancelled` once the user cancelled,
as `run_op`'s does.

What a worker is given is plain data: a database's URL (it opens its own connection, `connect_database`),
file paths, codes and choices; never a widget or an open session. `function` lives in a module that does
not import Qt, so that a worker starts quickly and stays small. Workers start as on Windows everywhere (a
fresh interpreter, the `spawn` method: the entry points call `multiprocessing.freeze_support()` for the
bundle). A worker's log records come back to the window's log (the same loggers, levels and rules: no
personal data); its errors come back as themselves (a `UserError` shown as its message), or, if one cannot
be sent, as `WorkerFault` with its type and message. A worker that dies (killed, out of memory) makes the
job fail with `WorkerStopped`, said to the user; the next job starts a new worker.
"""

import contextlib
import logging
import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from checkin.errors import UserError

log = logging.getLogger(__name__)

#: Workers start as Windows starts them (a fresh interpreter, not a fork of the window), on every system.
CONTEXT = multiprocessing.get_context("spawn")
#: Idle workers kept for the next job; more start while jobs overlap, and end when they are done.
KEEP_IDLE = 2
#: How long closing a worker waits for it to end (its connections closed) before it is left to end.
CLOSE_WAIT_S = 3.0

#: How much lower a worker's priority is than the window's (POSIX nice; Windows: below normal).
WORKER_NICENESS = 5
BELOW_NORMAL_PRIORITY_CLASS = 0x4000

Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """The user cancelled the operation."""


class WorkerStopped(UserError):
    """The worker process ended before it answered (killed, or out of memory): nothing it was doing was
    committed, as a transaction cut short is not."""

    def __init__(self, exit_code: int | None = None) -> None:
        super().__init__(
            "The background work stopped before it finished (its process ended unexpectedly). Nothing of "
            "it was saved; try again."
        )
        self.exit_code = exit_code


class WorkerFault(Exception):
    """An error in a worker that could not be sent back as itself: its type's name and its message."""


# ---- the window's side --------------------------------------------------------------------------


class Worker:
    """One worker process and the pipe to it. Used by one thread at a time."""

    def __init__(self) -> None:
        here, there = CONTEXT.Pipe()
        self.process = CONTEXT.Process(
            target=serve,
            args=(there, logging.getLogger().getEffectiveLevel()),
            name="checkin-worker",
            daemon=True,  # ended with the window's process, should it end without closing us
        )
        self.process.start()
        there.close()  # only the worker holds its end: when it dies, reading ours says so at once
        self.connection: Connection = here
        self.broken = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return not self.broken and self.process.is_alive()

    def call(self, function: Callable[..., Any], *args: Any, progress: Progress | None = None) -> Any:
        """`function(progress, *args)` in the worker; its result, or its error raised here."""
        try:
            self.connection.send(("call", function, args))
        except (OSError, EOFError):
            raise self._stopped() from None
        while True:
            try:
                message = self.connection.recv()  # waits with the interpreter lock released
            except (OSError, EOFError):
                raise self._stopped() from None
            kind = message[0]
            if kind == "progress":
                answer = "go"
                try:
                    if progress is not None:
                        progress(message[1], message[2])
                except Cancelled:
                    answer = "cancel"
                try:
                    self.connection.send(answer)
                except (OSError, EOFError):
                    raise self._stopped() from None
            elif kind == "log":
                _log_again(*message[1:])
            elif kind == "done":
                return message[1]
            elif kind == "failed":
                error, where = message[1], message[2]
                if not isinstance(error, Cancelled):
                    log.debug("background work failed in its process:\n%s", where)
                raise error

    def _stopped(self) -> WorkerStopped:
        self.broken = True
        self.process.join(1.0)
        code = self.process.exitcode
        log.warning("a worker process ended unexpectedly (exit code %s)", code)
        return WorkerStopped(code)

    def close(self, wait_s: float = 0.0) -> None:
        """Tell the worker to end (it closes its connections); wait up to `wait_s` for it."""
        with contextlib.suppress(OSError, EOFError):
            self.connection.send(None)
        self.connection.close()
        if wait_s:
            self.process.join(wait_s)
            if self.process.is_alive():
                self.process.terminate()


_idle: list[Worker] = []
_idle_lock = threading.Lock()


def take_worker() -> Worker:
    """An idle worker, or a new one (starting one takes a moment: call off the GUI thread)."""
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.close()
    return Worker()


def give_back(worker: Worker) -> None:
    """The job is over: keep the worker for the next, or let it end."""
    if worker.alive():
        with _idle_lock:
            if len(_idle) < KEEP_IDLE:
                _idle.append(worker)
                return
    worker.close()


def call_in_process(function: Callable[..., Any], *args: Any, progress: Progress | None = None) -> Any:
    """`function(progress, *args)` in a worker process (called on a background thread, it blocks until
    the answer): its result, or its error raised here (`WorkerStopped` when the worker died)."""
    worker = take_worker()
    try:
        return worker.call(function, *args, progress=progress)
    finally:
        give_back(worker)


def warm_up() -> None:
    """Start a worker now, in the background, with the libraries the jobs use loaded, so that the first
    job does not wait for a worker to start (the app calls this once its window is up)."""

    def start() -> None:
        try:
            worker = _warmed(take_worker())
            log.info("a worker process is ready (process %s)", worker.pid)
            give_back(worker)
        except Exception as error:  # the first job will try again, and say what fails
            log.warning("a worker process could not be started in advance (%s)", type(error).__name__)

    threading.Thread(target=start, name="worker-warm-up", daemon=True).start()


def _warmed(worker: Worker) -> Worker:
    worker.call(load_libraries)
    return worker


def stop_workers() -> None:
    """End the idle workers (at the app's end; running ones end with their job)."""
    with _idle_lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.close(wait_s=CLOSE_WAIT_S)


def _log_again(name: str, level: int, text: str) -> None:
    logging.getLogger(name).log(level, "%s", text)


# ---- the worker's side --------------------------------------------------------------------------


def load_libraries(_progress: Progress) -> None:
    """What the jobs need, loaded before the first of them (ReportLab, SQLAlchemy, the import reader)."""
    import checkin.importing.applying  # noqa: F401
    import checkin.printing.badge_jobs  # noqa: F401
    import checkin.store.database  # noqa: F401


class _ToWindow(logging.Handler):
    """Sends a worker's log records to the window's process, which logs them where its own go."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            self.connection.send(("log", record.name, record.levelno, text))
        except Exception:  # a log line must never stop the work
            self.handleError(record)


def _progress_through(connection: Connection) -> Progress:
    def progress(done: int, total: int) -> None:
        connection.send(("progress", done, total))
        if connection.recv() == "cancel":
            raise Cancelled()

    return progress


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it survives the trip to the window's process; else its type and message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return WorkerFault(f"{type(error).__name__}: {error}")
    return error


def _below_the_window() -> None:
    """Run below the window's priority: on a busy two-core laptop, the window (and a scan at the desk)
    gets a processor first, and the worker the time left over."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS)
        else:
            os.nice(WORKER_NICENESS)
    except (OSError, AttributeError):  # not allowed here: the worker runs as it is
        pass


def serve(connection: Connection, level: int) -> None:
    """The worker's loop: a job at a time, until told to end or the window's process has gone."""
    from checkin.logging_setup import QUIET

    _below_the_window()

    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(_ToWindow(connection))
    for name in QUIET:  # as in the window's process: libraries that would log personal data stay quiet
        logging.getLogger(name).setLevel(max(logging.WARNING, level))
    progress = _progress_through(connection)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return  # the window's process has gone
        except Exception as error:  # a job that cannot be read here (a function this worker cannot import)
            connection.send(("failed", _sendable(error), traceback.format_exc()))
            continue
        if message is None:
            return
        _kind, function, args = message
        try:
            result = function(progress, *args)
        except BaseException as error:
            connection.send(("failed", _sendable(error), traceback.format_exc()))
            if not isinstance(error, Exception):
                raise  # SystemExit, KeyboardInterrupt: the worker ends
        else:
            try:
                connection.send(("done", result))
            except Exception as error:  # a result that cannot be sent (a bug of ours): said, not lost
                connection.send(("failed", _sendable(error), traceback.format_exc()))
