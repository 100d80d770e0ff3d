"""(3b) What figure 3 hides under Bolt's 10 ms ack poll: the use-cases behind `tools`, `queue` and
`show ID` timed in this process against the same databases (500 and 50,000 proposals), with the
number of SQL statements each one sends."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from benchmarks.lab import Lab
from benchmarks.registry import Row, figure
from commands.policy import Policy
from commands.proposal_card import show_integration
from commands.queue import queue
from commands.tools import ToolQuery, list_tools
from storage.db import make_engine, make_sessionmaker, session_scope

SIZES = (500, 50_000)
RUNS = 300
WARMUP = 20


def _measure(lab: Lab, proposals: int) -> dict[str, tuple[float, int]]:
    """Median milliseconds and SQL statements of one call of each use-case (a transaction each)."""
    engine = make_engine(lab.database(tools=1000, proposals=proposals))
    sessions = make_sessionmaker(engine)
    shown = lab.open_ids(tools=1000, proposals=proposals, count=200)
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    cases: dict[str, Callable[[Session, int], object]] = {
        "tools": lambda session, _: list_tools(session=session, query=ToolQuery()),
        "queue": lambda session, _: queue(session=session, policy=Policy()),
        "show": lambda session, i: show_integration(
            session=session, integration_id=shown[i % len(shown)], policy=Policy()
        ),
    }
    found = {}
    event.listen(engine, "before_cursor_execute", count)
    for name, case in cases.items():
        timings = []
        for i in range(WARMUP + RUNS):
            statements[0] = 0
            started = time.perf_counter()
            with session_scope(sessions) as session:
                case(session, i)
            timings.append((time.perf_counter() - started) * 1000)
        found[name] = (statistics.median(timings[WARMUP:]), statements[0])
    engine.dispose()
    return found


@figure("use-case-cost", "tools, queue and show use-cases in process at 500 vs 50,000 proposals")
def use_case_cost(lab: Lab) -> list[Row]:
    measured = {n: _measure(lab, n) for n in SIZES}
    rows = [
        Row(f"{name}, {n:,} proposals", "median", ms, "ms", f"{statements} SQL statements")
        for n in SIZES
        for name, (ms, statements) in measured[n].items()
    ]
    for name in measured[SIZES[0]]:
        growth = measured[SIZES[1]][name][0] / measured[SIZES[0]][name][0]
        rows.append(Row(f"{name}: 50,000 / 500", "growth", growth, "x", "in process, without Bolt"))
    return rows
