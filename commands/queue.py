"""The proposal queue: open proposals ranked by score then payback, a page at a time, and its sizes."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.policy import Policy
from commands.proposal_card import IntegrationCard, cards_of
from commands.vocabulary import IN_FLIGHT, OPEN_PROPOSAL, State
from storage.repositories import integrations as repo

QUEUE_PAGE = 10


class QueuePage(BaseModel):
    cards: list[IntegrationCard]
    first_rank: int
    total: int
    page: int
    pages: int
    focus_size: int


def queue(*, session: Session, policy: Policy, page: int = 1) -> QueuePage:
    """Open proposals ranked by score, then payback; the first `focus_size` are the focus."""
    page = max(page, 1)
    found, total = repo.ranked(
        session, states=[s.value for s in OPEN_PROPOSAL], offset=(page - 1) * QUEUE_PAGE, limit=QUEUE_PAGE
    )
    first = (page - 1) * QUEUE_PAGE + 1
    # Every row is an open proposal in rank order, so its position is the page's offset plus its place.
    cards = cards_of(session, [(integration, first + n) for n, integration in enumerate(found)], policy)
    return QueuePage(
        cards=cards,
        first_rank=first,
        total=total,
        page=page,
        pages=max((total + QUEUE_PAGE - 1) // QUEUE_PAGE, 1),
        focus_size=policy.focus_size,
    )


class QueueSizes(BaseModel):
    """How many integrations wait in the queue, are in flight (approved, not yet live) and are live."""

    open_proposals: int
    in_flight: int
    live: int


def queue_sizes(*, session: Session) -> QueueSizes:
    """The queue's sizes from one grouped count by state."""
    by_state = repo.count_by_state(session)
    return QueueSizes(
        open_proposals=sum(by_state.get(s.value, 0) for s in OPEN_PROPOSAL),
        in_flight=sum(by_state.get(s.value, 0) for s in IN_FLIGHT),
        live=by_state.get(State.LIVE.value, 0),
    )
