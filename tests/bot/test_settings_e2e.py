"""The workspace policy set in Slack: `/patchbay settings`, its checks, and every replica seeing it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.playground.executor import TrackingExecutor
from bot.playground.localslack import LocalSlack
from bot.settings import Settings
from bot.web.http import EVENTS_PATH, BackgroundServer, make_wsgi
from commands.economics import evaluate
from commands.policy import Policy
from storage.db import make_engine, make_sessionmaker
from storage.models import AuditEvent, Integration, WorkspacePolicy
from tests.conftest import ALICE, BOB, SECRET, ManualClock, Patchbay
from tests.factories import add_tool, proposal_values

NEW_CHANNEL = "C0NEWGOV"


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def shown(view: dict[str, Any]) -> dict[str, Any]:
    """What each input of the settings modal shows."""
    values: dict[str, Any] = {}
    for name, element in inputs(view).items():
        if element["type"] == "static_select":
            values[name] = element["initial_option"]["value"]
        elif element["type"] == "conversations_select":
            values[name] = element.get("initial_conversation")
        else:
            values[name] = element.get("initial_value")
    return values


def audit_events(patchbay: Patchbay) -> list[AuditEvent]:
    with patchbay.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.changed")))


@pytest.fixture
def second_replica(
    settings: Settings, slack: LocalSlack, database_url: str, clock: ManualClock
) -> Iterator[Patchbay]:
    """Another app process on the same database: its own engine, sessions and listener threads."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    executor = TrackingExecutor()
    app = create_app(settings, sessions=sessions, clock=clock, executor=executor)
    wsgi = make_wsgi(app, sessions, signing_secret=SECRET)
    server = BackgroundServer(wsgi)
    yield Patchbay(
        app_url=server.url + EVENTS_PATH,
        slack=slack,
        executor=executor,
        sessions=sessions,
        clock=clock,
        wsgi=wsgi,
    )
    executor.wait_idle()
    server.stop()
    executor.shutdown(wait=True)
    engine.dispose()


def test_an_admin_sees_the_environment_defaults_with_bounds_from_the_policy(patchbay: Patchbay) -> None:
    assert patchbay.command("settings", user=ALICE).status == 200
    view = patchbay.last_view()
    assert view["callback_id"] == "settings"
    values = shown(view)
    assert values["hourly_rate"] == "50" and values["currency"] == "USD"
    assert values["review_interval_days"] == "90" and values["low_risk_review_interval_days"] == "90"
    assert values["review_reminder_days"] == "3, 7" and values["align_reviews_to_quarters"] == "no"
    assert values["governance_channel"] == "C0GOVERN"
    elements = inputs(view)
    assert (elements["review_interval_days"]["min_value"], elements["review_interval_days"]["max_value"]) == (
        "1",
        "92",
    )
    assert elements["sensitive_approvals"]["max_value"] == "5"
    assert elements["hourly_rate"]["is_decimal_allowed"] is True
    assert elements["currency"]["max_length"] == 8
    assert "nobody has changed them" in str(view["blocks"])


def test_a_change_is_stored_audited_confirmed_and_seen_by_another_replica(
    patchbay: Patchbay, second_replica: Patchbay
) -> None:
    patchbay.command("settings", user=ALICE)
    view = patchbay.last_view()
    change = {"hourly_rate": "75.5", "focus_size": "3", "governance_channel": NEW_CHANNEL}
    reply = patchbay.submit(view, {**shown(view), **change}, user=ALICE)
    assert reply.status == 200 and reply.body == ""

    with patchbay.sessions() as session:
        row = session.scalars(select(WorkspacePolicy)).one()
        # Only what differs from the environment is stored; the rest follows the environment.
        assert row.overrides == {"hourly_rate": "75.5", "focus_size": 3, "governance_channel": NEW_CHANNEL}
        assert (row.version, row.updated_by) == (1, ALICE)
    [event] = audit_events(patchbay)
    assert event.actor_id == ALICE
    assert event.before == {"hourly_rate": "50", "focus_size": 5, "governance_channel": "C0GOVERN"}
    assert event.after == {"hourly_rate": "75.5", "focus_size": 3, "governance_channel": NEW_CHANNEL}
    confirmation = patchbay.slack.calls_to("chat.postMessage")[-1].args
    assert confirmation["channel"] == ALICE
    assert "Hourly rate: 50 -> *75.5*" in confirmation["text"]
    assert f"Governance channel: <#C0GOVERN> -> *<#{NEW_CHANNEL}>*" in confirmation["text"]

    # The other process reads the new policy on its very next request.
    second_replica.command("settings", user=ALICE)
    values = shown(second_replica.last_view())
    assert (values["hourly_rate"], values["focus_size"], values["governance_channel"]) == (
        "75.5",
        "3",
        NEW_CHANNEL,
    )
    assert f"Last changed by <@{ALICE}>" in str(second_replica.last_view()["blocks"])
    source, target = (
        add_tool(second_replica.sessions, "Salesforce"),
        add_tool(second_replica.sessions, "Asana"),
    )
    assert second_replica.open_and_submit("propose", proposal_values(source, target), user=BOB).body == ""
    posted = [
        c.args["channel"] for c in second_replica.slack.calls_to("chat.postMessage") if c.args.get("blocks")
    ]
    assert NEW_CHANNEL in posted and "C0GOVERN" not in posted
    economics = evaluate(
        frequency=4,
        impact=3,
        feasibility=5,
        hours_per_week=Decimal(3),
        monthly_cost=Decimal(20),
        effort_hours=Decimal(8),
        policy=Policy(hourly_rate=Decimal("75.5")),
    )
    with second_replica.sessions() as session:
        row = session.get(Integration, 1)
        assert row is not None and row.payback_months == economics.payback_months


