"""The PostgreSQL fixtures give a real, working server and a fresh database per test."""

from __future__ import annotations

import sqlalchemy as sa
from pgserver import PostgresServer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url


def test_a_table_can_be_created_filled_and_read(pg_database_url: str) -> None:
    engine = sa.create_engine(pg_database_url)
    try:
        metadata = sa.MetaData()
        delegates = sa.Table(
            "delegates",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("details", JSONB),
        )
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(
                delegates.insert(),
                [
                    {"name": "Zoë Ångström", "details": {"sector": "NHS"}},
                    {"name": "Nguyễn Văn An", "details": {"sector": "charity"}},
                ],
            )
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(delegates.c.name, delegates.c.details).order_by(delegates.c.id)
            )
            assert [tuple(row) for row in rows] == [
                ("Zoë Ångström", {"sector": "NHS"}),
                ("Nguyễn Văn An", {"sector": "charity"}),
            ]
            assert connection.dialect.name == "postgresql"
            assert connection.scalar(sa.text("select version()")).startswith("PostgreSQL ")
            assert connection.scalar(sa.text("show server_encoding")) == "UTF8"
    finally:
        engine.dispose()


def test_each_test_gets_its_own_empty_database(postgres_url: str, pg_database_url: str) -> None:
    assert make_url(postgres_url).database == "postgres"
    assert make_url(pg_database_url).database != "postgres"
    assert make_url(pg_database_url).port == make_url(postgres_url).port
    engine = sa.create_engine(pg_database_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_a_database_left_with_open_connections_is_still_dropped(postgres_server: PostgresServer) -> None:
    name = postgres_server.create_database()
    engine = sa.create_engine(postgres_server.database_url(name))
    connection = engine.connect()  # left open on purpose, as a careless test would
    connection.execute(sa.text("select 1"))
    postgres_server.drop_database(name)
    admin = sa.create_engine(postgres_server.url)
    try:
        with admin.connect() as check:
            remaining = check.scalar(
                sa.text("select count(*) from pg_database where datname = :n"), {"n": name}
            )
        assert remaining == 0
    finally:
        connection.invalidate()
        engine.dispose()
        admin.dispose()
