"""The App Home dashboard and success measures, through signed Slack requests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.db import session_scope
from storage.models import AuditEvent, Integration, Measurement
from tests.conftest import ALICE, BOB, CAROL, FRANK, Patchbay
from tests.factories import add_flow, add_proposal, add_tool, set_state

MEASURES = {"hours_saved_per_week": "2.5", "errors_avoided": "3", "freshness_minutes": "10"}


def open_home(patchbay: Patchbay, user: str) -> dict[str, Any]:
    reply = patchbay.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    assert reply.status == 200
    return patchbay.slack.home[user]


def texts(view: dict[str, Any]) -> str:
    return str(view["blocks"])


def buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("type") == "button"]
    return found + [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_home_for_someone_with_nothing(patchbay: Patchbay) -> None:
    view = open_home(patchbay, FRANK)
    assert view["type"] == "home"
    text = texts(view)
    for words in (
        "Waiting for you* (0)",
        "Nothing waits for you.",
        "Your integrations* (0)",
        "Your tools* (0)",
    ):
        assert words in text
    assert "*0 tools*" in text and "The queue is empty." in text
    assert buttons(view) == []


def test_messages_tab_opens_publish_nothing(patchbay: Patchbay) -> None:
    patchbay.event({"type": "app_home_opened", "user": BOB, "channel": "D0HOME", "tab": "messages"})
    assert patchbay.slack.calls_to("views.publish") == []


def test_home_with_hundreds_of_items_stays_within_slacks_limits(patchbay: Patchbay) -> None:
    tools = [add_tool(patchbay.sessions, f"Tool {n:03d}") for n in range(300)]
    for n in range(0, 40):
        add_flow(patchbay.sessions, tools[n], tools[n + 100], minutes_each="30")
    ids = [
        add_proposal(patchbay.sessions, tools[n], tools[n + 1], title=f"Sync {n} " + "x" * 100)
        for n in range(150)
    ]
    for integration_id in ids[:60]:
        set_state(patchbay.sessions, integration_id, "live")
    with session_scope(patchbay.sessions) as session:
        for integration_id in ids[:30]:
            session.add(
                Measurement(
                    integration_id=integration_id,
                    recorded_at=patchbay.clock.now(),
                    hours_saved_per_week=2,
                    errors_avoided=1,
                    freshness_minutes=5,
                    recorded_by=BOB,
                )
            )
    view = open_home(patchbay, BOB)
    assert len(view["blocks"]) <= 100
    text = texts(view)
    assert "*300 tools*  ·  *60 live integrations*" in text
    assert "*100.00 h/week* still moved by hand" in text
    assert "*150.00 h/week* saved by live integrations (30 measured, 30 estimated)" in text  # 30x2 + 30x3
    assert "Your integrations* (150)" in text and "Your tools* (300)" in text
    see_all = {b["text"]["text"]: b for b in buttons(view) if b["action_id"] == "home_more"}
    assert set(see_all) == {"See all 150", "See all 300"}
    assert any(b["text"]["text"] == "Record success measures" for b in buttons(view))

    patchbay.click(see_all["See all 300"], user=BOB, view=view)
    modal = patchbay.last_view()
    assert modal["title"]["text"] == "Your tools" and len(modal["blocks"]) <= 100
    assert "Tool 000" in str(modal["blocks"]) and "Tool 299" in str(modal["blocks"])
    patchbay.click(see_all["See all 150"], user=BOB, view=view)
    assert "Sync 149" in str(patchbay.last_view()["blocks"])

    carol = texts(open_home(patchbay, CAROL))  # the security reviewer: 90 proposals to review
    assert "Waiting for you* (90)" in carol and "start the security review" in carol


def test_success_measures_are_recorded_by_the_owner_or_an_admin_only(patchbay: Patchbay) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    integration_id = add_proposal(patchbay.sessions, source, target)  # owned by Bob
    assert "Record success measures" not in str(patchbay.command(f"show {integration_id}", user=BOB).json)
    set_state(patchbay.sessions, integration_id, "live")

    view = open_home(patchbay, BOB)
    button = next(b for b in buttons(view) if b["text"]["text"] == "Record success measures")
    patchbay.click(button, user=FRANK, view=view)
    assert "Only the owner <@U0BOB0002> or a Patchbay admin" in patchbay.said_to(FRANK)

    patchbay.click(button, user=BOB, view=view)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "measures"
    refused = patchbay.submit(modal, MEASURES, user=FRANK)
    assert "Only the owner" in str(refused.json["errors"])
    bad = patchbay.submit(modal, {**MEASURES, "errors_avoided": "-1"}, user=BOB)
    assert "0 if none" in bad.json["errors"]["errors_avoided"]
    assert patchbay.submit(modal, MEASURES, user=BOB).body == ""
    assert "2.50 h/week saved, 3 errors/month avoided, 10 min fresh" in texts(patchbay.slack.home[BOB])
    assert patchbay.submit(modal, {**MEASURES, "hours_saved_per_week": "4"}, user=ALICE).body == ""

    with patchbay.sessions() as session:
        rows = session.scalars(select(Measurement).order_by(Measurement.id)).all()
        assert [(r.recorded_by, str(r.hours_saved_per_week)) for r in rows] == [
            (BOB, "2.50"),
            (ALICE, "4.00"),
        ]
        audited = session.scalars(
            select(AuditEvent.actor_id).where(AuditEvent.action == "integration.measured")
        )
        assert audited.all() == [BOB, ALICE]
    assert "hours saved 2.50 -> 4.00 over 2 records" in texts(open_home(patchbay, BOB))

    again = patchbay.submit(modal, MEASURES, user=BOB)  # the saved modal once more: a retry
    assert "Already saved as integration" in str(again.json["view"])
    patchbay.click(button, user=BOB, view=view)
    modal = patchbay.last_view()
    set_state(patchbay.sessions, integration_id, "retired")
    reply = patchbay.submit(modal, MEASURES, user=BOB)
    assert "once it is live" in str(reply.json["errors"])


def test_home_lists_what_waits_for_the_owner(patchbay: Patchbay) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    first = add_proposal(patchbay.sessions, source, target)
    second = add_proposal(patchbay.sessions, target, source, title="Back-sync")
    set_state(patchbay.sessions, first, "approved")
    set_state(patchbay.sessions, second, "in_sandbox")
    text = texts(open_home(patchbay, BOB))
    assert "record the sandbox test" in text and "deploy it to production" in text
    with patchbay.sessions() as session:
        assert session.scalars(select(Integration.state).order_by(Integration.id)).all() == [
            "approved",
            "in_sandbox",
        ]
