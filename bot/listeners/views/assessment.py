"""Submission of a new tool's assessment."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import ToolRef, read_form, read_meta
from bot.home import refresh_home
from bot.ids import Callback
from bot.middleware import saved, transaction
from bot.text import escape
from bot.views.assessment import assessed_text
from commands.assessment import AssessmentForm, assess_tool, assessment_errors


def submit_assessment(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref = read_meta(view, ToolRef)
    with transaction(context) as session:
        form = AssessmentForm.parse(
            read_form(view), check=lambda v: assessment_errors(session=session, tool_id=ref.tool_id, values=v)
        )
        assessment = assess_tool(
            session=session, actor=context["actor"], tool_id=ref.tool_id, form=form, now=context["now"]
        )
    saved(context, f"the assessment of {escape(assessment.tool.name)}")
    ack()
    client.chat_postMessage(channel=context["actor"].user_id, text=assessed_text(assessment))
    refresh_home(client, context, context["actor"].user_id)


def register(app: App) -> None:
    app.view(Callback.ASSESS)(submit_assessment)
