"""Large, realistic databases for the benchmarks, written with bulk inserts through SQLAlchemy Core.

Proposals are scored and costed by the real `evaluate()`, so scores run 3-15 (1-5 each) and payback
varies from weeks to never; most are open proposals, some are in flight, live or ended. Reviewed
proposals get their security reviews and approvals, as the workflow would have left them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, insert, select

from bot.playground.localslack import DEFAULT_PEOPLE
from commands.economics import evaluate
from commands.policy import Policy
from commands.vocabulary import (
    IN_FLIGHT,
    AccessLevel,
    Category,
    CredentialStorage,
    CredentialType,
    DataKind,
    Method,
    State,
)
from storage.models import Approval, Integration, SecurityReview, Tool
from storage.repositories.tools import name_key

CHUNK = 2000
IN_FLIGHT_KEPT = 8
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Where a realistic backlog stands: mostly open proposals, a few in flight, some live or ended.
STATE_WEIGHTS = (
    (State.PROPOSED, 70.0),
    (State.SECURITY_REVIEW, 8.0),
    (State.CHANGES_REQUESTED, 4.0),
    (State.AWAITING_APPROVAL, 6.0),
    (State.APPROVED, 0.6),
    (State.IN_SANDBOX, 0.4),
    (State.LIVE, 6.0),
    (State.SUSPENDED, 0.5),
    (State.REJECTED, 3.5),
    (State.RETIRED, 1.0),
)
REVIEWED = frozenset(
    {
        State.CHANGES_REQUESTED,
        State.AWAITING_APPROVAL,
        State.APPROVED,
        State.IN_SANDBOX,
        State.LIVE,
        State.SUSPENDED,
    }
)
APPROVED = frozenset({State.APPROVED, State.IN_SANDBOX, State.LIVE, State.SUSPENDED})
VERBS = ("Sync", "Copy", "Push", "Mirror", "Send", "Match", "Enrich", "Archive")
THINGS = ("deals", "contacts", "tickets", "invoices", "hires", "orders", "leads", "projects", "events")


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def seed_tools(engine: Engine, count: int) -> None:
    """`count` active tools, named `Tool 00000` up, across every category and sample owner."""
    owners = [p.id for p in DEFAULT_PEOPLE]
    categories = list(Category)
    rows: list[dict[str, Any]] = [
        {
            "name": f"Tool {n:05d}",
            "name_key": name_key(f"Tool {n:05d}"),
            "category": categories[n % len(categories)].value,
            "owner_id": owners[n % len(owners)],
            "data_kinds": [],
            "data_other": "",
            "integration_options": [],
            "vendor_url": "",
            "monthly_cost": None,
            "notes": "Seeded for the benchmark.",
            "created_at": EPOCH,
            "updated_at": EPOCH,
            "version": 1,
        }
        for n in range(count)
    ]
    with engine.begin() as connection:
        for chunk in _chunks(rows):
            connection.execute(insert(Tool), chunk)


def seed_proposals(engine: Engine, count: int, *, seed: int = 7) -> None:
    """`count` integrations between the seeded tools, with reviews and approvals where due."""
    rng = random.Random(seed)
    policy = Policy()
    people = [p.id for p in DEFAULT_PEOPLE]
    kinds = [k.value for k in DataKind]
    states = [s for s, _ in STATE_WEIGHTS]
    weights = [w for _, w in STATE_WEIGHTS]
    with engine.connect() as connection:
        tool_ids = list(connection.scalars(select(Tool.id)))
        first_id = (connection.scalar(select(func.max(Integration.id))) or 0) + 1
    in_flight = 0
    integrations: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    approvals: list[dict[str, Any]] = []
    for n in range(count):
        source, target = rng.sample(tool_ids, 2)
        frequency, impact, feasibility = (rng.randint(1, 5) for _ in range(3))
        hours = Decimal(rng.choice((0, 0.5, 1, 2, 3, 5, 8, 12, 20))).quantize(Decimal("0.1"))
        cost = Decimal(rng.choice((0, 0, 10, 20, 50, 100, 300, 1000)))
        effort = Decimal(rng.choice((2, 4, 8, 16, 24, 40, 80, 160)))
        economics = evaluate(
            frequency=frequency,
            impact=impact,
            feasibility=feasibility,
            hours_per_week=hours,
            monthly_cost=cost,
            effort_hours=effort,
            policy=policy,
        )
        state = rng.choices(states, weights)[0]
        if state in IN_FLIGHT:  # approving past the in-flight cap needs an admin: keep a handful
            in_flight += 1
            state = state if in_flight <= IN_FLIGHT_KEPT else State.LIVE
        created = EPOCH + timedelta(minutes=7 * n)
        thing = rng.choice(THINGS)
        classes = rng.choice((["none"], ["personal"], ["financial"], ["personal", "financial"]))
        row_id = first_id + n
        integrations.append(
            {
                "id": row_id,
                "title": f"{rng.choice(VERBS)} {thing} #{row_id}",
                "purpose": f"Stop copying {thing} between the two tools by hand.",
                "source_tool_id": source,
                "target_tool_id": target,
                "trigger": f"A {thing[:-1]} is created or updated",
                "actions": f"Create or update the matching {thing[:-1]}",
                "data_kinds": rng.sample(kinds, rng.randint(1, 3)),
                "mapping": [{"source": "Name", "target": "Name", "note": ""}],
                "direction": "one_way",
                "source_of_truth": "",
                "conflict_rule": None,
                "timing": "realtime",
                "batch_minutes": None,
                "method": rng.choice(list(Method)).value,
                "method_reason": "Both tools have connectors.",
                "effort_hours": effort,
                "owner_id": rng.choice(people),
                "proposer_id": rng.choice(people),
                "frequency": frequency,
                "impact": impact,
                "feasibility": feasibility,
                "hours_per_week": hours,
                "monthly_cost": cost,
                "score": economics.score,
                "payback_months": economics.payback_months,
                "state": state.value,
                "review_round": 1 if state in REVIEWED else 0,
                "data_classes": classes if state in REVIEWED else [],
                "rotation_days": 90 if state in REVIEWED else None,
                "pending_change": None,
                "resume_state": None,
                "card_channel": None,
                "card_ts": None,
                "state_since": created,
                "live_at": created + timedelta(days=20) if state in (State.LIVE, State.SUSPENDED) else None,
                "next_review_on": (created + timedelta(days=110)).date() if state is State.LIVE else None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        if state in REVIEWED:
            reviews.append(
                {
                    "integration_id": row_id,
                    "round": 1,
                    "reviewer_id": "U0CAROL03",
                    "scopes": [{"tool": "source", "scope": "read"}],
                    "access_level": AccessLevel.READ_ONLY.value,
                    "credential_type": CredentialType.OAUTH.value,
                    "credential_storage": CredentialStorage.VAULT.value,
                    "data_classes": classes,
                    "attestations": [],
                    "encrypted_in_transit": True,
                    "encrypted_at_rest": True,
                    "rotation_days": 90,
                    "outcome": "changes_requested" if state is State.CHANGES_REQUESTED else "pass",
                    "notes": "",
                    "created_at": created + timedelta(days=3),
                }
            )
        if state in APPROVED:
            for approver in ("U0DAVE004", "U0ERIN005")[: 2 if classes != ["none"] else 1]:
                approvals.append(
                    {
                        "integration_id": row_id,
                        "round": 1,
                        "approver_id": approver,
                        "created_at": created + timedelta(days=5),
                    }
                )
    with engine.begin() as connection:
        for table, rows in ((Integration, integrations), (SecurityReview, reviews), (Approval, approvals)):
            for chunk in _chunks(rows):
                connection.execute(insert(table), chunk)
        if connection.dialect.name == "postgresql":  # ids were given, so move the sequence past them
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('integrations', 'id'), max(id)) FROM integrations"
            )


def settle(engine: Engine) -> None:
    """On PostgreSQL, VACUUM ANALYZE as autovacuum would after a bulk load (statistics, visibility map).

    SQLite is left without ANALYZE statistics, as a deployment that never runs ANALYZE would be.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
