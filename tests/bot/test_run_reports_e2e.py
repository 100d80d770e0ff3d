"""Connecting run reports and POST /runs on the running app: tokens, validation, exactly once."""

from __future__ import annotations

import io
import json
import threading
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import ManualClock
from bot.playground.executor import TrackingExecutor
from bot.settings import Settings
from bot.web.http import BackgroundServer, make_wsgi
from storage.models import AuditEvent, Incident, IngestToken, Run, RunHour
from tests.bot.runs_client import card_button, connect, declared_only, post_runs, run, runs_url
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay
from tests.factories import add_proposal, add_tool, set_state


def live_integration(patchbay: Patchbay) -> int:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    integration_id = add_proposal(patchbay.sessions, source, target)  # owned by Bob
    set_state(patchbay.sessions, integration_id, "live")
    return integration_id


def _post_wsgi(patchbay: Patchbay, token: str, body: bytes) -> tuple[int, bytes]:
    """POST /runs by calling the WSGI app in-process, as a server without a body cap would."""
    started: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/runs",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.input": io.BytesIO(body),
    }
    answer = b"".join(patchbay.wsgi(environ, lambda status, headers, *exc: started.append(status)))
    return int(started[0].split(" ", 1)[0]), answer


def test_the_owner_connects_run_reports_and_the_token_is_shown_once_and_kept_as_a_hash(
    patchbay: Patchbay,
) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    integration_id = add_proposal(patchbay.sessions, source, target)
    assert "Connect run reports" not in str(patchbay.command(f"show {integration_id}", user=BOB).json)
    set_state(patchbay.sessions, integration_id, "live")

    patchbay.click(card_button(patchbay, integration_id, "Connect run reports", user=FRANK), user=FRANK)
    assert "Only the owner <@U0BOB0002> or a Patchbay admin" in str(patchbay.responses())
    assert not patchbay.slack.last_view_id

    token = connect(patchbay, integration_id, user=BOB)
    assert token.startswith("pbr_") and len(token) > 40
    with patchbay.sessions() as session:
        stored = session.scalars(select(IngestToken)).one()
        assert stored.token_hash != token and token not in stored.token_hash and stored.revoked_at is None
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("integration.run_token%"))
        ).all()
        assert [e.action for e in events] == ["integration.run_token_issued"]
        assert token not in str(events[0].after)

    url = runs_url(patchbay)
    assert post_runs(url, run("r1", at=START), token=token).status == 200

    patchbay.click(card_button(patchbay, integration_id, "Connect run reports", user=ALICE), user=ALICE)
    assert "A new one stops the old one" in str(patchbay.last_view()["blocks"])
    rotated = connect(patchbay, integration_id, user=ALICE)
    assert post_runs(url, run("r2", at=START), token=token).status == 401
    assert post_runs(url, run("r2", at=START), token=rotated).status == 200

    reason = {"reason": "Zap keeps failing"}
    suspend = card_button(patchbay, integration_id, "Suspend", user=BOB)
    patchbay.click(suspend, user=BOB)
    assert patchbay.submit(patchbay.last_view(), reason, user=BOB).status == 200
    revoked = post_runs(url, run("r3", at=START), token=rotated)
    assert revoked.status == 401 and revoked.body["error"] == "unauthorized"
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 2
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("%run_token%"))
        ).all()
        assert actions == [
            "integration.run_token_issued",
            "integration.run_token_rotated",
            "integration.run_token_revoked",
        ]


def test_runs_are_stored_once_and_every_bad_field_is_named(patchbay: Patchbay) -> None:
    integration_id = live_integration(patchbay)
    token = connect(patchbay, integration_id, user=BOB)
    url = runs_url(patchbay)

    one = post_runs(url, run("r1", at=START), token=token)
    assert (one.status, one.body) == (200, {"accepted": 1, "duplicates": 0})
    again = post_runs(url, run("r1", at=START), token=token)
    assert again.body == {"accepted": 0, "duplicates": 1}
    batch = {
        "runs": [
            run(f"b{i}", "error" if i % 2 else "success", at=START + timedelta(minutes=i)) for i in range(6)
        ]
    }
    assert post_runs(url, batch, token=token).body == {"accepted": 6, "duplicates": 0}

    bad = {
        "runs": [
            run("ok", at=START),
            {**run("x", at=START), "status": "exploded"},
            {**run("y", at=START), "finished_at": "yesterday"},
            {"run_id": "", "status": "success"},
            {**run("z", at=START), "records": -1, "token": "extra"},
        ]
    }
    refused = post_runs(url, bad, token=token)
    assert refused.status == 422 and refused.body["error"] == "invalid"
    fields = refused.body["fields"]
    assert {
        "runs.1.status",
        "runs.2.finished_at",
        "runs.3.run_id",
        "runs.3.started_at",
        "runs.4.records",
    } <= set(fields)
    assert "runs.4.token" in fields
    backwards = post_runs(url, run("w", at=START, seconds=-5), token=token)
    assert backwards.status == 422 and "finished_at is before started_at" in str(backwards.body["fields"])
    assert post_runs(url, {"runs": [run(f"m{i}", at=START) for i in range(501)]}, token=token).status == 422
    assert post_runs(url, None, token=token, raw=b"{not json").status == 400
    assert post_runs(url, run("r9", at=START), token=None).status == 401
    assert post_runs(url, run("r9", at=START), token="pbr_guessed").status == 401
    # Over 2 MiB, waitress refuses the body before reading it (its cap is the larger of the two
    # fronts' caps); behind a server without one, the intake refuses it by the declared length.
    assert declared_only(url, token, 2 * 1024 * 1024 + 1).startswith(b"HTTP/1.1 413")
    status, answer = _post_wsgi(patchbay, token, b" " * (2 * 1024 * 1024 + 1))
    assert status == 413 and json.loads(answer)["error"] == "too_large"

    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 7
        hours = session.scalars(select(RunHour)).all()
        assert sum(h.runs for h in hours) == 7 and sum(h.errors for h in hours) == 3
        assert sum(h.records for h in hours) == 70


