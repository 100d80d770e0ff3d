"""The workspace settings modal and the confirmation of a change: wording and Block Kit only.

Each input's bounds come from the `Policy` field it edits, so the modal never accepts what the
server refuses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    Block as SlackBlock,
)
from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    NumberInputElement,
)
from slack_sdk.models.views import View

from bot.forms import SettingsMeta
from bot.ids import Block, Callback, Field
from bot.text import escape
from bot.views.elements import context, percent_input, plain, user
from bot.views.limits import limits, select_field, text_field
from commands.policy import PERCENT_FIELDS, Policy, percent_of_rate
from commands.workspace_policy import PolicyChange, PolicyState

LABELS: dict[str, tuple[str, str]] = {
    Block.HOURLY_RATE: ("Hourly rate", "What an hour of work costs; savings and build costs use it."),
    Block.CURRENCY: ("Currency", "Shown on cards and plans, like USD, EUR or €."),
    Block.MAINTENANCE_PCT: (
        "Maintenance (% of build cost a year)",
        "Added to each proposal's first-year cost.",
    ),
    Block.PAYBACK_MONTHS: (
        "Payback target (months)",
        "Proposals paying back later are flagged, never blocked.",
    ),
    Block.INFLIGHT_CAP: (
        "In-flight cap",
        "Approved but not yet live, at most, before approving needs an admin.",
    ),
    Block.FOCUS_SIZE: ("Focus size", "How many of the top of the queue are marked as the focus."),
    Block.SENSITIVE_APPROVALS: (
        "Approvals for sensitive data",
        "Approvals needed when personal, financial or health data moves (others need one).",
    ),
    Block.REVIEW_INTERVAL_DAYS: (
        "Review every (days), sensitive data",
        "Integrations moving personal, financial or health data: at most a quarter.",
    ),
    Block.LOW_RISK_REVIEW_INTERVAL_DAYS: (
        "Review every (days), other integrations",
        "Integrations moving no personal, financial or health data, like 180 for every six months.",
    ),
    Block.ALIGN_REVIEWS_TO_QUARTERS: (
        "Align reviews to calendar quarters",
        "Review at the start of a quarter instead of a number of days after going live.",
    ),
    Block.REVIEW_REMINDER_DAYS: (
        "Remind about an unanswered review after (days)",
        "One or more numbers separated by commas, like 3, 7",
    ),
    Block.REVIEW_ESCALATE_DAYS: (
        "Escalate an unanswered review after (days)",
        "Posted to the governance channel, mentioning the owner and the admins.",
    ),
    Block.NUDGE_AFTER_DAYS: (
        "Nudge a waiting proposal after (days)",
        "Whoever holds the next step is reminded.",
    ),
    Block.ESCALATE_AFTER_DAYS: (
        "Escalate a waiting proposal after (days)",
        "The admins are told in the governance channel.",
    ),
    Block.GOVERNANCE_CHANNEL: (
        "Governance channel",
        "Where proposal cards and escalations are posted. Invite Patchbay to it first.",
    ),
    Block.ALERT_ERROR_RATE: (
        "Alert at an error rate of (%)",
        "Over an integration's latest runs, like 20. It recovers below half of it.",
    ),
    Block.ALERT_WINDOW_RUNS: ("Latest runs the error rate counts", "Like 20."),
    Block.ALERT_MIN_RUNS: (
        "Runs needed before an error-rate alert",
        "At most the runs counted, like 5.",
    ),
    Block.ALERT_SILENCE_FACTOR: (
        "Alert after no success for (times the expected interval)",
        "The interval comes from the integration's timing: batch every N minutes, or a day.",
    ),
    Block.ALERT_RECORDS_FACTOR: (
        "Alert when a run's record count is off by (times)",
        "Compared with the median of its recent runs, like 10.",
    ),
    Block.ALERT_ESCALATE_HOURS: (
        "Escalate an unacknowledged alert after (hours)",
        "Posted to the governance channel.",
    ),
    Block.ALERT_SNOOZE_HOURS: ("Snooze lasts (hours)", "How long Snooze holds back the escalation."),
    Block.AUTO_SUSPEND: (
        "Suspend integrations that nearly always fail",
        "Patchbay suspends it, revokes its run-report token and posts the runbook.",
    ),
    Block.AUTO_SUSPEND_ERROR_RATE: (
        "Auto-suspend at an error rate of (%) over 7 days",
        "Like 95, Zapier's own rule.",
    ),
    Block.AUTO_SUSPEND_MIN_RUNS: ("Auto-suspend only after more than (runs in 7 days)", "Like 20."),
    Block.AUTO_SUSPEND_CAP: (
        "Auto-suspend at most (integrations a day)",
        "Beyond it an alert still goes out, and a person decides.",
    ),
}
SECTIONS: tuple[tuple[str, tuple[Block, ...]], ...] = (
    (
        "Money",
        (Block.HOURLY_RATE, Block.CURRENCY, Block.MAINTENANCE_PCT, Block.PAYBACK_MONTHS),
    ),
    ("Approvals and focus", (Block.INFLIGHT_CAP, Block.FOCUS_SIZE, Block.SENSITIVE_APPROVALS)),
    (
        "Reviews",
        (
            Block.REVIEW_INTERVAL_DAYS,
            Block.LOW_RISK_REVIEW_INTERVAL_DAYS,
            Block.ALIGN_REVIEWS_TO_QUARTERS,
            Block.REVIEW_REMINDER_DAYS,
            Block.REVIEW_ESCALATE_DAYS,
        ),
    ),
    ("Reminders", (Block.NUDGE_AFTER_DAYS, Block.ESCALATE_AFTER_DAYS)),
    ("Where", (Block.GOVERNANCE_CHANNEL,)),
    (
        "Run health",
        (
            Block.ALERT_ERROR_RATE,
            Block.ALERT_WINDOW_RUNS,
            Block.ALERT_MIN_RUNS,
            Block.ALERT_SILENCE_FACTOR,
            Block.ALERT_RECORDS_FACTOR,
            Block.ALERT_ESCALATE_HOURS,
            Block.ALERT_SNOOZE_HOURS,
        ),
    ),
    (
        "Auto-suspend",
        (
            Block.AUTO_SUSPEND,
            Block.AUTO_SUSPEND_ERROR_RATE,
            Block.AUTO_SUSPEND_MIN_RUNS,
            Block.AUTO_SUSPEND_CAP,
        ),
    ),
)


def _number(value: Any) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _input(name: Block, policy: Policy) -> InputBlock:
    label, hint = LABELS[name]
    value = getattr(policy, name)
    annotation = Policy.model_fields[name].annotation
    if name is Block.GOVERNANCE_CHANNEL:
        return InputBlock(
            block_id=name,
            label=plain(label),
            hint=plain(hint),
            optional=True,
            element=ConversationSelectElement(
                action_id=Field.VALUE,
                initial_conversation=value or None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        )
    if annotation is bool:
        return select_field(Policy, name, label, initial="yes" if value else "no", hint=hint, required=True)
    if name in PERCENT_FIELDS:
        return percent_input(name, label, percent_of_rate(value), hint=hint)
    if annotation in (int, Decimal):
        bounds = limits(Policy, name)
        return InputBlock(
            block_id=name,
            label=plain(label),
            hint=plain(hint),
            element=NumberInputElement(
                action_id=Field.VALUE,
                is_decimal_allowed=annotation is Decimal,
                initial_value=_number(value),
                min_value=_number(bounds.minimum),
                max_value=_number(bounds.maximum),
            ),
        )
    shown = ", ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)
    return text_field(Policy, name, label, initial=shown, hint=hint, required=True)


def settings_modal(state: PolicyState) -> View:
    """Every setting an admin may change, each showing the value in force."""
    blocks: list[SlackBlock] = []
    if state.updated_by and state.updated_at:
        blocks.append(
            context(f"Last changed by {user(state.updated_by)} on {state.updated_at:%Y-%m-%d %H:%M} UTC.")
        )
    else:
        blocks.append(context("These are the server's defaults; nobody has changed them in Slack yet."))
    for title, names in SECTIONS:
        blocks.append(DividerBlock())
        blocks.append(HeaderBlock(text=plain(title)))
        blocks.extend(_input(name, state.policy) for name in names)
    return View(
        type="modal",
        callback_id=Callback.SETTINGS,
        private_metadata=SettingsMeta(version=state.version).model_dump_json(),
        title=plain("Patchbay settings"),
        submit=plain("Save"),
        close=plain("Cancel"),
        blocks=blocks,
    )


def _shown(name: str, value: Any) -> str:
    if name == Block.GOVERNANCE_CHANNEL:
        return f"<#{value}>" if value else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name in PERCENT_FIELDS and isinstance(value, float):
        return f"{percent_of_rate(value)}%"
    return escape(str(value))


def change_text(change: PolicyChange) -> str:
    """The confirmation an admin gets after saving the settings."""
    if not change.changed:
        return "Nothing changed: the settings already had those values."
    lines = [
        f"• {LABELS[name][0]}: {_shown(name, old)} -> *{_shown(name, new)}*"
        for name, (old, new) in change.changed.items()
    ]
    return "Saved the workspace settings; they apply from now on:\n" + "\n".join(lines)
