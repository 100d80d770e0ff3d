"""One shell session: the local Slack, the real app over HTTP, the clock and the database, wired up.

Everything a person does goes in through `SlackDriver` as the signed request Slack would send, so the
shell runs exactly the code a real workspace runs. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_bolt import App
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import ManualClock
from bot.playground.driver import Reply, SlackDriver
from bot.playground.executor import TrackingExecutor
from bot.playground.localslack import DEFAULT_PEOPLE, Call, LocalSlack, Message, Person
from bot.playground.shell import scheduler
from bot.playground.slack_payloads import TEAM, interaction
from bot.settings import Settings
from bot.web import run_intake
from bot.web.http import EVENTS_PATH, BackgroundServer, make_wsgi
from commands.integrations import get_integration
from commands.run_reports import RunReport, RunStatus
from storage.db import make_engine, make_sessionmaker, migrate, session_scope

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
GENERAL = "C0GENERAL"
GOVERNANCE = "C0GOVERN"
CHANNELS = {GENERAL: "general", GOVERNANCE: "patchbay-governance"}
ADMINS = ("alice",)
SECURITY_REVIEWERS = ("carol",)
APPROVERS = ("dave", "erin")
FIRST_USER = "alice"


def roles_of(name: str) -> list[str]:
    """The shell's sample roles, as people read them."""
    roles = []
    if name in ADMINS:
        roles.append("admin")
    if name in SECURITY_REVIEWERS:
        roles.append("security reviewer")
    if name in APPROVERS:
        roles.append("approver")
    return roles


def shell_settings(*, api_url: str, database_url: str, people: tuple[Person, ...]) -> Settings:
    """Settings built in code, so nothing in the environment or a .env file can point the shell elsewhere."""
    ids = {p.name: p.id for p in people}

    def members(names: tuple[str, ...]) -> str:
        return ",".join(ids[n] for n in names if n in ids)

    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-patchbay-shell",
        "slack_app_token": "",
        "slack_signing_secret": secrets.token_hex(16),
        "slack_api_url": api_url,
        "database_url": database_url,
        "patchbay_admins": members(ADMINS),
        "patchbay_admin_group": "",
        "patchbay_security_reviewers": members(SECURITY_REVIEWERS),
        "patchbay_security_group": "",
        "patchbay_approvers": members(APPROVERS),
        "patchbay_approver_group": "",
        "patchbay_governance_channel": GOVERNANCE,
        "patchbay_role_cache_seconds": 300,
        "patchbay_log_format": "text",
        # One owner at a time, unpaced: the local Slack has no limits, and the transcript stays in order.
        "patchbay_sweep_workers": 1,
        "patchbay_slack_posts_per_minute": 1e9,
        "patchbay_slack_channel_pace_seconds": 0,
    }
    return Settings(_env_file=None, **values)


