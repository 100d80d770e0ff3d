"""A run report for a retired or retiring integration is refused, and raises "something is still running"."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from bot.settings import Settings
from storage.models import AuditEvent, Run
from tests.bot.runs_client import card_button, connect, post_runs, run, runs_url
from tests.bot.test_incidents_e2e import GOVERNANCE, live_with_card, said
from tests.bot.test_run_reports_e2e import replica  # noqa: F401  (the replica fixture)
from tests.conftest import BOB, FRANK, START, Patchbay
from tests.factories import set_state

MARK = ":warning: Something is still running for #1 Payments to ledger"


def alerts(patchbay: Patchbay) -> list[tuple[str, str]]:
    patchbay.wait_idle()
    return sorted((m.channel, m.text) for m in patchbay.slack.messages if MARK in m.text)


def audited(patchbay: Patchbay) -> int:
    with patchbay.sessions() as session:
        query = select(func.count()).where(AuditEvent.action == "integration.still_running")
        return int(session.scalar(query) or 0)


def stored_runs(patchbay: Patchbay) -> int:
    with patchbay.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Run)) or 0)


def test_reports_after_retirement_are_refused_and_alert_once_a_day(
    patchbay: Patchbay,
    settings: Settings,
    replica: str,  # noqa: F811
) -> None:
    integration_id = live_with_card(patchbay, settings)
    token, url = connect(patchbay, integration_id, user=BOB), runs_url(patchbay)
    assert post_runs(url, run("before", at=START), token=token).status == 200
    patchbay.click(card_button(patchbay, integration_id, "Retire", user=BOB), user=BOB)
    patchbay.wait_idle()

    # Retiring revoked the token: the Zap still reports, from both replicas at once.
    barrier = threading.Barrier(6)

    def send(n: int) -> int:
        barrier.wait()
        target = url if n % 2 else replica
        return post_runs(target, run(f"after{n}", "error", at=START, error="401"), token=token).status

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(send, range(6))) == [401] * 6
    assert stored_runs(patchbay) == 1
    assert audited(patchbay) == 1
    told = alerts(patchbay)
    assert [channel for channel, _ in told] == sorted([GOVERNANCE, patchbay.slack.dm_channel(BOB)])
    assert "which is retiring: a run report arrived with its revoked token" in told[0][1]
    assert "<@U0BOB0002>, switch the automation off" in told[0][1]

    # More reports the same day: refused, no more alerts. The next day, once more.
    assert post_runs(url, run("again", at=START), token=token).status == 401
    assert len(alerts(patchbay)) == 2
    set_state(patchbay.sessions, integration_id, "retired")
    patchbay.clock.advance(timedelta(days=1))
    assert post_runs(url, run("next-day", at=START), token=token).status == 401
    assert post_runs(url, run("next-day-2", at=START), token=token).status == 401
    assert len(alerts(patchbay)) == 4 and audited(patchbay) == 2
    assert "which is retired" in said(patchbay, MARK, channel=GOVERNANCE)[-1]
    history = str(patchbay.command(f"history {integration_id}", user=FRANK).json["blocks"])
    assert "something is still running" in history


def test_other_refused_tokens_raise_no_alert(patchbay: Patchbay, settings: Settings) -> None:
    integration_id = live_with_card(patchbay, settings)
    url = runs_url(patchbay)
    old = connect(patchbay, integration_id, user=BOB)
    connect(patchbay, integration_id, user=BOB)  # rotated: the old token is revoked, the integration live
    assert post_runs(url, run("r1", at=START), token=old).status == 401
    assert post_runs(url, run("r2", at=START), token="pbr_" + "x" * 43).status == 401
    assert post_runs(url, run("r3", at=START), token="not-ours").status == 401
    set_state(patchbay.sessions, integration_id, "suspended")  # suspended, not retired: the runbook's job
    assert post_runs(url, run("r4", at=START), token=old).status == 401
    assert alerts(patchbay) == [] and audited(patchbay) == 0 and stored_runs(patchbay) == 0
