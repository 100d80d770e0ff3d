"""The runbook after a suspension: Retest in sandbox and Redeploy (or Resume) from the card's thread."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from bot.settings import Settings
from storage.db import session_scope
from storage.models import AuditEvent, Flow, Integration
from tests.bot.runs_client import card_button, connect, runs_url
from tests.bot.test_auto_suspend_e2e import failing, state_of
from tests.bot.test_exactly_once import click_four, submit_four
from tests.bot.test_incidents_e2e import GOVERNANCE, live_with_card, notifier, said
from tests.bot.test_workflow_e2e import ALL_CHECKS
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay
from tests.factories import add_flow

AUTO_SUSPEND = {"patchbay_auto_suspend": True}


def suspended(patchbay: Patchbay, settings: Settings) -> int:
    """A live integration with a manual flow it replaced (FRANK's), auto-suspended by failing runs."""
    integration_id = live_with_card(patchbay, settings)
    flow = add_flow(patchbay.sessions, 1, 2, by=FRANK, data="Payouts", mode="manual")
    with session_scope(patchbay.sessions) as session:
        session.execute(
            update(Flow).where(Flow.id == flow).values(mode="automated", integration_id=integration_id)
        )
    failing(runs_url(patchbay), connect(patchbay, integration_id, user=BOB), "e")
    patchbay.wait_idle()
    assert state_of(patchbay, integration_id) == "suspended"
    return integration_id


def thread_buttons(patchbay: Patchbay, marker: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The buttons of the latest thread message containing `marker`, and where to click them."""
    found = [m for m in patchbay.slack.messages if m.thread_ts and marker in m.text and m.blocks]
    assert found, f"no thread message with {marker}"
    message = found[-1]
    elements = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    return {e["text"]["text"]: e for e in elements}, {"channel": GOVERNANCE, "message": {"ts": message.ts}}


def timeline(patchbay: Patchbay, integration_id: int) -> list[str]:
    with patchbay.sessions() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_id == integration_id, AuditEvent.action.like("incident.%"))
                .order_by(AuditEvent.id)
            )
        )


@pytest.mark.parametrize("settings_overrides", [AUTO_SUSPEND])
def test_retest_in_sandbox_then_redeploy_from_the_runbook_thread(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = suspended(patchbay, settings)
    buttons, where = thread_buttons(patchbay, ":ambulance: *Runbook for #1")
    assert list(buttons) == ["Retest in sandbox", "Resume"]

    patchbay.click(buttons["Retest in sandbox"], user=FRANK, **where)
    assert "Only a Patchbay admin or the owner <@U0BOB0002> can do 'Retest in sandbox'" in patchbay.said_to(
        FRANK
    )
    patchbay.click(buttons["Retest in sandbox"], user=BOB, **where)
    view = patchbay.last_view()
    assert view["callback_id"] == "sandbox" and view["title"]["text"] == "Retest in sandbox"
    missing = patchbay.submit(view, {"checklist": ALL_CHECKS[:2]}, user=BOB)
    assert set(missing.json["errors"]) == {"checklist"}
    assert state_of(patchbay, integration_id) == "suspended"
    submit_four(
        patchbay, view, {"checklist": ALL_CHECKS, "notes": "Fixed the <auth> token"}, user=BOB, retry=False
    )
    patchbay.wait_idle()
    assert state_of(patchbay, integration_id) == "in_sandbox"

    # The card offers Redeploy instead of a first deployment; the thread has it as a button too.
    labels = str(patchbay.command(f"show {integration_id}", user=BOB).json["blocks"])
    assert "Redeploy" in labels and "Deploy to production" not in labels
    buttons, where = thread_buttons(patchbay, ":test_tube:")
    assert list(buttons) == ["Redeploy"]
    assert not said(patchbay, "running again")  # nobody affected is told before it is back

    patchbay.click(buttons["Redeploy"], user=FRANK, **where)
    assert "Only a Patchbay admin or the owner <@U0BOB0002> can do 'Redeploy'" in patchbay.said_to(FRANK)
    click_four(patchbay, buttons["Redeploy"], user=BOB, retry=False, **where)
    patchbay.wait_idle()
    notifier(patchbay, settings).deliver(START)
    assert state_of(patchbay, integration_id) == "live"
    assert len(said(patchbay, ":white_check_mark: #1 Payments to ledger is live again.", thread=True)) == 1
    told = said(patchbay, "is running again", channel=patchbay.slack.dm_channel(FRANK))
    assert told == [
        ":white_check_mark: #1 Payments to ledger (Stripe -> Xero) is running again; the manual "
        "workaround can stop."
    ]
    assert timeline(patchbay, integration_id) == [
        "incident.opened",
        "incident.retested",
        "incident.redeployed",
    ]
    with patchbay.sessions() as session:
        row = session.get_one(Integration, integration_id)
        assert row.retested_at is None
        steps = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.action.in_(["integration.retest", "integration.redeploy"])
            )
        ).all()
        assert steps == ["integration.retest", "integration.redeploy"]
    history = str(patchbay.command(f"history {integration_id}", user=BOB).json["blocks"])
    assert "retested it in the sandbox after the suspension -> in sandbox" in history
    assert "Fixed the &lt;auth&gt; token" in history
    # Run reports come back with a new token: suspending revoked the old one.
    assert card_button(patchbay, integration_id, "Connect run reports", user=BOB)


@pytest.mark.parametrize("settings_overrides", [AUTO_SUSPEND])
def test_resume_from_the_runbook_thread_goes_into_the_incident_timeline(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = suspended(patchbay, settings)
    buttons, where = thread_buttons(patchbay, ":ambulance: *Runbook for #1")
    click_four(patchbay, buttons["Resume"], user=ALICE, retry=True, **where)
    patchbay.wait_idle()
    assert state_of(patchbay, integration_id) == "live"
    assert timeline(patchbay, integration_id) == ["incident.opened", "incident.resumed"]
    # The runbook's buttons are stale now: pressing Retest says what happened instead of acting.
    patchbay.click(buttons["Retest in sandbox"], user=BOB, **where)
    assert "is already live" in patchbay.said_to(BOB)
    assert timeline(patchbay, integration_id) == ["incident.opened", "incident.resumed"]
