"""`:report` in the shell: play runs and watch an alert open and recover, without any platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import make_engine, make_sessionmaker, migrate
from tests.bot.test_shell import Shell
from tests.factories import add_proposal, add_tool, set_state


def test_report_plays_runs_into_an_alert_and_a_recovery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell = Shell(tmp_path, capsys)
    migrate(f"sqlite:///{shell.db}")
    engine = make_engine(f"sqlite:///{shell.db}")
    sessions = make_sessionmaker(engine)
    integration_id = add_proposal(
        sessions, add_tool(sessions, "Stripe"), add_tool(sessions, "Xero"), by="U0BOB0002"
    )
    set_state(sessions, integration_id, "live")
    engine.dispose()

    errors = "\n".join(f':report {integration_id} error "timeout <after> 30 s"' for _ in range(5))
    out = shell(
        f":report {integration_id} success\n{errors}\n:report 99 error\n:report {integration_id} exploded\n"
    )
    assert f"Reported a run of #{integration_id}: success (stored)" in out
    assert "needs attention: 4 of its last 5 runs" in out
    assert "There is no integration #99" in out
    assert ':report ID success|error|partial ["error message"] [records]' in out

    successes = "\n".join(f":report {integration_id} success" for _ in range(20))
    out = shell(successes + f"\n/patchbay health {integration_id}\n")
    assert "has recovered: error rate back to" in out
    assert "timeout &lt;after&gt; 30 s" not in out and "timeout <after> 30 s" in out
