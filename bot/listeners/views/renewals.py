"""Submissions of the Renew and Replace modals of a renewal reminder."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import read_form, read_meta
from bot.ids import Callback
from bot.middleware import saved, transaction
from bot.text import escape
from bot.views.renewals import renewed_text, replaced_blocks
from commands.renewals import NoticeRef, RenewForm, ReplaceForm, renew_tool, replace_tool


def submit_renew(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref = read_meta(view, NoticeRef)
    form = RenewForm.parse(read_form(view))
    with transaction(context) as session:
        card = renew_tool(
            session=session, actor=context["actor"], notice_id=ref.notice_id, form=form, now=context["now"]
        )
    saved(context, f"{escape(card.name)}'s renewal")
    ack()
    assert card.renews_on is not None
    client.chat_postMessage(channel=context["actor"].user_id, text=renewed_text(card.name, card.renews_on))


def submit_replace(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref = read_meta(view, NoticeRef)
    form = ReplaceForm.parse(read_form(view))
    with transaction(context) as session:
        replacement = replace_tool(
            session=session, actor=context["actor"], notice_id=ref.notice_id, form=form, now=context["now"]
        )
    saved(context, f"{escape(replacement.tool.name)}'s successor")
    ack()
    client.chat_postMessage(
        channel=context["actor"].user_id,
        blocks=replaced_blocks(replacement),
        text=f"{escape(replacement.successor.name)} replaces {escape(replacement.tool.name)}.",
    )


def register(app: App) -> None:
    app.view(Callback.RENEW)(submit_renew)
    app.view(Callback.REPLACE)(submit_replace)
