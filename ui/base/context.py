"""What every view of the window shares: the database, this desk's settings and name, the session open,
and the signals that tell views to refresh. Passed to each view; never a global."""

from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from PySide6.QtCore import QObject, Signal

from checkin.desk.bookings import session_by_code
from checkin.settings import Settings
from checkin.store.database import Database
from checkin.store.models import Session


class DeskContext(QObject):
    #: The session being worked on changed (its code).
    session_changed = Signal(str)
    #: Someone was admitted, undone, marked or unmarked: counts and lists refresh.
    attendance_changed = Signal()
    #: Bookings or delegates were added or edited (import, walk-in, edit, transfer).
    roster_changed = Signal()
    #: Sessions were created, edited, archived or removed (the code to show, or ""): the picker reloads.
    sessions_changed = Signal(str)
    #: This desk's settings were saved (Settings view): scanner, theme and desk name apply at once.
    settings_changed = Signal()

    def __init__(self, database: Database, settings: Settings, desk: str) -> None:
        super().__init__()
        self.database = database
        self.settings = settings
        self.desk = desk
        self.session_code: str | None = None
        self.kiosk = False
        #: Until when PIN-protected actions go ahead without the PIN (ui/base/pin.py: the grace period).
        self.organiser_until: datetime | None = None

    def set_session(self, code: str) -> None:
        if code == self.session_code:
            return
        self.session_code = code
        self.settings.set("last_session", code)
        self.session_changed.emit(code)

    def session(self, db: OrmSession) -> Session | None:
        return session_by_code(db, self.session_code) if self.session_code else None
