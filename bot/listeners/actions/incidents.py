"""Acknowledge and Snooze on a run-health alert (Suspend is the lifecycle's own button)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.forms import IncidentRef
from bot.ids import Action
from bot.middleware import button, deliver, transaction
from bot.request import parsed, request_of
from commands.incidents import acknowledge, snooze


def on_acknowledge(ack: Ack, context: BoltContext) -> None:
    ack()
    req, ref = request_of(context), parsed(context, IncidentRef)
    with transaction(context) as session:
        acknowledge(session=session, actor=req.actor, incident_id=ref.incident_id, now=req.now)
    deliver(context)


def on_snooze(ack: Ack, context: BoltContext) -> None:
    ack()
    req, ref = request_of(context), parsed(context, IncidentRef)
    with transaction(context) as session:
        snooze(session=session, actor=req.actor, incident_id=ref.incident_id, policy=req.policy, now=req.now)
    deliver(context)


def register(app: App) -> None:
    app.action(Action.INCIDENT_ACK, middleware=[button(IncidentRef)])(on_acknowledge)
    app.action(Action.INCIDENT_SNOOZE, middleware=[button(IncidentRef)])(on_snooze)
