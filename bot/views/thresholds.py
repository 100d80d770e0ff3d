"""An integration's alert thresholds: the line on its card and document, the form, the confirmation."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.views import View

from bot.forms import IntegrationRef, ThresholdsMeta
from bot.ids import Action, Block, Callback
from bot.text import escape
from bot.views.elements import (
    actions,
    button,
    context,
    number_input,
    option,
    percent_input,
    plain,
    section,
    select_input,
)
from bot.views.limits import limits
from commands.policy import PERCENT_FIELDS, Policy, percent_of_rate
from commands.proposal_card import IntegrationCard
from commands.run_health import WATCHED
from commands.thresholds import (
    EXPECTED_MAX_MINUTES,
    INHERIT,
    OFF,
    ON,
    IntegrationThresholds,
    ThresholdsChange,
)

OWN_MARK = " (this integration)"
LABELS: dict[str, str] = {
    Block.ALERT_ERROR_RATE: "Alert at an error rate of (%)",
    Block.ALERT_MIN_RUNS: "Runs needed before an error-rate alert",
    Block.EXPECTED_MINUTES: "Expected interval between runs (minutes)",
    Block.ALERT_SILENCE_FACTOR: "Alert after no success for (times the interval)",
    Block.ALERT_RECORDS_FACTOR: "Alert when a run's record count is off by (times)",
    Block.AUTO_SUSPEND: "Auto-suspend when nearly every run fails",
}


def _value(name: str, value: Any) -> str:
    if name in PERCENT_FIELDS:
        return f"{percent_of_rate(value)}%"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def thresholds_line(thresholds: IntegrationThresholds) -> str:
    """The thresholds in force, each marked where the integration set its own (plain text)."""

    def shown(name: str) -> str:
        return _value(name, thresholds.value(name)) + (OWN_MARK if thresholds.own(name) else "")

    return (
        f"Alerts at {shown('alert_error_rate')} errors over at least {shown('alert_min_runs')} runs, "
        f"after no success for {shown('alert_silence_factor')}x {shown('expected_minutes')} min, "
        f"when a run's records are off by {shown('alert_records_factor')}x; "
        f"auto-suspend {shown('auto_suspend')}."
    )


def thresholds_blocks(thresholds: IntegrationThresholds) -> list[SlackBlock]:
    return [context(":bell: " + thresholds_line(thresholds))]


def thresholds_actions(card: IntegrationCard) -> list[SlackBlock]:
    """The Alert thresholds button, on live or suspended integrations (it checks who presses it)."""
    if card.state not in WATCHED:
        return []
    ref = IntegrationRef(integration_id=card.id).model_dump_json()
    return [actions(button("Alert thresholds", Action.THRESHOLDS, ref), block_id=Block.THRESHOLD_BUTTONS)]


def _hint(name: str, workspace: Any) -> str:
    return f"Blank: the workspace's {_value(name, workspace)}."


def thresholds_modal(thresholds: IntegrationThresholds, workspace: Policy) -> View:
    """The form: each threshold the integration set, blank where it follows the workspace."""

    def initial(name: str) -> str:
        if not thresholds.own(name):
            return ""
        value = thresholds.value(name)
        return percent_of_rate(float(value)) if name in PERCENT_FIELDS else str(value)

    def numbers(name: Block, high: int | None = None) -> SlackBlock:
        bounds = limits(Policy, name)
        return number_input(
            name,
            LABELS[name],
            initial=initial(name),
            min_value=str(bounds.minimum),
            max_value=str(high or bounds.maximum),
            optional=True,
            hint=_hint(name, getattr(workspace, name)),
        )

    suspend = INHERIT
    if thresholds.own("auto_suspend"):
        suspend = ON if thresholds.value("auto_suspend") else OFF
    suspend_choices = [
        option(INHERIT, f"As the workspace ({'on' if workspace.auto_suspend else 'off'})"),
        option(ON, "On for this integration"),
        option(OFF, "Off for this integration"),
    ]
    blocks: list[SlackBlock] = [
        section(
            f"*#{thresholds.integration_id} {escape(thresholds.title)}*: set what differs for this "
            "integration; leave a field blank to follow the workspace's settings."
        ),
        percent_input(
            Block.ALERT_ERROR_RATE,
            LABELS[Block.ALERT_ERROR_RATE],
            initial(Block.ALERT_ERROR_RATE),
            optional=True,
            hint=_hint(Block.ALERT_ERROR_RATE, workspace.alert_error_rate),
        ),
        numbers(Block.ALERT_MIN_RUNS, workspace.alert_window_runs),
        number_input(
            Block.EXPECTED_MINUTES,
            LABELS[Block.EXPECTED_MINUTES],
            initial=initial(Block.EXPECTED_MINUTES),
            min_value="1",
            max_value=str(EXPECTED_MAX_MINUTES),
            optional=True,
            hint=f"Blank: {thresholds.timing_minutes} min, from its timing.",
        ),
        numbers(Block.ALERT_SILENCE_FACTOR),
        numbers(Block.ALERT_RECORDS_FACTOR),
        select_input(
            Block.AUTO_SUSPEND,
            LABELS[Block.AUTO_SUSPEND],
            suspend_choices,
            initial=suspend,
            hint="Within the workspace's daily cap on automatic suspensions.",
        ),
    ]
    meta = ThresholdsMeta(integration_id=thresholds.integration_id, version=thresholds.version)
    return View(
        type="modal",
        callback_id=Callback.THRESHOLDS,
        private_metadata=meta.model_dump_json(),
        title=plain("Alert thresholds"),
        submit=plain("Save"),
        close=plain("Cancel"),
        blocks=blocks,
    )


def _shown(name: str, value: Any) -> str:
    return "the workspace's" if value is None else _value(name, value)


def thresholds_change_text(change: ThresholdsChange) -> str:
    """The confirmation after saving an integration's thresholds."""
    t = change.thresholds
    called = f"#{t.integration_id} {escape(t.title)}"
    if not change.changed:
        return f"Nothing changed: the alert thresholds of {called} already had those values."
    lines = [
        f"• {LABELS[name]}: {_shown(name, old)} -> *{_shown(name, new)}*"
        for name, (old, new) in change.changed.items()
    ]
    return f"Saved the alert thresholds of {called}; they apply from the next run:\n" + "\n".join(lines)
