"""A tool's history through signed requests: `/patchbay history NAME` and the card's History button
show each audited change of the tool (registered, assessed, edited, renewal reminders and answers,
renewed automatically, replaced, owner changed, retired) with who and when, escaped, paged when long."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.app import make_client
from bot.scheduling.jobs import renewal_reminders
from bot.settings import Settings
from commands.actor import Actor
from commands.tools import ToolDraft, update_tool
from storage.db import session_scope
from tests.bot.test_assessment_e2e import register, tool_id
from tests.bot.test_renewals_e2e import buttons, reminders
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay
from tests.factories import add_tool

DAY = timedelta(days=1)
NAME = "Sales <force>"


def card_button(patchbay: Patchbay, name: str, label: str, *, user: str) -> dict[str, Any]:
    card = patchbay.command(f"tool {name}", user=user).json
    return next(
        e
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == label
    )


def lines(blocks: list[dict[str, Any]]) -> list[str]:
    """The history's entries, one line each (notes folded into their entry)."""
    text = "\n".join(b["text"]["text"] for b in blocks[1:] if b["type"] == "section")
    return [line for line in text.split("\n") if line.startswith("`")]


def test_a_tools_history_shows_every_change_with_who_and_when(patchbay: Patchbay, settings: Settings) -> None:
    add_tool(patchbay.sessions, "Asana", owner=FRANK, category="project")
    values = {"name": NAME, "category": "crm", "owner_id": BOB, "renews_on": "2027-02-02"}
    assessment = register(patchbay, values, user=BOB)
    assert patchbay.submit(assessment, {}, user=BOB).body == ""  # skips the assessment

    patchbay.clock.set(START + 2 * DAY)
    patchbay.click(card_button(patchbay, NAME, "Edit", user=BOB), user=BOB)
    edited = {**values, "notes": "Our CRM <main>", "auto_renews": ["yes"]}
    assert patchbay.submit(patchbay.last_view(), edited, user=BOB).body == ""

    # Nobody answers the reminders: it renews automatically; the next year it is replaced.
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    for days in (10, 40, 71, 375):
        assert remind(START + days * DAY) == 1
    patchbay.clock.set(START + 376 * DAY)
    patchbay.click(
        buttons(reminders(patchbay)[-1])["Replace"], user=BOB, channel=patchbay.slack.dm_channel(BOB)
    )
    assert patchbay.submit(patchbay.last_view(), {"successor_name": "Pipe <drive>"}, user=BOB).body == ""

    patchbay.clock.set(START + 380 * DAY)
    patchbay.click(card_button(patchbay, NAME, "Change owner", user=BOB), user=BOB)
    assert patchbay.submit(patchbay.last_view(), {"owner_id": FRANK}, user=BOB).body == ""
    patchbay.clock.set(START + 381 * DAY)
    patchbay.click(card_button(patchbay, NAME, "Retire", user=ALICE), user=ALICE)

    reply = patchbay.command("history sales <FORCE>", user=FRANK).json  # anyone; name as typed
    assert reply["text"] == "History of Sales &lt;force&gt;"
    assert reply["blocks"][0]["text"]["text"] == "*History of Sales &lt;force&gt;*  _(retired)_"
    assert lines(reply["blocks"]) == [
        f"`2026-11-24 10:00` <@{BOB}> registered it",
        f"`2026-11-24 10:00` <@{BOB}> skipped saying which tools it shares data with",
        f"`2026-11-26 10:00` <@{BOB}> edited it (notes, automatic renewal)",
        "`2026-12-04 10:00` Patchbay reminded its owner of the renewal of Feb 2, 2027 (60 days before)",
        "`2027-01-03 10:00` Patchbay reminded its owner of the renewal of Feb 2, 2027 (30 days before)",
        "`2027-02-03 10:00` Patchbay renewed it automatically, as nobody had answered: it renews next on"
        " Feb 2, 2028",
        "`2027-12-04 10:00` Patchbay reminded its owner of the renewal of Feb 2, 2028 (60 days before)",
        f"`2027-12-05 10:00` <@{BOB}> answered the renewal of Feb 2, 2028: replaced",
        f"`2027-12-05 10:00` <@{BOB}> recorded what replaces it: Pipe &lt;drive&gt;",
        f"`2027-12-09 10:00` <@{BOB}> handed it to <@{FRANK}>",
        f"`2027-12-10 10:00` <@{ALICE}> retired it",
    ]
    assert "11 changes in all, from the audit log." in str(reply["blocks"])
    assert "Page 1" not in str(reply["blocks"])

    # The successor has a history of its own; the card's History button shows the same as the command.
    successor = lines(patchbay.command("history Pipe <drive>", user=BOB).json["blocks"])
    assert successor == [f"`2027-12-05 10:00` <@{BOB}> registered it"]
    patchbay.click(card_button(patchbay, NAME, "History", user=FRANK), user=FRANK)
    shown = patchbay.responses()[-1]
    assert shown["replace_original"] is False and lines(shown["blocks"]) == lines(reply["blocks"])


def test_a_name_that_matches_no_tool_or_nothing_typed_gets_one_clear_line(patchbay: Patchbay) -> None:
    add_tool(patchbay.sessions, "Salesforce")
    reply = patchbay.command("history Nope <x>", user=BOB).json
    assert reply["response_type"] == "ephemeral" and "blocks" not in reply
    assert "No tool called Nope &lt;x&gt; is registered." in reply["text"]
    assert "Did you mean Salesforce?" in patchbay.command("history sales", user=BOB).json["text"]
    blank = patchbay.command("history", user=BOB).json["text"]
    assert "Give an integration's number or a tool's name" in blank
    assert "History of #" not in str(patchbay.command("history #999", user=BOB).json)


def test_a_long_history_is_paged_forty_changes_at_a_time(patchbay: Patchbay) -> None:
    tool = add_tool(patchbay.sessions, "Notion", category="other")
    for n in range(44):
        with session_scope(patchbay.sessions) as session:
            draft = ToolDraft.parse(
                {"name": "Notion", "category": "other", "owner_id": BOB, "notes": f"edit {n}"}
            )
            update_tool(session=session, actor=Actor(user_id=BOB), tool_id=tool, draft=draft, now=START)
    first = patchbay.command("history notion", user=BOB).json["blocks"]
    assert len(lines(first)) == 40 and "registered it" in lines(first)[0]
    assert "45 changes in all" in str(first) and "Page 1 of 2" in str(first)
    assert len([b for b in first if b["type"] == "section"]) == 3  # a heading and 20 changes to a section
    following = first[-1]["elements"]
    assert [e["text"]["text"] for e in following] == ["Next"]
    patchbay.click(following[0], user=BOB)
    second = patchbay.responses()[-1]
    assert second["replace_original"] is True
    assert len(lines(second["blocks"])) == 5 and "Page 2 of 2" in str(second["blocks"])
    assert all(re.search(r"edited it \(notes\)$", line) for line in lines(second["blocks"]))
    back = second["blocks"][-1]["elements"]
    assert [e["text"]["text"] for e in back] == ["Previous"]
    patchbay.click(back[0], user=BOB)
    assert lines(patchbay.responses()[-1]["blocks"]) == lines(first)
    assert tool_id(patchbay, "Notion") == tool
