"""Submissions of the lifecycle forms: security review, reason, sandbox test, scope change."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import StepRef, read_form, read_meta
from bot.home import after_change
from bot.ids import Callback
from bot.middleware import transaction
from commands.security_review import ReasonForm, SandboxForm, ScopeChange, SecurityReviewForm, review_errors
from commands.workflow import change_security, record_sandbox, submit_security_review, take_step


def _ref(view: dict[str, Any]) -> StepRef:
    return read_meta(view, StepRef)


def submit_review(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref, form = _ref(view), SecurityReviewForm.parse(read_form(view), check=review_errors)
    with transaction(context) as session:
        submit_security_review(
            session=session,
            actor=context["actor"],
            integration_id=ref.integration_id,
            form=form,
            policy=context["policy"],
            now=context["now"],
        )
    ack()
    after_change(client, context)


def submit_reason(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref, form = _ref(view), ReasonForm.parse(read_form(view))
    with transaction(context) as session:
        take_step(
            session=session,
            actor=context["actor"],
            integration_id=ref.integration_id,
            step=ref.step,
            expected=ref.state,
            policy=context["policy"],
            now=context["now"],
            reason=form.reason,
        )
    ack()
    after_change(client, context)


def submit_sandbox(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref, form = _ref(view), SandboxForm.parse(read_form(view))
    with transaction(context) as session:
        record_sandbox(
            session=session,
            actor=context["actor"],
            integration_id=ref.integration_id,
            form=form,
            policy=context["policy"],
            now=context["now"],
            step=ref.step,
        )
    ack()
    after_change(client, context)


def submit_change(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref, change = _ref(view), ScopeChange.parse(read_form(view))
    with transaction(context) as session:
        change_security(
            session=session,
            actor=context["actor"],
            integration_id=ref.integration_id,
            change=change,
            policy=context["policy"],
            now=context["now"],
        )
    ack()
    after_change(client, context)


def register(app: App) -> None:
    app.view(Callback.SECURITY_REVIEW)(submit_review)
    app.view(Callback.STEP_REASON)(submit_reason)
    app.view(Callback.SANDBOX)(submit_sandbox)
    app.view(Callback.SECURITY_CHANGE)(submit_change)
