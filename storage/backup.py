"""A consistent copy of a SQLite database while the bot keeps using it (SQLite's online backup API).

PostgreSQL is backed up with its own tools (`pg_dump`); see the README.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import is_sqlite


class BackupRefused(Exception):
    """The backup cannot be made; the message says why and what to do instead."""


def sqlite_path(url: str) -> Path:
    """The file a sqlite:/// URL names."""
    if not is_sqlite(url):
        raise BackupRefused(
            "`patchbay backup` copies SQLite databases only; back up PostgreSQL with pg_dump "
            '(for example `pg_dump --format=custom --file=patchbay.dump "$DATABASE_URL"`, '
            "with the URL written as postgresql://...)"
        )
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupRefused("DATABASE_URL names an in-memory SQLite database: there is no file to back up")
    return Path(database)


def backup_sqlite(url: str, destination: Path) -> int:
    """Copy the database at `url` into `destination`; return the copy's size in bytes.

    The copy is made in one step inside a read transaction, so it is the database as of one moment.
    Patchbay runs SQLite in WAL mode, where a reader never blocks writers: the bot keeps working.
    The copy is written beside `destination` (its directory is created if need be) and renamed into
    place only when it is complete.
    """
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise BackupRefused(f"no database at {source_path}")
    destination = destination.resolve()
    if destination == source_path.resolve():
        raise BackupRefused("the backup file must not be the database itself")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    except BaseException:
        target.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        target.close()
        source.close()
    partial.replace(destination)
    return destination.stat().st_size
