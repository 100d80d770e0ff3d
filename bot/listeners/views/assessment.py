"""Submission of a new tool's assessment."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.forms import ToolRef
from bot.home import refresh_home
from bot.ids import Callback
from bot.middleware import Values, form, metadata, saved, transaction
from bot.request import parsed, request_of
from bot.text import escape
from bot.views.assessment import assessed_text
from commands.assessment import AssessmentForm, assess_tool, assessment_errors


def submit_assessment(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, answers = request_of(context), parsed(context, ToolRef), parsed(context, AssessmentForm)
    with transaction(context) as session:
        assessment = assess_tool(
            session=session, actor=req.actor, tool_id=ref.tool_id, form=answers, now=req.now
        )
    saved(context, f"the assessment of {escape(assessment.tool.name)}")
    ack()
    client.chat_postMessage(channel=req.actor.user_id, text=assessed_text(assessment))
    refresh_home(client, context, req.actor.user_id)


def _errors(session: Session, values: Values, context: BoltContext) -> dict[str, str]:
    return assessment_errors(session=session, tool_id=parsed(context, ToolRef).tool_id, values=values)


def register(app: App) -> None:
    app.view(Callback.ASSESS, middleware=[metadata(ToolRef), form(AssessmentForm, check=_errors)])(
        submit_assessment
    )
