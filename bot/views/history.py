"""Wording of what happened to an integration: each audited action said once, for its history, its
document and the thread replies and DMs of each step."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.text import escape
from bot.views.elements import section, user
from commands.history import History, HistoryEntry
from commands.lifecycle import Step
from commands.notices import ChangeSummary, ReasonKind, StepReason
from commands.vocabulary import State

DONE = {
    "integration.proposed": "proposed it",
    "integration.edited": "edited it",
    "integration.start_review": "started the security review",
    "integration.submit_review": "recorded the security review",
    "integration.approval_recorded": "approved it (more approvals needed)",
    "integration.approve": "approved it",
    "integration.request_changes": "requested changes",
    "integration.reject": "rejected it",
    "integration.resubmit": "resubmitted it",
    "integration.record_sandbox": "recorded the sandbox test",
    "integration.deploy": "deployed it to production",
    "integration.suspend": "suspended it",
    "integration.resume": "resumed it",
    "integration.retire": "started retiring it",
    "integration.finish_teardown": "settled the last teardown item",
    "teardown.done": "ticked a teardown item",
    "teardown.not_applicable": "marked a teardown item not applicable",
    "integration.change_security": "changed its scopes or data",
    "integration.needs_changes": "said it needs changes",
    "integration.reviewed": "answered the quarterly review",
    "integration.key_rotated": "recorded a key rotation",
    "integration.orphaned": "flagged it orphaned: the owner left Slack",
    "integration.reassigned": "reassigned it",
    "integration.measured": "recorded success measures",
    "integration.tool_replaced": "recorded that one of its tools is being replaced",
    "integration.retest": "retested it in the sandbox after the suspension",
    "integration.redeploy": "redeployed it after its retest",
    "integration.thresholds_changed": "changed its alert thresholds",
    "integration.auto_suspended": "applied the auto-suspend policy",
    "integration.still_running": "reported a run although it is retired: something is still running",
    "incident.opened": "opened a run-health incident",
    "incident.closed": "closed a run-health incident: recovered",
    "incident.acknowledged": "acknowledged the incident",
    "incident.snoozed": "snoozed the incident",
    "incident.escalated": "escalated the incident",
    "incident.retested": "retested it in the sandbox (incident runbook)",
    "incident.redeployed": "put it back live (incident runbook)",
}
# What follows from a step, said when it is taken (a thread reply, a DM) but not in the history.
FOLLOWS = {
    Step.RESUBMIT: " for security review",
    Step.RETIRE: ": its teardown checklist is open",
    Step.CHANGE_SECURITY: "; it goes back through security review",
}


def change_words(change: ChangeSummary) -> str:
    """What a change of scopes or data classes alters, in plain text (people's scope names unescaped)."""
    if change.summary:
        return change.summary
    parts = []
    if change.added_scopes:
        parts.append("adds scopes " + ", ".join(change.added_scopes))
    if change.dropped_scopes:
        parts.append("drops scopes " + ", ".join(change.dropped_scopes))
    if change.classes_before is not None:
        parts.append(
            f"data classes {', '.join(change.classes_before) or 'none'} -> {', '.join(change.classes_after)}"
        )
    return "; ".join(parts)


def reason_words(reason: StepReason) -> str:
    """Why a step was taken, when the reason is a fact, in plain text (tools' names unescaped)."""
    if reason.kind is ReasonKind.TOOL_RETIRING:
        return f"{reason.tool} is being retired."
    if reason.kind is ReasonKind.TOOL_REPLACED:
        return f"{reason.tool} -> {reason.successor}"
    return f"Suspended by Patchbay: {reason.errors} of {reason.runs} runs failed in the last 7 days."


def note_words(
    note: str,
    *,
    kept: str = "",
    change: ChangeSummary | None = None,
    personal_account: bool = False,
    reason: StepReason | None = None,
) -> str:
    """The note under a step, as plain text to escape: what the step left as it was or sends to
    review, why it was taken, the person's own words, and a flag when the integration uses a
    person's own account."""
    parts = []
    if kept:
        parts.append(f"The change was not accepted; it stays {State(kept).label.lower()} as before.")
    if change is not None:
        parts.append(f"Change under review: {change_words(change)}")
    if reason is not None:
        parts.append(reason_words(reason))
    if note:
        parts.append(note)
    if personal_account:
        parts.append(":warning: uses a person's own account")
    return " ".join(parts)


def entry_note(entry: HistoryEntry) -> str:
    """A history entry's note, as plain text to escape."""
    return note_words(
        entry.note,
        kept=entry.kept,
        change=entry.change,
        personal_account=entry.personal_account,
        reason=entry.reason,
    )


def step_done(step: Step) -> str:
    """What the person who took the step did, as the thread and the DMs say it."""
    return DONE[f"integration.{step.value}"] + FOLLOWS.get(step, "")


def what(entry: HistoryEntry) -> str:
    """One history entry's action, with the state it led to, the fields edited or the review's answer."""
    said = DONE.get(entry.action, entry.action)
    if entry.state is not None:
        said += " -> " + entry.state.replace("_", " ")
    if entry.changed:
        said += " (" + ", ".join(entry.changed) + ")"
    if entry.outcome is not None:
        said += ": " + entry.outcome.label.lower()
    return said


def history_blocks(history: History) -> list[SlackBlock]:
    """The integration's timeline, oldest first, twenty entries to a section."""
    lines = [
        f"`{e.at.strftime('%Y-%m-%d %H:%M')}` {user(e.actor_id)} {what(e)}"
        + (f"\n      > {escape(entry_note(e))[:300]}" if entry_note(e) else "")
        for e in history.entries
    ]
    blocks: list[SlackBlock] = [section(f"*History of #{history.integration_id} {escape(history.title)}*")]
    for start in range(0, len(lines), 20):
        blocks.append(section("\n".join(lines[start : start + 20])[:2900]))
    return blocks[:50]
