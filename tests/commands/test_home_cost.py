"""App Home reads everything it shows in one use-case call, and the run health of its integrations
costs a fixed number of SQL statements however many of them are live."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from commands.actor import Actor
from commands.home import app_home, home
from commands.policy import Policy
from commands.run_health import health_of_each
from storage.db import session_scope
from tests.factories import NOW, add_proposal, add_tool, set_state
from tests.statements import counted

OWNER = Actor(user_id="U0BOB0002")


def statements(engine: Engine, sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    """App Home's statements, the dashboard's alone, and the dashboard then its health in two calls."""
    with session_scope(sessions) as session, counted(engine) as both:
        shown = app_home(session=session, actor=OWNER, policy=Policy(), now=NOW)
    assert set(shown.health) == {i.id for i in shown.integrations if i.state.value == "live"}
    with session_scope(sessions) as session, counted(engine) as alone:
        home(session=session, actor=OWNER, policy=Policy(), today=NOW.date())
    with session_scope(sessions) as session, counted(engine) as apart:
        found = home(session=session, actor=OWNER, policy=Policy(), today=NOW.date())
        live = [i.id for i in found.integrations if i.state.value == "live"]
        health_of_each(session=session, integration_ids=live, now=NOW)
    return len(both), len(alone), len(apart)


def test_app_home_costs_no_more_than_the_two_reads_and_its_health_a_fixed_number(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    tools = [add_tool(sessions, name) for name in ("Salesforce", "Asana", "HubSpot")]

    def live(count: int) -> None:
        for n in range(count):
            set_state(
                sessions, add_proposal(sessions, tools[n % 3], tools[(n + 1) % 3], title=f"L{n}"), "live"
            )

    nothing, nothing_alone, _ = statements(engine, sessions)
    assert nothing == nothing_alone  # nothing live: no health read at all
    live(2)
    few, few_alone, few_apart = statements(engine, sessions)
    live(4)
    many, many_alone, many_apart = statements(engine, sessions)
    assert few <= few_apart and many <= many_apart
    assert few - few_alone == many - many_alone > 0  # the health of 2 or 6 live integrations
