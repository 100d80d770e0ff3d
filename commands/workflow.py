"""Moving an integration through its lifecycle: one function per step, all through `_move`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Conflict, InvalidInput, Mention, NotAllowed, NotFound
from commands.flows import automate_flows_of
from commands.lifecycle import RULES, Facts, Step, refusal
from commands.notices import ChangeSummary, Notice, Say, StepReason
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.proposal_card import IntegrationCard, approvals_needed, card_of
from commands.run_tokens import revoke_tokens
from commands.runbook import Phase, owe_runbook, record_on_incident
from commands.security_review import (
    SANDBOX_CHECKS,
    SandboxForm,
    ScopeChange,
    ScopeNeed,
    SecurityReviewForm,
    check_sandbox,
    format_scopes,
)
from commands.teardown_plan import open_teardown
from commands.vocabulary import CredentialType, ReviewOutcome, State
from storage.models import Approval, Integration, SecurityReview
from storage.repositories import audit
from storage.repositories import integrations as integration_repo
from storage.repositories import security_reviews as repo


def _locked(session: Session, integration_id: int) -> Integration:
    integration = repo.lock_integration(session, integration_id)
    if integration is None:
        raise NotFound(f"There is no integration #{integration_id}.")
    return integration


def facts_of(session: Session, integration: Integration) -> Facts:
    """What the lifecycle rules need to know about the integration."""
    review = repo.latest(session, integration.id, round=integration.review_round)
    return Facts(
        id=integration.id,
        state=State(integration.state),
        owner_id=integration.owner_id,
        proposer_id=integration.proposer_id,
        reviewer_id=review.reviewer_id if review else None,
        retested=integration.retested_at is not None,
    )


def _already_moved(session: Session, integration: Integration, expected: State) -> Conflict:
    events = audit.for_entity(session, entity_type="integration", entity_id=integration.id)
    last = events[-1] if events else None
    state = State(integration.state).label.lower()
    if last is None:
        return Conflict(f"#{integration.id} is {state} now, not {expected.label.lower()}.")
    when = last.at.strftime("%Y-%m-%d %H:%M UTC")
    return Conflict(
        f"#{integration.id} is already {state}: {{actor}} acted first ({when}).", actor=Mention(last.actor_id)
    )


def _authorise(
    session: Session, integration: Integration, step: Step, actor: Actor, expected: State | None
) -> Facts:
    if expected is not None and integration.state != expected.value:
        raise _already_moved(session, integration, expected)
    facts = facts_of(session, integration)
    reason = refusal(step, actor, facts)
    if reason:
        raise NotAllowed(reason, owner=Mention(facts.owner_id), proposer=Mention(facts.proposer_id))
    return facts


def _move(
    session: Session,
    integration: Integration,
    *,
    step: Step,
    to: State,
    actor: Actor,
    now: datetime,
    note: str = "",
    extra: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
) -> None:
    """Change state with a conditional UPDATE, audit it, and owe Slack the card, thread and DMs."""
    before = State(integration.state)
    changes = {"state": to.value, "state_since": now, "updated_at": now, **(values or {})}
    if not integration_repo.move_state(session, integration.id, from_state=before.value, values=changes):
        raise _already_moved(session, integration, before)
    session.refresh(integration)
    if before is State.LIVE:
        revoke_tokens(session=session, actor=actor, integration_id=integration.id, now=now, why=step.value)
    if to is State.SUSPENDED:
        owe_runbook(session, integration, phase=Phase.DOWN, now=now)
    elif step in RUNBOOK_STEPS:
        record_on_incident(session, integration.id, step=step, actor=actor, now=now)
        owe_runbook(session, integration, phase=RUNBOOK_STEPS[step], now=now)
    record_change(
        session,
        actor=actor,
        now=now,
        action=f"integration.{step.value}",
        entity_type="integration",
        entity_id=integration.id,
        before={"state": before.value},
        after={"state": to.value, **(extra or {})},
        note=note,
    )
    _tell(
        session,
        integration,
        actor=actor,
        now=now,
        notice=Notice(
            say=Say.STEP,
            integration_id=integration.id,
            actor_id=actor.user_id,
            step=step.value,
            before=before.value,
            after=to.value,
            note=note,
            **_told(extra or {}),
        ),
    )


# The runbook's steps after a suspension, and what each tells the thread (and the people affected).
RUNBOOK_STEPS = {Step.RETEST: Phase.RETESTED, Step.REDEPLOY: Phase.BACK, Step.RESUME: Phase.BACK}


def _told(extra: dict[str, Any]) -> dict[str, Any]:
    """The facts of the audit record that the step's notice words too."""
    told: dict[str, Any] = {}
    if extra.get("personal_account"):
        told["personal_account"] = True
    if "kept" in extra:
        told["kept"] = extra["kept"]
    if "change" in extra:
        told["change"] = ChangeSummary.model_validate(extra["change"])
    if "reason" in extra:
        told["reason"] = StepReason.model_validate(extra["reason"])
    return told


