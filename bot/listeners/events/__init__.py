"""Events API listeners."""

from slack_bolt import App

from bot.listeners.events import home, installation


def register(app: App) -> None:
    home.register(app)
    installation.register(app)
