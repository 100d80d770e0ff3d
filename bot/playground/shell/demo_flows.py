"""The demo's data flows, integrations in every stage and success measures, through the real use-cases.

Loaded after the tools. Each loader adds what is missing and leaves what is already there. The Slack
messages the demo's history would have sent (cards, threads, DMs) count as already delivered, so the
shell starts quiet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from commands.actor import Actor, Role
from commands.documents import catalog
from commands.flows import FlowDraft, flow_lines, manual_flow_id, propose_from_flow, record_flow
from commands.lifecycle import Step
from commands.measures import MeasuresForm, record_measures
from commands.outbox import Item, deliver_pending
from commands.policy import Policy
from commands.proposal_form import ProposalDraft
from commands.proposal_writes import propose_integration
from commands.security_review import SANDBOX_CHECKS, SandboxForm, SecurityReviewForm
from commands.tools import find_tool
from commands.workflow import record_sandbox, submit_security_review, take_step

People = Mapping[str, str]

# source, target, what data, kinds, how, times a week, minutes each, who
FLOWS: list[tuple[str, str, str, list[str], str, str, int, str]] = [
    ("Salesforce", "Asana", "Won deals", ["deals"], "manual", "8", 15, "bob"),
    ("Stripe", "QuickBooks", "Payouts and fees", ["payments"], "csv", "5", 30, "frank"),
    ("Zendesk", "Jira", "Bug reports", ["tickets"], "manual", "10", 10, "bob"),
    ("HubSpot", "Salesforce", "Qualified leads", ["leads", "contacts"], "csv", "5", 20, "erin"),
    ("Intercom", "Zendesk", "Escalated chats", ["tickets"], "manual", "15", 5, "erin"),
    ("Gusto", "Google Sheets", "Payroll totals", ["payments"], "csv", "1", 45, "frank"),
    ("Looker", "Google Sheets", "Weekly pipeline numbers", ["deals"], "manual", "1", 60, "alice"),
    ("Salesforce", "Mailchimp", "Customer list", ["contacts"], "csv", "0.5", 40, "erin"),
    ("Jira", "Slack", "Release notes", ["tasks"], "manual", "2", 15, "dave"),
]  # fmt: skip

# title, source, target, owner, stage it reaches, flow it automates (by data), data classes
INTEGRATIONS: list[tuple[str, str, str, str, str, str, list[str]]] = [
    ("Closed-won deals start onboarding projects", "Salesforce", "Asana", "bob", "live", "Won deals",
     ["personal"]),
    ("Stripe payouts into QuickBooks", "Stripe", "QuickBooks", "frank", "live", "Payouts and fees",
     ["financial"]),
    ("Payroll summary into Google Sheets", "BambooHR", "Gusto", "frank", "suspended", "", ["personal"]),
    ("Zendesk bugs become Jira issues", "Zendesk", "Jira", "dave", "in_sandbox", "Bug reports", ["none"]),
    ("Qualified HubSpot leads into Salesforce", "HubSpot", "Salesforce", "erin", "awaiting_approval",
     "Qualified leads", ["personal"]),
    ("Intercom escalations open Zendesk tickets", "Intercom", "Zendesk", "bob", "security_review", "", []),
    ("Gong call notes on Salesforce deals", "Gong", "Salesforce", "bob", "changes_requested", "", []),
    ("Newsletter list synced from HubSpot", "HubSpot", "Mailchimp", "erin", "proposed", "", []),
]  # fmt: skip

STAGES = ["proposed", "security_review", "awaiting_approval", "approved", "in_sandbox", "live", "suspended"]


def load_flows(session: Session, people: People, now: datetime) -> int:
    """Where data still moves by hand or by CSV between the sample tools."""
    have = {(f.source_tool, f.target_tool, f.data) for f in flow_lines(session=session)}
    added = 0
    for source, target, data, kinds, mode, times, minutes, who in FLOWS:
        if (source, target, data) in have:
            continue
        draft = FlowDraft.model_validate(
            {
                "source_tool_id": find_tool(session=session, name=source).id,
                "target_tool_id": find_tool(session=session, name=target).id,
                "data": data,
                "data_kinds": kinds,
                "mode": mode,
                "times_per_week": Decimal(times),
                "minutes_each": minutes,
                "done_by": people[who],
            }
        )
        record_flow(session=session, actor=Actor(user_id=people[who]), draft=draft, now=now)
        added += 1
    return added


def _draft(
    session: Session, people: People, title: str, source: str, target: str, owner: str
) -> ProposalDraft:
    fields: dict[str, Any] = {
        "title": title,
        "purpose": f"Stop copying from {source} to {target} by hand.",
        "source_tool_id": find_tool(session=session, name=source).id,
        "target_tool_id": find_tool(session=session, name=target).id,
        "trigger": f"A record changes in {source}",
        "actions": f"Create or update the matching record in {target}",
        "mapping": "Name -> Name\nEmail -> Email | lower-case",
        "direction": "one_way",
        "timing": "realtime",
        "method": "ipaas_zapier",
        "method_reason": "Both tools have Zapier connectors; no engineering time needed",
        "effort_hours": "6",
        "owner_id": people[owner],
        "frequency": "4",
        "impact": "3",
        "feasibility": "4",
        "hours_per_week": "2",
        "monthly_cost": "20",
    }
    return ProposalDraft.parse(fields)


def _review(outcome: str, classes: list[str]) -> SecurityReviewForm:
    sensitive = bool(set(classes) & {"personal", "financial", "health"})
    form: SecurityReviewForm = SecurityReviewForm.parse(
        {
            "scopes": "records.read - read the changed record\nrecords.write - write the copy",
            "access_level": "read_write",
            "credential_type": "oauth",
            "credential_storage": "ipaas_store",
            "data_classes": classes or ["none"],
            "attestations": ["soc2", "gdpr_dpa"] if sensitive else [],
            "encrypted_in_transit": "yes",
            "encrypted_at_rest": "yes",
            "rotation_days": "90",
            "outcome": outcome,
            "notes": "" if outcome == "pass" else "Narrow the write scope to deals only.",
        }
    )
    return form


def load_integrations(session: Session, people: People, now: datetime) -> int:
    """Integrations in every stage, with owners; the live ones automate their flows and are measured."""
    policy = Policy(inflight_cap=20)
    have = {doc.title for doc in catalog(session=session, now=now)}
    carol = Actor(user_id=people["carol"], roles=frozenset({Role.SECURITY_REVIEWER}))
    approvers = [Actor(user_id=people[p], roles=frozenset({Role.APPROVER})) for p in ("dave", "erin")]
    added = 0
    for title, source, target, owner, stage, flow_data, classes in INTEGRATIONS:
        if title in have:
            continue
        proposer = Actor(user_id=people["alice" if owner == "bob" else "bob"])
        draft = _draft(session, people, title, source, target, owner)
        link = manual_flow_id(session=session, source=source, target=target, data=flow_data)
        if link is not None:
            card = propose_from_flow(
                session=session,
                actor=proposer,
                flow_id=link,
                draft=draft,
                policy=policy,
                now=now,
                confirmed=True,
            )
        else:
            card = propose_integration(
                session=session, actor=proposer, draft=draft, policy=policy, now=now, confirmed=True
            )
        added += 1
        _advance(session, card.id, stage, classes, people, carol, approvers, policy, now)
    deliver_pending(session=session, send=Unsent(), now=now, limit=10_000)
    return added


class Unsent:
    """The demo's history happened before the shell started: nothing of it is posted."""

    def __call__(self, session: Session, item: Item) -> None:
        return None

    def landed(self, session: Session, item: Item) -> bool | None:
        return False


