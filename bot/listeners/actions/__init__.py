"""Button and select listeners."""

from slack_bolt import App

from bot.listeners.actions import flows, home, proposals, reviews, teardown, tools, workflow


def register(app: App) -> None:
    tools.register(app)
    proposals.register(app)
    workflow.register(app)
    reviews.register(app)
    flows.register(app)
    home.register(app)
    teardown.register(app)
