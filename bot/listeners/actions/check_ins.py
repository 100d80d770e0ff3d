"""Looks good / Investigate on a first-month check-in."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.forms import CheckInRef, read_value
from bot.ids import Action
from bot.middleware import deliver, transaction
from commands.check_ins import answer_check_in


def on_answer(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    ref = read_value(body, CheckInRef)
    with transaction(context) as session:
        answer_check_in(
            session=session,
            actor=context["actor"],
            check_in_id=ref.check_in_id,
            answer=ref.answer,
            now=context["now"],
        )
    deliver(context)


def register(app: App) -> None:
    app.action(Action.CHECK_IN_GOOD)(on_answer)
    app.action(Action.CHECK_IN_INVESTIGATE)(on_answer)
