"""The integration lifecycle: which step leads where, and who may take it. One table, one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from commands.actor import Actor, Role
from commands.vocabulary import State


class Step(StrEnum):
    START_REVIEW = "start_review"
    SUBMIT_REVIEW = "submit_review"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    RESUBMIT = "resubmit"
    RECORD_SANDBOX = "record_sandbox"
    DEPLOY = "deploy"
    SUSPEND = "suspend"
    RESUME = "resume"
    RETIRE = "retire"
    CHANGE_SECURITY = "change_security"
    NEEDS_CHANGES = "needs_changes"
    FINISH_TEARDOWN = "finish_teardown"
    RETEST = "retest"
    REDEPLOY = "redeploy"


class Party(StrEnum):
    """Who may take a step: a role, or a relation to the integration."""

    SECURITY_REVIEWER = "security_reviewer"
    APPROVER = "approver"
    ADMIN = "admin"
    OWNER = "owner"
    PROPOSER = "proposer"


PARTY_NAMES = {
    Party.SECURITY_REVIEWER: "a security reviewer",
    Party.APPROVER: "an approver",
    Party.ADMIN: "a Patchbay admin",
    Party.OWNER: "the owner",
    Party.PROPOSER: "the proposer",
}
ROLE_OF = {
    Party.SECURITY_REVIEWER: Role.SECURITY_REVIEWER,
    Party.APPROVER: Role.APPROVER,
    Party.ADMIN: Role.ADMIN,
}


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset[State]
    who: frozenset[Party]
    reason_required: bool = False
    not_proposer: bool = False
    not_reviewer: bool = False
    # None: either way; True: only in the sandbox again after a suspension; False: only the first time.
    after_retest: bool | None = None


OPEN = frozenset({State.PROPOSED, State.SECURITY_REVIEW, State.AWAITING_APPROVAL, State.CHANGES_REQUESTED})

RULES: dict[Step, Rule] = {
    Step.START_REVIEW: Rule(
        "Start security review",
        frozenset({State.PROPOSED}),
        frozenset({Party.SECURITY_REVIEWER}),
        not_proposer=True,
    ),
    Step.SUBMIT_REVIEW: Rule(
        "Security review",
        frozenset({State.SECURITY_REVIEW}),
        frozenset({Party.SECURITY_REVIEWER}),
        not_proposer=True,
    ),
    Step.APPROVE: Rule(
        "Approve",
        frozenset({State.AWAITING_APPROVAL}),
        frozenset({Party.APPROVER}),
        not_proposer=True,
        not_reviewer=True,
    ),
    Step.REQUEST_CHANGES: Rule(
        "Request changes",
        frozenset({State.SECURITY_REVIEW, State.AWAITING_APPROVAL}),
        frozenset({Party.APPROVER, Party.SECURITY_REVIEWER}),
        reason_required=True,
    ),
    Step.REJECT: Rule("Reject", OPEN, frozenset({Party.APPROVER, Party.ADMIN}), reason_required=True),
    Step.RESUBMIT: Rule(
        "Resubmit for review", frozenset({State.CHANGES_REQUESTED}), frozenset({Party.PROPOSER, Party.OWNER})
    ),
    Step.RECORD_SANDBOX: Rule("Record sandbox test", frozenset({State.APPROVED}), frozenset({Party.OWNER})),
    Step.DEPLOY: Rule(
        "Deploy to production", frozenset({State.IN_SANDBOX}), frozenset({Party.OWNER}), after_retest=False
    ),
    Step.SUSPEND: Rule(
        "Suspend", frozenset({State.LIVE}), frozenset({Party.OWNER, Party.ADMIN}), reason_required=True
    ),
    Step.RESUME: Rule("Resume", frozenset({State.SUSPENDED}), frozenset({Party.OWNER, Party.ADMIN})),
    # After a suspension: back through the sandbox checklist, then live again.
    Step.RETEST: Rule(
        "Retest in sandbox", frozenset({State.SUSPENDED}), frozenset({Party.OWNER, Party.ADMIN})
    ),
    Step.REDEPLOY: Rule(
        "Redeploy", frozenset({State.IN_SANDBOX}), frozenset({Party.OWNER, Party.ADMIN}), after_retest=True
    ),
    Step.RETIRE: Rule(
        "Retire",
        frozenset({State.APPROVED, State.IN_SANDBOX, State.LIVE, State.SUSPENDED}),
        frozenset({Party.OWNER, Party.ADMIN}),
    ),
    Step.CHANGE_SECURITY: Rule(
        "Change scopes or data",
        frozenset({State.APPROVED, State.IN_SANDBOX, State.LIVE}),
        frozenset({Party.OWNER}),
    ),
    Step.NEEDS_CHANGES: Rule(
        "Needs changes",
        frozenset({State.LIVE, State.SUSPENDED}),
        frozenset({Party.OWNER, Party.ADMIN}),
        reason_required=True,
    ),
    # Taken by Patchbay itself when the last teardown item is settled; never offered as a button.
    Step.FINISH_TEARDOWN: Rule("Finish teardown", frozenset(), frozenset({Party.OWNER, Party.ADMIN})),
}


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one integration."""

    id: int
    state: State
    owner_id: str
    proposer_id: str
    reviewer_id: str | None
    retested: bool = False


