"""Wording of what happened to an integration or a tool: each audited action said once, for its
history, its document and the thread replies and DMs of each step."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.forms import ToolHistoryRef
from bot.ids import Action
from bot.text import escape
from bot.views.elements import context, pager, section, user
from bot.views.renewals import ANSWERED, day
from commands.actor import SYSTEM
from commands.history import History, HistoryEntry, ToolHistory
from commands.lifecycle import Step
from commands.notices import ChangeSummary, ReasonKind, StepReason
from commands.renewals import Answer
from commands.vocabulary import State, counted

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
    "tool.registered": "registered it",
    "tool.updated": "edited it",
    "tool.owner_changed": "handed it to",
    "tool.assessed": "said which tools it shares data with",
    "tool.assessment_skipped": "skipped saying which tools it shares data with",
    "tool.renewal_reminded": "reminded its owner of the renewal",
    "tool.renewal_answered": "answered the renewal",
    "tool.renewed": "renewed it",
    "tool.replaced": "recorded what replaces it",
    "tool.renewed_automatically": "renewed it automatically, as nobody had answered",
    "tool.renewal_passed": "asked its owner again: the renewal date passed without an answer",
    "tool.retired": "retired it",
    "tool.owner_left": "flagged it: its owner left Slack",
}
# A tool's fields as an edit names them.
TOOL_FIELDS = {
    "name": "name",
    "category": "category",
    "owner_id": "owner",
    "data_kinds": "data",
    "data_other": "other data",
    "integration_options": "how it integrates",
    "vendor_url": "vendor URL",
    "monthly_cost": "monthly cost",
    "notes": "notes",
    "renews_on": "renewal date",
    "auto_renews": "automatic renewal",
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


def _renewal(entry: HistoryEntry) -> str:
    """What a tool's renewal entry adds: the date, the reminder's lead, the answer."""
    when = day(entry.renews_on) if entry.renews_on else ""
    if entry.action == "tool.renewal_reminded":
        return f" of {when} ({entry.days_before} days before)"
    if entry.action == "tool.renewal_answered" and entry.answer in set(Answer):
        return f" of {when}: {ANSWERED[Answer(entry.answer)]}"
    if entry.action == "tool.renewed":
        return f": it renews next on {when}" + (", automatically" if entry.auto_renews else "")
    if entry.action == "tool.renewed_automatically":
        return f": it renews next on {when}"
    if entry.action == "tool.renewal_passed":
        return f" ({when})"
    return ""


def what(entry: HistoryEntry) -> str:
    """One history entry's action, with the state it led to, the fields edited, the review's answer or
    the renewal it was about, in the app's own words (people's text is added by `history_line`)."""
    said = DONE.get(entry.action, entry.action)
    if entry.state is not None:
        said += " -> " + entry.state.replace("_", " ")
    if entry.changed:
        names = TOOL_FIELDS if entry.action.startswith("tool.") else {}
        said += " (" + ", ".join(names.get(field, field) for field in entry.changed) + ")"
    if entry.outcome is not None:
        said += ": " + entry.outcome.label.lower()
    return said + _renewal(entry)


def who(actor_id: str) -> str:
    """Who made a change: a person, or Patchbay itself (its daily jobs)."""
    return "Patchbay" if actor_id == SYSTEM.user_id else user(actor_id)


def history_line(entry: HistoryEntry) -> str:
    """One change, as a line of a history: when, who, what, and its note."""
    line = f"`{entry.at.strftime('%Y-%m-%d %H:%M')}` {who(entry.actor_id)} {what(entry)}"
    if entry.action == "tool.owner_changed" and entry.owner_id:
        line += f" {user(entry.owner_id)}"
    if entry.action == "tool.replaced" and entry.successor:
        line += f": {escape(entry.successor)}"
    note = entry_note(entry)
    return line + (f"\n      > {escape(note)[:300]}" if note else "")


def _sections(entries: list[HistoryEntry]) -> list[SlackBlock]:
    """Twenty entries to a section."""
    lines = [history_line(e) for e in entries]
    return [section("\n".join(lines[start : start + 20])[:2900]) for start in range(0, len(lines), 20)]


def history_blocks(history: History) -> list[SlackBlock]:
    """The integration's timeline, oldest first, twenty entries to a section."""
    blocks: list[SlackBlock] = [section(f"*History of #{history.integration_id} {escape(history.title)}*")]
    return (blocks + _sections(history.entries))[:50]


def tool_history_text(history: ToolHistory) -> str:
    """The notification text of a tool's history."""
    return f"History of {escape(history.name)}"


def tool_history_blocks(history: ToolHistory) -> list[SlackBlock]:
    """One page of a tool's timeline, oldest first, with page buttons when there is more."""
    retired = "  _(retired)_" if history.retired else ""
    blocks: list[SlackBlock] = [section(f"*History of {escape(history.name)}*{retired}")]
    if not history.entries:
        return [*blocks, section("Nothing recorded yet.")]
    blocks += _sections(history.entries)
    blocks.append(context(f"{counted(history.total, 'change')} in all, from the audit log."))
    blocks += pager(
        history.page,
        history.pages,
        Action.TOOL_HISTORY_PREV,
        Action.TOOL_HISTORY_NEXT,
        value=lambda n: ToolHistoryRef(tool_id=history.tool_id, page=n).model_dump_json(),
    )
    return blocks
