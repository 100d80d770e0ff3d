"""Delivering the outbox to Slack: governance cards (posted, then updated in place), threads and DMs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.views.fallbacks import card_fallback, orphan_fallback
from bot.views.notices import notice_text
from bot.views.reviews import orphan_card
from bot.views.workflow import CHANNEL_PROBLEMS, card_not_posted, governance_card
from commands.installation import current_removal
from commands.outbox import CardRef, DeliveryReport, Item, Kind, card_ref, deliver_pending, place_card
from commands.policy import Policy
from commands.proposals import show_integration
from storage.db import session_scope

log = logging.getLogger(__name__)


class SlackSender:
    """Sends one outbox item; raises when Slack refuses, so the item stays pending."""

    def __init__(
        self,
        client: WebClient,
        policy: Policy,
        channel: str,
        admins: Callable[[], Collection[str]] = frozenset,
    ) -> None:
        self.client = client
        self.policy = policy
        self.channel = channel
        self.admins = admins

    def __call__(self, session: Session, item: Item) -> None:
        if item.kind is Kind.DM:
            self.client.chat_postMessage(
                channel=item.recipient, text=notice_text(item.text), thread_ts=item.thread_ts
            )
            return
        if item.kind is Kind.CHANNEL:
            if self.channel:
                self.client.chat_postMessage(channel=self.channel, text=notice_text(item.text))
            return
        assert item.integration_id is not None
        if item.kind is Kind.ORPHAN:
            if self.channel:
                card = show_integration(
                    session=session, integration_id=item.integration_id, policy=self.policy
                )
                self.client.chat_postMessage(
                    channel=self.channel,
                    blocks=orphan_card(card.id, card.title, card.owner_id),
                    text=orphan_fallback(card.id, card.title),
                )
            return
        ref = card_ref(session=session, integration_id=item.integration_id)
        if item.kind is Kind.CARD:
            card = show_integration(session=session, integration_id=item.integration_id, policy=self.policy)
            blocks = governance_card(card)
            text = card_fallback(card)
            if ref is not None:
                self.client.chat_update(channel=ref.channel, ts=ref.ts, blocks=blocks, text=text)
            elif self.channel:
                try:
                    posted = self.client.chat_postMessage(channel=self.channel, blocks=blocks, text=text)
                except SlackApiError as error:
                    if item.attempts == 0:  # say what to do once, not on every retry
                        self._card_refused(card.id, card.title, card.proposer_id, error)
                    raise
                place_card(
                    session=session,
                    integration_id=card.id,
                    ref=CardRef(channel=str(posted["channel"]), ts=str(posted["ts"])),
                )
        elif item.kind is Kind.THREAD and ref is not None:
            self.client.chat_postMessage(channel=ref.channel, thread_ts=ref.ts, text=notice_text(item.text))

    def _card_refused(self, integration_id: int, title: str, proposer_id: str, error: SlackApiError) -> None:
        reason = str(error.response.get("error") or "")
        if reason not in CHANNEL_PROBLEMS:
            return
        text = card_not_posted(integration_id, title, self.channel, reason)
        for person in sorted({proposer_id, *self.admins()}):
            try:
                self.client.chat_postMessage(channel=person, text=text)
            except SlackApiError as failed:
                log.warning(
                    "could not tell %s the card was refused: %s", person, failed.response.get("error")
                )


class Notifier:
    """Delivers what is owed after a change commits; also run on a timer to retry failures."""

    def __init__(self, sessions: sessionmaker[Session], sender: SlackSender) -> None:
        self.sessions = sessions
        self.sender = sender

    def deliver(self, now: datetime) -> DeliveryReport:
        """Send what is pending; while Patchbay is uninstalled, send nothing and keep it pending."""
        with session_scope(self.sessions) as session:
            removal = current_removal(session=session)
            if removal is not None:
                log.info("outbox held: Patchbay is %s in %s", removal.reason.value, removal.team_id)
                return DeliveryReport()
            report = deliver_pending(session=session, send=self.sender, now=now)
        if report.failed:
            log.warning("Slack deliveries failed and will be retried: %s", report)
        return report
