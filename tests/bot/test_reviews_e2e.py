"""Quarterly reviews over several quarters: the sweep job, the owner's thread, answers, chasing."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, update

from bot.app import make_client
from bot.playground.localslack import Message
from bot.scheduling.jobs import ReviewSweep, review_sweep
from bot.settings import Settings
from storage.db import session_scope
from storage.models import Integration, ReviewCycle, ReviewThread, TeardownItem
from tests.conftest import ALICE, BOB, FRANK, START, Patchbay
from tests.factories import add_proposal, add_tool

GOVERNANCE = "C0GOVERN"
DAY = timedelta(days=1)


def go_live(
    patchbay: Patchbay,
    *,
    owner: str = BOB,
    title: str = "Won deals to onboarding",
    data_kinds: str = "deals",
    rotation_days: int | None = None,
) -> int:
    """A live integration with its first review 90 days after START (set up directly)."""
    source = add_tool(patchbay.sessions, f"Source {title}")
    target = add_tool(patchbay.sessions, f"Target {title}")
    integration_id = add_proposal(
        patchbay.sessions, source, target, by=owner, title=title, owner_id=owner, data_kinds=[data_kinds]
    )
    with session_scope(patchbay.sessions) as session:
        session.execute(
            update(Integration)
            .where(Integration.id == integration_id)
            .values(
                state="live",
                live_at=START,
                next_review_on=(START + 90 * DAY).date(),
                data_classes=["personal"],
                rotation_days=rotation_days,
            )
        )
    return integration_id


@pytest.fixture
def sweep(patchbay: Patchbay, settings: Settings) -> ReviewSweep:
    return review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))


def dms(patchbay: Patchbay, user: str) -> list[Message]:
    return [m for m in patchbay.slack.messages if m.channel == patchbay.slack.dm_channel(user)]


def replies(patchbay: Patchbay) -> list[Message]:
    return [m for m in patchbay.slack.messages if m.thread_ts and m.blocks and "Keep" in str(m.blocks)]


def press(patchbay: Patchbay, message: Message, label: str, *, user: str) -> Any:
    button = next(
        e
        for b in message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == label
    )
    return patchbay.click(button, user=user, channel=message.channel, message={"ts": message.ts})


def test_an_integration_is_reviewed_quarter_after_quarter(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    go_live(patchbay)
    assert sweep.run(START + 89 * DAY).replies == 0
    due = START + 90 * DAY
    report = sweep.run(due)
    assert (report.threads, report.replies) == (1, 1)
    parent, reply = dms(patchbay, BOB)
    assert "1 integration due for review (from 2027-02-22)" in parent.text
    assert reply.thread_ts == parent.ts
    text = str(reply.blocks)
    for words in ("Won deals to onboarding", "live for 3 months", "last review: none yet", "Personal data"):
        assert words in text
    assert sweep.run(due).replies == 0 and len(dms(patchbay, BOB)) == 2  # the same day again: nothing new

    sweep.run(due + 3 * DAY)
    sweep.run(due + 4 * DAY)
    sweep.run(due + 7 * DAY)
    reminders = [m.text for m in dms(patchbay, BOB) if m.text.startswith("Reminder")]
    assert [r.split(":")[0] for r in reminders] == ["Reminder 1", "Reminder 2"]
    assert all(m.thread_ts == parent.ts for m in dms(patchbay, BOB)[2:])
    sweep.run(due + 14 * DAY)
    sweep.run(due + 15 * DAY)
    escalations = [
        m.text for m in patchbay.slack.messages if m.channel == GOVERNANCE and "unanswered" in m.text
    ]
    assert len(escalations) == 1
    assert (
        f"Owner: <@{BOB}>" in escalations[0]
        and f"<@{ALICE}>" in escalations[0]
        and "15 days" not in escalations[0]
    )

    patchbay.clock.set(due + 15 * DAY)
    press(patchbay, reply, "Keep", user=BOB)
    modal = patchbay.last_view()
    assert modal["callback_id"] == "review_answer"
    answer = {"still_serves": "yes", "data_quality_ok": "yes", "incidents": "One sync delay in March"}
    assert patchbay.submit(modal, answer, user=BOB).body == ""
    answered_on = (due + 15 * DAY).date()
    with patchbay.sessions() as session:
        row = session.get(Integration, 1)
        assert row is not None and row.next_review_on == answered_on + 90 * DAY
        cycle = session.scalars(select(ReviewCycle)).one()
        assert (cycle.status, cycle.outcome, cycle.answered_by) == ("answered", "keep", BOB)
        assert cycle.answer and cycle.answer["incidents"] == "One sync delay in March"
    updated = next(
        c.args for c in patchbay.slack.calls_to("chat.update") if c.args["channel"].startswith("D")
    )
    next_review = (answered_on + 90 * DAY).isoformat()
    assert "Keep" in str(updated["blocks"]) and f"Next review: {next_review}" in str(updated["blocks"])

    # The next quarter opens a new thread, and the card now remembers the last outcome.
    report = sweep.run(datetime.combine(answered_on + 90 * DAY, START.timetz()))
    assert (report.threads, report.replies) == (1, 1)
    assert "last review: Keep" in str(dms(patchbay, BOB)[-1].blocks)


def test_one_thread_per_owner_with_a_reply_per_integration(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    for i in range(3):
        go_live(patchbay, title=f"Bob {i}", data_kinds=["contacts", "deals", "leads"][i])
    go_live(patchbay, owner=FRANK, title="Frank's")
    report = sweep.run(START + 91 * DAY)
    assert (report.threads, report.replies) == (2, 4)
    assert "3 integrations due for review" in dms(patchbay, BOB)[0].text
    assert len(dms(patchbay, BOB)) == 4 and len(dms(patchbay, FRANK)) == 2


def test_needs_changes_and_retire_move_the_integration(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    go_live(patchbay, title="Stale one", data_kinds="contacts")
    go_live(patchbay, title="Unused one", data_kinds="deals")
    sweep.run(START + 90 * DAY)
    first, second = replies(patchbay)
    press(patchbay, first, "Needs changes", user=BOB)
    modal = patchbay.last_view()
    reply = patchbay.submit(modal, {"still_serves": "yes", "data_quality_ok": "no"}, user=BOB)
    assert "what needs to change" in reply.json["errors"]["notes"]
    patchbay.submit(
        modal, {"still_serves": "yes", "data_quality_ok": "no", "notes": "Dedupe contacts"}, user=BOB
    )
    press(patchbay, second, "Retire", user=BOB)
    modal = patchbay.last_view()
    reply = patchbay.submit(modal, {"still_serves": "no", "data_quality_ok": "yes"}, user=BOB)
    assert "Tick the box" in reply.json["errors"]["confirm_retire"]
    patchbay.submit(
        modal, {"still_serves": "no", "data_quality_ok": "yes", "confirm_retire": ["yes"]}, user=BOB
    )
    with patchbay.sessions() as session:
        states = {
            title: state for title, state in session.execute(select(Integration.title, Integration.state))
        }
    assert states == {"Stale one": "changes_requested", "Unused one": "retiring"}
    told = [m.text for m in patchbay.slack.messages if m.channel == GOVERNANCE]
    assert any("Unused one is being retired by" in text for text in told)
    with patchbay.sessions() as session:
        teardown = session.scalars(select(TeardownItem.kind).where(TeardownItem.integration_id == 2)).all()
    assert len(teardown) == 6 and "revoke_credential" in teardown


def test_only_the_owner_or_an_admin_answers_refused_at_the_button(
    patchbay: Patchbay, sweep: ReviewSweep
) -> None:
    go_live(patchbay)
    sweep.run(START + 90 * DAY)
    (reply,) = replies(patchbay)
    keep = next(e for b in reply.blocks if b["type"] == "actions" for e in b["elements"])
    for label in ("Keep", "Needs changes", "Retire"):
        opened = len(patchbay.slack.calls_to("views.open"))
        press(patchbay, reply, label, user=FRANK)
        assert "owner <@U0BOB0002> or a Patchbay admin" in patchbay.responses()[-1]["text"]
        assert len(patchbay.slack.calls_to("views.open")) == opened  # no questions asked first
    press(patchbay, reply, "Keep", user=ALICE)
    assert (
        patchbay.submit(
            patchbay.last_view(), {"still_serves": "yes", "data_quality_ok": "yes"}, user=ALICE
        ).body
        == ""
    )
    opened = len(patchbay.slack.calls_to("views.open"))
    patchbay.click(keep, user=BOB, channel=reply.channel, message={"ts": reply.ts})  # a stale copy
    assert f"<@{ALICE}> already answered" in patchbay.responses()[-1]["text"]
    assert len(patchbay.slack.calls_to("views.open")) == opened


def test_slack_failing_mid_sweep_loses_nothing_and_posts_nothing_twice(
    patchbay: Patchbay, sweep: ReviewSweep
) -> None:
    for i in range(4):
        go_live(patchbay, title=f"Flow {i}", data_kinds=["contacts", "deals", "leads", "tickets"][i])
    patchbay.slack.fail("chat.postMessage", status=500, times=3, after=2)  # parent + 1 reply, then 5xx
    report = sweep.run(START + 90 * DAY)
    assert report.replies == 1 and report.failures
    patchbay.slack.fail("chat.postMessage", status=429, retry_after=1, times=1)  # honoured, then fine
    report = sweep.run(START + 90 * DAY)
    assert report.replies == 3 and not report.failures
    titles = [str(m.blocks) for m in replies(patchbay)]
    assert sorted(next(f"Flow {i}" for i in range(4) if f"Flow {i}" in t) for t in titles) == [
        "Flow 0",
        "Flow 1",
        "Flow 2",
        "Flow 3",
    ]
    parents = [m for m in dms(patchbay, BOB) if m.thread_ts is None]
    assert len(parents) == 1


def test_two_sweeps_at_once_post_each_thread_once(patchbay: Patchbay, settings: Settings) -> None:
    for i in range(6):
        go_live(
            patchbay,
            owner=[BOB, FRANK, ALICE][i % 3],
            title=f"Flow {i}",
            data_kinds=["contacts", "deals"][i // 3],
        )
    patchbay.slack.slow("chat.postMessage", 0.02)
    sweeps = [
        review_sweep(
            settings=settings,
            sessions=patchbay.sessions,
            client=WebClient(token="x", base_url=patchbay.slack.api_url),
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)

    def run(s: ReviewSweep) -> None:
        barrier.wait()
        s.run(START + 90 * DAY)

    threads = [threading.Thread(target=run, args=(s,)) for s in sweeps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(replies(patchbay)) == 6
    assert len([m for m in patchbay.slack.messages if m.thread_ts is None and m.channel.startswith("D")]) == 3
    with patchbay.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewThread)) == 3
        assert session.scalars(select(ReviewCycle.status).distinct()).all() == ["sent"]


def test_an_owner_who_left_is_flagged_and_reassigned(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    go_live(patchbay, owner=FRANK)
    patchbay.slack.people[FRANK].deleted = True
    report = sweep.run(START + 10 * DAY)
    assert report.orphaned == 1
    assert sweep.run(START + 11 * DAY).orphaned == 0  # flagged once
    (card,) = [m for m in patchbay.slack.messages if m.channel == GOVERNANCE and "orphaned" in m.text]
    assert "is orphaned" in str(card.blocks)
    picker = next(b for b in card.blocks if b["type"] == "actions")
    action = {**picker["elements"][0], "block_id": picker["block_id"], "selected_user": BOB}
    patchbay.click(action, user=FRANK, channel=GOVERNANCE, message={"ts": card.ts})
    assert "Only a Patchbay admin" in patchbay.said_to(FRANK)
    patchbay.click(action, user=ALICE, channel=GOVERNANCE, message={"ts": card.ts})
    with patchbay.sessions() as session:
        row = session.get(Integration, 1)
        assert row is not None and (row.owner_id, row.orphaned_at) == (BOB, None)
    assert any(f"now belongs to <@{BOB}>" in c.args["text"] for c in patchbay.slack.calls_to("chat.update"))
    assert any("made you the owner" in m.text for m in dms(patchbay, BOB))


def reassign_to(patchbay: Patchbay, owner_id: str) -> None:
    (card,) = [m for m in patchbay.slack.messages if m.channel == GOVERNANCE and "orphaned" in m.text]
    picker = next(b for b in card.blocks if b["type"] == "actions")
    action = {**picker["elements"][0], "block_id": picker["block_id"], "selected_user": owner_id}
    patchbay.click(action, user=ALICE, channel=GOVERNANCE, message={"ts": card.ts})


def test_reassigning_moves_the_open_review_to_the_new_owner_and_never_dms_who_left(
    patchbay: Patchbay, sweep: ReviewSweep
) -> None:
    go_live(patchbay, owner=FRANK)
    sweep.run(START + 90 * DAY)
    assert len([m for m in dms(patchbay, FRANK) if m.thread_ts]) == 1  # the review, in Frank's thread
    patchbay.slack.people[FRANK].deleted = True
    before = len(dms(patchbay, FRANK))
    for day in range(91, 100):  # reminders fall due on days 3 and 7
        sweep.run(START + day * DAY)
    assert len(dms(patchbay, FRANK)) == before  # nothing more goes to someone who left
    reassign_to(patchbay, FRANK)  # someone who left cannot be the new owner either
    assert "has left the workspace" in patchbay.responses()[-1]["text"]
    reassign_to(patchbay, BOB)
    assert len(dms(patchbay, FRANK)) == before
    assert any("review comes to you" in m.text for m in dms(patchbay, BOB))
    report = sweep.run(START + 100 * DAY)
    assert report.replies == 1
    (moved,) = [m for m in dms(patchbay, BOB) if m.thread_ts and "Keep" in str(m.blocks)]
    press(patchbay, moved, "Keep", user=BOB)
    answer = {"still_serves": "yes", "data_quality_ok": "yes"}
    assert patchbay.submit(patchbay.last_view(), answer, user=BOB).body == ""
    with patchbay.sessions() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        assert (cycle.owner_id, cycle.status, cycle.answered_by) == (BOB, "answered", BOB)


def test_reassigning_from_someone_still_here_says_so_in_their_old_thread(
    patchbay: Patchbay, sweep: ReviewSweep
) -> None:
    go_live(patchbay, owner=FRANK)
    sweep.run(START + 90 * DAY)
    (old,) = [m for m in dms(patchbay, FRANK) if m.thread_ts]
    patchbay.slack.people[FRANK].deleted = True
    sweep.run(START + 91 * DAY)
    patchbay.slack.people[FRANK].deleted = False  # the account was restored before the admin acted
    reassign_to(patchbay, BOB)
    note = dms(patchbay, FRANK)[-1]
    assert note.thread_ts == old.thread_ts and f"now belongs to <@{BOB}>" in note.text


def test_key_rotation_is_reminded_and_recorded(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    go_live(patchbay, rotation_days=30)
    sweep.run(START + 30 * DAY)
    rotation = next(m for m in dms(patchbay, BOB) if "due for rotation" in str(m.blocks))
    button = next(e for b in rotation.blocks if b["type"] == "actions" for e in b["elements"])
    patchbay.clock.set(START + 31 * DAY)
    patchbay.click(button, user=BOB, channel=rotation.channel, message={"ts": rotation.ts})
    with patchbay.sessions() as session:
        row = session.get(Integration, 1)
        assert row is not None and row.rotated_at == START + 31 * DAY
    assert sweep.run(START + 60 * DAY).replies == 0  # next rotation is due 30 days after the last one
    assert sweep.run(START + 61 * DAY).replies == 1


def test_reviews_command_shows_mine_and_admins_see_everyones(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    go_live(patchbay, title="Bob's")
    go_live(patchbay, owner=FRANK, title="Frank's", data_kinds="leads")
    sweep.run(START + 90 * DAY)
    patchbay.clock.set(START + 95 * DAY)
    mine = str(patchbay.command("reviews", user=BOB).json["blocks"])
    assert "Bob's" in mine and "Frank's" not in mine and "overdue" in mine
    everyone = str(patchbay.command("reviews", user=ALICE).json["blocks"])
    assert "Bob's" in everyone and "Frank's" in everyone and "everyone's" in everyone


def test_a_sweep_killed_midway_finishes_on_the_next_run_without_duplicates(
    patchbay: Patchbay, database_url: str, tmp_path: Any
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    for i in range(5):
        go_live(patchbay, title=f"Flow {i}", data_kinds=["contacts", "deals", "leads", "tickets", "tasks"][i])
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PATCHBAY_"))},
        "SLACK_BOT_TOKEN": "xoxb-cli",
        "SLACK_API_URL": patchbay.slack.api_url,
        "DATABASE_URL": database_url,
        "PATCHBAY_SWEEP_CLAIM_SECONDS": "1",
        "PATCHBAY_GOVERNANCE_CHANNEL": GOVERNANCE,
    }
    command = [sys.executable, "-m", "bot.cli", "reviews", "sweep", "--as-of", "2027-02-23"]
    patchbay.slack.slow("chat.postMessage", 0.5)
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    bob = (BOB, patchbay.slack.dm_channel(BOB))
    while len([c for c in patchbay.slack.calls_to("chat.postMessage") if c.args["channel"] in bob]) < 4:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)  # parent and two replies confirmed, the third in flight
    process.wait()
    patchbay.slack.delays.clear()
    time.sleep(1.2)  # the dead sweep's claim expires
    again = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr
    posted = [
        str(c.args.get("blocks"))
        for c in patchbay.slack.calls_to("chat.postMessage")
        if c.args["channel"] in bob and c.args.get("thread_ts")
    ]
    counts = {f"Flow {i}": sum(f"Flow {i}*" in p for p in posted) for i in range(5)}
    assert counts == {f"Flow {i}": 1 for i in range(5)}  # the reply in flight when killed is not posted again
    parents = [
        c
        for c in patchbay.slack.calls_to("chat.postMessage")
        if c.args["channel"] in bob and not c.args.get("thread_ts")
    ]
    assert len(parents) == 1
    status = subprocess.run(
        [sys.executable, "-m", "bot.cli", "reviews", "status", "--as-of", "2027-03-01"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "sent, awaiting an answer: 5" in status.stdout and "overdue: 5" in status.stdout


def test_proposals_left_waiting_are_nudged_then_escalated_once(
    patchbay: Patchbay, sweep: ReviewSweep
) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    add_proposal(patchbay.sessions, source, target)
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).values(state_since=START))
    sweep.run(START + 2 * DAY)
    assert not [m for m in patchbay.slack.messages if "Waiting" in m.text]
    for day in (3, 4, 7, 8):
        sweep.run(START + day * DAY)
    card = next(
        m for m in patchbay.slack.messages if m.channel == GOVERNANCE and m.thread_ts is None and m.blocks
    )
    nudges = [m.text for m in patchbay.slack.messages if m.thread_ts == card.ts and "Waiting" in m.text]
    assert nudges == [":hourglass: Waiting 3 days for a security reviewer to start the review."]
    escalations = [
        m.text for m in patchbay.slack.messages if m.channel == GOVERNANCE and "has waited" in m.text
    ]
    assert len(escalations) == 1 and f"<@{ALICE}>" in escalations[0] and "7 days" in escalations[0]


def test_sweeps_in_three_processes_at_once_post_each_thread_once(
    patchbay: Patchbay, database_url: str, tmp_path: Any
) -> None:
    import os
    import subprocess
    import sys

    for i in range(9):
        go_live(
            patchbay,
            owner=[BOB, FRANK, ALICE][i % 3],
            title=f"Flow {i}",
            data_kinds=["contacts", "deals", "leads"][i // 3],
        )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PATCHBAY_"))},
        "SLACK_BOT_TOKEN": "xoxb-cli",
        "SLACK_API_URL": patchbay.slack.api_url,
        "DATABASE_URL": database_url,
        "PATCHBAY_SLACK_CHANNEL_PACE_SECONDS": "0",
    }
    command = [sys.executable, "-m", "bot.cli", "reviews", "sweep", "--as-of", "2027-02-23"]
    patchbay.slack.slow("chat.postMessage", 0.05)
    processes = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(3)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stdout.read() if process.stdout else ""
    assert len(replies(patchbay)) == 9
    parents = [m for m in patchbay.slack.messages if m.thread_ts is None and m.channel.startswith("D")]
    assert sorted(m.channel for m in parents) == sorted(
        patchbay.slack.dm_channel(u) for u in (ALICE, BOB, FRANK)
    )


def test_the_review_reply_shows_the_quarters_run_figures(patchbay: Patchbay, sweep: ReviewSweep) -> None:
    from tests.bot.runs_client import connect, post_runs, run, runs_url

    reported, silent = go_live(patchbay, title="Reported"), go_live(patchbay, title="Silent")
    token = connect(patchbay, reported, user=BOB)
    runs = [run(f"r{i}", "error" if i < 3 else "success", at=START + i * DAY) for i in range(12)]
    assert post_runs(runs_url(patchbay), {"runs": runs}, token=token).status == 200
    sweep.run(START + 90 * DAY + timedelta(hours=1))
    texts = {
        m.blocks[0]["text"]["text"].split("*")[1]: m.blocks[0]["text"]["text"] for m in replies(patchbay)
    }
    assert (
        ":satellite_antenna: *Runs this quarter*: 12 runs  ·  75% ok  ·  25% errors"
        in texts[f"#{reported} Reported"]
    )
    assert ":satellite_antenna: No runs reported this quarter." in texts[f"#{silent} Silent"]


def test_reviews_say_which_is_the_review_and_which_the_key_rotation_and_history_gives_the_answer(
    patchbay: Patchbay, sweep: ReviewSweep
) -> None:
    go_live(patchbay, rotation_days=90)
    sweep.run(START + 90 * DAY)
    patchbay.clock.set(START + 90 * DAY)
    listed = patchbay.command("reviews", user=BOB).json["blocks"][1]["text"]["text"].splitlines()
    assert len(listed) == 2
    assert "quarterly review" in listed[0] and "key rotation" in listed[1]
    review = next(m for m in replies(patchbay) if "Needs changes" in str(m.blocks))
    press(patchbay, review, "Keep", user=BOB)
    patchbay.submit(patchbay.last_view(), {"still_serves": "yes", "data_quality_ok": "yes"}, user=BOB)
    history = str(patchbay.command("history 1", user=BOB).json)
    assert "answered the quarterly review: keep" in history
