"""The first month live: a weekly check-in in the card's thread with that week's figures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.app import make_client
from bot.jobs import check_ins
from bot.settings import Settings
from storage.db import session_scope
from storage.models import AuditEvent, CheckIn, Integration
from tests.bot.runs_client import connect, post_runs, run, runs_url
from tests.bot.test_incidents_e2e import live_with_card, said
from tests.conftest import BOB, FRANK, START, Patchbay

WEEK = timedelta(weeks=1)


def test_weekly_check_ins_in_the_first_month_record_the_owners_answer_once(
    patchbay: Patchbay, settings: Settings
) -> None:
    integration_id = live_with_card(patchbay, settings)
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).where(Integration.id == integration_id).values(live_at=START))
    token = connect(patchbay, integration_id, user=BOB)
    runs = [
        run(f"w{i}", "error" if i == 0 else "success", at=START + timedelta(days=i + 1)) for i in range(4)
    ]
    assert post_runs(runs_url(patchbay), {"runs": runs}, token=token).status == 200

    post = check_ins(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert post(START + 6 * 24 * timedelta(hours=1)) == 0
    assert post(START + WEEK + timedelta(hours=1)) == 1
    assert post(START + WEEK + timedelta(hours=25)) == 0
    posted = [m for m in patchbay.slack.messages if ":calendar: *Week 1 of 4 live*" in str(m.blocks)]
    assert len(posted) == 1 and posted[0].thread_ts is not None
    assert "4 runs  ·  75% ok  ·  25% errors" in str(posted[0].blocks)

    buttons = {
        e["text"]["text"]: e for b in posted[0].blocks if b["type"] == "actions" for e in b["elements"]
    }
    assert list(buttons) == ["Looks good", "Investigate"]
    patchbay.click(buttons["Investigate"], user=FRANK, channel=posted[0].channel)
    assert "Only the owner <@U0BOB0002> or a Patchbay admin" in str(patchbay.responses())
    patchbay.click(buttons["Looks good"], user=BOB, channel=posted[0].channel)
    patchbay.click(buttons["Investigate"], user=BOB, channel=posted[0].channel)
    patchbay.wait_idle()
    assert said(patchbay, ":memo: <@U0BOB0002> says week 1 looks good.", thread=True)
    assert not said(patchbay, "needs a closer look")

    assert post(START + 5 * WEEK) == 1  # weeks 2 and 3 passed unseen; week 4 is still fresh
    assert post(START + 9 * WEEK) == 0  # the first month is over
    with patchbay.sessions() as session:
        rows = session.scalars(select(CheckIn).order_by(CheckIn.week)).all()
        assert [(r.week, r.answer, r.answered_by) for r in rows] == [(1, "looks_good", BOB), (4, None, None)]
        answers = session.scalars(
            select(AuditEvent.after).where(AuditEvent.action == "integration.check_in")
        ).all()
        assert answers == [{"week": 1, "answer": "looks_good"}]
