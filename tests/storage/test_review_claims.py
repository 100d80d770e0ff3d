"""The review sweep's claim queries against a real database: an owner's pending reviews are taken
at most once until the claim runs out, and a claim that ran out marks what an interrupted sweep held."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from storage.repositories import reviews as repo
from tests.storage.rows import NOW, cycle

BOB, CAROL = "U0BOB0002", "U0CAROL03"
UNTIL = NOW + timedelta(seconds=120)


def test_a_claim_takes_only_that_owners_pending_reviews(db: Session) -> None:
    mine = [cycle(db, owner=BOB), cycle(db, owner=BOB)]
    cycle(db, owner=BOB, status="sent")
    cycle(db, owner=BOB, status="answered")
    cycle(db, owner=CAROL)

    claimed = repo.claim_owner(db, owner_id=BOB, wall=NOW, until=UNTIL)

    assert claimed == sorted(c.id for c in mine)


def test_a_held_claim_cannot_be_taken_again_until_it_runs_out(db: Session) -> None:
    ids = [cycle(db, owner=BOB).id]
    assert repo.claim_owner(db, owner_id=BOB, wall=NOW, until=UNTIL) == ids

    assert repo.claim_owner(db, owner_id=BOB, wall=NOW + timedelta(seconds=60), until=UNTIL) == []
    assert repo.owners_with_pending(db, wall=NOW + timedelta(seconds=60)) == []

    later = UNTIL + timedelta(seconds=1)
    assert repo.owners_with_pending(db, wall=later) == [BOB]
    assert repo.claim_owner(db, owner_id=BOB, wall=later, until=later + timedelta(seconds=120)) == ids


def test_owners_with_pending_reviews_are_listed_once_in_order(db: Session) -> None:
    cycle(db, owner=CAROL)
    cycle(db, owner=BOB)
    cycle(db, owner=BOB)
    cycle(db, owner="U0DAVE004", status="answered")
    cycle(db, owner="U0ERIN005", claimed_until=UNTIL)

    assert repo.owners_with_pending(db, wall=NOW) == [BOB, CAROL]


def test_a_claim_that_ran_out_marks_the_reviews_an_interrupted_sweep_held(db: Session) -> None:
    expired = cycle(db, owner=BOB, claimed_until=NOW - timedelta(seconds=1))
    cycle(db, owner=BOB)  # never claimed
    cycle(db, owner=BOB, claimed_until=UNTIL)  # still held by a running sweep
    cycle(db, owner=BOB, status="sent", claimed_until=NOW - timedelta(seconds=1))

    assert repo.interrupted(db, owner_id=BOB, wall=NOW) == {expired.id}
