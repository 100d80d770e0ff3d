"""Wording for the weekly check-ins of an integration's first month live."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.forms import CheckInRef
from bot.ids import Action, Block
from bot.text import escape
from bot.views.elements import actions, button, section
from bot.views.fallbacks import named
from bot.views.run_health import figures_text
from commands.check_ins import WEEKS, CheckInAnswer, CheckInView

ANSWER_WORDS = {CheckInAnswer.LOOKS_GOOD: "looks good", CheckInAnswer.INVESTIGATE: "needs a closer look"}


def check_in_blocks(view: CheckInView) -> list[SlackBlock]:
    """The check-in in the card's thread: the week's figures, Looks good and Investigate."""
    text = (
        f":calendar: *Week {view.week} of {WEEKS} live* for #{view.integration_id} {escape(view.title)}, "
        f"<@{view.owner_id}>: how does it look?\n{figures_text(view.figures)}"
    )
    buttons = [
        button(
            "Looks good",
            Action.CHECK_IN_GOOD,
            CheckInRef(check_in_id=view.id, answer=CheckInAnswer.LOOKS_GOOD).model_dump_json(),
            style="primary",
        ),
        button(
            "Investigate",
            Action.CHECK_IN_INVESTIGATE,
            CheckInRef(check_in_id=view.id, answer=CheckInAnswer.INVESTIGATE).model_dump_json(),
        ),
    ]
    return [section(text), actions(*buttons, block_id=Block.CHECK_IN_BUTTONS)]


def check_in_text(view: CheckInView) -> str:
    if view.answer is None:
        return f"Week {view.week} check-in of {named(view.integration_id, view.title)}"
    return f":memo: <@{view.answered_by}> says week {view.week} {ANSWER_WORDS[view.answer]}."
