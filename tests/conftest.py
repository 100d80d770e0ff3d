"""The Slack stand-in, a real database per test, and the running app under test."""

from __future__ import annotations

import logging
import os
import shutil
from collections import Counter, defaultdict
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
from tests.blockkit import REFERENCE, available, problems
from tests.planted import needles
from tests.seen import MODAL_CALLS, Seen, as_text

ALICE = "U0ALICE01"  # admin
BOB = "U0BOB0002"  # member
CAROL = "U0CAROL03"  # security reviewer
DAVE = "U0DAVE004"  # approver
ERIN = "U0ERIN005"  # approver
FRANK = "U0FRANK06"  # member
SECRET = "test-signing-secret"
START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get("PATCHBAY_TEST_DATABASE_URL", "")


class EveryRecord(logging.Handler):
    """Keeps every log line written during the run, exception text included, as a handler would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def _planted_secrets_never_logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the whole run: no log line and no test database holds a secret the tests planted."""
    every = EveryRecord()
    root = logging.getLogger()
    level = root.level
    root.addHandler(every)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(every)
    root.setLevel(level)
    secrets = needles()
    logged = [line[:300] for line in every.lines if any(s in line for s in secrets)]
    assert not logged, f"{len(logged)} log lines hold a planted secret, like:\n" + "\n".join(logged[:5])
    base = tmp_path_factory.getbasetemp()
    stored = [
        str(path)
        for path in base.rglob("*.db*")
        if path.is_file() and any(s.encode() in path.read_bytes() for s in secrets)
    ]
    assert not stored, f"planted secrets were stored in {stored}"


