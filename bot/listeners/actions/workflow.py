"""Lifecycle buttons on the governance card: act at once, or open the step's form."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.forms import StepRef
from bot.home import after_change
from bot.ids import STEP_PREFIX
from bot.middleware import button, transaction
from bot.request import parsed, request_of
from bot.views.workflow import change_modal, reason_modal, sandbox_modal, security_review_modal
from commands.lifecycle import Step
from commands.step_forms import StepForm, needs_form, open_step_form
from commands.workflow import take_step


def on_step(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, StepRef)
    if needs_form(ref.step):
        with transaction(context) as session:
            found = open_step_form(
                session=session,
                actor=req.actor,
                integration_id=ref.integration_id,
                step=ref.step,
                expected=ref.state,
            )
        client.views_open(trigger_id=body["trigger_id"], view=_form(ref, found))
        return
    with transaction(context) as session:
        card = take_step(
            session=session,
            actor=req.actor,
            integration_id=ref.integration_id,
            step=ref.step,
            expected=ref.state,
            policy=req.policy,
            now=req.now,
        )
    if ref.step is Step.START_REVIEW:
        review = StepRef(integration_id=card.id, step=Step.SUBMIT_REVIEW, state=card.state)
        client.views_open(trigger_id=body["trigger_id"], view=security_review_modal(review, title=card.title))
    after_change(client, context)


def _form(ref: StepRef, found: StepForm) -> View:
    if ref.step is Step.SUBMIT_REVIEW:
        return security_review_modal(
            ref, title=found.title, scopes=found.scopes, data_classes=found.data_classes
        )
    if ref.step is Step.RECORD_SANDBOX:
        return sandbox_modal(ref, title=found.title)
    if ref.step is Step.CHANGE_SECURITY:
        return change_modal(ref, title=found.title, scopes=found.scopes, data_classes=found.data_classes)
    return reason_modal(ref, title=found.title)


def register(app: App) -> None:
    app.action(re.compile("^" + re.escape(STEP_PREFIX)), middleware=[button(StepRef)])(on_step)
