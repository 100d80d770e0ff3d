"""Block Kit and wording for renewals: the reminder DM, the Renew and Replace modals, the list."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import DividerBlock, ExternalDataSelectElement, InputBlock
from slack_sdk.models.views import View

from bot.forms import SuccessorRef
from bot.ids import Action, Block, Callback, Field
from bot.text import escape
from bot.views.elements import (
    actions,
    button,
    chunk_lines,
    confirm,
    context,
    date_input,
    pager,
    plain,
    section,
    tick_input,
    user,
)
from bot.views.limits import text_field
from commands.renewals import (
    Answer,
    NoticeRef,
    RenewalPage,
    RenewalView,
    ReplaceForm,
    Replacement,
    Stage,
)
from commands.tool_retirement import ToolRetirement
from commands.vocabulary import counted, lowerfirst

ANSWERED = {
    Answer.RENEW: "renewed",
    Answer.REPLACE: "replaced",
    Answer.DROP: "dropped",
    Answer.AUTO: "renewed automatically",
}


def day(when: date) -> str:
    return f"{when:%b %-d, %Y}"


def renewal_words(renews_on: date, *, auto_renews: bool, today: date | None = None) -> str:
    """How a tool's renewal reads on its card and on App Home; a date that passed unanswered says so
    (an automatic renewal is moved a year on by the next daily job)."""
    if today is not None and renews_on < today and not auto_renews:
        return f"renewal date {day(renews_on)} passed without an answer"
    return f"{'renews automatically' if auto_renews else 'renews'} on {day(renews_on)}"


def _next_day(view: RenewalView) -> str:
    return day(view.next_renews_on or view.renews_on)


def renewal_text(view: RenewalView) -> str:
    """The reminder's notification text."""
    if view.stage is Stage.RENEWED:
        renewed = f"{escape(view.tool.name)} renewed automatically on {day(view.renews_on)}"
        return f"{renewed}: it renews next on {_next_day(view)}."
    if view.stage is Stage.PASSED:
        passed = f"{escape(view.tool.name)}'s renewal date, {day(view.renews_on)}, passed without an answer"
        return f"{passed}: renew, replace or drop it?"
    how = "renews automatically" if view.tool.auto_renews else "is up for renewal"
    return f"{escape(view.tool.name)} {how} on {day(view.renews_on)}: renew, replace or drop it?"


def _head(view: RenewalView) -> str:
    if view.stage is Stage.RENEWED:
        return (
            f":repeat: *{escape(view.tool.name)}* renewed automatically on *{day(view.renews_on)}*:"
            f" nobody answered its reminders, so Patchbay moved its renewal date a year on. It renews next on"
            f" *{_next_day(view)}*; you will be reminded 60 and 30 days before."
        )
    if view.stage is Stage.PASSED:
        return (
            f":hourglass: *{escape(view.tool.name)}*'s renewal date, *{day(view.renews_on)}*,"
            " passed without an answer."
            " Did it renew? Renew it with its next date, replace it or drop it."
        )
    how = "renews automatically" if view.tool.auto_renews else "is up for renewal"
    return (
        f":calendar: *{escape(view.tool.name)}* {how} on *{day(view.renews_on)}*"
        f" (in {counted(view.days_left, 'day')})."
    )


def _reliance_lines(view: RenewalView) -> list[str]:
    """What depends on the tool: as what would stop if it were dropped, or (once it renewed) as is."""
    reliance = view.reliance
    dropping = view.stage is not Stage.RENEWED
    lines = ["*If we drop it:*" if dropping else "*What depends on it:*"]
    if not reliance.integrations and not reliance.flows:
        lines.append("• Nothing registered in Patchbay depends on it.")
    stops = " stops" if dropping else ""
    lines += [
        f"• #{link.id} {escape(link.title)} ({'from' if link.inbound else 'to'} {escape(link.other_tool)},"
        f" {link.state.label.lower()}){stops} · owner {user(link.owner_id)}"
        for link in reliance.integrations
    ]
    for flow in reliance.flows:
        end = "its source" if flow.source_tool_id == view.tool.id else "its destination"
        lines.append(
            f"• {escape(flow.data)}: {escape(flow.source_tool)} → {escape(flow.target_tool)}"
            f" ({lowerfirst(flow.mode.label)}, {flow.hours_per_week} h/week)"
            + (f" loses {end}" if dropping else "")
        )
    if reliance.people:
        lines.append("*These people rely on it:* " + ", ".join(user(p) for p in reliance.people))
    if reliance.hours_saved:
        saved = "Savings at stake" if dropping else "Savings"
        lines.append(f"*{saved}:* {reliance.hours_saved} hours a week from its live integrations")
    return lines


