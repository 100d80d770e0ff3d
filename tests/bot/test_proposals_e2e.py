"""Proposing, ranking and planning integrations through signed Slack requests."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.app import make_client
from bot.scheduling.notify import Notifier, SlackSender
from bot.settings import Settings
from commands.actor import SYSTEM
from commands.tools import retire_tool
from storage.db import session_scope
from storage.models import AuditEvent, Integration
from tests.conftest import ALICE, BOB, FRANK, Patchbay
from tests.factories import NOW, add_proposal, add_tool, proposal_values


@pytest.fixture
def tools(patchbay: Patchbay) -> dict[str, int]:
    return {name: add_tool(patchbay.sessions, name) for name in ("Salesforce", "Asana", "HubSpot", "Zendesk")}


def count(patchbay: Patchbay) -> int:
    with patchbay.sessions() as session:
        return session.scalar(select(func.count()).select_from(Integration)) or 0


def propose(patchbay: Patchbay, values: dict[str, Any], *, user: str = BOB) -> Any:
    return patchbay.open_and_submit("propose", values, user=user)


def test_tool_pickers_type_ahead_over_active_tools(patchbay: Patchbay, tools: dict[str, int]) -> None:
    with session_scope(patchbay.sessions) as session:
        retire_tool(session=session, actor=SYSTEM, tool_id=tools["Zendesk"], now=NOW)
    patchbay.command("propose", user=BOB)
    view = patchbay.last_view()
    reply = patchbay.suggest(view, "source_tool_id", "s", user=BOB)
    names = [o["text"]["text"] for o in reply.json["options"]]
    assert names == ["Asana", "HubSpot", "Salesforce"]
    assert [
        o["value"] for o in patchbay.suggest(view, "target_tool_id", "force", user=BOB).json["options"]
    ] == [str(tools["Salesforce"])]


def test_a_proposal_is_stored_scored_and_shown_with_its_economics(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    reply = propose(patchbay, proposal_values(tools["Salesforce"], tools["Asana"]))
    assert reply.status == 200 and reply.body == ""
    with patchbay.sessions() as session:
        row = session.scalars(select(Integration)).one()
        assert (row.state, row.proposer_id, row.score) == ("proposed", BOB, 12)
        assert row.payback_months == Decimal("1.0")
        assert row.mapping[1] == {
            "source": "Phone",
            "target": "Phone Number",
            "transform": "normalise to E.164",
        }
        assert session.scalars(select(AuditEvent.action)).all() == ["tool.registered"] * 4 + [
            "integration.proposed"
        ]
    dm = patchbay.slack.calls_to("chat.postMessage")[-1].args
    text = str(dm["blocks"])
    # 3 h/week x 52 x 50 = 7,800; 20 x 12 + 8 x 50 x 1.1 = 680; 680 / 650 = 1.0 months
    assert "Score 12/15" in text and "7,800 USD" in text and "680 USD" in text and "1.0 months" in text
    assert "#1 in the queue" in text


def test_slow_payback_is_flagged_not_blocked(patchbay: Patchbay, tools: dict[str, int]) -> None:
    propose(
        patchbay,
        proposal_values(tools["Salesforce"], tools["Asana"], hours_per_week="0.5", effort_hours="200"),
    )
    assert count(patchbay) == 1
    assert "beyond the 6-month target" in str(patchbay.slack.calls_to("chat.postMessage")[-1].args["blocks"])


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"frequency": "7"}, "frequency", "1 (low) to 5"),
        ({"effort_hours": "-2"}, "effort_hours", "negative"),
        ({"hours_per_week": "-1"}, "hours_per_week", "negative"),
        ({"target_tool_id": "SOURCE"}, "target_tool_id", "different tool"),
        ({"source_tool_id": "999"}, "source_tool_id", "not in the registry"),
        ({"mapping": ""}, "mapping", "at least one field"),
        ({"mapping": "Phone to Phone Number"}, "mapping", "Line 1"),
        ({"direction": "bi_directional"}, "source_of_truth", "source of truth"),
        (
            {"direction": "bi_directional", "source_of_truth": "Deals: Salesforce"},
            "conflict_rule",
            "both sides",
        ),
        ({"timing": "batch"}, "batch_minutes", "how often"),
        ({"purpose": "uses ghp_abcdefghijklmnopqrstuvwxyz0123456789"}, "purpose", "vault"),
        ({"mapping": "Key -> AKIAABCDEFGHIJKLMNOP"}, "mapping", "credential"),
        ({"source_tool_id": ""}, "source_tool_id", "Pick the tool the data comes from"),
    ],
)
def test_bad_input_is_refused_at_its_field(
    patchbay: Patchbay, tools: dict[str, int], changes: dict[str, str], field: str, words: str
) -> None:
    if changes.get("target_tool_id") == "SOURCE":
        changes = {"target_tool_id": str(tools["Salesforce"])}
    reply = propose(patchbay, proposal_values(tools["Salesforce"], tools["Asana"], **changes))
    assert reply.json["response_action"] == "errors"
    assert words in reply.json["errors"][field], reply.json
    assert count(patchbay) == 0


def test_retired_tool_is_refused(patchbay: Patchbay, tools: dict[str, int]) -> None:
    with session_scope(patchbay.sessions) as session:
        retire_tool(session=session, actor=SYSTEM, tool_id=tools["Asana"], now=NOW)
    reply = propose(patchbay, proposal_values(tools["Salesforce"], tools["Asana"]))
    assert "Asana is retired" in reply.json["errors"]["target_tool_id"]


def test_a_retired_tool_and_bad_numbers_are_reported_in_one_pass(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    with session_scope(patchbay.sessions) as session:
        retire_tool(session=session, actor=SYSTEM, tool_id=tools["Asana"], now=NOW)
    values = proposal_values(
        tools["Salesforce"], tools["Asana"], effort_hours="lots", direction="bi_directional", timing="batch"
    )
    errors = propose(patchbay, values).json["errors"]
    expected = {"effort_hours", "target_tool_id", "source_of_truth", "conflict_rule", "batch_minutes"}
    assert set(errors) == expected, errors
    assert "Asana is retired" in errors["target_tool_id"] and "Enter a number" in errors["effort_hours"]
    assert count(patchbay) == 0


def test_similar_proposal_warns_first_and_saves_when_confirmed(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    first = add_proposal(patchbay.sessions, tools["Salesforce"], tools["Asana"], title="Deals to onboarding")
    reply = propose(
        patchbay, proposal_values(tools["Asana"], tools["Salesforce"], data_kinds=["deals", "tasks"])
    )
    assert reply.json["response_action"] == "update"
    warning = reply.json["view"]["blocks"][0]["text"]["text"]
    assert f"#{first} Deals to onboarding (proposed)" in warning
    assert count(patchbay) == 1
    # The form keeps what was typed; ticking the box saves it.
    updated = reply.json["view"]
    typed = {b["block_id"]: b for b in updated["blocks"] if b["type"] == "input"}
    assert typed["trigger"]["element"]["initial_value"] == "Deal marked Closed Won"
    assert typed["source_tool_id"]["element"]["initial_option"]["text"]["text"] == "Asana"
    reply = patchbay.submit(updated, {"confirm_similar": ["yes"]}, user=BOB)
    assert reply.body == "" and count(patchbay) == 2
    # Different data between the same tools is not similar.
    reply = propose(patchbay, proposal_values(tools["Salesforce"], tools["Asana"], data_kinds=["contacts"]))
    assert reply.body == "" and count(patchbay) == 3


def test_queue_ranks_hundreds_by_score_then_payback_and_marks_the_focus(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    expected = []
    for i in range(240):
        f, im, fe = 1 + i % 5, 1 + (i // 5) % 5, 1 + (i // 25) % 5
        hours = str(1 + i % 7)
        pid = add_proposal(
            patchbay.sessions,
            tools["Salesforce"],
            tools["Asana"],
            title=f"P{i}",
            frequency=str(f),
            impact=str(im),
            feasibility=str(fe),
            hours_per_week=hours,
        )
        first_year = Decimal(20 * 12) + Decimal(8 * 50) * Decimal("1.1")
        payback = (first_year / (Decimal(hours) * 52 * 50 / 12)).quantize(Decimal("0.1"))
        expected.append((-(f + im + fe), payback, pid))
    expected.sort()
    reply = patchbay.command("queue", user=FRANK).json
    text = str(reply["blocks"])
    assert "240 open proposals" in text
    ranked = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"][1:]
    assert [line.split("#")[1].split(" ")[0] for line in ranked] == [str(pid) for *_, pid in expected[:10]]
    assert (
        sum(":dart: *focus*" in line for line in ranked) == 5
        and ":dart:" in ranked[4]
        and ":dart:" not in ranked[5]
    )
    patchbay.click(reply["blocks"][-1]["elements"][0], user=FRANK)
    page2 = patchbay.responses()[-1]
    assert f"*11.* #{expected[10][2]} " in str(page2["blocks"])


def test_proposer_edits_before_approval_and_each_edit_is_audited(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    pid = add_proposal(patchbay.sessions, tools["Salesforce"], tools["Asana"])
    card = patchbay.command(f"show #{pid}", user=BOB).json
    edit = next(
        e
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "proposal_edit"
    )
    patchbay.click(edit, user=BOB)
    view = patchbay.last_view()
    assert view["callback_id"] == "proposal_edit"
    assert patchbay.submit(view, {"impact": "5"}, user=BOB).body == ""
    with patchbay.sessions() as session:
        row = session.get(Integration, pid)
        assert row is not None and (row.impact, row.score) == (5, 14)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "integration.edited")).one()
        assert event.before == {"impact": 3} and event.after == {"impact": 5}
    # Someone else sees no Edit button and is refused if they press one anyway.
    assert "proposal_edit" not in str(patchbay.command(f"show {pid}", user=FRANK).json)
    patchbay.click(edit, user=FRANK)
    assert "Only the proposer" in patchbay.said_to(FRANK)
    # Once approved, nobody edits it.
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).values(state="approved"))
    patchbay.click(edit, user=BOB)
    assert "can no longer be edited" in patchbay.said_to(BOB)


def test_cap_on_integrations_in_flight_is_shown_on_the_card(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    ids = [
        add_proposal(patchbay.sessions, tools["HubSpot"], tools["Zendesk"], data_kinds=[f"{k}"])
        for k in ("contacts", "deals", "leads", "tickets", "tasks", "invoices")
    ]
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).where(Integration.id.in_(ids[:5])).values(state="approved"))
    text = str(patchbay.command(f"show {ids[5]}", user=BOB).json["blocks"])
    assert "cap reached (5 of 5 integrations in flight)" in text


def test_plan_is_posted_and_the_csv_export_has_every_row(patchbay: Patchbay, tools: dict[str, int]) -> None:
    ids = [
        add_proposal(
            patchbay.sessions, tools["Salesforce"], tools["Asana"], title=f"Plan {i}", impact=str(1 + i % 5)
        )
        for i in range(30)
    ]
    reply = patchbay.command("plan", user=ALICE).json
    assert reply["response_type"] == "in_channel"
    assert "30 integrations" in str(reply["blocks"]) and "5 more" in str(reply["blocks"])
    from commands.plan import plan_csv

    with patchbay.sessions() as session:
        rows = list(csv.DictReader(io.StringIO(plan_csv(session=session))))
    assert sorted(int(r["id"]) for r in rows) == sorted(ids)
    first = rows[0]
    assert first["method"] == "iPaaS: Zapier" and first["status"] == "Proposed" and first["owner"] == BOB
    assert int(first["score"]) == max(int(r["score"]) for r in rows)


def test_register_a_missing_tool_without_losing_the_form(patchbay: Patchbay, tools: dict[str, int]) -> None:
    patchbay.command("propose", user=BOB)
    proposal_view = patchbay.last_view()
    button = next(b for b in proposal_view["blocks"] if b.get("block_id") == "missing_tool")["elements"][0]
    patchbay.click(button, user=BOB, view=proposal_view)
    pushed = patchbay.slack.calls_to("views.push")[-1].args
    assert pushed["view"]["callback_id"] == "tool_add"
    reply = patchbay.submit(patchbay.last_view(), {"name": "Jira", "category": "engineering"}, user=BOB)
    assert reply.body == ""  # closes only the pushed modal: the proposal form stays as typed
    names = [
        o["text"]["text"]
        for o in patchbay.suggest(proposal_view, "target_tool_id", "ji", user=BOB).json["options"]
    ]
    assert names == ["Jira"]


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def test_a_blank_monthly_cost_is_zero_and_zero_is_shown_as_zero_on_every_later_form(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    assert propose(patchbay, proposal_values(tools["Salesforce"], tools["Asana"], monthly_cost="")).body == ""
    with patchbay.sessions() as session:
        first = session.scalars(select(Integration)).one()
        assert first.monthly_cost == Decimal(0)
    # Edit shows the 0 and saves it unchanged.
    card = patchbay.command(f"show {first.id}", user=BOB).json
    edit = next(e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"])
    patchbay.click(edit, user=BOB)
    view = patchbay.last_view()
    assert inputs(view)["monthly_cost"]["initial_value"] == "0"
    assert patchbay.submit(view, {"title": "Won deals start onboarding"}, user=BOB).body == ""
    # The "Save anyway" step after a similar-proposal warning keeps the 0 and saves.
    reply = propose(patchbay, proposal_values(tools["Salesforce"], tools["Asana"], monthly_cost="0"))
    assert reply.json["response_action"] == "update"
    assert inputs(reply.json["view"])["monthly_cost"]["initial_value"] == "0"
    assert patchbay.submit(reply.json["view"], {"confirm_similar": ["yes"]}, user=BOB).body == ""
    assert count(patchbay) == 2


def test_show_with_a_word_instead_of_a_number_says_so_without_a_field_name(patchbay: Patchbay) -> None:
    reply = patchbay.command("show abc", user=BOB).json
    assert reply["text"].startswith("Give the integration's number"), reply["text"]


def test_a_card_the_channel_refuses_tells_the_proposer_and_admins_once(
    patchbay: Patchbay, tools: dict[str, int], settings: Settings
) -> None:
    patchbay.slack.fail("chat.postMessage", error="not_in_channel")  # the card, first
    assert propose(patchbay, proposal_values(tools["Salesforce"], tools["Asana"])).body == ""

    def told(user: str) -> list[str]:
        channel = patchbay.slack.dm_channel(user)
        return [
            m.text
            for m in patchbay.slack.messages
            if m.channel == channel and "could not be posted" in m.text
        ]

    assert len(told(BOB)) == 1 and len(told(ALICE)) == 1
    assert "/invite @Patchbay" in told(BOB)[0] and "#1 Closed-won deals start onboarding" in told(BOB)[0]
    retry = Notifier(
        patchbay.sessions,
        SlackSender(make_client(settings), settings.policy, admins=lambda: {ALICE}),
    )
    patchbay.slack.fail("chat.postMessage", error="not_in_channel")
    assert retry.deliver(NOW).failed == 1
    assert len(told(BOB)) == 1 and len(told(ALICE)) == 1  # not again on the retry
    assert retry.deliver(NOW).sent == 1  # invited: the card goes out
    assert any(m.channel == "C0GOVERN" for m in patchbay.slack.messages)


def test_a_new_proposal_tells_the_owner_it_names_as_well_as_the_proposer(
    patchbay: Patchbay, tools: dict[str, int]
) -> None:
    values = proposal_values(tools["Salesforce"], tools["Asana"], owner_id=FRANK)
    assert propose(patchbay, values).body == ""
    to_frank = [m.text for m in patchbay.slack.messages if m.channel == patchbay.slack.dm_channel(FRANK)]
    assert to_frank == [
        f"<@{BOB}> proposed #1 Closed-won deals start onboarding with you as its owner. "
        "See it with `/patchbay show 1`."
    ]
    assert any(m.text.startswith("Proposed #1") for m in patchbay.slack.messages if m.channel.startswith("D"))
    # Proposing as your own owner: one DM, the confirmation.
    assert propose(patchbay, proposal_values(tools["HubSpot"], tools["Zendesk"])).body == ""
    assert not any("with you as its owner" in m.text for m in patchbay.slack.messages if "#2" in m.text)