def _advance(
    session: Session,
    integration_id: int,
    stage: str,
    classes: list[str],
    people: People,
    carol: Actor,
    approvers: list[Actor],
    policy: Policy,
    now: datetime,
) -> None:
    if stage == "proposed":
        return
    step: dict[str, Any] = {
        "session": session,
        "integration_id": integration_id,
        "policy": policy,
        "now": now,
    }
    take_step(actor=carol, step=Step.START_REVIEW, expected=None, **step)
    if stage == "security_review":
        return
    outcome = "changes_requested" if stage == "changes_requested" else "pass"
    submit_security_review(actor=carol, form=_review(outcome, classes), **step)
    if stage in ("changes_requested", "awaiting_approval"):
        return
    for approver in approvers:
        card = take_step(actor=approver, step=Step.APPROVE, expected=None, **step)
        if card.state.value == "approved":
            break
    owner = Actor(user_id=card.owner_id)
    record_sandbox(actor=owner, form=SandboxForm(checklist=list(SANDBOX_CHECKS)), **step)
    if stage == "in_sandbox":
        return
    take_step(actor=owner, step=Step.DEPLOY, expected=None, **step)
    form = MeasuresForm.parse({"hours_saved_per_week": "2", "errors_avoided": "3", "freshness_minutes": "5"})
    record_measures(session=session, actor=owner, integration_id=integration_id, form=form, now=now)
    if stage == "suspended":
        take_step(
            actor=owner,
            step=Step.SUSPEND,
            expected=None,
            reason="Duplicate rows after a Gusto update",
            **step,
        )
