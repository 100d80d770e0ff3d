"""Block Kit for the lifecycle: step buttons, the security review, reason, sandbox and change modals."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import CheckboxesElement, InputBlock
from slack_sdk.models.views import View

from bot.forms import StepRef
from bot.ids import Block, Callback, Field, step_action
from bot.text import escape
from bot.views.elements import (
    actions,
    button,
    confirm,
    context,
    option,
    plain,
    section,
)
from bot.views.history import change_words
from bot.views.limits import multi_select_field, select_field, text_field
from bot.views.measures import measure_actions
from bot.views.proposals import integration_card
from bot.views.run_reports import run_report_actions
from bot.views.teardown import teardown_blocks
from bot.views.thresholds import thresholds_actions
from commands.lifecycle import RULES, Step, next_steps
from commands.proposal_card import IntegrationCard
from commands.security_review import (
    SANDBOX_CHECKS,
    ReasonForm,
    SandboxForm,
    ScopeChange,
    SecurityReviewForm,
)

STYLES = {
    Step.APPROVE: "primary",
    Step.DEPLOY: "primary",
    Step.REDEPLOY: "primary",
    Step.REJECT: "danger",
    Step.RETIRE: "danger",
    Step.SUSPEND: "danger",
}


def step_buttons(card: IntegrationCard) -> list[SlackBlock]:
    """Buttons for every step that can follow the card's state (each checks who presses it)."""
    steps = next_steps(card.state, retested=card.retested)
    if not steps:
        return []
    elements = []
    for step in steps:
        ref = StepRef(integration_id=card.id, step=step, state=card.state).model_dump_json()
        ask = None
        if step is Step.RETIRE:
            ask = confirm(
                "Retire this integration?",
                f"#{card.id} {escape(card.title)} moves to retiring and gets a teardown checklist:"
                " its automation, access, credential and webhooks, and the people downstream.",
                "Retire",
            )
        elements.append(
            button(RULES[step].label, step_action(step), ref, style=STYLES.get(step), confirm=ask)
        )
    return [actions(*elements, block_id=Block.STEPS)]


def lifecycle_lines(card: IntegrationCard) -> list[SlackBlock]:
    lines = []
    if card.data_classes:
        lines.append("Data classes: " + ", ".join(c.label for c in card.data_classes))
    if card.review_outcome is not None and card.reviewer_id:
        lines.append(f"Security review: {card.review_outcome.label.lower()} by <@{card.reviewer_id}>")
    if card.approvers or card.approvals_needed > 1:
        who = ", ".join(f"<@{a}>" for a in card.approvers) or "none yet"
        lines.append(f"Approvals: {len(card.approvers)} of {card.approvals_needed} ({who})")
    if card.pending_change:
        lines.append(
            f":arrows_counterclockwise: Change under review: {escape(change_words(card.pending_change))}"
        )
    if card.next_review_on:
        lines.append(f"Next review: {card.next_review_on.isoformat()}")
    return [context("  ·  ".join(lines))] if lines else []


def _modal(callback: str, ref: StepRef, title: str, submit: str, blocks: Sequence[SlackBlock]) -> View:
    return View(
        type="modal",
        callback_id=callback,
        private_metadata=ref.model_dump_json(),
        title=plain(title),
        submit=plain(submit),
        close=plain("Cancel"),
        blocks=list(blocks),
    )


def security_review_modal(
    ref: StepRef, *, title: str, scopes: str = "", data_classes: Sequence[str] = ()
) -> View:
    blocks: list[SlackBlock] = [
        section(
            f"*#{ref.integration_id} {escape(title)}*\n"
            "Least privilege: read-only unless writing is the point."
        ),
        text_field(
            SecurityReviewForm,
            Block.SCOPES,
            "Scopes or permissions, and why each is needed",
            initial=scopes,
            multiline=True,
            placeholder="crm.objects.deals.read - read won deals",
            hint="One per line: scope - why it is needed",
        ),
        select_field(SecurityReviewForm, Block.ACCESS_LEVEL, "Access level"),
        select_field(SecurityReviewForm, Block.CREDENTIAL_TYPE, "Credential type"),
        select_field(SecurityReviewForm, Block.CREDENTIAL_STORAGE, "Where the credential is kept"),
        multi_select_field(
            SecurityReviewForm, Block.DATA_CLASSES, "Data classes moved", initial=data_classes
        ),
        multi_select_field(
            SecurityReviewForm,
            Block.ATTESTATIONS,
            "Platform attestations",
            hint="Needed for personal, financial or health data.",
        ),
        select_field(SecurityReviewForm, Block.IN_TRANSIT, "Encrypted in transit?"),
        select_field(SecurityReviewForm, Block.AT_REST, "Encrypted at rest?"),
        text_field(SecurityReviewForm, Block.ROTATION_DAYS, "Key rotation interval (days)", placeholder="90"),
        select_field(SecurityReviewForm, Block.OUTCOME, "Outcome"),
        text_field(
            SecurityReviewForm,
            Block.NOTES,
            "Notes",
            multiline=True,
            hint="Required unless the review passes.",
        ),
    ]
    return _modal(Callback.SECURITY_REVIEW, ref, "Security review", "Record review", blocks)


