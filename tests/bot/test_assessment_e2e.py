"""A new tool's assessment through signed requests: asked right after registering, answers become flows,
skipping is recorded, and tools left unassessed wait on their owner's App Home."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import AuditEvent, Flow, Tool
from tests.bot.test_home_e2e import buttons, open_home
from tests.conftest import ALICE, BOB, FRANK, Patchbay
from tests.factories import add_tool

SALESFORCE = {"name": "Salesforce", "category": "crm", "owner_id": BOB, "data_kinds": ["contacts", "deals"]}


def tool_id(patchbay: Patchbay, name: str) -> int:
    with patchbay.sessions() as session:
        return session.scalars(select(Tool.id).where(Tool.name == name)).one()


def flows(patchbay: Patchbay) -> list[tuple[str, str, str, str | None]]:
    with patchbay.sessions() as session:
        names = {row.id: row.name for row in session.execute(select(Tool.id, Tool.name))}
        rows = session.scalars(select(Flow).order_by(Flow.id)).all()
        return [(names[f.source_tool_id], names[f.target_tool_id], f.mode, f.done_by) for f in rows]


def actions(patchbay: Patchbay, action: str) -> list[AuditEvent]:
    with patchbay.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def register(patchbay: Patchbay, values: dict[str, Any], *, user: str) -> dict[str, Any]:
    """Register through the modal; the follow-up assessment view (with the modal's id), if any."""
    patchbay.command("tool add", user=user)
    opened = patchbay.last_view()
    reply = patchbay.submit(opened, values, user=user)
    assert reply.status == 200
    if not reply.body:
        return {}
    assert reply.json["response_action"] == "update"
    return {**reply.json["view"], "id": opened["id"]}


def test_registering_asks_which_tools_it_shares_data_with_and_the_answers_become_flows(
    patchbay: Patchbay,
) -> None:
    assert register(patchbay, {"name": "HubSpot", "category": "marketing", "owner_id": BOB}, user=BOB) == {}
    add_tool(patchbay.sessions, "Asana", owner=FRANK, category="project")
    view = register(patchbay, SALESFORCE, user=BOB)
    assert view["callback_id"] == "assess"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["receives_from"]["type"] == "multi_external_select"
    assert inputs["data"]["initial_value"] == "Contacts, Deals"
    assert inputs["done_by"]["initial_user"] == BOB
    assert [o["value"] for o in inputs["mode"]["options"]] == ["manual", "csv"]
    assert "Registered *Salesforce*" in patchbay.said_to(BOB)

    # The pickers offer the registry as you type.
    suggested = patchbay.suggest(view, "sends_to", "asa", user=BOB).json["options"]
    assert [o["text"]["text"] for o in suggested] == ["Asana"]

    hubspot, asana, salesforce = (tool_id(patchbay, n) for n in ("HubSpot", "Asana", "Salesforce"))

    def errors(values: dict[str, Any]) -> dict[str, str]:
        return dict(patchbay.submit(view, values, user=BOB).json.get("errors", {}))

    picks = {"receives_from": [str(hubspot)], "sends_to": [str(asana)]}
    assert errors({**picks, "receives_from": [str(salesforce)]}) == {
        "receives_from": "A tool does not share data with itself: pick others."
    }
    assert errors({**picks, "sends_to": ["99999"]}) == {
        "sends_to": "That tool is not in the registry. Register it first."
    }
    assert errors({**picks, "data": "", "done_by": None, "times_per_week": "0", "mode": "automated"}) == {
        "data": "Say what data moves, like Contacts and deals.",
        "done_by": "Pick who moves the data by hand.",
        "times_per_week": "Say how many times a week it happens, like 5 (or 0.5 for every other week).",
        "mode": "Pick by hand or CSV: an automated flow is recorded with /patchbay flow add.",
    }
    assert "vault" in errors({**picks, "data": "key AKIAABCDEFGHIJKLMNOP"})["data"]
    assert errors({**picks, "minutes_each": "many"}) == {"minutes_each": "Enter a whole number, like 30"}
    assert flows(patchbay) == [] and actions(patchbay, "tool.assessed") == []

    for retry in (None, 1):  # a double submit and Slack's retry record the flows once
        reply = patchbay.submit(
            view, {**picks, "data": "Leads <hot>", "times_per_week": "5"}, user=BOB, retry=retry
        )
        assert reply.status == 200
    assert flows(patchbay) == [
        ("HubSpot", "Salesforce", "manual", BOB),
        ("Salesforce", "Asana", "manual", BOB),
    ]
    [assessed] = actions(patchbay, "tool.assessed")
    assert (assessed.actor_id, assessed.after) == (BOB, {"receives_from": ["HubSpot"], "sends_to": ["Asana"]})
    said = patchbay.said_to(BOB)
    assert "Recorded 2 flows for *Salesforce*" in said and "Leads &lt;hot&gt;" in said
    opportunities = str(patchbay.command("opportunities", user=BOB).json["blocks"])
    assert "HubSpot -> Salesforce: Leads &lt;hot&gt;" in opportunities
    assert "Salesforce -> Asana: Leads &lt;hot&gt;" in opportunities

    # HubSpot, registered when it was alone, waits on its owner's App Home; Salesforce does not.
    home = open_home(patchbay, BOB)
    assert "*Tools to assess* (1)" in str(home["blocks"]) and "• HubSpot  ·  Marketing automation" in str(
        home["blocks"]
    )
    assert [b["value"] for b in buttons(home) if b["text"]["text"] == "Assess"] == [
        f'{{"tool_id":{hubspot}}}'
    ]


def test_skipping_is_recorded_and_later_leaves_the_tool_on_the_app_home(patchbay: Patchbay) -> None:
    add_tool(patchbay.sessions, "Asana", owner=FRANK, category="project")
    view = register(patchbay, SALESFORCE, user=BOB)
    assert patchbay.submit(view, {}, user=BOB).body == ""
    [skipped] = actions(patchbay, "tool.assessment_skipped")
    assert skipped.after == {"receives_from": [], "sends_to": []}
    assert "Recorded that *Salesforce* shares no data" in patchbay.said_to(BOB)
    assert flows(patchbay) == []

    # Someone registers a tool for Frank: Frank assesses it later, from his App Home.
    assert register(patchbay, {"name": "Jira", "category": "engineering", "owner_id": FRANK}, user=BOB) == {}
    assert "Tools to assess" not in str(open_home(patchbay, BOB)["blocks"])
    home = open_home(patchbay, FRANK)
    assert "*Tools to assess* (2)" in str(home["blocks"])  # Asana, registered without the modal, too
    jira = next(
        b
        for b in buttons(home)
        if b["text"]["text"] == "Assess" and str(tool_id(patchbay, "Jira")) in b["value"]
    )

    patchbay.click(jira, user=BOB)
    assert "Only Jira's owner <@U0FRANK06> or a Patchbay admin can assess it." in str(patchbay.responses())
    patchbay.click(jira, user=FRANK)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "assess"
    salesforce = tool_id(patchbay, "Salesforce")
    assert patchbay.submit(modal, {"receives_from": [str(salesforce)], "data": "Bugs"}, user=FRANK).body == ""
    assert flows(patchbay) == [("Salesforce", "Jira", "manual", FRANK)]
    home = open_home(patchbay, FRANK)
    assert "*Tools to assess* (1)" in str(home["blocks"])
    assess = [b["value"] for b in buttons(home) if b["text"]["text"] == "Assess"]
    assert assess == [f'{{"tool_id":{tool_id(patchbay, "Asana")}}}']

    patchbay.click(jira, user=ALICE)  # an old button on a tool assessed since
    assert "Jira was assessed already" in str(patchbay.responses()[-1])
