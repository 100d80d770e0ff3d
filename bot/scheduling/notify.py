"""Delivering the outbox to Slack: governance cards (posted, then updated in place), threads and DMs.

Every post carries metadata naming its outbox item, so a post Slack may have taken (a 5xx, or a
connection dropped after sending) is looked for before it is posted again. Looking is narrow and
paced: one `conversations.replies` or `conversations.history` read of the few messages after the
attempt, in the one place the item would be, shared by every item of that place in a run, and at
most `lookups_per_minute` reads (Slack allows about one a minute to commercially distributed apps).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block as SlackBlock
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling.retries import may_have_landed
from bot.settings import Settings
from bot.views.check_ins import check_in_blocks, check_in_text
from bot.views.fallbacks import card_fallback, orphan_fallback
from bot.views.incidents import incident_dm_blocks, incident_text
from bot.views.notices import notice_text
from bot.views.renewals import renewal_blocks, renewal_text
from bot.views.reviews import orphan_card
from bot.views.runbook import runbook_blocks, runbook_text
from bot.views.workflow import CHANNEL_PROBLEMS, card_not_posted, governance_card
from commands.check_ins import CheckInNotice, check_in_view
from commands.incidents import Audience, IncidentNotice, incident_view
from commands.installation import current_removal
from commands.outbox import (
    CardRef,
    DeliveryReport,
    Item,
    Kind,
    Uncertain,
    card_ref,
    deliver_pending,
    place_card,
)
from commands.policy import Policy
from commands.proposal_card import show_integration
from commands.renewals import NoticeRef, renewal_view
from commands.runbook import RunbookNotice, runbook
from commands.workspace_policy import read_policy
from storage.db import session_scope

log = logging.getLogger(__name__)
OUTBOX_EVENT = "patchbay_outbox"
LOOKUP_LIMIT = 15  # the most a commercially distributed app may read per call
LOOK_BACK_SECONDS = 300  # clock skew allowance between this host and Slack


RUN_HEALTH_KINDS = frozenset({Kind.INCIDENT, Kind.CHECK_IN, Kind.RUNBOOK})
WORDED_KINDS = RUN_HEALTH_KINDS | {Kind.RENEWAL}


@dataclass(frozen=True)
class Worded:
    """A run-health item (incident, check-in, runbook) worded: where it goes and what it says."""

    to: str  # a channel id, or a person's id when `person` (a DM)
    thread_ts: str
    text: str
    blocks: list[SlackBlock] | None = None
    person: bool = False

    def where(self) -> dict[str, Any]:
        """The thread and blocks of the post, when it has them."""
        extra: dict[str, Any] = {"thread_ts": self.thread_ts} if self.thread_ts else {}
        if self.blocks is not None:
            extra["blocks"] = self.blocks
        return extra


def slack_ts(seconds: float) -> str:
    return f"{seconds:.6f}"


class SlackSender:
    """Sends outbox items; shared by every delivery run of the process (it holds the lookup pace)."""

    def __init__(
        self,
        client: WebClient,
        defaults: Policy,
        *,
        lookups_per_minute: float = 1.0,
        admins: Callable[[], Collection[str]] = frozenset,
    ) -> None:
        self.client = client
        self.defaults = defaults
        self.admins = admins
        self._gap = 60.0 / lookups_per_minute
        self._next_lookup = 0.0
        self._lock = threading.Lock()

    def take_lookup(self) -> bool:
        """Reserve one history read if the pace allows it now."""
        with self._lock:
            now = time.monotonic()
            if now < self._next_lookup:
                return False
            self._next_lookup = now + self._gap
            return True

    def policy(self, session: Session) -> Policy:
        """The policy in force now (admins may have changed the governance channel in Slack)."""
        return read_policy(session=session, defaults=self.defaults).policy

    def run(self) -> Delivery:
        return Delivery(self)


class Delivery:
    """One delivery run: what it read from Slack is shared by every item it checks."""

    def __init__(self, sender: SlackSender) -> None:
        self.sender = sender
        self.client = sender.client
        self.read: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._policy: Policy | None = None

    def policy(self, session: Session) -> Policy:
        """The policy in force for this run, read once."""
        if self._policy is None:
            self._policy = self.sender.policy(session)
        return self._policy

    def _post(self, item: Item, **message: Any) -> Any:
        started = time.time()
        try:
            return self.client.chat_postMessage(
                **message, metadata={"event_type": OUTBOX_EVENT, "event_payload": {"item_id": item.id}}
            )
        except Exception as exc:
            if may_have_landed(exc):
                raise Uncertain(
                    slack_ts(started - LOOK_BACK_SECONDS), f"{type(exc).__name__}: {exc}"
                ) from exc
            raise

    def _place(self, session: Session, item: Item) -> tuple[str, str] | None:
        """The channel (and thread) where the item's post would be."""
        if item.kind is Kind.DM:
            return str(self.client.conversations_open(users=item.recipient)["channel"]["id"]), ""
        if item.kind is Kind.REPLY:
            return item.recipient, item.thread_ts
        if item.kind in WORDED_KINDS:
            worded = self._word(session, item)
            if worded is None:
                return None
            if worded.person:
                return str(self.client.conversations_open(users=worded.to)["channel"]["id"]), ""
            return worded.to, worded.thread_ts
        if item.kind is Kind.THREAD:
            assert item.integration_id is not None
            ref = card_ref(session=session, integration_id=item.integration_id)
            return (ref.channel, ref.ts) if ref else None
        channel = self.policy(session).governance_channel
        return (channel, "") if channel else None

    def landed(self, session: Session, item: Item) -> bool | None:
        place = self._place(session, item)
        if place is None:
            return False
        if place not in self.read:
            if not self.sender.take_lookup():
                return None
            channel, thread = place
            found = (
                self.client.conversations_replies(
                    channel=channel,
                    ts=thread,
                    oldest=item.look_after,
                    limit=LOOKUP_LIMIT,
                    include_all_metadata=True,
                )
                if thread
                else self.client.conversations_history(
                    channel=channel, oldest=item.look_after, limit=LOOKUP_LIMIT, include_all_metadata=True
                )
            )
            self.read[place] = list(found["messages"])
        for message in self.read[place]:
            meta = message.get("metadata") or {}
            if (
                meta.get("event_type") == OUTBOX_EVENT
                and meta.get("event_payload", {}).get("item_id") == item.id
            ):
                if item.kind is Kind.CARD and item.integration_id is not None:
                    ref = CardRef(channel=place[0], ts=str(message["ts"]))
                    place_card(session=session, integration_id=item.integration_id, ref=ref)
                return True
        return False

    def __call__(self, session: Session, item: Item) -> None:
        policy = self.policy(session)
        channel = policy.governance_channel
        if item.kind is Kind.DM:
            self._post(item, channel=item.recipient, text=notice_text(item.text))
            return
        if item.kind is Kind.REPLY:
            self._post(item, channel=item.recipient, thread_ts=item.thread_ts, text=notice_text(item.text))
            return
        if item.kind is Kind.CHANNEL:
            if channel:
                self._post(item, channel=channel, text=notice_text(item.text))
            return
        if item.kind in WORDED_KINDS:
            worded = self._word(session, item)
            if worded is not None:
                self._post(item, channel=worded.to, text=worded.text, **worded.where())
            return
        assert item.integration_id is not None
        if item.kind is Kind.ORPHAN:
            if channel:
                card = show_integration(session=session, integration_id=item.integration_id, policy=policy)
                self._post(
                    item,
                    channel=channel,
                    blocks=orphan_card(card.id, card.title, card.owner_id),
                    text=orphan_fallback(card.id, card.title),
                )
            return
        ref = card_ref(session=session, integration_id=item.integration_id)
        if item.kind is Kind.CARD:
            card = show_integration(session=session, integration_id=item.integration_id, policy=policy)
            blocks = governance_card(card)
            text = card_fallback(card)
            if ref is not None:
                self.client.chat_update(channel=ref.channel, ts=ref.ts, blocks=blocks, text=text)
            elif channel:
                try:
                    posted = self._post(item, channel=channel, blocks=blocks, text=text)
                except SlackApiError as error:
                    if item.attempts == 0:  # say what to do once, not on every retry
                        self._card_refused(card.id, card.title, card.proposer_id, channel, error)
                    raise
                place_card(
                    session=session,
                    integration_id=card.id,
                    ref=CardRef(channel=str(posted["channel"]), ts=str(posted["ts"])),
                )
        elif item.kind is Kind.THREAD and ref is not None:
            self._post(item, channel=ref.channel, thread_ts=ref.ts, text=notice_text(item.text))

    def _word(self, session: Session, item: Item) -> Worded | None:
        """Word an incident, check-in, runbook or renewal notice; None when it has nowhere to go."""
        if item.kind is Kind.RENEWAL:
            renewal = renewal_view(
                session=session, notice_id=NoticeRef.model_validate_json(item.text).notice_id
            )
            if renewal.tool.retired:
                return None
            return Worded(
                renewal.tool.owner_id, "", renewal_text(renewal), renewal_blocks(renewal), person=True
            )
        if item.kind is Kind.INCIDENT:
            incident = IncidentNotice.model_validate_json(item.text)
            view = incident_view(session=session, incident_id=incident.incident_id)
            text = incident_text(view, incident)
            if incident.to is Audience.OWNER:
                return Worded(view.owner_id, "", text, incident_dm_blocks(view, incident), person=True)
            if incident.to is Audience.CHANNEL:
                channel = self.policy(session).governance_channel
                return Worded(channel, "", text) if channel else None
            return self._in_thread(session, view.integration_id, text)
        if item.kind is Kind.CHECK_IN:
            check_in = CheckInNotice.model_validate_json(item.text)
            due = check_in_view(session=session, check_in_id=check_in.check_in_id)
            blocks = None if check_in.answered else check_in_blocks(due)
            return self._in_thread(session, due.integration_id, check_in_text(due), blocks)
        notice = RunbookNotice.model_validate_json(item.text)
        book = runbook(session=session, integration_id=notice.integration_id)
        text = runbook_text(book, notice)
        if notice.person:
            return Worded(notice.person, "", text, person=True)
        return self._in_thread(session, notice.integration_id, text, runbook_blocks(book, notice))

    def _in_thread(
        self, session: Session, integration_id: int, text: str, blocks: list[SlackBlock] | None = None
    ) -> Worded | None:
        ref = card_ref(session=session, integration_id=integration_id)
        return Worded(ref.channel, ref.ts, text, blocks) if ref is not None else None

    def _card_refused(
        self, integration_id: int, title: str, proposer_id: str, channel: str, error: SlackApiError
    ) -> None:
        reason = str(error.response.get("error") or "")
        if reason not in CHANNEL_PROBLEMS:
            return
        text = card_not_posted(integration_id, title, channel, reason)
        for person in sorted({proposer_id, *self.sender.admins()}):
            try:
                self.client.chat_postMessage(channel=person, text=text)
            except SlackApiError as failed:
                log.warning(
                    "could not tell %s the card was refused: %s", person, failed.response.get("error")
                )


def slack_sender(
    settings: Settings, client: WebClient, *, admins: Callable[[], Collection[str]] = frozenset
) -> SlackSender:
    return SlackSender(
        client,
        settings.policy,
        lookups_per_minute=settings.patchbay_slack_lookups_per_minute,
        admins=admins,
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
            report = deliver_pending(session=session, send=self.sender.run(), now=now)
        if report.failed:
            log.warning("Slack deliveries failed and will be retried: %s", report)
        return report
