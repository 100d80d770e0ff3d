"""Alerts once per incident: opened by reports over HTTP, escalated, acknowledged, snoozed, recovered."""

from __future__ import annotations

import urllib.request
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.app import make_client
from bot.scheduling.jobs import incident_watch
from bot.scheduling.notify import Notifier, SlackSender
from bot.settings import Settings
from commands.outbox import Kind, owe
from storage.db import session_scope
from storage.models import AuditEvent, Incident
from tests.bot.runs_client import connect, post_runs, run, runs_url
from tests.conftest import BOB, FRANK, START, Patchbay
from tests.factories import add_proposal, add_tool, set_state

GOVERNANCE = "C0GOVERN"


def live_with_card(patchbay: Patchbay, settings: Settings, **changes: Any) -> int:
    """A live integration whose governance card is posted, so alerts can go into its thread."""
    source, target = add_tool(patchbay.sessions, "Stripe"), add_tool(patchbay.sessions, "Xero")
    integration_id = add_proposal(patchbay.sessions, source, target, title="Payments to ledger", **changes)
    set_state(patchbay.sessions, integration_id, "live")
    with session_scope(patchbay.sessions) as session:
        owe(session, kind=Kind.CARD, integration_id=integration_id, now=START)
    notifier(patchbay, settings).deliver(START)
    return integration_id


def notifier(patchbay: Patchbay, settings: Settings) -> Notifier:
    sender = SlackSender(make_client(settings), settings.policy)
    return Notifier(patchbay.sessions, sender)


def said(
    patchbay: Patchbay, marker: str, *, channel: str | None = None, thread: bool | None = None
) -> list[str]:
    return [
        m.text
        for m in patchbay.slack.messages
        if marker in m.text
        and (channel is None or m.channel == channel)
        and (thread is None or (m.thread_ts is not None) == thread)
    ]


def dm_buttons(patchbay: Patchbay, user: str) -> dict[str, dict[str, Any]]:
    dms = [m for m in patchbay.slack.messages if m.channel == patchbay.slack.dm_channel(user) and m.blocks]
    elements = [e for b in dms[-1].blocks if b["type"] == "actions" for e in b["elements"]]
    return {e["text"]["text"]: e for e in elements}


