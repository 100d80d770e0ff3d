"""Opening a lifecycle step's form: who may, and what the security review form starts with."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from commands.actor import Actor, Role
from commands.errors import PatchbayError
from commands.lifecycle import Step
from commands.step_forms import StepForm, needs_form, open_step_form
from commands.vocabulary import State
from storage.db import session_scope
from storage.models import Integration
from tests.factories import add_proposal, add_tool, set_state

REVIEWER = Actor(user_id="U0CAROL03", roles=frozenset({Role.SECURITY_REVIEWER}))
PENDING = {"scopes": [{"scope": "crm.objects.deals.read", "why": "read won deals"}], "data_classes": ["pii"]}


@pytest.fixture
def integration(sessions: sessionmaker[Session]) -> int:
    integration_id = add_proposal(sessions, add_tool(sessions, "Salesforce"), add_tool(sessions, "Asana"))
    set_state(sessions, integration_id, State.SECURITY_REVIEW.value)
    return integration_id


def _open(sessions: sessionmaker[Session], integration_id: int, actor: Actor = REVIEWER) -> StepForm:
    with session_scope(sessions) as session:
        return open_step_form(
            session=session,
            actor=actor,
            integration_id=integration_id,
            step=Step.SUBMIT_REVIEW,
            expected=State.SECURITY_REVIEW,
        )


def test_steps_with_a_form_or_a_reason_open_one_and_the_rest_act_at_once() -> None:
    assert needs_form(Step.SUBMIT_REVIEW) and needs_form(Step.RECORD_SANDBOX)
    assert needs_form(Step.CHANGE_SECURITY) and needs_form(Step.REJECT)
    assert not needs_form(Step.START_REVIEW) and not needs_form(Step.APPROVE)


def test_a_review_with_nothing_pending_starts_empty(
    sessions: sessionmaker[Session], integration: int
) -> None:
    found = _open(sessions, integration)
    assert found == StepForm(title="Closed-won deals start onboarding", scopes="", data_classes=[])


def test_a_review_of_a_pending_change_starts_from_the_change(
    sessions: sessionmaker[Session], integration: int
) -> None:
    with session_scope(sessions) as session:
        row = session.get(Integration, integration)
        assert row is not None
        row.pending_change = PENDING
    found = _open(sessions, integration)
    assert (found.scopes, found.data_classes) == ("crm.objects.deals.read - read won deals", ["pii"])


def test_only_someone_who_may_take_the_step_opens_its_form(
    sessions: sessionmaker[Session], integration: int
) -> None:
    with pytest.raises(PatchbayError):
        _open(sessions, integration, Actor(user_id="U0FRANK06"))
