"""Per-request context: who is acting, what time it is, and the one place transactions commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notify import Notifier
from bot.roles import RoleDirectory
from commands.policy import Policy
from commands.workspace_policy import read_policy
from storage.db import session_scope


class KeptAck(Ack):
    """An Ack whose answer, once given, stays given.

    When a listener fails after it acknowledged, Bolt's runner resets `ack.response` to None,
    which makes the request thread wait out the 3 s window and answer Slack with an error even
    though the acknowledgement was already made. The error handler tells the person instead.
    """

    _kept: BoltResponse | None = None

    @property
    def response(self) -> BoltResponse | None:
        return self._kept

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._kept is None:
            self._kept = value


def install(
    app: App,
    *,
    sessions: sessionmaker[Session],
    clock: Clock,
    roles: RoleDirectory,
    policy: Policy,
    notifier: Notifier,
) -> None:
    """Put `sessions`, `now`, `policy` and `actor` into every request's context.

    The policy is read from the database on every request (one primary-key read), so a change an
    admin makes in Slack holds at once in every process; `policy` is the environment's default.
    """

    @app.middleware
    def request_context(
        context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context["ack"] = KeptAck()
        context["sessions"] = sessions
        context["now"] = clock.now()
        context["clock"] = clock
        context["roles"] = roles
        with session_scope(sessions) as session:
            context["policy"] = read_policy(session=session, defaults=policy).policy
        context["default_policy"] = policy
        context["notifier"] = notifier
        if context.user_id:
            context["actor"] = roles.actor(context.user_id)
        return next()


@contextmanager
def transaction(context: BoltContext | dict[str, Any]) -> Iterator[Session]:
    """Open the request's unit of work: commit at the end of the block, roll back if it raises."""
    with session_scope(context["sessions"]) as session:
        yield session


def deliver(context: BoltContext) -> None:
    """Send Slack what the committed change owes it (cards, threads, DMs); failures are retried later."""
    context["notifier"].deliver(context["clock"].now())
