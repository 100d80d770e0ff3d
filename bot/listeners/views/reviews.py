"""Submission of a quarterly review answer."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import ReviewRef
from bot.home import after_change
from bot.ids import Callback
from bot.middleware import form, metadata, transaction
from bot.request import parsed, request_of
from bot.views.fallbacks import answered_fallback
from bot.views.reviews import answered_reply
from commands.review_answers import ReviewAnswer, answer_review


def submit_answer(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, answer = request_of(context), parsed(context, ReviewRef), parsed(context, ReviewAnswer)
    with transaction(context) as session:
        answered = answer_review(
            session=session,
            actor=req.actor,
            cycle_id=ref.cycle_id,
            outcome=ref.outcome,
            answer=answer,
            policy=req.policy,
            now=req.now,
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
    app.view(Callback.REVIEW_ANSWER, middleware=[metadata(ReviewRef), form(ReviewAnswer)])(submit_answer)
