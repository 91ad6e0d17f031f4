"""Background work: one pattern for everything long (import, bulk print, sync) so the window never freezes.

`run_op(parent, work, on_success=..., on_failure=...)` runs `work(progress)` on the thread pool; `progress`
is a callable the work may call with (done, total) and which raises `Cancelled` once the user cancelled.
Results and errors come back on the GUI thread through Qt signals. The work never touches a widget.

`run_in_process(parent, function, *args, ...)` is the same for work heavy enough in Python to hold the
window up through the interpreter lock (badges, an import, a sync round's merge): `function(progress,
*args)` runs in a worker process (`ui.base.processes`), waited for on the thread pool.
"""

import contextlib
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ui.base.processes import Cancelled, call_in_process

log = logging.getLogger(__name__)

#: Threads for background work, at least: a sync round waiting on the network and a print job must not
#: hold up the reads the window waits for (a sort, the counts), on a two-core laptop too.
MIN_THREADS = 6


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class Operation(QRunnable):
    def __init__(self, work: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled()
        self.signals.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except Exception as error:  # handed to the GUI thread, which decides what the user sees
            if not isinstance(error, Cancelled):
                log.debug("background operation failed:\n%s", traceback.format_exc())
            self._tell(self.signals.failed, error)
        else:
            self._tell(self.signals.succeeded, result)

    @staticmethod
    def _tell(signal: Any, value: object) -> None:
        # "Signal source has been deleted": its window closed meanwhile, and nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


def run_op(
    parent: QObject,
    work: Callable[[Callable[[int, int], None]], Any],
    *,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> Operation:
    operation = Operation(work)
    # Parenting the signal object keeps it alive until the window goes, and delivers on its thread.
    operation.signals.setParent(parent)
    operation.signals.succeeded.connect(on_success)
    operation.signals.failed.connect(on_failure)
    if on_progress is not None:
        operation.signals.progressed.connect(on_progress)
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < MIN_THREADS:
        pool.setMaxThreadCount(MIN_THREADS)
    pool.start(operation)
    return operation


def run_in_process(
    parent: QObject,
    function: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> Operation:
    """`function(progress, *args)` in a worker process, as `run_op` runs work on a thread: results, errors
    and progress come back on the GUI thread, and cancelling reaches the worker at its next `progress`.
    `function` is a module's function that touches no Qt; `args` are plain data (a database's URL, not
    the database)."""
    return run_op(
        parent,
        lambda progress: call_in_process(function, *args, progress=progress),
        on_success=on_success,
        on_failure=on_failure,
        on_progress=on_progress,
    )


class LatestReader(QObject):
    """Reads something on the thread pool whenever asked, one read at a time, and shows only the newest:
    asked again while a read runs, the newest wish is read when that read ends and the older result is
    dropped. `show(result)` runs on the GUI thread; a failure is logged (reads of the local file do not
    fail but through a fault of ours) and what is shown stays."""

    def __init__(self, parent: QObject, show: Callable[[Any], None]) -> None:
        super().__init__(parent)
        self.show = show
        self._operation: Operation | None = None
        self._next: Callable[[], Any] | None = None

    @property
    def reading(self) -> bool:
        return self._operation is not None

    def read(self, work: Callable[[], Any]) -> None:
        """Read with `work` (called on the thread pool; it must touch no widget and open its own session)."""
        if self._operation is not None:
            self._next = work
            return
        self._operation = run_op(
            self, lambda _progress: work(), on_success=self._read, on_failure=self._failed
        )

    def _then(self) -> bool:
        self._operation = None
        work, self._next = self._next, None
        if work is None:
            return False
        self.read(work)
        return True

    def _read(self, result: Any) -> None:
        if not self._then():
            self.show(result)

    def _failed(self, error: Exception) -> None:
        if not self._then():
            log.error("a background read failed", exc_info=error)