def renewal_blocks(view: RenewalView) -> list[SlackBlock]:
    """The reminder DM: when, what depends on the tool, and Renew, Replace or Drop; or, once the date
    passed unanswered, that it renewed automatically (no buttons) or that it passed (the buttons)."""
    blocks: list[SlackBlock] = [section(_head(view))]
    blocks += [section("\n".join(chunk)) for chunk in chunk_lines(_reliance_lines(view))]
    if view.stage is Stage.RENEWED:
        blocks.append(
            context(
                f"Not renewed after all? Change the date with *Edit* on its card:"
                f" `/patchbay tool {escape(view.tool.name)}`."
            )
        )
        return blocks
    if view.answer is Answer.AUTO:
        blocks.append(context(f"Renewed automatically: it renews next on {_next_day(view)}."))
        return blocks
    if view.answer is not None:
        blocks.append(context(f"Answered by {user(view.answered_by or '')}: {ANSWERED[view.answer]}."))
        return blocks
    ref = NoticeRef(notice_id=view.notice_id).model_dump_json()
    count = len(view.reliance.integrations)
    blocks.append(
        actions(
            button("Renew", Action.RENEWAL_RENEW, ref, style="primary"),
            button("Replace", Action.RENEWAL_REPLACE, ref),
            button(
                "Drop",
                Action.RENEWAL_DROP,
                ref,
                style="danger",
                confirm=confirm(
                    "Drop this tool?",
                    f"*{escape(view.tool.name)}* is retired and {counted(count, 'integration')}"
                    f" {'starts' if count == 1 else 'start'} their teardown.",
                    "Drop it",
                ),
            ),
            block_id=Block.RENEWAL_BUTTONS,
        )
    )
    return blocks


def renew_modal(view: RenewalView, next_date: date) -> View:
    return View(
        type="modal",
        callback_id=Callback.RENEW,
        private_metadata=NoticeRef(notice_id=view.notice_id).model_dump_json(),
        title=plain("Renew"),
        submit=plain("Renew"),
        close=plain("Cancel"),
        blocks=[
            section(
                f"Renewing *{escape(view.tool.name)}* (due {day(view.renews_on)}). When does it renew next?"
            ),
            date_input(Block.RENEWS_ON, "Next renewal date", initial=next_date),
            tick_input(
                Block.AUTO_RENEWS,
                "Renewal",
                "Renews automatically unless cancelled",
                ticked=view.tool.auto_renews,
            ),
        ],
    )


def replace_modal(view: RenewalView) -> View:
    return View(
        type="modal",
        callback_id=Callback.REPLACE,
        private_metadata=NoticeRef(notice_id=view.notice_id).model_dump_json(),
        title=plain("Replace"),
        submit=plain("Replace"),
        close=plain("Cancel"),
        blocks=[
            section(
                f"What replaces *{escape(view.tool.name)}*? Pick a registered tool, or name a new one"
                " to register it (same category, owned by the same person)."
            ),
            InputBlock(
                block_id=Block.SUCCESSOR,
                label=plain("Registered tool"),
                optional=True,
                element=ExternalDataSelectElement(
                    action_id=Field.TOOL_PICK,
                    placeholder=plain("Type part of the tool's name"),
                    min_query_length=0,
                ),
            ),
            text_field(ReplaceForm, Block.SUCCESSOR_NAME, "Or a new tool", placeholder="Pipedrive"),
        ],
    )


def replaced_blocks(replacement: Replacement) -> list[SlackBlock]:
    """What was recorded, and one Propose button for each integration the successor will need."""
    old, new = escape(replacement.tool.name), escape(replacement.successor.name)
    registered = " (registered now)" if replacement.registered else ""
    lines = [f":arrows_counterclockwise: *{new}*{registered} replaces *{old}*."]
    if not replacement.seeds:
        lines.append(f"No live or in-flight integration of {old} needs to move.")
        return [section("\n".join(lines))]
    lines.append(
        f"{new} will need {counted(len(replacement.seeds), 'integration')} {old} has today."
        " Propose each one: the form opens prefilled from the old integration, for you to check."
    )
    blocks: list[SlackBlock] = [section("\n".join(lines))]
    for seed in replacement.seeds[:20]:
        ref = SuccessorRef(integration_id=seed.integration_id, successor_id=replacement.successor.id)
        blocks.append(
            section(
                f"#{seed.integration_id} {escape(seed.title)} ({'from' if seed.inbound else 'to'}"
                f" {escape(seed.other_tool)})",
                accessory=button("Propose", Action.RENEWAL_PROPOSE, ref.model_dump_json()),
            )
        )
    return blocks


def renewed_text(name: str, renews_on: date) -> str:
    return f"Renewed *{escape(name)}*: it renews next on {day(renews_on)}."


def dropped_text(retirement: ToolRetirement) -> str:
    started = ", ".join(f"#{i}" for i in retirement.started)
    teardown = f" Teardown started for {started}: each owner gets its checklist." if started else ""
    return f"Dropped *{escape(retirement.tool.name)}*: it is retired.{teardown}"


def renewals_list(page: RenewalPage) -> list[SlackBlock]:
    """The next 90 days of renewals, soonest first."""
    if page.total == 0:
        return [
            section("No tool renews in the next 90 days. Add renewal dates with *Edit* on a tool's card.")
        ]
    blocks: list[SlackBlock] = [
        section(f"*{counted(page.total, 'renewal')} in the next 90 days*"),
        DividerBlock(),
    ]
    lines = []
    for line in page.lines:
        auto = " · renews automatically" if line.auto_renews else ""
        successor = f" · replaced by {escape(line.successor)}" if line.successor else ""
        lines.append(
            f"*{day(line.renews_on)}* (in {counted(line.days_left, 'day')}) · *{escape(line.name)}*"
            f" · {user(line.owner_id)}{auto}{successor}"
        )
    blocks += [section("\n".join(chunk)) for chunk in chunk_lines(lines)]
    blocks.extend(pager(page.page, page.pages, Action.RENEWALS_PREV, Action.RENEWALS_NEXT))
    return blocks
