"""Many desks on one hub: N desk processes scan a 5,000-booking session and sync continuously through one
real PostgreSQL, and this reports whether anything was lost, whether every desk agrees, and what the hub
paid for it.

Each desk is a process with its own SQLite file (a copy of one programme, with its own replica id) that
runs what the app runs off its GUI thread: a `HubListener` on a connection of its own, and sync rounds on
one pooled connection, started by a local scan or a notification, with a 2 s poll as the fallback. The
desks scan their share of the session on one shared timetable (booking k at second k / 5000 × SECONDS);
every 100th badge is scanned at a second desk at the same moment, as a badge handed back out of the queue
would be. The parent process watches the hub's connections in `pg_stat_activity` and waits until every
desk holds every admission.

Reported per N: admissions made and lost, seconds until all desks agreed after the last scan, propagation
(scan at one desk to its arrival in another desk's database) median/p95/max over every (scan, other desk)
pair, duplicate admissions listed (and whether every desk lists the same ones), the most hub connections
seen, and the hub's cost: CPU seconds of its server processes, transactions, rows read. Not a test; times
are wall-clock on this machine.

    .venv/bin/python benchmarks/hub_load.py [--seconds 60] [--json] N [N ...]
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway PostgreSQL server lives with the tests
sys.path.insert(0, str(ROOT / "benchmarks"))

import psycopg  # noqa: E402
from harness import build_database, percentile  # noqa: E402
from pgserver import PostgresServer, running_server  # noqa: E402
from sqlalchemy import select  # noqa: E402

from checkin.desk.bookings import session_by_code  # noqa: E402
from checkin.desk.conflicts import duplicate_admissions  # noqa: E402
from checkin.desk.roster import attendance  # noqa: E402
from checkin.desk.scanning import record_scan  # noqa: E402
from checkin.store.database import open_database  # noqa: E402
from checkin.store.models import CheckinEvent, Registration  # noqa: E402
from checkin.sync.hub import HubError, hub_engine, init_hub, sync_round  # noqa: E402
from checkin.sync.listener import HubListener, listener_conninfo  # noqa: E402

BOOKINGS = 5000
SECONDS = 60.0
#: Every DOUBLED-th badge is scanned at two desks at once.
DOUBLED = 100
POLL_S = 2.0
CONVERGE_TIMEOUT_S = 180.0
#: The desks' SQLite files live in memory when the machine has /dev/shm: at a venue each desk has a disk of
#: its own, and fifty desks' durable commits queued on this machine's one virtual disk would measure the
#: disk, not the hub. (The hub is the test suite's server, fsync off.)
DESK_FOLDER = "/dev/shm" if Path("/dev/shm").is_dir() else None


# ---- one desk (a process of its own) -------------------------------------------------------------


def desk_main(
    path: str, hub: str, name: str, code: str, timetable: list[tuple[float, str]], folder: str
) -> None:
    """Scan `timetable` ((wall time, badge) pairs) while syncing; write results when told to stop."""
    database = open_database(Path(path))
    engine = hub_engine(hub)
    wake, stopping = threading.Event(), threading.Event()
    listener = HubListener(hub, wake.set, lambda _hearing: None)
    listener.start()
    arrivals: dict[str, float] = {}
    rounds = [0, 0]  # rounds, failed rounds

    def syncing() -> None:
        with database.session() as db:
            last = db.scalar(select(CheckinEvent.id).order_by(CheckinEvent.id.desc()).limit(1)) or 0
        while not stopping.is_set():
            wake.wait(POLL_S)
            wake.clear()
            try:
                sync_round(database, hub, engine=engine)
            except HubError:
                rounds[1] += 1
                time.sleep(0.5)
                continue
            rounds[0] += 1
            arrived = time.time()
            with database.session() as db:
                for event_id, uuid, desk in db.execute(
                    select(CheckinEvent.id, CheckinEvent.uuid, CheckinEvent.desk).where(
                        CheckinEvent.id > last
                    )
                ):
                    last = max(last, event_id)
                    if desk != name:
                        arrivals.setdefault(uuid, arrived)

    worker = threading.Thread(target=syncing, name="sync", daemon=True)
    worker.start()
    scans: list[tuple[str, float, str]] = []
    with database.session() as db:
        session_id = session_by_code(db, code).id
    for due, badge in timetable:
        time.sleep(max(0.0, due - time.time()))
        with database.session() as db:
            session = session_by_code(db, code)
            scanned = time.time()
            result = record_scan(db, badge, session, desk=name)
            db.commit()
            event = db.scalar(
                select(CheckinEvent.uuid)
                .where(CheckinEvent.desk == name)
                .order_by(CheckinEvent.id.desc())
                .limit(1)
            )
        scans.append((event if result.outcome.admitted else "", scanned, result.outcome.code.value))
        wake.set()
    # Written whole, then renamed: the parent never reads half a file.
    Path(folder, f"{name}.part").write_text(json.dumps(sum(1 for event, _t, _o in scans if event)))
    Path(folder, f"{name}.part").rename(Path(folder, f"{name}.scanned"))
    stop_file = Path(folder, "stop")
    while not stop_file.exists():
        time.sleep(0.1)
    stopping.set()
    wake.set()
    worker.join(30)
    listener.stop(wait_s=2)
    engine.dispose()
    with database.session() as db:
        present = attendance(db, session_id)
        uuids = dict(db.execute(select(Registration.id, Registration.uuid)).all())
        digest = hashlib.sha256(
            json.dumps(sorted((uuids[r], at.isoformat(), desk) for r, (at, desk) in present.items())).encode()
        ).hexdigest()
        duplicates = sorted(
            [uuids[d.registration_id], [e.desk for e in d.events]]
            for d in duplicate_admissions(db, session_by_code(db, code))
        )
        events = db.query(CheckinEvent).count()
    database.dispose()
    Path(folder, f"{name}.json").write_text(
        json.dumps(
            {
                "scans": scans,
                "arrivals": arrivals,
                "rounds": rounds[0],
                "failed_rounds": rounds[1],
                "attendance": len(present),
                "digest": digest,
                "duplicates": duplicates,
                "events": events,
            }
        )
    )


# ---- the hub's side ------------------------------------------------------------------------------


def server_cpu_s(server: PostgresServer) -> float:
    """CPU seconds used by the server: the postmaster's own and that of its children that have ended
    (every backend of a desk that has disconnected)."""
    pid = int((server.datadir / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def hub_counters(admin: psycopg.Connection, name: str) -> tuple[int, int]:
    row = admin.execute(
        "SELECT xact_commit, tup_returned + tup_fetched FROM pg_stat_database WHERE datname = %s", (name,)
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def hub_connections(admin: psycopg.Connection, name: str) -> tuple[int, int]:
    """(all connections to the hub database, listening ones), not counting this watcher."""
    row = admin.execute(
        "SELECT count(*), count(*) FILTER (WHERE application_name = 'checkin-listener') FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def events_at(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as connection:
        return int(connection.execute("SELECT count(*) FROM checkin_event").fetchone()[0])


# ---- one run -------------------------------------------------------------------------------------


def prepare_desks(folder: Path, hub: str, desks: int) -> tuple[str, list[str], list[Path]]:
    template, code, badges = build_database(folder / "template.sqlite3", BOOKINGS, seed=21)
    init_hub(template, hub)
    template.dispose()
    paths = []
    for index in range(desks):
        path = folder / f"desk-{index:03}.sqlite3"
        shutil.copy(folder / "template.sqlite3", path)
        with sqlite3.connect(path) as connection:  # a desk of its own: a new replica id on first use
            connection.execute("DELETE FROM sync_state WHERE key IN ('replica', 'hlc')")
        paths.append(path)
    return code, badges, paths


def timetables(badges: list[str], desks: int, start: float, seconds: float) -> list[list[tuple[float, str]]]:
    tables: list[list[tuple[float, str]]] = [[] for _ in range(desks)]
    for k, badge in enumerate(badges):
        due = start + seconds * k / len(badges)
        tables[k % desks].append((due, badge))
        if desks > 1 and k % DOUBLED == 0:
            tables[(k + 1) % desks].append((due, badge))
    return [sorted(table) for table in tables]


def run(server: PostgresServer, desks: int, seconds: float, scans: int, progress) -> dict[str, Any]:  # noqa: ANN001
    name = server.create_database("bench_load")
    hub = server.database_url(name)
    with tempfile.TemporaryDirectory(prefix="checkin-hubload-", dir=DESK_FOLDER) as temporary:
        folder = Path(temporary)
        code, badges, paths = prepare_desks(folder, hub, desks)
        cpu_before = server_cpu_s(server)
        start = time.time() + 3 + desks * 0.05  # every desk started and listening before the first scan
        context = multiprocessing.get_context("fork")
        processes = [
            context.Process(
                target=desk_main,
                args=(str(path), hub, f"desk-{i:03}", code, table, str(folder)),
                daemon=True,
            )
            for i, (path, table) in enumerate(
                zip(paths, timetables(badges[:scans], desks, start, seconds), strict=True)
            )
        ]
        for process in processes:
            process.start()
        most, listening = 0, 0
        with psycopg.connect(listener_conninfo(hub), autocommit=True) as admin:
            counted_before = hub_counters(admin, name)
            expected: int | None = None
            deadline = start + seconds + CONVERGE_TIMEOUT_S
            while time.time() < deadline:
                connections, listeners = hub_connections(admin, name)
                if connections > most:
                    most, listening = connections, listeners
                if expected is None and all((folder / f"desk-{i:03}.scanned").exists() for i in range(desks)):
                    expected = sum(int((folder / f"desk-{i:03}.scanned").read_text()) for i in range(desks))
                    progress(
                        f"{desks} desks: {expected} admissions made; waiting for every desk to hold them"
                    )
                if expected is not None and all(events_at(path) == expected for path in paths):
                    break
                time.sleep(0.25)
            (folder / "stop").touch()
            for process in processes:
                process.join(60)
            time.sleep(1.5)  # backends report their statistics at most once a second
            counted_after = hub_counters(admin, name)
        cpu_after = server_cpu_s(server)
        results = [json.loads((folder / f"desk-{i:03}.json").read_text()) for i in range(desks)]
    server.drop_database(name)
    return summarise(
        desks, seconds, results, most, listening, cpu_after - cpu_before, counted_before, counted_after
    )


def summarise(  # noqa: PLR0913 - one run's figures
    desks: int,
    seconds: float,
    results: list[dict[str, Any]],
    most: int,
    listening: int,
    cpu_s: float,
    before: tuple[int, int],
    after: tuple[int, int],
) -> dict[str, Any]:
    admitted = {event: (t, i) for i, r in enumerate(results) for event, t, _o in r["scans"] if event}
    last_scan = max(t for r in results for _e, t, _o in r["scans"])
    lost = 0
    for r in results:
        own = {event for event, _t, _o in r["scans"]}
        lost += sum(1 for event in admitted if event not in r["arrivals"] and event not in own)
    delays = [
        r["arrivals"][event] - t
        for event, (t, origin) in admitted.items()
        for j, r in enumerate(results)
        if j != origin and event in r["arrivals"]
    ]
    converged = max(max(r["arrivals"].values(), default=last_scan) for r in results) - last_scan
    return {
        "desks": desks,
        "scan_seconds": seconds,
        "scans": sum(len(r["scans"]) for r in results),
        "admitted": len(admitted),
        "lost": lost,
        "attendance": sorted({r["attendance"] for r in results}),
        "all_agree": len({r["digest"] for r in results}) == 1,
        "converge_s": round(max(0.0, converged), 3),
        "propagation_p50_s": round(statistics.median(delays), 3) if delays else None,
        "propagation_p95_s": round(percentile(delays, 0.95), 3) if delays else None,
        "propagation_max_s": round(max(delays), 3) if delays else None,
        "duplicates": len(results[0]["duplicates"]),
        "duplicates_same_everywhere": all(r["duplicates"] == results[0]["duplicates"] for r in results),
        "hub_connections_max": most,
        "hub_listeners_then": listening,
        "rounds": sum(r["rounds"] for r in results),
        "failed_rounds": sum(r["failed_rounds"] for r in results),
        "hub_cpu_s": round(cpu_s, 2),
        "hub_transactions": after[0] - before[0],
        "hub_rows_read": after[1] - before[1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="N desks scanning and syncing through one hub")
    parser.add_argument("desks", type=int, nargs="+", help="how many desks (one run each)")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="how long the scanning lasts")
    parser.add_argument(
        "--scans", type=int, default=BOOKINGS, help=f"how many of the {BOOKINGS:,} bookings are scanned"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per run, one per line")
    args = parser.parse_args()
    most = max(args.desks)
    # Two connections a desk (rounds, listener), the watcher, and room for the server's own.
    with running_server({"max_connections": str(2 * most + 20)}) as server:
        for desks in args.desks:
            figures = run(
                server,
                desks,
                args.seconds,
                args.scans,
                lambda line: print(f"… {line}", file=sys.stderr, flush=True),
            )
            print(
                json.dumps(figures) if args.json else "\n".join(f"{k:>28}: {v}" for k, v in figures.items())
            )
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
