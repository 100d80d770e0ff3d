"""Who may take which step from which state: every role x step x state, against a table written out here."""

from __future__ import annotations

import pytest

from commands.actor import Actor, Role
from commands.lifecycle import Facts, Step, next_steps, refusal
from commands.vocabulary import State

PEOPLE = {
    "proposer": Actor(user_id="UPROPOSER"),
    "owner": Actor(user_id="UOWNER"),
    "reviewer": Actor(user_id="UREVIEWER", roles=frozenset({Role.SECURITY_REVIEWER})),
    "approver": Actor(user_id="UAPPROVER", roles=frozenset({Role.APPROVER})),
    "admin": Actor(user_id="UADMIN", roles=frozenset({Role.ADMIN})),
    "bystander": Actor(user_id="UBYSTANDER"),
}
S = State
EXPECTED: dict[Step, tuple[set[State], set[str]]] = {
    Step.START_REVIEW: ({S.PROPOSED}, {"reviewer"}),
    Step.SUBMIT_REVIEW: ({S.SECURITY_REVIEW}, {"reviewer"}),
    Step.APPROVE: ({S.AWAITING_APPROVAL}, {"approver"}),
    Step.REQUEST_CHANGES: ({S.SECURITY_REVIEW, S.AWAITING_APPROVAL}, {"approver", "reviewer"}),
    Step.REJECT: (
        {S.PROPOSED, S.SECURITY_REVIEW, S.AWAITING_APPROVAL, S.CHANGES_REQUESTED},
        {"approver", "admin"},
    ),
    Step.RESUBMIT: ({S.CHANGES_REQUESTED}, {"proposer", "owner"}),
    Step.RECORD_SANDBOX: ({S.APPROVED}, {"owner"}),
    Step.DEPLOY: ({S.IN_SANDBOX}, {"owner"}),
    Step.RETEST: ({S.SUSPENDED}, {"owner", "admin"}),
    # Only after a retest (see below): never for an integration in the sandbox for the first time.
    Step.REDEPLOY: (set(), {"owner", "admin"}),
    Step.SUSPEND: ({S.LIVE}, {"owner", "admin"}),
    Step.RESUME: ({S.SUSPENDED}, {"owner", "admin"}),
    Step.RETIRE: ({S.APPROVED, S.IN_SANDBOX, S.LIVE, S.SUSPENDED}, {"owner", "admin"}),
    Step.CHANGE_SECURITY: ({S.APPROVED, S.IN_SANDBOX, S.LIVE}, {"owner"}),
    Step.NEEDS_CHANGES: ({S.LIVE, S.SUSPENDED}, {"owner", "admin"}),
    # Patchbay takes it itself when the last teardown item is settled: never a button.
    Step.FINISH_TEARDOWN: (set(), {"owner", "admin"}),
}


def facts(state: State, reviewer: str | None = None) -> Facts:
    return Facts(id=7, state=state, owner_id="UOWNER", proposer_id="UPROPOSER", reviewer_id=reviewer)


def test_the_table_covers_every_step() -> None:
    assert set(EXPECTED) == set(Step)


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("who", list(PEOPLE))
def test_each_role_step_and_state(step: Step, state: State, who: str) -> None:
    states, people = EXPECTED[step]
    allowed = state in states and who in people
    answer = refusal(step, PEOPLE[who], facts(state))
    assert (answer is None) == allowed, answer
    if answer is not None:
        assert "#7" in answer


def test_proposer_holding_a_role_still_cannot_review_or_approve_their_own() -> None:
    both = Actor(user_id="UPROPOSER", roles=frozenset({Role.APPROVER, Role.SECURITY_REVIEWER}))
    assert "You proposed #7" in str(refusal(Step.START_REVIEW, both, facts(State.PROPOSED)))
    assert "You proposed #7" in str(refusal(Step.APPROVE, both, facts(State.AWAITING_APPROVAL)))


def test_the_reviewer_of_this_round_cannot_approve_it() -> None:
    both = Actor(user_id="UREVIEWER", roles=frozenset({Role.APPROVER, Role.SECURITY_REVIEWER}))
    assert "You did the security review" in str(
        refusal(Step.APPROVE, both, facts(State.AWAITING_APPROVAL, reviewer="UREVIEWER"))
    )
    assert refusal(Step.APPROVE, both, facts(State.AWAITING_APPROVAL, reviewer="UOTHER")) is None


def test_terminal_states_offer_no_steps() -> None:
    assert next_steps(State.REJECTED) == [] and next_steps(State.RETIRED) == []
    assert next_steps(State.RETIRING) == []  # settled through its teardown checklist, not steps


@pytest.mark.parametrize("who", list(PEOPLE))
def test_after_a_retest_redeploy_replaces_deploy(who: str) -> None:
    retested = Facts(
        id=7,
        state=State.IN_SANDBOX,
        owner_id="UOWNER",
        proposer_id="UPROPOSER",
        reviewer_id=None,
        retested=True,
    )
    assert (refusal(Step.REDEPLOY, PEOPLE[who], retested) is None) == (who in {"owner", "admin"})
    assert "Redeploy" in str(refusal(Step.DEPLOY, PEOPLE[who], retested))
    assert next_steps(State.IN_SANDBOX, retested=True) == [Step.REDEPLOY, Step.RETIRE, Step.CHANGE_SECURITY]
    assert Step.REDEPLOY not in next_steps(State.IN_SANDBOX)
