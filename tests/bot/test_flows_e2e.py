"""Data flows, integration opportunities, the stack map and impact, through signed Slack requests."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from sqlalchemy import select

from commands import graphviz
from storage.models import AuditEvent, Flow, Integration
from tests.conftest import ALICE, BOB, CAROL, Patchbay
from tests.factories import add_flow, add_proposal, add_tool, proposal_values, set_state

PNG = b"\x89PNG\r\n\x1a\n"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")


@pytest.fixture
def tools(patchbay: Patchbay) -> dict[str, int]:
    return {name: add_tool(patchbay.sessions, name) for name in ("Salesforce", "Asana", "HubSpot", "Stripe")}


def flow_values(source: int, target: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "source_tool_id": str(source),
        "target_tool_id": str(target),
        "data": "Won deals: customer, plan and start date",
        "data_kinds": ["deals"],
        "mode": "manual",
        "times_per_week": "5",
        "minutes_each": "20",
        "done_by": BOB,
    }
    values.update(changes)
    return values


def flows(patchbay: Patchbay) -> list[Flow]:
    with patchbay.sessions() as session:
        return list(session.scalars(select(Flow).order_by(Flow.id)))


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    return found + [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_flow_add_records_a_manual_flow_and_confirms_it(patchbay: Patchbay, tools: dict[str, int]) -> None:
    reply = patchbay.open_and_submit("flow add", flow_values(tools["Salesforce"], tools["Asana"]), user=BOB)
    assert reply.body == ""
    [row] = flows(patchbay)
    assert (row.mode, row.minutes_each, row.done_by, row.created_by) == ("manual", 20, BOB, BOB)
    told = patchbay.said_to(BOB)
    assert "Recorded flow #1: Salesforce -> Asana" in told and "1.67 h/week" in told
    assert BOB in patchbay.slack.home  # the home tab was refreshed after the change
    with patchbay.sessions() as session:
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "flow")).all() == [
            "flow.recorded"
        ]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"target_tool_id": "SOURCE"}, "target_tool_id", "different tool"),
        ({"minutes_each": "-5"}, "minutes_each", "can't be negative"),
        ({"times_per_week": "0"}, "times_per_week", "how many times a week"),
        ({"data": "token xoxb-1234567890-abcdefghij"}, "data", "Slack token"),
        ({"data": ""}, "data", "can't be empty"),
        ({"mode": "automated"}, "integration_id", "number of the integration"),
        ({"mode": "automated", "integration_id": "99"}, "integration_id", "no integration #99"),
        ({"done_by": ""}, "done_by", "who moves the data"),
    ],
)
def test_bad_flows_are_refused_at_the_field(
    patchbay: Patchbay, tools: dict[str, int], changes: dict[str, Any], field: str, words: str
) -> None:
    values = flow_values(tools["Salesforce"], tools["Asana"], **changes)
    if values["target_tool_id"] == "SOURCE":
        values["target_tool_id"] = values["source_tool_id"]
    reply = patchbay.open_and_submit("flow add", values, user=BOB)
    errors = reply.json["errors"]
    assert words in errors[field], errors
    assert flows(patchbay) == []


def test_the_same_tool_twice_and_a_bad_count_are_reported_in_one_pass(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    values = flow_values(tools["Salesforce"], tools["Salesforce"], times_per_week="often", done_by="")
    errors = patchbay.open_and_submit("flow add", values, user=BOB).json["errors"]
    assert set(errors) == {"target_tool_id", "times_per_week", "done_by"}, errors
    assert flows(patchbay) == []


def test_an_automated_flow_names_an_integration_between_the_same_tools(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    other = add_proposal(patchbay.sessions, tools["HubSpot"], tools["Stripe"])
    values = flow_values(
        tools["Salesforce"], tools["Asana"], mode="automated", integration_id=str(other), done_by=""
    )
    assert (
        "connects two other tools"
        in patchbay.open_and_submit("flow add", values, user=BOB).json["errors"]["integration_id"]
    )
    mine = add_proposal(patchbay.sessions, tools["Salesforce"], tools["Asana"])
    values["integration_id"] = str(mine)
    assert patchbay.open_and_submit("flow add", values, user=BOB).body == ""
    assert [(f.mode, f.integration_id) for f in flows(patchbay)] == [("automated", mine)]


def test_opportunities_rank_manual_flows_and_propose_prefills_the_modal(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    small = add_flow(patchbay.sessions, tools["HubSpot"], tools["Stripe"], minutes_each="10")
    big = add_flow(
        patchbay.sessions,
        tools["Salesforce"],
        tools["Asana"],
        times_per_week="20",
        minutes_each="15",
        mode="csv",
    )
    blocks = patchbay.command("opportunities", user=CAROL).json["blocks"]
    text = str(blocks)
    assert "2 flows still done by hand or by CSV, *5.83 hours a week* in all" in text
    assert text.index("Salesforce -> Asana") < text.index("HubSpot -> Stripe")
    first = buttons(blocks)[0]
    assert first["text"]["text"] == "Propose integration" and f'"flow_id":{big}' in first["value"]

    patchbay.click(first, user=CAROL)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "propose"
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["source_tool_id"]["initial_option"]["text"]["text"] == "Salesforce"
    assert inputs["target_tool_id"]["initial_option"]["text"]["text"] == "Asana"
    assert inputs["hours_per_week"]["initial_value"] == "5"
    assert inputs["monthly_cost"]["initial_value"] == "0"  # shown as 0, never blank
    assert inputs["frequency"]["initial_option"]["value"] == "5"  # 20 times a week: many times a day
    assert [o["value"] for o in inputs["data_kinds"]["initial_options"]] == ["deals"]
    assert inputs["title"]["initial_value"] == "Automate Won deals: Salesforce -> Asana"
    assert "by CSV export and import" in inputs["purpose"]["initial_value"]
    assert inputs["owner_id"]["initial_user"] == CAROL
    assert "initial_option" not in inputs["method"]  # left for the proposer to decide

    values = proposal_values(tools["Salesforce"], tools["Asana"], owner_id=BOB)
    assert patchbay.submit(modal, values, user=CAROL).body == ""
    with patchbay.sessions() as session:
        flow = session.get(Flow, big)
        assert flow is not None and flow.integration_id == 1 and flow.mode == "csv"
    again = str(patchbay.command("opportunities", user=CAROL).json["blocks"])
    assert "proposed as #1 (_Proposed_)" in again
    assert small  # the smaller flow is still an open opportunity


def test_going_live_automates_the_flow_it_was_built_from(patchbay: Patchbay, tools: dict[str, int]) -> None:
    flow_id = add_flow(patchbay.sessions, tools["Salesforce"], tools["Asana"])
    patchbay.click(buttons(patchbay.command("opportunities", user=BOB).json["blocks"])[0], user=BOB)
    patchbay.submit(patchbay.last_view(), proposal_values(tools["Salesforce"], tools["Asana"]), user=BOB)
    set_state(patchbay.sessions, 1, "in_sandbox")
    deploy = next(
        b
        for b in buttons(patchbay.command("show 1", user=BOB).json["blocks"])
        if "Deploy" in b["text"]["text"]
    )
    patchbay.click(deploy, user=BOB)
    with patchbay.sessions() as session:
        integration = session.get(Integration, 1)
        flow = session.get(Flow, flow_id)
        assert integration is not None and integration.state == "live"
        assert flow is not None and flow.mode == "automated" and flow.automated_at is not None
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "flow")).all()
    assert actions == ["flow.recorded", "flow.proposed", "flow.automated"]
    assert "No manual flows recorded" in str(patchbay.command("opportunities", user=BOB).json["blocks"])


@needs_dot
def test_map_of_a_300_tool_stack_is_drawn_and_uploaded_in_two_steps(patchbay: Patchbay) -> None:
    categories = ["crm", "marketing", "support", "project", "finance", "analytics", "hr", "engineering"]
    ids = [
        add_tool(patchbay.sessions, f"Tool {n:03d}", category=categories[n % len(categories)])
        for n in range(300)
    ]
    for n in range(0, 120, 2):
        add_flow(patchbay.sessions, ids[n], ids[n + 1], minutes_each=str(10 + n))
    for n in range(150, 190, 4):
        add_proposal(patchbay.sessions, ids[n], ids[n + 2], title=f"Sync {n}")
    set_state(patchbay.sessions, 1, "live")
    set_state(patchbay.sessions, 2, "suspended")

    reply = patchbay.command("map", user=BOB, channel="C0STACK")
    assert "Drawing the map of 300 tools" in reply.text
    steps = [c.method for c in patchbay.slack.calls if c.method.startswith(("files.", "upload"))]
    assert steps == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    complete = patchbay.slack.calls_to("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "C0STACK"
    assert "300 tools, 1 live integration, 8 proposals, 60 manual handoffs" in complete["initial_comment"]
    assert "1 suspended" in complete["initial_comment"] and "Drawn by category" in complete["initial_comment"]
    [uploaded] = patchbay.slack.uploads.values()
    assert uploaded.startswith(PNG) and len(uploaded) > 10_000

    focused = patchbay.command("map crm", user=BOB, channel="C0STACK")
    assert "Drawing the map of" in focused.text
    comment = patchbay.slack.calls_to("files.completeUploadExternal")[-1].args["initial_comment"]
    assert comment.startswith("Stack map of CRM:")
    assert "No tool or category called Nope" in patchbay.command("map Nope", user=BOB).text


def test_map_without_graphviz_says_so_in_one_line(
    patchbay: Patchbay, tools: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: None)
    reply = patchbay.command("map", user=BOB)
    assert "needs Graphviz" in reply.text and "--format dot" in reply.text
    assert patchbay.slack.calls_to("files.getUploadURLExternal") == []


def test_impact_lists_flows_integrations_owners_data_and_open_proposals(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    live = add_proposal(patchbay.sessions, tools["Salesforce"], tools["Asana"], owner_id=ALICE)
    set_state(patchbay.sessions, live, "live")
    with patchbay.sessions.begin() as session:
        row = session.get(Integration, live)
        assert row is not None
        row.data_classes = ["personal", "financial"]
    add_proposal(patchbay.sessions, tools["HubSpot"], tools["Salesforce"], title="Leads into the CRM")
    add_flow(patchbay.sessions, tools["Stripe"], tools["Salesforce"], data="Refunds", by=CAROL)
    blocks = patchbay.command("impact salesforce", user=BOB).json["blocks"]
    text = str(blocks)
    assert "What depends on Salesforce" in text
    assert "Data classes: Personal data, Financial" in text
    assert "*Integrations out of it* (1)" in text and f"owner <@{ALICE}>" in text
    assert "*Flows into it* (1)" in text and "Refunds" in text
    assert "*Open proposals touching it* (1)" in text and "Leads into the CRM" in text
    assert f"<@{CAROL}>" in text.split("Tell before changing")[1]
    assert "No tool called Nope" in patchbay.command("impact Nope", user=BOB).text
