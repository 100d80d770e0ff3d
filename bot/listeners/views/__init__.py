"""Modal submission listeners."""

from slack_bolt import App

from bot.listeners.views import (
    assessment,
    flows,
    measures,
    proposals,
    renewals,
    reviews,
    run_reports,
    settings,
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
    measures.register(app)
    run_reports.register(app)
    settings.register(app)
    teardown.register(app)
    thresholds.register(app)
    renewals.register(app)
    assessment.register(app)
