"""Block Kit for quarterly reviews: the owner's thread, the answer modal, nudges and orphan cards."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import CheckboxesElement, InputBlock, UserSelectElement
from slack_sdk.models.views import View

from bot.forms import IntegrationRef, ReviewRef
from bot.ids import Action, Block, Callback, Field
from bot.text import escape
from bot.views.elements import (
    actions,
    button,
    context,
    option,
    plain,
    section,
    user,
)
from bot.views.limits import select_field, text_field
from bot.views.run_health import quarter_line
from commands.review_answers import Answered, ReviewAnswer
from commands.review_items import CycleKind, Outcome, ReviewItem
from commands.review_status import StatusRow
from commands.run_health import Figures

ANSWER_BUTTONS = (
    (Outcome.KEEP, Action.REVIEW_KEEP, "primary"),
    (Outcome.NEEDS_CHANGES, Action.REVIEW_NEEDS_CHANGES, None),
    (Outcome.RETIRE, Action.REVIEW_RETIRE, "danger"),
)


def parent_text(owner_id: str, items: list[ReviewItem]) -> str:
    reviews = [i for i in items if i.kind is CycleKind.REVIEW]
    rotations = [i for i in items if i.kind is CycleKind.ROTATION]
    parts = []
    if reviews:
        by = min(i.due_on for i in reviews).isoformat()
        parts.append(
            f"{len(reviews)} integration{'s' if len(reviews) != 1 else ''} due for review (from {by})"
        )
    if rotations:
        parts.append(f"{len(rotations)} key rotation{'s' if len(rotations) != 1 else ''} due")
    return (
        f"Hi {user(owner_id)}: {' and '.join(parts)}. Each one is in this thread: "
        "keep it, ask for changes, or retire it."
    )


def _age(item: ReviewItem, today: date) -> str:
    if item.live_since is None:
        return "not live yet"
    days = (today - item.live_since).days
    return f"live for {days} days" if days < 60 else f"live for {days // 30} months"


def review_reply(item: ReviewItem, today: date, runs: Figures | None = None) -> list[SlackBlock]:
    """One integration in the owner's thread, with Keep / Needs changes / Retire and the quarter's runs."""
    if item.kind is CycleKind.ROTATION:
        return [
            section(
                f":key: *#{item.integration_id} {escape(item.title)}* ({escape(item.flow)})\n"
                f"Its credentials are due for rotation (every {item.rotation_days} days, due "
                f"{item.due_on.isoformat()})."
            ),
            actions(
                button(
                    "Key rotated",
                    Action.KEY_ROTATED,
                    ReviewRef(cycle_id=item.cycle_id, outcome=Outcome.ROTATED).model_dump_json(),
                    style="primary",
                )
            ),
        ]
    classes = ", ".join(c.label for c in item.data_classes) or "none recorded"
    text = (
        f"*#{item.integration_id} {escape(item.title)}*  ·  {escape(item.flow)}  ·  _{item.state.label}_\n"
        f"> {escape(item.purpose)[:300]}\n"
        f"{_age(item, today)}  ·  last review: {item.last_outcome or 'none yet'}  ·  data: {classes}  ·  "
        f"due {item.due_on.isoformat()}"
    )
    if runs is not None:
        text += "\n" + quarter_line(runs)
    buttons = [
        button(
            outcome.label,
            action,
            ReviewRef(cycle_id=item.cycle_id, outcome=outcome).model_dump_json(),
            style=style,
        )
        for outcome, action, style in ANSWER_BUTTONS
    ]
    return [section(text), actions(*buttons)]


def answered_reply(answered: Answered) -> list[SlackBlock]:
    item = answered.item
    after = f" Next review: {answered.next_review_on.isoformat()}." if answered.next_review_on else ""
    return [
        section(f"*#{item.integration_id} {escape(item.title)}*  ·  {escape(item.flow)}"),
        context(f":white_check_mark: {answered.outcome.label} ({user(answered.by)}).{after}"),
    ]


def answer_modal(ref: ReviewRef, item: ReviewItem) -> View:
    blocks: list[SlackBlock] = [
        section(f"*{ref.outcome.label}*: #{item.integration_id} {escape(item.title)}"),
        select_field(ReviewAnswer, Block.STILL_SERVES, "Does it still serve its purpose?"),
        select_field(ReviewAnswer, Block.DATA_QUALITY_OK, "Is the data quality acceptable?"),
        text_field(
            ReviewAnswer,
            Block.INCIDENTS,
            "Incidents since the last review",
            multiline=True,
            placeholder="None",
        ),
        text_field(
            ReviewAnswer,
            Block.NOTES,
            "Notes",
            required=ref.outcome is Outcome.NEEDS_CHANGES,
            multiline=True,
            hint="What needs to change." if ref.outcome is Outcome.NEEDS_CHANGES else "",
        ),
    ]
    if ref.outcome is Outcome.RETIRE:
        blocks.append(
            InputBlock(
                block_id=Block.CONFIRM_RETIRE,
                label=plain("Retire it"),
                optional=True,
                element=CheckboxesElement(
                    action_id=Field.VALUE, options=[option("yes", "Yes, stop and retire this integration")]
                ),
            )
        )
    return View(
        type="modal",
        callback_id=Callback.REVIEW_ANSWER,
        private_metadata=ref.model_dump_json(),
        title=plain("Quarterly review"),
        submit=plain(ref.outcome.label),
        close=plain("Cancel"),
        blocks=blocks,
    )


def orphan_card(integration_id: int, title: str, owner_id: str) -> list[SlackBlock]:
    picker = UserSelectElement(action_id=Action.REASSIGN, placeholder=plain("Reassign to..."))
    return [
        section(
            f":warning: *#{integration_id} {escape(title)}* is orphaned: its owner {user(owner_id)} "
            "has left Slack. Pick a new owner."
        ),
        actions(picker, block_id=IntegrationRef(integration_id=integration_id).model_dump_json()),
    ]


WHAT_IS_DUE = {CycleKind.REVIEW: "quarterly review", CycleKind.ROTATION: "key rotation"}


def reviews_list(rows: list[StatusRow], *, everyone: bool) -> list[SlackBlock]:
    whose = "everyone's" if everyone else "yours"
    if not rows:
        return [section(f"No reviews due ({whose}). :tada:")]
    lines = [
        f"{':red_circle: overdue' if row.overdue else ':large_yellow_circle: due'} "
        f"{row.item.due_on.isoformat()}  "
        f"#{row.item.integration_id} {escape(row.item.title)}  ·  {WHAT_IS_DUE[row.item.kind]}  ·  "
        f"{user(row.item.owner_id)}  ·  "
        f"{'sent' if row.item.status.value == 'sent' else 'not sent yet'}"
        + (f"  ·  {row.item.reminders_sent} reminder(s)" if row.item.reminders_sent else "")
        for row in rows[:40]
    ]
    more = [context(f"{len(rows) - 40} more: `patchbay reviews status` lists all.")] if len(rows) > 40 else []
    return [
        section(f"*Reviews due or overdue ({whose})*: {len(rows)}"),
        section("\n".join(lines)[:2900]),
        *more,
    ]
