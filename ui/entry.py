"""The `checkin` program: the core's command line, with the desktop app behind `checkin app` (and no command).

The core (`checkin/`) never imports the UI, so this entry point, which lives on the UI side, tells the
command line how to open the app. The app's modules load only when the app is asked for, so the other
commands start as fast as the core alone.
"""

import multiprocessing
import sys
from collections.abc import Sequence

from checkin import cli


def _open_app(db_target: str | None, desk: str, session_code: str | None, kiosk: bool) -> int:
    from ui.shell.app import run_app

    return run_app(db_target=db_target, desk=desk, session_code=session_code, kiosk=kiosk)


def main(argv: Sequence[str] | None = None) -> int:
    # A frozen program's worker processes (ui.base.processes) start as this program again: they become the
    # worker here. Elsewhere (a pip-installed `checkin`, `python -m ui.entry`) it does nothing.
    multiprocessing.freeze_support()
    cli.APP_RUNNER = _open_app
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
