"""Wording for run-health alerts: the thread line, the owner's DM with its buttons, escalation."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.forms import IncidentRef, StepRef
from bot.ids import Action, Block, step_action
from bot.text import escape
from bot.views.elements import actions, button, section
from commands.incidents import Event, IncidentKind, IncidentNotice, IncidentView
from commands.lifecycle import RULES, Step
from commands.vocabulary import State

KIND_NAMES = {
    IncidentKind.ERROR_RATE: "error rate",
    IncidentKind.SILENCE: "successful runs",
    IncidentKind.RECORDS: "record count",
}


def _what(view: IncidentView) -> str:
    d = view.detail
    if view.kind is IncidentKind.ERROR_RATE:
        return f"{d.get('errors')} of its last {d.get('runs')} runs failed"
    if view.kind is IncidentKind.SILENCE:
        return f"no successful run since {str(d.get('last_success', ''))[:16].replace('T', ' ')} UTC"
    return f"a run moved {d.get('records')} records against a recent median of {d.get('median')}"


def _name(view: IncidentView) -> str:
    return f"#{view.integration_id} {escape(view.title)}"


def incident_text(view: IncidentView, notice: IncidentNotice) -> str:
    """The one line a thread, a DM or the governance channel gets for this notice."""
    what = _what(view)
    if notice.event is Event.OPENED:
        return (
            f":rotating_light: {_name(view)} needs attention: {what}. "
            f"`/patchbay health {view.integration_id}` lists the failed runs."
        )
    if notice.event is Event.RECOVERED:
        return f":white_check_mark: {_name(view)} has recovered: {KIND_NAMES[view.kind]} back to normal."
    if notice.event is Event.AUTO_SUSPENDED:
        return (
            f":octagonal_sign: Patchbay suspended {_name(view)}: {what}. It cannot stop it in the "
            "platform itself: switch the Zap, scenario, workflow or recipe off there now. The runbook is "
            "in the card's thread: fix it, *Retest in sandbox* and *Redeploy* there, or press *Resume* if "
            "nothing needed fixing."
        )
    if notice.event is Event.ACKNOWLEDGED:
        return f":eyes: <@{notice.by}> is looking into {_name(view)}."
    if notice.event is Event.SNOOZED:
        until = f"{view.snoozed_until:%Y-%m-%d %H:%M} UTC" if view.snoozed_until else "later"
        return f":zzz: <@{notice.by}> snoozed the alert on {_name(view)} until {until}."
    return (
        f":mega: Nobody has acknowledged the alert on {_name(view)} (owner <@{view.owner_id}>): {what}. "
        f"`/patchbay health {view.integration_id}` has the figures."
    )


def incident_dm_blocks(view: IncidentView, notice: IncidentNotice) -> list[SlackBlock]:
    """The owner's alert with Suspend, Acknowledge and Snooze (each checks who presses it)."""
    blocks: list[SlackBlock] = [section(incident_text(view, notice))]
    if notice.event is Event.AUTO_SUSPENDED and view.state is State.SUSPENDED:
        resume = StepRef(integration_id=view.integration_id, step=Step.RESUME, state=State.SUSPENDED)
        label = RULES[Step.RESUME].label
        button_ = button(label, step_action(Step.RESUME), resume.model_dump_json(), style="primary")
        return [*blocks, actions(button_, block_id=Block.INCIDENT_BUTTONS)]
    if notice.event is not Event.OPENED or view.closed_at is not None:
        return blocks
    ref = IncidentRef(incident_id=view.id).model_dump_json()
    elements = [
        button("Acknowledge", Action.INCIDENT_ACK, ref, style="primary"),
        button("Snooze", Action.INCIDENT_SNOOZE, ref),
    ]
    if view.state is State.LIVE:
        suspend = StepRef(integration_id=view.integration_id, step=Step.SUSPEND, state=State.LIVE)
        elements.insert(
            0,
            button(
                RULES[Step.SUSPEND].label,
                step_action(Step.SUSPEND),
                suspend.model_dump_json(),
                style="danger",
            ),
        )
    blocks.append(actions(*elements, block_id=Block.INCIDENT_BUTTONS))
    return blocks
