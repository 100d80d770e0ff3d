"""`patchbay runs import FILE`: an iPaaS's run-history export, with the same checks as POST /runs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.localslack import LocalSlack
from storage.db import make_engine, make_sessionmaker
from storage.models import AuditEvent, Run, RunHour
from tests.bot.test_cli import env_for, patchbay
from tests.factories import add_proposal, add_tool, set_state

CSV = (
    "run_id,status,started_at,finished_at,records,error\n"
    "1001,success,2026-11-20T10:00:00Z,2026-11-20T10:00:05Z,12,\n"
    "1002,error,2026-11-20T11:00:00Z,2026-11-20T11:00:09Z,0,"
    "HubSpot said 429 (token ghp_abcdefghijklmnopqrstuvwxyz)\n"
    "1003,exploded,2026-11-20T12:00:00Z,2026-11-20T12:00:01Z,,\n"
    "1001,success,2026-11-20T10:00:00Z,2026-11-20T10:00:05Z,12,\n"
)
JSONL = (
    '{"run_id": "2001", "status": "partial", "started_at": "2026-11-21T10:00:00+01:00",'
    ' "finished_at": "2026-11-21T10:01:00+01:00", "records": 7}\n'
    "\n"
    "{not json\n"
    '{"run_id": "2002", "status": "success", "started_at": "2026-11-21T10:00:00"}\n'
)


def test_runs_import_from_csv_and_json_lines_stores_each_run_once(tmp_path: Path, slack: LocalSlack) -> None:
    env = env_for(slack, tmp_path / "patchbay.db")
    assert patchbay("migrate", env=env, cwd=tmp_path).returncode == 0
    sessions = make_sessionmaker(make_engine(env["DATABASE_URL"]))
    integration_id = add_proposal(sessions, add_tool(sessions, "HubSpot"), add_tool(sessions, "Asana"))

    (tmp_path / "runs.csv").write_text(CSV)
    refused = patchbay(
        "runs", "import", "runs.csv", "--integration", str(integration_id), env=env, cwd=tmp_path
    )
    assert refused.returncode == 2 and "runs are imported for live integrations" in refused.stderr
    set_state(sessions, integration_id, "live")

    result = patchbay(
        "runs", "import", "runs.csv", "--integration", str(integration_id), env=env, cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert "line 4  rejected  status: Input should be 'success', 'error' or 'partial'" in result.stdout
    assert "2 stored, 1 already stored, 1 rejected" in result.stdout

    (tmp_path / "runs.jsonl").write_text(JSONL)
    result = patchbay(
        "runs", "import", "runs.jsonl", "--integration", str(integration_id), env=env, cwd=tmp_path
    )
    assert "line 3  rejected  line: not JSON" in result.stdout
    assert (
        "line 4  rejected  started_at: Input should have timezone info; finished_at: Field required"
        in result.stdout
    )
    assert "1 stored, 0 already stored, 2 rejected" in result.stdout

    with sessions() as session:
        runs = {r.run_id: r for r in session.scalars(select(Run))}
        assert sorted(runs) == ["1001", "1002", "2001"]
        assert runs["1002"].error == "HubSpot said 429 (token [redacted])"
        assert runs["2001"].finished_at.hour == 9 and runs["2001"].duration_ms == 60_000
        assert session.scalar(select(func.sum(RunHour.runs))) == 3
        imported = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "integration.runs_imported")
        ).all()
        assert [e.after for e in imported] == [
            {"accepted": 2, "duplicates": 1, "rejected": 1},
            {"accepted": 1, "duplicates": 0, "rejected": 2},
        ]
