"""Per-request context: who is acting, what time it is, and the one place transactions commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notify import Notifier
from bot.roles import RoleDirectory
from commands.installation import record_reinstall
from commands.policy import Policy
from storage.db import session_scope

log = logging.getLogger(__name__)


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

    Bolt runs this after its own signature check (which Socket Mode, authenticated by the
    connection, skips), so `verified` is set only on requests that passed it.
    """

    @app.middleware
    def request_context(
        context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context["verified"] = True
        context["ack"] = KeptAck()
        context["sessions"] = sessions
        context["now"] = clock.now()
        context["clock"] = clock
        context["roles"] = roles
        context["policy"] = policy
        context["notifier"] = notifier
        if context.user_id:
            context["actor"] = roles.actor(context.user_id)
        if context.team_id and request.body.get("type") != "event_callback":
            _resume(sessions, context.team_id, context["now"])
        return next()


def _resume(sessions: sessionmaker[Session], team_id: str, now: datetime) -> None:
    """A person reached Patchbay from a workspace it was removed from: it was reinstalled there.

    Events do not count: Slack may still retry one sent before the removal.
    """
    with session_scope(sessions) as session:
        if record_reinstall(session=session, team_id=team_id, now=now):
            log.warning("Patchbay is back in %s: posting resumes", team_id)


@contextmanager
def transaction(context: BoltContext | dict[str, Any]) -> Iterator[Session]:
    """Open the request's unit of work: commit at the end of the block, roll back if it raises.

    Once a block that wrote has committed, `context["committed"]` is set, so a failure after it (a
    DM, a views.update) is reported as what it is: the change stands.
    """
    with session_scope(context["sessions"]) as session:
        event.listen(session, "after_flush", _wrote)
        yield session
        wrote = bool(session.new or session.dirty or session.deleted) or session.info.get("wrote", False)
    if wrote:
        context["committed"] = True


def _wrote(session: Session, _flush_context: Any) -> None:
    session.info["wrote"] = True


def saved(context: BoltContext, what: str) -> None:
    """Name what the request saved (for example "#12 Won deals"), should a later step fail."""
    context["saved"] = what


def deliver(context: BoltContext) -> None:
    """Send Slack what the committed change owes it (cards, threads, DMs); failures are retried later."""
    context["notifier"].deliver(context["clock"].now())
