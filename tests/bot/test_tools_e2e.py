"""The tool registry through signed Slack requests: modal in, rows and Slack calls out."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import AuditEvent, Tool
from tests.conftest import ALICE, BOB, FRANK, Patchbay

HUBSPOT = {
    "name": "HubSpot",
    "category": "crm",
    "owner_id": BOB,
    "data_kinds": ["contacts", "deals"],
    "integration_options": ["rest_api", "webhooks"],
    "vendor_url": "https://www.hubspot.com",
    "monthly_cost": "450",
    "notes": "Marketing & sales <CRM>",
}


def count_tools(patchbay: Patchbay) -> int:
    with patchbay.sessions() as session:
        return session.scalar(select(func.count()).select_from(Tool)) or 0


def test_tool_add_opens_a_modal_prefilled_with_the_name_and_the_asker_as_owner(patchbay: Patchbay) -> None:
    reply = patchbay.command("tool add HubSpot", user=BOB)
    assert reply.status == 200
    view = patchbay.last_view()
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert blocks["name"]["element"]["initial_value"] == "HubSpot"
    assert blocks["owner_id"]["element"]["initial_user"] == BOB
    labels = [o["text"]["text"] for o in blocks["category"]["element"]["options"]]
    assert labels[:3] == ["CRM", "Marketing automation", "Support"]


def test_registering_a_tool_stores_it_audits_it_and_confirms(patchbay: Patchbay) -> None:
    reply = patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE)
    assert reply.status == 200 and reply.body == ""
    with patchbay.sessions() as session:
        tool = session.scalars(select(Tool)).one()
        assert (tool.name, tool.category, tool.owner_id) == ("HubSpot", "crm", BOB)
        assert tool.data_kinds == ["contacts", "deals"]
        assert str(tool.monthly_cost) == "450.00"
        event = session.scalars(select(AuditEvent)).one()
        assert (event.actor_id, event.action, event.entity_id) == (ALICE, "tool.registered", tool.id)
        assert event.after and event.after["name"] == "HubSpot"
    dm = patchbay.slack.calls_to("chat.postMessage")[-1].args
    assert dm["channel"] == ALICE and "HubSpot" in dm["text"]


def test_duplicate_name_is_refused_at_the_name_field_ignoring_case_and_spaces(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE)
    reply = patchbay.open_and_submit("tool add", {**HUBSPOT, "name": "hub spot"}, user=ALICE)
    assert reply.json["response_action"] == "errors"
    assert "already in the registry" in reply.json["errors"]["name"]
    assert count_tools(patchbay) == 1


def test_a_failed_confirmation_after_the_save_says_what_was_saved(patchbay: Patchbay) -> None:
    patchbay.slack.fail("chat.postMessage", error="channel_not_found")  # the confirmation DM
    assert patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE).body == ""
    told = patchbay.slack.calls_to("chat.postMessage")[-1].args
    assert told["channel"] == ALICE
    assert told["text"].startswith("Saved HubSpot; but we could not finish what comes after it (error ")
    assert "no need to do it again" in told["text"] and "Nothing was saved" not in told["text"]
    assert count_tools(patchbay) == 1


def test_a_taken_name_and_a_bad_url_are_reported_in_one_pass(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", HUBSPOT, user=ALICE)
    bad = {**HUBSPOT, "vendor_url": "hubspot dot com"}
    errors = patchbay.open_and_submit("tool add", bad, user=ALICE).json["errors"]
    assert set(errors) == {"name", "vendor_url"}
    assert "already in the registry" in errors["name"] and "https://" in errors["vendor_url"]
    assert count_tools(patchbay) == 1


def test_bad_fields_are_refused_where_they_were_typed_and_nothing_is_stored(patchbay: Patchbay) -> None:
    reply = patchbay.open_and_submit(
        "tool add",
        {**HUBSPOT, "vendor_url": "hubspot dot com", "monthly_cost": "-5", "notes": "x" * 2001},
        user=ALICE,
    )
    errors = reply.json["errors"]
    assert "https://" in errors["vendor_url"]
    assert "negative" in errors["monthly_cost"]
    assert "2000" in errors["notes"]
    assert count_tools(patchbay) == 0


def test_a_pasted_credential_is_refused_and_never_stored_or_logged(patchbay: Patchbay, caplog) -> None:  # type: ignore[no-untyped-def]
    token = "xoxb-123456789012-abcdefghijklmnop"
    reply = patchbay.open_and_submit("tool add", {**HUBSPOT, "notes": f"token {token}"}, user=ALICE)
    assert "vault" in reply.json["errors"]["notes"]
    reply = patchbay.open_and_submit(
        "tool add", {**HUBSPOT, "data_other": "AKIAABCDEFGHIJKLMNOP"}, user=ALICE
    )
    assert "AWS" in reply.json["errors"]["data_other"]
    assert count_tools(patchbay) == 0
    assert token not in caplog.text


def test_tool_card_escapes_user_text(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", {**HUBSPOT, "name": "Evil <!channel>"}, user=ALICE)
    reply = patchbay.command("tool Evil <!channel>", user=BOB)
    card = reply.json["blocks"][0]["text"]["text"]
    assert "<!channel>" not in card and "&lt;!channel&gt;" in card


def test_only_owner_or_admin_may_edit_retire_or_hand_over(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", HUBSPOT, user=BOB)
    card = patchbay.command("tool hubspot", user=FRANK).json
    buttons = {e["action_id"]: e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]}
    views_before = len(patchbay.slack.calls_to("views.open"))
    patchbay.click(buttons["tool_edit"], user=FRANK)
    patchbay.click(buttons["tool_retire"], user=FRANK)
    assert len(patchbay.slack.calls_to("views.open")) == views_before
    refusals = [seen.text for seen in patchbay.seen(FRANK)[1:]]  # after the card
    assert len(refusals) == 2 and all(f"<@{BOB}>" in text for text in refusals)
    with patchbay.sessions() as session:
        assert session.scalars(select(Tool)).one().retired_at is None

    patchbay.click(buttons["tool_retire"], user=ALICE)
    with patchbay.sessions() as session:
        assert session.scalars(select(Tool)).one().retired_at is not None
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions == ["tool.registered", "tool.retired"]


def test_owner_edits_the_tool_through_the_prefilled_modal(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", HUBSPOT, user=BOB)
    card = patchbay.command("tool HubSpot", user=BOB).json
    edit = next(
        e
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "tool_edit"
    )
    patchbay.click(edit, user=BOB)
    view = patchbay.last_view()
    assert view["callback_id"] == "tool_edit"
    reply = patchbay.submit(view, {"monthly_cost": "500"}, user=BOB)
    assert reply.body == ""
    with patchbay.sessions() as session:
        tool = session.scalars(select(Tool)).one()
        assert str(tool.monthly_cost) == "500.00" and tool.name == "HubSpot"
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.action == "tool.updated"
        assert event.before and event.after
        assert (event.before["monthly_cost"], event.after["monthly_cost"]) == ("450.00", "500.00")


def test_change_owner_tells_the_new_owner(patchbay: Patchbay) -> None:
    patchbay.open_and_submit("tool add", HUBSPOT, user=BOB)
    card = patchbay.command("tool HubSpot", user=BOB).json
    owner = next(
        e
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "tool_owner"
    )
    patchbay.click(owner, user=BOB)
    patchbay.submit(patchbay.last_view(), {"owner_id": FRANK}, user=BOB)
    with patchbay.sessions() as session:
        assert session.scalars(select(Tool)).one().owner_id == FRANK
    assert patchbay.slack.calls_to("chat.postMessage")[-1].args["channel"] == FRANK


def test_tools_list_filters_and_pages(patchbay: Patchbay) -> None:
    for i in range(20):
        patchbay.open_and_submit(
            "tool add",
            {
                **HUBSPOT,
                "name": f"Tool {i:02d}",
                "category": "crm" if i % 2 else "support",
                "owner_id": BOB if i < 5 else ALICE,
            },
            user=ALICE,
        )
    listing = patchbay.command("tools", user=BOB).json
    assert "*20 tools*" in listing["blocks"][0]["text"]["text"]
    assert "Page 1 of 2" in str(listing["blocks"])
    assert "*10 tools*" in patchbay.command("tools crm", user=BOB).json["blocks"][0]["text"]["text"]
    mine = patchbay.command(f"tools <@{BOB}|bob>", user=BOB).json
    assert "*5 tools*" in mine["blocks"][0]["text"]["text"]
    assert "*1 tool*" in patchbay.command("tools tool 07", user=BOB).json["blocks"][0]["text"]["text"]
    nxt = listing["blocks"][-1]["elements"][0]
    assert nxt["action_id"] == "tools_next"
    patchbay.click(nxt, user=BOB)
    page2 = patchbay.responses()[-1]
    assert page2["replace_original"] is True and "Page 2 of 2" in str(page2["blocks"])


def test_unknown_tool_says_so(patchbay: Patchbay) -> None:
    reply = patchbay.command("tool Nope", user=BOB)
    assert reply.json["response_type"] == "ephemeral"
    assert "No tool called Nope" in reply.json["text"]
