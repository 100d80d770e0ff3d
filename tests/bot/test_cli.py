"""The `patchbay` command as a user runs it: real processes, real files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.playground.driver import SlackDriver
from bot.playground.localslack import LocalSlack
from tests.conftest import ALICE, BOB

SECRET = "cli-secret"


def env_for(slack: LocalSlack, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PATCHBAY_", "DATABASE_URL"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-cli",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{db}",
        PATCHBAY_ADMINS=ALICE,
        **extra,
    )
    return env


def patchbay(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("patchbay serve did not come up")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def stand_in() -> Iterator[LocalSlack]:
    slack = LocalSlack().start()
    yield slack
    slack.stop()


def wait_for(predicate, timeout: float = 10) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_missing_setting_stops_startup_with_one_line_naming_it(
    tmp_path: Path, stand_in: LocalSlack
) -> None:
    env = env_for(stand_in, tmp_path / "p.db")
    del env["SLACK_SIGNING_SECRET"]
    result = patchbay("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "patchbay: setting SLACK_SIGNING_SECRET is missing: set it in the environment or in .env"
    ]
    env["SLACK_SIGNING_SECRET"] = "x"
    env["PATCHBAY_ADMINS"] = "alice"
    result = patchbay("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "PATCHBAY_ADMINS" in result.stderr and "Traceback" not in result.stderr
    env["PATCHBAY_ADMINS"] = ALICE
    env["PATCHBAY_ESCALATE_AFTER_DAYS"] = "0"  # a field of the policy, set from the environment
    result = patchbay("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "patchbay: setting PATCHBAY_ESCALATE_AFTER_DAYS is invalid:"
        " Input should be greater than or equal to 1"
    ]


def test_settings_come_from_a_dotenv_file(tmp_path: Path, stand_in: LocalSlack) -> None:
    env = env_for(stand_in, tmp_path / "p.db")
    del env["SLACK_BOT_TOKEN"]
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=not-a-bot-token\n")
    result = patchbay("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "SLACK_BOT_TOKEN" in result.stderr


def test_serve_answers_help_fast_and_a_registered_tool_survives_a_restart(
    tmp_path: Path, stand_in: LocalSlack
) -> None:
    env = env_for(stand_in, tmp_path / "patchbay.db")
    server = Served(env, tmp_path)  # the SQLite default is migrated on first start
    try:
        driver = SlackDriver(
            app_url=f"http://127.0.0.1:{server.port}/slack/events", secret=SECRET, slack=stand_in
        )
        started = time.monotonic()
        reply = driver.command("help", user=BOB)
        assert time.monotonic() - started < 1.5
        assert "/patchbay tool add" in reply.body
        driver.command("tool add HubSpot", user=BOB)
        wait_for(lambda: stand_in.last_view_id)
        reply = driver.submit(stand_in.views[stand_in.last_view_id], {"category": "crm"}, user=BOB)
        assert reply.status == 200 and reply.body == ""
        wait_for(lambda: stand_in.calls_to("chat.postMessage"))
    finally:
        server.stop()
    server = Served(env, tmp_path)
    try:
        driver = SlackDriver(
            app_url=f"http://127.0.0.1:{server.port}/slack/events", secret=SECRET, slack=stand_in
        )
        card = driver.command("tool hubspot", user=ALICE).json
        assert "*HubSpot*" in card["blocks"][0]["text"]["text"]
    finally:
        server.stop()


def test_import_and_export_tools_from_the_command_line(tmp_path: Path, stand_in: LocalSlack) -> None:
    env = env_for(stand_in, tmp_path / "patchbay.db")
    assert patchbay("migrate", env=env, cwd=tmp_path).returncode == 0
    source = tmp_path / "inventory.csv"
    source.write_text(
        "name,category,owner,data,integration_options,url,monthly_cost\n"
        "Asana,Project management,bob@example.com,Tasks,Public REST API,https://asana.com,10\n"
        "Ghost,CRM,nobody@example.com,,,,\n"
    )
    result = patchbay("import", "tools", str(source), env=env, cwd=tmp_path)
    assert result.returncode == 1  # one row was rejected
    assert "line 2  added      Asana" in result.stdout
    assert "line 3  rejected   Ghost: owner: no Slack user found for nobody@example.com" in result.stdout
    assert "1 added, 0 updated, 0 unchanged, 1 rejected" in result.stdout
    out = tmp_path / "out.csv"
    exported = patchbay("export", "tools", str(out), env=env, cwd=tmp_path)
    assert exported.returncode == 0
    assert exported.stderr == ""  # no alembic INFO lines on every command
    assert (
        "Asana,Project management,U0BOB0002,Tasks,Public REST API,https://asana.com,10.00" in out.read_text()
    )


def test_export_plan_writes_the_decision_table(tmp_path: Path, stand_in: LocalSlack) -> None:
    env = env_for(stand_in, tmp_path / "patchbay.db")
    assert patchbay("migrate", env=env, cwd=tmp_path).returncode == 0
    from storage.db import make_engine, make_sessionmaker
    from tests.factories import add_proposal, add_tool

    sessions = make_sessionmaker(make_engine(env["DATABASE_URL"]))
    add_proposal(sessions, add_tool(sessions, "Salesforce"), add_tool(sessions, "Asana"), title="Won deals")
    result = patchbay("export", "plan", env=env, cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0] == "id,integration,method,reason,effort_hours,owner,score,payback_months,status"
    assert lines[1] == (
        "1,Won deals (Salesforce -> Asana),iPaaS: Zapier,Both tools have Zapier connectors,"
        "8.00,U0BOB0002,12,1.0,Proposed"
    )


def test_export_audit_writes_json_lines_since_a_date(tmp_path: Path, stand_in: LocalSlack) -> None:
    import json

    env = env_for(stand_in, tmp_path / "patchbay.db")
    assert patchbay("migrate", env=env, cwd=tmp_path).returncode == 0
    from storage.db import make_engine, make_sessionmaker
    from tests.factories import add_tool

    sessions = make_sessionmaker(make_engine(env["DATABASE_URL"]))
    add_tool(sessions, "Salesforce")
    lines = patchbay("export", "audit", env=env, cwd=tmp_path).stdout.splitlines()
    event = json.loads(lines[0])
    assert (event["action"], event["entity"], event["after"]["name"]) == (
        "tool.registered",
        "tool",
        "Salesforce",
    )
    assert patchbay("export", "audit", "--since", "2099-01-01", env=env, cwd=tmp_path).stdout == ""
    bad = patchbay("export", "audit", "--since", "soon", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "--since wants a date" in bad.stderr


def test_serve_warns_at_start_about_missing_roles_and_channel(tmp_path: Path, stand_in: LocalSlack) -> None:
    server = Served(env_for(stand_in, tmp_path / "patchbay.db"), tmp_path)
    server.stop()
    assert server.process.stdout is not None
    output = server.process.stdout.read()
    assert "no security reviewer is set (PATCHBAY_SECURITY_REVIEWERS or PATCHBAY_SECURITY_GROUP)" in output
    assert "no approver is set" in output and "PATCHBAY_GOVERNANCE_CHANNEL is not set" in output
    assert "no admin is set" not in output  # PATCHBAY_ADMINS is
    configured = env_for(
        stand_in,
        tmp_path / "patchbay.db",
        PATCHBAY_SECURITY_GROUP="S0SECURITY",
        PATCHBAY_APPROVERS=BOB,
        PATCHBAY_GOVERNANCE_CHANNEL="C0GOVERN",
    )
    server = Served(configured, tmp_path)
    server.stop()
    assert server.process.stdout is not None
    assert "see the README" not in server.process.stdout.read()
