"""What the app shows when something fails: the user's own error as its message, any other as a fault of ours.

A `UserError` is the user's to put right, and so is an `OSError` of work that writes a file they chose (a
full disk, a folder they may not write to): its message is shown as it is and nothing is logged. Anything
else is a bug: logged with its traceback, and shown as a fault of the program. Every view decides through
these functions, so that line is drawn in one place.
"""

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from checkin.errors import UserError

log = logging.getLogger(__name__)


def is_users(error: BaseException, *, writes_files: bool = False) -> bool:
    """True when `error` is the user's to put right: a `UserError`, or, for work that writes a file,
    an `OSError`."""
    return isinstance(error, UserError) or (writes_files and isinstance(error, OSError))


def failure_text(error: BaseException, *, doing: str, fault: str, writes_files: bool = False) -> str:
    """What a status line says about a failure: the user's error is its own message; any other is logged
    with its traceback (as "`doing` failed") and said as `fault`."""
    if is_users(error, writes_files=writes_files):
        return str(error)
    log.error("%s failed", doing, exc_info=error)
    return fault


def show_failure(
    parent: QWidget | None,
    title: str,
    error: BaseException,
    *,
    doing: str,
    fault: str,
    writes_files: bool = False,
) -> bool:
    """A failure in a message box: a warning with the user's own message, or, for a bug (logged), a
    critical box saying `fault`. True when the error was the user's."""
    users = is_users(error, writes_files=writes_files)
    text = failure_text(error, doing=doing, fault=fault, writes_files=writes_files)
    if users:
        QMessageBox.warning(parent, title, text)
    else:
        QMessageBox.critical(parent, title, text)
    return users