def _tell(session: Session, integration: Integration, *, actor: Actor, now: datetime, notice: Notice) -> None:
    """Owe the card refresh, a thread reply, and DMs to the proposer and owner."""
    owe(session, kind=Kind.CARD, integration_id=integration.id, now=now)
    owe(session, kind=Kind.THREAD, integration_id=integration.id, now=now, text=notice.model_dump_json())
    direct = notice.model_copy(update={"title": integration.title, "direct": True}).model_dump_json()
    for person in dict.fromkeys((integration.proposer_id, integration.owner_id)):
        if person != actor.user_id:
            owe(session, kind=Kind.DM, integration_id=integration.id, recipient=person, now=now, text=direct)


def locked_integration(session: Session, integration_id: int) -> Integration:
    """The integration, locked for this transaction."""
    return _locked(session, integration_id)


def finish_retirement(session: Session, integration: Integration, *, actor: Actor, now: datetime) -> None:
    """The last teardown item of a retiring integration was settled: it is retired."""
    _move(session, integration, step=Step.FINISH_TEARDOWN, to=State.RETIRED, actor=actor, now=now)


def _reason(step: Step, reason: str, because: StepReason | None) -> str:
    reason = reason.strip()
    if RULES[step].reason_required and not reason and because is None:
        raise InvalidInput({"reason": "Give a reason: the proposer and owner will see it."})
    return reason


def check_step(
    *, session: Session, actor: Actor, integration_id: int, step: Step, expected: State | None
) -> tuple[str, str]:
    """Raise unless the actor may take `step` now; return the integration's title and owner."""
    integration = _locked(session, integration_id)
    _authorise(session, integration, step, actor, expected)
    return integration.title, integration.owner_id


def take_step(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    step: Step,
    expected: State | None,
    policy: Policy,
    now: datetime,
    reason: str = "",
    because: StepReason | None = None,
) -> IntegrationCard:
    """Take a step that needs no form beyond an optional reason (a person's words, or `because`:
    the reason Patchbay gives when the step follows from something else)."""
    integration = _locked(session, integration_id)
    _authorise(session, integration, step, actor, expected)
    note = _reason(step, reason, because)
    why = {"reason": because.model_dump()} if because is not None else None
    if step is Step.APPROVE:
        _approve(session, integration, actor=actor, policy=policy, now=now)
    elif step in (Step.START_REVIEW, Step.RESUBMIT):
        _move(
            session,
            integration,
            step=step,
            to=State.SECURITY_REVIEW,
            actor=actor,
            now=now,
            note=note,
            values={"review_round": integration.review_round + 1},
        )
    elif step is Step.DEPLOY:
        review_on = policy.next_review(now.date(), integration.data_classes)
        _move(
            session,
            integration,
            step=step,
            to=State.LIVE,
            actor=actor,
            now=now,
            values={"live_at": now, "next_review_on": review_on},
            extra={"next_review_on": review_on.isoformat()},
        )
        automate_flows_of(session, integration, actor=actor, now=now)
    elif step is Step.REDEPLOY:
        _move(
            session, integration, step=step, to=State.LIVE, actor=actor, now=now, values={"retested_at": None}
        )
    elif step is Step.RETIRE:
        _move(session, integration, step=step, to=State.RETIRING, actor=actor, now=now, note=note, extra=why)
        open_teardown(session, integration, now=now)
    elif step in SIMPLE_TARGETS:
        _move(
            session,
            integration,
            step=step,
            to=SIMPLE_TARGETS[step],
            actor=actor,
            now=now,
            note=note,
            extra=why,
        )
    else:
        raise InvalidInput({"form": f"'{RULES[step].label}' needs its form."})
    return card_of(session, integration, policy)


