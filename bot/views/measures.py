"""Block Kit for success measures: the button on live integrations and the form behind it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import ButtonElement
from slack_sdk.models.views import View

from bot.forms import IntegrationRef
from bot.ids import Action, Block, Callback
from bot.text import escape
from bot.views.elements import actions, button, plain, section
from bot.views.limits import text_field
from commands.measures import MEASURABLE, MeasureLine, MeasuresForm
from commands.proposal_card import IntegrationCard
from commands.vocabulary import counted


def measures_button(integration_id: int) -> ButtonElement:
    ref = IntegrationRef(integration_id=integration_id).model_dump_json()
    return button("Record success measures", Action.RECORD_MEASURES, ref)


def measure_actions(card: IntegrationCard) -> list[SlackBlock]:
    """The Record success measures button, for integrations that are live (or suspended)."""
    if card.state not in MEASURABLE:
        return []
    return [actions(measures_button(card.id), block_id=Block.MEASURE_BUTTONS)]


def measures_modal(*, integration_id: int, title: str) -> View:
    blocks: list[SlackBlock] = [
        section(
            f"*#{integration_id} {escape(title)}*\nWhat it achieves now. Record it at go-live and at each "
            "review; the document and the dashboard show how it changes."
        ),
        text_field(MeasuresForm, Block.HOURS_SAVED, "Hours saved per week", placeholder="3"),
        text_field(MeasuresForm, Block.ERRORS_AVOIDED, "Manual errors avoided per month", placeholder="4"),
        text_field(
            MeasuresForm,
            Block.FRESHNESS,
            "Data freshness (minutes from an event to its sync)",
            placeholder="5",
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.MEASURES,
        private_metadata=IntegrationRef(integration_id=integration_id).model_dump_json(),
        title=plain("Success measures"),
        submit=plain("Record"),
        close=plain("Cancel"),
        blocks=blocks,
    )


def measure_text(line: MeasureLine) -> str:
    return (
        f"{line.hours_saved_per_week} h/week saved, {line.errors_avoided} errors/month avoided, "
        f"{line.freshness_minutes} min fresh"
    )


def trend_text(lines: list[MeasureLine]) -> str:
    """The latest measures and, when there are several, how hours saved moved since the first."""
    if not lines:
        return "no success measures yet"
    latest = lines[-1]
    if len(lines) == 1:
        return measure_text(latest) + f" ({latest.recorded_at:%Y-%m-%d})"
    first = lines[0]
    return (
        f"{measure_text(latest)}; hours saved {first.hours_saved_per_week} -> {latest.hours_saved_per_week} "
        f"over {counted(len(lines), 'record')} since {first.recorded_at:%Y-%m-%d}"
    )
