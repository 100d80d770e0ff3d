"""Per-request context: the typed Request, each listener's parsed input, the one place transactions commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.forms import FormValues, read_form, read_meta, read_value
from bot.request import REQUEST, Request, keep, request_of
from bot.roles import RoleDirectory
from bot.scheduling.notify import Notifier
from commands import once
from commands.errors import PatchbayError
from commands.fields import Check, Form
from commands.installation import record_reinstall
from commands.policy import Policy
from commands.workspace_policy import read_policy
from storage.db import session_scope

log = logging.getLogger(__name__)
ONCE_KEY = "once_key"


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
    runs_url: str = "",
) -> None:
    """Put one typed `Request` (actor, now, policy, sessions...) into every request's context.

    Bolt runs this after its own signature check (which Socket Mode, authenticated by the
    connection, skips), so `verified` is set only on requests that passed it.

    The policy is read from the database on every request (one primary-key read), so a change an
    admin makes in Slack holds at once in every process; `policy` is the environment's default.
    """

    @app.middleware
    def request_context(
        context: BoltContext, request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context["verified"] = True
        context["ack"] = KeptAck()
        now = clock.now()
        with session_scope(sessions) as session:  # one transaction for what every request reads first
            workspace_policy = read_policy(session=session, defaults=policy).policy
            if context.team_id and request.body.get("type") != "event_callback":
                _resume(session, context.team_id, now)
        context[REQUEST] = Request(
            user=roles.actor(context.user_id) if context.user_id else None,
            now=now,
            policy=workspace_policy,
            default_policy=policy,
            sessions=sessions,
            clock=clock,
            roles=roles,
            notifier=notifier,
            runs_url=runs_url,
        )
        key = request_key(request.body)
        if key:
            context[ONCE_KEY] = key
        return next()


def _resume(session: Session, team_id: str, now: datetime) -> None:
    """A person reached Patchbay from a workspace it was removed from: it was reinstalled there.

    Events do not count: Slack may still retry one sent before the removal.
    """
    if record_reinstall(session=session, team_id=team_id, now=now):
        log.warning("Patchbay is back in %s: posting resumes", team_id)


def request_key(body: dict[str, Any]) -> str | None:
    """What makes a Slack request the same request: a view's id and step, a click, an event's id.

    A retry, a double submit of one modal or the same payload on another replica share it; two clicks
    never do (each has its own `action_ts`).
    """
    kind, user = body.get("type"), _field(body.get("user"), "id")
    if kind == "view_submission":
        view = body.get("view")
        parts = ["view", _field(view, "id"), _field(view, "callback_id"), user]
    elif kind == "block_actions":
        actions = body.get("actions")
        action = actions[0] if isinstance(actions, list) and actions else None
        parts = ["action", _field(action, "action_ts"), user, _field(action, "action_id")]
    elif kind == "event_callback":
        parts = ["event", body.get("event_id")]
    else:
        return None
    if not all(isinstance(part, str) and part for part in parts):
        return None
    return ":".join(str(part) for part in parts)[:200]


def _field(value: Any, name: str) -> Any:
    """`value[name]` when `value` is an object (a malformed payload may carry anything)."""
    return value.get(name) if isinstance(value, dict) else None


@contextmanager
def transaction(context: BoltContext | dict[str, Any]) -> Iterator[Session]:
    """Open the request's unit of work: commit at the end of the block, roll back if it raises.

    The request's key is claimed in the same transaction, so what it changes is changed exactly once;
    once a transaction of the request changed something, the request's later transactions only read.
    Once a block that wrote has committed, `context["committed"]` is set, so a failure after it (a
    DM, a views.update) is reported as what it is: the change stands.
    """
    key: str | None = context.get(ONCE_KEY)
    request = request_of(context)
    with session_scope(request.sessions) as session:
        if key:
            once.claim(session=session, key=key, now=request.now)
        event.listen(session, "after_flush", _wrote)
        yield session
        wrote = bool(session.new or session.dirty or session.deleted) or session.info.get("wrote", False)
        if key:
            # The key's own row is written either way: what counts is whether a change was audited.
            wrote = once.settle(session=session, key=key)
    if key and wrote:
        context.pop(ONCE_KEY, None)
    if wrote:
        context["committed"] = True


def _wrote(session: Session, _flush_context: Any) -> None:
    session.info["wrote"] = True


def saved(context: BoltContext, what: str) -> None:
    """Name what the request saved (for example "#12 Won deals"), should a later step fail."""
    context["saved"] = what


def deliver(context: BoltContext) -> None:
    """Send Slack what the committed change owes it (cards, threads, DMs); failures are retried later."""
    request = request_of(context)
    request.notifier.deliver(request.clock.now())


Values = dict[str, Any]
FormCheck = Callable[[Session, Values, BoltContext], dict[str, str]]
"""Rules a form's values must meet that need the database (or another parsed input)."""
ListenerMiddleware = Callable[..., None]
Parsed = TypeVar("Parsed")
Model = TypeVar("Model", bound=BaseModel)
AForm = TypeVar("AForm", bound=Form)


def parse(kind: type[Parsed], read: Callable[[dict[str, Any], BoltContext], Parsed]) -> ListenerMiddleware:
    """Listener middleware: read the listener's `kind` from the payload before its body runs.

    A refusal (a stale button, a form with errors) is kept in place of the value and raised when the
    body asks for it with `parsed(context, kind)`: a button has acknowledged by then, and a modal's
    errors go to its blocks, exactly as when the body parsed its own input.
    """

    def parse_input(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> None:
        value: object
        try:
            value = read(body, context)
        except PatchbayError as refusal:
            value = refusal
        keep(context, kind, value)
        next()

    parse_input.__name__ = parse_input.__qualname__ = f"parse_{kind.__name__}"
    return parse_input


def button(model: type[Model]) -> ListenerMiddleware:
    """The clicked button's value as `model`."""
    return parse(model, lambda body, _context: read_value(body, model))


def metadata(model: type[Model], *, empty: str | None = None) -> ListenerMiddleware:
    """The submitted modal's private_metadata as `model` (`empty` stands in for a blank one)."""
    return parse(model, lambda body, _context: read_meta(body.get("view"), model, empty=empty))


def form(
    model: type[AForm], *, rules: Check | None = None, check: FormCheck | None = None
) -> ListenerMiddleware:
    """The submitted modal's inputs as `model`, every error at its block in one pass.

    `rules` span fields; `check` (one or the other) needs the database too, and runs in a read
    transaction of the request (the use-case checks again in the transaction that writes).
    """
    if rules is not None and check is not None:
        raise TypeError("give a form rules or a check, not both")

    def read(body: dict[str, Any], context: BoltContext) -> AForm:
        values = read_form(body.get("view"))
        if check is None:
            return model.parse(values, check=rules)
        with transaction(context) as session:
            return model.parse(values, check=lambda valid: check(session, valid, context))

    return parse(model, read)


def form_values() -> ListenerMiddleware:
    """The submitted modal's inputs by block_id, for a use-case that validates them itself."""
    return parse(FormValues, lambda body, _context: FormValues(read_form(body.get("view"))))
