"""Tool renewals through signed requests: the date in the tool modal, reminders at 60 and 30 days on a
controllable clock, each answer's effect (Renew, Replace, Drop), and `/patchbay renewals`."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from bot.app import make_client
from bot.documents import markdown
from bot.playground.localslack import Message
from bot.scheduling.jobs import renewal_reminders
from bot.settings import Settings
from commands.documents import integration_document
from storage.db import session_scope
from storage.models import AuditEvent, Integration, RenewalNotice, TeardownItem, Tool
from tests.bot.test_home_e2e import open_home
from tests.bot.test_teardown_e2e import live_integration
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay
from tests.factories import add_tool

DAY = timedelta(days=1)
RENEWS = (START + 70 * DAY).date()  # Feb 2, 2027


def set_renewal(patchbay: Patchbay, name: str, renews_on: date, *, auto: bool = False) -> None:
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Tool).where(Tool.name == name).values(renews_on=renews_on, auto_renews=auto))


def reminders(patchbay: Patchbay) -> list[Message]:
    return [
        m for m in patchbay.slack.messages if "up for renewal" in m.text or "renews automatically" in m.text
    ]


def buttons(message: Message) -> dict[str, dict[str, Any]]:
    return {e["text"]["text"]: e for b in message.blocks if b["type"] == "actions" for e in b["elements"]}


def audit(patchbay: Patchbay, action: str) -> list[AuditEvent]:
    with patchbay.sessions() as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def tool(patchbay: Patchbay, name: str) -> Tool:
    with patchbay.sessions() as session:
        return session.scalars(select(Tool).where(Tool.name == name)).one()


def test_the_tool_modal_takes_a_renewal_date_and_refuses_bad_input_at_each_field(patchbay: Patchbay) -> None:
    values = {"name": "HubSpot", "category": "crm", "owner_id": BOB}
    reply = patchbay.open_and_submit(
        "tool add", {**values, "renews_on": "next spring", "auto_renews": ["maybe"]}, user=BOB
    )
    assert reply.json["errors"] == {
        "renews_on": "Pick a date.",
        "auto_renews": "Pick one of the listed options.",
    }
    reply = patchbay.open_and_submit("tool add", {**values, "renews_on": "1999-12-31"}, user=BOB)
    assert reply.json["errors"] == {"renews_on": "Pick a date between 2000 and 2099."}
    reply = patchbay.open_and_submit(
        "tool add", {**values, "renews_on": "2027-02-02", "auto_renews": ["yes"]}, user=BOB
    )
    assert reply.body == ""
    added = tool(patchbay, "HubSpot")
    assert (added.renews_on, added.auto_renews) == (date(2027, 2, 2), True)
    card = str(patchbay.command("tool HubSpot", user=BOB).json["blocks"])
    assert "*Renewal:* renews automatically on Feb 2, 2027" in card
    home = str(open_home(patchbay, BOB)["blocks"])
    assert "• HubSpot  ·  CRM  ·  renews automatically on Feb 2, 2027" in home

    edit = next(
        e
        for b in patchbay.command("tool HubSpot", user=BOB).json["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "tool_edit"
    )
    patchbay.click(edit, user=BOB)
    modal = patchbay.last_view()
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["renews_on"]["initial_date"] == "2027-02-02"
    assert [o["value"] for o in inputs["auto_renews"]["initial_options"]] == ["yes"]
    assert patchbay.submit(modal, {"renews_on": None, "auto_renews": []}, user=BOB).body == ""
    edited = tool(patchbay, "HubSpot")
    assert (edited.renews_on, edited.auto_renews) == (None, False)
    [changed] = audit(patchbay, "tool.updated")
    assert changed.before and changed.before["renews_on"] == "2027-02-02"


def test_reminders_go_out_at_60_and_30_days_once_whatever_the_replicas_and_reruns(
    patchbay: Patchbay, settings: Settings
) -> None:
    live_integration(patchbay)  # Salesforce (Bob) -> Asana (Frank), live, automating "Won deals <urgent>"
    set_renewal(patchbay, "Salesforce", RENEWS)
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START + 9 * DAY) == 0  # 61 days before
    assert reminders(patchbay) == []

    # Three replicas run the daily job at the same moment, and it runs again later that day.
    made: list[int] = []
    replicas = [
        threading.Thread(
            target=lambda: made.append(
                renewal_reminders(
                    settings=settings, sessions=patchbay.sessions, client=make_client(settings)
                )(START + 10 * DAY)
            )
        )
        for _ in range(3)
    ]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join()
    assert sorted(made) == [0, 0, 1]
    assert remind(START + 10 * DAY + timedelta(hours=5)) == 0
    assert remind(START + 20 * DAY) == 0
    [first] = reminders(patchbay)
    assert first.channel == patchbay.slack.dm_channel(BOB)
    shown = str(first.blocks)
    for words in (
        "*Salesforce* is up for renewal on *Feb 2, 2027* (in 60 days)",
        "*If we drop it:*",
        "#1 Closed-won deals start onboarding (to Asana, live) stops · owner <@U0BOB0002>",
        "Won deals &lt;urgent&gt;: Salesforce → Asana",
        f"*These people rely on it:* <@{FRANK}>",
        "*Savings at stake:* 3.00 hours a week",
    ):
        assert words in shown, words
    assert list(buttons(first)) == ["Renew", "Replace", "Drop"]

    assert remind(START + 40 * DAY) == 1  # 30 days before
    assert remind(START + 41 * DAY) == 0
    second = reminders(patchbay)[-1]
    assert len(reminders(patchbay)) == 2 and "(in 30 days)" in str(second.blocks)
    with patchbay.sessions() as session:
        notices = session.scalars(select(RenewalNotice).order_by(RenewalNotice.id)).all()
        assert [(n.days_before, n.renews_on) for n in notices] == [(60, RENEWS), (30, RENEWS)]
    assert [e.after for e in audit(patchbay, "tool.renewal_reminded")] == [
        {"renews_on": "2027-02-02", "days_before": 60},
        {"renews_on": "2027-02-02", "days_before": 30},
    ]


def remind_once(patchbay: Patchbay, settings: Settings, at_days: int = 10) -> Message:
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START + at_days * DAY) == 1
    return reminders(patchbay)[-1]


def test_renew_records_the_next_date_for_the_owner_or_an_admin_only_and_once(
    patchbay: Patchbay, settings: Settings
) -> None:
    add_tool(patchbay.sessions, "Salesforce")
    set_renewal(patchbay, "Salesforce", RENEWS, auto=True)
    reminder = remind_once(patchbay, settings)
    assert "renews automatically on *Feb 2, 2027*" in str(reminder.blocks)
    assert "Nothing registered in Patchbay depends on it." in str(reminder.blocks)
    renew = buttons(reminder)["Renew"]

    patchbay.click(renew, user=FRANK, channel=reminder.channel)
    assert "Only Salesforce's owner <@U0BOB0002> or a Patchbay admin can answer its renewal." in str(
        patchbay.responses()
    )
    patchbay.click(renew, user=BOB, channel=reminder.channel)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "renew"
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["renews_on"]["initial_date"] == "2028-02-02"  # prefilled a year on

    assert patchbay.submit(modal, {"renews_on": ""}, user=BOB).json["errors"] == {
        "renews_on": "Pick the next renewal date."
    }
    assert (
        "Pick a date after Feb 2, 2027"
        in patchbay.submit(modal, {"renews_on": "2027-01-01"}, user=BOB).json["errors"]["renews_on"]
    )
    assert patchbay.submit(modal, {"renews_on": "2100-01-01"}, user=BOB).json["errors"] == {
        "renews_on": "Pick a date between 2000 and 2099."
    }
    assert audit(patchbay, "tool.renewed") == []

    for retry in (None, 1, 2):  # a double submit and Slack's retries save once
        reply = patchbay.submit(modal, {"auto_renews": []}, user=BOB, retry=retry)
        assert reply.status == 200
    assert "Renewed *Salesforce*: it renews next on Feb 2, 2028." in patchbay.said_to(BOB)
    renewed = tool(patchbay, "Salesforce")
    assert (renewed.renews_on, renewed.auto_renews) == (date(2028, 2, 2), False)
    [event] = audit(patchbay, "tool.renewed")
    assert (event.actor_id, event.before, event.after) == (
        BOB,
        {"renews_on": "2027-02-02", "auto_renews": True},
        {"renews_on": "2028-02-02", "auto_renews": False},
    )
    assert [e.after for e in audit(patchbay, "tool.renewal_answered")] == [
        {"renews_on": "2027-02-02", "answer": "renew"}
    ]

    patchbay.click(buttons(reminder)["Drop"], user=ALICE, channel=reminder.channel)
    assert "Salesforce's renewal was already answered by <@U0BOB0002>: renew." in str(patchbay.responses())
    assert tool(patchbay, "Salesforce").retired_at is None

    # The renewed date is reminded of in its turn, the old one never again.
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START + 40 * DAY) == 0
    assert remind(START + (365 + 10) * DAY) == 1


def test_drop_retires_the_tool_and_starts_the_teardown_of_what_depends_on_it_once(
    patchbay: Patchbay, settings: Settings
) -> None:
    live_integration(patchbay)
    set_renewal(patchbay, "Salesforce", RENEWS)
    reminder = remind_once(patchbay, settings)
    drop = buttons(reminder)["Drop"]
    assert (
        drop["confirm"]["text"]["text"] == "*Salesforce* is retired and 1 integration starts their teardown."
    )

    patchbay.click(drop, user=FRANK, channel=reminder.channel)
    assert tool(patchbay, "Salesforce").retired_at is None
    trigger = "drop-click"
    for retry in (None, 1):
        patchbay.click(drop, user=BOB, channel=reminder.channel, trigger=trigger, retry=retry)
    patchbay.click(drop, user=BOB, channel=reminder.channel)  # a second click
    patchbay.wait_idle()
    assert tool(patchbay, "Salesforce").retired_at is not None
    with patchbay.sessions() as session:
        assert session.get(Integration, 1).state == "retiring"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(TeardownItem)) == 6
    answers = [r["text"] for r in patchbay.responses() if r.get("replace_original") is False]
    assert (
        answers.count(
            "Dropped *Salesforce*: it is retired. Teardown started for #1: each owner gets its checklist."
        )
        == 1
    )
    updated = [r for r in patchbay.responses() if r.get("replace_original") is True]
    assert "Answered by <@U0BOB0002>: dropped." in str(updated[-1]["blocks"])
    assert "already answered" in str(patchbay.responses()[-1])
    assert len(audit(patchbay, "tool.retired")) == 1 and len(audit(patchbay, "integration.retire")) == 1
    assert [e.after for e in audit(patchbay, "tool.renewal_answered")] == [
        {"renews_on": "2027-02-02", "answer": "drop"}
    ]
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START + 40 * DAY) == 0  # a retired tool is never reminded


def test_replace_records_the_successor_and_proposes_the_integrations_it_will_need(
    patchbay: Patchbay, settings: Settings
) -> None:
    live_integration(patchbay)
    add_tool(patchbay.sessions, "Zendesk", category="support")
    set_renewal(patchbay, "Salesforce", RENEWS)
    reminder = remind_once(patchbay, settings)
    patchbay.click(buttons(reminder)["Replace"], user=BOB, channel=reminder.channel)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "replace"

    def errors(values: dict[str, Any]) -> dict[str, str]:
        return dict(patchbay.submit(modal, values, user=BOB).json.get("errors", {}))

    assert errors({}) == {"successor_id": "Pick the tool that replaces it, or name a new one below."}
    zendesk = str(tool(patchbay, "Zendesk").id)
    salesforce = str(tool(patchbay, "Salesforce").id)
    assert errors({"successor_id": zendesk, "successor_name": "Pipedrive"}) == {
        "successor_name": "Pick a registered tool or name a new one, not both."
    }
    assert errors({"successor_id": salesforce}) == {
        "successor_id": "A tool cannot replace itself: pick another."
    }
    assert errors({"successor_id": "99999"}) == {
        "successor_id": "Pick a tool that is registered and not retired."
    }
    assert "already in the registry" in errors({"successor_name": "asana"})["successor_name"]
    assert "vault" in errors({"successor_name": "xoxb-123456789012-abcdefghijklmnop"})["successor_name"]
    assert "Keep this under 80 characters." in errors({"successor_name": "P" * 81})["successor_name"]
    assert audit(patchbay, "tool.replaced") == []

    for retry in (None, 1):
        assert patchbay.submit(modal, {"successor_name": "Pipe <drive>"}, user=BOB, retry=retry).status == 200
    pipedrive = tool(patchbay, "Pipe <drive>")
    assert (pipedrive.category, pipedrive.owner_id) == ("crm", BOB)
    assert tool(patchbay, "Salesforce").successor_id == pipedrive.id
    assert tool(patchbay, "Salesforce").retired_at is None
    [event] = audit(patchbay, "tool.replaced")
    assert event.after == {"successor": "Pipe <drive>", "renews_on": "2027-02-02"}
    assert len(audit(patchbay, "tool.registered")) == 4

    dm = patchbay.slack.messages[-1]
    assert dm.channel == patchbay.slack.dm_channel(BOB)
    assert "*Pipe &lt;drive&gt;* (registered now) replaces *Salesforce*" in str(dm.blocks)
    [propose] = [b["accessory"] for b in dm.blocks if b.get("accessory")]
    assert "#1 Closed-won deals start onboarding (to Asana)" in str(dm.blocks)
    card = str(patchbay.command("tool Salesforce", user=BOB).json["blocks"])
    assert "*Replaced by:* Pipe &lt;drive&gt;" in card

    patchbay.click(propose, user=BOB, channel=dm.channel)
    form = patchbay.last_view()
    assert form["callback_id"] == "propose"
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert inputs["source_tool_id"]["initial_option"]["value"] == str(pipedrive.id)
    assert inputs["target_tool_id"]["initial_option"]["text"]["text"] == "Asana"
    assert inputs["title"]["initial_value"] == "Closed-won deals start onboarding (Pipe <drive>)"

    # The 30-day reminder of an answered renewal is not sent.
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START + 40 * DAY) == 0


def test_renewals_lists_the_next_90_days_paged(patchbay: Patchbay) -> None:
    assert "No tool renews in the next 90 days" in str(patchbay.command("renewals", user=FRANK).json)
    for n in range(17):
        add_tool(patchbay.sessions, f"Tool {n:02d} <x>")
        set_renewal(patchbay, f"Tool {n:02d} <x>", (START + (n + 1) * 5 * DAY).date(), auto=n == 0)
    add_tool(patchbay.sessions, "Later")
    set_renewal(patchbay, "Later", (START + 91 * DAY).date())
    add_tool(patchbay.sessions, "Gone")
    set_renewal(patchbay, "Gone", (START + 3 * DAY).date())
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Tool).where(Tool.name == "Gone").values(retired_at=START))

    first = patchbay.command("renewals", user=FRANK).json
    shown = str(first["blocks"])
    assert "*17 renewals in the next 90 days*" in shown
    assert "*Nov 29, 2026* (in 5 days) · *Tool 00 &lt;x&gt;* · <@U0BOB0002> · renews automatically" in shown
    assert "Later" not in shown and "Gone" not in shown and "Tool 15" not in shown
    assert "Page 1 of 2" in shown
    following = next(
        e
        for b in first["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Next"
    )
    patchbay.click(following, user=FRANK)
    second = str(patchbay.responses()[-1]["blocks"])
    assert "Tool 15" in second and "Tool 16" in second and "Tool 14" not in second
    assert "Page 2 of 2" in second


def test_the_living_document_and_history_show_renewals_and_successors(
    patchbay: Patchbay, settings: Settings
) -> None:
    live_integration(patchbay)
    set_renewal(patchbay, "Salesforce", RENEWS, auto=True)
    reminder = remind_once(patchbay, settings)
    patchbay.click(buttons(reminder)["Replace"], user=BOB, channel=reminder.channel)
    asana = str(tool(patchbay, "Asana").id)
    assert "itself" not in str(patchbay.submit(patchbay.last_view(), {"successor_id": asana}, user=BOB).json)
    document = str(patchbay.command("doc 1", user=BOB).json)
    assert "*Tools:* Salesforce renews 2027-02-02 automatically, replaced by Asana  ·  Asana" in document
    with patchbay.sessions() as session:
        written = markdown(integration_document(session=session, integration_id=1, now=START))
    assert (
        "## Tools\n\n- Salesforce: renews 2027-02-02 (automatically); replaced by Asana\n- Asana\n" in written
    )
    history = str(patchbay.command("history 1", user=BOB).json)
    assert "recorded that one of its tools is being replaced\\n      > Salesforce -&gt; Asana" in history


def run_replicas(patchbay: Patchbay, settings: Settings, at: datetime, count: int = 3) -> list[int]:
    """The daily renewal job run by `count` replicas at the same moment; how many each told."""
    told: list[int] = []

    def replica() -> None:
        job = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
        told.append(job(at))

    threads = [threading.Thread(target=replica) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(told)


def test_an_auto_renewing_tool_whose_date_passes_unanswered_is_renewed_a_year_on_once_and_its_owner_told(
    patchbay: Patchbay, settings: Settings
) -> None:
    live_integration(patchbay)  # Salesforce (Bob) -> Asana (Frank), live
    set_renewal(patchbay, "Salesforce", RENEWS, auto=True)
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START + 10 * DAY) == 1 and remind(START + 40 * DAY) == 1  # 60 and 30 days: unanswered
    thirty = reminders(patchbay)[-1]
    assert remind(START + 70 * DAY) == 0  # on the day itself the owner may still answer
    assert tool(patchbay, "Salesforce").renews_on == RENEWS

    # The day after: three replicas at once, then re-runs that day and the next.
    assert run_replicas(patchbay, settings, START + 71 * DAY) == [0, 0, 1]
    assert remind(START + 71 * DAY + timedelta(hours=6)) == 0
    assert remind(START + 72 * DAY) == 0
    rolled = tool(patchbay, "Salesforce")
    assert (rolled.renews_on, rolled.auto_renews, rolled.retired_at) == (date(2028, 2, 2), True, None)
    [event] = audit(patchbay, "tool.renewed_automatically")
    assert (event.actor_id, event.entity_id, event.before, event.after) == (
        "patchbay",
        rolled.id,
        {"renews_on": "2027-02-02"},
        {"renews_on": "2028-02-02"},
    )
    told = [m for m in patchbay.slack.messages if "renewed automatically" in m.text]
    assert len(told) == 1 and told[0].channel == patchbay.slack.dm_channel(BOB)
    assert told[0].text == "Salesforce renewed automatically on Feb 2, 2027: it renews next on Feb 2, 2028."
    shown = str(told[0].blocks)
    for words in (
        "*Salesforce* renewed automatically on *Feb 2, 2027*: nobody answered its reminders",
        "It renews next on *Feb 2, 2028*; you will be reminded 60 and 30 days before.",
        "*What depends on it:*",
        "#1 Closed-won deals start onboarding (to Asana, live) · owner <@U0BOB0002>",
        "Won deals &lt;urgent&gt;: Salesforce → Asana (automated by an integration, 2.50 h/week)\\n",
        "*Savings:* 3.00 hours a week",
        f"*These people rely on it:* <@{FRANK}>",
        "`/patchbay tool Salesforce`",
    ):
        assert words in shown, words
    assert buttons(told[0]) == {}

    # The old reminder's buttons now say what happened instead of acting.
    patchbay.clock.set(START + 72 * DAY)
    patchbay.click(buttons(thirty)["Drop"], user=BOB, channel=thirty.channel)
    assert (
        "Salesforce renewed automatically on Feb 2, 2027, when nobody had answered: it renews next on"
        " Feb 2, 2028. Edit on its card changes that date."
    ) in str(patchbay.responses())
    assert tool(patchbay, "Salesforce").retired_at is None

    # The next cycle is reminded as usual: 60 and 30 days before Feb 2, 2028, then rolled again.
    assert remind(START + (365 + 10) * DAY) == 1
    assert remind(START + (365 + 40) * DAY) == 1
    assert [(n.days_before, n.renews_on) for n in notices(patchbay)] == [
        (60, RENEWS),
        (30, RENEWS),
        (0, RENEWS),
        (60, date(2028, 2, 2)),
        (30, date(2028, 2, 2)),
    ]
    assert "renews automatically on *Feb 2, 2028* (in 30 days)" in str(reminders(patchbay)[-1].blocks)
    assert remind(START + (365 + 72) * DAY) == 1
    assert tool(patchbay, "Salesforce").renews_on == date(2029, 2, 2)


def notices(patchbay: Patchbay) -> list[RenewalNotice]:
    with patchbay.sessions() as session:
        return list(session.scalars(select(RenewalNotice).order_by(RenewalNotice.id)))


def test_a_renewal_date_long_past_rolls_to_its_next_anniversary_in_one_step(
    patchbay: Patchbay, settings: Settings
) -> None:
    add_tool(patchbay.sessions, "Notion")
    set_renewal(patchbay, "Notion", date(2024, 2, 29), auto=True)  # imported with a stale date
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START) == 1
    assert tool(patchbay, "Notion").renews_on == date(2027, 2, 28)
    assert remind(START + DAY) == 0
    [event] = audit(patchbay, "tool.renewed_automatically")
    assert event.after == {"renews_on": "2027-02-28"}


def test_a_renewal_date_that_passes_unanswered_is_asked_about_once_more_the_day_after(
    patchbay: Patchbay, settings: Settings
) -> None:
    live_integration(patchbay)
    set_renewal(patchbay, "Salesforce", RENEWS)
    remind = renewal_reminders(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert remind(START + 10 * DAY) == 1 and remind(START + 40 * DAY) == 1
    thirty = reminders(patchbay)[-1]
    assert remind(START + 70 * DAY) == 0

    assert run_replicas(patchbay, settings, START + 71 * DAY) == [0, 0, 1]
    assert remind(START + 71 * DAY + timedelta(hours=6)) == 0
    assert remind(START + 100 * DAY) == 0  # asked once, never again for that date
    assert tool(patchbay, "Salesforce").renews_on == RENEWS  # nothing renews by itself
    [event] = audit(patchbay, "tool.renewal_passed")
    assert (event.actor_id, event.before, event.after) == ("patchbay", None, {"renews_on": "2027-02-02"})
    [passed] = [m for m in patchbay.slack.messages if "passed without an answer" in m.text]
    assert passed.channel == patchbay.slack.dm_channel(BOB)
    assert passed.text == (
        "Salesforce's renewal date, Feb 2, 2027, passed without an answer: renew, replace or drop it?"
    )
    assert "*If we drop it:*" in str(passed.blocks)
    assert list(buttons(passed)) == ["Renew", "Replace", "Drop"]
    # Until someone answers, the card and App Home say the date passed rather than "renews on".
    patchbay.clock.set(START + 100 * DAY)
    card = str(patchbay.command("tool Salesforce", user=BOB).json["blocks"])
    assert "*Renewal:* renewal date Feb 2, 2027 passed without an answer" in card
    assert "Salesforce  ·  CRM  ·  renewal date Feb 2, 2027 passed without an answer" in str(
        open_home(patchbay, BOB)["blocks"]
    )

    # Renewing from it takes a date after today, prefilled a year on from the date that passed.
    patchbay.clock.set(START + 101 * DAY)  # Mar 5, 2027
    patchbay.click(buttons(passed)["Renew"], user=BOB, channel=passed.channel)
    modal = patchbay.last_view()
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["renews_on"]["initial_date"] == "2028-02-02"
    assert patchbay.submit(modal, {"renews_on": "2027-03-01"}, user=BOB).json["errors"] == {
        "renews_on": "Pick a date after today, Mar 5, 2027."
    }
    assert patchbay.submit(modal, {}, user=BOB).body == ""
    assert tool(patchbay, "Salesforce").renews_on == date(2028, 2, 2)
    assert [e.after for e in audit(patchbay, "tool.renewal_answered")] == [
        {"renews_on": "2027-02-02", "answer": "renew"}
    ]
    patchbay.click(buttons(thirty)["Drop"], user=BOB, channel=thirty.channel)
    assert "Salesforce's renewal was already answered by <@U0BOB0002>: renew." in str(patchbay.responses())
    assert remind(START + 102 * DAY) == 0
