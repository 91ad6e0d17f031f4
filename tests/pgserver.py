"""A throwaway PostgreSQL server for the test suite: initdb into a temporary folder, start, stop."""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "postgres"
START_ATTEMPTS = 3


class ServerUnavailable(Exception):
    """PostgreSQL's server programs are not installed on this machine."""


class ServerFailed(Exception):
    """The programs are there but the server could not be set up or started."""


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    on_path = [shutil.which(name) for name in ("initdb", "pg_ctl")]
    if all(on_path):
        # Debian links these into PATH; the folder that matters is where the real programs live.
        bindir = Path(on_path[0]).resolve().parent
        if (bindir / "pg_ctl").exists():
            return bindir
        return Path(on_path[0]).parent

    def major_version(path: str) -> tuple[int, ...]:
        found = re.search(r"/postgresql/([\d.]+)/bin$", path)
        return tuple(int(part) for part in found.group(1).split(".") if part) if found else ()

    candidates = [
        path
        for path in glob.glob("/usr/lib/postgresql/*/bin")
        if os.path.exists(os.path.join(path, "initdb")) and os.path.exists(os.path.join(path, "pg_ctl"))
    ]
    if not candidates:
        return None
    return Path(max(candidates, key=major_version))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One server in its own folder, listening on 127.0.0.1 and a Unix socket in that folder."""

    def __init__(self, bindir: Path, settings: dict[str, str] | None = None) -> None:
        self.bindir = bindir
        #: Server settings beyond the defaults (such as max_connections for a load benchmark).
        self.settings = settings or {}
        self.port = 0
        # PostgreSQL refuses to run as root, so then it runs as the postgres user, which must be able
        # to reach the folder: mkdtemp under /tmp gives a 0700 folder whose parents are world-searchable.
        self.run_as = SUPERUSER if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="checkin-pg-", dir="/tmp"))
        self.datadir = self.root / "data"
        self.logfile = self.root / "server.log"
        self.started = False
        if self.run_as:
            try:
                account = pwd.getpwnam(self.run_as)
            except KeyError as error:
                raise ServerFailed(
                    f"running as root, but there is no '{self.run_as}' user to run PostgreSQL as"
                ) from error
            os.chown(self.root, account.pw_uid, account.pw_gid)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the server's default database."""
        return self.database_url(SUPERUSER)

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def conninfo(self, dbname: str = SUPERUSER) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            if shutil.which("runuser"):
                command = ["runuser", "-u", self.run_as, "--", *command]
            else:
                command = ["su", "-s", "/bin/sh", self.run_as, "-c", shlex.join(command)]
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_ALL"] = "C"
        # The working folder must be one the postgres user can enter, or initdb complains.
        return subprocess.run(
            command, cwd=self.root, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace")[-4000:] if self.logfile.exists() else ""
            raise ServerFailed(
                f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}\n{log}".rstrip()
            )

    def start(self) -> None:
        result = self._run(
            "initdb",
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
            "-D",
            str(self.datadir),
        )
        self._check(result, "initdb")
        for attempt in range(1, START_ATTEMPTS + 1):
            # Another process may take the port between choosing it and the server binding it.
            self.port = free_port()
            options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            options += "".join(f" -c {name}={value}" for name, value in self.settings.items())
            result = self._run(
                "pg_ctl",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.datadir),
                "-l",
                str(self.logfile),
                "-o",
                options,
                "start",
            )
            if result.returncode == 0:
                self.started = True
                return
            if attempt == START_ATTEMPTS:
                self._check(result, "pg_ctl start")

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-w", "-D", str(self.datadir), "stop", "-m", "fast")
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, prefix: str = "checkin_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.conninfo(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        # FORCE ends connections a test left open (an engine it never disposed of).
        with psycopg.connect(self.conninfo(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def running_server(settings: dict[str, str] | None = None) -> Iterator[PostgresServer]:
    """A started server, stopped and deleted on exit. Raises ServerUnavailable or ServerFailed."""
    bindir = find_bindir()
    if bindir is None:
        raise ServerUnavailable(
            "PostgreSQL's server programs (initdb, pg_ctl) were not found on PATH or in "
            "/usr/lib/postgresql/*/bin; run scripts/setup, which installs the 'postgresql' package"
        )
    server = PostgresServer(bindir, settings)
    try:
        server.start()
        yield server
    finally:
        server.stop()
