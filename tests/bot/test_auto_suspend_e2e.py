"""Auto-suspend by policy with its workspace cap, the runbook in the thread, and Resume."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from storage.db import session_scope
from storage.models import AuditEvent, Flow, Integration
from tests.bot.runs_client import connect, post_runs, run, runs_url
from tests.bot.test_incidents_e2e import dm_buttons, live_with_card, notifier, said
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay
from tests.factories import add_flow, add_proposal, add_tool, set_state


def failing(url: str, token: str, prefix: str, n: int = 22) -> None:
    runs = [
        run(f"{prefix}{i}", "error", at=START - timedelta(hours=n - i), error="invalid_auth")
        for i in range(n)
    ]
    assert post_runs(url, {"runs": runs}, token=token).status == 200


def state_of(patchbay: Patchbay, integration_id: int) -> str:
    with patchbay.sessions() as session:
        return session.get_one(Integration, integration_id).state


def test_auto_suspend_is_off_by_default(patchbay: Patchbay, settings: Any) -> None:
    integration_id = live_with_card(patchbay, settings)
    failing(runs_url(patchbay), connect(patchbay, integration_id, user=BOB), "e")
    assert state_of(patchbay, integration_id) == "live"


@pytest.mark.parametrize(
    "settings_overrides", [{"patchbay_auto_suspend": True, "patchbay_auto_suspend_cap": 1}]
)
def test_auto_suspend_posts_the_runbook_tells_the_people_affected_and_stops_at_the_cap(
    patchbay: Patchbay, settings: Any
) -> None:
    integration_id = live_with_card(patchbay, settings)
    source, target = 1, 2  # Stripe -> Xero, from live_with_card
    assert settings.policy.auto_suspend, settings
    flow = add_flow(patchbay.sessions, source, target, by=FRANK, data="Payouts", mode="manual")
    with session_scope(patchbay.sessions) as session:  # the manual flow this integration automated
        session.execute(
            update(Flow).where(Flow.id == flow).values(mode="automated", integration_id=integration_id)
        )
    url = runs_url(patchbay)
    token = connect(patchbay, integration_id, user=BOB)
    failing(url, token, "e")
    patchbay.wait_idle()
    assert state_of(patchbay, integration_id) == "suspended"
    assert post_runs(url, run("late", at=START), token=token).status == 401  # suspending revoked the token

    runbook = said(patchbay, ":ambulance: *Runbook for #1 Payments to ledger*", thread=True)
    assert len(runbook) == 1
    assert "22 of 22 runs failed in the last 7 days" in runbook[0]
    assert "Switch it off in iPaaS: Zapier" in runbook[0]
    assert "Told it is down: <@U0FRANK06>." in runbook[0]
    assert "Do it by hand meanwhile: Payouts from Stripe to Xero, as <@U0FRANK06> used to." in runbook[0]
    why = "> Suspended by Patchbay: 22 of 22 runs failed in the last 7 days."
    step = said(patchbay, "suspended it: Live -> *Suspended*", thread=True)
    assert len(step) == 1 and step[0].endswith(why)
    assert said(patchbay, why, channel=patchbay.slack.dm_channel(BOB), thread=False)  # the owner's DM
    history = str(patchbay.command(f"history {integration_id}", user=BOB).json)
    assert history.count(why[2:]) == 2  # the step and the auto-suspend record
    assert "applied the auto-suspend policy -> suspended" in history
    assert why[2:] in str(patchbay.command(f"doc {integration_id}", user=BOB).json)
    told = said(patchbay, ":warning: #1 Payments to ledger (Stripe -> Xero) is suspended")
    assert told and all("<@U0BOB0002> owns it" in t for t in told)
    suspended = said(
        patchbay, ":octagonal_sign: Patchbay suspended #1", channel=patchbay.slack.dm_channel(BOB)
    )
    assert len(suspended) == 1 and "switch the Zap, scenario, workflow or recipe off" in suspended[0]

    # The cap: a second integration failing the same way the same day stays live, its incident still alerts.
    other = add_proposal(patchbay.sessions, add_tool(patchbay.sessions, "Shopify"), target, title="Orders")
    set_state(patchbay.sessions, other, "live")
    failing(url, connect(patchbay, other, user=BOB), "o")
    patchbay.wait_idle()
    assert state_of(patchbay, other) == "live"
    assert len(said(patchbay, ":rotating_light: #2 Orders", channel=patchbay.slack.dm_channel(BOB))) == 1

    resume = dm_buttons(patchbay, BOB)
    assert "Resume" not in resume  # the last DM is #2's alert; find #1's Resume
    dms = [m for m in patchbay.slack.messages if ":octagonal_sign:" in m.text]
    button = next(e for b in dms[0].blocks if b["type"] == "actions" for e in b["elements"])
    assert button["text"]["text"] == "Resume"
    patchbay.click(button, user=ALICE, channel=patchbay.slack.dm_channel(BOB))
    patchbay.wait_idle()
    notifier(patchbay, settings).deliver(START)
    assert state_of(patchbay, integration_id) == "live"
    assert said(patchbay, ":white_check_mark: #1 Payments to ledger is live again.", thread=True)
    assert said(patchbay, ":white_check_mark: #1 Payments to ledger (Stripe -> Xero) is running again")
    with patchbay.sessions() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_id == integration_id, AuditEvent.action.like("integration.%")
            )
        ).all()
        assert "integration.auto_suspended" in actions and actions[-1] == "integration.resume"
