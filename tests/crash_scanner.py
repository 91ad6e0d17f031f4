"""A desk that scans in bursts until it is killed: run by tests/test_crash_safety.py as a subprocess.

Usage: crash_scanner.py DB SESSION_CODE SEED. Importing the program takes a second or two, so that fifty
lives fit in the test's budget this process imports once and then, for each line "START" on stdin,
forks a desk process (POSIX) and prints "PID <pid>". The desk opens the database itself (nothing open is
inherited), prints "READY", then for each booking not yet checked in makes a scan through
checkin.desk.scanning.record_scan and, the moment an admitted scan returns (when the desk would turn
green), prints "GREEN <badge code>" and flushes. A few misreads are mixed in, as at a real desk. The
test SIGKILLs the desk process, then asks for the next one. When a desk process ends, the helper prints
"ENDED <wait status>", so the test can tell a kill from a desk that crashed or ran out of bookings.
"""

import os
import random
import sys
import time
import traceback

from sqlalchemy import select

from checkin.desk.bookings import session_by_code
from checkin.desk.scanning import record_scan
from checkin.store.database import open_database
from checkin.store.models import CheckinEvent, Registration


def desk(db_path: str, session_code: str, rng: random.Random) -> None:
    database = open_database(db_path)
    out = sys.stdout
    with database.session() as db:
        session = session_by_code(db, session_code)
        admitted = select(CheckinEvent.registration_id).where(CheckinEvent.session_id == session.id)
        codes = list(
            db.scalars(
                select(Registration.badge_code)
                .where(Registration.session_id == session.id, Registration.id.not_in(admitted))
                .order_by(Registration.id)
            )
        )
        db.rollback()
        out.write("READY\n")
        out.flush()
        while codes:
            for _ in range(rng.randint(3, 12)):  # a burst: a queue at the desk
                if not codes:
                    break
                if rng.random() < 0.1:
                    record_scan(db, "MISREAD" + str(rng.randint(0, 9999)), session, desk="crash-desk")
                    continue
                code = codes.pop(0)
                result = record_scan(db, code, session, desk="crash-desk")
                if result.outcome.admitted:
                    out.write(f"GREEN {code}\n")
                    out.flush()
            time.sleep(rng.uniform(0, 0.01))
    out.write("DONE\n")
    out.flush()


def main(db_path: str, session_code: str, seed: str) -> None:
    for life, line in enumerate(sys.stdin):
        if line.strip() != "START":
            break
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                desk(db_path, session_code, random.Random(int(seed) + life))
            except BaseException:
                traceback.print_exc()  # a desk that crashes must show it, not pass for one killed
                status = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        sys.stdout.write(f"PID {pid}\n")
        sys.stdout.flush()
        _pid, status = os.waitpid(pid, 0)
        sys.stdout.write(f"ENDED {status}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(*sys.argv[1:4])
