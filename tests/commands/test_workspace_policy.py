"""The workspace policy use-cases against a real database: defaults, overrides, versions, races."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from commands.actor import Actor, Role
from commands.errors import Conflict, InvalidInput, NotAllowed
from commands.policy import Policy
from commands.workspace_policy import change_policy, read_policy
from storage.db import session_scope
from tests.conftest import START

ADMIN = Actor(user_id="U0ALICE01", roles=frozenset({Role.ADMIN}))
DEFAULTS = Policy(hourly_rate=Decimal(60), governance_channel="C0GOVERN")


def test_a_new_workspace_runs_on_the_environment_and_overrides_follow_it(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        assert read_policy(session=session, defaults=DEFAULTS).policy == DEFAULTS
        change_policy(
            session=session, actor=ADMIN, defaults=DEFAULTS, values={"focus_size": "3"}, version=0, now=START
        )
    with session_scope(sessions) as session:
        later_defaults = DEFAULTS.model_copy(update={"hourly_rate": Decimal(70)})
        state = read_policy(session=session, defaults=later_defaults)
    assert (state.policy.focus_size, state.policy.hourly_rate, state.version) == (3, Decimal(70), 1)


def test_two_admins_saving_from_the_same_version_one_wins(sessions: sessionmaker[Session]) -> None:
    first, second = sessions(), sessions()
    try:
        change_policy(
            session=first, actor=ADMIN, defaults=DEFAULTS, values={"inflight_cap": "7"}, version=0, now=START
        )
        first.commit()
        with pytest.raises(Conflict):
            change_policy(
                session=second,
                actor=ADMIN,
                defaults=DEFAULTS,
                values={"inflight_cap": "9"},
                version=0,
                now=START,
            )
    finally:
        first.close()
        second.close()
    with session_scope(sessions) as session:
        assert read_policy(session=session, defaults=DEFAULTS).policy.inflight_cap == 7


def test_members_cannot_change_it_and_bad_values_are_named(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        with pytest.raises(NotAllowed):
            change_policy(
                session=session,
                actor=Actor(user_id="U0BOB0002"),
                defaults=DEFAULTS,
                values={"focus_size": "3"},
                version=0,
                now=START,
            )
        with pytest.raises(InvalidInput) as raised:
            change_policy(
                session=session,
                actor=ADMIN,
                defaults=DEFAULTS,
                values={"focus_size": "0", "review_reminder_days": ""},
                version=0,
                now=START,
            )
    assert set(raised.value.errors) == {"focus_size", "review_reminder_days"}
