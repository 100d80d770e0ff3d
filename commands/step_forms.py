"""Opening a lifecycle step's form: may the person take the step now, and what the form starts with."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.lifecycle import RULES, Step
from commands.vocabulary import State
from commands.workflow import check_step, current_security, pending_scopes

FORM_STEPS = frozenset({Step.SUBMIT_REVIEW, Step.RECORD_SANDBOX, Step.CHANGE_SECURITY})


class StepForm(BaseModel):
    """What a step's form opens with: the integration's title and the scopes and data classes to show."""

    title: str
    scopes: str = ""
    data_classes: list[str] = []


def needs_form(step: Step) -> bool:
    """Whether `step` is taken through a form (its own, or a reason) rather than at once."""
    return step in FORM_STEPS or RULES[step].reason_required


def open_step_form(
    *, session: Session, actor: Actor, integration_id: int, step: Step, expected: State
) -> StepForm:
    """Raise unless the actor may take `step` now; the form's title and prefilled security.

    A security review starts from the change waiting for review, if there is one, else from the
    last passed review, like a change of scopes does.
    """
    title, _owner = check_step(
        session=session, actor=actor, integration_id=integration_id, step=step, expected=expected
    )
    scopes, classes = current_security(session=session, integration_id=integration_id)
    if step is Step.SUBMIT_REVIEW:
        scopes, classes = pending_scopes(session=session, integration_id=integration_id) or (scopes, classes)
    return StepForm(title=title, scopes=scopes, data_classes=classes)