def reason_modal(ref: StepRef, *, title: str) -> View:
    label = RULES[ref.step].label
    prompt = "Incident note" if ref.step is Step.SUSPEND else "Reason"
    blocks = [
        section(f"*{label}*: #{ref.integration_id} {escape(title)}"),
        text_field(
            ReasonForm, Block.REASON, prompt, multiline=True, hint="The proposer and owner will see this."
        ),
    ]
    return _modal(Callback.STEP_REASON, ref, label[:24], label[:24], blocks)


def sandbox_modal(ref: StepRef, *, title: str) -> View:
    checklist = InputBlock(
        block_id=Block.CHECKLIST,
        label=plain("Tried in the sandbox (tick every box)"),
        hint=plain("Every check is needed before it can be deployed."),
        element=CheckboxesElement(
            action_id=Field.VALUE, options=[option(key, label) for key, label in SANDBOX_CHECKS.items()]
        ),
    )
    blocks = [
        section(
            f"*#{ref.integration_id} {escape(title)}*: "
            + (
                "retest it in the sandbox before redeploying."
                if ref.step is Step.RETEST
                else "record the sandbox test before deploying."
            )
        ),
        checklist,
        text_field(SandboxForm, Block.NOTES, "Notes", multiline=True),
    ]
    title_ = "Retest in sandbox" if ref.step is Step.RETEST else "Sandbox test"
    return _modal(Callback.SANDBOX, ref, title_, "Record test", blocks)


def change_modal(ref: StepRef, *, title: str, scopes: str, data_classes: Sequence[str]) -> View:
    blocks = [
        section(
            f"*#{ref.integration_id} {escape(title)}*: a change to scopes or data goes back through "
            "security review; it stays as it is until the review passes."
        ),
        text_field(
            ScopeChange,
            Block.SCOPES,
            "Scopes or permissions, and why each is needed",
            initial=scopes,
            multiline=True,
            hint="One per line: scope - why it is needed",
        ),
        multi_select_field(ScopeChange, Block.DATA_CLASSES, "Data classes moved", initial=data_classes),
    ]
    return _modal(Callback.SECURITY_CHANGE, ref, "Change scopes or data", "Send to review", blocks)


def governance_card(card: IntegrationCard) -> list[SlackBlock]:
    """The card the governance channel sees, updated in place at every step."""
    buttons = (
        lifecycle_lines(card)
        + teardown_blocks(card)
        + step_buttons(card)
        + measure_actions(card)
        + run_report_actions(card)
        + thresholds_actions(card)
    )
    return integration_card(card, buttons=buttons)


CHANNEL_PROBLEMS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


def card_not_posted(integration_id: int, title: str, channel: str, reason: str) -> str:
    """Said once to the proposer and the admins when the governance channel refuses a card."""
    fix = {
        "not_in_channel": f"Patchbay is not in <#{channel}>: invite it there with `/invite @Patchbay`.",
        "channel_not_found": f"Slack has no channel {channel} that Patchbay can see: an admin picks the "
        "governance channel in `/patchbay settings`; invite Patchbay to it.",
        "is_archived": f"<#{channel}> is archived: unarchive it or have an admin pick another in "
        "`/patchbay settings`.",
    }[reason]
    return (
        f":warning: The card for #{integration_id} {escape(title)} could not be posted to the governance "
        f"channel. {fix} The card is posted as soon as that is fixed; until then reviewers do not see it."
    )
