"""Delivering the outbox to Slack: governance cards (posted, then updated in place), threads and DMs."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.views.check_ins import check_in_blocks, check_in_text
from bot.views.incidents import incident_dm_blocks, incident_text
from bot.views.reviews import orphan_card
from bot.views.runbook import runbook_text
from bot.views.workflow import governance_card
from commands.check_ins import CheckInNotice, check_in_view
from commands.incidents import Audience, IncidentNotice, incident_view
from commands.outbox import CardRef, DeliveryReport, Item, Kind, card_ref, deliver_pending, place_card
from commands.policy import Policy
from commands.proposals import show_integration
from commands.runbook import RunbookNotice, runbook
from storage.db import session_scope

log = logging.getLogger(__name__)


class SlackSender:
    """Sends one outbox item; raises when Slack refuses, so the item stays pending."""

    def __init__(self, client: WebClient, policy: Policy, channel: str) -> None:
        self.client = client
        self.policy = policy
        self.channel = channel

    def __call__(self, session: Session, item: Item) -> None:
        if item.kind is Kind.DM:
            self.client.chat_postMessage(channel=item.recipient, text=item.text)
            return
        if item.kind is Kind.CHANNEL:
            if self.channel:
                self.client.chat_postMessage(channel=self.channel, text=item.text)
            return
        assert item.integration_id is not None
        if item.kind is Kind.INCIDENT:
            self._incident(session, item)
            return
        if item.kind is Kind.CHECK_IN:
            self._check_in(session, item)
            return
        if item.kind is Kind.RUNBOOK:
            self._runbook(session, item)
            return
        if item.kind is Kind.ORPHAN:
            if self.channel:
                card = show_integration(
                    session=session, integration_id=item.integration_id, policy=self.policy
                )
                self.client.chat_postMessage(
                    channel=self.channel,
                    blocks=orphan_card(card.id, card.title, card.owner_id),
                    text=f"#{card.id} {card.title} is orphaned",
                )
            return
        ref = card_ref(session=session, integration_id=item.integration_id)
        if item.kind is Kind.CARD:
            card = show_integration(session=session, integration_id=item.integration_id, policy=self.policy)
            blocks = governance_card(card)
            text = f"#{card.id} {card.title}: {card.state.label}"
            if ref is not None:
                self.client.chat_update(channel=ref.channel, ts=ref.ts, blocks=blocks, text=text)
            elif self.channel:
                posted = self.client.chat_postMessage(channel=self.channel, blocks=blocks, text=text)
                place_card(
                    session=session,
                    integration_id=card.id,
                    ref=CardRef(channel=str(posted["channel"]), ts=str(posted["ts"])),
                )
        elif item.kind is Kind.THREAD and ref is not None:
            self.client.chat_postMessage(channel=ref.channel, thread_ts=ref.ts, text=item.text)

    def _incident(self, session: Session, item: Item) -> None:
        notice = IncidentNotice.model_validate_json(item.text)
        view = incident_view(session=session, incident_id=notice.incident_id)
        text = incident_text(view, notice)
        if notice.to is Audience.OWNER:
            self.client.chat_postMessage(
                channel=view.owner_id, blocks=incident_dm_blocks(view, notice), text=text
            )
        elif notice.to is Audience.CHANNEL:
            if self.channel:
                self.client.chat_postMessage(channel=self.channel, text=text)
        else:
            ref = card_ref(session=session, integration_id=view.integration_id)
            if ref is not None:
                self.client.chat_postMessage(channel=ref.channel, thread_ts=ref.ts, text=text)

    def _check_in(self, session: Session, item: Item) -> None:
        notice = CheckInNotice.model_validate_json(item.text)
        view = check_in_view(session=session, check_in_id=notice.check_in_id)
        ref = card_ref(session=session, integration_id=view.integration_id)
        if ref is None:
            return
        if notice.answered:
            self.client.chat_postMessage(channel=ref.channel, thread_ts=ref.ts, text=check_in_text(view))
        else:
            blocks = check_in_blocks(view)
            self.client.chat_postMessage(
                channel=ref.channel, thread_ts=ref.ts, blocks=blocks, text=check_in_text(view)
            )

    def _runbook(self, session: Session, item: Item) -> None:
        notice = RunbookNotice.model_validate_json(item.text)
        text = runbook_text(runbook(session=session, integration_id=notice.integration_id), notice)
        if notice.person:
            self.client.chat_postMessage(channel=notice.person, text=text)
            return
        ref = card_ref(session=session, integration_id=notice.integration_id)
        if ref is not None:
            self.client.chat_postMessage(channel=ref.channel, thread_ts=ref.ts, text=text)


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