def test_error_messages_are_scrubbed_of_secrets_before_they_are_stored(patchbay: Patchbay) -> None:
    integration_id = live_integration(patchbay)
    token = connect(patchbay, integration_id, user=BOB)
    leaked = "401 from Slack with xoxb-1234567890-abcdefghij <script>"
    assert (
        post_runs(runs_url(patchbay), run("r1", "error", at=START, error=leaked), token=token).status == 200
    )
    with patchbay.sessions() as session:
        assert session.scalars(select(Run.error)).one() == "401 from Slack with [redacted] <script>"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.mark.parametrize(
    "settings_overrides", [{"patchbay_run_reports_burst": 3, "patchbay_run_reports_per_minute": 6}]
)
def test_more_than_a_fair_rate_per_token_gets_429_with_retry_after(patchbay: Patchbay) -> None:
    integration_id = live_integration(patchbay)
    token = connect(patchbay, integration_id, user=BOB)
    url = runs_url(patchbay)
    answers = [post_runs(url, run(f"r{i}", at=START), token=token) for i in range(4)]
    assert [a.status for a in answers] == [200, 200, 200, 429]
    assert answers[3].body["error"] == "rate_limited" and int(answers[3].headers["Retry-After"]) >= 1
    metrics = urllib.request.urlopen(url.removesuffix("/runs") + "/metrics").read().decode()
    assert 'patchbay_run_reports_rejected_total{reason="rate_limited"} 1.0' in metrics
    assert "patchbay_run_reports_total 3.0" in metrics


@pytest.fixture
def replica(settings: Settings, sessions: sessionmaker[Session], clock: ManualClock) -> Iterator[str]:
    """A second app process on the same database, as another replica behind the load balancer."""
    executor = TrackingExecutor()
    server = BackgroundServer(
        make_wsgi(
            create_app(settings, sessions=sessions, clock=clock, executor=executor),
            sessions,
            signing_secret=settings.slack_signing_secret,
        )
    )
    yield server.url + "/runs"
    server.stop()
    executor.shutdown(wait=True)


def test_two_replicas_ingesting_the_same_batch_store_and_count_each_run_once(
    patchbay: Patchbay, replica: str
) -> None:
    integration_id = live_integration(patchbay)
    token = connect(patchbay, integration_id, user=BOB)
    batch = {
        "runs": [
            run(f"r{i:03}", "error" if i % 4 == 0 else "success", at=START + timedelta(minutes=i))
            for i in range(200)
        ]
    }
    urls = [runs_url(patchbay), replica] * 3
    barrier = threading.Barrier(len(urls))

    def send(url: str) -> dict[str, Any]:
        barrier.wait()
        answer = post_runs(url, batch, token=token)
        assert answer.status == 200, answer.body
        return answer.body

    with ThreadPoolExecutor(len(urls)) as pool:
        bodies = list(pool.map(send, urls))
    assert sum(b["accepted"] for b in bodies) == 200
    assert sum(b["duplicates"] for b in bodies) == 200 * (len(urls) - 1)
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 200
        assert session.scalar(select(func.sum(RunHour.runs))) == 200
        assert session.scalar(select(func.sum(RunHour.errors))) == 50
        # 5 of the last 20 runs failed: one incident, however many replicas saw it.
        assert session.scalar(select(func.count()).select_from(Incident)) == 1
    patchbay.wait_idle()
    alerts = [m for m in patchbay.slack.messages if ":rotating_light:" in m.text]
    assert sorted((m.channel, m.thread_ts is not None) for m in alerts) == [
        ("C0GOVERN", True),
        (patchbay.slack.dm_channel(BOB), False),
    ]