def parties(actor: Actor, facts: Facts) -> frozenset[Party]:
    held = {party for party, role in ROLE_OF.items() if actor.has(role)}
    if actor.user_id == facts.owner_id:
        held.add(Party.OWNER)
    if actor.user_id == facts.proposer_id:
        held.add(Party.PROPOSER)
    return frozenset(held)


def refusal(step: Step, actor: Actor, facts: Facts) -> str | None:
    """Why the actor may not take `step` now, in words for them; None when they may.

    The owner and the proposer are named as `{owner}` and `{proposer}`, filled in by the error
    that carries the sentence (`NotAllowed(reason, owner=Mention(...), proposer=Mention(...))`).
    """
    rule = RULES[step]
    if facts.state not in rule.sources:
        return f"#{facts.id} is {facts.state.label.lower()}; '{rule.label}' is not possible now."
    if rule.after_retest is not None and rule.after_retest != facts.retested:
        if facts.retested:
            return f"#{facts.id} was retested after a suspension: 'Redeploy' puts it back live."
        return f"#{facts.id} was not retested after a suspension; '{rule.label}' is not possible now."
    who = _who(rule.who, facts)
    if not rule.who & parties(actor, facts):
        return f"Only {who} can do '{rule.label}' on #{facts.id}."
    if rule.not_proposer and actor.user_id == facts.proposer_id:
        return f"You proposed #{facts.id}, so someone else has to do '{rule.label}': {who}."
    if rule.not_reviewer and actor.user_id == facts.reviewer_id:
        return f"You did the security review of #{facts.id}, so another approver has to approve it."
    return None


def _who(who: frozenset[Party], facts: Facts) -> str:
    if {Party.OWNER, Party.PROPOSER} <= who and facts.owner_id == facts.proposer_id:
        rest = [_name(p) for p in sorted(who - {Party.OWNER, Party.PROPOSER})]
        return " or ".join(["the proposer and owner {owner}", *rest])
    return " or ".join(_name(party) for party in sorted(who))


def _name(party: Party) -> str:
    if party is Party.OWNER:
        return "the owner {owner}"
    if party is Party.PROPOSER:
        return "the proposer {proposer}"
    return PARTY_NAMES[party]


def next_steps(state: State, *, retested: bool = False) -> list[Step]:
    """The steps that can follow `state` (after a retest or not), in the order the card offers them."""
    return [
        step
        for step, rule in RULES.items()
        if state in rule.sources and rule.after_retest in (None, retested)
    ]
