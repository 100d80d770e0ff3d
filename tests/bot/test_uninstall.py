"""app_uninstalled and tokens_revoked: Patchbay records the removal, holds every post, says so in
/healthz, and resumes when it is back (a person uses it there, or auth.test works again)."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling.jobs import review_sweep
from bot.scheduling.notify import Notifier, SlackSender
from bot.settings import Settings
from bot.web.health import Health
from commands.installation import RemovalReason, current_removal, record_removal
from storage.db import session_scope
from storage.models import AuditEvent
from storage.repositories.outbox import pending_count
from tests.bot.observe import healthz
from tests.conftest import BOB, START, Patchbay
from tests.factories import add_proposal, add_tool


def _removal(sessions: sessionmaker[Session]) -> str | None:
    with session_scope(sessions) as session:
        removal = current_removal(session=session)
        return removal.reason.value if removal else None


def _pending(sessions: sessionmaker[Session]) -> int:
    with session_scope(sessions) as session:
        return pending_count(session)


def test_uninstall_holds_every_post_until_a_person_uses_patchbay_again(
    patchbay: Patchbay, settings: Settings
) -> None:
    add_proposal(
        patchbay.sessions, add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    )
    owed = _pending(patchbay.sessions)
    assert owed > 0

    assert patchbay.event({"type": "app_uninstalled"}).status == 200
    assert _removal(patchbay.sessions) == "uninstalled"
    patchbay.slack.fail("auth.test", error="account_inactive")  # what Slack answers now
    status, report = healthz(patchbay.app_url)
    assert (status, report["status"], report["slack"]) == (200, "degraded", "uninstalled")

    client = WebClient(base_url=patchbay.slack.api_url, token="xoxb-test-token")
    notifier = Notifier(patchbay.sessions, SlackSender(client, settings.policy))
    assert notifier.deliver(START).sent == 0
    sweep = review_sweep(settings=settings, sessions=patchbay.sessions, client=client).run(START)
    assert any(line.startswith("skipped: Patchbay is uninstalled") for line in sweep.failures)
    assert patchbay.slack.calls_to("chat.postMessage") == [] and patchbay.slack.calls_to("chat.update") == []
    assert _pending(patchbay.sessions) == owed  # kept, not dropped

    # A retried event from before the removal does not count as a reinstall; a person does.
    assert patchbay.event({"type": "app_home_opened", "user": BOB, "tab": "home"}, retry=1).status == 200
    assert _removal(patchbay.sessions) == "uninstalled"
    assert patchbay.command("help", user=BOB).status == 200
    assert _removal(patchbay.sessions) is None
    assert notifier.deliver(START).sent == owed
    assert patchbay.slack.calls_to("chat.postMessage")
    with patchbay.sessions() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "workspace")
        ).all()
    assert actions == ["workspace.uninstalled", "workspace.reinstalled"]


def test_only_a_revoked_bot_token_stops_posting(patchbay: Patchbay) -> None:
    assert patchbay.event({"type": "tokens_revoked", "tokens": {"oauth": ["U0BOB0002"]}}).status == 200
    assert _removal(patchbay.sessions) is None  # Patchbay holds no user tokens
    assert patchbay.event({"type": "tokens_revoked", "tokens": {"bot": ["U0PATCHBOT"]}}).status == 200
    assert _removal(patchbay.sessions) == "tokens_revoked"
    patchbay.slack.fail("auth.test", error="token_revoked")
    assert healthz(patchbay.app_url)[1]["slack"] == "tokens_revoked"


def test_the_health_probe_clears_a_removal_once_auth_test_works_again(patchbay: Patchbay) -> None:
    client = WebClient(base_url=patchbay.slack.api_url, token="xoxb-test-token")
    clock = [0.0]
    health = Health(sessions=patchbay.sessions, slack=client, monotonic=lambda: clock[0])
    assert health.report() == (200, {"status": "ok", "database": "ok", "slack": "ok"})  # cached "ok"
    with session_scope(patchbay.sessions) as session:
        record_removal(session=session, team_id="T0PATCHBAY", reason=RemovalReason.UNINSTALLED, now=START)
    patchbay.slack.fail("auth.test", error="invalid_auth", times=1)
    # The cached "ok" predates the removal: the probe asks Slack afresh, and believes the removal.
    assert health.report() == (200, {"status": "degraded", "database": "ok", "slack": "uninstalled"})
    assert len(patchbay.slack.calls_to("auth.test")) == 2
    assert health.report()[1]["slack"] == "uninstalled"  # within the ttl: no new call
    clock[0] += 60  # reinstalled with the same token: auth.test works again
    assert health.report() == (200, {"status": "ok", "database": "ok", "slack": "ok"})
    assert _removal(patchbay.sessions) is None
