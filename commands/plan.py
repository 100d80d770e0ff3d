"""The decision table: every integration not rejected or retired, best first, and its CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.vocabulary import ENDED, Method, State
from storage.repositories import integrations as repo
from storage.repositories import tools as tool_repo


class PlanRow(BaseModel):
    id: int
    integration: str
    method: str
    reason: str
    effort_hours: Decimal
    owner_id: str
    score: int
    payback_months: Decimal | None
    status: str


PLAN_COLUMNS = (
    "id",
    "integration",
    "method",
    "reason",
    "effort_hours",
    "owner",
    "score",
    "payback_months",
    "status",
)


def plan(*, session: Session) -> list[PlanRow]:
    """The decision table: every integration not rejected or retired, best first."""
    states = [s.value for s in State if s not in ENDED]
    names = {tool.id: tool.name for tool in tool_repo.all_tools(session)}
    return [
        PlanRow(
            id=i.id,
            integration=f"{i.title} ({names.get(i.source_tool_id, '?')} -> "
            f"{names.get(i.target_tool_id, '?')})",
            method=Method(i.method).label,
            reason=i.method_reason,
            effort_hours=i.effort_hours,
            owner_id=i.owner_id,
            score=i.score,
            payback_months=i.payback_months,
            status=State(i.state).label,
        )
        for i in repo.all_in(session, states=states)
    ]


def plan_csv(*, session: Session) -> str:
    """The decision table as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLAN_COLUMNS)
    for row in plan(session=session):
        writer.writerow(
            (
                row.id,
                row.integration,
                row.method,
                row.reason,
                row.effort_hours,
                row.owner_id,
                row.score,
                "" if row.payback_months is None else row.payback_months,
                row.status,
            )
        )
    return out.getvalue()