SIMPLE_TARGETS = {
    Step.REQUEST_CHANGES: State.CHANGES_REQUESTED,
    Step.NEEDS_CHANGES: State.CHANGES_REQUESTED,
    Step.REJECT: State.REJECTED,
    Step.SUSPEND: State.SUSPENDED,
    Step.RESUME: State.LIVE,
}


def _approve(
    session: Session, integration: Integration, *, actor: Actor, policy: Policy, now: datetime
) -> None:
    in_flight = card_of(session, integration, policy)
    if in_flight.cap_reached and not actor.is_admin:
        raise NotAllowed(
            f"{in_flight.in_flight} of {policy.inflight_cap} integrations are already in flight: "
            "approving another needs a Patchbay admin."
        )
    try:
        with session.begin_nested():
            repo.add(
                session,
                Approval(
                    integration_id=integration.id,
                    round=integration.review_round,
                    approver_id=actor.user_id,
                    created_at=now,
                ),
            )
    except IntegrityError:
        raise Conflict(f"You already approved #{integration.id}; it needs another approver.") from None
    have = repo.approval_count(session, integration.id, integration.review_round)
    needed = approvals_needed(integration.data_classes, policy)
    if have < needed:
        record_change(
            session,
            actor=actor,
            now=now,
            action="integration.approval_recorded",
            entity_type="integration",
            entity_id=integration.id,
            before=None,
            after={"approvals": have, "needed": needed},
        )
        _tell(
            session,
            integration,
            actor=actor,
            now=now,
            notice=Notice(
                say=Say.APPROVAL,
                integration_id=integration.id,
                actor_id=actor.user_id,
                have=have,
                needed=needed,
            ),
        )
        return
    _move(
        session,
        integration,
        step=Step.APPROVE,
        to=State.APPROVED,
        actor=actor,
        now=now,
        extra={"approvers": list(repo.approvers(session, integration.id, integration.review_round))},
    )


def submit_security_review(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    form: SecurityReviewForm,
    policy: Policy,
    now: datetime,
) -> IntegrationCard:
    """Record a security review and move the integration on by its outcome."""
    integration = _locked(session, integration_id)
    _authorise(session, integration, Step.SUBMIT_REVIEW, actor, State.SECURITY_REVIEW)
    form.check()
    review = SecurityReview(
        integration_id=integration.id,
        round=integration.review_round,
        reviewer_id=actor.user_id,
        scopes=[need.model_dump() for need in form.scopes],
        access_level=form.access_level.value,
        credential_type=form.credential_type.value,
        credential_storage=form.credential_storage.value,
        data_classes=[c.value for c in form.data_classes],
        attestations=[a.value for a in form.attestations],
        encrypted_in_transit=form.encrypted_in_transit,
        encrypted_at_rest=form.encrypted_at_rest,
        rotation_days=form.rotation_days,
        outcome=form.outcome.value,
        notes=form.notes,
        created_at=now,
    )
    repo.add(session, review)
    summary: dict[str, Any] = {
        "outcome": form.outcome.value,
        "data_classes": review.data_classes,
        "review_id": review.id,
    }
    if form.credential_type is CredentialType.PERSONAL_ACCOUNT:
        summary["personal_account"] = True
    change_of = integration.resume_state
    if change_of is not None:
        target = State(change_of)
        values: dict[str, Any] = {"pending_change": None, "resume_state": None}
        if form.outcome is ReviewOutcome.PASS:
            values |= {"data_classes": review.data_classes, "rotation_days": form.rotation_days}
        else:
            summary["kept"] = target.value
    else:
        target = {
            ReviewOutcome.PASS: State.AWAITING_APPROVAL,
            ReviewOutcome.CHANGES: State.CHANGES_REQUESTED,
            ReviewOutcome.FAIL: State.REJECTED,
        }[form.outcome]
        values = {"data_classes": review.data_classes, "rotation_days": form.rotation_days}
    _move(
        session,
        integration,
        step=Step.SUBMIT_REVIEW,
        to=target,
        actor=actor,
        now=now,
        note=form.notes,
        extra=summary,
        values=values,
    )
    return card_of(session, integration, policy)


