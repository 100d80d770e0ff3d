"""Review cadence by risk through Slack: an admin lengthens the low-risk interval, owners answer Keep."""

from __future__ import annotations

from sqlalchemy import update

from bot.app import make_client
from bot.scheduling.jobs import review_sweep
from bot.settings import Settings
from storage.db import session_scope
from storage.models import Integration
from tests.bot.test_reviews_e2e import DAY, go_live, press, replies
from tests.bot.test_settings_e2e import shown
from tests.conftest import ALICE, BOB, START, Patchbay

KEEP = {"still_serves": "yes", "data_quality_ok": "yes", "incidents": ""}


def test_sensitive_integrations_come_back_each_quarter_the_rest_at_the_interval_set_in_slack(
    patchbay: Patchbay, settings: Settings
) -> None:
    patchbay.command("settings", user=ALICE)
    view = patchbay.last_view()
    values = {**shown(view), "low_risk_review_interval_days": "120"}
    assert patchbay.submit(view, values, user=ALICE).body == ""

    personal = go_live(patchbay, title="Contacts to billing")
    internal = go_live(patchbay, title="Tickets to roadmap")
    with session_scope(patchbay.sessions) as session:
        session.execute(update(Integration).where(Integration.id == internal).values(data_classes=["none"]))

    due = START + 90 * DAY
    sweep = review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    assert sweep.run(due).replies == 2
    patchbay.clock.set(due)
    for reply in replies(patchbay):
        press(patchbay, reply, "Keep", user=BOB)
        assert patchbay.submit(patchbay.last_view(), KEEP, user=BOB).body == ""

    with patchbay.sessions() as session:
        quarterly, longer = session.get(Integration, personal), session.get(Integration, internal)
        assert quarterly is not None and quarterly.next_review_on == due.date() + 90 * DAY
        assert longer is not None and longer.next_review_on == due.date() + 120 * DAY
    updates = " ".join(str(c.args.get("blocks")) for c in patchbay.slack.calls_to("chat.update"))
    assert f"Next review: {(due.date() + 120 * DAY).isoformat()}" in updates
