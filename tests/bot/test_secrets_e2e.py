"""Every secret shape, pasted into every free-text field of every modal: refused at that field.

Through signed requests into the running app; nothing is stored (the database check after each
test looks for every planted secret) and nothing is logged (checked after the whole run).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import make_client
from bot.jobs import review_sweep
from bot.settings import Settings
from storage.models import Flow, Integration, Tool
from tests.bot.test_reviews_e2e import go_live
from tests.conftest import ALICE, BOB, CAROL, DAVE, START, Patchbay
from tests.factories import add_proposal, add_tool, proposal_values, set_state
from tests.planted import SHAPES, needles, single_line

PASSING_REVIEW = {
    "scopes": "deals.read - read won deals",
    "access_level": "read_only",
    "credential_type": "oauth",
    "credential_storage": "vault",
    "data_classes": ["none"],
    "attestations": [],
    "encrypted_in_transit": "yes",
    "encrypted_at_rest": "yes",
    "rotation_days": "90",
    "outcome": "pass",
    "notes": "",
}


def _typed(view: dict[str, Any], field: str, secret: str) -> str:
    """The secret as a person would paste it: one line unless the input is multiline."""
    block = next(b for b in view["blocks"] if b.get("block_id") == field)
    text = secret if block["element"].get("multiline") else single_line(secret)
    return {"mapping": f"Key -> {single_line(secret)}", "scopes": f"deals.read - {single_line(secret)}"}.get(
        field, text
    )


def refused_at_each_field(patchbay: Patchbay, fields: list[str], good: dict[str, Any], *, user: str) -> None:
    view = patchbay.last_view()
    for field in fields:
        for kind, secret in SHAPES.items():
            reply = patchbay.submit(view, {**good, field: _typed(view, field, secret)}, user=user)
            assert reply.status == 200 and reply.body, (field, kind)
            errors = reply.json["errors"]
            assert "vault" in errors.get(field, ""), (field, kind, errors)
            assert not any(n in reply.body for n in needles())


def card_button(patchbay: Patchbay, integration_id: int, label: str, *, user: str) -> dict[str, Any]:
    blocks = patchbay.command(f"show {integration_id}", user=user).json["blocks"]
    return next(
        e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["text"]["text"] == label
    )


def test_tool_and_flow_modals(patchbay: Patchbay) -> None:
    tool = {"name": "HubSpot", "category": "crm", "owner_id": BOB, "vendor_url": "", "notes": ""}
    patchbay.command("tool add", user=ALICE)
    refused_at_each_field(patchbay, ["name", "data_other", "vendor_url", "notes"], tool, user=ALICE)
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    flow = {
        "source_tool_id": str(source),
        "target_tool_id": str(target),
        "data": "Won deals",
        "data_kinds": ["deals"],
        "mode": "manual",
        "times_per_week": "5",
        "minutes_each": "20",
        "done_by": BOB,
    }
    patchbay.command("flow add", user=BOB)
    refused_at_each_field(patchbay, ["data"], flow, user=BOB)
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Flow)) == 0
        assert session.scalar(select(func.count()).select_from(Tool)) == 2


def test_proposal_modal(patchbay: Patchbay) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    patchbay.command("propose", user=BOB)
    fields = ["title", "purpose", "trigger", "actions", "mapping", "source_of_truth", "method_reason"]
    refused_at_each_field(patchbay, fields, proposal_values(source, target), user=BOB)
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Integration)) == 0


def test_lifecycle_modals(patchbay: Patchbay) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    integration = add_proposal(patchbay.sessions, source, target)
    set_state(patchbay.sessions, integration, "security_review")
    patchbay.click(card_button(patchbay, integration, "Security review", user=CAROL), user=CAROL)
    refused_at_each_field(patchbay, ["scopes", "notes"], PASSING_REVIEW, user=CAROL)
    patchbay.click(card_button(patchbay, integration, "Reject", user=DAVE), user=DAVE)
    refused_at_each_field(patchbay, ["reason"], {"reason": "Duplicate"}, user=DAVE)
    set_state(patchbay.sessions, integration, "approved")
    patchbay.click(card_button(patchbay, integration, "Record sandbox test", user=BOB), user=BOB)
    checks = ["crud", "api_down", "bad_data", "errors_logged", "alerting"]
    refused_at_each_field(patchbay, ["notes"], {"checklist": checks, "notes": ""}, user=BOB)
    set_state(patchbay.sessions, integration, "live")
    patchbay.click(card_button(patchbay, integration, "Change scopes or data", user=BOB), user=BOB)
    refused_at_each_field(patchbay, ["scopes"], {"data_classes": ["none"]}, user=BOB)
    patchbay.click(card_button(patchbay, integration, "Suspend", user=BOB), user=BOB)
    refused_at_each_field(patchbay, ["reason"], {"reason": "API changed"}, user=BOB)
    assert patchbay.command(f"show {integration}", user=BOB).status == 200
    with patchbay.sessions() as session:
        row = session.get(Integration, integration)
        assert row is not None and row.state == "live"


def test_quarterly_review_answer(patchbay: Patchbay, settings: Settings) -> None:
    go_live(patchbay)
    sweep = review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    sweep.run(START + timedelta(days=90))
    reply = next(m for m in patchbay.slack.messages if m.thread_ts and "Keep" in str(m.blocks))
    keep = next(
        e
        for b in reply.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Keep"
    )
    patchbay.click(keep, user=BOB, channel=reply.channel, message={"ts": reply.ts})
    good = {"still_serves": "yes", "data_quality_ok": "yes"}
    refused_at_each_field(patchbay, ["incidents", "notes"], good, user=BOB)


@pytest.mark.parametrize("command", ["tool {}", "tools {}", "impact {}", "map {}", "show {}", "{}"])
def test_slash_commands_refuse_a_pasted_secret_without_echoing_it(patchbay: Patchbay, command: str) -> None:
    for kind, secret in SHAPES.items():
        reply = patchbay.command(command.format(single_line(secret)), user=BOB)
        assert reply.status == 200 and "vault" in reply.body, kind
        assert not any(n in reply.body for n in needles())
    assert [c.method for c in patchbay.slack.calls if c.method != "auth.test"] == []
