"""What a listener knows about the request it serves: one frozen, typed value, and what was parsed for it.

The global middleware (`bot.middleware.install`) puts a `Request` into Bolt's context; a listener
reads it with `request_of(context)`. A listener's own middleware (`bot.middleware.button`,
`metadata`, `form`, ...) parses its button value, private_metadata or form before the body runs;
the body reads each with `parsed(context, Kind)`. Input that could not be parsed is refused when
the body asks for it, so a button still acknowledges first and a refusal reaches the person the way
any other does (an ephemeral line, or errors at the modal's blocks).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from commands.actor import Actor
from commands.errors import PatchbayError
from commands.policy import Policy

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from bot.clock import Clock
    from bot.roles import RoleDirectory
    from bot.scheduling.notify import Notifier

REQUEST = "patchbay_request"
PARSED = "patchbay_parsed"

Kind = TypeVar("Kind")


@dataclass(frozen=True)
class Request:
    """Who is acting, when, under which policy, and the app's services, fixed for one Slack request.

    `policy` is the workspace's as read at the start of the request; `default_policy` is the
    environment's, which the settings modal starts from.
    """

    user: Actor | None
    now: datetime
    policy: Policy
    default_policy: Policy
    sessions: sessionmaker[Session]
    clock: Clock
    roles: RoleDirectory
    notifier: Notifier
    runs_url: str

    @property
    def actor(self) -> Actor:
        """The person who made the request (every interaction and command has one; some events do not)."""
        if self.user is None:
            raise LookupError("this request was not made by a person")
        return self.user

    def actor_of(self, user_id: str) -> Actor:
        """Another person, with the roles they hold now."""
        return self.roles.actor(user_id)


def request_of(context: Mapping[str, Any]) -> Request:
    """The request the global middleware put in place."""
    found = context.get(REQUEST)
    if not isinstance(found, Request):
        raise LookupError("no Request in this context: the request middleware did not run")
    return found


def keep(context: MutableMapping[str, Any], kind: type[Any], value: object) -> None:
    """Record what a listener middleware parsed as `kind` (or the refusal it met) for the body."""
    context.setdefault(PARSED, {})[kind] = value


def parsed(context: Mapping[str, Any], kind: type[Kind]) -> Kind:
    """The `kind` parsed for this listener; the refusal, if the input could not be parsed."""
    found = context.get(PARSED, {}).get(kind)
    if isinstance(found, PatchbayError):
        raise found
    if not isinstance(found, kind):
        raise LookupError(f"no {kind.__name__} was parsed for this listener")
    return found
