"""Run-health thresholds: set by admins in `/patchbay settings`, overridden per integration from its card."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.settings import Settings
from storage.models import AuditEvent, Integration, IntegrationThresholds, WorkspacePolicy
from tests.bot.runs_client import card_button, connect, post_runs, run, runs_url
from tests.bot.test_incidents_e2e import live_with_card, said
from tests.bot.test_settings_e2e import second_replica, shown  # noqa: F401  (the second_replica fixture)
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay

AT = START - timedelta(hours=3)


def events(patchbay: Patchbay, action: str) -> list[AuditEvent]:
    with patchbay.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def post_mix(patchbay: Patchbay, token: str, ok: int, errors: int, prefix: str = "r") -> None:
    """`ok` successes, then `errors` failures, over HTTP, in time order."""
    url = runs_url(patchbay)
    for i in range(ok + errors):
        status = "success" if i < ok else "error"
        answer = post_runs(url, run(f"{prefix}{i}", status, at=AT + timedelta(minutes=i)), token=token)
        assert answer.status == 200, answer.body
    patchbay.wait_idle()


def open_thresholds(patchbay: Patchbay, integration_id: int, *, user: str) -> dict[str, Any]:
    patchbay.click(card_button(patchbay, integration_id, "Alert thresholds", user=user), user=user)
    view = patchbay.last_view()
    assert view["callback_id"] == "thresholds"
    return view


# ---- the workspace's thresholds in /patchbay settings ----------------------------------------------


def test_an_admin_sets_the_run_health_thresholds_as_percentages_and_alerts_follow_at_once(
    patchbay: Patchbay,
    settings: Settings,
    second_replica: Patchbay,  # noqa: F811
) -> None:
    patchbay.command("settings", user=ALICE)
    view = patchbay.last_view()
    values = shown(view)
    assert (values["alert_error_rate"], values["auto_suspend_error_rate"]) == ("20", "95")
    assert (values["alert_window_runs"], values["alert_min_runs"], values["auto_suspend"]) == (
        "20",
        "5",
        "no",
    )
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers[-2:] == ["Run health", "Auto-suspend"]

    change = {"alert_error_rate": "30", "alert_min_runs": "6", "alert_snooze_hours": "8"}
    assert patchbay.submit(view, {**values, **change}, user=ALICE).body == ""
    with patchbay.sessions() as session:
        row = session.scalars(select(WorkspacePolicy)).one()
        assert row.overrides == {"alert_error_rate": 0.3, "alert_min_runs": 6, "alert_snooze_hours": 8}
    [event] = events(patchbay, "policy.changed")
    assert event.before == {"alert_error_rate": 0.2, "alert_min_runs": 5, "alert_snooze_hours": 24}
    confirmation = patchbay.slack.calls_to("chat.postMessage")[-1].args["text"]
    assert "Alert at an error rate of (%): 20% -> *30%*" in confirmation

    second_replica.command("settings", user=ALICE)
    assert shown(second_replica.last_view())["alert_error_rate"] == "30"

    # Reports arriving over HTTP are judged by the new threshold at once: 2 of 7 (29%) is under 30%.
    integration_id = live_with_card(patchbay, settings)
    token = connect(patchbay, integration_id, user=BOB)
    post_mix(patchbay, token, ok=5, errors=2)
    assert not said(patchbay, ":rotating_light:")
    post_mix(patchbay, token, ok=0, errors=1, prefix="more")
    assert said(patchbay, ":rotating_light:")  # 3 of 8 (38%)


def test_bad_input_at_every_run_health_setting_gets_its_error_there(patchbay: Patchbay) -> None:
    patchbay.command("settings", user=ALICE)
    view = patchbay.last_view()
    bad = {
        "alert_error_rate": "0",
        "alert_window_runs": "0",
        "alert_min_runs": "many",
        "alert_silence_factor": "101",
        "alert_records_factor": "1",
        "alert_escalate_hours": "0",
        "alert_snooze_hours": "721",
        "auto_suspend": "maybe",
        "auto_suspend_error_rate": "120",
        "auto_suspend_min_runs": "-3",
        "auto_suspend_cap": "1.5",
    }
    reply = patchbay.submit(view, {**shown(view), **bad}, user=ALICE)
    errors = reply.json["errors"]
    assert set(errors) == set(bad), set(bad) - set(errors)
    assert errors["alert_error_rate"] == errors["auto_suspend_error_rate"]
    assert "percentage" in errors["alert_error_rate"]
    assert errors["alert_silence_factor"] == "Enter 100 or less."

    reply = patchbay.submit(
        view, {**shown(view), "alert_window_runs": "10", "alert_min_runs": "12"}, user=ALICE
    )
    assert reply.json["errors"] == {
        "alert_min_runs": "The alert looks at the last 10 runs: enter that many or fewer."
    }
    assert events(patchbay, "policy.changed") == []


# ---- one integration's own thresholds --------------------------------------------------------------


def test_the_owner_sets_an_integrations_own_thresholds_and_its_alerts_use_them(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = live_with_card(patchbay, settings)
    token = connect(patchbay, integration_id, user=BOB)
    view = open_thresholds(patchbay, integration_id, user=BOB)
    assert all(value in (None, "inherit") for value in shown(view).values()), shown(view)
    assert "Blank: the workspace's 20%." in str(view["blocks"])

    values = {"alert_error_rate": "50", "alert_min_runs": "4", "expected_minutes": "30", "auto_suspend": "on"}
    assert patchbay.submit(view, values, user=BOB).body == ""
    with patchbay.sessions() as session:
        row = session.get_one(IntegrationThresholds, integration_id)
        assert row.overrides == {
            "alert_error_rate": 0.5,
            "alert_min_runs": 4,
            "expected_minutes": 30,
            "auto_suspend": True,
        }
    [event] = events(patchbay, "integration.thresholds_changed")
    assert (event.actor_id, event.entity_id) == (BOB, integration_id)
    assert event.before == {
        "alert_error_rate": None,
        "alert_min_runs": None,
        "expected_minutes": None,
        "auto_suspend": None,
    }
    assert "Alert at an error rate of (%): the workspace's -> *50%*" in patchbay.said_to(BOB)

    card = str(patchbay.command(f"show {integration_id}", user=FRANK).json["blocks"])
    assert "Alerts at 50% (this integration) errors over at least 4 (this integration) runs" in card
    assert "3x 30 (this integration) min" in card and "records are off by 10x;" in card
    assert "auto-suspend on (this integration)." in card
    assert "(this integration)" in str(patchbay.command(f"health {integration_id}", user=FRANK).json)
    assert "*Alert thresholds*: Alerts at 50% (this integration)" in str(
        patchbay.command(f"doc {integration_id}", user=FRANK).json
    )
    # The form opens again with what was set, the rest blank.
    again = shown(open_thresholds(patchbay, integration_id, user=BOB))
    assert again["alert_error_rate"] == "50" and again["auto_suspend"] == "on"
    assert again["alert_records_factor"] is None

    # 3 of 7 failed (43%): above the workspace's 20%, under this integration's 50%.
    post_mix(patchbay, token, ok=4, errors=3)
    assert not said(patchbay, ":rotating_light:")
    # Auto-suspend is on for this integration although the workspace has it off: 80 of 87 runs fail.
    url = runs_url(patchbay)
    runs = [
        run(f"e{i}", "error", at=START - timedelta(hours=2, minutes=80 - i), error="invalid_auth")
        for i in range(80)
    ]
    assert post_runs(url, {"runs": runs}, token=token).status == 200
    patchbay.wait_idle()
    assert said(patchbay, ":rotating_light:")
    with patchbay.sessions() as session:
        assert session.get_one(Integration, integration_id).state == "suspended"


def test_blank_fields_follow_the_workspace_and_an_admin_may_clear_an_override(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = live_with_card(patchbay, settings)
    view = open_thresholds(patchbay, integration_id, user=BOB)
    assert patchbay.submit(view, {"alert_records_factor": "4", "auto_suspend": "off"}, user=BOB).body == ""
    view = open_thresholds(patchbay, integration_id, user=ALICE)  # an admin, not the owner
    assert patchbay.submit(view, {**shown(view), "alert_records_factor": ""}, user=ALICE).body == ""
    with patchbay.sessions() as session:
        assert session.get_one(IntegrationThresholds, integration_id).overrides == {"auto_suspend": False}
    last = events(patchbay, "integration.thresholds_changed")[-1]
    assert (last.actor_id, last.before, last.after) == (
        ALICE,
        {"alert_records_factor": 4},
        {"alert_records_factor": None},
    )
    assert "records are off by 10x;" in str(patchbay.command(f"show {integration_id}", user=BOB).json)


def test_only_the_owner_or_an_admin_sets_thresholds_and_twice_is_once(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = live_with_card(patchbay, settings)
    button = card_button(patchbay, integration_id, "Alert thresholds", user=FRANK)
    patchbay.click(button, user=FRANK)
    assert "Only the owner <@U0BOB0002> or a Patchbay admin" in patchbay.said_to(FRANK)

    view = open_thresholds(patchbay, integration_id, user=BOB)
    forged = patchbay.submit(view, {"alert_error_rate": "90"}, user=FRANK)
    assert "Only the owner" in next(iter(forged.json["errors"].values()))
    stale = open_thresholds(patchbay, integration_id, user=ALICE)

    assert patchbay.submit(view, {"alert_error_rate": "40"}, user=BOB).body == ""
    again = patchbay.submit(view, {"alert_error_rate": "40"}, user=BOB)  # the same submission twice
    assert "Already saved" in str(again.json["view"]["blocks"])
    conflict = patchbay.submit(stale, {"alert_error_rate": "60"}, user=ALICE)  # opened before the change
    assert "Someone changed the alert thresholds" in next(iter(conflict.json["errors"].values()))
    assert len(events(patchbay, "integration.thresholds_changed")) == 1


def test_bad_input_at_every_threshold_field_gets_its_error_there(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = live_with_card(patchbay, settings)
    view = open_thresholds(patchbay, integration_id, user=BOB)
    bad = {
        "alert_error_rate": "abc",
        "alert_min_runs": "0",
        "expected_minutes": "1.5",
        "alert_silence_factor": "0",
        "alert_records_factor": "1",
        "auto_suspend": "sometimes",
    }
    errors = patchbay.submit(view, bad, user=BOB).json["errors"]
    assert set(errors) == set(bad)
    assert errors["alert_min_runs"] == "Enter 1 or more."
    assert errors["expected_minutes"] == "Enter a whole number, like 30"
    assert patchbay.submit(view, {"expected_minutes": "50000"}, user=BOB).json["errors"] == {
        "expected_minutes": "Enter 44640 or less."
    }
    over = patchbay.submit(view, {"alert_min_runs": "21"}, user=BOB).json["errors"]
    assert "last 20 runs (the workspace's setting)" in over["alert_min_runs"]
    assert events(patchbay, "integration.thresholds_changed") == []
    with patchbay.sessions() as session:
        assert session.get(IntegrationThresholds, integration_id) is None
