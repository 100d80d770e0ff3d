"""`patchbay run --http-port N`: Socket Mode for Slack, and run reports, /healthz and /metrics over HTTP.

A real `patchbay run` process against the local Slack and the local Socket Mode endpoint: the owner
connects run reports over the socket, then the platform posts runs to the HTTP port with the token.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.playground.localslack import LocalSlack
from bot.playground.localsocket import LocalSocketMode, SocketDriver
from storage.models import Run, RunHour
from tests.bot.runs_client import declared_only, post_runs, run
from tests.bot.test_cli import env_for, free_port, wait_for
from tests.bot.test_socket_mode import APP_TOKEN
from tests.conftest import BOB, START
from tests.factories import add_proposal, add_tool, set_state


@pytest.fixture
def endpoint(slack: LocalSlack) -> Iterator[LocalSocketMode]:
    socket = LocalSocketMode().start().attach(slack)
    yield socket
    socket.stop()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _listening(url: str) -> bool:
    try:
        return _get(url)[0] == 200
    except OSError:
        return False


def _connect_over_socket(driver: SocketDriver, slack: LocalSlack, integration_id: int, *, user: str) -> str:
    """Press Connect run reports on the card and Create token in the modal; the token shown once."""
    blocks = driver.command(f"show {integration_id}", user=user).json["blocks"]
    button = next(
        element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("text", {}).get("text") == "Connect run reports"
    )
    driver.click(button, user=user)
    wait_for(lambda: bool(slack.last_view_id))
    reply = driver.submit(slack.views[slack.last_view_id], {}, user=user)
    text = reply.json["view"]["blocks"][0]["text"]["text"]
    return str(text.split("```")[1])


def test_patchbay_run_serves_run_reports_healthz_and_metrics_on_its_http_port(
    slack: LocalSlack,
    endpoint: LocalSocketMode,
    database_url: str,
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    source, target = add_tool(sessions, "Salesforce"), add_tool(sessions, "Asana")
    integration_id = add_proposal(sessions, source, target)  # owned by Bob
    set_state(sessions, integration_id, "live")
    port = free_port()
    env = {
        **env_for(slack, tmp_path / "unused.db"),
        "DATABASE_URL": database_url,
        "SLACK_APP_TOKEN": APP_TOKEN,
    }
    del env["SLACK_SIGNING_SECRET"]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--no-scheduler",
            "--host",
            "127.0.0.1",
            "--http-port",
            str(port),
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    token = ""
    try:
        endpoint.wait_connections(1, timeout=30)
        wait_for(lambda: _listening(base + "/metrics"), timeout=30)
        driver = SocketDriver(socket=endpoint, slack=slack)
        token = _connect_over_socket(driver, slack, integration_id, user=BOB)
        assert token.startswith("pbr_")

        batch = {"runs": [run(f"r{i}", at=START + timedelta(minutes=i)) for i in range(3)]}
        first = post_runs(base + "/runs", batch, token=token)
        assert (first.status, first.body) == (200, {"accepted": 3, "duplicates": 0})
        again = post_runs(base + "/runs", {"runs": [*batch["runs"], run("r3", at=START)]}, token=token)
        assert (again.status, again.body) == (200, {"accepted": 1, "duplicates": 3})

        # The same refusals as `patchbay serve`, answered by the same intake.
        assert post_runs(base + "/runs", batch, token=None).status == 401
        assert post_runs(base + "/runs", batch, token="pbr_" + "x" * 43).status == 401
        bad = post_runs(base + "/runs", {"runs": [{**batch["runs"][0], "status": "fine"}]}, token=token)
        assert bad.status == 422 and list(bad.body["fields"]) == ["runs.0.status"]
        assert declared_only(base + "/runs", token, 3 * 1024 * 1024).startswith(b"HTTP/1.1 413")

        with sessions() as session:
            assert session.scalar(select(func.count()).select_from(Run)) == 4
            assert session.scalar(select(func.sum(RunHour.runs))) == 4

        status, body = _get(base + "/healthz")
        assert status == 200 and '"database": "ok"' in body
        status, metrics = _get(base + "/metrics")
        assert status == 200
        assert "patchbay_run_reports_total 7.0" in metrics
        assert 'patchbay_run_reports_rejected_total{reason="unauthorized"} 2.0' in metrics
        assert 'patchbay_run_reports_rejected_total{reason="invalid"} 1.0' in metrics
        # Slack's requests arrive over the socket: the HTTP port has no /slack/events.
        request = urllib.request.Request(base + "/slack/events", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 404
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "Traceback" not in output and APP_TOKEN not in output
    assert token and token not in output


def test_a_port_that_is_not_one_is_refused_before_anything_starts(slack: LocalSlack, tmp_path: Path) -> None:
    env = {**env_for(slack, tmp_path / "p.db"), "SLACK_APP_TOKEN": APP_TOKEN}
    for bad in ("0", "70000", "http"):
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "run", "--http-port", bad],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2 and f"not a port number: {bad}" in result.stderr
        assert "Traceback" not in result.stderr
    assert not slack.calls_to("apps.connections.open")
