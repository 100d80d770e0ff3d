"""Engine, sessions and the schema check shared by every entry point."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE writes."""
    if is_sqlite(url):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        pooling = {} if in_memory else {"pool_size": 10, "max_overflow": 50}
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **pooling)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    writer = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Threads of this process queue on a lock of their own, in order, rather than in SQLite's
        # busy handler, which sleeps and lets some threads starve; the lock is held until the
        # connection goes back to the pool, after its commit or rollback.
        if not conn.info.get("writer"):
            writer.acquire()
            conn.info["writer"] = True
        # Take SQLite's write lock up front so writers (in other processes too) queue instead of
        # failing with "database is locked".
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop("writer", False):
            writer.release()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def connection_scope(factory: sessionmaker[Session]) -> Iterator[Connection]:
    """One transaction on a Core connection, for a hot path that loads no objects (POST /runs):
    commit when the block ends, roll back if it raises. `bound_session` adds a Session to it."""
    engine: Engine = factory.kw["bind"]
    with engine.begin() as connection:
        yield connection


@contextmanager
def bound_session(factory: sessionmaker[Session], connection: Connection) -> Iterator[Session]:
    """A Session inside `connection`'s transaction, flushed when the block ends; the transaction is
    the connection's to commit or roll back."""
    session = factory(bind=connection, join_transaction_mode="rollback_only")
    try:
        yield session
        session.flush()
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # Alembic loads only to migrate (about 11 MiB)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the database at `url` to the latest revision."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")


def head_revision() -> str:
    """The latest revision in migrations/versions, read from the files without loading Alembic.

    A revision is the head when no other names it as its `down_revision`; the storage tests check
    that this agrees with Alembic's own `ScriptDirectory.get_current_head()`.
    """
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("[!_]*.py")):
        names: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Constant):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update({t.id: node.value.value for t in targets if isinstance(t, ast.Name)})
        revision, down = names.get("revision"), names.get("down_revision")
        if isinstance(revision, str):
            revisions[revision] = down if isinstance(down, str) else None
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise RuntimeError(f"migrations/versions has {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the head revision (read from alembic_version, Alembic not loaded)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return current == [head_revision()]
