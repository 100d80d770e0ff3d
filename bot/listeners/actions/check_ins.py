"""Looks good / Investigate on a first-month check-in."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.forms import CheckInRef
from bot.ids import Action
from bot.middleware import button, deliver, transaction
from bot.request import parsed, request_of
from commands.check_ins import answer_check_in


def on_answer(ack: Ack, context: BoltContext) -> None:
    ack()
    req, ref = request_of(context), parsed(context, CheckInRef)
    with transaction(context) as session:
        answer_check_in(
            session=session, actor=req.actor, check_in_id=ref.check_in_id, answer=ref.answer, now=req.now
        )
    deliver(context)


def register(app: App) -> None:
    for action in (Action.CHECK_IN_GOOD, Action.CHECK_IN_INVESTIGATE):
        app.action(action, middleware=[button(CheckInRef)])(on_answer)
