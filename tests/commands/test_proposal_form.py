"""The proposal draft and its row have one definition per field: every field of the draft is a
column of the same name, written in one loop and read back with `from_attributes`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.proposal_form import ProposalDraft, draft_of, write_draft
from commands.tools import ToolDraft, register_tool
from storage.models import Integration
from tests.factories import NOW, proposal_values

BOB = Actor(user_id="U0BOB0002")


def _tools(db: Session) -> tuple[int, int]:
    ids = [
        register_tool(
            session=db,
            actor=BOB,
            draft=ToolDraft.parse({"name": name, "category": "crm", "owner_id": BOB.user_id}),
            now=NOW,
        ).id
        for name in ("Salesforce", "Asana")
    ]
    return ids[0], ids[1]


def _row(db: Session, draft: ProposalDraft) -> Integration:
    row = Integration(proposer_id=BOB.user_id, state="proposed", score=0, created_at=NOW, updated_at=NOW)
    write_draft(row, draft)
    db.add(row)
    db.flush()
    db.expire(row)  # read every column back from the database
    return row


def test_every_draft_field_is_a_column_of_the_same_name() -> None:
    columns = set(Integration.__table__.columns.keys())
    assert set(ProposalDraft.model_fields) <= columns


def test_a_draft_saved_to_its_row_reads_back_the_same(db: Session) -> None:
    source, target = _tools(db)
    draft = ProposalDraft.parse(
        proposal_values(
            source,
            target,
            direction="bi_directional",
            source_of_truth="Salesforce for deals",
            conflict_rule="source_wins",
            timing="batch",
            batch_minutes="60",
            data_kinds=["deals", "contacts"],
            monthly_cost="19.5",
        )
    )

    assert draft_of(_row(db, draft)) == draft


def test_how_often_a_batch_runs_is_kept_only_for_a_batch(db: Session) -> None:
    source, target = _tools(db)
    draft = ProposalDraft.parse(proposal_values(source, target, timing="realtime", batch_minutes="60"))
    assert draft.batch_minutes == 60

    row = _row(db, draft)

    assert row.batch_minutes is None
    assert draft_of(row) == draft.model_copy(update={"batch_minutes": None})
