"""Security reviews and approvals of integrations."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from storage.models import Approval, Integration, SecurityReview


def lock_integration(session: Session, integration_id: int) -> Integration | None:
    """Load the integration and hold its row until the transaction ends.

    PostgreSQL locks the row; SQLite already holds the write lock from BEGIN IMMEDIATE.
    """
    query = select(Integration).where(Integration.id == integration_id).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


def latest(session: Session, integration_id: int, *, round: int | None = None) -> SecurityReview | None:
    query = select(SecurityReview).where(SecurityReview.integration_id == integration_id)
    if round is not None:
        query = query.where(SecurityReview.round == round)
    return session.scalars(query.order_by(SecurityReview.id.desc()).limit(1)).first()


def latest_passed(session: Session, integration_id: int) -> SecurityReview | None:
    query = select(SecurityReview).where(
        SecurityReview.integration_id == integration_id, SecurityReview.outcome == "pass"
    )
    return session.scalars(query.order_by(SecurityReview.id.desc()).limit(1)).first()


def add(session: Session, row: SecurityReview | Approval) -> None:
    session.add(row)
    session.flush()


def approvers(session: Session, integration_id: int, round: int) -> Sequence[str]:
    query = select(Approval.approver_id).where(
        Approval.integration_id == integration_id, Approval.round == round
    )
    return session.scalars(query.order_by(Approval.id)).all()


def approval_count(session: Session, integration_id: int, round: int) -> int:
    query = (
        select(func.count())
        .select_from(Approval)
        .where(Approval.integration_id == integration_id, Approval.round == round)
    )
    return session.scalar(query) or 0


_NEWEST_OF_EACH = select(SecurityReview).where(
    SecurityReview.id.in_(
        select(func.max(SecurityReview.id))
        .where(SecurityReview.integration_id.in_(bindparam("ids", expanding=True)))
        .group_by(SecurityReview.integration_id)
    )
)
_APPROVALS_OF_EACH = (
    select(Approval.integration_id, Approval.round, Approval.approver_id)
    .where(Approval.integration_id.in_(bindparam("ids", expanding=True)))
    .order_by(Approval.id)
)


def latest_of_each(session: Session, integration_ids: Collection[int]) -> dict[int, SecurityReview]:
    """The newest review of each of these integrations (as `latest` without a round), in one query."""
    if not integration_ids:
        return {}
    found = session.scalars(_NEWEST_OF_EACH, {"ids": sorted(set(integration_ids))})
    return {review.integration_id: review for review in found}


def approvers_of_each(session: Session, rounds: Mapping[int, int]) -> dict[int, list[str]]:
    """Who approved each integration in its round (`rounds`: integration id -> round), in one query."""
    if not rounds:
        return {}
    found: dict[int, list[str]] = {integration_id: [] for integration_id in rounds}
    for integration_id, round_, approver_id in session.execute(_APPROVALS_OF_EACH, {"ids": sorted(rounds)}):
        if rounds[integration_id] == round_:
            found[integration_id].append(approver_id)
    return found
