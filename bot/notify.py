"""Delivering the outbox to Slack: governance cards (posted, then updated in place), threads and DMs."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.views.reviews import orphan_card
from bot.views.workflow import governance_card
from commands.outbox import CardRef, DeliveryReport, Item, Kind, card_ref, deliver_pending, place_card
from commands.policy import Policy
from commands.proposals import show_integration
from commands.workspace_policy import read_policy
from storage.db import session_scope

log = logging.getLogger(__name__)


class SlackSender:
    """Sends one outbox item; raises when Slack refuses, so the item stays pending."""

    def __init__(self, client: WebClient, defaults: Policy) -> None:
        self.client = client
        self.defaults = defaults

    def __call__(self, session: Session, item: Item) -> None:
        policy = read_policy(session=session, defaults=self.defaults).policy
        channel = policy.governance_channel
        if item.kind is Kind.DM:
            self.client.chat_postMessage(channel=item.recipient, text=item.text)
            return
        if item.kind is Kind.CHANNEL:
            if channel:
                self.client.chat_postMessage(channel=channel, text=item.text)
            return
        assert item.integration_id is not None
        if item.kind is Kind.ORPHAN:
            if channel:
                card = show_integration(session=session, integration_id=item.integration_id, policy=policy)
                self.client.chat_postMessage(
                    channel=channel,
                    blocks=orphan_card(card.id, card.title, card.owner_id),
                    text=f"#{card.id} {card.title} is orphaned",
                )
            return
        ref = card_ref(session=session, integration_id=item.integration_id)
        if item.kind is Kind.CARD:
            card = show_integration(session=session, integration_id=item.integration_id, policy=policy)
            blocks = governance_card(card)
            text = f"#{card.id} {card.title}: {card.state.label}"
            if ref is not None:
                self.client.chat_update(channel=ref.channel, ts=ref.ts, blocks=blocks, text=text)
            elif channel:
                posted = self.client.chat_postMessage(channel=channel, blocks=blocks, text=text)
                place_card(
                    session=session,
                    integration_id=card.id,
                    ref=CardRef(channel=str(posted["channel"]), ts=str(posted["ts"])),
                )
        elif item.kind is Kind.THREAD and ref is not None:
            self.client.chat_postMessage(channel=ref.channel, thread_ts=ref.ts, text=item.text)


class Notifier:
    """Delivers what is owed after a change commits; also run on a timer to retry failures."""

    def __init__(self, sessions: sessionmaker[Session], sender: SlackSender) -> None:
        self.sessions = sessions
        self.sender = sender

    def deliver(self, now: datetime) -> DeliveryReport:
        with session_scope(self.sessions) as session:
            report = deliver_pending(session=session, send=self.sender, now=now)
        if report.failed:
            log.warning("Slack deliveries failed and will be retried: %s", report)
        return report
