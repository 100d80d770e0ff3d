"""The Slack stand-in, a real database per test, and the running app under test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import ManualClock
from bot.driver import Reply, SlackDriver
from bot.executor import TrackingExecutor
from bot.http import EVENTS_PATH, BackgroundServer, Wsgi, make_wsgi
from bot.localslack import LocalSlack
from bot.settings import Settings
from storage.db import make_engine, make_sessionmaker, migrate
from tests.blockkit import problems

ALICE = "U0ALICE01"  # admin
BOB = "U0BOB0002"  # member
CAROL = "U0CAROL03"  # security reviewer
DAVE = "U0DAVE004"  # approver
ERIN = "U0ERIN005"  # approver
FRANK = "U0FRANK06"  # member
SECRET = "test-signing-secret"
START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get("PATCHBAY_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_ready() -> str:
    migrate(POSTGRES_URL)
    return POSTGRES_URL


def _truncate_all(engine: Engine) -> None:
    with engine.begin() as connection:
        tables = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or PostgreSQL when PATCHBAY_TEST_DATABASE_URL is set."""
    if POSTGRES_URL:
        url = request.getfixturevalue("_postgres_ready")
        yield url
        engine = make_engine(url)
        _truncate_all(engine)
        engine.dispose()
    else:
        path = tmp_path / "patchbay.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    stand_in = LocalSlack().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Tests override this fixture to change a setting."""
    return {}


@pytest.fixture
def settings(slack: LocalSlack, database_url: str, settings_overrides: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token",
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.api_url,
        "database_url": database_url,
        "patchbay_admins": ALICE,
        "patchbay_security_reviewers": CAROL,
        "patchbay_approvers": f"{DAVE},{ERIN}",
        "patchbay_governance_channel": "C0GOVERN",
        **settings_overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Patchbay(SlackDriver):
    """The app under test, running over HTTP, and what it sent to Slack."""

    def __init__(
        self,
        *,
        app_url: str,
        slack: LocalSlack,
        executor: TrackingExecutor,
        sessions: sessionmaker[Session],
        clock: ManualClock,
        wsgi: Wsgi,
    ) -> None:
        super().__init__(app_url=app_url, secret=SECRET, slack=slack, wait_idle=executor.wait_idle)
        self.sessions = sessions
        self.clock = clock
        self.wsgi = wsgi  # the same app the server runs, for calling in-process

    def last_view(self) -> dict[str, Any]:
        assert self.slack.last_view_id, "no modal was opened"
        return self.slack.views[self.slack.last_view_id]

    def open_and_submit(self, command: str, values: dict[str, Any], *, user: str) -> Reply:
        reply = self.command(command, user=user)
        assert reply.status == 200, reply.body
        return self.submit(self.last_view(), values, user=user)

    def responses(self) -> list[dict[str, Any]]:
        return [c.args for c in self.slack.calls_to("response_url")]


@pytest.fixture
def patchbay(
    settings: Settings, slack: LocalSlack, sessions: sessionmaker[Session], clock: ManualClock
) -> Iterator[Patchbay]:
    executor = TrackingExecutor()
    app = create_app(settings, sessions=sessions, clock=clock, executor=executor)
    wsgi = make_wsgi(app, sessions, signing_secret=SECRET)
    server = BackgroundServer(wsgi)
    driver = Patchbay(
        app_url=server.url + EVENTS_PATH,
        slack=slack,
        executor=executor,
        sessions=sessions,
        clock=clock,
        wsgi=wsgi,
    )
    yield driver
    executor.wait_idle()
    server.stop()
    executor.shutdown(wait=True)
    found = [f"{kind}: {p}" for kind, payload in slack.iter_blocks() for p in problems(kind, payload)]
    assert not found, "the app sent Block Kit that Slack would refuse:\n" + "\n".join(found)
