"""Retiring an integration through Slack: the teardown checklist, settled item by item, then retired."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import make_client
from bot.scheduling.jobs import review_sweep
from bot.settings import Settings
from storage.models import AuditEvent, TeardownItem, Tool
from tests.bot.test_workflow_e2e import ALL_CHECKS, GOVERNANCE, PASSING_REVIEW, card, press, state, thread
from tests.conftest import ALICE, BOB, CAROL, DAVE, ERIN, FRANK, START, Patchbay
from tests.factories import add_flow, add_tool, proposal_values

DAY = START - START.replace(day=START.day - 1)


def live_integration(patchbay: Patchbay) -> int:
    """A proposal taken to live through the card, its target tool owned by Frank, one flow it automates."""
    source = add_tool(patchbay.sessions, "Salesforce")
    target = add_tool(patchbay.sessions, "Asana", owner=FRANK)
    assert patchbay.open_and_submit("propose", proposal_values(source, target), user=BOB).body == ""
    press(patchbay, "Start security review", user=CAROL)
    assert patchbay.submit(patchbay.last_view(), PASSING_REVIEW, user=CAROL).body == ""
    press(patchbay, "Approve", user=DAVE)
    press(patchbay, "Approve", user=ERIN)
    press(patchbay, "Record sandbox test", user=BOB)
    assert patchbay.submit(patchbay.last_view(), {"checklist": ALL_CHECKS}, user=BOB).body == ""
    press(patchbay, "Deploy to production", user=BOB)
    assert state(patchbay) == "live"
    add_flow(patchbay.sessions, source, target, data="Won deals <urgent>", mode="automated", integration_id=1)
    return 1


def items(patchbay: Patchbay) -> list[TeardownItem]:
    with patchbay.sessions() as session:
        return list(session.scalars(select(TeardownItem).order_by(TeardownItem.position)))


def item_button(patchbay: Patchbay, position: int, label: str) -> dict[str, Any]:
    blocks = [
        b for b in card(patchbay).blocks if b["type"] == "actions" and b["block_id"].startswith("teardown_")
    ]
    wanted = f"teardown_{items(patchbay)[position].id}"
    block = next(b for b in blocks if b["block_id"] == wanted)
    return next(e for e in block["elements"] if e["text"]["text"] == label)


def click(patchbay: Patchbay, button: dict[str, Any], *, user: str) -> Any:
    return patchbay.click(button, user=user, channel=GOVERNANCE, message={"ts": card(patchbay).ts})


def teardown_events(patchbay: Patchbay) -> list[AuditEvent]:
    with patchbay.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action.like("teardown.%")).order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_retiring_from_the_card_opens_a_checklist_that_is_settled_until_it_is_retired(
    patchbay: Patchbay,
) -> None:
    live_integration(patchbay)
    press(patchbay, "Retire", user=BOB)
    assert state(patchbay) == "retiring"
    assert [i.kind for i in items(patchbay)] == [
        "automation_off",
        "revoke_credential",
        "delete_credential",
        "remove_webhooks",
        "tell_downstream",
        "archive_document",
    ]
    shown = str(card(patchbay).blocks)
    for words in (
        "Teardown*: 0 of 6 settled",
        "Turn it off in iPaaS: Zapier, between Salesforce and Asana",
        "Revoke the OAuth named in its security review (scopes: deals.read, projects.write)",
        "A vault or secrets manager",
        f"Tell <@{FRANK}>",
        "Done by hand again: Won deals &lt;urgent&gt;",
        "/patchbay doc 1",
    ):
        assert words in shown, words
    assert "Retire" not in [
        e["text"]["text"]
        for b in card(patchbay).blocks
        if b.get("block_id") == "steps"
        for e in b["elements"]
    ]

    home = str(patchbay.slack.calls_to("views.publish")[-1].args["view"])
    assert "finish its teardown (6 left)" in home

    # Only the owner or an admin settles items.
    click(patchbay, item_button(patchbay, 0, "Done"), user=FRANK)
    assert "Only the owner" in patchbay.responses()[-1]["text"]
    assert teardown_events(patchbay) == []

    # A double click settles once.
    done = item_button(patchbay, 0, "Done")
    click(patchbay, done, user=BOB)
    click(patchbay, done, user=BOB)
    assert len(teardown_events(patchbay)) == 1
    assert "already settled" in patchbay.responses()[-1]["text"]

    # Not applicable needs a reason, never a secret, and the reason reaches Slack escaped.
    click(patchbay, item_button(patchbay, 3, "Not applicable"), user=BOB)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "teardown_not_applicable"
    assert "Say why" in patchbay.submit(modal, {"reason": ""}, user=BOB).json["errors"]["reason"]
    token = "xoxb-123456789012-abcdefghijklmnop"
    assert "vault" in patchbay.submit(modal, {"reason": f"uses {token}"}, user=BOB).json["errors"]["reason"]
    assert patchbay.submit(modal, {"reason": "Zapier polls <!channel> & never hooked"}, user=BOB).body == ""
    assert "never hooked" in str(card(patchbay).blocks)
    assert "&lt;!channel&gt; &amp; never hooked" in str(card(patchbay).blocks)
    assert "<!channel>" not in str(card(patchbay).blocks)

    for position in (1, 2, 4):
        click(patchbay, item_button(patchbay, position, "Done"), user=BOB)
        assert state(patchbay) == "retiring"
    click(patchbay, item_button(patchbay, 5, "Done"), user=ALICE)  # an admin may settle too
    assert state(patchbay) == "retired"
    assert "is retired" in patchbay.responses()[-1]["text"]
    assert "Teardown*: 6 of 6 settled" in str(card(patchbay).blocks)
    assert not [b for b in card(patchbay).blocks if b.get("block_id", "").startswith("teardown_")]

    events = teardown_events(patchbay)
    assert [e.action for e in events].count("teardown.done") == 5
    [not_applicable] = [e for e in events if e.action == "teardown.not_applicable"]
    assert not_applicable.after == {"item": "remove_webhooks", "status": "not_applicable"}
    assert not_applicable.note == "Zapier polls <!channel> & never hooked"
    assert any("settled the last teardown item" in t and "*Retired*" in t for t in thread(patchbay))
    assert any("marked not applicable: Remove its webhooks" in t for t in thread(patchbay))

    document = str(patchbay.command("doc 1", user=BOB).json)
    assert "Teardown" in document and "Remove its webhooks: not applicable" in document
    assert "&lt;!channel&gt; &amp; never hooked" in document

    history = patchbay.command("history 1", user=BOB)
    assert "started retiring it" in str(history.json) and "ticked a teardown item" in str(history.json)
    assert "settled the last teardown item" in str(history.json)


def test_an_open_teardown_is_nudged_then_escalated(patchbay: Patchbay, settings: Settings) -> None:
    live_integration(patchbay)
    press(patchbay, "Retire", user=BOB)
    sweep = review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    sweep.run(START + 2 * DAY)
    assert not any("finish the teardown" in t for t in thread(patchbay))
    sweep.run(START + 3 * DAY)
    sweep.run(START + 4 * DAY)
    nudges = [t for t in thread(patchbay) if "finish the teardown" in t]
    assert nudges == [":hourglass: Waiting 3 days for the owner to finish the teardown."]
    sweep.run(START + 7 * DAY)
    sweep.run(START + 8 * DAY)
    escalations = [
        m.text
        for m in patchbay.slack.messages
        if m.channel == GOVERNANCE and m.thread_ts is None and "finish the teardown" in m.text
    ]
    assert len(escalations) == 1 and f"<@{ALICE}>" in escalations[0]


def tool_buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_retiring_a_tool_shows_what_depends_on_it_and_retires_them_together(patchbay: Patchbay) -> None:
    live_integration(patchbay)
    card_blocks = patchbay.command("tool Salesforce", user=BOB).json["blocks"]
    retire = tool_buttons(card_blocks)["tool_retire"]

    patchbay.click(retire, user=BOB)
    offer = patchbay.responses()[-1]
    assert offer["replace_original"] is False
    shown = str(offer["blocks"])
    assert "1 live or in-flight integration depends on it" in shown
    assert f"#1 Closed-won deals start onboarding · Live · owner <@{BOB}>" in shown
    with patchbay.sessions() as session:
        assert session.scalars(select(Tool).where(Tool.name == "Salesforce")).one().retired_at is None
    assert state(patchbay) == "live"

    everything = tool_buttons(offer["blocks"])["tool_retire_with_dependents"]
    patchbay.click(everything, user=FRANK)  # owns the other tool, not this one
    assert "Only" in patchbay.responses()[-1]["text"]
    assert state(patchbay) == "live"

    patchbay.click(everything, user=BOB)
    patchbay.click(everything, user=BOB)  # a double click retires once
    assert "Salesforce is retired. Teardown started for #1." in patchbay.responses()[-2]["text"]
    assert state(patchbay) == "retiring" and len(items(patchbay)) == 6
    with patchbay.sessions() as session:
        assert session.scalars(select(Tool).where(Tool.name == "Salesforce")).one().retired_at is not None
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("tool.retired") == 1 and actions.count("integration.retire") == 1
    assert any("Salesforce is being retired." in t for t in thread(patchbay))


def test_a_tool_with_dependents_owned_by_others_needs_their_owner_or_an_admin(patchbay: Patchbay) -> None:
    live_integration(patchbay)
    asana = tool_buttons(patchbay.command("tool Asana", user=FRANK).json["blocks"])["tool_retire"]
    patchbay.click(asana, user=FRANK)
    everything = tool_buttons(patchbay.responses()[-1]["blocks"])["tool_retire_with_dependents"]
    patchbay.click(everything, user=FRANK)
    assert f"#1 (<@{BOB}>)" in patchbay.responses()[-1]["text"]
    assert state(patchbay) == "live"
    patchbay.click(everything, user=ALICE)
    assert state(patchbay) == "retiring"
