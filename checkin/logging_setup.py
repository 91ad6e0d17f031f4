"""The program's log file: a rotating file in the user's log folder, for the CLI and the app alike.

The log is for support (what failed, with a traceback), never a second copy of the delegate list: our
own log lines carry session codes, counts and ids only, and the libraries that would write personal data
at DEBUG (SQLAlchemy echoes every statement with its parameters: names, emails, needs) are held at
WARNING whatever level is asked for. `CHECKIN_LOG` names another file; `CHECKIN_LOG_LEVEL` sets the level
(default INFO).
"""

import logging
import logging.handlers
import os
from pathlib import Path

APP_NAME = "CheckinDesk"
LOG_FILE = "checkin.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
#: Loggers that print data rows or statement parameters when verbose.
QUIET = ("sqlalchemy", "alembic", "PIL", "charset_normalizer", "fontTools", "urllib3", "psycopg", "keyring")
_HANDLER_NAME = "checkin-log-file"


def default_log_path() -> Path:
    override = os.environ.get("CHECKIN_LOG")
    if override:
        return Path(override)
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False) / LOG_FILE


def configure_logging(level: int | str | None = None, path: Path | None = None) -> Path | None:
    """Send the root logger to the rotating log file (once per process); returns the file, or None
    when it cannot be written (a read-only profile must not stop the desk)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _HANDLER_NAME:
            return Path(getattr(handler, "baseFilename", ""))
    target = path or default_log_path()
    wanted = level if level is not None else os.environ.get("CHECKIN_LOG_LEVEL", "INFO").upper()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    try:
        root.setLevel(wanted)
    except (ValueError, TypeError):
        root.setLevel(logging.INFO)
    quiet_libraries()
    return target


def quiet_libraries() -> None:
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
