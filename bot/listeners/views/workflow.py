"""Submissions of the lifecycle forms: security review, reason, sandbox test, scope change."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import StepRef
from bot.home import after_change
from bot.ids import Callback
from bot.middleware import form, metadata, transaction
from bot.request import parsed, request_of
from commands.security_review import ReasonForm, SandboxForm, ScopeChange, SecurityReviewForm, review_errors
from commands.workflow import change_security, record_sandbox, submit_security_review, take_step


def submit_review(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, review = request_of(context), parsed(context, StepRef), parsed(context, SecurityReviewForm)
    with transaction(context) as session:
        submit_security_review(
            session=session,
            actor=req.actor,
            integration_id=ref.integration_id,
            form=review,
            policy=req.policy,
            now=req.now,
        )
    ack()
    after_change(client, context)


def submit_reason(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, why = request_of(context), parsed(context, StepRef), parsed(context, ReasonForm)
    with transaction(context) as session:
        take_step(
            session=session,
            actor=req.actor,
            integration_id=ref.integration_id,
            step=ref.step,
            expected=ref.state,
            policy=req.policy,
            now=req.now,
            reason=why.reason,
        )
    ack()
    after_change(client, context)


def submit_sandbox(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, test = request_of(context), parsed(context, StepRef), parsed(context, SandboxForm)
    with transaction(context) as session:
        record_sandbox(
            session=session,
            actor=req.actor,
            integration_id=ref.integration_id,
            form=test,
            policy=req.policy,
            now=req.now,
        )
    ack()
    after_change(client, context)


def submit_change(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, change = request_of(context), parsed(context, StepRef), parsed(context, ScopeChange)
    with transaction(context) as session:
        change_security(
            session=session,
            actor=req.actor,
            integration_id=ref.integration_id,
            change=change,
            policy=req.policy,
            now=req.now,
        )
    ack()
    after_change(client, context)


def register(app: App) -> None:
    forms = {
        Callback.SECURITY_REVIEW: (submit_review, form(SecurityReviewForm, rules=review_errors)),
        Callback.STEP_REASON: (submit_reason, form(ReasonForm)),
        Callback.SANDBOX: (submit_sandbox, form(SandboxForm)),
        Callback.SECURITY_CHANGE: (submit_change, form(ScopeChange)),
    }
    for callback, (listener, parse_form) in forms.items():
        app.view(callback, middleware=[metadata(StepRef), parse_form])(listener)
