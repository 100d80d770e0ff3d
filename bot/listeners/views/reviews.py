"""Submission of a quarterly review answer."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import ReviewRef, read_form, read_meta
from bot.home import after_change
from bot.ids import Callback
from bot.middleware import transaction
from bot.views.fallbacks import answered_fallback
from bot.views.reviews import answered_reply
from commands.review_answers import ReviewAnswer, answer_review


def submit_answer(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref = read_meta(view, ReviewRef)
    answer = ReviewAnswer.parse(read_form(view))
    with transaction(context) as session:
        answered = answer_review(
            session=session,
            actor=context["actor"],
            cycle_id=ref.cycle_id,
            outcome=ref.outcome,
            answer=answer,
            policy=context["policy"],
            now=context["now"],
        )
    ack()
    item = answered.item
    if item.channel and item.ts:
        client.chat_update(
            channel=item.channel,
            ts=item.ts,
            blocks=answered_reply(answered),
            text=answered_fallback(answered.outcome.label, item.integration_id, item.title),
        )
    after_change(client, context)


def register(app: App) -> None:
    app.view(Callback.REVIEW_ANSWER)(submit_answer)
