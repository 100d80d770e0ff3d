"""Every creating submission and every lifecycle button, sent four times at once, changes things once.

Four at once is a double click (or double submit) plus Slack delivering again; with `retry` the
repeats carry `X-Slack-Retry-Num` and, for buttons, are the very same click.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.playground.driver import Reply
from bot.playground.localslack import Message
from bot.scheduling.jobs import ReviewSweep
from storage.models import AuditEvent, Flow, Integration, Measurement, SecurityReview, Tool
from tests.bot.test_flows_e2e import buttons, flow_values
from tests.bot.test_reviews_e2e import DAY, go_live, sweep  # noqa: F401  (the sweep fixture)
from tests.bot.test_tools_e2e import HUBSPOT
from tests.bot.test_workflow_e2e import ALL_CHECKS, GOVERNANCE, PASSING_REVIEW, card
from tests.conftest import ALICE, BOB, CAROL, DAVE, START, Patchbay
from tests.factories import add_flow, add_proposal, add_tool, proposal_values, set_state

TIMES = 4


def four_at_once(send: Callable[[int], Reply]) -> list[Reply]:
    """Send `send(0..3)` from four threads released together."""
    start = threading.Barrier(TIMES)

    def run(number: int) -> Reply:
        start.wait()
        return send(number)

    with ThreadPoolExecutor(max_workers=TIMES) as pool:
        replies = list(pool.map(run, range(TIMES)))
    assert [r.status for r in replies] == [200] * TIMES, [r.body for r in replies]
    return replies


def submit_four(
    patchbay: Patchbay, view: dict[str, Any], values: dict[str, Any], *, user: str, retry: bool
) -> None:
    replies = four_at_once(
        lambda n: patchbay.submit(view, values, user=user, retry=n if retry and n else None)
    )
    firsts = [r for r in replies if r.body == ""]
    again = [r for r in replies if r.body]
    assert len(firsts) == 1, [r.body for r in replies]
    for reply in again:  # the repeats close on a line naming what the first saved
        assert reply.json["response_action"] == "update"
        assert "Already saved as" in str(reply.json["view"]["blocks"])


def click_four(
    patchbay: Patchbay, button: dict[str, Any], *, user: str, retry: bool, **where: Any
) -> list[Reply]:
    trigger = patchbay.trigger() if retry else None  # a retry is the same click; otherwise four clicks
    return four_at_once(
        lambda n: patchbay.click(
            button, user=user, trigger=trigger, retry=n if retry and n else None, **where
        )
    )


def card_button(patchbay: Patchbay, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    message = card(patchbay)
    found = [
        e
        for b in message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == label
    ]
    assert found, f"no {label} on the card"
    return found[0], {"channel": GOVERNANCE, "message": {"ts": message.ts}}


def count(patchbay: Patchbay, model: Any) -> int:
    with patchbay.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audited(patchbay: Patchbay) -> Counter[str]:
    with patchbay.sessions() as session:
        return Counter(session.scalars(select(AuditEvent.action)).all())


def no_message_twice(messages: list[Message]) -> None:
    texts = Counter((m.channel, m.thread_ts, m.text) for m in messages if not m.ephemeral)
    assert [t for t, n in texts.items() if n > 1] == []


@pytest.mark.parametrize("retry", [False, True], ids=["double-submit", "slack-retry"])
def test_every_creating_submission_creates_once(patchbay: Patchbay, retry: bool) -> None:
    patchbay.command("tool add", user=BOB)
    submit_four(patchbay, patchbay.last_view(), {**HUBSPOT, "name": "Salesforce"}, user=BOB, retry=retry)
    assert count(patchbay, Tool) == 1
    tools = {"Salesforce": 1} | {n: add_tool(patchbay.sessions, n) for n in ("Asana", "Zendesk", "Stripe")}

    patchbay.command("flow add", user=BOB)
    submit_four(
        patchbay, patchbay.last_view(), flow_values(tools["Zendesk"], tools["Stripe"]), user=BOB, retry=retry
    )
    assert count(patchbay, Flow) == 1

    patchbay.command("propose", user=BOB)
    submit_four(
        patchbay,
        patchbay.last_view(),
        proposal_values(tools["Salesforce"], tools["Asana"]),
        user=BOB,
        retry=retry,
    )
    assert count(patchbay, Integration) == 1

    # A similar proposal warns first; its "Save anyway" step saves once.
    patchbay.command("propose", user=BOB)
    form = patchbay.last_view()
    warned = patchbay.submit(form, proposal_values(tools["Asana"], tools["Salesforce"]), user=BOB)
    assert warned.json["response_action"] == "update" and count(patchbay, Integration) == 1
    updated = {**warned.json["view"], "id": form["id"]}  # Slack updates the modal in place: same id
    submit_four(patchbay, updated, {"confirm_similar": ["yes"]}, user=BOB, retry=retry)
    assert count(patchbay, Integration) == 2

    # Proposing from a recorded flow.
    add_flow(patchbay.sessions, tools["Stripe"], tools["Zendesk"], minutes_each="45")
    blocks = patchbay.command("opportunities", user=BOB).json["blocks"]
    propose = next(b for b in buttons(blocks) if '"flow_id":2' in b.get("value", ""))
    patchbay.click(propose, user=BOB)
    from_flow = proposal_values(tools["Stripe"], tools["Zendesk"], title="Refunds to support")
    submit_four(patchbay, patchbay.last_view(), from_flow, user=BOB, retry=retry)
    assert count(patchbay, Integration) == 3

    # Success measures of a live integration.
    set_state(patchbay.sessions, 1, "live")
    home = patchbay.event({"type": "app_home_opened", "user": BOB, "tab": "home"})
    assert home.status == 200
    view = patchbay.slack.home[BOB]
    measure = next(b for b in buttons(view["blocks"]) if b["text"]["text"] == "Record success measures")
    patchbay.click(measure, user=BOB, view=view)
    values = {"hours_saved_per_week": "2.5", "errors_avoided": "3", "freshness_minutes": "10"}
    submit_four(patchbay, patchbay.last_view(), values, user=BOB, retry=retry)
    assert count(patchbay, Measurement) == 1

    actions = audited(patchbay)
    assert actions["tool.registered"] == 4 and actions["flow.recorded"] == 2  # 3 tools and 1 flow seeded
    assert actions["integration.proposed"] == 3 and actions["integration.measured"] == 1
    patchbay.wait_idle()
    governance_cards = [m for m in patchbay.slack.messages if m.channel == GOVERNANCE and m.thread_ts is None]
    assert len(governance_cards) == 3
    no_message_twice(patchbay.slack.messages)


@pytest.mark.parametrize("retry", [False, True], ids=["double-click", "slack-retry"])
def test_every_lifecycle_button_and_form_moves_once(patchbay: Patchbay, retry: bool) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    patchbay.open_and_submit("propose", proposal_values(source, target), user=BOB)

    button, where = card_button(patchbay, "Start security review")
    click_four(patchbay, button, user=CAROL, retry=retry, **where)
    review = {**PASSING_REVIEW, "data_classes": ["none"], "attestations": []}
    submit_four(patchbay, patchbay.last_view(), review, user=CAROL, retry=retry)
    assert count(patchbay, SecurityReview) == 1

    button, where = card_button(patchbay, "Approve")
    click_four(patchbay, button, user=DAVE, retry=retry, **where)
    button, where = card_button(patchbay, "Record sandbox test")
    patchbay.click(button, user=BOB, **where)
    submit_four(patchbay, patchbay.last_view(), {"checklist": ALL_CHECKS}, user=BOB, retry=retry)
    button, where = card_button(patchbay, "Deploy to production")
    click_four(patchbay, button, user=BOB, retry=retry, **where)
    button, where = card_button(patchbay, "Suspend")
    patchbay.click(button, user=BOB, **where)
    submit_four(patchbay, patchbay.last_view(), {"reason": "Duplicates in Asana"}, user=BOB, retry=retry)
    button, where = card_button(patchbay, "Resume")
    click_four(patchbay, button, user=ALICE, retry=retry, **where)
    patchbay.wait_idle()
    no_message_twice(patchbay.slack.messages)
    first_cycle = len(patchbay.slack.messages)
    # Suspended again (the same runbook is posted again), then back through the sandbox and redeployed.
    button, where = card_button(patchbay, "Suspend")
    patchbay.click(button, user=BOB, **where)
    submit_four(patchbay, patchbay.last_view(), {"reason": "Duplicates again"}, user=BOB, retry=retry)
    button, where = card_button(patchbay, "Retest in sandbox")
    patchbay.click(button, user=BOB, **where)
    submit_four(patchbay, patchbay.last_view(), {"checklist": ALL_CHECKS}, user=BOB, retry=retry)
    button, where = card_button(patchbay, "Redeploy")
    click_four(patchbay, button, user=ALICE, retry=retry, **where)

    with patchbay.sessions() as session:
        assert session.scalars(select(Integration.state)).one() == "live"
    actions = audited(patchbay)
    for action in (
        "integration.start_review",
        "integration.approve",
        "integration.deploy",
        "integration.resume",
        "integration.retest",
        "integration.redeploy",
    ):
        assert actions[action] == 1, (action, actions)
    assert actions["integration.suspend"] == 2, actions
    patchbay.wait_idle()
    no_message_twice(patchbay.slack.messages[first_cycle:])

    # A second proposal, rejected with a reason.
    add_proposal(patchbay.sessions, target, source, title="Tasks back to CRM", data_kinds=["tasks"])
    rejected = patchbay.command("show 2", user=DAVE).json["blocks"]
    reject = next(
        e for b in rejected if b["type"] == "actions" for e in b["elements"] if e["text"]["text"] == "Reject"
    )
    patchbay.click(reject, user=DAVE)
    submit_four(
        patchbay, patchbay.last_view(), {"reason": "Out of scope this quarter"}, user=DAVE, retry=retry
    )
    assert audited(patchbay)["integration.reject"] == 1


@pytest.mark.parametrize("retry", [False, True], ids=["double-submit", "slack-retry"])
def test_a_review_answer_is_recorded_once(patchbay: Patchbay, sweep: ReviewSweep, retry: bool) -> None:  # noqa: F811
    go_live(patchbay, rotation_days=30)
    sweep.run(START + 90 * DAY)
    dms = [m for m in patchbay.slack.messages if m.thread_ts and "Keep" in str(m.blocks)]
    reply = dms[0]
    keep = next(
        e
        for b in reply.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Keep"
    )
    patchbay.click(keep, user=BOB, channel=reply.channel, message={"ts": reply.ts})
    answer = {"still_serves": "yes", "data_quality_ok": "yes"}
    submit_four(patchbay, patchbay.last_view(), answer, user=BOB, retry=retry)
    rotation = next(m for m in patchbay.slack.messages if "Key rotated" in str(m.blocks))
    rotated = next(
        e
        for b in rotation.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Key rotated"
    )
    click_four(
        patchbay, rotated, user=BOB, retry=retry, channel=rotation.channel, message={"ts": rotation.ts}
    )
    actions = audited(patchbay)
    assert actions["integration.reviewed"] == 1 and actions["integration.key_rotated"] == 1
    patchbay.wait_idle()
    no_message_twice(patchbay.slack.messages)
