"""Teardown checklists of retiring integrations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import TeardownItem


def add(session: Session, items: Iterable[TeardownItem]) -> None:
    session.add_all(list(items))
    session.flush()


def items_of(session: Session, integration_id: int) -> Sequence[TeardownItem]:
    query = select(TeardownItem).where(TeardownItem.integration_id == integration_id)
    return session.scalars(query.order_by(TeardownItem.position)).all()


def items_of_each(session: Session, integration_ids: Iterable[int]) -> dict[int, list[TeardownItem]]:
    ids = list(integration_ids)
    found: dict[int, list[TeardownItem]] = {i: [] for i in ids}
    if not ids:
        return found
    query = select(TeardownItem).where(TeardownItem.integration_id.in_(ids))
    for item in session.scalars(query.order_by(TeardownItem.integration_id, TeardownItem.position)):
        found[item.integration_id].append(item)
    return found


def get(session: Session, item_id: int) -> TeardownItem | None:
    return session.get(TeardownItem, item_id)


def settle(session: Session, *, item_id: int, status: str, reason: str, by: str, at: datetime) -> bool:
    """Settle an open item; False when it was already settled (a double click, a retry)."""
    result = session.execute(
        update(TeardownItem)
        .where(TeardownItem.id == item_id, TeardownItem.status == "open")
        .values(status=status, reason=reason, settled_by=by, settled_at=at)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount == 1  # type: ignore[attr-defined]


def open_count(session: Session, integration_id: int) -> int:
    query = select(func.count()).where(
        TeardownItem.integration_id == integration_id, TeardownItem.status == "open"
    )
    return session.scalar(query) or 0
