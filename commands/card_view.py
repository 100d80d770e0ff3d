"""The card `/patchbay show` gives: the integration, and its health and thresholds while it runs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.policy import Policy
from commands.proposal_card import IntegrationCard, show_integration
from commands.run_health import WATCHED, Health, health_of
from commands.thresholds import IntegrationThresholds, thresholds_for


class CardView(BaseModel):
    card: IntegrationCard
    health: Health | None = None  # live or suspended only
    thresholds: IntegrationThresholds | None = None


def card_view(*, session: Session, integration_id: int, policy: Policy, now: datetime) -> CardView:
    """The card; for a live or suspended integration, its run health and the alert thresholds in force."""
    card = show_integration(session=session, integration_id=integration_id, policy=policy)
    if card.state not in WATCHED:
        return CardView(card=card)
    return CardView(
        card=card,
        health=health_of(session=session, integration_id=card.id, now=now),
        thresholds=thresholds_for(session=session, integration_id=card.id, policy=policy),
    )