SANDBOX_STEPS = {Step.RECORD_SANDBOX: State.APPROVED, Step.RETEST: State.SUSPENDED}


def record_sandbox(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    form: SandboxForm,
    policy: Policy,
    now: datetime,
    step: Step = Step.RECORD_SANDBOX,
) -> IntegrationCard:
    """Record the sandbox test against the checklist: before going live, or a retest after a suspension."""
    if step not in SANDBOX_STEPS:
        raise InvalidInput({"form": f"'{RULES[step].label}' is not a sandbox test."})
    integration = _locked(session, integration_id)
    _authorise(session, integration, step, actor, SANDBOX_STEPS[step])
    check_sandbox(form)
    _move(
        session,
        integration,
        step=step,
        to=State.IN_SANDBOX,
        actor=actor,
        now=now,
        note=form.notes,
        extra={"checklist": [SANDBOX_CHECKS[key] for key in form.checklist]},
        values={"retested_at": now} if step is Step.RETEST else None,
    )
    return card_of(session, integration, policy)


def current_security(*, session: Session, integration_id: int) -> tuple[str, list[str]]:
    """The scopes (as typed) and data classes of the last passed review, to prefill a change."""
    review = repo.latest_passed(session, integration_id)
    if review is None:
        return "", []
    return format_scopes([ScopeNeed.model_validate(s) for s in review.scopes]), list(review.data_classes)


def change_security(
    *, session: Session, actor: Actor, integration_id: int, change: ScopeChange, policy: Policy, now: datetime
) -> IntegrationCard:
    """A new scope or data class on an approved or live integration goes back through security review."""
    integration = _locked(session, integration_id)
    _authorise(session, integration, Step.CHANGE_SECURITY, actor, None)
    scopes_text, classes = current_security(session=session, integration_id=integration_id)
    old_scopes = {line.split(" - ")[0] for line in scopes_text.splitlines() if line}
    new_scopes = {need.scope for need in change.scopes}
    new_classes = [c.value for c in change.data_classes]
    summary = ChangeSummary(
        added_scopes=sorted(new_scopes - old_scopes),
        dropped_scopes=sorted(old_scopes - new_scopes),
        classes_before=classes if set(new_classes) != set(classes) else None,
        classes_after=new_classes if set(new_classes) != set(classes) else [],
    )
    if not (summary.added_scopes or summary.dropped_scopes or summary.classes_before is not None):
        raise InvalidInput({"scopes": "Nothing changed: edit the scopes or the data classes."})
    pending = {
        "scopes": [need.model_dump() for need in change.scopes],
        "data_classes": new_classes,
        "change": summary.model_dump(exclude_defaults=True),
    }
    _move(
        session,
        integration,
        step=Step.CHANGE_SECURITY,
        to=State.SECURITY_REVIEW,
        actor=actor,
        now=now,
        extra={"change": summary.model_dump(exclude_defaults=True)},
        values={
            "pending_change": pending,
            "resume_state": integration.state,
            "review_round": integration.review_round + 1,
        },
    )
    return card_of(session, integration, policy)


def pending_scopes(*, session: Session, integration_id: int) -> tuple[str, list[str]] | None:
    """The scopes and data classes of a change waiting for review, if there is one."""
    integration = integration_repo.get(session, integration_id)
    if integration is None or not integration.pending_change:
        return None
    change = integration.pending_change
    scopes = format_scopes([ScopeNeed.model_validate(s) for s in change["scopes"]])
    return scopes, list(change["data_classes"])