def test_an_error_rate_alert_opens_once_escalates_once_and_recovery_closes_it(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = live_with_card(patchbay, settings)
    token, url = connect(patchbay, integration_id, user=BOB), runs_url(patchbay)
    at = START - timedelta(hours=3)
    for i in range(5):
        post_runs(url, run(f"ok{i}", at=at + timedelta(minutes=i)), token=token)
    post_runs(url, run("e1", "error", at=at + timedelta(minutes=10), error="timeout"), token=token)
    assert not said(patchbay, ":rotating_light:")  # 1 of 6 is under 20%
    post_runs(url, run("e2", "error", at=at + timedelta(minutes=11), error="timeout"), token=token)
    patchbay.wait_idle()

    opened = said(patchbay, ":rotating_light:")
    assert len(opened) == 2 and "2 of its last 7 runs failed" in opened[0]
    assert said(patchbay, ":rotating_light:", channel=GOVERNANCE, thread=True)
    assert said(patchbay, ":rotating_light:", channel=patchbay.slack.dm_channel(BOB))
    assert list(dm_buttons(patchbay, BOB)) == ["Suspend", "Acknowledge", "Snooze"]
    metrics = urllib.request.urlopen(url.removesuffix("/runs") + "/metrics").read().decode()
    assert "patchbay_incidents_open 1.0" in metrics

    # Flapping: more failures and the odd success stay in the same incident, without a message each.
    for i in range(6):
        post_runs(
            url, run(f"f{i}", "error" if i % 2 else "success", at=at + timedelta(minutes=20 + i)), token=token
        )
    assert len(said(patchbay, ":rotating_light:")) == 2

    watch = incident_watch(settings=settings, sessions=patchbay.sessions)
    assert watch(START + timedelta(hours=1)).escalated == 0
    assert watch(START + timedelta(hours=5)).escalated == 1
    assert watch(START + timedelta(hours=6)).escalated == 0
    notifier(patchbay, settings).deliver(START + timedelta(hours=6))
    escalated = said(patchbay, ":mega:", channel=GOVERNANCE, thread=False)
    assert len(escalated) == 1 and "owner <@U0BOB0002>" in escalated[0]

    buttons = dm_buttons(patchbay, BOB)
    patchbay.click(buttons["Acknowledge"], user=FRANK, channel=patchbay.slack.dm_channel(BOB))
    assert "Only the owner <@U0BOB0002> or a Patchbay admin" in str(patchbay.responses())
    patchbay.click(buttons["Acknowledge"], user=BOB, channel=patchbay.slack.dm_channel(BOB))
    patchbay.click(buttons["Acknowledge"], user=BOB, channel=patchbay.slack.dm_channel(BOB))
    patchbay.wait_idle()
    assert said(patchbay, ":eyes: <@U0BOB0002> is looking into #1 Payments to ledger.", thread=True)
    assert len(said(patchbay, ":eyes:")) == 1

    for i in range(20):
        post_runs(url, run(f"r{i}", at=at + timedelta(minutes=40 + i)), token=token)
    patchbay.wait_idle()
    recovered = said(patchbay, ":white_check_mark:")
    assert len(recovered) == 2 and "error rate back to normal" in recovered[0]
    with patchbay.sessions() as session:
        incident = session.scalars(select(Incident)).one()
        assert (
            incident.closed_at is not None and incident.open_key is None and incident.acknowledged_by == BOB
        )
        timeline = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("incident.%"))
        ).all()
        assert timeline == [
            "incident.opened",
            "incident.escalated",
            "incident.acknowledged",
            "incident.closed",
        ]


def test_a_snoozed_alert_is_not_escalated_and_silence_and_record_counts_alert_too(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = live_with_card(patchbay, settings, timing="batch", batch_minutes="60")
    token, url = connect(patchbay, integration_id, user=BOB), runs_url(patchbay)
    for i in range(8):
        post_runs(url, run(f"ok{i}", at=START - timedelta(hours=8 - i), records=100), token=token)
    post_runs(url, run("spike", at=START, records=5000), token=token)
    patchbay.wait_idle()
    assert "a run moved 5000 records against a recent median of 100" in said(patchbay, ":rotating_light:")[0]

    patchbay.click(dm_buttons(patchbay, BOB)["Snooze"], user=BOB, channel=patchbay.slack.dm_channel(BOB))
    patchbay.wait_idle()
    assert said(patchbay, ":zzz: <@U0BOB0002> snoozed the alert", thread=True)
    watch = incident_watch(settings=settings, sessions=patchbay.sessions)
    assert watch(START + timedelta(hours=2)).silent == 0  # hourly batches: silent after 3 hours
    report = watch(START + timedelta(hours=3, minutes=1))
    assert report.silent == 1 and watch(START + timedelta(hours=4)).silent == 0
    assert watch(START + timedelta(hours=5)).escalated == 0  # the record-count alert is snoozed for 24 hours
    notifier(patchbay, settings).deliver(START + timedelta(hours=4))
    assert "no successful run since 2026-11-24 10:00 UTC" in said(patchbay, ":rotating_light:")[-1]

    post_runs(url, run("back", at=START + timedelta(hours=4), records=100), token=token)
    patchbay.wait_idle()
    recovered = said(patchbay, ":white_check_mark:", thread=True)
    assert sorted(recovered) == sorted(
        [
            ":white_check_mark: #1 Payments to ledger has recovered: record count back to normal.",
            ":white_check_mark: #1 Payments to ledger has recovered: successful runs back to normal.",
        ]
    )
