"""`python -m ui ...` is the `checkin` program (the command line, with the desktop app)."""

import sys

from ui.entry import main

sys.exit(main())
