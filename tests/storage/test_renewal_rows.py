"""The renewal follow-up's queries against a real database: which passed dates still need following,
and the conditional update that rolls a date forward once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from storage.models import RenewalNotice
from storage.repositories import renewals as repo
from tests.storage.rows import NOW, tool

PASSED = date(2026, 11, 1)
TODAY = NOW.date()


def test_a_date_is_rolled_forward_only_from_the_date_it_still_has(db: Session) -> None:
    row = tool(db)
    row.renews_on, row.auto_renews = PASSED, True
    db.flush()
    version = row.version
    later = date(2027, 11, 1)

    assert repo.roll_forward(db, tool_id=row.id, renews_on=PASSED, to=later, at=NOW)
    assert not repo.roll_forward(db, tool_id=row.id, renews_on=PASSED, to=later, at=NOW)  # a second replica
    db.refresh(row)
    assert (row.renews_on, row.version, row.updated_at) == (later, version + 1, NOW)

    manual = tool(db)
    manual.renews_on = PASSED
    retired = tool(db)
    retired.renews_on, retired.auto_renews, retired.retired_at = PASSED, True, NOW
    db.flush()
    assert not repo.roll_forward(db, tool_id=manual.id, renews_on=PASSED, to=later, at=NOW)
    assert not repo.roll_forward(db, tool_id=retired.id, renews_on=PASSED, to=later, at=NOW)


def test_passed_dates_are_listed_until_answered_or_asked_about(db: Session) -> None:
    waiting, answered, asked, earlier_asked, today, ahead, _dateless = (tool(db) for _ in range(7))
    for row in (waiting, answered, asked, earlier_asked):
        row.renews_on = PASSED
    today.renews_on, ahead.renews_on = TODAY, TODAY + timedelta(days=3)
    db.add_all(
        [
            RenewalNotice(
                tool_id=answered.id,
                renews_on=PASSED,
                days_before=30,
                created_at=NOW,
                answer="replace",
                answered_by="U0BOB0002",
                answered_at=NOW,
            ),
            RenewalNotice(tool_id=waiting.id, renews_on=PASSED, days_before=30, created_at=NOW),
            RenewalNotice(tool_id=asked.id, renews_on=PASSED, days_before=-1, created_at=NOW),
            # asked about an earlier date: the current one still needs following
            RenewalNotice(
                tool_id=earlier_asked.id,
                renews_on=PASSED - timedelta(days=365),
                days_before=-1,
                created_at=NOW,
            ),
        ]
    )
    db.flush()
    found = repo.passed_unfollowed(db, TODAY, asked=-1)
    assert [t.id for t in found] == [waiting.id, earlier_asked.id]
