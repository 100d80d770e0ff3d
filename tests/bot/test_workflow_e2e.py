"""The approval workflow through signed Slack requests: buttons, modals, the card, threads and DMs."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.playground.localslack import Message
from storage.db import session_scope
from storage.models import Approval, AuditEvent, Integration, Outbox
from tests.conftest import ALICE, BOB, CAROL, DAVE, ERIN, FRANK, Patchbay
from tests.factories import add_proposal, add_tool, proposal_values

GOVERNANCE = "C0GOVERN"
PASSING_REVIEW = {
    "scopes": "deals.read - read won deals\nprojects.write - create the onboarding project",
    "access_level": "read_write",
    "credential_type": "oauth",
    "credential_storage": "vault",
    "data_classes": ["personal"],
    "attestations": ["soc2", "gdpr_dpa"],
    "encrypted_in_transit": "yes",
    "encrypted_at_rest": "yes",
    "rotation_days": "90",
    "outcome": "pass",
    "notes": "",
}
ALL_CHECKS = ["crud", "api_down", "bad_data", "errors_logged", "alerting"]


def card(patchbay: Patchbay) -> Message:
    cards = [m for m in patchbay.slack.messages if m.channel == GOVERNANCE and m.thread_ts is None]
    assert len(cards) == 1, "one governance card per proposal"
    return cards[0]


def press(patchbay: Patchbay, label: str, *, user: str) -> Any:
    message = card(patchbay)
    buttons = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    found = [b for b in buttons if b["text"]["text"] == label]
    assert found, f"no {label} button; have {[b['text']['text'] for b in buttons]}"
    return patchbay.click(found[0], user=user, channel=GOVERNANCE, message={"ts": message.ts})


def state(patchbay: Patchbay, integration_id: int = 1) -> str:
    with patchbay.sessions() as session:
        row = session.get(Integration, integration_id)
        assert row is not None
        return row.state


def thread(patchbay: Patchbay) -> list[str]:
    parent = card(patchbay)
    return [m.text for m in patchbay.slack.messages if m.thread_ts == parent.ts]


def last_refusal(patchbay: Patchbay) -> str:
    return str(patchbay.responses()[-1]["text"])


@pytest.fixture
def proposal(patchbay: Patchbay) -> int:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    reply = patchbay.open_and_submit("propose", proposal_values(source, target), user=BOB)
    assert reply.body == ""
    return 1


def test_the_whole_lifecycle_updates_one_card_in_place(patchbay: Patchbay, proposal: int) -> None:
    posted = card(patchbay)
    assert "#1 Closed-won deals start onboarding" in str(posted.blocks) and "Proposed" in str(posted.blocks)

    press(patchbay, "Start security review", user=CAROL)
    assert state(patchbay) == "security_review"
    review_modal = patchbay.last_view()
    assert review_modal["callback_id"] == "security_review"
    assert patchbay.submit(review_modal, PASSING_REVIEW, user=CAROL).body == ""
    assert state(patchbay) == "awaiting_approval"
    assert "Approvals: 0 of 2" in str(card(patchbay).blocks)  # personal data needs two approvals

    press(patchbay, "Approve", user=DAVE)
    assert state(patchbay) == "awaiting_approval"
    press(patchbay, "Approve", user=DAVE)
    assert "already approved" in last_refusal(patchbay)
    press(patchbay, "Approve", user=ERIN)
    assert state(patchbay) == "approved"

    press(patchbay, "Record sandbox test", user=BOB)
    sandbox = patchbay.last_view()
    checklist = next(b for b in sandbox["blocks"] if b.get("block_id") == "checklist")
    assert (
        checklist.get("optional", False) is False
    )  # every box is required, so Slack must not say "(optional)"
    reply = patchbay.submit(sandbox, {"checklist": ["crud", "api_down"]}, user=BOB)
    assert "Not yet tried: Tried with unexpected data" in reply.json["errors"]["checklist"]
    assert state(patchbay) == "approved"
    assert patchbay.submit(sandbox, {"checklist": ALL_CHECKS, "notes": "all green"}, user=BOB).body == ""
    assert state(patchbay) == "in_sandbox"

    press(patchbay, "Deploy to production", user=BOB)
    with patchbay.sessions() as session:
        row = session.get(Integration, 1)
        assert row is not None and row.state == "live"
        assert row.next_review_on == date(2027, 2, 22)  # 90 days after 2026-11-24
    assert "Next review: 2027-02-22" in str(card(patchbay).blocks)

    # Every step was a threaded reply on the one card, and the proposer was told by DM.
    replies = thread(patchbay)
    assert any(f"<@{CAROL}> started the security review" in r for r in replies)
    assert any(f"<@{ERIN}> approved it: Awaiting approval -> *Approved*" in r for r in replies)
    assert any("deployed it to production" in r for r in replies)
    dms = [m.text for m in patchbay.slack.messages if m.channel == patchbay.slack.dm_channel(BOB)]
    assert any("approved it" in text for text in dms)
    assert len(patchbay.slack.calls_to("chat.update")) >= 6

    history = patchbay.command("history 1", user=FRANK).json
    text = str(history["blocks"])
    for words in (
        "proposed it",
        "started the security review",
        "approved it (more approvals needed)",
        "recorded the sandbox test",
        "deployed it to production -> live",
    ):
        assert words in text


def test_suspend_needs_an_incident_note_and_resume_returns_it_to_live(
    patchbay: Patchbay, proposal: int
) -> None:
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).values(state="live"))
    card_blocks = patchbay.command("show 1", user=BOB).json["blocks"]
    suspend = next(
        e
        for b in card_blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Suspend"
    )
    patchbay.click(suspend, user=BOB)
    modal = patchbay.last_view()
    assert patchbay.submit(modal, {"reason": ""}, user=BOB).json["errors"]["reason"]
    assert patchbay.submit(modal, {"reason": "Salesforce API changed; duplicates"}, user=BOB).body == ""
    assert state(patchbay) == "suspended"
    resume = next(
        e
        for b in patchbay.command("show 1", user=BOB).json["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Resume"
    )
    patchbay.click(resume, user=ALICE)
    assert state(patchbay) == "live"
    with patchbay.sessions() as session:
        notes = session.scalars(
            select(AuditEvent.note).where(AuditEvent.action == "integration.suspend")
        ).all()
    assert notes == ["Salesforce API changed; duplicates"]


def test_separation_of_duties(patchbay: Patchbay) -> None:
    source, target = add_tool(patchbay.sessions, "HubSpot"), add_tool(patchbay.sessions, "Zendesk")
    patchbay.open_and_submit("propose", proposal_values(source, target), user=DAVE)  # an approver proposes
    press(patchbay, "Start security review", user=DAVE)
    assert "Only a security reviewer" in last_refusal(patchbay)
    press(patchbay, "Start security review", user=CAROL)
    patchbay.submit(
        patchbay.last_view(), {**PASSING_REVIEW, "data_classes": ["none"], "attestations": []}, user=CAROL
    )
    assert state(patchbay) == "awaiting_approval"
    press(patchbay, "Approve", user=DAVE)
    assert "You proposed #1" in last_refusal(patchbay)
    press(patchbay, "Approve", user=FRANK)
    assert last_refusal(patchbay) == "Only an approver can do 'Approve' on #1."
    assert state(patchbay) == "awaiting_approval"
    press(patchbay, "Approve", user=ERIN)  # no personal data: one approval is enough
    assert state(patchbay) == "approved"


@pytest.mark.parametrize("settings_overrides", [{"patchbay_approvers": f"{DAVE},{CAROL}"}])
def test_the_security_reviewer_cannot_approve_the_same_proposal(patchbay: Patchbay, proposal: int) -> None:
    press(patchbay, "Start security review", user=CAROL)
    patchbay.submit(patchbay.last_view(), PASSING_REVIEW, user=CAROL)
    press(patchbay, "Approve", user=CAROL)
    assert "You did the security review of #1" in last_refusal(patchbay)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"credential_storage": "code_or_config"}, "credential_storage", "fails the review"),
        ({"attestations": []}, "attestations", "attestations"),
        ({"data_classes": ["health"], "attestations": ["soc2"]}, "attestations", "HIPAA"),
        ({"encrypted_in_transit": "no"}, "encrypted_in_transit", "in transit"),
        ({"outcome": "fail"}, "notes", "why it fails"),
        ({"scopes": "deals.read"}, "scopes", "say why"),
        ({"rotation_days": "0"}, "rotation_days", "rotation interval"),
        ({"notes": "key is sk_live_abcdefghijklmnop1234"}, "notes", "vault"),
    ],
)
def test_security_review_refuses_what_cannot_pass(
    patchbay: Patchbay, proposal: int, changes: dict[str, Any], field: str, words: str
) -> None:
    press(patchbay, "Start security review", user=CAROL)
    reply = patchbay.submit(patchbay.last_view(), {**PASSING_REVIEW, **changes}, user=CAROL)
    assert words in reply.json["errors"][field]
    assert state(patchbay) == "security_review"


def test_security_review_reports_a_bad_field_and_a_rule_it_breaks_in_one_pass(
    patchbay: Patchbay, proposal: int
) -> None:
    press(patchbay, "Start security review", user=CAROL)
    changes = {"rotation_days": "0", "credential_storage": "code_or_config", "encrypted_in_transit": "no"}
    errors = patchbay.submit(patchbay.last_view(), {**PASSING_REVIEW, **changes}, user=CAROL).json["errors"]
    assert set(errors) == {"rotation_days", "credential_storage", "encrypted_in_transit"}, errors
    assert state(patchbay) == "security_review"


def test_changes_requested_go_back_to_the_proposer_and_resubmitting_reenters_review(
    patchbay: Patchbay, proposal: int
) -> None:
    press(patchbay, "Start security review", user=CAROL)
    patchbay.submit(
        patchbay.last_view(),
        {**PASSING_REVIEW, "outcome": "changes_requested", "notes": "Use a service account"},
        user=CAROL,
    )
    assert state(patchbay) == "changes_requested"
    assert any("Use a service account" in r for r in thread(patchbay))
    press(patchbay, "Resubmit for review", user=FRANK)
    assert (
        last_refusal(patchbay) == f"Only the proposer and owner <@{BOB}> can do 'Resubmit for review' on #1."
    )
    press(patchbay, "Resubmit for review", user=BOB)
    assert state(patchbay) == "security_review"
    press(patchbay, "Reject", user=DAVE)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "step_reason"
    assert patchbay.submit(modal, {"reason": "Duplicate of #7"}, user=DAVE).body == ""
    assert state(patchbay) == "rejected"
    message = card(patchbay)
    assert not [b for b in message.blocks if b["type"] == "actions"]  # rejected is the end


def test_a_scope_change_on_a_live_integration_is_reviewed_alone(patchbay: Patchbay, proposal: int) -> None:
    press(patchbay, "Start security review", user=CAROL)
    patchbay.submit(
        patchbay.last_view(), {**PASSING_REVIEW, "data_classes": ["none"], "attestations": []}, user=CAROL
    )
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).values(state="live"))
    change = next(
        e
        for b in patchbay.command("show 1", user=BOB).json["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Change scopes or data"
    )
    patchbay.click(change, user=BOB)
    modal = patchbay.last_view()
    assert "deals.read - read won deals" in str(modal["blocks"])
    reply = patchbay.submit(modal, {"data_classes": ["financial"]}, user=BOB)
    assert reply.body == ""
    assert state(patchbay) == "security_review"
    assert "Change under review: data classes none -&gt; financial" in str(card(patchbay).blocks)
    press(patchbay, "Security review", user=CAROL)
    review = patchbay.last_view()
    assert review["blocks"][5]["element"]["initial_options"][0]["value"] == "financial"
    patchbay.submit(review, {**PASSING_REVIEW, "data_classes": ["financial"]}, user=CAROL)
    with patchbay.sessions() as session:
        row = session.get(Integration, 1)
        assert row is not None and (row.state, row.data_classes, row.pending_change) == (
            "live",
            ["financial"],
            None,
        )


def test_simultaneous_approvals_make_exactly_one_transition(patchbay: Patchbay, proposal: int) -> None:
    press(patchbay, "Start security review", user=CAROL)
    patchbay.submit(
        patchbay.last_view(), {**PASSING_REVIEW, "data_classes": ["none"], "attestations": []}, user=CAROL
    )
    message = card(patchbay)
    approve = next(
        e
        for b in message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Approve"
    )
    barrier = threading.Barrier(4)

    def click(user: str) -> None:
        barrier.wait()
        patchbay.click(approve, user=user, channel=GOVERNANCE, message={"ts": message.ts})

    threads = [threading.Thread(target=click, args=(u,)) for u in (DAVE, ERIN, DAVE, ERIN)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    patchbay.wait_idle()
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Approval)) == 1
        approvals = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "integration.approve")
        ).all()
        assert len(approvals) == 1
        assert session.get(Integration, 1).state == "approved"  # type: ignore[union-attr]
    refusals = [r["text"] for r in patchbay.responses() if "acted first" in str(r.get("text"))]
    assert len(refusals) == 3 and all(f"<@{approvals[0].actor_id}>" in r for r in refusals)


def test_a_failed_card_update_is_retried_and_never_rolls_back(patchbay: Patchbay, proposal: int) -> None:
    patchbay.slack.fail("chat.update", status=500, times=3)  # the client's own retries fail too
    press(patchbay, "Start security review", user=CAROL)
    assert state(patchbay) == "security_review"
    with patchbay.sessions() as session:
        stuck = session.scalars(select(Outbox).where(Outbox.sent_at.is_(None)).order_by(Outbox.id)).all()
        assert [o.kind for o in stuck] == ["card", "thread", "dm"]
        assert stuck[0].last_error
    assert "Proposed" in str(card(patchbay).blocks)  # Slack still shows the old card
    patchbay.submit(patchbay.last_view(), PASSING_REVIEW, user=CAROL)  # the next delivery catches up
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))) == 0
    assert "Awaiting approval" in str(card(patchbay).blocks)


@pytest.mark.parametrize(
    "settings_overrides", [{"patchbay_approvers": f"{DAVE},{ALICE}", "patchbay_inflight_cap": "1"}]
)
def test_approving_beyond_the_in_flight_cap_needs_an_admin(patchbay: Patchbay, proposal: int) -> None:
    other = add_proposal(patchbay.sessions, 1, 2, title="Already building", data_kinds=["contacts"])
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).where(Integration.id == other).values(state="approved"))
        session.execute(update(Integration).where(Integration.id == 1).values(state="awaiting_approval"))
    approve = next(
        e
        for b in patchbay.command("show 1", user=DAVE).json["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Approve"
    )
    patchbay.click(approve, user=DAVE)
    assert "approving another needs a Patchbay admin" in last_refusal(patchbay)
    patchbay.click(approve, user=ALICE)
    assert state(patchbay) == "approved"


def test_a_review_of_a_personal_account_is_flagged_in_the_thread_and_the_history(
    patchbay: Patchbay, proposal: int
) -> None:
    press(patchbay, "Start security review", user=CAROL)
    review = {**PASSING_REVIEW, "credential_type": "personal_account", "notes": "Move to a bot user"}
    assert patchbay.submit(patchbay.last_view(), review, user=CAROL).body == ""
    flagged = "Move to a bot user :warning: uses a person's own account"
    assert any(flagged in reply for reply in thread(patchbay))
    assert flagged in str(patchbay.command("history 1", user=BOB).json)


def test_a_scope_change_not_accepted_leaves_it_as_it_was_and_says_so(
    patchbay: Patchbay, proposal: int
) -> None:
    press(patchbay, "Start security review", user=CAROL)
    patchbay.submit(
        patchbay.last_view(), {**PASSING_REVIEW, "data_classes": ["none"], "attestations": []}, user=CAROL
    )
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).values(state="live"))
    change = next(
        e
        for b in patchbay.command("show 1", user=BOB).json["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Change scopes or data"
    )
    patchbay.click(change, user=BOB)
    assert patchbay.submit(patchbay.last_view(), {"data_classes": ["financial"]}, user=BOB).body == ""
    assert any("Change under review: data classes none -&gt; financial" in r for r in thread(patchbay))
    press(patchbay, "Security review", user=CAROL)
    refused = {
        **PASSING_REVIEW,
        "data_classes": ["financial"],
        "outcome": "fail",
        "notes": "Not with finance",
    }
    assert patchbay.submit(patchbay.last_view(), refused, user=CAROL).body == ""
    assert state(patchbay) == "live"
    said = "The change was not accepted; it stays live as before. Not with finance"
    assert any(said in reply for reply in thread(patchbay))
    history = str(patchbay.command("history 1", user=BOB).json)
    assert said in history and "Change under review: data classes none -&gt; financial" in history
