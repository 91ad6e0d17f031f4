"""The bundle's entry point: the `checkin` command line, which opens the desktop app when given no command.

PyInstaller freezes this script into both executables (see checkin.spec). A windowed executable on
Windows has no console, so `sys.stdout`/`sys.stderr` are None there; anything the CLI prints then goes
nowhere instead of crashing the app.
"""

import multiprocessing
import os
import sys

if __name__ == "__main__":
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    # A worker process (ui.base.processes: badges, imports, sync rounds, the roster's reads) is this
    # executable started again with --multiprocessing-fork: it becomes the worker here, before the command
    # line reads its arguments. Does nothing in the program itself.
    multiprocessing.freeze_support()

    from ui.entry import main

    sys.exit(main())
