"""Which errors are the user's: each one a user can cause is a UserError; bugs and internal signals are not."""

import logging

import pytest

from checkin.cli import CommandError
from checkin.desk.pin import PinError
from checkin.desk.walkins import OverCapacity
from checkin.errors import UsageError, UserError
from checkin.importing.eventbrite import EventbriteError
from checkin.importing.reading import ImportFileError
from checkin.printing.badges import TemplateError
from checkin.printing.guide import GuideContentError, GuideDoesNotFit, GuideError
from checkin.printing.qr import QRSizeError
from checkin.printing.stocks import StockError
from checkin.store.database import DatabaseError
from checkin.store.models import AppendOnlyError
from checkin.sync.hub import HubError
from ui.base.failure import failure_text, is_users
from ui.base.operations import Cancelled
from ui.printing.printer import PrintingError

USERS = [
    UsageError,
    CommandError,
    OverCapacity,
    PinError,
    HubError,
    DatabaseError,
    ImportFileError,
    EventbriteError,
    QRSizeError,
    StockError,
    TemplateError,
    GuideError,
    GuideContentError,
    GuideDoesNotFit,
    PrintingError,
]


@pytest.mark.parametrize("kind", USERS, ids=lambda kind: kind.__name__)
def test_every_error_a_user_can_cause_is_a_user_error(kind: type[Exception]) -> None:
    assert issubclass(kind, UserError)


@pytest.mark.parametrize("kind", [AppendOnlyError, Cancelled], ids=lambda kind: kind.__name__)
def test_a_bug_guard_and_the_cancel_signal_are_not(kind: type[Exception]) -> None:
    assert not issubclass(kind, UserError)


def test_value_errors_stay_value_errors() -> None:
    assert issubclass(PinError, ValueError) and issubclass(QRSizeError, ValueError)


def test_the_app_shows_a_users_error_as_it_is_and_logs_a_bug(caplog: pytest.LogCaptureFixture) -> None:
    full = OSError(28, "No space left on device")
    assert is_users(StockError("No stock named 'x'."))
    assert is_users(full, writes_files=True) and not is_users(full)
    with caplog.at_level(logging.ERROR):
        said = failure_text(UsageError("No session PRE-0312."), doing="printing", fault="A fault.")
        assert said == "No session PRE-0312." and not caplog.records
        said = failure_text(KeyError("x"), doing="printing", fault="A fault.")
    assert said == "A fault."
    assert [record.getMessage() for record in caplog.records] == ["printing failed"]
    assert caplog.records[0].exc_info is not None
