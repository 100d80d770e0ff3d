"""`patchbay backup FILE`: a consistent copy of a SQLite database while writers keep writing."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlalchemy import func, select

from bot.localslack import LocalSlack
from commands.actor import SYSTEM
from commands.tools import ToolDraft, register_tool
from commands.vocabulary import Category
from storage.db import make_engine, make_sessionmaker, migrate, session_scope
from storage.models import Tool
from tests.bot.test_cli import env_for, patchbay
from tests.conftest import BOB, START


def keep_registering(url: str, stop: threading.Event, registered: list[int]) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    n = 0
    while not stop.is_set():
        n += 1
        draft = ToolDraft(name=f"Tool {n}", category=Category("crm"), owner_id=BOB, notes="x" * 500)
        with session_scope(sessions) as session:
            register_tool(session=session, actor=SYSTEM, draft=draft, now=START)
        registered.append(n)
    engine.dispose()


def counts(path: Path) -> tuple[int, int, str]:
    with sqlite3.connect(path) as copy:
        tools = copy.execute("SELECT count(*) FROM tools").fetchone()[0]
        audit = copy.execute("SELECT count(*) FROM audit_events WHERE action = 'tool.registered'")
        audit = audit.fetchone()[0]
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
    return tools, audit, check


def test_backup_copies_a_consistent_snapshot_while_another_thread_writes(tmp_path: Path) -> None:
    db = tmp_path / "patchbay.db"
    url = f"sqlite:///{db}"
    migrate(url)
    stop, registered = threading.Event(), []
    writer = threading.Thread(target=keep_registering, args=(url, stop, registered))
    writer.start()
    try:
        while len(registered) < 50:
            threading.Event().wait(0.01)
        slack = LocalSlack().start()
        before = len(registered)
        result = patchbay("backup", str(tmp_path / "copy.db"), env=env_for(slack, db), cwd=tmp_path)
        slack.stop()
        during = len(registered)
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    tools, audit, check = counts(tmp_path / "copy.db")
    assert check == "ok"
    assert 50 <= tools <= during and audit == tools  # one moment: every tool with its audit row
    assert not (tmp_path / "copy.db.partial").exists()
    with make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'copy.db'}"))() as session:
        assert session.scalar(select(func.count()).select_from(Tool)) == tools
        assert session.scalar(select(Tool.name).where(Tool.id == 1)) == "Tool 1"
    assert during > before  # the writer was never held up while the copy was made


def test_backup_refuses_postgresql_and_points_to_pg_dump(tmp_path: Path) -> None:
    slack = LocalSlack().start()
    env = env_for(slack, tmp_path / "unused.db")
    env["DATABASE_URL"] = "postgresql+psycopg://patchbay:patchbay@127.0.0.1/patchbay"
    result = patchbay("backup", str(tmp_path / "copy.db"), env=env, cwd=tmp_path)
    slack.stop()
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "copy.db").exists()


def test_backup_refuses_to_overwrite_the_database_or_copy_a_missing_one(tmp_path: Path) -> None:
    slack = LocalSlack().start()
    db = tmp_path / "patchbay.db"
    missing = patchbay("backup", str(tmp_path / "copy.db"), env=env_for(slack, db), cwd=tmp_path)
    migrate(f"sqlite:///{db}")
    itself = patchbay("backup", str(db), env=env_for(slack, db), cwd=tmp_path)
    slack.stop()
    assert missing.returncode == 2 and "no database" in missing.stderr
    assert itself.returncode == 2 and "must not be the database itself" in itself.stderr


def test_backup_creates_the_directory_it_is_asked_to_write_into(tmp_path: Path) -> None:
    slack = LocalSlack().start()
    db = tmp_path / "patchbay.db"
    migrate(f"sqlite:///{db}")
    target = tmp_path / "backups" / "patchbay-2026-11-24.db"  # as in the README, before backups/ exists
    result = patchbay("backup", str(target), env=env_for(slack, db), cwd=tmp_path)
    slack.stop()
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and target.exists()
    assert counts(target)[2] == "ok"
