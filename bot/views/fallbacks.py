"""The fallback `text` of messages (notifications and screen readers); people's text is escaped."""

from __future__ import annotations

from bot.text import escape
from commands.proposal_card import IntegrationCard


def named(integration_id: int, title: str) -> str:
    """`#12 Title`, the way every message names an integration."""
    return f"#{integration_id} {escape(title)}"


def card_fallback(card: IntegrationCard) -> str:
    return f"{named(card.id, card.title)}: {card.state.label}"


def orphan_fallback(integration_id: int, title: str) -> str:
    return f"{named(integration_id, title)} is orphaned"


def review_fallback(integration_id: int, title: str) -> str:
    return f"Review {named(integration_id, title)}"


def answered_fallback(outcome: str, integration_id: int, title: str) -> str:
    return f"{outcome}: {named(integration_id, title)}"


def saved_fallback(*, new: bool, card: IntegrationCard) -> str:
    return f"{'Proposed' if new else 'Saved'} {named(card.id, card.title)}"


def tool_retired(name: str) -> str:
    return f"{escape(name)} is retired."


def dependents_fallback(name: str) -> str:
    return f"{escape(name)} has integrations that depend on it."


def impact_fallback(name: str) -> str:
    return f"What depends on {escape(name)}"