class ShellSession:
    """Starts everything in `open()`, stops it in `close()`; in between, acts as `user`."""

    def __init__(
        self, *, db_path: Path, start: datetime = START, people: tuple[Person, ...] = DEFAULT_PEOPLE
    ) -> None:
        self.db_path = db_path
        self.database_url = f"sqlite:///{db_path}"
        self.people = people
        self.clock = ManualClock(start)
        self.user = self.person(FIRST_USER) or people[0]
        self._call_cursor = 0
        self._message_cursor = 0
        self._runs = 0
        self._seen_views: set[str] = set()
        self._event_ts = itertools.count(1)

    # ---- lifecycle -----------------------------------------------------------------------------
    def open(self) -> ShellSession:
        migrate(self.database_url)
        self.slack = LocalSlack(self.people).start()
        self.settings = shell_settings(
            api_url=self.slack.api_url, database_url=self.database_url, people=self.people
        )
        self.engine: Engine = make_engine(self.database_url)
        self.sessions: sessionmaker[Session] = make_sessionmaker(self.engine)
        self.executor = TrackingExecutor()
        self.app: App = create_app(
            self.settings, sessions=self.sessions, clock=self.clock, executor=self.executor
        )
        secret = self.settings.slack_signing_secret
        self.server = BackgroundServer(make_wsgi(self.app, self.sessions, signing_secret=secret))
        self.driver = SlackDriver(
            app_url=self.server.url + EVENTS_PATH,
            secret=self.settings.slack_signing_secret,
            slack=self.slack,
            wait_idle=self.executor.wait_idle,
        )
        jobs = scheduler.load_jobs(settings=self.settings, sessions=self.sessions, client=self.app.client)
        self.ticker = scheduler.Ticker(self.clock, jobs, after_each=self.executor.wait_idle)
        return self

    def close(self) -> None:
        self.executor.wait_idle()
        self.server.stop()
        self.executor.shutdown(wait=True)
        self.slack.stop()
        self.engine.dispose()

    # ---- people --------------------------------------------------------------------------------
    def person(self, typed: str) -> Person | None:
        """Someone by name (`bob`, `@bob`), real name, email or user id."""
        wanted = typed.strip()
        if wanted.startswith("<@"):  # a pasted mention: <@U0BOB0002> or <@U0BOB0002|bob>
            wanted = wanted[2:].split("|")[0].rstrip(">")
        wanted = wanted.lstrip("@").casefold()
        for person in self.people:
            names = (person.name, person.real_name, person.id, person.email, person.real_name.split()[0])
            if wanted in (n.casefold() for n in names):
                return person
        return None

    def person_id(self, typed: str) -> str | None:
        found = self.person(typed)
        return found.id if found else None

    def names(self) -> list[str]:
        return [p.name for p in self.people if not p.is_bot and not p.deleted]

    # ---- what a person does --------------------------------------------------------------------
    def command(self, text: str, *, channel: str = GENERAL) -> Reply:
        return self.driver.command(text, user=self.user.id, channel=channel)

    def click(
        self,
        action: dict[str, Any],
        *,
        channel: str | None,
        message: dict[str, Any] | None,
        view: dict[str, Any] | None,
    ) -> Reply:
        return self.driver.click(action, user=self.user.id, channel=channel, message=message, view=view)

    def submit(self, view: dict[str, Any], values: dict[str, Any]) -> Reply:
        return self.driver.submit(view, values, user=self.user.id)

    def suggest(self, view: dict[str, Any], block_id: str, text: str) -> list[dict[str, Any]]:
        reply = self.driver.suggest(view, block_id, text, user=self.user.id)
        answer = reply.json if reply.status == 200 and reply.body.startswith("{") else {}
        options = list(answer.get("options") or [])
        for group in answer.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return options

    def close_view(self, view: dict[str, Any]) -> Reply:
        """What Slack sends when a modal with notify_on_close is cancelled."""
        payload = {
            "type": "view_closed",
            "team": TEAM,
            "user": {"id": self.user.id, "name": self.user.name, "team_id": TEAM["id"]},
            "api_app_id": "A0PATCHBAY",
            "token": "legacy-token-unused",
            "view": view,
            "is_cleared": False,
        }
        return self.driver.post(*interaction(payload))

    def open_home(self) -> dict[str, Any] | None:
        """Open the App Home tab: Slack sends `app_home_opened`; the app may publish a view."""
        self.driver.event(
            {
                "type": "app_home_opened",
                "user": self.user.id,
                "channel": self.slack.dm_channel(self.user.id),
                "tab": "home",
                "event_ts": f"{1700000000 + next(self._event_ts)}.000100",
            }
        )
        return self.slack.home.get(self.user.id)

    def report(self, integration_id: int, status: str, error: str = "", records: int | None = None) -> str:
        """A run of `integration_id` as its platform would report it, finishing now; the outcome."""
        intake = run_intake.of(self.app)
        assert intake is not None
        now = self.clock.now()
        self._runs += 1
        report = RunReport(
            run_id=f"shell-{now:%Y%m%d%H%M%S}-{self._runs}-{secrets.token_hex(4)}",
            status=RunStatus(status),
            started_at=now - timedelta(seconds=5),
            finished_at=now,
            records=records,
            error=error,
        )
        with session_scope(self.sessions) as session:
            get_integration(session, integration_id)
        result = intake.accept(integration_id, [report])
        self.executor.wait_idle()
        stored = " (stored)" if result.accepted else ""
        return f"Reported a run of #{integration_id}: {status}{stored}"

    def move_clock(self, target: datetime) -> list[scheduler.Ran]:
        return self.ticker.move_to(target)

    # ---- what the bot did ----------------------------------------------------------------------
    def new_calls(self) -> list[Call]:
        """Web API calls since the last time this was asked."""
        calls = self.slack.calls[self._call_cursor :]
        self._call_cursor += len(calls)
        return list(calls)

    def new_messages(self) -> list[Message]:
        messages = self.slack.messages[self._message_cursor :]
        self._message_cursor += len(messages)
        return list(messages)

    def channel_of(self, channel: str) -> str:
        """The conversation a post to `channel` lands in: a user id means their DM."""
        return self.slack.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def message_at(self, channel: str, ts: str) -> Message | None:
        for message in self.slack.messages:
            if message.channel == channel and message.ts == ts:
                return message
        return None

    def save_upload(self, name: str, data: bytes) -> Path:
        """Keep a file the app uploaded beside the database, so the person can open it."""
        folder = self.db_path.parent / "patchbay-uploads"
        folder.mkdir(exist_ok=True)
        path = folder / Path(name).name
        path.write_bytes(data)
        return path.resolve()

    def new_modals(self) -> list[dict[str, Any]]:
        """Modals the app opened or pushed since the last time this was asked."""
        found = [
            view
            for view_id, view in list(self.slack.views.items())
            if view_id not in self._seen_views and view.get("type") == "modal"
        ]
        self._seen_views.update(self.slack.views)
        return found

    def forget_views(self) -> None:
        self._seen_views.update(self.slack.views)


@contextmanager
def running(db_path: Path, *, start: datetime = START) -> Iterator[ShellSession]:
    session = ShellSession(db_path=db_path, start=start).open()
    try:
        yield session
    finally:
        session.close()
