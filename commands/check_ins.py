"""The first month live: a weekly check-in with that week's figures, answered Looks good or Investigate."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Mention, NotAllowed, NotFound
from commands.outbox import Kind, owe
from commands.run_health import Figures, health_of
from commands.vocabulary import State
from storage.repositories import check_ins as repo
from storage.repositories import integrations as integration_repo

WEEKS = 4


class CheckInAnswer(StrEnum):
    LOOKS_GOOD = "looks_good"
    INVESTIGATE = "investigate"


class CheckInNotice(BaseModel):
    """What the outbox owes the card's thread: a check-in to post, or its answer."""

    check_in_id: int
    answered: bool = False


class CheckInView(BaseModel):
    id: int
    integration_id: int
    title: str
    owner_id: str
    week: int
    figures: Figures
    answer: CheckInAnswer | None
    answered_by: str | None


def schedule_check_ins(*, session: Session, now: datetime) -> int:
    """Create each live integration's weekly check-ins that came due in its first four weeks."""
    created = 0
    for integration in integration_repo.all_in(session, states=[State.LIVE.value]):
        if integration.live_at is None:
            continue
        for week in range(1, WEEKS + 1):
            due = integration.live_at + timedelta(weeks=week)
            if due > now or now - due > timedelta(weeks=1):
                continue
            check_in_id = repo.create_once(session, integration_id=integration.id, week=week, due_at=due)
            if check_in_id is not None:
                notice = CheckInNotice(check_in_id=check_in_id)
                owe(
                    session,
                    kind=Kind.CHECK_IN,
                    integration_id=integration.id,
                    now=now,
                    text=notice.model_dump_json(),
                )
                created += 1
    return created


def check_in_view(*, session: Session, check_in_id: int) -> CheckInView:
    """A check-in with the figures of the week that ended when it came due."""
    check_in = repo.get(session, check_in_id)
    if check_in is None:
        raise NotFound(f"There is no check-in {check_in_id}.")
    session.refresh(check_in)
    health = health_of(session=session, integration_id=check_in.integration_id, now=check_in.due_at)
    return CheckInView(
        id=check_in.id,
        integration_id=health.integration_id,
        title=health.title,
        owner_id=health.owner_id,
        week=check_in.week,
        figures=health.week,
        answer=CheckInAnswer(check_in.answer) if check_in.answer else None,
        answered_by=check_in.answered_by,
    )


def answer_check_in(
    *, session: Session, actor: Actor, check_in_id: int, answer: CheckInAnswer, now: datetime
) -> CheckInView:
    """Record the owner's (or an admin's) answer, once; a second press changes nothing."""
    check_in = repo.get(session, check_in_id)
    if check_in is None:
        raise NotFound(f"There is no check-in {check_in_id}.")
    integration = integration_repo.get(session, check_in.integration_id)
    assert integration is not None
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            "Only the owner {owner} or a Patchbay admin can answer the check-in.",
            owner=Mention(integration.owner_id),
        )
    if repo.answer(session, check_in.id, answer=answer.value, by=actor.user_id, now=now):
        record_change(
            session,
            actor=actor,
            now=now,
            action="integration.check_in",
            entity_type="integration",
            entity_id=integration.id,
            before=None,
            after={"week": check_in.week, "answer": answer.value},
        )
        notice = CheckInNotice(check_in_id=check_in.id, answered=True)
        owe(
            session, kind=Kind.CHECK_IN, integration_id=integration.id, now=now, text=notice.model_dump_json()
        )
    return check_in_view(session=session, check_in_id=check_in.id)
