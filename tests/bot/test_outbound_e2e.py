"""People's text through every modal and echoing command, the workflow driven on: never Slack markup.

Every Slack call the app makes (and every answer it gives in an HTTP response) is scanned: in any
text Slack renders as markup (mrkdwn objects, fallback `text`, file titles and comments), hostile
text must arrive escaped.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.app import make_client
from bot.driver import Reply
from bot.jobs import ReviewSweep, review_sweep
from bot.localslack import Message
from bot.settings import Settings
from storage.db import session_scope
from storage.models import Flow, Integration, Tool
from tests.conftest import ALICE, BOB, CAROL, DAVE, START, Patchbay
from tests.factories import proposal_values

GOVERNANCE = "C0GOVERN"
PAYLOADS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S0TEAM>",
    "<@U0SOMEONE>",
    "<#C0CHAN>",
    "<https://evil.example|click>",
    "Q&A",
    "a<b",
    "b>c",
]
HOSTILE = " ".join(PAYLOADS)  # 112 characters: fits every text field but a name
ESCAPED = "&lt;!channel&gt;"


def rendered(value: Any, *, top: bool = True) -> Iterator[str]:
    """Every string in a Slack call or response that Slack renders as markup."""
    if isinstance(value, str) and value[:1] in "[{":
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for key, item in value.items():
            if top and key in ("text", "initial_comment", "title") and isinstance(item, str):
                yield item
            elif key == "files" and isinstance(item, (list, str)):  # files.completeUploadExternal
                files = json.loads(item) if isinstance(item, str) else item
                yield from (f["title"] for f in files if isinstance(f, dict) and f.get("title"))
            elif key != "text" or not isinstance(item, str):
                yield from rendered(item, top=False)
    elif isinstance(value, list):
        for item in value:
            yield from rendered(item, top=False)


class Seen:
    """What the app said: every Slack call, plus the bodies of its HTTP answers."""

    def __init__(self, patchbay: Patchbay) -> None:
        self.patchbay = patchbay
        self.answers: list[Any] = []

    def answer(self, reply: Reply) -> Reply:
        if reply.body.strip().startswith("{"):
            self.answers.append(reply.json)
        return reply

    def texts(self) -> list[tuple[str, str]]:
        found = [(c.method, text) for c in self.patchbay.slack.calls for text in rendered(c.args)]
        return found + [("http answer", text) for a in self.answers for text in rendered(a)]


def unescaped(texts: list[tuple[str, str]]) -> list[str]:
    return [f"{method}: {text[:200]!r}" for method, text in texts if any(p in text for p in PAYLOADS)]


@pytest.fixture
def sweep(patchbay: Patchbay, settings: Settings) -> ReviewSweep:
    return review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))


def card_message(patchbay: Patchbay, integration_id: int) -> Message:
    return next(
        m
        for m in patchbay.slack.messages
        if m.channel == GOVERNANCE and m.thread_ts is None and f"*#{integration_id} " in str(m.blocks)
    )


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    found = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("text", {}).get("text") == label
    ]
    assert found, f"no {label} button"
    return found[0]


def press(seen: Seen, integration_id: int, label: str, *, user: str) -> None:
    message = card_message(seen.patchbay, integration_id)
    seen.answer(
        seen.patchbay.click(
            button(message.blocks, label), user=user, channel=GOVERNANCE, message={"ts": message.ts}
        )
    )


def submit(seen: Seen, values: dict[str, Any], *, user: str) -> None:
    reply = seen.answer(seen.patchbay.submit(seen.patchbay.last_view(), values, user=user))
    assert reply.body == "", reply.body


def state(patchbay: Patchbay, integration_id: int) -> str:
    with patchbay.sessions() as session:
        row = session.get(Integration, integration_id)
        assert row is not None
        return row.state


REVIEW = {
    "scopes": f"deals.read - {HOSTILE}",
    "access_level": "read_only",
    "credential_type": "oauth",
    "credential_storage": "vault",
    "data_classes": ["none"],
    "attestations": [],
    "encrypted_in_transit": "yes",
    "encrypted_at_rest": "yes",
    "rotation_days": "90",
    "outcome": "pass",
    "notes": HOSTILE,
}


def test_hostile_text_everywhere_reaches_slack_only_escaped(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    seen = Seen(patchbay)
    # Tools: a name per payload (names are short), the rest of the text in every field.
    for number, payload in enumerate(PAYLOADS):
        tool = {
            "name": f"T{number} {payload}",
            "category": "crm",
            "owner_id": BOB,
            "data_kinds": ["contacts"],
            "data_other": HOSTILE,
            "vendor_url": "https://vendor.example/a?b=1&c=<b>",
            "notes": HOSTILE,
        }
        seen.answer(patchbay.open_and_submit("tool add", tool, user=ALICE))
    with patchbay.sessions() as session:
        ids = list(session.scalars(select(Tool.id).order_by(Tool.id)))
        assert len(ids) == len(PAYLOADS)
        assert session.scalar(select(Tool.notes).where(Tool.id == ids[0])) == HOSTILE  # stored as typed
    for command in (
        f"tool T0 {PAYLOADS[0]}",
        f"tool T7 {PAYLOADS[7]}",
        f"tools {PAYLOADS[1]}",
        "tools T",
        f"tool nothing {HOSTILE}",
        f"tool add {PAYLOADS[2]}",
        f"impact T4 {PAYLOADS[4]}",
        f"impact nothing {HOSTILE}",
        f"map T6 {PAYLOADS[6]}",
        f"map {HOSTILE}",
        "map",
        f"{PAYLOADS[0]} {PAYLOADS[3]}",
        f"show {PAYLOADS[1]}",
    ):
        seen.answer(patchbay.command(command, user=BOB))

    # Someone who may not retire a tool is told whose it is.
    card = patchbay.command(f"tool T0 {PAYLOADS[0]}", user=DAVE).json
    seen.answer(patchbay.click(button(card["blocks"], "Retire"), user=DAVE))
    assert "owner" in str(patchbay.responses()[-1]) and ESCAPED in str(patchbay.responses()[-1])

    # A manual flow, then the opportunities it makes.
    flow = {
        "source_tool_id": str(ids[0]),
        "target_tool_id": str(ids[1]),
        "data": HOSTILE,
        "data_kinds": ["deals"],
        "mode": "manual",
        "times_per_week": "5",
        "minutes_each": "20",
        "done_by": BOB,
    }
    seen.answer(patchbay.open_and_submit("flow add", flow, user=BOB))
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Flow)) == 1
    seen.answer(patchbay.command("opportunities", user=BOB))

    # Two proposals with hostile text in every field.
    mapping = f"{PAYLOADS[0]} {PAYLOADS[7]} -> {PAYLOADS[4]} {PAYLOADS[8]} | {PAYLOADS[6]} {PAYLOADS[9]}"
    for source, target in ((ids[0], ids[1]), (ids[2], ids[3])):
        values = proposal_values(
            source,
            target,
            title=HOSTILE,
            purpose=HOSTILE,
            trigger=HOSTILE,
            actions=HOSTILE,
            mapping=mapping,
            source_of_truth=HOSTILE,
            method_reason=HOSTILE,
        )
        seen.answer(patchbay.open_and_submit("propose", values, user=BOB))
    assert state(patchbay, 1) == state(patchbay, 2) == "proposed"

    # #1 all the way: changes requested, resubmitted, reviewed, approved, sandbox, live, suspended,
    # resumed, a scope change reviewed again.
    press(seen, 1, "Start security review", user=CAROL)
    submit(seen, {**REVIEW, "outcome": "changes_requested"}, user=CAROL)
    press(seen, 1, "Resubmit for review", user=BOB)
    press(seen, 1, "Security review", user=CAROL)
    submit(seen, REVIEW, user=CAROL)
    press(seen, 1, "Approve", user=DAVE)
    press(seen, 1, "Record sandbox test", user=BOB)
    submit(
        seen,
        {"checklist": ["crud", "api_down", "bad_data", "errors_logged", "alerting"], "notes": HOSTILE},
        user=BOB,
    )
    press(seen, 1, "Deploy to production", user=BOB)
    assert state(patchbay, 1) == "live"
    press(seen, 1, "Suspend", user=BOB)
    submit(seen, {"reason": HOSTILE}, user=BOB)
    press(seen, 1, "Resume", user=ALICE)
    press(seen, 1, "Change scopes or data", user=BOB)
    submit(seen, {"scopes": f"contacts.read - {HOSTILE}", "data_classes": ["none"]}, user=BOB)
    press(seen, 1, "Security review", user=CAROL)
    submit(seen, REVIEW, user=CAROL)
    assert state(patchbay, 1) == "live"

    # #2 waits, is nudged and escalated, then rejected with a reason.
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).where(Integration.id == 2).values(state_since=START))
    sweep.run(START + timedelta(days=3))
    sweep.run(START + timedelta(days=8))
    press(seen, 2, "Reject", user=DAVE)
    submit(seen, {"reason": HOSTILE}, user=DAVE)
    assert state(patchbay, 2) == "rejected"

    # The quarterly review of #1: its owner says it needs changes, with notes.
    due = START + timedelta(days=91)
    patchbay.clock.set(due)
    sweep.run(due)
    reply = next(m for m in patchbay.slack.messages if m.thread_ts and "Needs changes" in str(m.blocks))
    seen.answer(
        patchbay.click(
            button(reply.blocks, "Needs changes"), user=BOB, channel=reply.channel, message={"ts": reply.ts}
        )
    )
    submit(
        seen,
        {"still_serves": "yes", "data_quality_ok": "no", "incidents": HOSTILE, "notes": HOSTILE},
        user=BOB,
    )
    assert state(patchbay, 1) == "changes_requested"

    # Everything that reads it back: card, history, document, queue, plan, App Home.
    for command in ("show 1", "history 1", "history 2", "doc 1", "queue", "plan", "opportunities", "map"):
        seen.answer(patchbay.command(command, user=BOB))
    for person in (BOB, ALICE, CAROL):
        seen.answer(
            patchbay.event({"type": "app_home_opened", "user": person, "channel": "D0HOME", "tab": "home"})
        )

    texts = seen.texts()
    assert not unescaped(texts), "people's text reached Slack as markup:\n" + "\n".join(unescaped(texts)[:20])
    # The hostile text did reach every place, escaped.
    thread = [m.text for m in patchbay.slack.messages if m.thread_ts == card_message(patchbay, 1).ts]
    dms = [m.text for m in patchbay.slack.messages if m.channel == patchbay.slack.dm_channel(BOB)]
    places = {
        "card": str(card_message(patchbay, 1).blocks),
        "thread reply": "\n".join(thread),
        "escalation": "\n".join(m.text for m in patchbay.slack.messages if "has waited" in m.text),
        "direct message": "\n".join(dms),
        "app home": json.dumps([c.args for c in patchbay.slack.calls_to("views.publish")]),
        "every answer": json.dumps(seen.answers),
    }
    for place, text in places.items():
        assert ESCAPED in text or ESCAPED in text.replace("\\u0026", "&"), f"nothing escaped in the {place}"
    assert len(texts) > 150
