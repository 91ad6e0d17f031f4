"""The benchmark harness: builds its own data, measures what a desk needs, prints a table or JSON.

Run it with `benchmarks/run` (or `benchmarks/run --json`). Every measurement builds what it needs in a
temporary folder: databases of 1,000 and 100,000 registrations, an Eventbrite export, a PostgreSQL hub
(the same throwaway server the tests use). Times are wall-clock on this machine; nothing here is a test.
"""

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway PostgreSQL server lives with the tests

from sqlalchemy import insert  # noqa: E402

from checkin.desk.bookings import add_session, session_by_code  # noqa: E402
from checkin.domain.codes import new_badge_code  # noqa: E402
from checkin.domain.text import fold  # noqa: E402
from checkin.store.database import Database, open_database  # noqa: E402
from checkin.store.models import Delegate, Registration, Session  # noqa: E402

FIRST = [
    "Zoë",
    "Siobhán",
    "Łukasz",
    "Ólafur",
    "Amelia",
    "Oliver",
    "Aisha",
    "Mohammed",
    "Priya",
    "Tomás",
    "Chloé",
    "Dmitri",
    "Eleni",
    "Nguyễn",
    "Fatima",
    "Joseph",
    "Grace",
    "Hamza",
    "Isla",
    "Jack",
    "Kerry",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Ravi",
    "Sophie",
    "Thomas",
    "Uma",
    "Wiktor",
    "Yusuf",
    "Zainab",
]
LAST = [
    "O'Neill",
    "Smith-Jones",
    "Ashworth",
    "Birtwistle",
    "Patel",
    "Khan",
    "Nowak",
    "Müller",
    "García",
    "Ó Súilleabháin",
    "Papadopoulou",
    "Sokolov",
    "Entwistle",
    "Hargreaves",
    "Kowalski",
    "Lindqvist",
    "McAllister",
    "Nakamura",
    "Okafor",
    "Pemberton",
    "Quinn",
    "Rahman",
    "Sutcliffe",
    "Thompson",
    "van der Berg",
    "Walsh",
    "Yilmaz",
]
ORGS = [
    "Lancashire County Council",
    "Preston City Council",
    "Lancashire Constabulary",
    "NHS Lancashire",
    "Citizens Advice",
    "The Salvation Army",
    "Lancashire Fire and Rescue Service",
    "DWP Jobcentre Plus",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def running_now() -> datetime:
    """A start an hour ago, to the second: the session is open for admission whenever the harness runs."""
    return (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)


def build_database(path: Path, registrations: int, seed: int = 7) -> tuple[Database, str, list[str]]:
    """A session running now with `registrations` bookings, written in bulk; returns its code and the
    badge codes."""
    rng = random.Random(seed)
    database = open_database(path)
    start = running_now()
    with database.session() as db:
        session = add_session(
            db, "CTY-0001", "County-wide training", "County Hall", start, capacity=registrations
        )
        key = session.programme.signing_key
        db.commit()
        session_id = session.id
    codes: list[str] = []
    delegates, bookings = [], []
    now = start.replace(tzinfo=None)
    for i in range(1, registrations + 1):
        first, last, org = rng.choice(FIRST), rng.choice(LAST), rng.choice(ORGS)
        email = f"{fold(first).replace(' ', '')}.{fold(last).replace(' ', '')}{i}@example.org"
        delegates.append(
            {
                "id": i,
                "uuid": str(uuid.UUID(int=i)),
                "first_name": first,
                "last_name": last,
                "badge_name": "",
                "organisation": org,
                "job_title": "Officer",
                "sector": "",
                "email": email,
                "phone": "",
                "access_needs": "",
                "dietary_needs": "",
                "consent": False,
                "search_key": fold(f"{first} {last} {org} {email}"),
                "surname_key": fold(f"{last} {first}"),
                "created_at": now,
                "updated_at": now,
            }
        )
        code = new_badge_code(key, token_bytes=rng.randbytes)
        codes.append(code)
        bookings.append(
            {
                "id": i,
                "uuid": str(uuid.UUID(int=10**9 + i)),
                "delegate_id": i,
                "session_id": session_id,
                "status": "booked",
                "status_reason": "",
                "source": "bench",
                "badge_code": code,
                "answers": {},
                "created_at": now,
                "updated_at": now,
            }
        )
    with database.session() as db:
        for start_at in range(0, registrations, 20_000):
            db.execute(insert(Delegate.__table__), delegates[start_at : start_at + 20_000])
            db.execute(insert(Registration.__table__), bookings[start_at : start_at + 20_000])
        db.commit()
    return database, "CTY-0001", codes


# ---- the measurements ------------------------------------------------------------------------------


def measure_scans(database: Database, code: str, badges: list[str], count: int = 400) -> list[float]:
    from checkin.desk.scanning import record_scan

    rng = random.Random(1)
    chosen = rng.sample(badges, min(count, len(badges)))
    times = []
    with database.session() as db:
        session = session_by_code(db, code)
        session_id = session.id
    for badge in chosen:
        with database.session() as db:  # one session per user action, as the desk does
            session = db.get(Session, session_id)
            started = time.perf_counter()
            record_scan(db, badge, session, desk="bench")
            times.append((time.perf_counter() - started) * 1000)
    return times


def measure_search(database: Database, code: str, count: int = 200) -> list[float]:
    from checkin.desk.search import search

    rng = random.Random(2)
    names = [fold(n)[:3] for n in FIRST + LAST if len(fold(n)) >= 3]
    times = []
    with database.session() as db:
        session_id = session_by_code(db, code).id
        for _ in range(count):
            started = time.perf_counter()
            search(db, rng.choice(names), session_id, limit=12)
            times.append((time.perf_counter() - started) * 1000)
    return times


def eventbrite_export(path: Path, rows: int) -> None:
    rng = random.Random(3)
    header = [
        "Order #",
        "Order Date",
        "First Name",
        "Last Name",
        "Email",
        "Quantity",
        "Price Tier",
        "Ticket Type",
        "Attendee #",
        "Group",
        "Order Type",
        "Currency",
        "Total Paid",
        "Fees Paid",
        "Eventbrite Fees",
        "Eventbrite Payment Processing",
        "Attendee Status",
        "Job Title",
        "Company",
        "Barcode #",
    ]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            writer.writerow(
                [
                    1_000_000 + i,
                    "2026-02-01 10:00",
                    first,
                    last,
                    f"{fold(first)}.{fold(last).replace(' ', '')}{i}@example.org",
                    1,
                    "",
                    "General Admission",
                    2_000_000 + i,
                    "",
                    "Free Order",
                    "GBP",
                    "0.00",
                    "0.00",
                    "0.00",
                    "0.00",
                    "Attending" if i % 40 else "Refunded",
                    "Officer",
                    rng.choice(ORGS),
                    f"{8_148_470_000_000_000_000 + i}",
                ]
            )


def measure_import(folder: Path, rows: int) -> float:
    from checkin.importing.applying import import_delegate_list

    export = folder / f"eventbrite-{rows}.csv"
    eventbrite_export(export, rows)
    database = open_database(folder / f"import-{rows}.sqlite3")
    with database.session() as db:
        add_session(
            db,
            "PRE-0312",
            "Spotting modern slavery",
            "Preston Town Hall",
            running_now(),
        )
        db.commit()
    with database.session() as db:
        session = session_by_code(db, "PRE-0312")
        started = time.perf_counter()
        import_delegate_list(db, export, session)
        db.commit()
        elapsed = time.perf_counter() - started
    database.dispose()
    return elapsed


def measure_badges(folder: Path) -> float:
    from checkin.printing.badges import render_badges
    from checkin.printing.stocks import stock_named

    database, code, _badges = build_database(folder / "badges.sqlite3", 1000, seed=5)
    with database.session() as db:
        session = session_by_code(db, code)
        started = time.perf_counter()
        render_badges(db, session, stock_named("avery-l4785"), folder / "badges.pdf")
        elapsed = time.perf_counter() - started
    database.dispose()
    return elapsed


def measure_guide(folder: Path) -> float:
    from checkin.printing.guide import render_guide

    started = time.perf_counter()
    for layout in ("a7-zine", "a6-booklet", "dl-trifold"):
        render_guide(folder / f"guide-{layout}.pdf", layout)
    return time.perf_counter() - started


def measure_camera() -> float:
    script = ROOT / "benchmarks" / "camera_decode.py"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(script), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    document = json.loads(result.stdout.strip().splitlines()[-1])
    return float(document["camera_decode_ms"])


def measure_sync(folder: Path) -> float:
    """10,000 check-in events made at one desk, pushed to a hub and pulled by another desk."""
    from pgserver import running_server

    from checkin.desk.scanning import record_scan
    from checkin.sync.hub import init_hub, sync_round

    with running_server() as server:
        hub = server.database_url(server.create_database("bench_hub"))
        database, code, badges = build_database(folder / "sync-a.sqlite3", 10_000, seed=9)
        init_hub(database, hub)
        other = open_database(folder / "sync-b.sqlite3")
        sync_round(other, hub)
        with database.session() as db:
            session = session_by_code(db, code)
            for badge in badges:
                record_scan(db, badge, session, desk="door-1")
        started = time.perf_counter()
        sync_round(database, hub)
        sync_round(other, hub)
        elapsed = time.perf_counter() - started
        with other.session() as db:
            from checkin.desk.roster import attendance

            arrived = len(attendance(db, session_by_code(db, code).id))
        if arrived != 10_000:
            raise RuntimeError(f"sync lost events: {arrived} of 10000 arrived")
        database.dispose()
        other.dispose()
    return elapsed


def measure_gui_stall() -> float | None:
    """The longest the window stopped answering (ms) while it imported, sorted, searched, printed and synced:
    benchmarks/gui_stall.py, its last line a JSON object of each activity's stall."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gui_stall.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
        cwd=ROOT,
    )
    try:
        return float(json.loads(result.stdout.strip().splitlines()[-1])["gui_stall_ms_max"])
    except (ValueError, IndexError, KeyError):
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-2000:])
        return None


def measure_propagation() -> float | None:
    script = ROOT / "benchmarks" / "propagation.py"
    if not script.exists():
        return None
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=ROOT,
    )
    try:
        return float(result.stdout.strip().splitlines()[-1])  # its last line is the p95 in seconds
    except (ValueError, IndexError):
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-2000:])
        return None


def measure_hub_load(desks: int, seconds: float, scans: int | None = None) -> dict[str, float]:
    """One run of benchmarks/hub_load.py: `desks` desk processes syncing through one hub (its JSON)."""
    command = [sys.executable, str(ROOT / "benchmarks" / "hub_load.py"), "--json", "--seconds", str(seconds)]
    if scans is not None:
        command += ["--scans", str(scans)]
    result = subprocess.run(
        [*command, str(desks)], capture_output=True, text=True, timeout=900, check=False, cwd=ROOT
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-2000:])
        raise RuntimeError(f"the hub load run with {desks} desks failed")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    if figures["lost"] or not figures["all_agree"] or not figures["duplicates_same_everywhere"]:
        raise RuntimeError(f"{desks} desks did not end with the same record: {figures}")
    return figures


def measure_shared_file_wait(folder: Path, desks: int = 8) -> float:
    """The longest a scan waits when `desks` programs scan the same 200 badges on one SQLite file at the
    same moments (the race of tests/test_one_writer.py, timed here instead of asserted there)."""
    database, code, _badges = build_database(folder / "shared.sqlite3", 200, seed=11)
    database.dispose()
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "rival_desks.py"),
            f"sqlite:///{folder / 'shared.sqlite3'}",
            code,
            str(desks),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        cwd=ROOT,
    )
    scans = json.loads(result.stdout)["scans"]
    admitted = sum(1 for *_scan, outcome, _seconds in scans if outcome == "admitted")
    if admitted != 200:
        raise RuntimeError(f"{admitted} admissions for 200 badges on one shared file")
    return max(seconds for *_scan, seconds in scans)


def measure_startup(folder: Path) -> float:
    """Cold start of the app to ready-to-scan: the process exits as soon as the desk input has focus."""
    database, code, _badges = build_database(folder / "startup.sqlite3", 1000, seed=11)
    database.dispose()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CHECKIN_EXIT_WHEN_READY": "1",
        "CHECKIN_SETTINGS": str(folder / "startup-settings.json"),
    }
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ui",
                "--db",
                str(folder / "startup.sqlite3"),
                "app",
                "--session",
                code,
            ],
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
            cwd=folder,
        )
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def measure_memory(folder: Path) -> float:
    """Resident memory of the app with 100,000 delegates and the roster open."""
    database, code, _badges = build_database(folder / "memory.sqlite3", 100_000, seed=13)
    database.dispose()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CHECKIN_SETTINGS": str(folder / "memory-settings.json"),
    }
    probe = ROOT / "benchmarks" / "memory_probe.py"
    result = subprocess.run(
        [sys.executable, str(probe), str(folder / "memory.sqlite3"), code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=ROOT,
    )
    return float(result.stdout.strip().splitlines()[-1])


# ---- the report -----------------------------------------------------------------------------------

TARGETS = {
    "scan_p50_ms_100k": None,
    "scan_p99_ms_100k": 16,
    "scan_p99_ms_1k": 10,
    "search_p99_ms_100k": 25,
    "import_s_10k": 1.5,
    "import_s_100k": 12,
    "badges_s_1000": 4,
    "guide_s": 1.5,
    "camera_decode_ms": 20,
    "sync_s_10k": 3,
    "propagation_p95_s": 0.5,
    "propagation_p95_s_10desks": 1.0,
    "hub_converge_s_50desks": 5,
    "shared_file_wait_s_8desks": 1,
    "startup_s": 2,
    "rss_mb_100k": 300,
    "gui_stall_ms_max": 50,
}


def _scans(folder: Path, results: dict[str, float | None]) -> None:
    big, code, badges = build_database(folder / "big.sqlite3", 100_000)
    scans = measure_scans(big, code, badges)
    results["scan_p50_ms_100k"] = statistics.median(scans)
    results["scan_p99_ms_100k"] = percentile(scans, 0.99)
    results["search_p99_ms_100k"] = percentile(measure_search(big, code), 0.99)
    big.dispose()
    small, code, badges = build_database(folder / "small.sqlite3", 1000)
    results["scan_p99_ms_1k"] = percentile(measure_scans(small, code, badges), 0.99)
    small.dispose()


def _imports(folder: Path, results: dict[str, float | None]) -> None:
    results["import_s_10k"] = measure_import(folder, 10_000)
    results["import_s_100k"] = measure_import(folder, 100_000)


def _printing(folder: Path, results: dict[str, float | None]) -> None:
    results["badges_s_1000"] = measure_badges(folder)
    results["guide_s"] = measure_guide(folder)


def _camera(_folder: Path, results: dict[str, float | None]) -> None:
    results["camera_decode_ms"] = measure_camera()


def _sync(folder: Path, results: dict[str, float | None]) -> None:
    results["sync_s_10k"] = measure_sync(folder)
    results["propagation_p95_s"] = measure_propagation()


def _hub(_folder: Path, results: dict[str, float | None]) -> None:
    # Ten desks at a busy door's pace (each scanning every 2 s); fifty scanning all 5,000 bookings in 100 s.
    results["propagation_p95_s_10desks"] = measure_hub_load(10, 60, scans=300)["propagation_p95_s"]
    results["hub_converge_s_50desks"] = measure_hub_load(50, 100)["converge_s"]


def _desks(folder: Path, results: dict[str, float | None]) -> None:
    results["shared_file_wait_s_8desks"] = measure_shared_file_wait(folder)


def _window(_folder: Path, results: dict[str, float | None]) -> None:
    results["gui_stall_ms_max"] = measure_gui_stall()


def _startup(folder: Path, results: dict[str, float | None]) -> None:
    results["startup_s"] = measure_startup(folder)
    results["rss_mb_100k"] = measure_memory(folder)


# name -> (what the progress line says, the measurements)
GROUPS: dict[str, tuple[str, Callable[[Path, dict[str, float | None]], None]]] = {
    "scans": ("scans and search at 100,000 and 1,000 registrations", _scans),
    "imports": ("imports", _imports),
    "printing": ("badges and guide", _printing),
    "camera": ("camera decode", _camera),
    "sync": ("sync through PostgreSQL, propagation between two desks", _sync),
    "hub": ("ten and fifty desks on one hub", _hub),
    "desks": ("eight desks scanning on one SQLite file", _desks),
    "startup": ("start-up and memory", _startup),
    "window": ("the longest the window stops answering (import, sort, search, badges, sync)", _window),
}


def run_all(progress: Callable[[str], None], groups: list[str] | None = None) -> dict[str, float | None]:
    results: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory(prefix="checkin-bench-") as temporary:
        for name in groups or GROUPS:
            label, measure = GROUPS[name]
            progress(label)
            measure(Path(temporary), results)
    return results


def table(results: dict[str, float | None]) -> str:
    lines = [
        f"Check-in Desk benchmarks — {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "",
        f"{'measure':<28}{'result':>12}{'target':>10}  ",
        "-" * 54,
    ]
    for key, target in TARGETS.items():
        value = results.get(key)
        shown = "n/a" if value is None else f"{value:.3g}" if value < 10 else f"{value:.1f}"
        verdict = "" if value is None or target is None else ("ok" if value <= target else "MISSED")
        lines.append(f"{key:<28}{shown:>12}{(target if target is not None else ''):>10}  {verdict}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Check-in Desk's benchmark harness")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(GROUPS),
        help="measure only this group (repeatable); the others are reported as n/a (null in JSON)",
    )
    args = parser.parse_args()
    quiet = args.json
    results = run_all(
        lambda step: None if quiet else print(f"… {step}", file=sys.stderr, flush=True), args.only
    )
    if args.json:
        print(json.dumps({key: results.get(key) for key in TARGETS}))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
