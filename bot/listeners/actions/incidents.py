"""Acknowledge and Snooze on a run-health alert (Suspend is the lifecycle's own button)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import IncidentRef, read_value
from bot.ids import Action
from bot.middleware import deliver, transaction
from commands.incidents import acknowledge, snooze


def on_acknowledge(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    ref = read_value(body, IncidentRef)
    with transaction(context) as session:
        acknowledge(session=session, actor=context["actor"], incident_id=ref.incident_id, now=context["now"])
    deliver(context)


def on_snooze(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    ref = read_value(body, IncidentRef)
    with transaction(context) as session:
        snooze(
            session=session,
            actor=context["actor"],
            incident_id=ref.incident_id,
            policy=context["policy"],
            now=context["now"],
        )
    deliver(context)


def register(app: App) -> None:
    app.action(Action.INCIDENT_ACK)(on_acknowledge)
    app.action(Action.INCIDENT_SNOOZE)(on_snooze)
