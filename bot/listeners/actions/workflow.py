"""Lifecycle buttons on the governance card: act at once, or open the step's form."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.forms import StepRef, read_value
from bot.home import after_change
from bot.ids import STEP_PREFIX
from bot.middleware import transaction
from bot.views.workflow import change_modal, reason_modal, sandbox_modal, security_review_modal
from commands.lifecycle import RULES, Step
from commands.workflow import check_step, current_security, pending_scopes, take_step

FORM_STEPS = {Step.SUBMIT_REVIEW, Step.RECORD_SANDBOX, Step.RETEST, Step.CHANGE_SECURITY}


def on_step(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    ref = read_value(body, StepRef)
    actor, trigger = context["actor"], body["trigger_id"]
    if ref.step in FORM_STEPS or RULES[ref.step].reason_required:
        with transaction(context) as session:
            title, _ = check_step(
                session=session,
                actor=actor,
                integration_id=ref.integration_id,
                step=ref.step,
                expected=ref.state,
            )
            scopes, classes = current_security(session=session, integration_id=ref.integration_id)
            if ref.step is Step.SUBMIT_REVIEW:
                scopes, classes = pending_scopes(session=session, integration_id=ref.integration_id) or (
                    scopes,
                    classes,
                )
        client.views_open(trigger_id=trigger, view=_form(ref, title, scopes, classes))
        return
    with transaction(context) as session:
        card = take_step(
            session=session,
            actor=actor,
            integration_id=ref.integration_id,
            step=ref.step,
            expected=ref.state,
            policy=context["policy"],
            now=context["now"],
        )
    if ref.step is Step.START_REVIEW:
        review = StepRef(integration_id=card.id, step=Step.SUBMIT_REVIEW, state=card.state)
        client.views_open(trigger_id=trigger, view=security_review_modal(review, title=card.title))
    after_change(client, context)


def _form(ref: StepRef, title: str, scopes: str, classes: list[str]) -> View:
    if ref.step is Step.SUBMIT_REVIEW:
        return security_review_modal(ref, title=title, scopes=scopes, data_classes=classes)
    if ref.step in (Step.RECORD_SANDBOX, Step.RETEST):
        return sandbox_modal(ref, title=title)
    if ref.step is Step.CHANGE_SECURITY:
        return change_modal(ref, title=title, scopes=scopes, data_classes=classes)
    return reason_modal(ref, title=title)


def register(app: App) -> None:
    app.action(re.compile("^" + re.escape(STEP_PREFIX)))(on_step)
