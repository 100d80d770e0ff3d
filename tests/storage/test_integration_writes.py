"""The conditional writes on integrations against a real database: a state change happens only from
the state it expects, a wait is nudged (or escalated) once, and a card's place is remembered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from storage.repositories import integrations as repo
from tests.storage.rows import NOW, integration


def test_a_state_moves_only_from_the_state_it_expects_and_bumps_the_version(db: Session) -> None:
    row = integration(db, score=5, payback="2", state="awaiting_approval")
    version = row.version

    assert repo.move_state(db, row.id, from_state="awaiting_approval", values={"state": "approved"})
    assert not repo.move_state(db, row.id, from_state="awaiting_approval", values={"state": "rejected"})

    db.refresh(row)
    assert (row.state, row.version) == ("approved", version + 1)


def test_a_wait_is_nudged_once_and_again_only_after_the_state_changed(db: Session) -> None:
    row = integration(db, score=5, payback="2", state="proposed")
    row.state_since = NOW
    db.flush()

    assert repo.take_wait_notice(db, integration_id=row.id, state_since=NOW, column="nudged_for")
    assert not repo.take_wait_notice(db, integration_id=row.id, state_since=NOW, column="nudged_for")
    assert repo.take_wait_notice(db, integration_id=row.id, state_since=NOW, column="escalated_for")

    later = NOW + timedelta(days=1)
    assert not repo.take_wait_notice(db, integration_id=row.id, state_since=later, column="nudged_for")
    row.state_since = later
    db.flush()
    assert repo.take_wait_notice(db, integration_id=row.id, state_since=later, column="nudged_for")


def test_only_integrations_that_know_since_when_they_wait_are_waiting(db: Session) -> None:
    since = integration(db, score=5, payback="2", state="security_review")
    since.state_since = NOW
    integration(db, score=5, payback="2", state="security_review")  # no state_since
    other = integration(db, score=5, payback="2", state="live")
    other.state_since = NOW
    db.flush()

    found = [i.id for i in repo.waiting_in(db, states=["security_review"])]

    assert since.id in found and other.id not in found
    assert all(i.state_since is not None for i in repo.waiting_in(db, states=["security_review"]))


def test_a_card_place_is_remembered(db: Session) -> None:
    row = integration(db, score=5, payback="2")
    version = row.version

    repo.place_card(db, integration_id=row.id, channel="C0GOV0001", ts="1700000000.000100")

    db.refresh(row)
    assert (row.card_channel, row.card_ts, row.version) == ("C0GOV0001", "1700000000.000100", version + 1)


def test_integrations_are_read_by_id_in_one_map(db: Session) -> None:
    rows = [integration(db, score=n, payback=None) for n in (1, 2, 3)]

    found = repo.by_ids(db, [rows[0].id, rows[2].id, 999_999])

    assert sorted(found) == [rows[0].id, rows[2].id]
    assert repo.by_ids(db, []) == {}
