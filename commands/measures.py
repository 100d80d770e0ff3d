"""Success measures: what a live integration achieves, recorded by its owner over time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Mention, NotAllowed
from commands.fields import Form, Hours
from commands.integrations import get_integration
from commands.vocabulary import State
from storage.models import Integration, Measurement
from storage.repositories import measurements as repo

MEASURABLE = frozenset({State.LIVE, State.SUSPENDED})


class MeasuresForm(Form):
    """What the owner records at go-live and at each review."""

    field_messages = {
        "hours_saved_per_week": "Enter the hours a week it saves, like 2.5 (0 if none).",
        "errors_avoided": "Enter how many manual errors a month it avoids, like 3 (0 if none).",
        "freshness_minutes": "Enter how many minutes pass between an event and its sync, like 5.",
    }

    hours_saved_per_week: Hours
    errors_avoided: Annotated[int, Field(ge=0, le=1_000_000)]
    freshness_minutes: Annotated[int, Field(ge=0, le=525_600)]


class MeasureLine(BaseModel):
    recorded_at: datetime
    hours_saved_per_week: Decimal
    errors_avoided: int
    freshness_minutes: int
    recorded_by: str


def line_of(row: Measurement) -> MeasureLine:
    return MeasureLine(
        recorded_at=row.recorded_at,
        hours_saved_per_week=row.hours_saved_per_week,
        errors_avoided=row.errors_avoided,
        freshness_minutes=row.freshness_minutes,
        recorded_by=row.recorded_by,
    )


def _require_measurer(actor: Actor, integration: Integration) -> None:
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            "Only the owner {owner} or a Patchbay admin can record the success "
            f"measures of #{integration.id}.",
            owner=Mention(integration.owner_id),
        )
    state = State(integration.state)
    if state not in MEASURABLE:
        raise NotAllowed(
            f"#{integration.id} is {state.label.lower()}; success measures are recorded once it is live."
        )


def measurable(*, session: Session, actor: Actor, integration_id: int) -> str:
    """The integration's title, if the actor may record its measures now; NotAllowed otherwise."""
    integration = get_integration(session, integration_id)
    _require_measurer(actor, integration)
    return integration.title


def record_measures(
    *, session: Session, actor: Actor, integration_id: int, form: MeasuresForm, now: datetime
) -> MeasureLine:
    """Record hours saved, errors avoided and data freshness (owner or admin, once live)."""
    integration = get_integration(session, integration_id)
    _require_measurer(actor, integration)
    row = repo.add(
        session,
        Measurement(
            integration_id=integration.id,
            recorded_at=now,
            hours_saved_per_week=form.hours_saved_per_week,
            errors_avoided=form.errors_avoided,
            freshness_minutes=form.freshness_minutes,
            recorded_by=actor.user_id,
        ),
    )
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.measured",
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after={
            "hours_saved_per_week": str(form.hours_saved_per_week),
            "errors_avoided": form.errors_avoided,
            "freshness_minutes": form.freshness_minutes,
        },
    )
    return line_of(row)


def measures_of(*, session: Session, integration_id: int) -> list[MeasureLine]:
    """Every measurement of one integration, oldest first."""
    return [line_of(row) for row in repo.of_integration(session, integration_id)]
