"""GET /healthz: the database on every probe, Slack's auth.test at most every 30 s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.app import create_app
from bot.health import Health
from bot.http import EVENTS_PATH, BackgroundServer, make_wsgi
from bot.localslack import LocalSlack
from bot.settings import Settings
from storage.db import make_engine, make_sessionmaker
from tests.bot.observe import healthz
from tests.conftest import SECRET, Patchbay


def test_healthy_replica_reports_ok_for_database_and_slack(patchbay: Patchbay) -> None:
    assert healthz(patchbay.app_url) == (200, {"status": "ok", "database": "ok", "slack": "ok"})


def test_slack_is_asked_at_most_once_per_ttl_however_often_the_probe_runs(patchbay: Patchbay) -> None:
    for _ in range(5):
        assert healthz(patchbay.app_url)[0] == 200
    assert len(patchbay.slack.calls_to("auth.test")) == 1


def test_slack_unreachable_is_degraded_but_still_serving(patchbay: Patchbay) -> None:
    patchbay.slack.fail("auth.test", error="invalid_auth")
    status, report = healthz(patchbay.app_url)
    assert (status, report) == (200, {"status": "degraded", "database": "ok", "slack": "invalid_auth"})


def test_slack_answering_5xx_is_not_retried_by_the_probe(patchbay: Patchbay) -> None:
    patchbay.slack.fail("auth.test", status=503, times=5)
    status, report = healthz(patchbay.app_url)
    assert status == 200 and report["status"] == "degraded" and report["slack"] != "ok"
    assert len(patchbay.slack.calls_to("auth.test")) == 1


@pytest.fixture
def unreachable_db_app(settings: Settings, tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/no-such-dir/patchbay.db"
    broken = settings.model_copy(update={"database_url": url})
    sessions = make_sessionmaker(make_engine(url))
    app = create_app(broken, sessions=sessions)
    server = BackgroundServer(make_wsgi(app, sessions, signing_secret=SECRET))
    yield server.url + EVENTS_PATH
    server.stop()


def test_database_unreachable_is_503(unreachable_db_app: str) -> None:
    status, report = healthz(unreachable_db_app)
    assert status == 503
    assert report == {"status": "down", "database": "OperationalError", "slack": "ok"}


def test_the_slack_answer_is_refreshed_after_the_ttl(slack: LocalSlack, database_url: str) -> None:
    now = [1000.0]
    engine = make_engine(database_url)
    health = Health(
        sessions=make_sessionmaker(engine),
        slack=WebClient(token="xoxb-t", base_url=slack.api_url, retry_handlers=[]),
        slack_ttl=30,
        monotonic=lambda: now[0],
    )
    assert health.report() == (200, {"status": "ok", "database": "ok", "slack": "ok"})
    slack.fail("auth.test", error="account_inactive")
    now[0] += 29
    assert health.report()[1]["slack"] == "ok"
    now[0] += 2
    assert health.report() == (200, {"status": "degraded", "database": "ok", "slack": "account_inactive"})
    assert len(slack.calls_to("auth.test")) == 2
    engine.dispose()
