"""Button and select listeners."""

from slack_bolt import App

from bot.listeners.actions import (
    check_ins,
    flows,
    home,
    incidents,
    proposals,
    renewals,
    reviews,
    run_reports,
    teardown,
    thresholds,
    tools,
    workflow,
)


def register(app: App) -> None:
    tools.register(app)
    proposals.register(app)
    workflow.register(app)
    reviews.register(app)
    flows.register(app)
    home.register(app)
    run_reports.register(app)
    incidents.register(app)
    check_ins.register(app)
    teardown.register(app)
    thresholds.register(app)
    renewals.register(app)