def test_a_double_submission_changes_once_and_a_stale_form_is_refused(patchbay: Patchbay) -> None:
    views = []
    for _ in range(3):  # three settings modals opened before any change
        patchbay.command("settings", user=ALICE)
        views.append(patchbay.last_view())
    first, same, stale = views
    values = {**shown(first), "inflight_cap": "8"}
    assert patchbay.submit(first, values, user=ALICE).body == ""
    again = patchbay.submit(first, values, user=ALICE)  # the same submission twice: saved once
    assert "Already saved" in str(again.json["view"]["blocks"])
    assert len(audit_events(patchbay)) == 1

    assert patchbay.submit(same, values, user=ALICE).body == ""  # asks for what is in force
    assert len(audit_events(patchbay)) == 1
    assert "Nothing changed" in patchbay.slack.calls_to("chat.postMessage")[-1].args["text"]

    reply = patchbay.submit(stale, {**values, "inflight_cap": "9"}, user=ALICE)  # opened before the change
    assert reply.json["response_action"] == "errors"
    assert "Another admin changed the settings" in next(iter(reply.json["errors"].values()))
    assert len(audit_events(patchbay)) == 1
    with patchbay.sessions() as session:
        assert session.scalars(select(WorkspacePolicy)).one().overrides == {"inflight_cap": 8}


def test_people_who_are_not_admins_are_refused_and_nothing_changes(patchbay: Patchbay) -> None:
    reply = patchbay.command("settings", user=BOB)
    assert reply.status == 200 and "Only a Patchbay admin" in reply.text
    assert not patchbay.slack.calls_to("views.open")

    patchbay.command("settings", user=ALICE)
    view = patchbay.last_view()
    reply = patchbay.submit(view, {**shown(view), "hourly_rate": "1"}, user=BOB)  # a forged submission
    assert reply.json["response_action"] == "errors"
    assert "Only a Patchbay admin" in next(iter(reply.json["errors"].values()))
    assert audit_events(patchbay) == []
    with patchbay.sessions() as session:
        assert session.scalars(select(WorkspacePolicy)).one_or_none() is None


def test_bad_input_at_every_field_gets_its_error_there(patchbay: Patchbay) -> None:
    patchbay.command("settings", user=ALICE)
    view = patchbay.last_view()
    bad = {
        "hourly_rate": "-1",
        "currency": "US D",
        "maintenance_pct": "150",
        "payback_months": "0",
        "inflight_cap": "lots",
        "focus_size": "51",
        "sensitive_approvals": "6",
        "review_interval_days": "120",
        "low_risk_review_interval_days": "400",
        "align_reviews_to_quarters": "maybe",
        "review_reminder_days": "3, x",
        "review_escalate_days": "0",
        "nudge_after_days": "0",
        "escalate_after_days": "91",
        "governance_channel": "D0DIRECT",
    }
    reply = patchbay.submit(view, {**shown(view), **bad}, user=ALICE)
    errors = reply.json["errors"]
    assert set(errors) == set(bad), set(bad) - set(errors)
    assert errors["hourly_rate"] == "Enter 0 or more."
    assert errors["review_interval_days"] == "Enter 92 or less."
    assert errors["inflight_cap"] == "Enter a whole number, like 30"
    assert "channel" in errors["governance_channel"]
    assert "currency" in errors["currency"].lower() or "EUR" in errors["currency"]

    reply = patchbay.submit(
        view, {**shown(view), "review_reminder_days": "3, 20", "review_escalate_days": "14"}, user=ALICE
    )
    assert "after the last reminder" in reply.json["errors"]["review_escalate_days"]
    assert audit_events(patchbay) == []
