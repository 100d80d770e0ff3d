"""(4) The review sweep: its duration next to the floor Slack's rate limits impose, and its own work."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from benchmarks.lab import Lab
from benchmarks.registry import Row, figure
from bot.app import make_client
from bot.playground.localslack import LocalSlack, Person
from bot.roles import RoleDirectory
from bot.scheduling.jobs import ReviewSweep
from bot.settings import Settings
from commands.policy import Policy
from storage.db import make_engine, make_sessionmaker, migrate
from storage.models import Integration, Tool

OWNERS = 60
PER_OWNER = 5
PER_CHANNEL_PER_SECOND = 1.0  # Slack: about one message a second to one channel
WORKSPACE_PER_MINUTE = 600.0  # Slack: "several hundred messages a minute" across a workspace
HEADROOM = 0.9  # the sweep paces itself a little under the limits, as a client of Slack should
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _seed(url: str, owners: list[str]) -> None:
    migrate(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            insert(Tool),
            [
                {
                    "name": f"Tool {n}",
                    "name_key": f"tool{n}",
                    "category": "crm",
                    "owner_id": owners[0],
                    "data_kinds": [],
                    "data_other": "",
                    "integration_options": [],
                    "vendor_url": "",
                    "notes": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
                for n in range(2)
            ],
        )
        connection.execute(
            insert(Integration),
            [
                {
                    "title": f"Flow {o}-{i}",
                    "purpose": "Seeded for the benchmark",
                    "source_tool_id": 1,
                    "target_tool_id": 2,
                    "trigger": "t",
                    "actions": "a",
                    "data_kinds": [],
                    "mapping": [],
                    "direction": "one_way",
                    "source_of_truth": "",
                    "timing": "realtime",
                    "method": "direct_api",
                    "method_reason": "r",
                    "effort_hours": Decimal(1),
                    "owner_id": owner,
                    "proposer_id": owner,
                    "frequency": 3,
                    "impact": 3,
                    "feasibility": 3,
                    "hours_per_week": Decimal(1),
                    "monthly_cost": Decimal(0),
                    "score": 9,
                    "state": "live",
                    "review_round": 1,
                    "data_classes": [],
                    "live_at": NOW - timedelta(days=91),
                    "next_review_on": date(2027, 2, 28),
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
                for o, owner in enumerate(owners)
                for i in range(PER_OWNER)
            ],
        )
    engine.dispose()


def _run(lab: Lab, name: str, *, limited: bool) -> tuple[float, int]:
    owners = [f"U{n:08d}" for n in range(OWNERS)]
    slack = LocalSlack(tuple(Person(o, o.lower(), o, f"{o}@example.com") for o in owners)).start()
    if limited:
        slack.limit_per_channel("chat.postMessage", PER_CHANNEL_PER_SECOND)
        slack.limit("chat.postMessage", WORKSPACE_PER_MINUTE)
    url = f"sqlite:///{lab.workdir / f'sweep-{name}.db'}"
    _seed(url, owners)
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_api_url=slack.api_url,
        database_url=url,
    )
    client = make_client(settings)
    sweep = ReviewSweep(
        sessions=make_sessionmaker(make_engine(url)),
        client=client,
        policy=Policy(),
        roles=RoleDirectory(settings, client),
        workers=32,
        posts_per_minute=WORKSPACE_PER_MINUTE * HEADROOM if limited else 1e9,
        channel_pace_seconds=1 / PER_CHANNEL_PER_SECOND / HEADROOM if limited else 0.0,
    )
    try:
        started = time.perf_counter()
        report = sweep.run(NOW)
        elapsed = time.perf_counter() - started
    finally:
        slack.stop()
    assert not report.failures, report.failures
    return elapsed, report.threads + report.replies


@figure("review-sweep", "Review sweep: 60 owners x 5 reviews, with Slack's posting limits vs its floor")
def review_sweep(lab: Lab) -> list[Row]:
    limited, messages = _run(lab, "limited", limited=True)
    own, _ = _run(lab, "unlimited", limited=False)
    per_channel_floor = PER_OWNER / PER_CHANNEL_PER_SECOND  # the parent, then one reply a second
    workspace_floor = messages / (WORKSPACE_PER_MINUTE / 60)
    floor = max(per_channel_floor, workspace_floor)
    return [
        Row("sweep, rate limits on", "duration", limited, "s", f"{messages} messages"),
        Row(
            "floor set by the limits",
            "duration",
            floor,
            "s",
            f"max({per_channel_floor:.0f} s per thread, {workspace_floor:.0f} s workspace-wide)",
        ),
        Row("sweep vs floor", "ratio", limited / floor, "x", ""),
        Row(
            "sweep, no rate limits",
            "duration (its own work)",
            own,
            "s",
            f"{own / limited:.0%} of the limited run",
        ),
    ]