def _holds_planted_secret(engine: Engine) -> list[str]:
    """Tables of a PostgreSQL test database with a row that holds a planted secret."""
    secrets = needles()
    found = []
    with engine.connect() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        for table in list(tables):
            rows = connection.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
            if any(s in row for row in rows for s in secrets):
                found.append(table)
    return found


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
        leaked = _holds_planted_secret(engine)
        _truncate_all(engine)
        assert not leaked, f"planted secrets were stored in {leaked}"
        engine.dispose()
    else:
        path = tmp_path / "patchbay.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        stored = [
            p.name
            for p in tmp_path.glob("patchbay.db*")
            if any(s.encode() in p.read_bytes() for s in needles())
        ]
        assert not stored, f"planted secrets were stored in {stored}"


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
    """The app under test, running over HTTP, and what it sent to Slack.

    `said_to(user)` is the last thing a person saw, as text (an ack or reply to what they did, a modal
    their action opened, an ephemeral or a DM); `pop(user)` reads what they saw oldest first, once.
    """

    def __init__(
        self,
        *,
        app_url: str,
        slack: LocalSlack,
        executor: TrackingExecutor,
        sessions: sessionmaker[Session],
        clock: ManualClock,
        wsgi: Wsgi | None = None,
    ) -> None:
        super().__init__(app_url=app_url, secret=SECRET, slack=slack, wait_idle=executor.wait_idle)
        self.sessions = sessions
        self.clock = clock
        self._actor = ""
        self._answered: dict[str, list[Seen]] = defaultdict(list)
        self._read: Counter[str] = Counter()
        self._wsgi = wsgi

    @property
    def wsgi(self) -> Wsgi:
        """The same app the server runs, for calling in-process (HTTP transport only)."""
        assert self._wsgi is not None, "this driver talks to the app over Socket Mode"
        return self._wsgi

    def last_view(self) -> dict[str, Any]:
        assert self.slack.last_view_id, "no modal was opened"
        return self.slack.views[self.slack.last_view_id]

    def open_and_submit(self, command: str, values: dict[str, Any], *, user: str) -> Reply:
        reply = self.command(command, user=user)
        assert reply.status == 200, reply.body
        return self.submit(self.last_view(), values, user=user)

    def responses(self) -> list[dict[str, Any]]:
        return [c.args for c in self.slack.calls_to("response_url")]

    # ---- what a person saw ---------------------------------------------------------------------
    def command(self, text: str, *, user: str, **kwargs: Any) -> Reply:
        self._actor = user
        return super().command(text, user=user, **kwargs)

    def submit(self, view: dict[str, Any], values: dict[str, Any], *, user: str, **kwargs: Any) -> Reply:
        self._actor = user
        return super().submit(view, values, user=user, **kwargs)

    def click(self, action: dict[str, Any], *, user: str, **kwargs: Any) -> Reply:
        self._actor = user
        return super().click(action, user=user, **kwargs)

    def post(self, body: bytes, content_type: str, **kwargs: Any) -> Reply:
        before = len(self.slack.calls)
        reply = super().post(body, content_type, **kwargs)
        actor, self._actor = self._actor, ""
        if not actor or reply.status != 200:
            return reply
        answered = self._answered[actor]
        shown = reply.json if reply.body.startswith("{") else {"text": reply.body}
        if any(shown.get(key) for key in ("text", "blocks", "errors")):
            answered.append(Seen(before - 0.5, "reply", as_text(shown)))
        for index, call in enumerate(list(self.slack.calls)[before:], start=before):
            if call.method in MODAL_CALLS:
                answered.append(Seen(index, "modal", as_text(call.args)))
            elif call.method == "response_url":
                answered.append(Seen(index, "reply", as_text(call.args)))
        return reply

    def seen(self, user: str) -> list[Seen]:
        """Everything shown to `user`, oldest first."""
        dm = self.slack.dm_channel(user)
        delivered = {(m.channel, m.text) for m in self.slack.messages if m.channel == dm}
        found = list(self._answered[user])
        for index, call in enumerate(list(self.slack.calls)):
            if call.method == "chat.postEphemeral" and call.args.get("user") == user:
                found.append(Seen(index, "ephemeral", as_text(call.args)))
            elif call.method == "chat.postMessage" and (dm, call.args.get("text")) in delivered:
                found.append(Seen(index, "dm", as_text(call.args)))
        return sorted(found, key=lambda seen: seen.order)

    def said_to(self, user: str) -> str:
        """The last thing `user` saw, as text."""
        seen = self.seen(user)
        assert seen, f"nothing was shown to {user}"
        return seen[-1].text

    def pop(self, user: str) -> str:
        """The oldest thing `user` saw that was not popped yet, as text."""
        seen = self.seen(user)
        assert self._read[user] < len(seen), f"nothing more was shown to {user}"
        self._read[user] += 1
        return seen[self._read[user] - 1].text


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
    assert_blocks_valid(slack)


def assert_blocks_valid(slack: LocalSlack) -> None:
    """Every view and message the app sent passes Slack's Block Kit schema."""
    found = [f"{kind}: {p}" for kind, payload in slack.iter_blocks() for p in problems(kind, payload)]
    assert not found, "the app sent Block Kit that Slack would refuse:\n" + "\n".join(found)


@pytest.fixture(scope="session")
def _migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database for the storage and use-case tiers: the session's SQLite template, or
    PostgreSQL when PATCHBAY_TEST_DATABASE_URL is set."""
    if POSTGRES_URL:
        url = request.getfixturevalue("_postgres_ready")
    else:
        path = tmp_path_factory.mktemp("rolled-back") / "patchbay.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    if POSTGRES_URL:
        _truncate_all(engine)  # start empty, whatever an interrupted run left behind
    yield engine
    engine.dispose()


@pytest.fixture
def db(_migrated_engine: Engine) -> Iterator[Session]:
    """A session inside one transaction that is rolled back after the test, whatever it committed."""
    with _migrated_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not available():
        terminalreporter.write_sep(
            "=", f"Block Kit NOT schema-checked: {REFERENCE} is not present", yellow=True, bold=True
        )
