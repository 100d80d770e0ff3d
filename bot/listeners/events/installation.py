"""`app_uninstalled` and `tokens_revoked`: record the removal so nothing more is posted there."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.ids import Event
from bot.middleware import transaction
from bot.request import request_of
from commands.installation import RemovalReason, record_removal

log = logging.getLogger(__name__)


def _removed(context: BoltContext, reason: RemovalReason) -> None:
    team_id = context.team_id or ""
    with transaction(context) as session:
        record_removal(session=session, team_id=team_id, reason=reason, now=request_of(context).now)
    log.warning("Patchbay is %s in %s: nothing is posted there until it is reinstalled", reason, team_id)


def app_uninstalled(context: BoltContext) -> None:
    _removed(context, RemovalReason.UNINSTALLED)


def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
    tokens = event.get("tokens")
    if not isinstance(tokens, dict) or not tokens.get("bot"):
        log.info("user tokens revoked in %s; Patchbay holds none", context.team_id)
        return
    _removed(context, RemovalReason.TOKENS_REVOKED)


def register(app: App) -> None:
    app.event(Event.APP_UNINSTALLED)(app_uninstalled)
    app.event(Event.TOKENS_REVOKED)(tokens_revoked)
