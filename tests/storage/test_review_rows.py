"""The review sweep's writes and batched reads against a real database: a reply is marked sent only
while pending, unsent cycles are given back, and items are read for many cycles at once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from storage.models import ReviewCycle, ReviewThread
from storage.repositories import reviews as repo
from tests.storage.rows import NOW, cycle

BOB = "U0BOB0002"


def _thread(db: Session, owner: str = BOB) -> ReviewThread:
    row = ReviewThread(
        owner_id=owner, opened_on=NOW.date(), channel="D0BOB0002", ts="1.000100", created_at=NOW
    )
    repo.add(db, row)
    return row


def test_a_pending_cycle_is_marked_sent_and_released_once(db: Session) -> None:
    thread = _thread(db)
    row = cycle(db, owner=BOB, claimed_until=NOW + timedelta(minutes=2))
    row.last_error = "ratelimited"
    db.flush()

    repo.mark_sent(db, cycle_id=row.id, thread_id=thread.id, channel="D0BOB0002", ts="1.000200", at=NOW)
    repo.mark_sent(db, cycle_id=row.id, thread_id=thread.id, channel="D0BOB0002", ts="1.000300", at=NOW)

    db.refresh(row)
    assert (row.status, row.thread_id, row.ts, row.claimed_until, row.last_error) == (
        "sent",
        thread.id,
        "1.000200",
        None,
        "",
    )


def test_release_gives_back_only_pending_cycles_with_the_reason(db: Session) -> None:
    pending = cycle(db, owner=BOB, claimed_until=NOW + timedelta(minutes=2))
    sent = cycle(db, owner=BOB, status="sent", claimed_until=NOW + timedelta(minutes=2))
    look = NOW + timedelta(seconds=5)

    repo.release(db, cycle_ids=[pending.id, sent.id], error="x" * 300, claimed_until=look)

    db.refresh(pending)
    db.refresh(sent)
    assert pending.last_error == "x" * 200 and pending.claimed_until is not None
    assert pending.claimed_until.replace(tzinfo=None) == look.replace(tzinfo=None)
    assert sent.last_error == "" and sent.claimed_until is not None

    repo.release(db, cycle_ids=[pending.id], error="gone", claimed_until=None)
    db.refresh(pending)
    assert (pending.claimed_until, pending.last_error) == (None, "gone")


def test_cycles_and_threads_are_read_by_id_in_one_go(db: Session) -> None:
    rows = [cycle(db, owner=BOB) for _ in range(3)]
    thread = _thread(db, owner="U0CAROL03")

    assert [c.id for c in repo.cycles(db, [rows[2].id, rows[0].id])] == [rows[0].id, rows[2].id]
    assert list(repo.threads(db, [thread.id, 999_999])) == [thread.id]
    assert repo.cycles(db, []) == [] and repo.threads(db, []) == {}


def test_the_latest_answered_review_of_each_integration(db: Session) -> None:
    first = cycle(db, owner=BOB, status="answered", due_on=date(2026, 2, 1))
    first.answered_at, first.outcome = NOW - timedelta(days=90), "needs_changes"
    later = ReviewCycle(
        integration_id=first.integration_id,
        kind="review",
        due_on=date(2026, 5, 1),
        owner_id=BOB,
        status="answered",
        answered_at=NOW,
        outcome="keep",
        created_at=NOW,
    )
    rotation = ReviewCycle(
        integration_id=first.integration_id,
        kind="rotation",
        due_on=date(2026, 6, 1),
        owner_id=BOB,
        status="answered",
        answered_at=NOW + timedelta(days=1),
        outcome="rotated",
        created_at=NOW,
    )
    db.add_all([later, rotation])
    unanswered = cycle(db, owner=BOB)
    db.flush()

    latest = repo.last_answered_of_each(db, [first.integration_id, unanswered.integration_id])

    assert {k: v.outcome for k, v in latest.items()} == {first.integration_id: "keep"}
    assert latest[first.integration_id].id == repo.last_answered(db, first.integration_id).id  # type: ignore[union-attr]
