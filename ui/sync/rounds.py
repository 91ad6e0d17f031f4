"""A sync round, without a widget: push this desk's outbox to the hub, pull and merge the other desks'
changes, count what is still waiting. No Qt here: the round runs in the sync service's own worker process
(`ui.base.processes`), so that merging 10,000 check-ins never holds the window up through the interpreter
lock. The worker keeps its connections (the hub's pool, the local database) from one round to the next,
and closes them when the service stops it."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from checkin.errors import UserError
from checkin.store.database import Database, connect_database
from checkin.sync.hub import SyncReport, hub_engine, pending_changes, sync_round

log = logging.getLogger("ui.sync.service")  # what a round logs reads as the service's, as it always has

CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class RoundResult:
    report: SyncReport | None
    error: str
    pending: int
    #: Which start() the round belongs to: a late result from before a stop is dropped.
    generation: int = 0


def shown_url(url: str) -> str:
    """The hub's address for people to read: never the password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url


#: In the worker process: the hub's engine (its pool of connections) and the local database, by address.
_hubs: dict[str, Engine] = {}
_locals: dict[str, Database] = {}


def _hub(address: str, fresh: bool) -> Engine:
    if fresh:
        forget_connections()
    if address not in _hubs:
        _hubs[address] = hub_engine(address, connect_timeout=CONNECT_TIMEOUT_S)
    return _hubs[address]


def _local(address: str) -> Database:
    if address not in _locals:
        _locals[address] = connect_database(address)
    return _locals[address]


def forget_connections() -> None:
    """Close the hub's connections (a new address or password takes effect with the next round)."""
    for engine in _hubs.values():
        engine.dispose()
    _hubs.clear()


def round_in_process(
    _progress: Callable[[int, int], None],
    database_address: str,
    url: str,
    hub_address: str,
    fresh: bool,
    generation: int,
) -> RoundResult:
    """One round in the worker: `url` is the hub's address as set (for messages), `hub_address` the one
    to connect with (its password filled in by the window's process, which holds the keyring's answer);
    `fresh` drops the connections kept from earlier rounds first."""
    database = _local(database_address)
    report: SyncReport | None = None
    error = ""
    try:
        report = sync_round(database, url, engine=_hub(hub_address, fresh))
    except UserError as problem:  # the hub away, a wrong password: said, and retried later
        error = str(problem)
    except sa_exc.ArgumentError:
        error = f"The hub address {shown_url(url)!r} is not a database URL (postgresql://user@host/db)."
    except Exception as bug:  # ours, not the hub's: logged with its traceback, retried later
        log.exception("sync round failed")
        error = f"Sync stopped on an unexpected error ({type(bug).__name__}); it is in the log."
    with database.session() as db:
        pending = pending_changes(db)
    return RoundResult(report, error, pending, generation)
