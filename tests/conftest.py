"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pgserver import PostgresServer, ServerUnavailable, running_server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server in a temporary folder, started once for the session."""
    try:
        with running_server() as server:
            yield server
    except ServerUnavailable as missing:
        # CI sets this, so a machine without PostgreSQL fails loudly instead of passing by skipping.
        if os.environ.get("CHECKIN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{missing} (CHECKIN_REQUIRE_POSTGRES=1, so this is an error)", pytrace=False)
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of the test server's default database: postgresql+psycopg://postgres@127.0.0.1:PORT/postgres."""
    return postgres_server.url


@pytest.fixture
def pg_database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty database for this test alone, dropped afterwards."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.database_url(name)
    finally:
        postgres_server.drop_database(name)
