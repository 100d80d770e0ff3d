"""The start-up schema check reads the head revision from the migration files without Alembic; it
must agree with Alembic itself."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from storage.db import alembic_config, head_revision, make_engine, migrate, schema_is_current


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()


def test_an_empty_database_is_not_current_and_a_migrated_one_is(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine: Engine = make_engine(url)
    try:
        assert not schema_is_current(engine)
        migrate(url)
        assert schema_is_current(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
        assert not schema_is_current(engine)
    finally:
        engine.dispose()
