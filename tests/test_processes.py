"""Heavy work runs in a worker process (ui.base.processes): really another process, with its own connection
to the database; its errors, and its death, reach the person at the desk as a message, and the next job
works again."""

import logging
import os
from pathlib import Path

import pdfplumber
import pytest

from PySide6.QtWidgets import QMessageBox

from checkin.errors import UsageError
from checkin.store.database import connect_database
from ui.base.operations import run_in_process
from ui.base.processes import Cancelled, WorkerStopped, call_in_process

# ---- jobs for the worker (module functions: the worker imports this module to run them) ----------------


def whose(progress, url: str) -> tuple[int, int]:  # noqa: ANN001 - the worker's progress callable
    """The worker's process id, and the number of sessions it reads on its own connection."""
    from sqlalchemy import func, select

    from checkin.store.models import Session

    progress(0, 1)
    database = connect_database(url)
    try:
        with database.session() as db:
            sessions = db.scalar(select(func.count()).select_from(Session))
    finally:
        database.dispose()
    return os.getpid(), sessions


def refuses(_progress, code: str) -> None:  # noqa: ANN001
    raise UsageError(f"There is no session {code}.")


def logs_and_waits(progress) -> str:  # noqa: ANN001
    logging.getLogger("checkin.worker-test").warning("half way")
    progress(1, 2)  # a cancel that came meanwhile stops the job here
    return "finished"


def dies(_progress) -> None:  # noqa: ANN001
    os._exit(3)  # as a worker killed by the system would end: no answer, no clean-up


def dies_making_badges(_progress, *_args: object) -> None:  # noqa: ANN001
    os._exit(3)


# ---- the plumbing -------------------------------------------------------------------------------


def test_work_runs_in_another_process_on_its_own_connection(demo_programme):
    database, _code = demo_programme
    url = database.engine.url.render_as_string(hide_password=False)
    progress_seen = []
    pid, sessions = call_in_process(
        whose, url, progress=lambda done, total: progress_seen.append((done, total))
    )
    assert pid != os.getpid()
    assert sessions >= 1  # the demo's sessions, read from the file by the worker itself
    assert progress_seen == [(0, 1)]
    # The next job goes to a worker kept for it (the same process, not a new one each time).
    assert call_in_process(whose, url)[0] == pid


def test_a_users_error_comes_back_as_itself_and_logs_come_back_to_this_log(caplog):
    with pytest.raises(UsageError, match="There is no session NOPE-1"):
        call_in_process(refuses, "NOPE-1")
    with caplog.at_level(logging.WARNING):
        assert call_in_process(logs_and_waits) == "finished"
    assert ("checkin.worker-test", "half way") in [(r.name, r.getMessage()) for r in caplog.records]


def test_cancelling_stops_the_job_at_its_next_progress():
    def cancelled(_done: int, _total: int) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled):
        call_in_process(logs_and_waits, progress=cancelled)
    assert call_in_process(logs_and_waits) == "finished"  # the worker is fine for the next job


def test_a_worker_that_dies_fails_its_job_with_a_message_and_the_next_job_works(demo_programme):
    database, _code = demo_programme
    url = database.engine.url.render_as_string(hide_password=False)
    with pytest.raises(WorkerStopped) as stopped:
        call_in_process(dies)
    assert stopped.value.exit_code == 3 and "Nothing of it was saved" in str(stopped.value)
    assert call_in_process(whose, url)[0] != os.getpid()


def test_run_in_process_answers_on_the_gui_thread(qtbot, demo_programme):
    from PySide6.QtCore import QObject

    database, _code = demo_programme
    url = database.engine.url.render_as_string(hide_password=False)
    owner = QObject()
    results, failures = [], []
    run_in_process(owner, whose, url, on_success=results.append, on_failure=failures.append)
    run_in_process(owner, refuses, "NOPE-2", on_success=results.append, on_failure=failures.append)
    qtbot.waitUntil(lambda: len(results) + len(failures) == 2, timeout=60_000)
    assert results[0][0] != os.getpid()
    assert [str(error) for error in failures] == ["There is no session NOPE-2."]


# ---- in the app ---------------------------------------------------------------------------------


def test_badges_are_made_in_a_worker_and_a_dying_worker_is_said(
    open_demo_window, qtbot, monkeypatch, tmp_path
):
    """The Print view's badges come from a worker process; when that process dies, the person at the desk
    is told, in words, and the view is ready again: the next preview is made."""
    window, _scanner, _database, _code, _settings = open_demo_window((1280, 800))
    window.show_view("Print")
    view = window.views["Print"]
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, title, text: said.append((title, text)))
    )
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, title, text: said.append((title, text)))
    )
    monkeypatch.setattr("ui.printing.view.make_badges_in_process", dies_making_badges)
    view.make_preview()
    qtbot.waitUntil(lambda: bool(said), timeout=60_000)
    assert said == [("Not printed", str(WorkerStopped()))]
    qtbot.waitUntil(view.make_button.isEnabled)
    assert view.job is None and view.preview_stack.currentWidget() is view.empty

    monkeypatch.undo()
    with qtbot.waitSignal(view.document_ready, timeout=60_000) as made:
        view.make_preview()
    job = made.args[0]
    with pdfplumber.open(Path(job.path)) as pdf:
        assert len(pdf.pages) == job.badges.pages and job.badges.count > 0
