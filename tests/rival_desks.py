"""Desks racing for the same badges on one database: run by tests/test_one_writer.py as a subprocess.

Usage: rival_desks.py DATABASE SESSION_CODE DESKS. Importing the program takes a second or two, so this
process imports once and then forks DESKS desk processes (POSIX). Each desk opens the database itself
(nothing open is inherited) and reads the session's badge codes, in blocks of DESKS codes shuffled in its
own order. Then the desks scan in rounds, each through checkin.desk.scanning.record_scan: in every round
all of them scan at the same moment, each its next code, so two desks often have the same badge in the
same round. For every scan a desk notes the outcome and how long the scan took, waiting for the other
desks included. The helper prints one JSON object: {"scans": [[desk, code, outcome, seconds], ...]} and
exits with status 1 when a desk failed (its traceback is on stderr).
"""

import json
import multiprocessing
import queue
import random
import sys
import time

from sqlalchemy import select

from checkin.desk.bookings import session_by_code
from checkin.desk.scanning import record_scan
from checkin.store.database import open_database
from checkin.store.models import Registration

#: Seconds a desk waits for the others at the start of a round before giving up (one of them failed).
ROUND_TIMEOUT = 120


def desk_order(codes: list[str], number: int, desks: int) -> list[str]:
    """The codes in blocks of `desks`, each block shuffled by this desk's own seed."""
    rng = random.Random(number)
    order: list[str] = []
    for start in range(0, len(codes), desks):
        block = codes[start : start + desks]
        rng.shuffle(block)
        order += block
    return order


def desk(url: str, session_code: str, number: int, desks: int, rounds, results) -> None:
    try:
        scan_in_rounds(url, session_code, number, desks, rounds, results)
    except BaseException:
        rounds.abort()  # the other desks stop at once instead of waiting for this one
        raise  # multiprocessing prints the traceback and the desk exits with status 1


def scan_in_rounds(url: str, session_code: str, number: int, desks: int, rounds, results) -> None:
    database = open_database(url)
    scans = []
    with database.session() as db:
        session = session_by_code(db, session_code)
        codes = list(
            db.scalars(
                select(Registration.badge_code)
                .where(Registration.session_id == session.id)
                .order_by(Registration.id)
            )
        )
        db.rollback()
        for code in desk_order(codes, number, desks):
            rounds.wait()
            started = time.perf_counter()
            result = record_scan(db, code, session, desk=f"rival-{number}")
            took = time.perf_counter() - started
            scans.append([number, code, str(result.outcome.code), took])
    database.dispose()
    results.put(scans)


def main(url: str, session_code: str, desks: int) -> int:
    forked = multiprocessing.get_context("fork")
    rounds = forked.Barrier(desks, timeout=ROUND_TIMEOUT)
    results = forked.Queue()
    processes = [
        forked.Process(target=desk, args=(url, session_code, number, desks, rounds, results))
        for number in range(desks)
    ]
    for process in processes:
        process.start()
    scans, reported = [], 0
    while reported < desks:
        try:
            scans += results.get(timeout=1)
            reported += 1
        except queue.Empty:
            if not any(process.is_alive() for process in processes):
                break  # a desk failed: the exit codes below say so
    for process in processes:
        process.join()
    json.dump({"scans": scans}, sys.stdout)
    sys.stdout.write("\n")
    return 0 if all(process.exitcode == 0 for process in processes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
