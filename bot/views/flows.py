"""Block Kit for data flows: the flow modal and the list of integration opportunities."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.blocks import DividerBlock, ExternalDataSelectElement, InputBlock
from slack_sdk.models.views import View

from bot.forms import FlowRef
from bot.ids import Action, Block, Callback, Field
from bot.text import escape
from bot.views.elements import (
    button,
    context,
    plain,
    section,
    user,
)
from bot.views.limits import multi_select_field, select_field, text_field, user_field
from commands.flows import FlowDraft, FlowLine, FlowMode, Opportunities, ProposalPrefill
from commands.proposal_form import ProposalDraft
from commands.vocabulary import counted, lowerfirst


def _tool_picker(block_id: str, label: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        element=ExternalDataSelectElement(
            action_id=Field.TOOL_PICK, placeholder=plain("Type part of the tool's name"), min_query_length=0
        ),
    )


def flow_modal(*, user_id: str) -> View:
    """The form to record how data moves between two tools today."""
    blocks: list[SlackBlock] = [
        _tool_picker(Block.SOURCE_TOOL, "From tool"),
        _tool_picker(Block.TARGET_TOOL, "To tool"),
        text_field(
            FlowDraft,
            Block.DATA,
            "What data moves",
            placeholder="Won deals: customer name, plan and start date",
        ),
        multi_select_field(FlowDraft, Block.DATA_KINDS, "Kinds of data"),
        select_field(FlowDraft, Block.FLOW_MODE, "How it moves today", initial=FlowMode.MANUAL.value),
        text_field(
            FlowDraft,
            Block.FLOW_INTEGRATION,
            "Integration number",
            max_length=8,
            placeholder="12",
            hint="Only when an integration already automates it.",
        ),
        text_field(
            FlowDraft,
            Block.TIMES_PER_WEEK,
            "How many times a week",
            placeholder="5",
            hint="0.25 for about once a month.",
        ),
        text_field(
            FlowDraft, Block.MINUTES_EACH, "Minutes each time", placeholder="20", hint="0 when automated."
        ),
        user_field(
            FlowDraft, Block.DONE_BY, "Who does it", initial=user_id, hint="Needed unless it is automated."
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.FLOW_ADD,
        title=plain("Record a data flow"),
        submit=plain("Record"),
        close=plain("Cancel"),
        blocks=blocks,
    )


def flow_text(line: FlowLine) -> str:
    """One line about a flow: where, what, how and what it costs."""
    who = f" by {user(line.done_by)}" if line.done_by and line.mode is not FlowMode.AUTOMATED else ""
    how = (
        lowerfirst(line.mode.label)
        if line.mode is not FlowMode.AUTOMATED
        else f"automated by #{line.integration_id}"
    )
    cost = f"  ·  *{line.hours_per_week} h/week*" if line.mode is not FlowMode.AUTOMATED else ""
    return (
        f"{escape(line.source_tool)} -> {escape(line.target_tool)}: {escape(line.data)}  ·  {how}{who}"
        f"  ·  {line.times_per_week.normalize():f}x a week, {line.minutes_each} min each{cost}"
    )


def flow_recorded(line: FlowLine) -> str:
    hint = (
        " It is now an integration opportunity: `/patchbay opportunities`."
        if line.mode is not FlowMode.AUTOMATED
        else ""
    )
    return f"Recorded flow #{line.id}: {flow_text(line)}.{hint}"


def opportunities_blocks(found: Opportunities) -> list[SlackBlock]:
    """Manual flows by hours per week, each with a Propose integration button."""
    if not found.total:
        return [
            section(
                "*No manual flows recorded.* Record where data still moves by hand with `/patchbay flow add`."
            )
        ]
    blocks: list[SlackBlock] = [
        section(
            f"*Integration opportunities*: {counted(found.total, 'flow')} still done by "
            f"hand or by CSV, *{found.total_hours} hours a week* in all. Most hours first."
        ),
        DividerBlock(),
    ]
    for rank, line in enumerate(found.lines, start=1):
        text = f"*{rank}.* {flow_text(line)}"
        if line.proposed and line.integration_state is not None:
            text += f"\n:arrow_right: proposed as #{line.integration_id} (_{line.integration_state.label}_)"
            blocks.append(section(text))
            continue
        ref = FlowRef(flow_id=line.id).model_dump_json()
        blocks.append(section(text, accessory=button("Propose integration", Action.FLOW_PROPOSE, ref)))
    if found.total > len(found.lines):
        blocks.append(context(f"{found.total - len(found.lines)} smaller ones are not shown."))
    return blocks


# Plain text for the proposal modal's inputs (never mrkdwn): the flow's words go in as they are.
PREFILL_TITLE = "Automate {data}: {source} -> {target}"
PREFILL_PURPOSE = (
    "Today {who} moves {data} from {source} to {target} {how}, "
    "{times} times a week at {minutes} minutes each: {hours} hours a week."
)


def prefilled_proposal(prefill: ProposalPrefill) -> ProposalDraft:
    """The proposal to automate a manual flow, its title and purpose worded from the flow."""
    line = prefill.flow
    words = {"data": line.data, "source": line.source_tool, "target": line.target_tool}
    purpose = PREFILL_PURPOSE.format(
        **words,
        who=user(line.done_by) if line.done_by else "someone",
        how="by hand" if line.mode is FlowMode.MANUAL else "by CSV export and import",
        times=f"{line.times_per_week.normalize():f}",
        minutes=line.minutes_each,
        hours=line.hours_per_week,
    )
    return prefill.draft.model_copy(
        update={"title": PREFILL_TITLE.format(**words)[:120], "purpose": purpose[:2000]}
    )
