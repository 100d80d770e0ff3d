"""Submissions of the Renew and Replace modals of a renewal reminder."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.ids import Callback
from bot.middleware import form, metadata, saved, transaction
from bot.request import parsed, request_of
from bot.text import escape
from bot.views.renewals import renewed_text, replaced_blocks
from commands.renewals import NoticeRef, RenewForm, ReplaceForm, renew_tool, replace_tool


def submit_renew(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, renewal = request_of(context), parsed(context, NoticeRef), parsed(context, RenewForm)
    with transaction(context) as session:
        card = renew_tool(
            session=session, actor=req.actor, notice_id=ref.notice_id, form=renewal, now=req.now
        )
    saved(context, f"{escape(card.name)}'s renewal")
    ack()
    assert card.renews_on is not None
    client.chat_postMessage(channel=req.actor.user_id, text=renewed_text(card.name, card.renews_on))


def submit_replace(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, picked = request_of(context), parsed(context, NoticeRef), parsed(context, ReplaceForm)
    with transaction(context) as session:
        replacement = replace_tool(
            session=session, actor=req.actor, notice_id=ref.notice_id, form=picked, now=req.now
        )
    saved(context, f"{escape(replacement.tool.name)}'s successor")
    ack()
    client.chat_postMessage(
        channel=req.actor.user_id,
        blocks=replaced_blocks(replacement),
        text=f"{escape(replacement.successor.name)} replaces {escape(replacement.tool.name)}.",
    )


def register(app: App) -> None:
    app.view(Callback.RENEW, middleware=[metadata(NoticeRef), form(RenewForm)])(submit_renew)
    app.view(Callback.REPLACE, middleware=[metadata(NoticeRef), form(ReplaceForm)])(submit_replace)
